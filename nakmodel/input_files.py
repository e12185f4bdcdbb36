"""Reading input files: path arguments and TOML files, with one-line errors naming what is
wrong (missing, a folder, unreadable, empty, malformed)."""

from __future__ import annotations

import os
from pathlib import Path


def as_path(value, key: str = "path"):
    """``value`` as a Path; anything but a str/PathLike is a ParameterError naming ``key``."""
    from .errors import InputProblem, ParameterError

    if isinstance(value, bool) or not isinstance(value, str | os.PathLike):
        raise ParameterError(InputProblem(key, f"expected a file path, not {type(value).__name__}",
                                          value, "a str or pathlib.Path"))
    if isinstance(value, str) and (not value.strip() or "\0" in value):
        raise ParameterError(InputProblem(key, "not a usable file path", value, "a file name"))
    return Path(value)


def read_toml(path, expected: str = "a valid TOML file") -> dict:
    """Read a TOML file; a missing, unreadable, empty or malformed file is a ParameterError.

    A UTF-8 byte-order mark (written by some Windows editors) is accepted.
    """
    import tomllib

    from .errors import InputProblem, ParameterError

    path = as_path(path, "file")
    if path.is_dir():
        raise ParameterError(InputProblem(str(path), "is a folder, not a file", None,
                                          "a TOML file"))
    if not path.exists():
        raise ParameterError(InputProblem(str(path), "file not found", None,
                                          "an existing TOML file"))
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ParameterError(InputProblem(str(path), f"cannot read the file "
                                          f"({exc.strerror or type(exc).__name__})", None,
                                          "a readable TOML file")) from None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    if not raw.strip():
        raise ParameterError(InputProblem(str(path), "file is empty", None, expected))
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ParameterError(InputProblem(str(path), f"malformed TOML: {exc}", None,
                                          "a valid TOML file")) from None
