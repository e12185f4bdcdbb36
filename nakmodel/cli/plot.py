"""``nakmodel plot RESULTS_DIR``: figures from saved study results (run or sweep folders)."""

from __future__ import annotations

from pathlib import Path

from ._common import add_quiet, echo


def register(sub) -> None:
    parser = sub.add_parser(
        "plot", help="plot saved study results (any study kind, run or sweep folder)",
        description="Write the figures of a results folder (nakmodel run / nakmodel sweep "
        "output of any study kind): CCD and critical capacity vs composition with the "
        "limiting mechanism, every sweep output against every swept key, voltage vs time / "
        "capacity / current per run, operando DRT heat maps, K_I/K_IC vs current, interface "
        "composition maps, Nyquist plots and resistance per region (impedance), critical "
        "current vs flaw depth (flaw_size), OCV and capacities vs composition "
        "(thermodynamics). Values in mA/cm², mAh/cm², Ω cm², µm.")
    parser.add_argument("results_dir", help="folder written by 'nakmodel run' or 'nakmodel sweep'")
    parser.add_argument("--out", "-o", default=None, metavar="DIR",
                        help="folder for the figures (default: RESULTS_DIR/figures)")
    parser.add_argument("--pdf", action="store_true",
                        help="also write every figure as a vector PDF next to the PNG")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from ..plotting.study_plots import plot_all

    written = plot_all(Path(args.results_dir), args.out, pdf=args.pdf)
    for path in written:
        echo(args, f"wrote {path}")
    if not written:
        echo(args, "no figures: the folder holds no plottable results")
    return 0
