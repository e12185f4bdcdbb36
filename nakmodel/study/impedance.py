"""Study kind ``impedance``: model spectra, their DRT and the model's exact modes.

Two scenarios (``[impedance] scenario``):

* ``pristine``: one spectrum per composition at equilibrium (OCV, no current);
* ``operando``: a stripping current staircase on one composition (the parameters'
  ``alloy.composition``); each level is held for ``hold`` and a galvanostatic EIS is taken
  from the state at the end of the level (small signal on the DC current, as in a CCD test
  with operando GEIS).  A level that blocks the interface or fails to converge ends the
  scan; the summary says so.

Per spectrum: ``<label>_spectrum.csv`` (Ω, with the nominal area in the header),
``<label>_modes.csv`` (τ, R [Ω cm²], region), and in the figures the Nyquist plots, the
DRT (:func:`nakmodel.drt.compute`) with the exact modes as lines, and ``summary.md``.

Sweepable: :func:`run_point` computes one pristine spectrum for the point's parameters and
returns :data:`OUTPUTS` (area-specific resistances per region from the modes).
"""

from __future__ import annotations

import csv
import io
import math
import warnings
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

import numpy as np

from ..atomic_write import atomic_savefig, atomic_write_text
from ..composition import Composition
from ..constants import A_M2_PER_MA_CM2 as _A_PER_M2_PER_MA_CM2
from ..errors import ConvergenceError, InputProblem, ParameterError
from ..units import to_si
from . import parse_compositions, unknown_option_problems

VERSION = 5  # 2: issue #11 (phase-correct potential, blocking law); 3: issue #12 (grain-
# boundary and constriction columns, residue-selected complete modes, brick-layer ceramic);
# 4: #11 C2 lever-rule blend in two-phase states
# 5: sub-grid spots: flux-tube psi and kappa (r_c and blocked capacitance where theta < 1)
_REGIONS = ("alloy bulk", "interface", "ceramic", "counter electrode", "grain boundary",
            "constriction")
_REGION_KEYS = ("R_alloy_ohm_cm2", "R_interface_ohm_cm2", "R_ceramic_ohm_cm2",
                "R_counter_ohm_cm2", "R_grain_boundary_ohm_cm2", "R_constriction_ohm_cm2")


class Scenario(StrEnum):
    PRISTINE = "pristine"
    OPERANDO = "operando"


class GeometryChoice(StrEnum):
    ONE_D = "1d"
    AXISYMMETRIC = "axisymmetric"


@dataclass(frozen=True)
class ImpedanceOptions:
    """Options of the impedance study (SI)."""

    scenario: Scenario
    compositions: tuple[Composition, ...]
    f_min: float
    f_max: float
    points_per_decade: int
    geometry: GeometryChoice
    spot_radius: float | None
    currents: tuple[float, ...]  # A/m^2, > 0 strips the working electrode
    hold: float  # s per current level
    drt: bool

    @property
    def frequencies(self) -> np.ndarray:
        n = max(int(round(math.log10(self.f_max / self.f_min) * self.points_per_decade)) + 1, 2)
        return np.logspace(math.log10(self.f_max), math.log10(self.f_min), n)


_ALLOWED = {"scenario", "compositions", "f_min", "f_max", "points_per_decade", "geometry",
            "spot_radius", "currents", "hold", "drt"}
OPTIONS = ("f_min", "f_max", "points_per_decade", "spot_radius", "hold")
OPTION_UNITS = {"f_min": "Hz", "f_max": "Hz", "spot_radius": "m", "hold": "s"}
OUTPUTS = ("R_total_ohm_cm2", *_REGION_KEYS, "R_unresolved_ohm_cm2", "tau_interface_s",
           "series_capacitance_F_cm2")
OUTPUT_UNITS = {"label": None, "dc_current_mA_cm2": "mA/cm^2", "voltage_V": "V",
                "R_total_ohm_cm2": "ohm cm^2", "modes": None, "R_unresolved_ohm_cm2": "ohm cm^2",
                "R_alloy_ohm_cm2": "ohm cm^2", "R_interface_ohm_cm2": "ohm cm^2",
                "R_ceramic_ohm_cm2": "ohm cm^2", "R_counter_ohm_cm2": "ohm cm^2",
                "R_grain_boundary_ohm_cm2": "ohm cm^2", "R_constriction_ohm_cm2": "ohm cm^2",
                "tau_interface_s": "s", "series_capacitance_F_cm2": "F/cm^2"}
"""Unit of every column of impedance_summary.csv and of the sweep outputs (area-specific
values in the display units their names say)."""


def _quantity(table, key, unit, prefix, default, problems, low=0.0):
    try:
        value = to_si(table.get(key, default), unit, f"{prefix}.{key}")
    except ParameterError as err:
        problems.extend(err.problems)
        return None
    if not (math.isfinite(value) and value > low):
        problems.append(InputProblem(f"{prefix}.{key}", f"must be > {low:g} {unit}", value,
                                     f"[{unit}] > {low:g}"))
        return None
    return value


def parse_options(table: dict, prefix: str, params) -> ImpedanceOptions:
    problems = unknown_option_problems(table, _ALLOWED, prefix)
    scenario = geometry = None
    try:
        scenario = Scenario(str(table.get("scenario", "pristine")))
    except ValueError:
        problems.append(InputProblem(f"{prefix}.scenario", "unknown scenario",
                                     table.get("scenario"),
                                     "'pristine' or 'operando'"))
    try:
        geometry = GeometryChoice(str(table.get("geometry", "1d")))
    except ValueError:
        problems.append(InputProblem(f"{prefix}.geometry", "unknown geometry",
                                     table.get("geometry"),
                                     "'1d' or 'axisymmetric'"))
    comps = list(parse_compositions(table, prefix, problems,
                                    default=["NaK50", "NaK65", "NaK80"]))
    f_min = _quantity(table, "f_min", "Hz", prefix, "10 mHz", problems)
    f_max = _quantity(table, "f_max", "Hz", prefix, "10 MHz", problems)
    if f_min and f_max and f_min >= f_max:
        problems.append(InputProblem(f"{prefix}.f_min", "must be below f_max", f_min,
                                     f"[Hz] < f_max = {f_max:g} Hz"))
    ppd = table.get("points_per_decade", 10)
    if not (isinstance(ppd, int) and 5 <= ppd <= 100):
        problems.append(InputProblem(f"{prefix}.points_per_decade",
                                     "must be an integer in [5, 100] "
                                     "(>= 5 for the Kramers-Kronig test)", ppd,
                                     "integer 5 ... 100"))
    spot = None
    if "spot_radius" in table:
        spot = _quantity(table, "spot_radius", "m", prefix, None, problems)
        if geometry is GeometryChoice.ONE_D:
            problems.append(InputProblem(f"{prefix}.spot_radius", "needs geometry = 'axisymmetric'",
                                         table["spot_radius"], "geometry = 'axisymmetric'"))
    currents = []
    raw_i = table.get("currents", [] if scenario is not Scenario.OPERANDO
                      else ["0.2 mA/cm^2", "0.4 mA/cm^2", "0.7 mA/cm^2", "1.0 mA/cm^2"])
    if not isinstance(raw_i, list):
        problems.append(InputProblem(f"{prefix}.currents", "must be a list of current densities",
                                     raw_i, "e.g. ['0.2 mA/cm^2', '0.4 mA/cm^2']"))
        raw_i = []
    for i, item in enumerate(raw_i):
        try:
            value = to_si(item, "A/m^2", f"{prefix}.currents[{i}]")
            if not math.isfinite(value) or abs(value) > 1e4:
                raise ParameterError(InputProblem(f"{prefix}.currents[{i}]", "out of range", value,
                                                  "[A/m^2] in [-1e4, 1e4]"))
            currents.append(value)
        except ParameterError as err:
            problems.extend(err.problems)
    if scenario is Scenario.OPERANDO and not raw_i:
        problems.append(InputProblem(f"{prefix}.currents", "the operando scenario needs currents",
                                     None, "a non-empty list of current densities"))
    hold = _quantity(table, "hold", "s", prefix, "600 s", problems)
    drt = table.get("drt", True)
    if not isinstance(drt, bool):
        problems.append(InputProblem(f"{prefix}.drt", "must be true or false", drt, "bool"))
    if params is not None:
        for i, comp in enumerate(comps):
            problems += liquid_problems(comp, params, f"{prefix}.compositions[{i}]")
    if problems:
        raise ParameterError(problems)
    return ImpedanceOptions(scenario, tuple(comps), f_min, f_max, ppd, geometry, spot,
                            tuple(currents), hold, drt)


# ---------------------------------------------------------------------------- computation
def build_cell(options: ImpedanceOptions, params):
    """The :class:`nakmodel.Cell` of the impedance study: the parameter set's cell
    (``cell.*``) in ``options.geometry``, full contact or one contact spot of
    ``options.spot_radius`` [m].  Used by the study and by ``nakmodel compare``."""
    from ..geometry import Cell, ContactSpots, FullContact

    contact = FullContact() if options.spot_radius is None else ContactSpots(
        radius=options.spot_radius)
    return Cell.from_parameters(params, geometry=options.geometry.value, contact=contact)


def liquid_problems(comp, params, key: str) -> list[InputProblem]:
    """A pristine spectrum is of a liquid alloy: a InputProblem naming the temperature when
    ``comp`` is not inside the liquid window at ``params.temperature``
    (:func:`nakmodel.thermo.liquid_window`; below the eutectic nothing is liquid), so that a
    temperature study stops with this error where the alloy solidifies."""
    from .. import thermo

    T = params.temperature
    low, high = (float(v) for v in thermo.liquid_window(T, params))
    x = float(getattr(comp, "x_na", comp))
    if math.isnan(low):
        te, _ = thermo.eutectic(params)
        return [InputProblem("temperature", f"the alloy {comp} ({key}) is solid at "
                             f"{T - 273.15:.1f} degC: below the eutectic", T,
                             f"[K] >= {te:.2f} K ({te - 273.15:.1f} degC) and inside the liquid "
                             "window of the composition")]
    if low < x < high:
        return []
    return [InputProblem("temperature", f"the alloy {comp} ({key}) solidifies at "
                         f"{T - 273.15:.1f} degC: outside the liquid window", T,
                         f"[K] where x_Na is in the liquid window; at this temperature it is "
                         f"({low:.3f}, {high:.3f})")]


def _problem(options, params, comp):
    """(problem, parameters) of the pristine cell for the composition ``comp``
    (a :class:`Composition` or x_Na); refused unless the alloy is liquid."""
    from ..impedance.model import build_problem

    if not isinstance(comp, Composition):
        comp = Composition(x_na=float(comp))
    problems = liquid_problems(comp, params, "alloy.composition")
    if problems:
        raise ParameterError(problems)
    x_na = comp.x_na

    p = params.replace({"alloy.composition": {"x_Na": float(x_na)}})
    return build_problem(build_cell(options, p).build_mesh(), p), p


def _analyse(problem, params, options, label):
    """Spectrum, modes and region resistances of ``problem`` at its current state."""
    from ..impedance.model import _permittivity, _spectrum, linearise
    from ..impedance.modes import DENSE_LIMIT, modes_of

    lin = linearise(problem, relative_permittivity=_permittivity(params))
    f = options.frequencies
    spectrum = _spectrum(f, lin.impedance(f), lin, False, "galvanostatic").with_label(label)
    exact = lin.system._partition()[0].size <= DENSE_LIMIT
    modes = modes_of(lin)  # dense, or the residue-selected modes (rational Krylov)
    area = lin.area
    z_r0 = lin.dc_resistance()
    row = {"label": label, "dc_current_mA_cm2": lin.current_density / _A_PER_M2_PER_MA_CM2,
           "voltage_V": float(problem.voltage.value),
           "R_total_ohm_cm2": 1e4 * area * z_r0, "modes": "all (dense)" if exact
           else f"{len(modes)} residue-selected (rational Krylov); the rest in R_unresolved"}
    sums = {r: float(np.sum(modes.R[[g == r for g in modes.region]])) if len(modes) else 0.0
            for r in _REGIONS}
    row["R_unresolved_ohm_cm2"] = 0.0 if exact else 1e4 * area * (
        z_r0 - modes.Z_inf.real - modes.total_resistance)
    for r, key in zip(_REGIONS, _REGION_KEYS, strict=True):
        row[key] = 1e4 * area * sums[r]
    iface = [(t, R) for t, R, g in modes.table() if g == "interface"]
    row["tau_interface_s"] = max(iface, key=lambda tr: tr[1])[0] if iface else math.nan
    row["series_capacitance_F_cm2"] = modes.series_capacitance / (1e4 * area)
    return spectrum, modes, row, area


def warm_up() -> None:
    """Import the FE model and the linearised impedance in a sweep worker before its first point."""
    from ..impedance.model import build_problem, linearise  # noqa: F401
    from ..model.simulation import Simulation  # noqa: F401


def run_point(study, point_dir: Path) -> dict:
    """One pristine spectrum for the point's parameters; writes its spectrum and modes."""
    params, options = study.parameters, study.options
    problem, p = _problem(options, params, params.alloy.composition)
    spectrum, modes, row, area = _analyse(problem, p, options, "point")
    point_dir = Path(point_dir)
    point_dir.mkdir(parents=True, exist_ok=True)
    spectrum.to_csv(point_dir / "spectrum.csv")
    _write_modes(point_dir / "modes.csv", modes, area)
    return {name: row[name] for name in OUTPUTS}


def _write_modes(path, modes, area):
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["tau [s]", "R [ohm cm^2]", "region"])
    for tau, R, region in modes.table():
        w.writerow([repr(tau), repr(1e4 * area * R), region])
    return atomic_write_text(path, buf.getvalue())


def _safe(label: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in label)


def _states(options, params):
    """(label, problem, parameters) for every spectrum of the scenario, in order; a level that
    fails ends the scan with a (label, None, reason) entry."""
    from ..model.simulation import ConstantCurrent, Simulation

    if options.scenario is Scenario.PRISTINE:
        for comp in options.compositions:
            problem, p = _problem(options, params, comp)
            yield comp.label or f"x_Na={comp.x_na:.3f}", problem, p
        return
    comp = params.alloy.composition
    problem, p = _problem(options, params, comp)
    name = comp.label or f"x_Na={comp.x_na:.3f}"
    yield f"{name} OCV", problem, p
    for i_dc in options.currents:
        label = f"{name} {i_dc / _A_PER_M2_PER_MA_CM2:g} mA/cm2"
        sim = Simulation(None, p, ConstantCurrent(i_dc, options.hold))
        sim.problem = problem
        try:
            sim.run()
        except ConvergenceError as err:
            yield label, None, f"the model did not converge during the level: {err.reason}"
            return
        yield label, problem, p


def run(study, outdir: Path, progress=None) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..impedance.modes import plot_modes

    params, options = study.parameters, study.options
    outdir = Path(outdir)
    written, rows, results, notes = [], [], [], []
    for label, problem, p in _states(options, params):
        if problem is None:
            notes.append(f"Scan stopped at {label}: {p}.")
            break
        try:
            spectrum, modes, row, area = _analyse(problem, p, options, label)
        except ParameterError as err:
            notes.append(f"Scan stopped at {label}: {err}")
            break
        written.append(spectrum.to_csv(outdir / f"{_safe(label)}_spectrum.csv"))
        written.append(_write_modes(outdir / f"{_safe(label)}_modes.csv", modes, area))
        drt = None
        if options.drt:
            from ..drt import compute
            from ..spectrum import Spectrum

            specific = Spectrum(spectrum.frequency, area * spectrum.Z, None, label=label,
                                meta={"unit": "ohm m^2"})  # area-specific: DRT in Ω m²
            try:
                with warnings.catch_warnings(record=True):
                    warnings.simplefilter("always")
                    drt = compute(specific)  # the default DRT, in Ω cm² like the modes
                notes.extend(f"DRT of {label}: {m}" for m in drt.warnings
                             if "λ" in m)
            except (ParameterError, ValueError, np.linalg.LinAlgError) as exc:
                notes.append(f"DRT of {label} failed: {exc}")
        rows.append(row)
        results.append((label, spectrum, modes, drt, area))
        if progress is not None:
            progress(label)
    if not rows:
        raise ParameterError(InputProblem("impedance", "no spectrum could be computed",
                                          "; ".join(notes), "a state with an active interface"))

    from ..tables import write_rows

    written.append(write_rows(outdir / "impedance_summary.csv", rows, OUTPUT_UNITS))

    fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
    for label, spectrum, _, _, area in results:
        z = 1e4 * area * spectrum.Z
        ax.plot(z.real, -z.imag, ".-", ms=3, lw=0.8, label=label)
    ax.set_xlabel("Z' / Ω cm²")
    ax.set_ylabel("−Z'' / Ω cm²")
    ax.set_aspect("equal", adjustable="datalim")
    ax.legend(fontsize=8)
    written.append(atomic_savefig(fig, outdir / "nyquist.png", dpi=150))
    plt.close(fig)

    n = len(results)
    fig, axes = plt.subplots(n, 1, figsize=(6.5, 2.6 * n), layout="constrained", squeeze=False)
    for ax, (label, _, modes, drt, area) in zip(axes[:, 0], results, strict=True):
        scaled = type(modes)(modes.tau, 1e4 * area * modes.R, modes.Z_inf, modes.region,
                             modes.region_weights, modes.region_names)
        plot_modes(ax, scaled, drt=drt, legend=ax is axes[0, 0])
        ax.set_ylabel("R_k / Ω cm²")
        ax.set_title(label, fontsize=9)
    written.append(atomic_savefig(fig, outdir / "drt_modes.png", dpi=150))
    plt.close(fig)

    lines = [f"# {study.title}", "",
             f"Scenario: {options.scenario.value}; geometry {options.geometry.value}"
             + (f", one contact spot of radius {1e6 * options.spot_radius:.0f} µm"
                if options.spot_radius else "")
             + f"; {options.f_min:g}–{options.f_max:g} Hz, {options.points_per_decade}/decade.",
             "", "Resistances are sums of the model's exact relaxation modes by region "
             "(Ω cm², nominal area); the Na-inventory capacitor of galvanostatic control is "
             "excluded (series capacitance).  Large models keep the modes that carry Z "
             "(rational Krylov, residue-selected); what they miss of Z_R(0) is in "
             "'unresolved'.", "",
             "| spectrum | I_dc [mA/cm²] | V [V] | R_total | alloy | interface | ceramic | "
             "counter | grain boundary | constriction | unresolved | τ_interface [s] |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        lines.append(f"| {r['label']} | {r['dc_current_mA_cm2']:.3g} | {r['voltage_V']:.4f} | "
                     f"{r['R_total_ohm_cm2']:.4g} | {r['R_alloy_ohm_cm2']:.3g} | "
                     f"{r['R_interface_ohm_cm2']:.3g} | {r['R_ceramic_ohm_cm2']:.4g} | "
                     f"{r['R_counter_ohm_cm2']:.3g} | {r['R_grain_boundary_ohm_cm2']:.3g} | "
                     f"{r['R_constriction_ohm_cm2']:.3g} | {r['R_unresolved_ohm_cm2']:.3g} | "
                     f"{r['tau_interface_s']:.3g} |")
    lines += [""] + notes + ["", "![Nyquist](nyquist.png)", "", "![DRT and modes](drt_modes.png)",
                             ""]
    written.append(atomic_write_text(outdir / "summary.md", "\n".join(lines)))
    return written
