"""Reader of delimited text tables (CSV, TSV, whitespace): ``.csv .txt .tsv .dat``.

Layout understood: optional preamble lines (instrument metadata), ``#`` comment lines
(``# label: ...`` and ``# area_m2: ...`` as written by older versions), an
optional header line whose names are matched to roles (see ``_columns``), then numeric
rows. A file without a header is read as ``frequency [Hz], Z' [Ω], Z'' [Ω]`` (the first
three columns) unless ``columns=`` says otherwise. Delimiters: tab, ``;``, ``,`` or
whitespace; decimal commas are accepted with tab/semicolon/whitespace delimiters.
The label and electrode area of a file written by nakmodel are in its sidecar
``<stem>.meta.json`` (:mod:`nakmodel.tables`), read here too.
"""

from __future__ import annotations

from pathlib import Path

from ._common import (
    SpectrumFileError,
    Table,
    guess_delimiter,
    is_number,
    parse_rows,
    read_text,
    split_fields,
)

_COMMENT = ("#", "%", "//", ";")


def read_text_table(path: Path, delimiter: str | None = None) -> Table:
    """Parse a delimited text file into a :class:`Table` (header optional)."""
    text = read_text(path)
    lines = text.splitlines()
    meta: dict = {}
    content: list[tuple[int, str]] = []
    for number, line in enumerate(lines, start=1):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(_COMMENT) and not is_number(stripped.split()[0]):
            body = stripped.lstrip("#%/; ").strip()
            key, sep, value = body.partition(":")
            if sep:
                key = key.strip()
                if key == "area_m2":
                    try:
                        meta["area_m2"] = float(value)
                    except ValueError:
                        raise SpectrumFileError(path, f"bad area {value.strip()!r}",
                                                line=number, expected="area in m^2") from None
                elif key == "label":
                    meta["label"] = value.strip()
                else:
                    meta[key] = value.strip()
            continue
        content.append((number, line))
    if not content:
        raise SpectrumFileError(path, "no data: only comments or blank lines",
                                expected="a table of frequency and impedance values")
    if delimiter is None:
        delimiter = guess_delimiter([t for _, t in content[-20:]])

    def numeric(t: str) -> bool:
        fields = [f for f in split_fields(t, delimiter) if f != ""]
        return len(fields) >= 2 and all(is_number(f) for f in fields)

    first = next((i for i, (_, t) in enumerate(content) if numeric(t)), None)
    if first is None:
        raise SpectrumFileError(path, "no numeric data rows", line=content[-1][0],
                                expected="rows of numbers (frequency, Z', Z'' ...)")
    rows = content[first:]
    ncols = len([f for f in split_fields(rows[0][1], delimiter) if f != ""])
    names: list[str] = []
    has_header = False
    preamble = [t.strip() for _, t in content[:first]]
    if first > 0:
        names = split_fields(content[first - 1][1], delimiter)
        while names and names[-1] == "":
            names.pop()
        if len(names) == ncols:
            has_header = True
            preamble = preamble[:-1]
        else:
            names = []
    if preamble:
        meta["preamble"] = preamble
    _sidecar_meta(path, meta)
    # a non-numeric line after the data start is a malformed row: parse_rows names it
    data, numbers = parse_rows(path, rows, delimiter, names or None, ncols=ncols)
    if has_header and len(names) < data.shape[1]:
        names = names + [f"column {j + 1}" for j in range(len(names), data.shape[1])]
    return Table(path, names, data, numbers, meta=meta, has_header=has_header)


def _sidecar_meta(path: Path, meta: dict) -> None:
    """Label and area [m²] from the sidecar ``<stem>.meta.json`` of a CSV written by
    nakmodel (comment lines of older files take precedence)."""
    from ..tables import read_sidecar

    try:
        side = read_sidecar(path)
    except (OSError, ValueError):  # not ours, or unreadable: the table alone counts
        return
    if not isinstance(side, dict):
        return
    if side.get("label") and "label" not in meta:
        meta["label"] = str(side["label"])
    area = side.get("area")
    if "area_m2" not in meta and isinstance(area, int | float) and area > 0:
        meta["area_m2"] = float(area)
