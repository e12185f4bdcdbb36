"""Study kind ``simulation``: run a cycling protocol on one or several cells.

Options table ``[simulation]`` (lengths as unit strings)::

    geometry = "axisymmetric"          # "1d" | "axisymmetric" | "planar" | "3d"
    pellet_radius = "5 mm"
    pellet_thickness = "1 mm"
    alloy_thickness = "100 um"
    mesh_size = "50 um"                # optional (default: parameters numerics.mesh_size)
    working_metal = "NaK"              # or "K" (Na plated onto a K electrode)
    contact = { kind = "full" }        # or { kind = "spots", radius = "50 um",
                                       #       fraction = 0.3, seed = 1 }
    flaw = { depth = "20 um", opening = "2 um", position = "0 um" }   # optional
    host = { porosity = 0.5, tortuosity = 2.0 }  # optional porous host (see CellOptions)
    protocol = ["Strip at 1 mA/cm2 until liquidus"]
    compositions = ["NaK50", "NaK65", "NaK80"]   # default: parameters alloy.composition
    profiles = 40                      # interface profiles stored along the run (a map)
    geis_times = ["30 min", "1 h"]     # optional operando GEIS -> geis_peaks.csv, DRT map
    geis_peak_band = ["1 us", "1 ms"]  # optional: band_peak_* = largest DRT peak in this tau
                                       # band (peak_* is the largest peak of all)

A GEIS time on a boundary between two protocol steps gives the state at the end of the
earlier step. On a level boundary *inside* a ramp step it gives the state with the next
level's current, because a backward-Euler state at time t carries the current of t. For the
end of a ramp level, give a time just before it (e.g. 299.9 s for 300 s levels).

Per composition it writes ``<label>/timeseries.csv`` (all :class:`Result` columns),
``<label>/voltage.png`` (voltage vs time and vs capacity), ``<label>/interface.png``
(interface composition vs time and profiles along the interface) and one
``summary.md`` + ``summary.csv`` over all compositions.

Sweepable: :func:`run_point` runs the point's ``alloy.composition`` (the ``compositions``
option is ignored in a sweep) and returns :data:`OUTPUTS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..atomic_write import atomic_savefig, atomic_write_text
from ..composition import Composition
from ..constants import C_M2_PER_MAH_CM2 as _MAH_CM2
from ..errors import ConvergenceError, InputProblem, ParameterError
from ..units import to_si
from . import unknown_option_problems
from .geis_recording import (  # noqa: F401  (public here as before)
    GEISRecorder,
    geis_frequencies,
    geis_peak_units,
    parse_geis,
    parse_geis_band,
    write_geis_outputs,
)

VERSION = "6"  # 2: issue #11 (pinned two-phase liquid, direction-dependent blocking)
# 3: #11 C2 lever-rule blend and event landing at the liquidus (capacities move ~3e-6)
# 4: #12 contact-node capacitance stepped exactly (V moves ~1e-6 V where solid K covers area)
# 5: voltage-split floor 1e-3 -> 1e-6 i0 (we/ce_overpotential, ohmic of rows at <= 0.1 mA/cm2)
# 6: sub-grid spots: flux-tube psi and kappa (r_c and blocked capacitance where theta < 1)
_GEOMETRIES = ("1d", "axisymmetric", "planar", "3d")
_CONTACT_KEYS = {"kind", "radius", "fraction", "count", "seed"}
_FLAW_KEYS = {"depth", "opening", "position"}
_HOST_KEYS = {"porosity", "tortuosity", "interface_fraction"}
CELL_OPTIONS = ("geometry", "pellet_radius", "pellet_thickness", "alloy_thickness", "mesh_size",
                "working_metal", "contact", "flaw", "host")
GEIS_OPTIONS = ("geis_frequency_max", "geis_frequency_min", "geis_points_per_decade",
                "geis_peak_band")
NUMERIC_OPTIONS = ("error_tolerance",)
DEFAULT_PROFILES = 40
"""Interface profiles kept per run by default: enough times for a phase map."""
OPTIONS = (CELL_OPTIONS + ("protocol", "compositions", "profiles", "geis_times") + GEIS_OPTIONS
           + NUMERIC_OPTIONS)
OPTION_UNITS = {"pellet_radius": "m", "pellet_thickness": "m", "alloy_thickness": "m",
                "mesh_size": "m", "geis_frequency_max": "Hz", "geis_frequency_min": "Hz"}
OUTPUTS = ("capacity", "stripped_capacity", "plated_capacity", "duration", "final_voltage",
           "max_abs_voltage", "x_interface_min", "x_interface_max", "termination")
TEXT_OUTPUTS = ("termination",)


@dataclass(frozen=True)
class ContactOptions:
    """``kind`` "full" or "spots" (radius [m], fraction or count, seed)."""

    kind: str = "full"
    radius: float = math.nan
    fraction: float | None = None
    count: int | None = None
    seed: int | None = None

    def build(self):
        from ..geometry.contact import ContactSpots, FullContact

        if self.kind == "full":
            return FullContact()
        return ContactSpots(radius=self.radius, count=self.count, fraction=self.fraction,
                            seed=self.seed)


@dataclass(frozen=True)
class CellOptions:
    """Geometry of the simulated cell (SI); :meth:`build` gives a :class:`nakmodel.Cell`."""

    geometry: str = "axisymmetric"
    pellet_radius: float = 5e-3
    pellet_thickness: float = 1e-3
    alloy_thickness: float = 100e-6
    mesh_size: float | None = None
    working_metal: str = "NaK"
    contact: ContactOptions = ContactOptions()
    flaw: tuple | None = None
    """(depth, opening, position) [m]."""
    host: tuple | None = None
    """(porosity, tortuosity, interface_fraction) [-] of a porous carbon host filling the
    alloy layer (``interface_fraction`` None = porosity): built into
    ``Cell(host=PorousHost(...))``, whose effective medium the FE model solves (inventory
    eps x that of the dense layer, D_eff = D eps/tau, contact x interface_fraction; see
    :class:`nakmodel.geometry.PorousHost`)."""

    def build(self):
        from ..geometry import Cell
        from ..geometry.flaw import PorousHost, SurfaceFlaw

        flaw = SurfaceFlaw(*self.flaw) if self.flaw else None
        host = PorousHost(*self.host) if self.host else None
        return Cell(geometry=self.geometry, pellet_radius=self.pellet_radius,
                    pellet_thickness=self.pellet_thickness,
                    alloy_thickness=self.alloy_thickness, contact=self.contact.build(),
                    flaw=flaw, host=host, working_metal=self.working_metal,
                    mesh_size=self.mesh_size)

    def host_text(self) -> str:
        """``", porous host eps = .., tau = .., interface fraction .."`` or ``""``."""
        if not self.host:
            return ""
        from ..geometry.flaw import PorousHost

        h = PorousHost(*self.host)
        return (f", porous host eps = {h.porosity:g}, tau = {h.tortuosity:g}, "
                f"interface fraction {h.areal_fraction:g}")


@dataclass(frozen=True)
class SimulationOptions:
    """Options of the simulation study (SI)."""

    cell: CellOptions
    protocol: tuple[str, ...]
    compositions: tuple[Composition, ...]
    profiles: int = 40
    geis_times: tuple = ()
    geis: tuple = (1e6, 1e-2, 6)
    """(f_max [Hz], f_min [Hz], points per decade) of operando GEIS."""
    error_tolerance: float | None = None
    """Scaled local time-step error (None: the model default, StepControl)."""
    geis_band: tuple | None = None
    """(τ_min, τ_max) [s] of the ``band_peak_*`` columns of ``geis_peaks.csv``."""

    def __getattr__(self, name):
        """Cell options (``alloy_thickness`` ...) read through to :attr:`cell` (sweep tables)."""
        cell = self.__dict__.get("cell")
        if cell is not None and name in CELL_OPTIONS:
            return getattr(cell, name)
        raise AttributeError(name)


def _length(table, name, prefix, default, problems, *, allow_zero=False):
    if name not in table:
        return default
    try:
        value = to_si(table[name], "m", f"{prefix}.{name}")
    except ParameterError as err:
        problems.extend(err.problems)
        return default
    if not ((value > 0 or (allow_zero and value == 0)) and value <= 1.0):
        allowed = "a length in [0, 1] m" if allow_zero else "a length in (0, 1] m"
        problems.append(InputProblem(f"{prefix}.{name}", "out of range", table[name], allowed))
    return value


def _sub_table(table, name, prefix, allowed, problems):
    sub = table.get(name)
    if sub is None:
        return None
    if not isinstance(sub, dict):
        problems.append(InputProblem(f"{prefix}.{name}", "must be a table", sub,
                                     "an inline table, e.g. { kind = \"full\" }"))
        return None
    problems.extend(unknown_option_problems(sub, allowed, f"{prefix}.{name}"))
    return sub


def parse_cell_options(table: dict, prefix: str, params, problems: list) -> CellOptions:
    """Cell options of a study table (shared by the ``simulation`` and ``ccd`` kinds);
    appends problems instead of raising.  Builds the :class:`Cell` once to validate."""
    cell_p = getattr(params, "cell", None)
    defaults = CellOptions(
        pellet_radius=getattr(cell_p, "pellet_radius", 5e-3),
        pellet_thickness=getattr(cell_p, "pellet_thickness", 1e-3),
        alloy_thickness=getattr(cell_p, "alloy_thickness", 100e-6))
    n0 = len(problems)
    geometry = str(table.get("geometry", defaults.geometry))
    if geometry not in _GEOMETRIES:
        problems.append(InputProblem(f"{prefix}.geometry", "unknown geometry", geometry,
                                     "one of " + ", ".join(_GEOMETRIES)))
    metal = str(table.get("working_metal", "NaK"))
    if metal not in ("NaK", "K"):
        problems.append(InputProblem(f"{prefix}.working_metal", "unknown metal", metal,
                                     "'NaK' or 'K'"))
    lengths = {name: _length(table, name, prefix, getattr(defaults, name), problems)
               for name in ("pellet_radius", "pellet_thickness", "alloy_thickness")}
    mesh_size = _length(table, "mesh_size", prefix, None, problems)
    contact = ContactOptions()
    sub = _sub_table(table, "contact", prefix, _CONTACT_KEYS, problems)
    if sub is not None:
        kind = sub.get("kind", "full")
        if kind not in ("full", "spots"):
            problems.append(InputProblem(f"{prefix}.contact.kind", "unknown contact kind", kind,
                                         "'full' or 'spots'"))
        elif kind == "spots":
            radius = _length(sub, "radius", f"{prefix}.contact", math.nan, problems)
            if "radius" not in sub:
                problems.append(InputProblem(f"{prefix}.contact.radius", "spots need a radius",
                                             None,
                                             "a length, e.g. \"50 um\""))
            contact = ContactOptions("spots", radius, sub.get("fraction"), sub.get("count"),
                                     sub.get("seed"))
    flaw = None
    sub = _sub_table(table, "flaw", prefix, _FLAW_KEYS, problems)
    if sub is not None:
        flaw = tuple(_length(sub, k, f"{prefix}.flaw", d, problems, allow_zero=k == "position")
                     for k, d in (("depth", math.nan), ("opening", math.nan),
                                  ("position", 0.0)))
        for k in ("depth", "opening"):
            if k not in sub:
                problems.append(InputProblem(f"{prefix}.flaw.{k}", "missing", None, "a length"))
    host = None
    sub = _sub_table(table, "host", prefix, _HOST_KEYS, problems)
    if sub is not None:
        host = (sub.get("porosity", math.nan), sub.get("tortuosity", 1.0),
                sub.get("interface_fraction"))
    options = CellOptions(geometry, mesh_size=mesh_size, working_metal=metal, contact=contact,
                          flaw=flaw, host=host, **lengths)
    if len(problems) == n0:
        try:
            options.build()
        except ParameterError as err:
            problems.extend(InputProblem(f"{prefix}.{p.key}", p.message, p.value, p.expected)
                            for p in err.problems)
    return options


def parse_compositions(table, prefix, params, problems) -> tuple[Composition, ...]:
    """``compositions`` option; absent: the parameter set's own composition."""
    from . import parse_compositions as parse

    return parse(table, prefix, problems,
                 default=[params.alloy.composition] if params is not None else None)


def parse_error_tolerance(table, prefix, problems) -> float | None:
    """``error_tolerance``: scaled local error per time step of the adaptive stepper
    (:class:`~nakmodel.model.stepping.StepControl`; default None = its 5e-3)."""
    tol = table.get("error_tolerance")
    if tol is None:
        return None
    if isinstance(tol, bool) or not isinstance(tol, (int, float)) or not 1e-6 <= tol <= 0.2:
        problems.append(InputProblem(f"{prefix}.error_tolerance", "out of range", tol,
                                     "a scaled local error per step in [1e-6, 0.2] (-)"))
        return None
    return float(tol)


def parse_quantity_list(table, name, prefix, unit, problems, *, low=0.0) -> tuple:
    """A list of quantities (unit strings or SI numbers) >= ``low`` as SI floats."""
    raw = table.get(name, [])
    if not isinstance(raw, list):
        problems.append(InputProblem(f"{prefix}.{name}", "must be a list", raw,
                                     f"values in {unit}"))
        return ()
    out = []
    for i, item in enumerate(raw):
        try:
            value = to_si(item, unit, f"{prefix}.{name}[{i}]")
        except ParameterError as err:
            problems.extend(err.problems)
            continue
        if not value >= low:
            problems.append(InputProblem(f"{prefix}.{name}[{i}]", "out of range", item,
                                         f">= {low:g} {unit}"))
        out.append(value)
    return tuple(out)


def parse_options(table: dict, prefix: str, params) -> SimulationOptions:
    problems = unknown_option_problems(table, OPTIONS, prefix)
    cell = parse_cell_options(table, prefix, params, problems)
    raw = table.get("protocol")
    protocol: tuple = ()
    if raw is None:
        problems.append(InputProblem(f"{prefix}.protocol", "missing", None,
                                     "a list of step strings, e.g. ['Strip at 1 mA/cm2 until "
                                     "liquidus']"))
    else:
        raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list) or not all(isinstance(s, str) for s in raw) or not raw:
            problems.append(InputProblem(f"{prefix}.protocol", "must be a list of step strings",
                                         raw,
                                         "e.g. ['Strip at 1 mA/cm2 until liquidus']"))
        else:
            from ..protocol import Protocol

            try:
                Protocol.parse(raw)
                protocol = tuple(raw)
            except ParameterError as err:
                problems.extend(InputProblem(f"{prefix}.protocol", p.message, p.value, p.expected)
                                for p in err.problems)
    comps = parse_compositions(table, prefix, params, problems)
    problems += initial_composition_problems(comps, cell, params, prefix)
    profiles = table.get("profiles", DEFAULT_PROFILES)
    if isinstance(profiles, bool) or not isinstance(profiles, int) or not 0 <= profiles <= 50:
        problems.append(InputProblem(f"{prefix}.profiles", "out of range", profiles,
                                     "an integer in [0, 50]"))
    geis_times = parse_quantity_list(table, "geis_times", prefix, "s", problems)
    geis = parse_geis(table, prefix, problems)
    band = parse_geis_band(table, prefix, problems)
    tol = parse_error_tolerance(table, prefix, problems)
    if problems:
        raise ParameterError(problems)
    return SimulationOptions(cell, protocol, comps, profiles, geis_times, geis, tol, band)


def initial_composition_problems(comps, cell, params, prefix) -> list[InputProblem]:
    """Each composition must have liquid at the temperature (a K(ss) host needs metal 'K')."""
    if params is None or cell is None:
        return []
    from ..admissibility import composition_problems

    metal = getattr(cell, "working_metal", "NaK")
    out: list[InputProblem] = []
    for i, comp in enumerate(comps):
        out += composition_problems(comp, params, f"{prefix}.compositions[{i}]",
                                    k_host=metal == "K")
    return out


def composition_label(comp: Composition) -> str:
    return comp.label or f"xNa{comp.x_na:.3f}"


class TrackingSimulation:
    """A :class:`~nakmodel.model.simulation.Simulation` that calls ``hooks`` (observers
    ``hook(problem, t, result)``, :meth:`Simulation.add_observer`) after the initial state
    and every accepted time step, stores an interface profile at every step
    (``profiles_every_step``) and, at the end of :meth:`run`, keeps ``profiles`` of them
    evenly spaced in time (the run length is not known in advance for open-ended steps).
    Other keyword arguments go to :class:`Simulation`.  Uses only the public
    Simulation API (observers, ``profiles_every_step``, ``run``).
    """

    def __new__(cls, cell, parameters, protocol, *, profiles: int = 6, hooks=(), **kwargs):
        from ..model.simulation import Simulation

        class _Tracking(Simulation):
            def run(self, *args, **kwargs):
                result = super().run(*args, **kwargs)
                result.profiles = thin_profiles(result.profiles, profiles)
                return result

        return _Tracking(cell, parameters, protocol, observers=hooks,
                         profiles_every_step=profiles > 0, **kwargs)


def thin_profiles(profiles: list, count: int) -> list:
    """``count`` profiles nearest to evenly spaced times (first and last included)."""
    import numpy as np

    if count <= 0 or not profiles:
        return []
    times = np.array([p.time for p in profiles])
    targets = np.linspace(times[0], times[-1], count)
    keep = sorted({int(np.argmin(np.abs(times - t))) for t in targets})
    return [profiles[k] for k in keep]


def simulate(cell_options: CellOptions, params, protocol, composition: Composition, *,
             profiles: int = 6, hooks=(), error_tolerance: float | None = None,
             allow_partial: bool = False, **kwargs):
    """Run one cell at one composition; returns the :class:`Result`.  ``kwargs`` go to
    :class:`~nakmodel.model.simulation.Simulation` (e.g. ``profile_times``: times the
    stepper must land on).  ``allow_partial``: when the time stepper gives up
    (:class:`~nakmodel.errors.ConvergenceError`) return the partial result (its
    ``termination`` says so) instead of raising, if it holds at least one step."""
    params = params.replace({"alloy.composition": composition})
    if error_tolerance is not None:
        from dataclasses import replace

        from ..model.stepping import StepControl

        kwargs["step_control"] = replace(StepControl.from_parameters(params),
                                         error_tolerance=error_tolerance)
    sim = TrackingSimulation(cell_options.build(), params, list(protocol), profiles=profiles,
                             hooks=hooks, **kwargs)
    try:
        return sim.run()
    except ConvergenceError as err:
        partial = getattr(err, "result", None)
        if not allow_partial or partial is None or len(partial) < 2:
            raise
        partial.profiles = thin_profiles(partial.profiles, profiles)
        partial.info["convergence_error"] = str(err)
        return partial


def result_summary(result) -> dict:
    """The scalar :data:`OUTPUTS` of one run (SI)."""
    import numpy as np

    v = result.voltage
    dq = np.diff(result.capacity)
    return {"capacity": float(result.final_capacity),
            "stripped_capacity": float(np.sum(dq[dq > 0])),
            "plated_capacity": float(-np.sum(dq[dq < 0])), "duration": float(result.time[-1]),
            "final_voltage": float(v[-1]), "max_abs_voltage": float(np.max(np.abs(v))),
            "x_interface_min": float(np.min(result.x_interface_min)),
            "x_interface_max": float(np.max(result.x_interface_max)),
            "termination": result.termination}


def write_profiles(result, path: Path) -> Path:
    """Interface profiles (long format: time [s], coordinate [m], x_Na [-]) as CSV."""
    lines = ["time [s],coordinate [m],x_Na [-]"]
    for prof in result.profiles:
        lines += [f"{prof.time:.10g},{r:.10g},{x:.10g}"
                  for r, x in zip(prof.coordinate, prof.x_na, strict=True)]
    return atomic_write_text(path, "\n".join(lines) + "\n")


def write_run_outputs(result, folder: Path, title: str) -> list[Path]:
    """timeseries.csv, voltage.png and interface.png of one run into ``folder``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = [result.to_csv(folder / "timeseries.csv")]
    if result.profiles:
        written.append(write_profiles(result, folder / "interface_profiles.csv"))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    result.plot_voltage(ax1, x="time")
    result.plot_voltage(ax2, x="capacity")
    fig.suptitle(title)
    written.append(atomic_savefig(fig, folder / "voltage.png", dpi=130))
    plt.close(fig)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    result.plot_interface_composition(ax1)
    result.plot_interface_map(ax2)
    fig.suptitle(title)
    written.append(atomic_savefig(fig, folder / "interface.png", dpi=130))
    plt.close(fig)
    return written


def warm_up() -> None:
    """Import what a point needs (dolfinx, the model, matplotlib for its plots) in a sweep
    worker before its first point: otherwise the first point of every worker pays ~1.5 s."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot  # noqa: F401

    from ..model.simulation import Simulation  # noqa: F401
    from ..model.stepping import StepControl  # noqa: F401


def run_point(study, point_dir: Path) -> dict:
    """One sweep point: the protocol on the cell at the point's ``alloy.composition``."""
    comp = study.parameters.alloy.composition
    result, _ = _run_one(study, comp, Path(point_dir), composition_label(comp))
    return result_summary(result)


def _run_one(study, comp, folder: Path, title: str):
    opts = study.options
    hooks, recorder = [], None
    if opts.geis_times:
        recorder = GEISRecorder(opts.geis_times, geis_frequencies(*opts.geis),
                                study.parameters)
        hooks.append(recorder)
    result = simulate(opts.cell, study.parameters, opts.protocol, comp, profiles=opts.profiles,
                      hooks=hooks, profile_times=opts.geis_times,
                      error_tolerance=opts.error_tolerance)
    written = write_run_outputs(result, folder, title)
    if recorder is not None:
        files, rows = write_geis_outputs(recorder, folder, [t / 3600 for t in opts.geis_times],
                                         "time [h]", band=opts.geis_band)
        written += files
        if rows:
            written.append(_write_rows(folder / "geis_peaks.csv", rows, geis_peak_units("h")))
            from ..plotting.rest_recovery import write_rest_recovery

            written += write_rest_recovery(folder, title=title)  # only if the run rests
    return result, written


def _write_rows(path: Path, rows: list[dict], units: dict | None = None) -> Path:
    """Rows as a plain CSV with ``name [unit]`` headers (:func:`nakmodel.tables.write_rows`)."""
    from ..tables import write_rows

    return write_rows(path, rows, units or {})


OUTPUT_UNITS = {"x_Na": "-", "capacity": "C/m^2", "stripped_capacity": "C/m^2",
                "plated_capacity": "C/m^2", "duration": "s", "final_voltage": "V",
                "max_abs_voltage": "V", "x_interface_min": "-", "x_interface_max": "-",
                "termination": None, "composition": None}
"""SI unit of every output (None: text) - the CSV headers of summary.csv and sweeps."""


def run(study, outdir: Path, progress=None) -> list[Path]:
    opts = study.options
    written, rows = [], []
    for comp in opts.compositions:
        label = composition_label(comp)
        if progress:
            progress(f"  {label}: {'; '.join(opts.protocol)}")
        result, files = _run_one(study, comp, outdir / label, f"{study.title}: {label}")
        written += files
        rows.append({"composition": label, "x_Na": comp.x_na, **result_summary(result)})
    written.append(_write_rows(outdir / "summary.csv", rows, OUTPUT_UNITS))
    lines = [f"# {study.title}", "", f"Protocol: {'; '.join(opts.protocol)}", "",
             f"Cell: {opts.cell.geometry}, pellet {opts.cell.pellet_radius * 1e3:g} mm radius x "
             f"{opts.cell.pellet_thickness * 1e3:g} mm, alloy {opts.cell.alloy_thickness * 1e6:g}"
             f" um{opts.cell.host_text()}, contact {opts.cell.contact.kind}, metal "
             f"{opts.cell.working_metal}.", "",
             "| composition | x_Na | stripped [mAh/cm²] | plated [mAh/cm²] | final V [mV] | "
             "min x_Na,int | max x_Na,int | termination |", "|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['composition']} | {r['x_Na']:.4f} | "
                     f"{r['stripped_capacity'] / _MAH_CM2:.3f} | "
                     f"{r['plated_capacity'] / _MAH_CM2:.3f} | "
                     f"{1e3 * r['final_voltage']:.1f} | {r['x_interface_min']:.4f} | "
                     f"{r['x_interface_max']:.4f} | {r['termination']} |")
    lines.append("")
    for r in rows:
        lines += [f"## {r['composition']}", "", f"![voltage]({r['composition']}/voltage.png)",
                  "", f"![interface]({r['composition']}/interface.png)", ""]
        if opts.geis_times:
            lines += [f"![operando GEIS and DRT]({r['composition']}/geis_drt.png)", ""]
        recovery = outdir / r["composition"] / "rest_recovery.md"
        if recovery.is_file():  # current then rest: DRT peak recovery (plotting.rest_recovery)
            lines += recovery.read_text().splitlines()[2:]
            lines += [f"![DRT peak during current and rest]({r['composition']}/"
                      "rest_recovery.png)", ""]
    written.append(atomic_write_text(outdir / "summary.md", "\n".join(lines)))
    return written

