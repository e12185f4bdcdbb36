"""Splitting the rows of a file into sweeps (one spectrum each).

A *restart* is where the frequency steps against the direction of the sweep in
progress (a descending sweep that jumps back up, or the turning point of an up-down
sweep). A repeated frequency is never a restart by itself: an exact repeat has already
been dropped, and a conflicting one is reported by the sweep check.

``split="auto"``: by the cycle column when it varies, then at restarts inside a cycle
(EC-Lab nested loops can hold two sweeps under one cycle number); without a cycle
column, at restarts when every piece is a clean sweep; otherwise one spectrum.
"""

from __future__ import annotations

import numpy as np

from ._common import ReadOptions, SpectrumFileError, Table


def split_rows(table: Table, frequency: np.ndarray, cycle: np.ndarray | None,
               rows: np.ndarray, options: ReadOptions) -> list[tuple[str, np.ndarray]]:
    """(key, row indices) of each sweep among ``rows`` (indices into the table)."""
    mode = options.split
    if mode is None:
        return [("", rows)]
    if mode == "cycle":
        if cycle is None:
            raise SpectrumFileError(table.path, "split='cycle' but the file has no cycle "
                                    "column", expected="a 'cycle number' or 'z cycle' column, "
                                    "or split='sequence'")
        return by_cycle(cycle, rows)
    if mode == "sequence":
        return [(f"sweep {k + 1}", r) for k, r in enumerate(restarts(frequency, rows))]
    # auto
    if cycle is not None and np.unique(cycle[rows]).size > 1:
        groups = []
        for key, group in by_cycle(cycle, rows):
            pieces = _clean_pieces(frequency, group, options)
            if len(pieces) > 1:
                groups += [(f"{key} sweep {k + 1}", p) for k, p in enumerate(pieces)]
            else:
                groups.append((key, group))
        return groups
    pieces = _clean_pieces(frequency, rows, options)
    if len(pieces) > 1:
        return [(f"sweep {k + 1}", p) for k, p in enumerate(pieces)]
    return [("", rows)]


def by_cycle(cycle: np.ndarray, rows: np.ndarray) -> list[tuple[str, np.ndarray]]:
    """Rows grouped by cycle value, in order of first appearance."""
    values = cycle[rows]
    return [(f"cycle {value:g}", rows[values == value])
            for value in dict.fromkeys(values.tolist())]


def restarts(frequency: np.ndarray, rows: np.ndarray) -> list[np.ndarray]:
    """``rows`` cut at every sweep restart (see the module docstring)."""
    f = frequency[rows]
    n = f.size
    starts = [0]
    direction = 0.0
    for i in range(1, n):
        step = np.sign(f[i] - f[i - 1])
        if step == 0:
            ahead = np.sign(f[i + 1:] - f[i])
            ahead = ahead[ahead != 0]
            if direction != 0 and ahead.size and ahead[0] == -direction:
                starts.append(i)  # turning point measured twice: the new sweep starts here
                direction = 0.0
            continue
        if direction == 0:
            direction = step
        elif step != direction:
            starts.append(i)
            direction = 0.0
    bounds = starts + [n]
    return [rows[a:b] for a, b in zip(bounds[:-1], bounds[1:], strict=True)]


def _clean_pieces(frequency, rows, options: ReadOptions) -> list[np.ndarray]:
    """Restart pieces if the frequencies repeat and each piece is a clean sweep."""
    f = frequency[rows]
    if np.unique(f).size == f.size:
        return [rows]
    pieces = restarts(frequency, rows)
    if len(pieces) < 2:
        return [rows]
    for piece in pieces:
        fp = frequency[piece]
        if fp.size < options.min_points or np.unique(fp).size != fp.size:
            return [rows]
    return pieces
