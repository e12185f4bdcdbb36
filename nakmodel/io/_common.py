"""Shared machinery of the readers: errors, numeric parsing, table → spectra.

Every reader turns its file into a :class:`Table` (column names, a float array, the
file line of each row) and hands it to :func:`spectra_from_table`, which matches the
columns, converts units to SI, normalises the sign convention (capacitive ⇒ Z'' < 0),
splits an operando series into spectra and validates each one, reporting problems
with the file name and the line (or row) and column they come from.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np

from ..errors import ParameterError, Problem
from ..spectrum import Spectrum
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
        super().__init__(Problem(f"file {self.path}{location}", message, None, expected))


class SpectrumFileWarning(UserWarning):
    """A spectrum file was read, but something was normalised (e.g. the sign of Z'')."""


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
    """File text: UTF-8 (with BOM) or Latin-1; rejects empty and binary files clearly."""
    raw = path.read_bytes()
    if not raw.strip():
        raise SpectrumFileError(path, "file is empty", expected="a table of frequency and "
                                "impedance values")
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
    bad = sum(1 for b in sample if b < 32 and b not in (9, 10, 13, 12))
    return bad / len(sample)


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
        decimal_comma = delimiter in ("\t", ";", None) and any(
            re.search(r"\d,\d", text) for _, text in rows[:50])
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
        problems: list[Problem] = []
        if split not in SPLIT_MODES:
            problems.append(Problem("split", "unknown mode", split,
                                    "'auto', 'cycle', 'sequence' or None"))
        if sign not in SIGN_MODES:
            problems.append(Problem("sign", "unknown mode", sign,
                                    "'auto', 'strict', 'as_is' or 'flip'"))
        if not isinstance(min_points, int) or isinstance(min_points, bool) or min_points < 1:
            problems.append(Problem("min_points", "must be an integer >= 1", min_points,
                                    "an integer >= 1"))
        for name, mapping in (("columns", columns), ("units", units)):
            if mapping is None:
                continue
            if not isinstance(mapping, Mapping):
                problems.append(Problem(name, "must be a mapping role -> value",
                                        type(mapping).__name__, f"keys among {ROLES}"))
                continue
            for key in mapping:
                if key not in ROLES:
                    problems.append(Problem(f"{name}[{key!r}]", "unknown role", key,
                                            f"one of {ROLES}"))
        if area is not None and area != "header":
            from ..units import to_si

            try:
                area = to_si(area, "m^2", key="area")
                if not area > 0:
                    problems.append(Problem("area", "must be positive", area, "> 0 m^2"))
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


# ---------------------------------------------------------------------------- table → spectra
def spectra_from_table(table: Table, options: ReadOptions) -> list[Spectrum]:
    """Match columns, convert to SI, split into sweeps, validate; see the module docstring."""
    path, data, lines = table.path, table.data, table.lines
    cols = resolve_columns(table, options)

    def column(role):
        c = cols[role]
        return data[:, c.index] * c.factor

    freq_col = cols.get("frequency") or cols["omega"]
    if "real" in cols and ("imag" in cols or "-imag" in cols):
        used = [cols["real"], cols.get("imag") or cols["-imag"]]
    else:
        used = [cols["magnitude"], cols.get("phase") or cols["-phase"]]
    # non-finite values: name line and column
    for col in (freq_col, *used):
        bad = np.flatnonzero(~np.isfinite(data[:, col.index]))
        if bad.size:
            raise SpectrumFileError(path, f"non-finite value {float(data[bad[0], col.index])!r}",
                                    line=int(lines[bad[0]]), column=col.name,
                                    where=table.where, expected="finite numbers")
    frequency = column(freq_col.role)
    if "real" in cols and ("imag" in cols or "-imag" in cols):
        real = column("real")
        imag = column("imag") if "imag" in cols else -column("-imag")
        Z = real + 1j * imag
    else:
        phase_col = used[1]
        phase = column(phase_col.role) * (1 if phase_col.role == "phase" else -1)
        Z = column("magnitude") * np.exp(1j * phase)
    per_area = {c.area_specific for c in used}
    if len(per_area) > 1:
        raise SpectrumFileError(path, "mixed absolute and area-specific impedance columns",
                                column=used[0].name)
    area = options.area if options.area is not None else table.meta.get("area_m2")
    if area == "header":
        area = header_area(table)
    if per_area == {True}:
        if area is None:
            raise SpectrumFileError(path, "impedance is area-specific (" + used[0].unit +
                                    "): pass area= to convert to ohm",
                                    column=used[0].name, expected="read_spectrum(..., "
                                    "area='1 cm^2')")
        Z = Z / area

    bad = np.flatnonzero(~np.isfinite(Z))
    if bad.size:  # overflow of a unit conversion
        raise SpectrumFileError(path, "impedance overflows", line=int(lines[bad[0]]),
                                column=used[0].name, where=table.where,
                                expected="finite numbers")
    bad = np.flatnonzero(frequency <= 0)
    if bad.size:
        raise SpectrumFileError(path, f"frequency must be > 0 Hz, got {frequency[bad[0]]!r}",
                                line=int(lines[bad[0]]), column=freq_col.name,
                                where=table.where, expected="positive frequencies")

    groups = _split(table, frequency, cols, options)
    spectra = []
    label = options.label if options.label is not None else table.meta.get("label", path.stem)
    for key, rows in groups:
        f, z, rows_lines = frequency[rows], Z[rows], lines[rows]
        _check_sweep(path, f, rows_lines, table.where, freq_col.name, options)
        if f.size < options.min_points:
            where = f" ({key})" if key else ""
            raise SpectrumFileError(path, f"too few points{where}: {f.size}",
                                    expected=f"at least {options.min_points} frequencies")
        meta = dict(table.meta)
        name = label
        if key:
            meta["split"] = key
            name = f"{label} [{key}]"
        meta["source"] = str(path)
        meta["lines"] = (int(rows_lines[0]), int(rows_lines[-1]))
        z = _normalise_sign(path, f, z, used[-1], options)
        spectra.append(Spectrum(f, z, area=area, label=name, meta=meta))
    return spectra


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


def _split(table: Table, frequency: np.ndarray, cols: dict[str, Column],
           options: ReadOptions) -> list[tuple[str, np.ndarray]]:
    n = frequency.size
    everything = [("", np.arange(n))]
    mode = options.split
    cycle = table.data[:, cols["cycle"].index] if "cycle" in cols else None
    if mode == "cycle":
        if cycle is None:
            raise SpectrumFileError(table.path, "split='cycle' but the file has no cycle "
                                    "column", expected="a 'cycle number' or 'z cycle' column, "
                                    "or split='sequence'")
        return _by_cycle(cycle)
    if mode == "sequence":
        return _by_sequence(frequency)
    if mode is None:
        return everything
    # auto
    if cycle is not None and np.unique(cycle[np.isfinite(cycle)]).size > 1:
        return _by_cycle(cycle)
    if _has_duplicates(frequency):
        pieces = _by_sequence(frequency)
        if len(pieces) > 1 and not any(_has_duplicates(frequency[r]) or
                                       r.size < options.min_points for _, r in pieces):
            return pieces
    return everything


def _by_cycle(cycle: np.ndarray) -> list[tuple[str, np.ndarray]]:
    groups = []
    for value in dict.fromkeys(cycle.tolist()):
        rows = np.flatnonzero(cycle == value)
        groups.append((f"cycle {value:g}", rows))
    return groups


def _by_sequence(frequency: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Split where a sweep restarts (the frequency step changes direction)."""
    n = frequency.size
    if n < 3:
        return [("sweep 1", np.arange(n))]
    starts = [0]
    direction = np.sign(frequency[1] - frequency[0])
    i = 1
    while i < n:
        step = np.sign(frequency[i] - frequency[i - 1])
        if step != direction or step == 0:
            starts.append(i)
            if i + 1 < n:
                direction = np.sign(frequency[i + 1] - frequency[i])
            i += 1
        i += 1
    bounds = starts + [n]
    return [(f"sweep {k + 1}", np.arange(a, b)) for k, (a, b) in
            enumerate(zip(bounds[:-1], bounds[1:], strict=True))]


def _has_duplicates(f: np.ndarray) -> bool:
    return np.unique(f).size != f.size


def _check_sweep(path, f, lines, where, column, options: ReadOptions) -> None:
    """Reject duplicate or unsorted frequencies, naming the line (a sweep runs one way)."""
    order = np.argsort(f, kind="stable")
    same = np.flatnonzero(np.diff(f[order]) == 0)
    if same.size:
        a, b = sorted((int(lines[order[same[0]]]), int(lines[order[same[0] + 1]])))
        hint = "" if options.split is not None else " (several sweeps? use split='sequence')"
        if options.split == "auto":
            hint = " (not a clean series of sweeps)"
        raise SpectrumFileError(path, f"duplicate frequency {f[order[same[0]]]:.6g} Hz, also "
                                f"at {where} {a}{hint}", line=b, column=column, where=where,
                                expected="distinct frequencies in each sweep")
    step = np.sign(np.diff(f))
    if step.size and not (np.all(step > 0) or np.all(step < 0)):
        k = int(np.flatnonzero(step != step[0])[0]) + 1
        hint = " (several sweeps? use split='sequence')" if options.split is None else ""
        raise SpectrumFileError(path, f"unsorted frequencies: {f[k]:.6g} Hz after "
                                f"{f[k - 1]:.6g} Hz breaks the sweep direction{hint}",
                                line=int(lines[k]), column=column, where=where,
                                expected="frequencies sorted ascending or descending")


def looks_sign_flipped(frequency: np.ndarray, Z: np.ndarray) -> bool:
    """Heuristic: Z'' mostly > 0 but the shape is capacitive (file stored −Z'' as Z'').

    Capacitive shape: Z' falls with frequency (an RC arc), or Z'' grows towards low
    frequency (a blocking capacitor); an inductance gives the opposite trends.
    """
    if frequency.size < 3:
        return False
    positive = np.mean(Z.imag > 0)
    if positive < 0.8:
        return False
    order = np.argsort(frequency)
    lo, hi = order[: max(1, frequency.size // 10)], order[-max(1, frequency.size // 10):]
    scale = np.max(np.abs(Z))
    re_drop = np.mean(Z.real[lo]) - np.mean(Z.real[hi])
    im_rise = np.mean(Z.imag[lo]) - np.mean(Z.imag[hi])
    return bool(re_drop > 0.02 * scale or im_rise > 0.02 * scale)


def _normalise_sign(path, f, z, imag_column: Column, options: ReadOptions) -> np.ndarray:
    if options.sign == "flip":
        return np.conj(z)
    if options.sign == "as_is" or not looks_sign_flipped(f, z):
        return z
    message = (f"Z'' column {imag_column.name!r} is mostly positive on a capacitive spectrum: "
               "the file seems to store -Z'' under a Z'' name")
    if options.sign == "strict":
        raise SpectrumFileError(path, message, column=imag_column.name,
                                expected="Z'' < 0 for capacitive arcs (or sign='flip')")
    warnings.warn(f"{path}: {message}; sign flipped (pass sign='as_is' to keep it)",
                  SpectrumFileWarning, stacklevel=4)
    return np.conj(z)
