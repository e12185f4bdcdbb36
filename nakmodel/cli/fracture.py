"""``nakmodel fracture``: K_I, K_II, G and the critical load of one surface flaw, or a sweep
(:mod:`nakmodel.mechanics`; imported when the command is used)."""

from __future__ import annotations

import math
from pathlib import Path


def register(sub) -> None:
    from ._common import add_quiet

    parser = sub.add_parser(
        "fracture", help="crack driving force of a metal-filled surface flaw in the NASICON",
        description="Finite-element K_I, K_II, G (G-theta and interaction integrals) of a "
        "surface flaw under a crack-face pressure or a plating overpotential, with the "
        "critical pressure / overpotential for crack onset; or a flaw-size sweep.")
    parser.add_argument("--params", default=None, help="parameter TOML (default: built-in set)")
    parser.add_argument("--depth", default="10 um", help="flaw depth (default 10 um)")
    parser.add_argument("--opening", default=None, help="flaw mouth width (default depth/10)")
    parser.add_argument("--position", default="0 m", help="flaw position x or r (default 0)")
    parser.add_argument("--angle", type=float, default=0.0,
                        help="flaw inclination from the pellet normal [deg] (default 0)")
    parser.add_argument("--geometry", choices=("planar", "axisymmetric"), default="planar",
                        help="section model: planar (plane strain) or axisymmetric (a flaw at "
                        "r > 0 is a circumferential groove)")
    parser.add_argument("--shape", choices=("tunnel", "semicircular"), default="tunnel",
                        help="flaw shape: long (plane-strain) surface crack or 3D semicircular "
                        "surface crack (centred flaws only)")
    load = parser.add_mutually_exclusive_group()
    load.add_argument("--pressure", default=None, help="crack-face pressure, e.g. '100 MPa'")
    load.add_argument("--overpotential", default=None,
                      help="plating overpotential at the flaw, e.g. '50 mV' (sign ignored)")
    parser.add_argument("--liquid-fraction", type=float, default=0.0,
                        help="liquid fraction of the metal in the flaw (default 0: solid)")
    parser.add_argument("--current", default="1 mA/cm^2",
                        help="plating current density into the flaw (default 1 mA/cm^2)")
    parser.add_argument("--sweep", default=None,
                        help="comma-separated flaw depths in m for a flaw-size sweep")
    parser.add_argument("--toughness", default=None,
                        help="comma-separated K_IC values in Pa m^0.5 for --sweep "
                        "(default 1.0e6,1.25e6,1.6e6)")
    parser.add_argument("--csv", default=None, help="write the sweep table to this CSV")
    parser.add_argument("--plot", default=None, help="write a stress/K figure (PNG)")
    parser.add_argument("--vtx", default=None, help="write displacement and stress (VTX .bp)")
    add_quiet(parser)
    parser.set_defaults(func=run)


def _floats(text, key):
    from ..errors import InputProblem, ParameterError

    try:
        return [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise ParameterError(InputProblem(key, "not a comma-separated list of numbers", text,
                                          "SI numbers separated by commas")) from None


def run(args) -> int:
    from ..mechanics import (
        FlawGeometry,
        FlawState,
        MeshOptions,
        critical_load,
        flaw_size_sweep,
        handbook_critical_pressure,
        stress_intensity,
    )
    from ..parameters import load_parameters
    from ..units import to_si
    from ._common import echo

    params = load_parameters(args.params)
    if args.sweep:
        depths = _floats(args.sweep, "sweep")
        kics = _floats(args.toughness, "toughness") if args.toughness else [1.0e6, 1.25e6,
                                                                              1.6e6]
        table = flaw_size_sweep(depths, kics, params, mesh_options=MeshOptions(shape=args.shape))
        if args.csv:
            table.to_csv(Path(args.csv))
            echo(args, f"wrote {args.csv}")
        echo(args, f"{'depth um':>9} {'K_IC MPa m^.5':>13} {'p_c MPa':>9} {'eta_c mV':>9} "
             f"{'i_c mA/cm2':>10} {'eta_c handbook':>14}")
        for row in table.rows():
            echo(args, f"{row['depth'] * 1e6:9.3g} {row['fracture_toughness'] / 1e6:13.3g} "
                 f"{row['critical_pressure'] / 1e6:9.4g} "
                 f"{row['critical_overpotential'] * 1e3:9.4g} "
                 f"{row['critical_current_density'] / 10:10.4g} "
                 f"{row['critical_overpotential_handbook'] * 1e3:14.4g}")
        return 0
    depth = to_si(args.depth, "m", key="flaw.depth")
    opening = to_si(args.opening, "m", key="flaw.opening") if args.opening else depth / 10
    geometry = FlawGeometry(params.cell.pellet_radius, params.cell.pellet_thickness, depth,
                            opening, to_si(args.position, "m", key="flaw.position"),
                            math.radians(args.angle),
                            ring=args.geometry == "axisymmetric"
                            and to_si(args.position, "m", key="flaw.position") > 0)
    state = None
    pressure = args.pressure
    if args.overpotential is not None:
        state = FlawState(-abs(to_si(args.overpotential, "V", key="overpotential")),
                          liquid_fraction=args.liquid_fraction,
                          plating_current_density=to_si(args.current, "A/m^2", key="current"))
    elif pressure is None:
        pressure = "100 MPa"
    options = MeshOptions(shape=args.shape)
    result = stress_intensity(geometry, params, pressure=pressure, state=state,
                              mesh_options=options)
    load = critical_load(geometry, params, mesh_options=options)
    echo(args, f"flaw depth {depth * 1e6:.4g} um, face pressure {result.pressure / 1e6:.4g} MPa")
    if state is not None and state.liquid_fraction < 0.5:
        from ..mechanics.creep_extrusion import deposition_velocity, extrusion_pressure
        from ..mechanics.loading import FlawLoadingModel, solid_metal_pressure

        loading = FlawLoadingModel.from_parameters(params)
        rigid = solid_metal_pressure(state.overpotential, loading.molar_volume)
        creep = rigid if loading.solid_sodium is None else extrusion_pressure(
            depth, opening, deposition_velocity(state.plating_current_density,
                                                loading.molar_volume),
            loading.solid_sodium, loading.temperature, loading.channel)
        echo(args, f"solid metal: min(F|eta|/Omega = {rigid / 1e6:.4g} MPa, creep extrusion "
             f"at {state.plating_current_density / 10:.4g} mA/cm^2 = {creep / 1e6:.4g} MPa)")
    echo(args, f"K_I  = {result.K_I / 1e6:.5g} MPa m^0.5   (sqrt(E'G): "
         f"{result.K_I_from_G / 1e6:.5g}, ring spread {result.path_spread:.1e})")
    echo(args, f"K_II = {result.K_II / 1e6:.5g} MPa m^0.5   G = {result.G:.5g} J/m^2")
    verdict = "crack onset" if result.crack_onset else "no crack"
    echo(args, f"K_I/K_IC = {result.k_ratio:.4g}  ({verdict})")
    echo(args, f"critical pressure {load.pressure / 1e6:.4g} MPa (handbook edge crack "
         f"{handbook_critical_pressure(depth, load.fracture_toughness) / 1e6:.4g} MPa), "
         f"critical plating overpotential {load.overpotential * 1e3:.4g} mV (rigid deposit)")
    if args.vtx:
        result.write_vtx(Path(args.vtx))
        echo(args, f"wrote {args.vtx}")
    if args.plot and result.solution.mesh.geometry.dim == 2:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from ..mechanics.plotting import plot_principal_stress

        fig, ax = plt.subplots(figsize=(6, 4.5), layout="constrained")
        plot_principal_stress(ax, result)
        fig.savefig(args.plot, dpi=150)
        plt.close(fig)
        echo(args, f"wrote {args.plot}")
    return 0
