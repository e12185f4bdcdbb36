"""Shared machinery of the readers: errors, warnings, numeric parsing, options, columns.

Every reader turns its file into a :class:`Table` (column names, a float array, the
file line of each row) and hands it to :func:`nakmodel.io._assemble.spectra_from_table`,
which matches the columns, converts units to SI, normalises the sign convention
(capacitive ⇒ Z'' < 0), splits a series into spectra and validates each one, reporting
problems with the file name and the line (or row) and column they come from.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from ..errors import InputProblem, ParameterError
from ._columns import ROLES, Column, match_columns, role_of, unit_factor

SplitMode = Literal["auto", "cycle", "sequence", None]
SignMode = Literal["auto", "strict", "as_is", "flip"]
SPLIT_MODES = ("auto", "cycle", "sequence", None)
SIGN_MODES = ("auto", "strict", "as_is", "flip")


class SpectrumFileError(ParameterError):
    """A spectrum file that cannot be read: names the file and the line/column at fault."""

    def __init__(self, path, message: str, *, line: int | None = None,
                 column: str | int | None = None, where: str = "line", expected: str = ""):
        self.path = str(path)
        self.line = line
        self.column = column
        location = ""
        if line is not None:
            location += f", {where} {line}"
        if column is not None:
            location += f", column {column!r}" if isinstance(column, str) else \
                f", column {column}"
        super().__init__(InputProblem(f"file {self.path}{location}", message, None, expected))


class SpectrumFileWarning(UserWarning):
    """A spectrum file was read, but something was normalised (e.g. the sign of Z'')."""


_IO_DIR = str(Path(__file__).resolve().parent)


def warn_file(path, message: str) -> None:
    """Emit a :class:`SpectrumFileWarning` starting with the file name.

    The warning is attributed to the first caller outside :mod:`nakmodel.io` (the user's
    ``read_spectrum`` call)."""
    warnings.warn(f"{path}: {message}", SpectrumFileWarning, skip_file_prefixes=(_IO_DIR,))


def describe_lines(lines, where: str = "line", limit: int = 8) -> str:
    """``"lines 2-782"``, ``"lines 91, 181, 271"`` or ``"line 7"`` for sorted line numbers."""
    numbers = [int(n) for n in lines]
    if not numbers:
        return ""
    runs: list[tuple[int, int]] = []
    for n in numbers:
        if runs and n == runs[-1][1] + 1:
            runs[-1] = (runs[-1][0], n)
        else:
            runs.append((n, n))
    parts = [f"{a}" if a == b else f"{a}-{b}" for a, b in runs]
    more = ""
    if len(parts) > limit:
        more = f", ... ({len(numbers)} in all)"
        parts = parts[:limit]
    plural = "s" if len(numbers) > 1 else ""
    return f"{where}{plural} " + ", ".join(parts) + more


@dataclass
class Table:
    """Raw numeric table of a file: ``names[j]`` heads ``data[:, j]``; ``lines[i]`` locates row i.

    ``where`` says what ``lines`` counts ("line" in text files, "row" in binary ones).
    """

    path: Path
    names: list[str]
    data: np.ndarray
    lines: np.ndarray
    meta: dict = field(default_factory=dict)
    where: str = "line"
    has_header: bool = True


# ---------------------------------------------------------------------------- text helpers
def read_text(path: Path) -> str:
    """File text: UTF-8 (with BOM), UTF-16 (with BOM) or Latin-1; rejects empty and binary
    files clearly."""
    raw = path.read_bytes()
    if not raw.strip():
        raise SpectrumFileError(path, "file is empty", expected="a table of frequency and "
                                "impedance values")
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16 ("Unicode text" exports)
        try:
            return raw.decode("utf-16").lstrip("\ufeff")
        except UnicodeDecodeError:
            pass
    sample = raw[:4096]
    if b"\x00" in sample or _control_fraction(sample) > 0.05:
        raise SpectrumFileError(path, "binary content, not a text spectrum file",
                                expected="a text table (.csv/.txt/.mpt/.z/.DTA) or a BioLogic "
                                ".mpr")
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return raw.decode("latin-1", errors="replace")  # pragma: no cover - latin-1 never fails


def _control_fraction(sample: bytes) -> float:
    if not sample:
        return 0.0
    bad = np.count_nonzero(_CONTROL[np.frombuffer(sample, dtype=np.uint8)])
    return bad / len(sample)


_CONTROL = np.zeros(256, dtype=bool)
_CONTROL[:32] = True
_CONTROL[[9, 10, 12, 13]] = False
_DECIMAL_COMMA = re.compile(r"\d,\d")


def _parse_fast(rows, delimiter, decimal_comma, ncols):
    """Bulk conversion by NumPy; None when any row needs the careful (reporting) path."""
    trail = " \t\r\n" + (delimiter or "")
    texts = [text.rstrip(trail) for _, text in rows]
    if decimal_comma and delimiter != ",":
        texts = [text.replace(",", ".") for text in texts]
    fields = [text.split(delimiter) for text in texts if text.strip()]
    if not fields or len({len(f) for f in fields}) != 1:
        return None
    if ncols is not None and len(fields[0]) != ncols:
        return None
    try:
        data = np.array(fields, dtype=float)
    except ValueError:
        return None
    numbers = np.array([n for (n, _), text in zip(rows, texts, strict=True) if text.strip()],
                       dtype=int)
    return data, numbers


_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)([eE][+-]?\d+)?$")


def split_fields(line: str, delimiter: str | None) -> list[str]:
    """Split one line on ``delimiter`` (None: any whitespace), stripping each field."""
    if delimiter is None:
        return line.split()
    return [part.strip() for part in line.rstrip("\r\n").split(delimiter)]


def parse_number(token: str, decimal_comma: bool) -> float:
    """Float of a token; ``decimal_comma`` accepts ``1,5E+03``. NaN/inf parse (checked later)."""
    text = token.strip()
    if decimal_comma:
        text = text.replace(",", ".")
    return float(text)


def is_number(token: str) -> bool:
    token = token.strip()
    if _NUMBER.match(token):
        return True
    return token.lower() in ("nan", "inf", "-inf", "+inf", "infinity", "-infinity")


def guess_delimiter(lines: list[str]) -> str | None:
    """Tab, semicolon, comma or whitespace, from a few data lines."""
    sample = [line for line in lines if line.strip()][:20]
    for delimiter in ("\t", ";", ","):
        counts = {line.count(delimiter) for line in sample}
        if sample and min(counts) > 0 and len(counts) == 1:
            return delimiter
    for delimiter in ("\t", ";", ","):
        if sample and all(delimiter in line for line in sample):
            return delimiter
    return None


def parse_rows(path: Path, rows: list[tuple[int, str]], delimiter: str | None,
               names: list[str] | None, decimal_comma: bool | None = None,
               ncols: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Numeric array of ``rows`` (pairs of 1-based line number and text).

    A wrong number of fields or a non-numeric field raises :class:`SpectrumFileError`
    naming the line and the column. Empty trailing fields are ignored.
    """
    if decimal_comma is None:
        sample = "\n".join(text for _, text in rows[:50])
        decimal_comma = delimiter in ("\t", ";", None) and "," in sample and bool(
            _DECIMAL_COMMA.search(sample))
    fast = _parse_fast(rows, delimiter, decimal_comma, ncols)
    if fast is not None:
        return fast
    table: list[list[float]] = []
    numbers: list[int] = []
    for line_no, text in rows:
        fields = split_fields(text, delimiter)
        while fields and fields[-1] == "":
            fields.pop()
        if not fields:
            continue
        if ncols is None:
            ncols = len(fields)
        if len(fields) != ncols:
            raise SpectrumFileError(path, f"expected {ncols} fields, found {len(fields)}",
                                    line=line_no, expected="the same number of columns on "
                                    "every data line")
        values = []
        for j, token in enumerate(fields):
            try:
                values.append(parse_number(token, decimal_comma))
            except ValueError:
                column = names[j] if names and j < len(names) else j + 1
                raise SpectrumFileError(path, f"not a number: {token!r}", line=line_no,
                                        column=column, expected="numeric data") from None
        table.append(values)
        numbers.append(line_no)
    if not table:
        raise SpectrumFileError(path, "no data rows", expected="a table of numbers below the "
                                "header")
    return np.array(table, dtype=float), np.array(numbers, dtype=int)


# ---------------------------------------------------------------------------- options
@dataclass(frozen=True)
class ReadOptions:
    """Validated reader options (see :func:`nakmodel.io.read_spectrum`)."""

    columns: Mapping | None = None
    units: Mapping | None = None
    area: float | str | None = None  # m^2, or "header"
    split: SplitMode = "auto"
    sign: SignMode = "auto"
    min_points: int = 3
    label: str | None = None

    @classmethod
    def build(cls, columns=None, units=None, area=None, split="auto", sign="auto",
              min_points=3, label=None) -> ReadOptions:
        problems: list[InputProblem] = []
        if split not in SPLIT_MODES:
            problems.append(InputProblem("split", "unknown mode", split,
                                         "'auto', 'cycle', 'sequence' or None"))
        if sign not in SIGN_MODES:
            problems.append(InputProblem("sign", "unknown mode", sign,
                                         "'auto', 'strict', 'as_is' or 'flip'"))
        if not isinstance(min_points, int) or isinstance(min_points, bool) or min_points < 1:
            problems.append(InputProblem("min_points", "must be an integer >= 1", min_points,
                                         "an integer >= 1"))
        for name, mapping in (("columns", columns), ("units", units)):
            if mapping is None:
                continue
            if not isinstance(mapping, Mapping):
                problems.append(InputProblem(name, "must be a mapping role -> value",
                                             type(mapping).__name__, f"keys among {ROLES}"))
                continue
            for key in mapping:
                if key not in ROLES:
                    problems.append(InputProblem(f"{name}[{key!r}]", "unknown role", key,
                                                 f"one of {ROLES}"))
        if area is not None and area != "header":
            from ..units import to_si

            try:
                area = to_si(area, "m^2", key="area")
                if not area > 0:
                    problems.append(InputProblem("area", "must be positive", area, "> 0 m^2"))
            except ParameterError as err:
                problems.extend(err.problems)
        if problems:
            raise ParameterError(problems)
        return cls(columns, units, area, split, sign, min_points, label)


# ---------------------------------------------------------------------------- columns
def resolve_columns(table: Table, options: ReadOptions) -> dict[str, Column]:
    """Roles → :class:`Column`, from explicit ``columns=`` or by name matching."""
    path, names = table.path, table.names
    ncols = table.data.shape[1]
    columns: dict[str, tuple[int, str]] = {}
    if options.columns:
        for role, ref in options.columns.items():
            if isinstance(ref, int) and not isinstance(ref, bool):
                if not -ncols <= ref < ncols:
                    raise SpectrumFileError(path, f"column index {ref} for {role!r} out of "
                                            f"range", column=ref,
                                            expected=f"an index 0..{ncols - 1}")
                index = ref % ncols
            else:
                matches = [j for j, n in enumerate(names) if n.strip() == str(ref).strip()]
                if not matches:
                    raise SpectrumFileError(path, f"no column named {ref!r} for {role!r}",
                                            column=str(ref),
                                            expected="one of " + ", ".join(map(repr, names)))
                index = matches[0]
            unit = ""
            if index < len(names):
                _, unit = role_of(names[index])
            columns[role] = (index, unit)
    else:
        if table.has_header:
            columns = match_columns(names)
        if not table.has_header or not ({"frequency", "omega"} & set(columns)):
            if not table.has_header and ncols >= 3:
                columns = {"frequency": (0, ""), "real": (1, ""), "imag": (2, "")}
    resolved: dict[str, Column] = {}
    for role, (index, unit) in columns.items():
        if options.units and role in options.units:
            unit = str(options.units[role])
        elif options.units and role == "-imag" and "imag" in options.units:
            unit = str(options.units["imag"])
        try:
            factor, per_area = unit_factor(role, unit)
        except ValueError as exc:
            if role in ("dc_potential", "dc_current") and not options.columns:
                continue  # a DC column in an unknown unit is metadata only: ignore it
            raise SpectrumFileError(path, str(exc), column=_name(names, index)) from None
        resolved[role] = Column(index, _name(names, index), role, unit, factor, per_area)
    if "frequency" not in resolved and "omega" not in resolved:
        raise SpectrumFileError(path, "no frequency column",
                                expected="a column named like 'freq/Hz', 'Frequency (Hz)' or "
                                "columns={'frequency': ...}; found " + _list(names))
    has_cartesian = "real" in resolved and ("imag" in resolved or "-imag" in resolved)
    has_polar = "magnitude" in resolved and ("phase" in resolved or "-phase" in resolved)
    if not (has_cartesian or has_polar):
        missing = [r for r in ("real", "imag") if r not in resolved and f"-{r}" not in resolved]
        raise SpectrumFileError(path, "missing impedance column(s): " + ", ".join(missing),
                                expected="Z' and Z'' columns (e.g. 'Re(Z)/Ohm', '-Im(Z)/Ohm') "
                                "or |Z| and phase; found " + _list(names))
    return resolved


def _name(names: list[str], index: int) -> str | int:
    return names[index] if index < len(names) and names[index] else index + 1


def _list(names: list[str]) -> str:
    return ", ".join(repr(n) for n in names) if names else "no header"


def header_area(table: Table) -> float:
    """Electrode area [m²] declared in the file header (EC-Lab, Gamry AREA, ZPlot)."""
    from ..units import to_si

    meta = table.meta
    try:
        if "electrode_surface_area" in meta:  # EC-Lab: "0.785 cm²"
            text = str(meta["electrode_surface_area"]).replace("²", "^2").replace(",", ".")
            value = to_si(text, "m^2", key="area")
        elif "area_cm2_in_header" in meta:  # Gamry AREA / ZPlot Surface Area, in cm²
            value = float(str(meta["area_cm2_in_header"]).replace(",", ".")) * 1e-4
        elif "area_m2" in meta:
            value = float(meta["area_m2"])
        else:
            raise SpectrumFileError(table.path, "area='header' but the header declares no "
                                    "electrode area", expected="an explicit area= value")
    except (ValueError, ParameterError) as exc:
        if isinstance(exc, SpectrumFileError):
            raise
        raise SpectrumFileError(table.path, f"unreadable electrode area in the header ({exc})",
                                expected="an explicit area= value") from None
    if not value > 0:
        raise SpectrumFileError(table.path, f"electrode area in the header is {value!r}",
                                expected="an area > 0 or an explicit area= value")
    return value
