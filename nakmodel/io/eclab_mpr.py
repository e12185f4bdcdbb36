"""BioLogic EC-Lab binary ``.mpr`` files, read natively (no GPL dependency).

Layout (all integers little-endian): the 52-byte signature ``BIO-LOGIC MODULAR FILE``,
then modules, each ``MODULE`` + a 10-byte short name + a 25-byte long name and

* old header (EC-Lab < 11.50): ``u32 length, u32 version, 8-byte date``;
* new header (EC-Lab >= 11.50): ``u32 0xFFFFFFFF, u32 length, u32 0, u32 version,
  8-byte date``,

followed by ``length`` bytes of content. The ``VMP data`` module holds ``u32`` number of
records, the number of columns (``u8`` in old headers, ``u16`` in new ones), one ``u16``
column ID per column (:mod:`nakmodel.io._mpr_columns`), and the records, which fill the
end of the module (they start at byte 0x195 of the content in data-module versions
0-2, 0x196 in version 3 and 0x3EF in versions >= 10). The optional ``VMP loop`` module
lists the first record of each loop (``u32`` count, ``u32`` indices).

Units as in EC-Lab's ``.mpt`` export (``-Im(Z)/Ohm`` is negated to Z'' < 0); rows are
numbered from 1 (``where="row"``).
"""

from __future__ import annotations

import struct
from pathlib import Path

import numpy as np

from ._common import SpectrumFileError, Table, warn_file
from ._mpr_columns import COLUMNS, FLAG_IDS

MAGIC = b"BIO-LOGIC MODULAR FILE"
_FIRST_MODULE = 52
_RECORD_START = {0: 0x195, 1: 0x195, 2: 0x195, 3: 0x196}
_RECORD_START_NEW = 0x3EF
_WIDTH_TYPES = {1: "<u1", 2: "<u2", 4: "<f4", 8: "<f8"}


def read_mpr_table(path: Path) -> Table:
    """Parse the ``VMP data`` (and ``VMP loop``) modules of an ``.mpr`` file."""
    raw = path.read_bytes()
    if not raw:
        raise SpectrumFileError(path, "file is empty", expected="a BioLogic .mpr file")
    if not raw.startswith(MAGIC):
        raise SpectrumFileError(path, "not a BioLogic .mpr file (missing the "
                                "'BIO-LOGIC MODULAR FILE' signature)", line=1, where="byte",
                                expected="an EC-Lab binary .mpr file")
    modules = _modules(path, raw)
    data_modules = [m for m in modules if m[0].startswith("VMP data")]
    if not data_modules:
        raise SpectrumFileError(path, "no 'VMP data' module (settings only, or truncated)",
                                expected="an EC-Lab .mpr file with data")
    _, version, date, start, content, _ = data_modules[0]
    names, records = _records(path, content, version, start, new_header=modules[0][5])
    columns = [np.asarray(records[name], dtype=float) for name in records.dtype.names]
    data = np.column_stack(columns) if columns else np.empty((0, 0))
    meta = {"format": "BioLogic mpr", "data_module_version": version, "date": date}
    loops = [m for m in modules if m[0].startswith("VMP loop")]
    if loops:
        starts = _loop_starts(loops[0][4], len(records))
        if starts is not None and len(starts) > 1:
            meta["loop_starts"] = starts
            cycle_col = next((j for j, n in enumerate(names) if n == "cycle number"), None)
            if cycle_col is None or np.unique(data[:, cycle_col]).size == 1:
                index = np.zeros(len(records))
                for k, first in enumerate(starts):
                    index[first:] = k
                names = names + ["loop"]
                data = np.column_stack([data, index])
    return Table(path, names, data, np.arange(1, len(records) + 1), meta=meta, where="row")


def _modules(path: Path, raw: bytes) -> list[tuple[str, int, str, int, bytes, bool]]:
    """(short name, version, date, content offset, content, new header) of every module."""
    modules = []
    offset = _FIRST_MODULE
    while offset < len(raw):
        if raw[offset:offset + 6] != b"MODULE":
            if not modules:
                raise SpectrumFileError(path, "no MODULE after the signature", line=offset,
                                        where="byte", expected="an EC-Lab .mpr file")
            break  # trailing bytes after the last module
        head = raw[offset + 6:offset + 6 + 35 + 24]
        if len(head) < 35 + 16:
            raise SpectrumFileError(path, "truncated module header", line=offset,
                                    where="byte", expected="an intact .mpr file")
        short = head[:10].decode("latin-1").strip()
        if head[35:39] == b"\xff\xff\xff\xff":
            length, _, version = struct.unpack("<III", head[39:51])
            date = head[51:59].decode("latin-1", errors="replace")
            content_at, new = offset + 6 + 35 + 24, True
        else:
            length, version = struct.unpack("<II", head[35:43])
            date = head[43:51].decode("latin-1", errors="replace")
            content_at, new = offset + 6 + 35 + 16, False
        end = content_at + length
        if end > len(raw):
            raise SpectrumFileError(path, f"truncated: module {short!r} declares {length} "
                                    f"bytes from byte {content_at}, but the file ends at byte "
                                    f"{len(raw)}", line=offset, where="byte",
                                    expected="an intact (completely copied) .mpr file")
        modules.append((short, version, date, content_at, raw[content_at:end], new))
        offset = end
    return modules


def _records(path: Path, content: bytes, version: int, start: int, new_header: bool):
    """Column names and the structured record array of a ``VMP data`` module."""
    if len(content) < 6:
        raise SpectrumFileError(path, "data module too short", line=start, where="byte",
                                expected="an intact .mpr file")
    n = struct.unpack("<I", content[:4])[0]
    if new_header:
        ncols, ids_at = struct.unpack("<H", content[4:6])[0], 6
    else:
        ncols, ids_at = content[4], 5
    ids = list(struct.unpack(f"<{ncols}H", content[ids_at:ids_at + 2 * ncols]))
    if n == 0:
        raise SpectrumFileError(path, "the data module holds no records (the run stopped "
                                "before the first point?)", expected="an impedance technique "
                                "with data")
    first = _RECORD_START_NEW if version >= 10 else _RECORD_START.get(version)
    if first is None:
        raise SpectrumFileError(path, f"unknown data-module version {version}", line=start,
                                where="byte", expected="versions 0-3 or >= 10")
    if (len(content) - first) % n:
        raise SpectrumFileError(path, f"{len(content) - first} record bytes are not a whole "
                                f"number of {n} records", line=start + first, where="byte",
                                expected="an intact .mpr file")
    record_size = (len(content) - first) // n
    fields: list[tuple[str, str]] = []
    unknown = []
    has_flags = False
    for cid in ids:
        if cid in FLAG_IDS:
            if not has_flags:
                fields.append(("flags", "<u1"))
                has_flags = True
            continue
        if cid in COLUMNS:
            fields.append(COLUMNS[cid])
        else:
            unknown.append(cid)
            fields.append((f"column {cid}", ""))
    known = sum(np.dtype(t).itemsize for _, t in fields if t)
    spare = record_size - known
    if unknown:
        width = spare // len(unknown) if spare % len(unknown) == 0 else 0
        if width not in _WIDTH_TYPES:
            raise SpectrumFileError(path, f"unknown column IDs {unknown} do not fit the "
                                    f"{record_size}-byte records", line=start, where="byte",
                                    expected="column IDs known to EC-Lab 11.5x")
        fields = [(name, t or _WIDTH_TYPES[width]) for name, t in fields]
        warn_file(path, f"column IDs {unknown} are not in the known table; read as "
                  f"{_WIDTH_TYPES[width]} (they are not impedance columns)")
    elif spare != 0:
        raise SpectrumFileError(path, f"records are {record_size} bytes but columns {ids} "
                                f"need {known}", line=start + first, where="byte",
                                expected="an intact .mpr file")
    names = _unique([name for name, _ in fields])
    dtype = np.dtype(list(zip(names, [t for _, t in fields], strict=True)))
    records = np.frombuffer(content, dtype=dtype, count=n, offset=first)
    return names, records


def _unique(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for name in names:
        if name in seen:
            seen[name] += 1
            out.append(f"{name} ({seen[name]})")
        else:
            seen[name] = 1
            out.append(name)
    return out


def _loop_starts(content: bytes, n_records: int) -> list[int] | None:
    """First record of each loop from a ``VMP loop`` module (None if inconsistent)."""
    if len(content) < 4:
        return None
    count = struct.unpack("<I", content[:4])[0]
    if len(content) < 4 + 4 * count:
        return None
    starts = list(struct.unpack(f"<{count}I", content[4:4 + 4 * count]))
    starts = [s for s in starts if s < n_records]
    if not starts or starts[0] != 0 or starts != sorted(starts):
        return None
    return starts
