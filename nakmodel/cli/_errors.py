"""How the command line reports a failure: one line, a documented exit status.

Exit status (also in ``nakmodel --help``):

* 0 — success; 1 — the command ran but some items failed (e.g. sweep points, KK tests);
* 2 — bad input (a :class:`~nakmodel.errors.ParameterError`, a missing or
  unreadable input file, a bad path or option): nothing was run;
* 3 — a solve did not converge (:class:`~nakmodel.errors.ConvergenceError`);
* 4 — ``max_steps`` time steps were used up (:class:`~nakmodel.errors.StepLimitError`);
* 5 — a result could not be written (full disk, read-only or forbidden folder);
* 6 — an unexpected internal error (a bug: please report it with ``--debug`` output);
* 130 — interrupted (Ctrl-C).

``--debug`` re-raises after printing, so the traceback is shown.
"""

from __future__ import annotations

import errno
import os
import sys
from pathlib import Path

EXIT_BAD_INPUT, EXIT_CONVERGENCE, EXIT_STEP_LIMIT, EXIT_OUTPUT, EXIT_INTERNAL = 2, 3, 4, 5, 6
_INPUT_ERRNOS = {errno.ENOENT, errno.EISDIR, errno.ENOTDIR, errno.EEXIST, errno.ENAMETOOLONG,
                 errno.ELOOP}
#: below this many free bytes an output folder counts as full (checked before a run)
MIN_FREE_BYTES = 1 << 20


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


def report(err: BaseException) -> int:
    """Print ``err`` as ``error: ...`` line(s) on stderr and return the exit status."""
    from ..errors import ConvergenceError, OutputError, ParameterError, StepLimitError

    if isinstance(err, ParameterError):
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)  # a protocol caret spans 2 lines
        return EXIT_BAD_INPUT
    if isinstance(err, StepLimitError):
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return EXIT_STEP_LIMIT
    if isinstance(err, ConvergenceError):
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return EXIT_CONVERGENCE
    if isinstance(err, OutputError):
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return EXIT_OUTPUT
    if isinstance(err, FileNotFoundError | IsADirectoryError | NotADirectoryError) \
            and err.errno is None:  # raised by nakmodel with its own message
        print(f"error: {_one_line(err)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if isinstance(err, OSError):
        where = err.filename if err.filename is not None else ""
        what = err.strerror or type(err).__name__
        if err.errno in _INPUT_ERRNOS:
            print(f"error: {where}: {what}" if where else f"error: {what}", file=sys.stderr)
            return EXIT_BAD_INPUT
        wrapped = OutputError.from_os_error(where or "the output", err)
        print(f"error: {_one_line(wrapped)}", file=sys.stderr)
        return EXIT_OUTPUT
    if isinstance(err, MemoryError):
        print("error: out of memory (try a coarser mesh_size or fewer workers)", file=sys.stderr)
        return EXIT_INTERNAL
    print(f"error: internal error {type(err).__name__}: {_one_line(err)[:300]} "
          "(rerun with --debug for the traceback and please report it)", file=sys.stderr)
    return EXIT_INTERNAL


def check_output_folder(path, key: str = "--out") -> Path:
    """Refuse an output folder that cannot be used, before anything runs or is written.

    ``path`` must be a folder or not exist yet (its nearest existing parent
    must be a folder); that folder must accept a new file (a probe is
    created and removed) and have at least :data:`MIN_FREE_BYTES` free.
    Nothing is created in ``path`` itself.
    """
    from ..errors import InputProblem, OutputError, ParameterError

    path = Path(path)
    if path.exists() and not path.is_dir():
        raise ParameterError(InputProblem(key, "names an existing file, not a folder", str(path),
                                          "a folder (new or existing)"))
    parent = path
    while not parent.exists():
        if parent.parent == parent:
            break
        parent = parent.parent
    if not parent.is_dir():
        raise ParameterError(InputProblem(key, f"{parent} is a file, so {path} cannot be created",
                                          str(path), "a path whose parents are folders"))
    probe = parent / f".nakmodel-write-test-{os.getpid()}"
    try:
        with open(probe, "wb") as handle:
            handle.write(b"x")
        probe.unlink()
        free = os.statvfs(parent).f_bavail * os.statvfs(parent).f_frsize
    except OSError as exc:
        probe.unlink(missing_ok=True) if exc.errno != errno.EROFS else None
        raise OutputError.from_os_error(parent, exc) from None
    if free < MIN_FREE_BYTES:
        raise OutputError.from_os_error(parent, OSError(errno.ENOSPC, "No space left on device"))
    return path
