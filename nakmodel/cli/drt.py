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


def register(sub) -> None:
    from ..drt.basis import BASIS_NAMES
    from ..drt.inversion import DEFAULT_LAMBDA
    from ..drt.regularization import LAMBDA_METHODS

    parser = sub.add_parser(
        "drt", help="distribution of relaxation times of measured spectra",
        description="Kramers-Kronig check and DRT (non-negative Tikhonov, RBF basis) of "
        "impedance files (csv, BioLogic mpt/mpr, Gamry DTA, ZPlot z); writes a CSV and a "
        "figure per spectrum.")
    parser.add_argument("files", nargs="+", metavar="FILE", help="impedance file(s)")
    parser.add_argument("--lam", default=None,
                        help="λ: a number or one of " + ", ".join(LAMBDA_METHODS)
                        + f" (default {DEFAULT_LAMBDA})")
    parser.add_argument("--basis", default="gaussian", choices=list(BASIS_NAMES),
                        help="discretisation basis (default gaussian)")
    parser.add_argument("--fwhm", type=float, default=0.5, dest="fwhm_coefficient",
                        help="FWHM coefficient of the basis (default 0.5)")
    parser.add_argument("--order", type=int, default=1, choices=(1, 2),
                        dest="derivative_order", help="penalised derivative order")
    parser.add_argument("--data", default="complex", choices=("complex", "real", "imag"),
                        help="which part of Z the DRT is fitted to (default: both)")
    parser.add_argument("--extend", type=float, default=1.0, metavar="DECADES",
                        dest="extend_decades",
                        help="extend the τ grid beyond 1/ω on both sides (e.g. 1 for spectra "
                        "whose arcs continue beyond the measured range; default 1: on "
                        "measured spectra it keeps the automatic λ off its lower bound more "
                        "often; 0 = the pyDRTtools grid τ = 1/ω)")
    parser.add_argument("--uncertainty", default="bayesian",
                        choices=("bayesian", "bootstrap", "none"),
                        help="band method (default bayesian)")
    parser.add_argument("--area", type=float, default=None, metavar="CM2",
                        help="electrode area in cm² (stored; plots in Ω cm²)")
    parser.add_argument("--out", default="drt_out", metavar="DIR", help="output folder")
    add_quiet(parser)
    parser.set_defaults(func=run)


def _lam(text):
    from ..drt.inversion import DEFAULT_LAMBDA
    from ..errors import ParameterError, Problem

    if text is None:
        return DEFAULT_LAMBDA
    try:
        return float(text)
    except ValueError:
        pass
    if text.lower() in ("gcv", "mgcv", "rgcv", "lcurve", "re-im"):
        return text.lower()
    raise ParameterError(Problem("--lam", "not a number or a method", text,
                                 "λ > 0 or gcv, mgcv, rgcv, lcurve, re-im"))


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
    for p in drt.peaks(0.02):
        axes[1].axvline(p.tau, color="0.6", lw=0.6, ls=":")
    axes[1].set_title(f"λ = {drt.lam:.2g}, R_pol = {drt.polarization_resistance:.4g} Ω",
                      fontsize="small")
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

    from ..drt import compute, kramers_kronig
    from ..io import read_spectrum
    from ..io_utils import atomic_savefig

    lam = _lam(args.lam)
    area = None if args.area is None else f"{args.area} cm^2"
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    uncertainty = None if args.uncertainty == "none" else args.uncertainty
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
                    kk = kramers_kronig(spectrum)
                except Exception as exc:  # the KK check is informative only
                    echo(args, f"{name}: Kramers-Kronig check failed to run ({exc})")
                    kk = None
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                drt = compute(spectrum, lam=lam, basis=args.basis,
                              fwhm_coefficient=args.fwhm_coefficient,
                              derivative_order=args.derivative_order, data=args.data,
                              extend_decades=args.extend_decades, uncertainty=uncertainty)
            for warning in caught:
                echo(args, f"{name}: warning: {warning.message}")
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
            peaks = ", ".join(f"{p.tau:.3g} s/{p.R:.3g} Ω" for p in drt.peaks(0.02))
            echo(args, f"{name}: {len(spectrum)} points, {kk_text}, λ = {drt.lam:.3g}, "
                       f"R_inf = {drt.R_inf:.4g} Ω, R_pol = {drt.polarization_resistance:.4g} Ω;"
                       f" peaks {peaks}")
            echo(args, f"  wrote {csv} and {png}")
        if len(spectra) > 1:
            from ..drt import drt_series, plot_drt_heatmap

            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                series = drt_series(spectra, lam=lam, x_label="spectrum index",
                                    basis=args.basis, fwhm_coefficient=args.fwhm_coefficient,
                                    derivative_order=args.derivative_order, data=args.data)
            fig, ax = plt.subplots(figsize=(7, 4), layout="constrained")
            plot_drt_heatmap(ax, series)
            ax.set_title(f"{Path(file).name}: DRT series (λ = {series.lam:.2g})",
                         fontsize="small")
            png = atomic_savefig(fig, out / f"{_safe(Path(file).stem)}_drt_series.png", dpi=130)
            plt.close(fig)
            echo(args, f"  wrote {png}")
    return 0
