"""``nakmodel phase-diagram``: draw the model Na–K phase diagram with literature points."""

from __future__ import annotations

from pathlib import Path

from ._common import add_quiet


def register(sub) -> None:
    parser = sub.add_parser(
        "phase-diagram", help="plot the Na-K phase diagram of the model (PNG)",
        description="Plot the liquidus lines (K, Na, Na2K), eutectic and peritectic of the "
        "Redlich-Kister liquid model, with literature points and citations.")
    parser.add_argument("--out", default="phase_diagram.png",
                        help="output image (default: phase_diagram.png)")
    parser.add_argument("--params", default=None, help="parameter TOML (default: built-in set)")
    parser.add_argument("--kelvin", action="store_true", help="temperature axis in K")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from .. import thermo
    from ..atomic_write import atomic_savefig
    from ..parameters import load_parameters
    from ..plotting.phase_diagram import plot_phase_diagram

    params = load_parameters(args.params)
    fig, ax = plt.subplots(figsize=(7, 5), layout="constrained")
    plot_phase_diagram(ax, params, celsius=not args.kelvin)
    out = atomic_savefig(fig, Path(args.out), dpi=150)
    plt.close(fig)
    if not args.quiet:
        te, xe = thermo.eutectic(params)
        low, high = thermo.liquid_window(298.15, params)
        print(f"wrote {out}")
        print(f"model: liquid window at 25 degC x_Na {low:.4f}-{high:.4f}; eutectic "
              f"{te - 273.15:.2f} degC at x_Na {xe:.4f}; Na2K peritectic "
              f"{params.alloy.na2k_peritectic_temperature - 273.15:.2f} degC")
    return 0
