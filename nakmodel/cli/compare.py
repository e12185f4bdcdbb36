"""``nakmodel compare MEASURED --study STUDY.toml``: the model against a measured spectrum.

For every spectrum in the measured file(s): the model spectrum of the study's cell and
parameters at the measured frequencies (pristine cell at equilibrium, the study's
composition), a Kramers–Kronig check of both, both DRTs inverted alike (τ grid and λ chosen
on the measurement, :func:`nakmodel.drt.compare`), the peak-matching table (τ and
resistance ratios, DRT distance) and, in ``--out``:

* ``<name>_compare.csv``: Z of measurement and model per frequency;
* ``<name>_peaks.csv``: the peak table;
  both plain CSVs with ``name [unit]`` headers (Z and R in ``ohm*cm^2`` or ``ohm``, see
  below) and a sidecar ``<stem>.meta.json`` (unit, DRT distance, λ, files);
* ``<name>_compare.png``: Nyquist of both, DRT of both with the model's exact modes;
* with ``--fit KEY ...``: ``<name>_fit_parameters.toml`` (a full parameter set that
  ``nakmodel params check`` accepts), ``<name>_fit_table.csv`` and ``<name>_fit.png``.

Impedances are compared area-specific (Ω cm²) when the measurement's electrode area is
known (``--area`` or the file header), else in Ω against the model cell's nominal area.
Exit status: 0 when every comparison passes (DRT distance <= ``--max-distance`` and every
measured peak matched by a model peak), 1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import math
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

from ._common import add_params, add_quiet, echo

SUPPORTED_KINDS = {"impedance": "nakmodel.study.impedance",
                   "simulation": "nakmodel.study.simulation",
                   "ccd": "nakmodel.study.ccd"}


def register(sub) -> None:
    parser = sub.add_parser(
        "compare", help="compare the model with a measured spectrum (DRT peaks, fit)",
        description="Model spectrum of a study's cell at the measured frequencies, Kramers-"
        "Kronig check of both, both DRTs inverted alike, the peak-matching table, CSV and "
        "figures; with --fit, fit model parameters to the measurement. Exit 0 (all "
        "comparisons pass), 1 (a comparison fails), 2 (bad input).")
    parser.add_argument("files", nargs="+", metavar="MEASURED", help="impedance file(s)")
    parser.add_argument("--study", required=True, metavar="STUDY.toml",
                        help="study file (kind impedance, simulation or ccd) giving the cell "
                        "and parameters")
    parser.add_argument("--area", type=float, default=None, metavar="CM2",
                        help="electrode area of the measurement in cm² (default: the file's)")
    parser.add_argument("--composition", default=None, metavar="COMP",
                        help="alloy composition of the model (e.g. NaK65 or 'x_Na=0.6'; "
                        "default: the study's first composition)")
    from .drt import add_drt_options

    add_drt_options(parser, lam_help="; chosen on the measurement, reused for the model")
    parser.add_argument("--out", default="compare_out", metavar="DIR", help="output folder")
    add_params(parser)
    parser.add_argument("--fit", nargs="+", default=None, metavar="KEY",
                        help="fit these parameters (dotted keys, e.g. "
                        "interface.exchange_current_density nasicon.conductivity)")
    parser.add_argument("--max-distance", type=float, default=0.5, metavar="D",
                        help="largest relative L2 distance of the DRTs for a pass "
                        "(default 0.5)")
    parser.add_argument("--max-decades", type=float, default=1.0, metavar="DEC",
                        help="peaks further apart than this (in decades of τ) are not "
                        "matched (default 1)")
    add_quiet(parser)
    parser.set_defaults(func=run)


# ---------------------------------------------------------------------------- the model
@dataclass
class StudyModel:
    """The model side of a comparison: cell (meshed once), parameters, label."""

    cell: object
    parameters: object
    label: str
    cell_mesh: object = None

    def mesh(self):
        if self.cell_mesh is None:
            self.cell_mesh = self.cell.build_mesh()
        return self.cell_mesh


def model_from_study(path, composition=None, params_file=None) -> StudyModel:
    """Cell and parameters of a study file (kinds impedance, simulation, ccd): the cell the
    study would simulate, at ``composition`` (default: the study's first composition)."""
    import importlib

    from ..composition import parse_composition
    from ..errors import InputProblem, ParameterError
    from ..input_files import read_toml

    path = Path(path)
    if not path.exists():
        raise FileNotFoundError(f"no such study file: {path}")
    data = read_toml(path, "a study with [study] kind = 'impedance' (or simulation, ccd)")
    head = data.get("study") if isinstance(data.get("study"), dict) else {}
    kind = head.get("kind")
    if kind not in SUPPORTED_KINDS:
        raise ParameterError(InputProblem("study.kind", "cannot give a cell to compare with", kind,
                                          "one of " + ", ".join(SUPPORTED_KINDS)))
    problems = []
    from ..study import study_parameters

    params, _file = study_parameters(data.get("parameters", {}), path.parent, params_file)
    module = importlib.import_module(SUPPORTED_KINDS[kind])
    options = module.parse_options(data.get(kind, {}), kind, params)
    operando = getattr(getattr(options, "scenario", None), "value", "pristine") != "pristine"
    # an operando impedance scan runs on the parameters' composition, not the list
    comps = () if operando else tuple(getattr(options, "compositions", ()) or ())
    if composition is not None:
        try:
            comp = parse_composition(composition, "--composition")
        except ParameterError as err:
            problems.extend(err.problems)
            comp = None
    else:
        comp = comps[0] if comps else params.alloy.composition
    if problems:
        raise ParameterError(problems)
    p = params.replace({"alloy.composition": {"x_Na": float(comp.x_na)}})
    if hasattr(options, "cell") and hasattr(options.cell, "build"):
        cell = options.cell.build()
    else:  # impedance kind
        cell = module.build_cell(options, p)
    note = " (operando study: compared at OCV)" if operando else ""
    label = f"model {comp.label or f'x_Na={comp.x_na:.3f}'}{note}"
    return StudyModel(cell, p, label)


# ---------------------------------------------------------------------------- helpers
def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "spectrum"


def _kk(spectrum):
    from ..drt import kramers_kronig

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return kramers_kronig(spectrum, extend_decades="auto")
        except Exception:  # informative only
            return None


def _kk_text(kk) -> str:
    if kk is None:
        return "KK n/a"
    return f"KK {'pass' if kk.passed else 'FAIL'} (max {100 * kk.max_residual:.2g} %)"


#: CSV unit of the compared impedances for each display unit of the comparison
CSV_UNITS = {"Ω cm²": "ohm*cm^2", "Ω": "ohm"}


def peak_units(unit: str) -> dict:
    """``name -> unit`` of the peak table's columns (R in the comparison's ``unit``)."""
    r = CSV_UNITS[unit]
    return {"tau_measured": "s", "tau_model": "s", "tau_ratio": "-", "R_measured": r,
            "R_model": r, "R_ratio": "-"}


def peak_rows(cmp) -> list[dict]:
    """The peak-matching table of a :class:`DRTComparison` as rows (τ [s], R in the
    comparison's unit, ratios [-])."""
    rows = []
    for m in cmp.matches:
        rows.append({"tau_measured": m.a.tau, "tau_model": m.b.tau,
                     "tau_ratio": m.tau_ratio, "R_measured": m.a.R, "R_model": m.b.R,
                     "R_ratio": m.resistance_ratio})
    nan = math.nan
    for p in cmp.unmatched_a:
        rows.append({"tau_measured": p.tau, "tau_model": nan, "tau_ratio": nan,
                     "R_measured": p.R, "R_model": nan, "R_ratio": nan})
    for p in cmp.unmatched_b:
        rows.append({"tau_measured": nan, "tau_model": p.tau, "tau_ratio": nan,
                     "R_measured": nan, "R_model": p.R, "R_ratio": nan})
    return rows


def _print_table(args, cmp, unit):
    echo(args, f"  {'tau_meas/s':>11} {'tau_model/s':>11} {'tau ratio':>9} "
               f"{'R_meas/' + unit:>14} {'R_model/' + unit:>14} {'R ratio':>8}")
    for r in peak_rows(cmp):
        echo(args, "  " + " ".join(f"{r[k]:>{w}.4g}" for k, w in (
            ("tau_measured", 11), ("tau_model", 11), ("tau_ratio", 9),
            ("R_measured", 14), ("R_model", 14), ("R_ratio", 8))).replace("nan", "  -"))
    echo(args, f"  DRT distance {cmp.distance:.3g}, R_pol model/measured "
               f"{cmp.polarization_resistance_ratio:.3g}")


def _write_csv(path, rows, units, meta) -> list[Path]:
    """A plain CSV with ``name [unit]`` headers and its ``.meta.json`` sidecar."""
    from ..tables import write_rows, write_sidecar

    return [write_rows(path, rows, units), write_sidecar(path, meta)]


def overlay_figure(measured, model, cmp, modes, unit, title, model_label="model"):
    """Nyquist of both spectra and both DRTs with the model's modal lines (those inside the
    DRT's τ range); a Figure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..drt import plot_comparison

    fig, (ax_n, ax_d) = plt.subplots(1, 2, figsize=(12, 4.5), layout="constrained")
    zm, zs = measured.Z, model.Z
    ax_n.plot(zm.real, -zm.imag, "o", ms=3, mfc="none", color="k", label="measured")
    ax_n.plot(zs.real, -zs.imag, "-", color="tab:red", label=model_label)
    ax_n.set_aspect("equal", adjustable="datalim")
    ax_n.set_xlabel(f"Z' / {unit}")
    ax_n.set_ylabel(f"−Z'' / {unit}")
    ax_n.legend(fontsize="small")
    ax_n.set_title(title, fontsize="small")
    lo, hi = float(cmp.a.tau.min()), float(cmp.a.tau.max())
    shown = [(t, r) for t, r in (modes or []) if lo <= t <= hi]  # modes inside the band
    plot_comparison(ax_d, cmp, modes=shown, labels=("measured", model_label))
    ax_d.set_ylabel(f"γ / {unit}")
    if shown:
        fig.axes[-1].set_ylabel(f"mode R_k / {unit}")
    return fig


# ---------------------------------------------------------------------------- main
def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    import nakmodel

    from ..atomic_write import atomic_savefig
    from ..drt import compare
    from ..errors import InputProblem, ParameterError
    from ..fe_model_fit import check_fit_keys, fit_model, write_fit_outputs
    from ..io import read_spectra
    from ..spectrum import Spectrum
    from .drt import settings_from_args

    problems = []
    try:
        settings = settings_from_args(args)
    except ParameterError as err:
        problems.extend(err.problems)
    if args.area is not None and not (math.isfinite(args.area) and args.area > 0):
        problems.append(InputProblem("--area", "must be positive", args.area, "[cm^2] > 0"))
    if not (math.isfinite(args.max_distance) and args.max_distance > 0):
        problems.append(InputProblem("--max-distance", "must be positive", args.max_distance,
                                     "> 0"))
    if args.fit:
        try:
            check_fit_keys(args.fit)
        except ParameterError as err:
            problems.extend(err.problems)
    for file in args.files:
        if not Path(file).exists():
            problems.append(InputProblem("MEASURED", "no such file", file, "an impedance file"))
    if problems:
        raise ParameterError(problems)
    model = model_from_study(args.study, args.composition, args.params)
    area = None if args.area is None else f"{args.area} cm^2"
    spectra = []
    for file in args.files:
        found = read_spectra(file, area=area)
        for k, s in enumerate(found):
            name = _safe(Path(file).stem + (f"_{k}" if len(found) > 1 else ""))
            spectra.append((file, name, s))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    cell_mesh = model.mesh()
    echo(args, f"{model.label}: {model.cell.geometry.value} cell from {args.study}")
    n_fail = 0
    for file, name, measured in spectra:
        f = np.asarray(measured.frequency, dtype=float)
        model_spec = nakmodel.impedance(cell_mesh, model.parameters, f, area_specific=True)
        a_model = float(model_spec.meta["nominal_area"])
        modes = nakmodel.relaxation_spectrum(cell_mesh, model.parameters, area_specific=True)
        if measured.area is not None:
            scale, unit = 1e4, "Ω cm²"  # both area-specific
            meas_view = Spectrum(f, measured.Z * measured.area * 1e4, None, measured.label)
        else:
            scale, unit = 1.0 / a_model, "Ω"  # the model cell's absolute impedance
            meas_view = Spectrum(f, measured.Z, None, measured.label)
            echo(args, f"{name}: no electrode area (give --area): comparing absolute Ω with "
                       f"the model cell of nominal area {1e4 * a_model:.4g} cm²")
        model_view = Spectrum(f, model_spec.Z * scale, None, model.label)
        mode_lines = [(t, r * scale) for t, r, _ in modes.table()]
        with warnings.catch_warnings(record=True):
            warnings.simplefilter("always")
            cmp = compare(meas_view, model_view, settings=settings,
                          max_decades=args.max_decades)
        for message in cmp.a.warnings:
            echo(args, f"{name}: DRT warning: {message}")
        passed = cmp.distance <= args.max_distance and not cmp.unmatched_a
        n_fail += not passed
        bound = ", AT A BOUND of the λ range" if cmp.a.lambda_at_bound else ""
        echo(args, f"{name}: {len(measured)} points; measured {_kk_text(_kk(meas_view))}, "
                   f"model {_kk_text(_kk(model_view))}; λ = {cmp.a.lam:.3g} "
                   f"({cmp.a.lambda_method}{bound}); {'pass' if passed else 'FAIL'}")
        extrapolated = [p for p in cmp.a.peaks() if p.extrapolated]
        if extrapolated:
            echo(args, "  measured peaks outside the measured τ window (extrapolated, not "
                       "matched): " + ", ".join(f"{p.tau:.3g} s/{p.R:.3g} {unit}"
                                                for p in extrapolated))
        _print_table(args, cmp, unit)
        rows = [{"frequency": float(fk), "Z_real_measured": float(zm.real),
                 "Z_imag_measured": float(zm.imag), "Z_real_model": float(zs.real),
                 "Z_imag_model": float(zs.imag)}
                for fk, zm, zs in zip(f, meas_view.Z, model_view.Z, strict=True)]
        z_unit = CSV_UNITS[unit]
        meta = {"measured": str(file), "study": str(args.study), "model": model.label,
                "unit": z_unit, "area_specific": measured.area is not None,
                "drt_distance": cmp.distance, "lambda": cmp.a.lam,
                "lambda_method": cmp.a.lambda_method, "passed": passed}
        written = _write_csv(out / f"{name}_compare.csv", rows,
                             {"frequency": "Hz", "Z_real_measured": z_unit,
                              "Z_imag_measured": z_unit, "Z_real_model": z_unit,
                              "Z_imag_model": z_unit}, meta)
        nan = math.nan
        peaks = peak_rows(cmp) or [dict.fromkeys(peak_units(unit), nan)]
        written += _write_csv(out / f"{name}_peaks.csv", peaks, peak_units(unit), meta)
        fig = overlay_figure(meas_view, model_view, cmp, mode_lines, unit,
                             f"{measured.label or name} vs {model.label}")
        written.append(atomic_savefig(fig, out / f"{name}_compare.png", dpi=130))
        plt.close(fig)
        if args.fit:
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                result = fit_model(measured, cell_mesh, model.parameters, fit=args.fit,
                                   source=str(file))
            for w in caught:
                if "identifiab" in str(w.message):
                    echo(args, f"  warning: {w.message}")
            echo(args, "\n".join("  " + line for line in result.summary().splitlines()))
            written += write_fit_outputs(result, out, f"{name}_fit")
            factor = 1e4 * measured.area if measured.area is not None else 1.0
            fitted_view = Spectrum(f, result.model.Z * factor, None, "fitted model")
            fitted_modes = nakmodel.relaxation_spectrum(cell_mesh, result.parameters,
                                                        area_specific=True)
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                cmp_fit = compare(meas_view, fitted_view, settings=settings,
                                  max_decades=args.max_decades)
            echo(args, "  after the fit:")
            _print_table(args, cmp_fit, unit)
            fig = overlay_figure(meas_view, fitted_view, cmp_fit,
                                 [(t, r * scale) for t, r, _ in fitted_modes.table()], unit,
                                 f"{measured.label or name}: fitted model", "fitted model")
            written.append(atomic_savefig(fig, out / f"{name}_fit.png", dpi=130))
            plt.close(fig)
        echo(args, "  wrote " + ", ".join(str(p) for p in written))
    echo(args, f"{len(spectra) - n_fail}/{len(spectra)} comparisons pass "
               f"(DRT distance <= {args.max_distance:g}, every measured peak matched)")
    return 0 if n_fail == 0 else 1
