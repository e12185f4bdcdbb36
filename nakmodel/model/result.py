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

Every column has a display-unit twin named with the suffix of
:mod:`nakmodel.display_units`: ``result.capacity_mAh_cm2``, ``result.current_density_mA_cm2``,
``result.time_h``, ``result.voltage_mV``, ``result.alloy_thickness_um``.
:meth:`Result.load` reads a run folder back (also the columns of user exports,
:mod:`nakmodel.model.exports`).
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
        :attr:`units`); ``result.voltage`` etc. return them as arrays.
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
    units:
        Column name → SI unit, in CSV order (default :data:`COLUMNS`; a run with
        ``exports=[...]`` has its exports' columns, :mod:`nakmodel.model.exports`).
    """

    rows: dict = None
    termination: str = ""
    step_terminations: list = field(default_factory=list)
    profiles: list = field(default_factory=list)
    liquid_window: tuple = (math.nan, math.nan)
    nominal_area: float = math.nan
    info: dict = field(default_factory=dict)
    units: dict = field(default_factory=lambda: dict(COLUMNS))

    def __post_init__(self):
        if self.rows is None:
            self.rows = {k: [] for k in self.units}

    def append(self, **values):
        for k in self.units:
            self.rows[k].append(float(values.get(k, math.nan)))

    def __getattr__(self, name):
        rows = self.__dict__.get("rows")
        if rows is not None and name in rows:
            return np.asarray(rows[name], dtype=float)
        if rows is not None:  # display-unit twin, e.g. capacity_mAh_cm2 (display_units)
            from ..display_units import split_suffix, to_display

            split = split_suffix(name)
            if split is not None and split[0] in rows and \
                    self.__dict__["units"].get(split[0]) == split[1]:
                return to_display(np.asarray(rows[split[0]], dtype=float), split[1])
        raise AttributeError(name)

    def __len__(self) -> int:
        return len(self.rows["time"])

    @property
    def final_capacity(self) -> float:
        """Capacity passed at the end of the run [C/m^2]."""
        return float(self.capacity[-1]) if len(self) else 0.0

    @property
    def final_capacity_mAh_cm2(self) -> float:
        """Capacity passed at the end of the run [mAh/cm^2]."""
        from ..constants import C_M2_PER_MAH_CM2

        return self.final_capacity / C_M2_PER_MAH_CM2

    def metadata(self) -> dict:
        """What is not a column: termination, step terminations, liquid window, nominal
        area [m^2], JSON-able ``info`` entries (the sidecar of :meth:`to_csv`)."""
        info = {k: v for k, v in self.info.items() if _plain(v)}
        return {"termination": self.termination,
                "step_terminations": [str(t) for t in self.step_terminations],
                "liquid_window": [float(v) for v in self.liquid_window],
                "nominal_area": float(self.nominal_area), "nominal_area_unit": "m^2",
                "info": info}

    def to_csv(self, path) -> Path:
        """Write all columns (plain CSV, ``name [unit]`` headers, SI) atomically and the
        metadata (:meth:`metadata`) into the sidecar ``<stem>.meta.json``; returns the path."""
        from ..atomic_write import atomic_write_text
        from ..tables import write_sidecar

        buf = io.StringIO()
        header = ",".join(f"{k} [{u}]" for k, u in self.units.items())
        data = (np.column_stack([self.rows[k] for k in self.units]) if len(self)
                else np.zeros((0, len(self.units))))
        np.savetxt(buf, data, delimiter=",", header=header, comments="", fmt="%.12g")
        path = atomic_write_text(path, buf.getvalue())
        write_sidecar(path, self.metadata())
        return path

    @classmethod
    def load(cls, source) -> Result:
        """Read a run written by nakmodel: a run folder (``timeseries.csv``, its sidecar and
        ``interface_profiles.csv`` when present) or the path of the CSV itself.  Files of
        older versions (``# termination:`` comment line) are read too."""
        from ..tables import read_sidecar, read_table

        path = Path(source)
        csv_path = path / "timeseries.csv" if path.is_dir() else path
        if not csv_path.is_file():
            from ..errors import InputProblem, ParameterError

            raise ParameterError(InputProblem("Result.load", "no timeseries.csv", str(source),
                                              "a run folder or the timeseries.csv of one"))
        rows, units = read_table(csv_path)
        # the file's columns with their units (headers without a unit: the default's or "-");
        # a run of the default set (or an older file) gets missing default columns as NaN
        units = {k: u or COLUMNS.get(k, "-") for k, u in units.items()}
        if "voltage" in units:
            units.update({k: u for k, u in COLUMNS.items() if k not in units})
        result = cls(units=units if units else dict(COLUMNS))
        for row in rows:
            result.append(**{k: row.get(k, math.nan) for k in result.units})
        meta = read_sidecar(csv_path)
        if not meta:  # an old file: "# termination: ..." first line
            first = csv_path.read_text().split("\n", 1)[0]
            if first.startswith("# termination:"):
                result.termination = first.split(":", 1)[1].strip()
        result.termination = meta.get("termination", result.termination)
        result.step_terminations = list(meta.get("step_terminations", []))
        window = meta.get("liquid_window")
        if window:
            result.liquid_window = tuple(float(v) for v in window)
        result.nominal_area = float(meta.get("nominal_area", math.nan))
        result.info = dict(meta.get("info", {}))
        profiles = csv_path.parent / "interface_profiles.csv"
        if profiles.is_file():
            result.profiles = read_profiles(profiles)
        return result

    # ------------------------------------------------------------------ plots
    def plot_voltage(self, ax, x: str = "time", components: bool = False):
        """Cell voltage vs time [h] or capacity [mAh/cm^2]; optional voltage components."""
        if x not in ("time", "capacity"):
            from ..errors import InputProblem, ParameterError

            raise ParameterError(InputProblem("x", "unknown abscissa", x, "'time' or 'capacity'"))
        xs = self.time_h if x == "time" else self.capacity_mAh_cm2
        ax.plot(xs, self.voltage_mV, label="V")
        if components:
            for name in ("ocv", "we_overpotential", "ohmic", "ce_overpotential"):
                ax.plot(xs, getattr(self, name + "_mV"), lw=0.8, ls="--",
                        label=name.replace("_", " "))
            ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
        ax.set_xlabel("time [h]" if x == "time" else "capacity [mAh/cm$^2$]")
        ax.set_ylabel("cell voltage [mV]")
        return ax

    def plot_interface_composition(self, ax, x: str = "time"):
        """Interface x_Na (min, mean, max) with the liquid window."""
        xs = self.time_h if x == "time" else self.capacity_mAh_cm2
        ax.fill_between(xs, self.x_interface_min, self.x_interface_max, alpha=0.3, label="min-max")
        ax.plot(xs, self.x_interface_mean, label="mean")
        for xl in self.liquid_window:
            if np.isfinite(xl):
                ax.axhline(xl, color="k", lw=0.6, ls=":")
        ax.set_xlabel("time [h]" if x == "time" else "capacity [mAh/cm$^2$]")
        ax.set_ylabel("x$_{Na}$ at the interface [-]")
        ax.legend(fontsize="small")
        return ax

    def plot_interface_map(self, ax):
        """Interface composition along the interface at the stored profile times."""
        from ..plotting.style import curve_colors

        colors = curve_colors(len(self.profiles))
        for prof, color in zip(self.profiles, colors, strict=True):
            order = np.argsort(prof.coordinate)
            ax.plot(prof.coordinate[order] * 1e3, prof.x_na[order], color=color,
                    label=f"{prof.time / 3600:.3g} h")
        for xl in self.liquid_window:
            if np.isfinite(xl):
                ax.axhline(xl, color="k", lw=0.6, ls=":")
        ax.set_xlabel("position along the interface [mm]")
        ax.set_ylabel("x$_{Na}$ [-]")
        if 0 < len(self.profiles) <= 12:
            ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
        elif self.profiles:
            from ..plotting.style import time_colorbar

            time_colorbar(ax, [p.time / 3600 for p in self.profiles], "time [h]")
        return ax


def _plain(value) -> bool:
    """True for values JSON keeps as they are (numbers, text, flat lists of them)."""
    if isinstance(value, bool | int | float | str) or value is None:
        return True
    if isinstance(value, list | tuple):
        return all(isinstance(v, bool | int | float | str) or v is None for v in value)
    if isinstance(value, dict):
        return all(_plain(v) for v in value.values())
    return False


def read_profiles(path) -> list[InterfaceProfile]:
    """Interface profiles from ``interface_profiles.csv`` (time [s], coordinate [m], x_Na)."""
    data = np.loadtxt(path, delimiter=",", skiprows=1, ndmin=2)
    if data.size == 0:
        return []
    out = []
    for t in np.unique(data[:, 0]):
        sel = data[data[:, 0] == t]
        out.append(InterfaceProfile(float(t), sel[:, 1].copy(), sel[:, 2].copy()))
    return out
