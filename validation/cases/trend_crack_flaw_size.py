"""Trend: crack onset while plating past the Na-rich liquidus falls with flaw depth and rises
with K_IC.

NaK50 (30 um) on NASICON (axisymmetric, 1 mm radius, 0.5 mm thick) with a metal-filled
conical surface flaw on the axis (10/1, 20/2, 50/5 um depth/mouth), plated in a stepped
ramp 0.5 mA/cm² per 60 s up to 30 mA/cm² (``ccd`` study kind).  The flaw state is recorded
from the FE model every step; past the Na-rich liquidus (~0.6 mAh/cm² for 30 um) the plated
Na stays solid, fills the flaw (F h / (2 Omega i)) and is pressurised, p = F|eta|/Omega_Na
(physics.md sec. 2); K_I per pressure from the edge-crack handbook factor 1.1215 sqrt(pi a)
(Tada, Paris & Irwin), K_IC 1.0 and 1.58 MPa m^0.5 (NZSP range: Wolfenstine et al. 2022,
Nonemacher et al. 2019).

Checked: every (depth, K_IC) reaches K_I >= K_IC within the scan; the crack-onset current
falls with depth and rises with K_IC (strictly); where the onset is set by the overpotential
(the flaw already solid one row before) the recorded flaw overpotential at the onset equals
the handbook eta_c = K_IC Omega / (1.1215 F sqrt(pi a)) within 5 % (one ramp level); the
onset comes after the Na-rich liquidus (solid Na is needed in the flaw).
"""

from __future__ import annotations

from nakmodel.validation import Case, Check

DEPTHS = ((10e-6, 1e-6), (20e-6, 2e-6), (50e-6, 5e-6))
KICS = (1.0e6, 1.58e6)
SOURCE = ("physics.md sec. 1-2: solid metal in a flaw p = F|eta|/Omega, K_I = 1.12 p sqrt(pi a)"
          " (Tada, Paris & Irwin 2000; Porz et al., Adv. Energy Mater. 7 (2017) 1701003); "
          "K_IC 1-1.58 MPa m^0.5 (Wolfenstine et al. 2022; Nonemacher et al. 2019)")


def _study(depth, opening):
    from nakmodel.study import load_study

    table = {"geometry": "axisymmetric", "pellet_radius": "1 mm", "pellet_thickness": "0.5 mm",
             "alloy_thickness": "30 um", "mesh_size": "30 um",
             "flaw": {"depth": f"{depth * 1e6:g} um", "opening": f"{opening * 1e6:g} um"},
             "directions": ["plate"], "start": "0.5 mA/cm2", "stop": "30 mA/cm2",
             "step": "0.5 mA/cm2", "hold": "60 s", "profiles": 0, "error_tolerance": 0.03}
    return load_study({"study": {"name": "trend_crack_flaw_size", "kind": "ccd"},
                       "parameters": {"alloy": {"composition": "NaK50"}}, "ccd": table})


def run(outdir):
    import math

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel.ccd import EDGE_CRACK_FACTOR, CrackCriterion, extract_ccd
    from nakmodel.io_utils import atomic_savefig
    from nakmodel.mechanics.loading import FARADAY
    from nakmodel.study.ccd import scan

    onset, checks, curves = {}, [], {}
    for depth, opening in DEPTHS:
        study = _study(depth, opening)
        params = study.parameters
        _, result, ccd, _, _ = scan(study.options, params, params.alloy.composition, "plate",
                                    outdir / f"flaw_{depth * 1e6:g}um")
        flaw = result.info["flaw_state"]
        eta = np.abs(np.asarray(flaw["overpotential"]))
        liquid = np.asarray(flaw["liquid_fraction"])
        base = CrackCriterion.handbook(study.options.cell.build().flaw, params)
        liquidus = ccd.onsets["liquidus"]
        for kic in KICS:
            res = extract_ccd(result, [CrackCriterion(base.flaw, base.k_per_pressure, kic)],
                              direction="plate", parameters=params)
            curves[depth, kic] = (np.abs(result.current_density) / 10.0, res.k_ratio)
            hit = res.onsets["crack"]
            label = f"a = {depth * 1e6:g} um, K_IC = {kic / 1e6:g} MPa m^0.5"
            checks.append(Check.within(f"K_I/K_IC max, {label}", res.k_ratio_max, 1.0, 1e3,
                                       "-", SOURCE))
            if hit is None:
                onset[depth, kic] = math.nan
                continue
            onset[depth, kic] = hit.current_density / 10.0
            checks.append(Check.within(f"crack onset after the Na-rich liquidus, {label} "
                                       "(row of onset - row of liquidus)",
                                       hit.index - (liquidus.index if liquidus else 10**9),
                                       1, 10**9, "rows", "solid Na needed in the flaw"))
            eta_c = kic * params.alloy.na_molar_volume / (
                EDGE_CRACK_FACTOR * FARADAY * math.sqrt(math.pi * depth))
            if liquid[hit.index - 1] < 0.5:  # overpotential-limited onset
                checks.append(Check(f"flaw |eta| at onset / handbook eta_c, {label}",
                                    float(eta[hit.index] / eta_c), reference=1.0,
                                    rel_tol=0.05, unit="-", source=SOURCE))
    for kic in KICS:
        values = [onset[d, kic] for d, _ in DEPTHS]
        falls = all(a > b for a, b in zip(values, values[1:], strict=False))
        checks.append(Check.within(
            f"crack onset falls with depth 10 > 20 > 50 um at K_IC = {kic / 1e6:g} MPa m^0.5 "
            f"(onsets {', '.join(f'{v:.3g}' for v in values)} mA/cm²; 1 = yes)",
            1.0 if falls else 0.0, 1.0, 1.0, "-", SOURCE))
    for depth, _ in DEPTHS:
        lo, hi = onset[depth, KICS[0]], onset[depth, KICS[1]]
        checks.append(Check.within(f"crack onset K_IC 1.58 / 1.0 at a = {depth * 1e6:g} um",
                                   hi / lo, 1.0 + 1e-9, 10.0, "-", SOURCE))

    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4), layout="constrained")
    for n, (depth, _) in enumerate(DEPTHS):
        for kic, style in zip(KICS, ("-", "--"), strict=True):
            i, k = curves[depth, kic]
            ax1.semilogy(i, np.where(k > 0, k, np.nan), style, color=f"C{n}", lw=1,
                         label=f"{depth * 1e6:g} um, {kic / 1e6:g} MPa√m")
    ax1.axhline(1.0, color="k", ls=":", lw=0.8)
    ax1.set_xlabel("|current density| [mA/cm²]")
    ax1.set_ylabel("K$_I$ / K$_{IC}$")
    ax1.legend(fontsize=7)
    for kic, marker in zip(KICS, ("o", "s"), strict=True):
        ax2.plot([d * 1e6 for d, _ in DEPTHS], [onset[d, kic] for d, _ in DEPTHS], marker + "-",
                 label=f"K_IC = {kic / 1e6:g} MPa√m")
    ax2.set_xscale("log")
    ax2.set_xlabel("flaw depth [µm]")
    ax2.set_ylabel("crack-onset current [mA/cm²]")
    ax2.legend(fontsize=8)
    atomic_savefig(fig, outdir / "trend_crack_flaw_size.png", dpi=130)
    plt.close(fig)
    return checks


CASE = Case(name="trend_crack_flaw_size",
            title="Crack onset past the Na-rich liquidus vs flaw depth and K_IC",
            run=run, slow=True, figures=["trend_crack_flaw_size.png"],
            description=("Plating NaK50 past its Na-rich liquidus fills a surface flaw with "
                         "solid Na, pressurised by the overpotential (p = F|eta|/Omega). The "
                         "crack-onset current falls with flaw depth and rises with K_IC; the "
                         "onset overpotential matches the handbook edge-crack estimate."))
