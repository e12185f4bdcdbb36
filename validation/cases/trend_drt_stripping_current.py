"""Trend: the interface DRT peak grows with the stripping current (operando GEIS).

NaK80 (100 um) on NASICON with ring contact spots (100 um radius, 30 % contact: current
constriction), stepped stripping scan 0.2 mA/cm² per 5 min; GEIS of the linearised FE
model at the end of chosen levels below and past the CCD, DRT of each spectrum.
Observed (seed captions, CCD scans with operando GEIS on NaK50/65/80): the interface
contribution grows with the stripping current.  "Grows" is checked as: the resistance of
the main (interface) peak at the highest GEIS current below the CCD at least 5 % above
the one at the lowest, the total (low-frequency) resistance likewise, and the total
resistance at the first GEIS current past the CCD (solid K at the interface) at least
5 % above the one at the lowest current.
"""

from __future__ import annotations

from nakmodel.validation import Case, Check

SOURCE = "seed captions: CCD scans with operando GEIS -> DRT vs stripping current [F]"
GEIS = ("0.2 mA/cm2", "0.8 mA/cm2", "1.4 mA/cm2", "2.0 mA/cm2", "2.2 mA/cm2", "2.6 mA/cm2",
        "3.0 mA/cm2")


def run(outdir):
    import shutil

    from nakmodel import load_parameters
    from nakmodel.study import ccd as ccd_kind

    table = {"geometry": "axisymmetric", "pellet_radius": "2 mm", "pellet_thickness": "1 mm",
             "alloy_thickness": "100 um", "mesh_size": "50 um",
             "contact": {"kind": "spots", "radius": "100 um", "fraction": 0.3, "seed": 1},
             "compositions": ["NaK80"], "directions": ["strip"], "start": "0.2 mA/cm2",
             "stop": "6 mA/cm2", "step": "0.2 mA/cm2", "hold": "300 s",
             "stop_at_liquidus": False, "geis_currents": list(GEIS),
             "geis_points_per_decade": 5, "error_tolerance": 0.02}
    params = load_parameters()
    options = ccd_kind.parse_options(table, "ccd", params)
    study_dir = outdir / "drt_stripping_current"
    row, _, _, _, peaks = ccd_kind.scan(options, params, options.compositions[0], "strip",
                                        study_dir)
    src = study_dir / "geis_drt.png"
    if src.is_file():
        shutil.copyfile(src, outdir / "drt_vs_stripping_current.png")
    ccd = row["ccd"] / 10.0  # mA/cm2
    before = [p for p in peaks if p["x"] < ccd - 1e-9]
    after = [p for p in peaks if p["x"] >= ccd - 1e-9]
    nan = float("nan")
    checks = [Check.within("stripping CCD of the constricted NaK80 cell (for reference)", ccd,
                           0.0, 1e9, "mA/cm2", f"limited by {row['limiting_mechanism']}")]
    if len(before) >= 2:
        first, last = before[0], before[-1]
        checks += [
            Check.within(f"below the CCD: interface peak R at {last['x']:.3g} / at "
                         f"{first['x']:.3g} mA/cm² (>= 1.05: grows)",
                         last["peak_R_ohm"] / first["peak_R_ohm"], 1.05, 1e9, "-", SOURCE),
            Check.within(f"below the CCD: low-frequency R at {last['x']:.3g} / at "
                         f"{first['x']:.3g} mA/cm² (>= 1.05: grows)",
                         last["R_total_ohm"] / first["R_total_ohm"], 1.05, 1e9, "-", SOURCE)]
    first = peaks[0] if peaks else None
    ratio = after[0]["R_total_ohm"] / first["R_total_ohm"] if after and first else nan
    label = f"{after[0]['x']:.3g}" if after else "(none recorded past the CCD)"
    checks.append(Check.within(f"past the CCD: low-frequency R at {label} / at the lowest "
                               "current (>= 1.05: grows)", ratio, 1.05, 1e9, "-", SOURCE))
    return checks


CASE = Case(name="trend_drt_stripping_current",
            title="Operando DRT: interface peak vs stripping current (NaK80, contact spots)",
            run=run, slow=True, figures=["drt_vs_stripping_current.png"],
            description=("Observed trend (operando GEIS during CCD scans): the interface DRT "
                         "peak grows with the stripping current. The model shows it only if its "
                         "constriction resistance grows before the liquidus is reached; a "
                         "failing check means the trend is NOT reproduced by the model."))
