"""Atomic file writes: nothing a user computed is lost to a half-written file."""

from __future__ import annotations

import os
import uuid
from pathlib import Path


def output_error(path, exc: OSError):
    """An :class:`~nakmodel.errors.OutputError` saying in words why ``path`` cannot be written."""
    from .errors import OutputError

    return OutputError.from_os_error(path, exc)


def fsync_dir(folder) -> None:
    """Flush a folder's entries to disk (after a rename into it); ignored where unsupported."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def write_durable_temp(tmp: Path, data: bytes) -> None:
    """Create ``tmp`` exclusively (mode ``0666 & ~umask``), write ``data`` and fsync it: the
    first half of an atomic publish (then ``os.replace`` or ``os.link`` it into place)."""
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    with os.fdopen(fd, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``.

    The file gets the mode ``0666 & ~umask`` (0644 under umask 022), like any
    file the user creates.  A full disk, a read-only or missing-permission
    folder raise :class:`~nakmodel.errors.OutputError` (an ``OSError``) naming
    the path and the cause; the temporary file is removed and an existing
    ``path`` is left as it was.
    """
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise output_error(path.parent, exc) from None
    if path.is_dir():
        raise output_error(path, IsADirectoryError(21, "Is a directory"))
    tmp = path.parent / f".{path.name}.{uuid.uuid4().hex[:12]}.tmp"
    try:
        write_durable_temp(tmp, data)
        os.replace(tmp, path)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise output_error(path, exc) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return path


def atomic_write_text(path, text: str, encoding: str = "utf-8") -> Path:
    """Text version of :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode(encoding))


def atomic_savefig(fig, path, **kwargs) -> Path:
    """Save a matplotlib figure atomically (format from the suffix)."""
    import io

    path = Path(path)
    buffer = io.BytesIO()
    fmt = path.suffix.lstrip(".") or "png"
    fig.savefig(buffer, format=fmt, **kwargs)
    return atomic_write_bytes(path, buffer.getvalue())
