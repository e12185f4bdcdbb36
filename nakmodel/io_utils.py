"""Atomic file writes: nothing a user computed is lost to a half-written file."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path


def atomic_write_bytes(path, data: bytes) -> Path:
    """Write ``data`` to ``path`` via a temporary file in the same folder and ``os.replace``."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
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


def read_toml(path, expected: str = "a valid TOML file") -> dict:
    """Read a TOML file; a missing, empty or malformed file is a ParameterError naming it."""
    import tomllib

    from .errors import ParameterError, Problem

    path = Path(path)
    if not path.exists():
        raise ParameterError(Problem(str(path), "file not found", None, "an existing TOML file"))
    raw = path.read_bytes()
    if not raw.strip():
        raise ParameterError(Problem(str(path), "file is empty", None, expected))
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(Problem(str(path), f"malformed TOML: {exc}", None,
                                     "a valid TOML file")) from None
