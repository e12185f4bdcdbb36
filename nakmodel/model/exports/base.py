"""Base classes of the outputs of a :class:`~nakmodel.model.simulation.Simulation`.

A *column export* (:class:`Export`) adds columns to the time series: after the initial state
and after every accepted time step the run asks it for ``values(problem, time, row)``, a dict
``{column: value}`` in SI units (:attr:`Export.columns` gives ``{column: unit}``).  A user
column is a :class:`Column` subclass with ``name``, ``unit`` and ``evaluate(problem, time)``::

    class MeanPotential(Column):
        name, unit = "phi_mean", "V"

        def evaluate(self, problem, time):
            return problem.functional("...")

A *field export* (:class:`FieldExport`) writes fields of the solution to files
(:class:`~nakmodel.model.exports.fields.VTXFields`).
"""

from __future__ import annotations

import math

from ...errors import InputProblem, ParameterError

#: columns every run writes itself (not exports): time [s] and the protocol step index
RUN_COLUMNS = {"time": "s", "step": "-"}


class RowContext:
    """What a column export may use besides the problem for one result row: the run's
    integrated quantities (total current density [A/m^2], capacities [C/m^2], protocol step
    index) and :meth:`functional`, the problem's functionals evaluated once per row."""

    def __init__(self, problem, step: int, current_density: float, capacity: float,
                 faradaic_capacity: float):
        self.problem = problem
        self.step = step
        self.current_density = current_density
        self.capacity = capacity
        self.faradaic_capacity = faradaic_capacity
        self._functionals = {}

    def functional(self, name: str) -> float:
        """``problem.functional(name)`` (assembled once per row)."""
        if name not in self._functionals:
            self._functionals[name] = self.problem.functional(name)
        return self._functionals[name]


class Export:
    """A family of time-series columns: :attr:`columns` ``{name: unit}`` (SI) and
    :meth:`values` returning ``{name: value}`` for one row."""

    columns: dict = {}

    def values(self, problem, time: float, row: RowContext) -> dict:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}()"


class Column(Export):
    """One user-defined column: set ``name`` and ``unit`` (SI, e.g. ``"V"``, ``"-"``) and
    implement ``evaluate(problem, time) -> float``."""

    name: str = ""
    unit: str = "-"

    @property
    def columns(self) -> dict:
        return {self.name: self.unit}

    def evaluate(self, problem, time: float) -> float:
        raise NotImplementedError

    def values(self, problem, time: float, row: RowContext) -> dict:
        return {self.name: float(self.evaluate(problem, time))}


class FieldExport:
    """Fields written to files at chosen ``times`` [s] and/or ``every`` N accepted steps.

    Subclasses implement :meth:`open` (called once the problem exists), :meth:`write` and
    :meth:`close`."""

    def __init__(self, times=(), every: int | None = None, *, key: str = "exports"):
        try:
            times = sorted(float(t) for t in times)
        except (TypeError, ValueError):
            raise ParameterError(InputProblem(f"{key}.times", "must be a list of times", times,
                                              "times >= 0 [s]")) from None
        if any(not (math.isfinite(t) and t >= 0) for t in times):
            raise ParameterError(InputProblem(f"{key}.times", "must be finite and >= 0", times,
                                              "times >= 0 [s]"))
        if every is not None and (isinstance(every, bool) or not isinstance(every, int)
                                  or every < 1):
            raise ParameterError(InputProblem(f"{key}.every", "must be a positive integer or None",
                                              every, "integer >= 1 [accepted steps]"))
        self.times = times
        self.every = every

    def open(self, problem, output_dir, restart_time: float | None) -> None:
        raise NotImplementedError

    def write(self, time: float) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


def split_exports(exports) -> tuple[list, list]:
    """``(column exports, field exports)`` of ``exports``, checked: every item an
    :class:`Export` or :class:`FieldExport`, column names unique and not ``time``/``step``."""
    try:
        items = list(exports)
    except TypeError:
        raise ParameterError(InputProblem(
            "exports", "must be a list of exports", exports,
            "e.g. [CellVoltage(), Capacity(), VTXFields(...)]")) from None
    columns, fields, seen = [], [], dict(RUN_COLUMNS)
    for item in items:
        if isinstance(item, FieldExport):
            fields.append(item)
            continue
        if not isinstance(item, Export):
            raise ParameterError(InputProblem("exports", "not an export", type(item).__name__,
                                              "an Export/Column (time-series columns) or a "
                                              "FieldExport (e.g. VTXFields)"))
        for name, unit in item.columns.items():
            if not isinstance(name, str) or not name.isidentifier():
                raise ParameterError(InputProblem("exports", "a column name must be an identifier",
                                                  name, "e.g. 'phi_mean'"))
            if not isinstance(unit, str) or not unit or "[" in unit or "]" in unit:
                raise ParameterError(InputProblem(f"exports.{name}.unit", "must be a unit string",
                                                  unit, "an SI unit such as 'V' or '-'"))
            if name in seen:
                raise ParameterError(InputProblem("exports", "column defined twice", name,
                                                  "unique column names"))
            seen[name] = unit
        columns.append(item)
    return columns, fields


def column_units(exports) -> dict:
    """``{name: unit}`` of a run with these column exports (time and step first)."""
    units = dict(RUN_COLUMNS)
    for item in exports:
        units.update(item.columns)
    return units
