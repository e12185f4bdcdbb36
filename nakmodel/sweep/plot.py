"""Plotting a sweep table: one output against one swept key, one line per group."""

from __future__ import annotations

import math

from ..errors import InputProblem, ParameterError


def _number(value):
    try:
        number = float(value)
    except (TypeError, ValueError):
        return math.nan
    return number


def plot_sweep(ax, result, x: str, y: str, group: str | None = None, **line_kwargs):
    """Plot output ``y`` against swept key ``x`` (its SI column), one line per ``group`` value.

    ``result`` is a :class:`~nakmodel.sweep.SweepResult`.  Failed points are
    left out (they have no output); returns ``ax``.
    """
    spec, rows = result.spec, result.rows
    problems = []
    if x not in spec.swept:
        problems.append(InputProblem("x", "not a swept key", x, ", ".join(spec.swept)))
    if y not in spec.outputs:
        problems.append(InputProblem("y", "not an output of the sweep", y, ", ".join(spec.outputs)))
    if group is not None and group not in spec.swept:
        problems.append(InputProblem("group", "not a swept key", group, ", ".join(spec.swept)))
    if problems:
        raise ParameterError(problems)
    unit = spec.units.get(x, "") or "-"  # the store's SI column (dimensionless: [-])
    x_column = f"{x} [{unit}]"
    groups: dict[str, list[tuple[float, float]]] = {}
    for row in rows:
        if row["status"] != "ok":
            continue
        label = row[group] if group else ""
        groups.setdefault(label, []).append((_number(row[x_column]), _number(row[y])))
    for label, points in groups.items():
        points.sort()
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o",
                label=f"{group} = {label}" if group else None, **line_kwargs)
    ax.set_xlabel(x_column)
    ax.set_ylabel(y)
    if group:
        ax.legend(fontsize=8)
    return ax
