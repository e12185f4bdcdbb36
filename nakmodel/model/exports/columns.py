"""The built-in time-series columns of a run (:func:`default_exports`, in CSV order).

Cell voltage split ``V = ocv + we_overpotential + ohmic + ce_overpotential`` (see
:mod:`nakmodel.model.result`): ``ocv`` is the active-area mean of U(x) at the interface, the
overpotentials are current-weighted means int(i eta)/int(i) while the faradaic current is a
real current (above :data:`CURRENT_WEIGHT_FLOOR` x i0 x area), else the area mean at the
working electrode and 0 at the counter electrode, ``ohmic`` the remainder.
"""

from __future__ import annotations

import math

from .base import Export, RowContext

#: faradaic current density, as a fraction of the exchange current density, below which the
#: overpotential columns of a result are area means instead of current-weighted means (only
#: round-off-sized currents, e.g. the tail of a rest: at 1e-3 the first level of a CCD scan,
#: 0.1 mA/cm2 at i0 = 100 mA/cm2, sat on the floor and its split flipped with round-off)
CURRENT_WEIGHT_FLOOR = 1e-6


class CellVoltage(Export):
    """``voltage`` [V]: the cell voltage."""

    columns = {"voltage": "V"}

    def values(self, problem, time, row: RowContext):
        return {"voltage": float(problem.voltage.value)}


class Capacity(Export):
    """``current_density`` [A/m^2] (total: faradaic + double layer, per nominal area, > 0
    stripping), ``capacity`` and ``faradaic_capacity`` [C/m^2] (cumulative, signed)."""

    columns = {"current_density": "A/m^2", "capacity": "C/m^2", "faradaic_capacity": "C/m^2"}

    def values(self, problem, time, row: RowContext):
        return {"current_density": row.current_density, "capacity": row.capacity,
                "faradaic_capacity": row.faradaic_capacity}


class VoltageBreakdown(Export):
    """``ocv``, ``we_overpotential``, ``ce_overpotential``, ``ohmic`` [V] (module docstring)."""

    columns = {"ocv": "V", "we_overpotential": "V", "ce_overpotential": "V", "ohmic": "V"}

    def values(self, problem, time, row: RowContext):
        pb = problem
        area = pb.area_nominal
        V = float(pb.voltage.value)
        i_f = row.functional("current_we")
        active = row.functional("active_area")
        ocv = row.functional("ocv_area") / active if active > 0 else math.nan
        i_ce = row.functional("current_ce")
        # below the floor (e.g. the tail of a rest) int(i eta)/int(i) divides two
        # round-off-sized integrals, which differ between partitions (serial vs MPI up to
        # 5e-4 relative): the area mean is used there instead
        if abs(i_f) > CURRENT_WEIGHT_FLOOR * pb.working.exchange_current_density * area:
            eta_we = row.functional("eta_we_i") / i_f
        else:
            eta_we = row.functional("eta_we_area") / active
        if abs(i_ce) > CURRENT_WEIGHT_FLOOR * pb.counter.exchange_current_density * area:
            eta_ce = row.functional("eta_ce_i") / i_ce
        else:
            eta_ce = 0.0
        ce_term = -eta_ce
        return {"ocv": ocv, "we_overpotential": eta_we, "ce_overpotential": ce_term,
                "ohmic": V - ocv - eta_we - ce_term}


class InterfaceComposition(Export):
    """``x_interface_min``/``_mean``/``_max`` [-] (Na mole fraction at the working
    interface) and ``liquid_fraction_interface`` [-] (area fraction of liquid there)."""

    columns = {"x_interface_min": "-", "x_interface_mean": "-", "x_interface_max": "-",
               "liquid_fraction_interface": "-"}

    def values(self, problem, time, row: RowContext):
        area = row.functional("area_interface")
        return {"x_interface_min": problem.interface_x_min(),
                "x_interface_max": problem.interface_x_max(),
                "x_interface_mean": row.functional("x_area") / area,
                "liquid_fraction_interface": row.functional("liquid_area") / area}


class ContactArea(Export):
    """``contact_fraction`` (contact area / nominal area) and ``active_fraction`` (area that
    carries current / nominal area) [-]."""

    columns = {"contact_fraction": "-", "active_fraction": "-"}

    def values(self, problem, time, row: RowContext):
        area = problem.area_nominal
        return {"contact_fraction": problem.contact * problem.area_contact / area,
                "active_fraction": row.functional("active_area") / area}


class AlloyState(Export):
    """``liquid_fraction_volume`` [-], ``inventory`` [mol] (Na in the alloy) and
    ``alloy_thickness`` [m] (alloy volume per nominal area)."""

    columns = {"liquid_fraction_volume": "-", "inventory": "mol", "alloy_thickness": "m"}

    def values(self, problem, time, row: RowContext):
        actual = row.functional("alloy_volume_actual")
        return {"liquid_fraction_volume": row.functional("liquid_volume") / actual,
                "inventory": row.functional("inventory"),
                "alloy_thickness": (actual / problem.area_nominal
                                    if row.functional("alloy_volume") > 0 else 0.0)}


def default_exports() -> list:
    """Today's column set, in CSV order (a new list: add to it)."""
    return [CellVoltage(), Capacity(), VoltageBreakdown(), InterfaceComposition(),
            ContactArea(), AlloyState()]
