"""Time series produced by a :class:`~nakmodel.model.simulation.Simulation`.

All arrays are SI: time [s], voltage [V], current density [A/m^2] (per nominal WE area,
> 0 stripping), capacity [C/m^2] (cumulative, signed), inventory [mol].  The cell voltage is
split as ``V = ocv + we_overpotential + ohmic + ce_overpotential`` where ``ocv`` is the
active-area mean of U(x) at the interface, the two overpotentials are current-weighted means
(the area mean at the working electrode and 0 at the counter electrode while the faradaic
current is below 1e-3 i0 per area) and ``ohmic`` (NASICON bulk + constriction) is the
remainder.
With a porous host (:class:`nakmodel.geometry.PorousHost`) ``inventory`` is int eps c dV,
``alloy_thickness`` the metal volume per nominal area (dense-equivalent, eps x layer) and
``contact_fraction`` includes the host's interface (pore) fraction.
"""

from __future__ import annotations

import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

COLUMNS = {
    "time": "s", "step": "-", "voltage": "V", "current_density": "A/m^2",
    "capacity": "C/m^2", "faradaic_capacity": "C/m^2", "ocv": "V", "we_overpotential": "V",
    "ce_overpotential": "V", "ohmic": "V", "x_interface_min": "-", "x_interface_mean": "-",
    "x_interface_max": "-", "liquid_fraction_interface": "-", "contact_fraction": "-",
    "active_fraction": "-", "liquid_fraction_volume": "-", "inventory": "mol",
    "alloy_thickness": "m",
}


@dataclass
class InterfaceProfile:
    """Interface composition along the interface at one time (r or x coordinate [m])."""

    time: float
    coordinate: np.ndarray
    x_na: np.ndarray


@dataclass
class Result:
    """Output of a simulation run (see the module docstring for the columns and units).

    Parameters
    ----------
    rows:
        Column name → list of values, one per accepted time step (SI units of
        :data:`COLUMNS`); ``result.voltage`` etc. return them as arrays.
    termination:
        Why the run ended: the termination of the last step (``"liquidus"``, ``"voltage"``,
        ...), ``"completed"``, or ``"stopped: ..."`` on a solver failure.
    step_terminations:
        What ended each protocol step (``"duration"`` or the termination hit).
    profiles:
        :class:`InterfaceProfile` snapshots (interface composition vs coordinate [m]).
    liquid_window:
        (x_low, x_high): the liquidus mole fractions of Na at the run temperature [-].
    nominal_area:
        Nominal working-electrode area [m²] that current densities refer to.
    info:
        Solver statistics (Newton iterations, rejected steps, ...) and observers' notes.
    """

    rows: dict = field(default_factory=lambda: {k: [] for k in COLUMNS})
    termination: str = ""
    step_terminations: list = field(default_factory=list)
    profiles: list = field(default_factory=list)
    liquid_window: tuple = (math.nan, math.nan)
    nominal_area: float = math.nan
    info: dict = field(default_factory=dict)

    def append(self, **values):
        for k in COLUMNS:
            self.rows[k].append(float(values.get(k, math.nan)))

    def __getattr__(self, name):
        rows = self.__dict__.get("rows")
        if rows is not None and name in rows:
            return np.asarray(rows[name], dtype=float)
        raise AttributeError(name)

    def __len__(self) -> int:
        return len(self.rows["time"])

    @property
    def final_capacity(self) -> float:
        """Capacity passed at the end of the run [C/m^2]."""
        return float(self.capacity[-1]) if len(self) else 0.0

    def to_csv(self, path) -> Path:
        """Write all columns (header with units) atomically; returns the path."""
        from ..io_utils import atomic_write_text

        buf = io.StringIO()
        buf.write(f"# termination: {self.termination}\n")
        header = ",".join(f"{k} [{u}]" for k, u in COLUMNS.items())
        data = np.column_stack([self.rows[k] for k in COLUMNS]) if len(self) else np.zeros((0,
                                                                                   len(COLUMNS)))
        np.savetxt(buf, data, delimiter=",", header=header, comments="", fmt="%.10g")
        return atomic_write_text(path, buf.getvalue())

    # ------------------------------------------------------------------ plots
    def plot_voltage(self, ax, x: str = "time", components: bool = False):
        """Cell voltage vs time [h] or capacity [mAh/cm^2]; optional voltage components."""
        if x not in ("time", "capacity"):
            from ..errors import ParameterError, Problem

            raise ParameterError(Problem("x", "unknown abscissa", x, "'time' or 'capacity'"))
        xs = self.time / 3600.0 if x == "time" else self.capacity / 36000.0
        ax.plot(xs, self.voltage * 1e3, label="V")
        if components:
            for name in ("ocv", "we_overpotential", "ohmic", "ce_overpotential"):
                ax.plot(xs, getattr(self, name) * 1e3, lw=0.8, ls="--", label=name)
            ax.legend()
        ax.set_xlabel("time [h]" if x == "time" else "capacity [mAh/cm$^2$]")
        ax.set_ylabel("cell voltage [mV]")
        return ax

    def plot_interface_composition(self, ax, x: str = "time"):
        """Interface x_Na (min, mean, max) with the liquid window."""
        xs = self.time / 3600.0 if x == "time" else self.capacity / 36000.0
        ax.fill_between(xs, self.x_interface_min, self.x_interface_max, alpha=0.3, label="min-max")
        ax.plot(xs, self.x_interface_mean, label="mean")
        for xl in self.liquid_window:
            if np.isfinite(xl):
                ax.axhline(xl, color="k", lw=0.6, ls=":")
        ax.set_xlabel("time [h]" if x == "time" else "capacity [mAh/cm$^2$]")
        ax.set_ylabel("x$_{Na}$ at the interface")
        ax.legend()
        return ax

    def plot_interface_map(self, ax):
        """Interface composition along the interface at the stored profile times."""
        for prof in self.profiles:
            order = np.argsort(prof.coordinate)
            ax.plot(prof.coordinate[order] * 1e3, prof.x_na[order],
                    label=f"{prof.time / 3600:.3g} h")
        for xl in self.liquid_window:
            if np.isfinite(xl):
                ax.axhline(xl, color="k", lw=0.6, ls=":")
        ax.set_xlabel("position along the interface [mm]")
        ax.set_ylabel("x$_{Na}$")
        if self.profiles:
            ax.legend(fontsize="small")
        return ax
