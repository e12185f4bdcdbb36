"""Checks of one sweep read from a file: order, duplicates, implausible values, Z'' sign.

Refused (a :class:`SpectrumFileError` naming the file and line): a frequency measured
twice with different impedances, frequencies that are not monotone, Z = 0 on every row,
Z' < 0 on every row (not a passive impedance: a wrong column or a sign slip; pass
``sign="as_is"`` to keep such data). Flagged (a :class:`SpectrumFileWarning` naming the
line): a single point whose |Z| is more than :data:`OUTLIER_FACTOR` times off the
log-log line through its neighbours.
"""

from __future__ import annotations

import numpy as np

from ._columns import Column
from ._common import ReadOptions, SpectrumFileError, warn_file

OUTLIER_FACTOR = 30.0
"""|Z| ratio to the neighbours' log-log interpolation above which a point is flagged.

On the 28 corpus files and the 6 peer files the largest ratio is 5.0 (the top frequencies of
the PowerSuite file, where the leads' inductance takes over) and the next 2.1, so the
factor leaves a 6x margin on real data while still catching a point 100x off."""


def check_sweep(path, f, z, lines, where, column, options: ReadOptions) -> None:
    """Reject a repeated frequency (naming both lines) or a non-monotone sweep."""
    step = np.sign(np.diff(f))
    if step.size and (np.all(step > 0) or np.all(step < 0)):
        return  # strictly monotone: no repeat, no disorder
    order = np.argsort(f, kind="stable")
    same = np.flatnonzero(np.diff(f[order]) == 0)
    if same.size:
        i, j = sorted((int(order[same[0]]), int(order[same[0] + 1])))
        a, b = int(lines[i]), int(lines[j])
        hint = " (several sweeps? use split='sequence')" if options.split is None else ""
        raise SpectrumFileError(path, f"duplicate frequency {f[i]:.6g} Hz, also at {where} "
                                f"{a}, with a different impedance ({z[i]:.6g} Ω at {where} "
                                f"{a}, {z[j]:.6g} Ω at {where} {b}){hint}", line=b,
                                column=column, where=where,
                                expected="distinct frequencies in each sweep")
    if step.size:
        k = int(np.flatnonzero(step != step[0])[0]) + 1
        hint = " (several sweeps? use split='sequence')" if options.split is None else ""
        raise SpectrumFileError(path, f"unsorted frequencies: {f[k]:.6g} Hz after "
                                f"{f[k - 1]:.6g} Hz breaks the sweep direction{hint}",
                                line=int(lines[k]), column=column, where=where,
                                expected="frequencies sorted ascending or descending")


def check_values(path, f, z, lines, where, used: list[Column], options: ReadOptions) -> None:
    """All-zero Z and Z' < 0 everywhere are refused; a single 30×-off point is flagged."""
    if np.all(z == 0):
        raise SpectrumFileError(path, f"Z = 0 on every row ({where}s {int(lines[0])}-"
                                f"{int(lines[-1])})", column=used[0].name,
                                expected="measured impedances")
    if options.sign != "as_is" and np.all(z.real < 0):
        raise SpectrumFileError(path, "Z' < 0 on every row: not a passive impedance (wrong "
                                "column, or Z' stored with the wrong sign?); pass "
                                "sign='as_is' to keep it", line=int(lines[0]),
                                column=used[0].name, where=where,
                                expected="Z' >= 0 on at least some rows")
    k = outlier_index(f, z)
    if k is not None:
        warn_file(path, f"{where} {int(lines[k])}: |Z| = {abs(z[k]):.6g} Ω at {f[k]:.6g} Hz is "
                  f"more than {OUTLIER_FACTOR:g}x off its neighbours (a typo or a glitch?); "
                  "kept - check the file or drop it with Spectrum.mask")


def outlier_index(f: np.ndarray, z: np.ndarray, factor: float = OUTLIER_FACTOR) -> int | None:
    """Index of the point whose |Z| is worst off its neighbours, if by more than ``factor``.

    A point is compared with the median of log|Z| over the (up to) four nearest points in
    sweep order: a median ignores one bad neighbour, and on a smooth spectrum it differs
    from the point by at most ~2.5 frequency steps of slope (< 0.5 decade at 5 points per
    decade on a capacitive |Z| ~ 1/f). A zero |Z| among nonzero ones is an outlier.
    """
    if f.size < 4:
        return None
    mag = np.abs(z)
    if np.any(mag == 0):
        zero = np.flatnonzero(mag == 0)
        return int(zero[0]) if zero.size == 1 else None
    y = np.log10(mag)
    n = y.size
    padded = np.concatenate([np.full(2, np.nan), y, np.full(2, np.nan)])
    near = np.sort(np.column_stack([padded[k:k + n] for k in (0, 1, 3, 4)]), axis=1)
    count = np.count_nonzero(np.isfinite(near), axis=1)  # 2, 3 or 4 neighbours; NaN last
    rows = np.arange(n)
    lo, hi = near[rows, (count - 1) // 2], near[rows, count // 2]
    dev = np.abs(y - 0.5 * (lo + hi))
    k = int(np.argmax(dev))
    return k if dev[k] > np.log10(factor) else None


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


def normalise_sign(path, f, z, imag_column: Column, options: ReadOptions) -> np.ndarray:
    """Apply ``sign=``: flip, keep, or flip a capacitive spectrum stored with Z'' > 0."""
    if options.sign == "flip":
        return np.conj(z)
    if options.sign == "as_is" or not looks_sign_flipped(f, z):
        return z
    message = (f"Z'' column {imag_column.name!r} is mostly positive on a capacitive spectrum: "
               "the file seems to store -Z'' under a Z'' name")
    if options.sign == "strict":
        raise SpectrumFileError(path, message, column=imag_column.name,
                                expected="Z'' < 0 for capacitive arcs (or sign='flip')")
    warn_file(path, f"{message}; sign flipped (pass sign='as_is' to keep it)")
    return np.conj(z)
