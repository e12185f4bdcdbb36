"""``nakmodel drt FILE...``: DRT of measured spectra, one CSV and one figure per spectrum.

For every spectrum in every file: a Kramers–Kronig (Lin-KK) check, the DRT with an
uncertainty band, ``<name>_drt.csv`` and ``<name>_drt.png`` (Nyquist with the DRT fit,
DRT with band and peaks, KK residuals) in ``--out``.  A file holding a series of spectra
also gets ``<stem>_drt_series.png``: γ over (spectrum index, τ) on one grid and one λ.
"""

from __future__ import annotations

import re
import warnings
from pathlib import Path

from ._common import add_quiet, echo


def add_drt_options(parser, lam_help: str = "") -> None:
    """The DRT options shared by ``nakmodel drt`` and ``nakmodel compare``; every default
    is ``None`` = the value of :data:`nakmodel.drt.DEFAULT_SETTINGS` (one place)."""
    from ..drt.basis import BASIS_NAMES
    from ..drt.regularization import LAMBDA_METHODS
    from ..drt.settings import DEFAULT_SETTINGS as D

    parser.add_argument("--lam", default=None,
                        help="λ: a number, auto, or one of " + ", ".join(LAMBDA_METHODS)
                        + f" (default {D.lam}){lam_help}")
    parser.add_argument("--basis", default=None, choices=list(BASIS_NAMES),
                        help=f"discretisation basis (default {D.basis})")
    parser.add_argument("--fwhm", type=float, default=None, dest="fwhm_coefficient",
                        help=f"FWHM coefficient of the basis (default {D.fwhm_coefficient})")
    parser.add_argument("--order", type=int, default=None, choices=(1, 2),
                        dest="derivative_order",
                        help=f"penalised derivative order (default {D.derivative_order})")
    parser.add_argument("--data", default=None, choices=("complex", "real", "imag"),
                        help=f"data part fitted (default {D.data})")
    parser.add_argument("--extend", default=None, metavar="DECADES", dest="extend_decades",
                        help="extend the τ grid beyond the measured 1/ω range: one number "
                        "(both sides) or SHORT,LONG (default "
                        f"{','.join(f'{e:g}' for e in D.extension)}: the long-τ side only; "
                        "below the shortest τ the data cannot tell a relaxation from R_inf)")
    parser.add_argument("--capacitance", default=None, choices=("auto", "yes", "no"),
                        help=f"fit a series capacitance (default {D.capacitance}: when the "
                        "spectrum ends capacitively)")
    parser.add_argument("--weights", default=None, choices=("modulus", "none"),
                        help=f"row weights (default {D.weights or 'none'})")


def settings_from_args(args):
    """A :class:`~nakmodel.drt.DRTSettings`: the defaults with the options given."""
    from ..drt.settings import resolve
    from ..errors import InputProblem, ParameterError

    options = {"lam": _lam(args.lam)}
    for key in ("basis", "fwhm_coefficient", "derivative_order", "data"):
        options[key] = getattr(args, key, None)
    text = getattr(args, "extend_decades", None)
    if text is not None:
        try:
            parts = [float(v) for v in str(text).split(",")]
        except ValueError:
            raise ParameterError(InputProblem("--extend", "not a number or SHORT,LONG", text,
                                              "decades in [0, 5], e.g. 1 or 0,1")) from None
        if len(parts) not in (1, 2):
            raise ParameterError(InputProblem("--extend", "one or two numbers", text, "e.g. 0,1"))
        options["extend_decades"] = parts[0] if len(parts) == 1 else tuple(parts)
    cap = getattr(args, "capacitance", None)
    if cap is not None:
        options["capacitance"] = {"auto": "auto", "yes": True, "no": False}[cap]
    weights = getattr(args, "weights", None)
    if weights is not None:
        options["weights"] = None if weights == "none" else weights
    else:
        options.pop("weights", None)
    return resolve(None, **options)


def register(sub) -> None:
    parser = sub.add_parser(
        "drt", help="distribution of relaxation times of measured spectra",
        description="Kramers-Kronig check and DRT (non-negative Tikhonov, RBF basis) of "
        "impedance files (csv, BioLogic mpt/mpr, Gamry DTA, ZPlot z); writes a CSV and a "
        "figure per spectrum. Defaults are those of nakmodel.drt.compute "
        "(nakmodel.drt.DEFAULT_SETTINGS).")
    parser.add_argument("files", nargs="+", metavar="FILE", help="impedance file(s)")
    add_drt_options(parser)
    parser.add_argument("--uncertainty", default=None,
                        choices=("bayesian", "bootstrap", "none"),
                        help="uncertainty band (default none; a band does not change γ, λ "
                        "or the peaks)")
    parser.add_argument("--area", type=float, default=None, metavar="CM2",
                        help="electrode area in cm² (stored; plots in Ω cm²)")
    parser.add_argument("--out", default="drt_out", metavar="DIR", help="output folder")
    add_quiet(parser)
    parser.set_defaults(func=run)


def _lam(text):
    from ..drt.regularization import LAMBDA_METHODS
    from ..errors import InputProblem, ParameterError

    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if text.lower() in ("auto", *LAMBDA_METHODS):
        return text.lower()
    raise ParameterError(InputProblem("--lam", "not a number or a method", text,
                                      "λ > 0 or auto, " + ", ".join(LAMBDA_METHODS)))


def _safe(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name).strip("_") or "spectrum"


def figure(drt, kk, unit_scale: float = 1.0, unit: str = "Ω"):
    """Three panels: Nyquist with the DRT fit, DRT with band and peaks, KK residuals."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 3, figsize=(14, 4.2), layout="constrained")
    ax = axes[0]
    z, zf = drt.Z * unit_scale, drt.Z_model * unit_scale
    ax.plot(z.real, -z.imag, "o", ms=3, mfc="none", label="measured")
    ax.plot(zf.real, -zf.imag, "-", label="DRT fit")
    ax.set_aspect("equal", adjustable="datalim")
    ax.set_xlabel(f"Z' / {unit}")
    ax.set_ylabel(f"−Z'' / {unit}")
    ax.legend(fontsize="small")
    drt.plot(axes[1], band=True)
    for p in drt.peaks():
        axes[1].axvline(p.tau, color="0.8" if p.extrapolated else "0.6", lw=0.6, ls=":")
    bound = " (at a bound)" if drt.lambda_at_bound else ""
    axes[1].set_title(f"λ = {drt.lam:.2g} ({drt.lambda_method}{bound}), "
                      f"R_pol = {drt.polarization_resistance:.4g} Ω", fontsize="small")
    if kk is not None:
        kk.plot_residuals(axes[2])
    else:
        axes[2].set_axis_off()
    fig.suptitle(drt.label or "", fontsize="small")
    return fig


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from ..atomic_write import atomic_savefig
    from ..drt import LambdaBoundWarning, compute, kramers_kronig
    from ..io import read_spectrum

    settings = settings_from_args(args)
    if args.uncertainty is not None:
        settings = settings.replace(uncertainty=None if args.uncertainty == "none"
                                    else args.uncertainty)
    area = None if args.area is None else f"{args.area} cm^2"
    from ._errors import check_output_folder

    out = check_output_folder(args.out)
    out.mkdir(parents=True, exist_ok=True)
    for file in args.files:
        if not Path(file).exists():
            raise FileNotFoundError(f"no such file: {file}")
        spectra = read_spectrum(file, area=area)
        if not isinstance(spectra, list):
            spectra = [spectra]
        for k, spectrum in enumerate(spectra):
            name = _safe(Path(file).stem + (f"_{k}" if len(spectra) > 1 else ""))
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                try:
                    kk = kramers_kronig(spectrum, extend_decades="auto")
                except Exception as exc:  # the KK check is informative only
                    echo(args, f"{name}: Kramers-Kronig check failed to run ({exc})")
                    kk = None
            with warnings.catch_warnings(record=True):
                warnings.simplefilter("always")
                drt = compute(spectrum, settings)
            for message in drt.warnings:
                echo(args, f"{name}: warning: {message}")
            drt.label = drt.label or name
            csv = drt.to_csv(out / f"{name}_drt.csv")
            scale, unit = (1.0, "Ω")
            if spectrum.area is not None:
                scale, unit = (spectrum.area * 1e4, "Ω cm²")
            fig = figure(drt, kk, scale, unit)
            png = atomic_savefig(fig, out / f"{name}_drt.png", dpi=130)
            plt.close(fig)
            kk_text = "KK n/a" if kk is None else (
                f"KK {'pass' if kk.passed else 'FAIL'} (max {100 * kk.max_residual:.2g}%)")
            echo(args, f"{name}: {len(spectrum)} points, {kk_text}, {drt.summary()}")
            echo(args, f"  wrote {csv} and {png}")
        if len(spectra) > 1:
            from ..drt import drt_series, plot_drt_heatmap

            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                series = drt_series(spectra, x_label="spectrum index", settings=settings)
            for message in sorted({str(w.message) for w in caught
                                   if issubclass(w.category, LambdaBoundWarning)}):
                echo(args, f"{Path(file).name} series: warning: {message}")
            fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
            plot_drt_heatmap(ax, series)
            ax.set_title(f"{Path(file).name}: DRT series (λ = {series.lam:.2g})",
                         fontsize="small")
            png = atomic_savefig(fig, out / f"{_safe(Path(file).stem)}_drt_series.png", dpi=130)
            plt.close(fig)
            echo(args, f"  wrote {png}")
    return 0
