"""Table → spectra: units to SI, placeholder and repeated rows, sweeps, sign, metadata.

:func:`spectra_from_table` is the one place where every reader's :class:`Table` becomes
:class:`~nakmodel.spectrum.Spectrum` objects. In order:

1. non-finite frequency or impedance values are an error naming the line and column;
2. placeholder rows (f = 0 Hz with Z = 0, e.g. the DC rows of a Parstat export or the
   last row of each loop of some CSV writers) are skipped with a warning naming them;
3. a row that repeats an earlier row exactly (same frequency, Z and cycle) is dropped
   with a warning naming both lines; a repeated frequency with a *different* Z inside
   one sweep is an error naming both lines;
4. the rows are split into sweeps (cycle column, then frequency restarts inside a
   cycle), each becoming one spectrum with ``meta["loop"]`` (0-based position in the
   file), ``meta["cycle"]`` (the file's own number, when it has one) and the mean DC
   potential/current of the sweep (``dc_potential_V``, ``dc_current_A``) when recorded;
5. each sweep is checked (:mod:`nakmodel.io._checks`) and its Z'' sign normalised.
"""

from __future__ import annotations

import numpy as np

from . import _checks
from ._common import (
    ReadOptions,
    SpectrumFileError,
    Table,
    describe_lines,
    header_area,
    resolve_columns,
    warn_file,
)
from ._sweeps import split_rows


def spectra_from_table(table: Table, options: ReadOptions, spectrum_type) -> list:
    """Match columns, convert to SI, split into sweeps, validate; see the module docstring.
    ``spectrum_type`` is :class:`nakmodel.spectrum.Spectrum` (passed in, so that the reading
    layer of :mod:`nakmodel.io` does not import the class that reads through it)."""
    path, data, lines, where = table.path, table.data, table.lines, table.where
    cols = resolve_columns(table, options)

    def column(role):
        c = cols[role]
        return data[:, c.index] * c.factor

    freq_col = cols.get("frequency") or cols["omega"]
    cartesian = "real" in cols and ("imag" in cols or "-imag" in cols)
    if cartesian:
        used = [cols["real"], cols.get("imag") or cols["-imag"]]
    else:
        used = [cols["magnitude"], cols.get("phase") or cols["-phase"]]
    finite = np.isfinite(data[:, [c.index for c in (freq_col, *used)]])
    for col in (freq_col, *used) if not finite.all() else ():
        bad = np.flatnonzero(~np.isfinite(data[:, col.index]))
        if bad.size:
            raise SpectrumFileError(path, f"non-finite value {float(data[bad[0], col.index])!r}",
                                    line=int(lines[bad[0]]), column=col.name, where=where,
                                    expected="finite numbers")
    frequency = column(freq_col.role)
    if cartesian:
        Z = column("real") + 1j * (column("imag") if "imag" in cols else -column("-imag"))
    else:
        phase = column(used[1].role) * (1 if used[1].role == "phase" else -1)
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
    if not np.isfinite(Z).all():  # overflow of a unit conversion
        bad = np.flatnonzero(~np.isfinite(Z))
        raise SpectrumFileError(path, "impedance overflows", line=int(lines[bad[0]]),
                                column=used[0].name, where=where, expected="finite numbers")

    keep = np.ones(frequency.size, dtype=bool)
    placeholder = (frequency == 0) & (Z == 0)
    if placeholder.any():
        keep &= ~placeholder
        if not keep.any():
            raise SpectrumFileError(path, f"all {frequency.size} rows are placeholders "
                                    "(f = 0 Hz, Z = 0)", expected="impedance data rows")
        warn_file(path, f"skipped {int(placeholder.sum())} placeholder row(s) with f = 0 Hz "
                  f"and Z = 0 ({describe_lines(lines[placeholder], where)})")
    if np.any(keep & (frequency <= 0)):
        bad = np.flatnonzero(keep & (frequency <= 0))
        raise SpectrumFileError(path, f"frequency must be > 0 Hz, got {frequency[bad[0]]!r}",
                                line=int(lines[bad[0]]), column=freq_col.name, where=where,
                                expected="positive frequencies")
    cycle = data[:, cols["cycle"].index] if "cycle" in cols else None
    keep &= ~_repeated_rows(path, frequency, Z, cycle, lines, keep, where)
    rows_kept = np.flatnonzero(keep)

    groups = split_rows(table, frequency, cycle, rows_kept, options)
    label = options.label if options.label is not None else table.meta.get("label", path.stem)
    spectra = []
    for loop, (key, rows) in enumerate(groups):
        f, z, rows_lines = frequency[rows], Z[rows], lines[rows]
        _checks.check_sweep(path, f, z, rows_lines, where, freq_col.name, options)
        if f.size < options.min_points:
            text = f" ({key})" if key else ""
            raise SpectrumFileError(path, f"too few points{text}: {f.size}",
                                    expected=f"at least {options.min_points} frequencies")
        _checks.check_values(path, f, z, rows_lines, where, used, options)
        meta = dict(table.meta)
        name = label
        if key:
            meta["split"] = key
            name = f"{label} [{key}]"
        meta["loop"] = loop
        if cycle is not None:
            value = float(cycle[rows[0]])
            meta["cycle"] = int(value) if value.is_integer() else value
        for role, meta_key in (("dc_potential", "dc_potential_V"), ("dc_current", "dc_current_A")):
            if role in cols:
                values = column(role)[rows]
                if np.all(np.isfinite(values)):
                    meta[meta_key] = float(np.mean(values))
        meta["source"] = str(path)
        meta["lines"] = (int(rows_lines[0]), int(rows_lines[-1]))
        z = _checks.normalise_sign(path, f, z, used[-1], options)
        spectra.append(spectrum_type(f, z, area=area, label=name, meta=meta))
    return spectra


def _repeated_rows(path, frequency, Z, cycle, lines, keep, where) -> np.ndarray:
    """Rows that repeat an earlier row exactly (f, Z, cycle): dropped with a warning."""
    repeated = np.zeros(frequency.size, dtype=bool)
    rows = np.flatnonzero(keep)
    ordered = np.sort(frequency[rows])
    if not np.any(ordered[1:] == ordered[:-1]):
        return repeated  # no frequency occurs twice: nothing can repeat
    keys = np.column_stack([frequency[rows], Z.real[rows], Z.imag[rows],
                            np.zeros(rows.size) if cycle is None else cycle[rows]])
    _, first, inverse = np.unique(keys, axis=0, return_index=True, return_inverse=True)
    inverse = inverse.ravel()
    later = np.flatnonzero(first[inverse] != np.arange(rows.size))
    if later.size:
        repeated[rows[later]] = True
        pairs = [(int(lines[rows[i]]), int(lines[rows[first[inverse[i]]]])) for i in later]
        shown = ", ".join(f"{a} (= {b})" for a, b in pairs[:8])
        more = f", ... ({len(pairs)} in all)" if len(pairs) > 8 else ""
        warn_file(path, f"dropped {len(pairs)} row(s) repeating an earlier row exactly: "
                  f"{where} {shown}{more}")
    return repeated
