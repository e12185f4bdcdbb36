"""Trend: no crack when plating into liquid NaK at 0.4 mA/cm².

NaK50 (30 um) on NASICON with a metal-filled conical surface flaw (20 um deep, 2 um mouth,
on the axis), plated at 0.4 mA/cm² for 1 h.  The flaw state (overpotential, liquid
fraction, plating current on the flaw faces) is recorded from the FE model every step;
the pressure of liquid metal is outflow + capillary limited (nakmodel.mechanics); K_I per
pressure from the edge-crack handbook factor.  Observed: in situ XCT at 0.4 mA/cm² shows
homogeneous plating without cracks (seed captions).  Checked: max K_I/K_IC < 1, and for
contrast the solid-metal bound F|eta|/Omega at the same overpotential.
"""

from __future__ import annotations

from nakmodel.validation import Case, Check

SOURCE = "seed captions: in situ XCT, plating into liquid NaK at 0.4 mA/cm², no cracks [F]"


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel import load_parameters
    from nakmodel.ccd import CrackCriterion, extract_ccd
    from nakmodel.io_utils import atomic_savefig
    from nakmodel.mechanics.loading import solid_metal_pressure
    from nakmodel.study.ccd import FlawStateRecorder
    from nakmodel.study.simulation import parse_cell_options, simulate

    params = load_parameters()
    problems = []
    cell_options = parse_cell_options(
        {"geometry": "axisymmetric", "pellet_radius": "2 mm", "pellet_thickness": "0.5 mm",
         "alloy_thickness": "30 um", "mesh_size": "30 um",
         "flaw": {"depth": "20 um", "opening": "2 um", "position": "0 um"}}, "case", params,
        problems)
    if problems:
        from nakmodel.errors import ParameterError

        raise ParameterError(problems)
    comp = params.alloy.composition
    result = simulate(cell_options, params, ["Plate at 0.4 mA/cm2 for 1 h"], comp, profiles=0,
                      hooks=[FlawStateRecorder()], error_tolerance=0.02)
    crit = CrackCriterion.handbook(cell_options.build().flaw, params)
    ccd = extract_ccd(result, [crit], direction="plate", parameters=params)
    eta = np.abs(np.asarray(result.info["flaw_state"]["overpotential"]))
    k_solid = (crit.k_per_pressure * solid_metal_pressure(float(eta.max()),
                                                          params.alloy.na_molar_volume)
               / crit.fracture_toughness)
    fig, ax = plt.subplots(figsize=(6, 4), layout="constrained")
    ax.semilogy(result.time / 3600, np.maximum(ccd.k_ratio, 1e-12), label="liquid NaK (model)")
    ax.axhline(1.0, color="k", ls=":", lw=0.8)
    ax.axhline(k_solid, color="C3", ls="--", lw=0.8, label="solid-metal bound at max |η|")
    ax.set_xlabel("time [h]")
    ax.set_ylabel("K$_I$ / K$_{IC}$")
    ax.legend(fontsize=8)
    atomic_savefig(fig, outdir / "no_crack_liquid_plating.png", dpi=130)
    plt.close(fig)
    return [
        Check.within("max K_I/K_IC plating liquid NaK50 into a 20 um flaw at 0.4 mA/cm²",
                     ccd.k_ratio_max, 0.0, 0.999, "-", SOURCE, observation=True),
        Check.within("min liquid fraction of the metal in the flaw (stays liquid)",
                     float(np.min(result.info["flaw_state"]["liquid_fraction"])), 0.5, 1.0,
                     "-", "lever rule, NaK50 plated 0.4 mAh/cm² into 30 um"),
    ]


CASE = Case(name="trend_no_crack_liquid_plating",
            title="No crack when plating into liquid NaK at 0.4 mA/cm²",
            run=run, slow=True, figures=["no_crack_liquid_plating.png"],
            description=("Observed (in situ XCT, 0.4 mA/cm2): plating into liquid NaK is "
                         "homogeneous and does not crack the ceramic. Reproduced when K_I/K_IC "
                         "stays below 1 with liquid metal in the flaw (outflow-limited "
                         "pressure)."))
