"""Write-once results: the first attempt of a point to finish owns its result, for good.

A point may be attempted more than once at the same time: Dask reruns a task
whose result was held by a worker that died, a concurrent sweep may write
into the same folder, a timed-out pool process may still be running.  So no
attempt writes into the point folder while it runs:

1. an attempt gets its own hidden folder ``OUT/points/<id>/.attempt-<host>-<pid>-<random>/``
   and ``run_point`` writes its files there;
2. when it is done, :func:`commit_result` writes the complete ``result.json``
   to a temporary file and publishes it with ``os.link`` — atomic, and it
   fails if ``result.json`` already exists, so a later attempt can neither
   delete nor overwrite a finished result (it discards its own folder and
   returns the stored record instead);
3. the winner then moves its files up into the point folder.  If it dies
   in between, ``result.json`` names the attempt folder and the next reader
   finishes the move (:func:`complete_files`).

Only an explicit retry of a *failed* point (``--retry-failed``) removes a
stored result (:func:`discard_failed`); an ``ok`` result is never removed.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import uuid
from pathlib import Path

from ..atomic_write import fsync_dir, write_durable_temp

RESULT_FILE = "result.json"
POINT_FILE = "point.json"
ATTEMPT_PREFIX = ".attempt-"


def new_attempt_dir(point_dir, name: str | None = None) -> Path:
    """Create (and return) a fresh private folder for one attempt of a point."""
    if name is None:
        name = f"{ATTEMPT_PREFIX}{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:8]}"
    folder = Path(point_dir) / name
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def read_result(point_dir) -> dict | None:
    """The stored record of a point (its files completed if needed), or None."""
    path = Path(point_dir) / RESULT_FILE
    try:
        record = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError, json.JSONDecodeError, UnicodeDecodeError):
        return None
    if not isinstance(record, dict):
        return None
    complete_files(point_dir, record)
    return record


def _attempt_files(attempt: Path | None) -> list[str]:
    if attempt is None or not attempt.is_dir():
        return []
    return sorted(p.relative_to(attempt).as_posix() for p in attempt.rglob("*")
                  if p.is_file() and not p.name.startswith("."))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def complete_files(point_dir, record: dict) -> None:
    """Move the files of the winning attempt (``record['attempt']``) into the point folder.

    Idempotent and safe to run concurrently: each entry is moved with one
    ``os.rename``; an entry already moved is skipped.
    """
    name = record.get("attempt")
    if not name:
        return
    point_dir = Path(point_dir)
    attempt = point_dir / name
    if not attempt.is_dir():
        return
    for entry in list(attempt.iterdir()):
        if entry.name.startswith("."):
            continue
        target = point_dir / entry.name
        if target.name in (RESULT_FILE, POINT_FILE):
            continue
        try:
            if target.exists():  # left by an earlier failed result: the winner's file counts
                _remove(target)
            os.rename(entry, target)
        except FileNotFoundError:  # a concurrent reader moved it first
            continue
    shutil.rmtree(attempt, ignore_errors=True)


def commit_result(point_dir, record: dict, attempt=None, *, json_value=None) -> tuple[dict, bool]:
    """Publish ``record`` as the point's result unless one is stored already.

    Returns ``(stored_record, won)``: our record and True if this call wrote
    ``result.json``, else the record that was there first and False (our
    attempt folder is then removed).  Raises OSError if the disk is full or
    the folder read-only (no partial ``result.json`` is left).
    """
    point_dir = Path(point_dir)
    attempt = Path(attempt) if attempt is not None else None
    existing = read_result(point_dir)
    if existing is not None:
        if attempt is not None:
            shutil.rmtree(attempt, ignore_errors=True)
        return existing, False
    convert = json_value or (lambda v: v)
    record = dict(record, files=_attempt_files(attempt),
                  outputs=convert(record.get("outputs") or {}),
                  attempt=attempt.name if attempt is not None else None)
    data = json.dumps(record, indent=1).encode("utf-8")
    point_dir.mkdir(parents=True, exist_ok=True)
    tmp = point_dir / f".result.{uuid.uuid4().hex}.tmp"
    final = point_dir / RESULT_FILE
    try:
        write_durable_temp(tmp, data)
        try:
            os.link(tmp, final)
            won = True
        except FileExistsError:
            won = False
        except OSError:  # a filesystem without hard links: check, then rename
            won = not final.exists()
            if won:
                os.replace(tmp, final)
    finally:
        tmp.unlink(missing_ok=True)
    if not won:
        if attempt is not None:
            shutil.rmtree(attempt, ignore_errors=True)
        return read_result(point_dir) or record, False
    fsync_dir(point_dir)
    complete_files(point_dir, record)
    return record, True


def prune_attempts(point_dir) -> int:
    """Remove the attempt folders of a *finished* point (attempts killed mid-run, or losers).

    An attempt still running elsewhere loses its folder, fails, and cannot
    commit anyway (the result exists).  Returns the number removed.
    """
    point_dir = Path(point_dir)
    if read_result(point_dir) is None:
        return 0
    removed = 0
    for entry in point_dir.glob(f"{ATTEMPT_PREFIX}*"):
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    return removed


def discard_failed(point_dir) -> bool:
    """Remove a stored *failed* result and its files (for a retry); never an ``ok`` one."""
    point_dir = Path(point_dir)
    record = read_result(point_dir)
    if record is None or record.get("status") == "ok":
        return False
    for name in {f.split("/", 1)[0] for f in record.get("files") or ()}:
        if name not in (RESULT_FILE, POINT_FILE) and not name.startswith("."):
            _remove(point_dir / name)
    trash = point_dir / f".failed-{uuid.uuid4().hex[:8]}.json"
    try:
        os.rename(point_dir / RESULT_FILE, trash)
    except FileNotFoundError:
        return False
    trash.unlink(missing_ok=True)
    return True


__all__ = ["commit_result", "complete_files", "discard_failed", "new_attempt_dir",
           "prune_attempts", "read_result"]
