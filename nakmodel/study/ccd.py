"""Study kind ``ccd``: stepped current scans (stripping and/or plating) -> CCD per criterion.

Options table ``[ccd]``: the cell options of the ``simulation`` kind (``geometry``,
``pellet_radius``, ``pellet_thickness``, ``alloy_thickness``, ``mesh_size``,
``working_metal``, ``contact``, ``flaw``, ``host``) plus::

    compositions = ["NaK50", "NaK65", "NaK80"]
    directions = ["strip", "plate"]
    levels = ["0.2 mA/cm2", "0.4 mA/cm2"]   # optional: a staircase instead of the ramp
    rest_between = "30 min"     # rest between staircase levels
    start = "0.1 mA/cm2"        # first current level
    stop = "10 mA/cm2"          # last level (the scan ends there if nothing happened)
    step = "0.1 mA/cm2"         # level increment
    hold = "60 s"               # time per level
    voltage_limit = "1 V"       # |V| that ends the scan (and the voltage criterion)
    stop_at_liquidus = false    # also end the scan at the liquidus
    solid_coverage = 0.5        # solid-coverage criterion threshold
    crack = "fe"                # K_I per pressure of the flaw: "fe" (default: FE domain
                                # integral of the cell's own flaw, nakmodel.mechanics.
                                # flaw_model) | "handbook" (edge crack 1.1215 sqrt(pi a))
    crack_fill = "dry"          # crack growth past onset: the metal stays in the flaw
                                # ("dry") or follows the tip ("wet"); crack_growth = false: off
    criteria = ["voltage", "liquidus", "solid_coverage", "crack"]   # criteria used (default
                                # all; crack only with a flaw): drop "liquidus" to treat the
                                # Na-rich liquidus of plating as benign (solid Na is active)
    rest_after = "0 s"          # optional OCV rest after each scan (recorded in the CSV)
    geis_currents = ["0.2 mA/cm2", "1 mA/cm2"]   # operando GEIS at the end of these levels
    geis_interval = "30 s"      # optional: also every 30 s within them (hold/1000..hold;
                                # a level the run ends in keeps the spectra before the end)
    geis_peak_band = ["1 us", "1 ms"]   # optional: band_peak_* of geis_peaks.csv = the
                                # largest DRT peak with tau in this band (not the largest)
    geis_frequency_max = "1 MHz"; geis_frequency_min = "10 mHz"; geis_points_per_decade = 6
    error_tolerance = 0.02      # optional: local error per time step (model default 5e-3)

Stripping past the liquidus (``stop_at_liquidus = false``) ends at the voltage limit: the
blocked, emptied interface makes the voltage diverge.  A scan whose time stepper still gives
up (a genuine ConvergenceError) keeps its partial run: the criteria reached before are still
valid, the ``termination`` column says "convergence failure: ...".

A stepped-scan CCD is protocol-dependent: the columns ``inventory`` (lever-rule Na inventory
of the simulated alloy to the liquidus of the scan direction), ``critical_capacity_over_
inventory`` and ``ccd_inventory_limit`` (the level at which the scan passes that inventory,
:func:`nakmodel.ccd_extraction.inventory_limited_level`) show how much of the CCD is simply the
inventory used up at this ramp rate; ``summary.md`` says so.

For every (composition, direction) it writes ``<label>_<direction>/timeseries.csv``,
voltage/interface plots, optional GEIS spectra and DRT (heat map vs current), and over
all runs ``ccd_results.csv`` (one row per run, the :data:`OUTPUTS` + per-criterion
onsets), ``ccd.png`` (CCD and critical capacity vs composition, marker = limiting
mechanism) and ``summary.md``.

Sweepable: :func:`run_point` scans the point's ``alloy.composition`` in the first of
``directions`` (sweep ``ccd.directions`` as ``[["strip"], ["plate"]]`` for both).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from ..atomic_write import atomic_write_text
from ..composition import Composition
from ..constants import A_M2_PER_MA_CM2 as _MA_CM2
from ..errors import InputProblem, ParameterError
from ..units import to_si
from . import unknown_option_problems
from .ccd_crack import (  # noqa: F401  (FlawStateRecorder public here as before)
    FlawStateRecorder,
    crack_model_problems,
    fracture_report,
    k_ratio_rows,
)
from .ccd_summary import summary_md
from .geis_recording import (
    GEISRecorder,
    geis_frequencies,
    geis_peak_units,
    level_schedule,
    parse_geis,
    parse_geis_band,
    parse_geis_interval,
)
from .simulation import (
    CELL_OPTIONS,
    DEFAULT_PROFILES,
    GEIS_OPTIONS,
    NUMERIC_OPTIONS,
    CellOptions,
    _write_rows,
    composition_label,
    initial_composition_problems,
    parse_cell_options,
    parse_compositions,
    parse_error_tolerance,
    parse_quantity_list,
    result_summary,
    simulate,
    warm_up,  # noqa: F401  (sweep workers import the model before the first point)
    write_geis_outputs,
    write_run_outputs,
)

VERSION = "7"  # 2: #11 two-phase physics, #13 FE crack, #18 inventory_limited/snapped CCDs
# 3: #11 C2 lever-rule blend, event landing at the liquidus
# 4: #12 contact-node capacitance stepped exactly in time
# 5: #12 level-end GEIS spectra just before the level boundary (geis_interval, band peaks)
# 6: voltage-split floor 1e-3 -> 1e-6 i0 (we/ce_overpotential, ohmic of rows at <= 0.1 mA/cm2)
# 7: sub-grid spots: flux-tube psi and kappa (r_c and blocked capacitance where theta < 1)
SCAN_OPTIONS = ("compositions", "directions", "start", "stop", "step", "hold", "levels",
                "rest_between",
                "voltage_limit", "stop_at_liquidus", "solid_coverage", "crack", "rest_after",
                "geis_currents", "geis_interval", "profiles", "crack_fill", "crack_growth")
CRITERIA = ("voltage", "liquidus", "solid_coverage", "crack")
"""Names of the CCD criteria a scan can use (option ``criteria``; crack only with a flaw)."""
SCAN_OPTIONS = SCAN_OPTIONS + ("criteria",)
OPTIONS = CELL_OPTIONS + SCAN_OPTIONS + GEIS_OPTIONS + NUMERIC_OPTIONS
OPTION_UNITS = {"pellet_radius": "m", "pellet_thickness": "m", "alloy_thickness": "m",
                "mesh_size": "m", "start": "A/m^2", "stop": "A/m^2", "step": "A/m^2",
                "hold": "s", "voltage_limit": "V", "rest_after": "s", "rest_between": "s",
                "geis_frequency_max": "Hz", "geis_frequency_min": "Hz"}
OUTPUTS = ("composition", "x_Na", "direction", "ccd", "critical_capacity",
           "limiting_mechanism", "ccd_voltage", "ccd_liquidus", "ccd_solid_coverage",
           "ccd_crack", "capacity_voltage", "capacity_liquidus", "capacity_solid_coverage",
           "capacity_crack", "k_ratio_max", "max_current_density", "max_capacity",
           "inventory", "critical_capacity_over_inventory", "ccd_inventory_limit",
           "inventory_limited", "termination", "crack_method", "crack_length", "crack_outcome",
           "current_focusing", "ccd_crack_estimate")
TEXT_OUTPUTS = ("composition", "direction", "limiting_mechanism", "inventory_limited",
                "termination", "crack_method", "crack_outcome")
OUTPUT_UNITS = {"ccd": "A/m^2", "critical_capacity": "C/m^2", "max_current_density": "A/m^2",
                "max_capacity": "C/m^2", "inventory": "C/m^2", "ccd_inventory_limit": "A/m^2",
                "composition": None, "x_Na": "-", "direction": None, "limiting_mechanism": None,
                "ccd_voltage": "A/m^2", "ccd_liquidus": "A/m^2", "ccd_solid_coverage": "A/m^2",
                "ccd_crack": "A/m^2", "capacity_voltage": "C/m^2", "capacity_liquidus": "C/m^2",
                "capacity_solid_coverage": "C/m^2", "capacity_crack": "C/m^2",
                "k_ratio_max": "-", "critical_capacity_over_inventory": "-",
                "inventory_limited": None, "termination": None, "crack_method": None,
                "crack_length": "m", "crack_outcome": None, "current_focusing": "-",
                "ccd_crack_estimate": "A/m^2"}
"""SI unit of every output (None: text): the headers of ccd_results.csv and sweep tables."""


@dataclass(frozen=True)
class ScanOptions:
    """Options of the ccd study (SI)."""

    cell: CellOptions
    compositions: tuple[Composition, ...]
    directions: tuple[str, ...] = ("strip", "plate")
    start: float = 1.0
    stop: float = 100.0
    step: float = 1.0
    hold: float = 60.0
    voltage_limit: float = 1.0
    stop_at_liquidus: bool = False
    solid_coverage: float = 0.5
    crack: str = "fe"
    rest_after: float = 0.0
    geis_currents: tuple = ()
    geis: tuple = (1e6, 1e-2, 6)
    profiles: int = 40
    error_tolerance: float | None = None
    staircase: tuple = ()
    """Explicit current levels [A/m^2] (a staircase); empty: the ramp start/stop/step."""
    rest_between: float = 0.0
    criteria: tuple[str, ...] = CRITERIA
    """CCD criteria used (subset of :data:`CRITERIA`); e.g. without "liquidus" when the
    Na-rich liquidus of a plating scan is taken as benign (solid Na stays active)."""
    crack_fill: str = "dry"
    """Crack growth past onset: "dry" (metal stays in the flaw) or "wet" (follows the tip)."""
    crack_growth: bool = True
    """Grow the crack quasi-statically past onset (:mod:`nakmodel.mechanics.crack_growth`)."""
    geis_interval: float = 0.0
    """Spectra every this [s] within each GEIS level as well (0: at the level ends only)."""
    geis_band: tuple | None = None
    """(τ_min, τ_max) [s] of the ``band_peak_*`` columns of ``geis_peaks.csv``."""

    def levels(self) -> list[float]:
        """Current levels [A/m^2] of the scan (as the protocol's stepped ramp makes them)."""
        if self.staircase:
            return list(self.staircase)
        from ..display_units import clean_float

        n = int(math.floor((self.stop - self.start) / self.step + 1e-9)) + 1
        return [clean_float(self.start + k * self.step) for k in range(n)]

    @property
    def period(self) -> float:
        """Time from one level start to the next [s]."""
        return self.hold + (self.rest_between if self.staircase else 0.0)

    def protocol(self, direction: str) -> list[str]:
        from ..ccd_extraction import Direction, scan_protocol

        if self.staircase:
            d = Direction.parse(direction)
            word = "stripping" if d is Direction.STRIP else "plating"
            levels = ", ".join(f"{i / _MA_CM2:g}" for i in self.staircase)
            rest = (f" with {self.rest_between:g} s rest between" if self.rest_between > 0
                    else "")
            until = f"until {d.sign * self.voltage_limit:g} V" + (
                " or liquidus" if self.stop_at_liquidus else "")
            steps = [f"Staircase {word} {levels} mA/cm2 for {self.hold:g} s each{rest} {until}"]
        else:
            steps = [scan_protocol(direction, self.start, self.stop, self.step, self.hold,
                                   self.voltage_limit, self.stop_at_liquidus)]
        if self.rest_after > 0:
            steps.append(f"Rest for {self.rest_after:g} s")
        return steps

    def geis_times(self) -> tuple[tuple, tuple]:
        """(times [s], current levels [A/m^2]): end of the level nearest each GEIS current
        (and every ``geis_interval`` within it); see :meth:`geis_schedule`."""
        return self.geis_schedule()[:2]

    def geis_schedule(self) -> tuple[tuple, tuple, tuple]:
        """(times [s], current levels [A/m^2], times within the level [s]) of the spectra:
        the level nearest each GEIS current (0: the initial state)."""
        levels = self.levels()
        times, currents, within = [], [], []
        for i in self.geis_currents:
            if i <= 0:
                times.append(0.0)
                currents.append(0.0)
                within.append(0.0)
                continue
            k = min(range(len(levels)), key=lambda j: abs(levels[j] - i))
            for t, w in level_schedule([k * self.period], self.hold, self.geis_interval):
                times.append(t)
                currents.append(levels[k])
                within.append(w)
        return tuple(times), tuple(currents), tuple(within)

    def __getattr__(self, name):
        """Cell options (``alloy_thickness`` ...) read through to :attr:`cell` (sweep tables)."""
        cell = self.__dict__.get("cell")
        if cell is not None and name in CELL_OPTIONS:
            return getattr(cell, name)
        raise AttributeError(name)


def _current(table, name, prefix, default, problems):
    try:
        value = to_si(table.get(name, default), "A/m^2", f"{prefix}.{name}")
    except ParameterError as err:
        problems.extend(err.problems)
        return to_si(default, "A/m^2")  # the problem is reported; later checks stay quiet
    if not 0 < value <= 1e4:
        problems.append(InputProblem(f"{prefix}.{name}", "out of range", table.get(name),
                                     "a current density in (0, 1000] mA/cm2"))
        return to_si(default, "A/m^2")
    return value


def parse_options(table: dict, prefix: str, params) -> ScanOptions:
    problems = unknown_option_problems(table, OPTIONS, prefix)
    cell = parse_cell_options(table, prefix, params, problems)
    comps = parse_compositions(table, prefix, params, problems)
    problems += initial_composition_problems(comps, cell, params, prefix)
    directions = table.get("directions", ["strip", "plate"])
    if isinstance(directions, str):
        directions = [directions]
    if (not isinstance(directions, list) or not directions
            or any(d not in ("strip", "plate") for d in directions)):
        problems.append(InputProblem(f"{prefix}.directions", "must be a non-empty list of "
                                     "'strip'/'plate'", directions, "['strip', 'plate']"))
        directions = ["strip"]
    start = _current(table, "start", prefix, "0.1 mA/cm2", problems)
    stop = _current(table, "stop", prefix, "10 mA/cm2", problems)
    step = _current(table, "step", prefix, "0.1 mA/cm2", problems)
    if start > stop:
        problems.append(InputProblem(f"{prefix}.stop", "must not be below start", stop,
                                     f">= start = {start / _MA_CM2:g} mA/cm2"))
    elif (stop - start) / step > 2000:
        problems.append(InputProblem(f"{prefix}.step", "too many levels", step,
                                     "at most 2000 levels between start and stop"))
    values = {}
    staircase = parse_quantity_list(table, "levels", prefix, "A/m^2", problems, low=1e-9)
    if "levels" in table and not staircase:
        problems.append(InputProblem(f"{prefix}.levels", "must be a non-empty list",
                                     table["levels"],
                                     "current densities, e.g. ['0.2 mA/cm2', '0.4 mA/cm2']"))
    for name, unit, default, low, high in (("hold", "s", "60 s", 1e-3, 1e7),
                                           ("rest_between", "s", "0 s", 0.0, 1e7),
                                           ("voltage_limit", "V", "1 V", 1e-3, 10.0),
                                           ("rest_after", "s", "0 s", 0.0, 1e7)):
        try:
            values[name] = to_si(table.get(name, default), unit, f"{prefix}.{name}")
            if not low <= values[name] <= high:
                problems.append(InputProblem(f"{prefix}.{name}", "out of range", table.get(name),
                                             f"a value in [{low:g}, {high:g}] {unit}"))
        except ParameterError as err:
            problems.extend(err.problems)
            values[name] = to_si(default, unit)
    stop_at_liquidus = table.get("stop_at_liquidus", False)
    if not isinstance(stop_at_liquidus, bool):
        problems.append(InputProblem(f"{prefix}.stop_at_liquidus", "must be true or false",
                                     stop_at_liquidus, "a boolean"))
    coverage = table.get("solid_coverage", 0.5)
    if isinstance(coverage, bool) or not isinstance(coverage, (int, float)) or not (
            0 < coverage <= 1):
        problems.append(InputProblem(f"{prefix}.solid_coverage", "out of range", coverage,
                                     "an area fraction in (0, 1]"))
    crack = table.get("crack", "fe")
    if crack not in ("handbook", "fe"):
        problems.append(InputProblem(f"{prefix}.crack", "unknown K_I method", crack,
                                     "'fe' (domain integral, default) or 'handbook' "
                                     "(1.1215 sqrt(pi a))"))
    crack_fill = table.get("crack_fill", "dry")
    if crack_fill not in ("dry", "wet"):
        problems.append(InputProblem(f"{prefix}.crack_fill", "unknown fill mode", crack_fill,
                                     "'dry' (metal stays in the flaw) or 'wet' (follows the tip)"))
    crack_growth = table.get("crack_growth", True)
    if not isinstance(crack_growth, bool):
        problems.append(InputProblem(f"{prefix}.crack_growth", "must be true or false",
                                     crack_growth, "a boolean"))
    geis_currents = parse_quantity_list(table, "geis_currents", prefix, "A/m^2", problems)
    geis = parse_geis(table, prefix, problems)
    geis_interval = parse_geis_interval(table, prefix, values["hold"], bool(geis_currents),
                                        problems)
    band = parse_geis_band(table, prefix, problems)
    profiles = table.get("profiles", DEFAULT_PROFILES)
    if isinstance(profiles, bool) or not isinstance(profiles, int) or not 0 <= profiles <= 50:
        problems.append(InputProblem(f"{prefix}.profiles", "out of range", profiles,
                                     "an integer in [0, 50]"))
    tol = parse_error_tolerance(table, prefix, problems)
    criteria = _parse_criteria(table, prefix, problems)
    if not problems and "crack" in criteria and (crack == "fe" or crack_growth):
        problems += crack_model_problems(cell, params, prefix)  # before any mesh
    if problems:
        raise ParameterError(problems)
    return ScanOptions(cell, comps, tuple(directions), start, stop, step, values["hold"],
                       values["voltage_limit"], stop_at_liquidus, float(coverage), crack,
                       values["rest_after"], geis_currents, geis, profiles, tol, staircase,
                       values["rest_between"], criteria, crack_fill, crack_growth,
                       geis_interval, band)


def _parse_criteria(table, prefix, problems) -> tuple[str, ...]:
    """Option ``criteria``: a non-empty list of names from :data:`CRITERIA` (default all)."""
    raw = table.get("criteria", list(CRITERIA))
    if isinstance(raw, str):
        raw = [raw]
    if (not isinstance(raw, list) or not raw or any(c not in CRITERIA for c in raw)
            or len(set(raw)) != len(raw)):
        problems.append(InputProblem(f"{prefix}.criteria", "must be a non-empty list of distinct "
                                     "criterion names", raw, "a subset of " + ", ".join(CRITERIA)))
        return CRITERIA
    if "criteria" in table and "crack" in raw and table.get("flaw") is None:
        problems.append(InputProblem(f"{prefix}.criteria", "the crack criterion needs a flaw", raw,
                                     "a 'flaw' table, or criteria without 'crack'"))
    return tuple(raw)


def criteria_for(options: ScanOptions, params):
    """The CCD criteria of a scan: voltage, liquidus, solid coverage (+ crack with a flaw),
    those named in ``options.criteria``."""
    from ..ccd_extraction import (
        CrackCriterion,
        LiquidusCriterion,
        SolidCoverageCriterion,
        VoltageCriterion,
    )

    crits = [VoltageCriterion(options.voltage_limit), LiquidusCriterion(),
             SolidCoverageCriterion(options.solid_coverage)]
    crits = [c for c in crits if c.name in options.criteria]
    if options.cell.flaw is not None and "crack" in options.criteria:
        cell = options.cell.build()
        if options.crack == "fe":
            crits.append(CrackCriterion.from_cell(cell, params))
        else:
            from ..mechanics.loading import FlawLoadingModel, channel_for_cell

            crits.append(CrackCriterion.handbook(cell.flaw, params, loading=(
                FlawLoadingModel.from_parameters(params, channel=channel_for_cell(cell)))))
    return crits


def scan(options: ScanOptions, params, composition: Composition, direction: str, folder: Path,
         crack_criterion=None):
    """One current scan: run it, write its files into ``folder``; returns
    (row dict of :data:`OUTPUTS`, Result, CCDResult, written paths, GEIS peak rows)."""
    from ..ccd_extraction import extract_ccd

    params = params.replace({"alloy.composition": composition})
    hooks, recorder = [], None
    times, currents, within = options.geis_schedule() if options.geis_currents else ((),) * 3
    if times:
        recorder = GEISRecorder(times, geis_frequencies(*options.geis), params)
        hooks.append(recorder)
    if options.cell.flaw is not None:
        hooks.append(FlawStateRecorder())
    result = simulate(options.cell, params, options.protocol(direction), composition,
                      profiles=options.profiles, hooks=hooks, profile_times=times,
                      error_tolerance=options.error_tolerance, allow_partial=True)
    criteria = criteria_for(options, params)
    if crack_criterion is not None:
        criteria = [c for c in criteria if c.name != "crack"] + [crack_criterion]
    ccd = extract_ccd(result, criteria, direction=direction, parameters=params,
                      levels=options.levels(), hold=options.hold, x_initial=composition.x_na,
                      warn=False)  # the study says it in its progress and summary.md
    fracture = fracture_report(options, params, result, criteria, direction, crack_criterion)
    label = composition_label(composition)
    written = write_run_outputs(result, folder, f"{label} {direction}: {ccd.limiting_mechanism}")
    if ccd.k_ratio is not None:
        written.append(_write_rows(folder / "k_ratio.csv",
                                   k_ratio_rows(result, ccd.k_ratio, fracture)))
    peaks = []
    if recorder is not None:
        files, peaks = write_geis_outputs(recorder, folder, [c / _MA_CM2 for c in currents],
                                          "current density [mA/cm²]", band=options.geis_band,
                                          extra=[{"t_in_level_s": w} for w in within])
        written += files
        if peaks:
            written.append(_write_rows(folder / "geis_peaks.csv", peaks,
                                       geis_peak_units("mA/cm^2")))
    summary = ccd.summary()
    row = {"composition": label, "x_Na": composition.x_na, "direction": direction}
    for name in OUTPUTS:
        if name not in row:
            row[name] = summary.get(name, math.nan)
    row["termination"] = result_summary(result)["termination"]
    if fracture is not None:
        onset = ccd.onsets.get("crack")
        row.update(fracture.summary(onset.index if onset is not None else None))
    else:
        row.update({"crack_method": "-", "crack_length": math.nan, "crack_outcome": "-",
                    "current_focusing": math.nan, "ccd_crack_estimate": math.nan})
    return row, result, ccd, written, peaks


def point_problems(study) -> list[InputProblem]:
    """Sweep rule: a point scans ONE direction (its row has no direction column), so
    ``directions`` must hold one entry per point (sweep ``ccd.directions`` over
    ``[["strip"], ["plate"]]`` for both)."""
    directions = list(study.options.directions)
    if len(directions) == 1:
        return []
    return [InputProblem("ccd.directions", "a sweep point scans one direction", directions,
                         'one direction, e.g. ["strip"], or sweep ccd.directions over '
                         '[["strip"], ["plate"]]')]


def run_point(study, point_dir: Path) -> dict:
    """One sweep point: a scan of ``alloy.composition`` in its single direction
    (:func:`point_problems`)."""
    opts = study.options
    row, *_ = scan(opts, study.parameters, study.parameters.alloy.composition,
                   opts.directions[0], Path(point_dir))
    return row


CASES_FOLDER = "cases"
"""Sub-folder of a ccd study's output holding the sweep store of its scans."""


def cases_sweep(study) -> dict:
    """The study's scans (every composition x direction) as a ``list`` sweep of
    single-scan points: the tables of the study as read, one point per case setting
    ``alloy.composition`` and ``ccd.directions``, all :data:`OUTPUTS` recorded."""
    import copy

    opts = study.options
    data = copy.deepcopy(study.source) if study.source else {
        "study": {"name": study.name, "kind": "ccd"}}
    data.pop("sweep", None)
    if study.parameter_file is not None:  # a relative ``file`` of the study: made absolute
        data.setdefault("parameters", {})["file"] = str(Path(study.parameter_file).resolve())
    points = [{"alloy.composition": comp.label or {"x_Na": comp.x_na},
               "ccd.directions": [direction]}
              for comp in opts.compositions for direction in opts.directions]
    data["sweep"] = {"mode": "list", "outputs": list(OUTPUTS), "points": points}
    return data


def run(study, outdir: Path, progress=None, executor=None) -> list[Path]:
    """Run every scan of the study through the sweep engine (:mod:`nakmodel.sweep`) into
    ``outdir/cases`` (content-hashed points: a rerun after an interruption keeps every
    finished scan, failed scans are retried; ``executor`` runs them in parallel, default
    one after another in this process), then write each scan's files to
    ``outdir/<composition>_<direction>``, ``ccd_results.csv``, ``ccd.png`` and
    ``summary.md``.  A scan that fails leaves the others' results and raises
    :class:`~nakmodel.errors.ConvergenceError` naming it after the tables are written."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic_write import atomic_savefig
    from ..ccd_extraction import diagnosis_text
    from ..errors import ConvergenceError
    from ..plotting.study_plots import plot_ccd_vs_composition
    from ..sweep import SerialExecutor, load_sweep, run_sweep

    opts = study.options
    spec = load_sweep(cases_sweep(study))
    cases = [(comp, direction) for comp in opts.compositions for direction in opts.directions]
    if progress:
        for comp, direction in cases:
            progress(f"  {composition_label(comp)} {direction}: {opts.protocol(direction)[0]}")
    result = run_sweep(spec, outdir / CASES_FOLDER, executor=executor or SerialExecutor(),
                       progress=False, retry_failed=True)
    if result is None:  # an MPI worker rank: rank 0 writes the tables
        return []
    by_id = {row["point_id"]: row for row in result.rows}
    written, rows, failed = [], [], []
    for (comp, direction), point in zip(cases, spec.points, strict=True):
        record = by_id[point.point_id]
        label = f"{composition_label(comp)} {direction}"
        if record.get("status") != "ok":
            failed.append(f"{label}: {record.get('error') or record.get('status')}")
            continue
        row = {name: record.get(name) for name in OUTPUTS}
        row.update({name: math.nan for name, value in row.items()  # JSON null: NaN
                    if value is None and name not in TEXT_OUTPUTS})
        rows.append(row)
        written += _publish_case(outdir / CASES_FOLDER / "points" / point.point_id,
                                 outdir / f"{composition_label(comp)}_{direction}")
        if progress:
            progress(f"  {label}: {diagnosis_text(row)}")
    if progress:
        progress(f"  {result.n_ok}/{len(cases)} scans ok (ran {result.ran}, "
                 f"{result.skipped} already finished)")
    written.append(_write_rows(outdir / "ccd_results.csv", rows, OUTPUT_UNITS))
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    plot_ccd_vs_composition(ax1, rows, quantity="ccd")
    plot_ccd_vs_composition(ax2, rows, quantity="critical_capacity")
    fig.suptitle(study.title)
    written.append(atomic_savefig(fig, outdir / "ccd.png", dpi=150))
    plt.close(fig)
    written.append(atomic_write_text(outdir / "summary.md", summary_md(study, rows)))
    if failed:
        raise ConvergenceError(reason=f"{len(failed)} of {len(cases)} scans failed (the "
                               "others are written; rerun the study to retry): "
                               + "; ".join(failed))
    return written


def _publish_case(point_dir: Path, case_dir: Path) -> list[Path]:
    """The scan files of a finished point (not the store's own records) in ``case_dir``,
    each replaced atomically (hard link when possible, else a copy)."""
    import os

    from ..atomic_write import atomic_write_bytes
    from ..provenance import PARAMETERS_FILE, PROVENANCE_FILE
    from ..sweep.commit import POINT_FILE, RESULT_FILE

    own = {RESULT_FILE, POINT_FILE, PROVENANCE_FILE, PARAMETERS_FILE, "study.toml", "study.json"}
    written = []
    for src in sorted(point_dir.rglob("*")):
        rel = src.relative_to(point_dir)
        if not src.is_file() or (len(rel.parts) == 1 and rel.name in own) \
                or rel.name.startswith("."):
            continue
        dst = case_dir / rel
        dst.parent.mkdir(parents=True, exist_ok=True)
        tmp = dst.with_name(f".{dst.name}.link")
        try:
            tmp.unlink(missing_ok=True)
            os.link(src, tmp)
            os.replace(tmp, dst)
        except OSError:
            tmp.unlink(missing_ok=True)
            atomic_write_bytes(dst, src.read_bytes())
        written.append(dst)
    return written
