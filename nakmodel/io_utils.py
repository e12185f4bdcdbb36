"""Deprecated alias: the writers moved to :mod:`nakmodel.atomic_write`, ``as_path`` and
``read_toml`` to :mod:`nakmodel.input_files` (kept for code written against the old name)."""

from .atomic_write import (  # noqa: F401
    atomic_savefig,
    atomic_write_bytes,
    atomic_write_text,
    fsync_dir,
    output_error,
    write_durable_temp,
)
from .input_files import as_path, read_toml  # noqa: F401
