"""Outputs of a :class:`~nakmodel.model.simulation.Simulation` as objects (``exports=[...]``).

Time-series columns (:mod:`.columns`, the default set is :func:`default_exports`; a user
column is a :class:`Column` subclass) and field files (:mod:`.fields`: :class:`VTXFields`)::

    Simulation(cell, params, protocol,
               exports=default_exports() + [MyColumn(), VTXFields("out.bp", ["c", "phi"],
                                                                  every=10)])
"""

from .base import RUN_COLUMNS, Column, Export, FieldExport, RowContext
from .columns import (
    CURRENT_WEIGHT_FLOOR,
    AlloyState,
    Capacity,
    CellVoltage,
    ContactArea,
    InterfaceComposition,
    VoltageBreakdown,
    default_exports,
)
from .fields import FIELDS, VTXFields

__all__ = ["RUN_COLUMNS", "Column", "Export", "FieldExport", "RowContext",
           "CURRENT_WEIGHT_FLOOR", "AlloyState", "Capacity", "CellVoltage", "ContactArea",
           "InterfaceComposition", "VoltageBreakdown", "default_exports", "FIELDS",
           "VTXFields"]
