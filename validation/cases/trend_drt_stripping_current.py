"""Trend: the interface DRT peak grows with the stripping current (operando GEIS, issue #7).

Observed (seed captions: CCD current scans on NaK50/NaK65/NaK80 with operando galvanostatic
EIS -> DRT vs stripping current): the interface contribution grows with the stripping
current up to the CCD.  Experimentally the CCD is the *voltage divergence* (docs/theory/kinetics.md:
solid K blocks the interface, the voltage rises steeply), so the comparison made here is
the one the experiment makes:

    growth = R_peak(last level below the voltage CCD) / R_peak(lowest level)

with R_peak the resistance of the main (largest) DRT peak of the GEIS spectrum of the
linearised FE model at the end of each current level (all levels of the scan are measured;
levels where the run has already ended are not), voltage CCD = first level at which |V|
reaches 1 V.  Cell: NaKx (x wt% K), 100 um on NZSP, contact spots 100 um / 30 % (current
constriction: for Na|NZSP the interface arc is constriction, Eckhardt et al. 2022/2023 via
docs/theory/constriction.md), ramp 0.2 mA/cm² per 5 min, ``stop_at_liquidus = false``.

What the model predicts.  The main peak (tau ~ 5-9e-5 s) is the interface arc: the
differential charge-transfer resistance over the active area in parallel with C_dl,
R = (RT/F) / (A f_act i0(a_Na) [a_a exp(a_a f eta) + a_c exp(-a_c f eta)]) [I]; at the
lowest level it equals RT/(F (a_a + a_c) i0 A_contact) to a few % (checked).  The
constriction resistance of the spots is in series with it in the ceramic and relaxes at the
ceramic's own time constant, so it is not in this peak.  Hence, per regime:

* all-liquid interface (levels below the liquidus onset): the peak does NOT grow - the DC
  bias lowers the Butler-Volmer differential resistance, the falling a_Na (i0) raises it;
  measured ratios (last liquid level / lowest, default parameters): NaK80 1.01, NaK65 0.97,
  NaK50 0.87.  The observed gradual growth is not reproduced in this regime;
* since issue #11 (liquid pinned in the two-phase field: no Na reaches the interface
  through the mush) the voltage CCD coincides with the liquidus onset for all three alloys
  (NaK50 4.8, NaK65 3.8, NaK80 2.4 mA/cm²): the first level at which solid K forms at the
  spots already ends at the voltage limit, so there is no level with solid K below the
  CCD and no growth (ratio 1).  Before #11 Na was drawn through the mush and the spots
  stayed partly open for a few more levels: +42 % (NaK80), +11 % (NaK65), +13 % (NaK50);
* the experiment's comparison (last level below the voltage CCD vs the lowest) therefore
  shows no growth for any alloy (NaK80 1.01, NaK65 0.97, NaK50 0.87; before #11 NaK80 1.44
  and NaK65 1.06 were reproduced): the observed trend is NOT reproduced by the model.

No parameter is tuned: default parameter set (i0 = 10 mA/cm² is an assumption [?]: it sets
the size of the liquid-regime fall), the study's cell.  A failing "growth" check means the
model does not reproduce the observed trend at that composition.
"""

from __future__ import annotations

import math

from nakmodel.validation import Case, Check

SOURCE = "seed captions: CCD scans with operando GEIS -> DRT vs stripping current [F]"
MODEL = "model: DC-biased Butler-Volmer R_ct over the active area, i0(a_Na) [I]"
COMPOSITIONS = ("NaK50", "NaK65", "NaK80")
_MA_CM2 = 10.0


def _table(label):
    levels = [f"{0.2 * (k + 1):.1f} mA/cm2" for k in range(40)]
    return {"geometry": "axisymmetric", "pellet_radius": "2 mm", "pellet_thickness": "1 mm",
            "alloy_thickness": "100 um", "mesh_size": "50 um",
            "contact": {"kind": "spots", "radius": "100 um", "fraction": 0.3, "seed": 1},
            "compositions": [label], "directions": ["strip"], "start": "0.2 mA/cm2",
            "stop": "8 mA/cm2", "step": "0.2 mA/cm2", "hold": "300 s", "voltage_limit": "1 V",
            "stop_at_liquidus": False, "geis_currents": levels, "geis_points_per_decade": 5,
            "error_tolerance": 0.02, "profiles": 0}


def trend_numbers(peaks, ccd_liquidus, ccd_voltage):
    """Peak-R ratios from the GEIS peak rows (``x`` = level [mA/cm²], ``peak_R_ohm``):
    (growth to the voltage CCD, all-liquid ratio, solid-regime ratio, levels used)."""
    rows = sorted((p for p in peaks if math.isfinite(p["peak_R_ohm"])), key=lambda p: p["x"])
    nan = math.nan
    if len(rows) < 2:
        return nan, nan, nan, ()
    first = rows[0]
    below_v = [p for p in rows if p["x"] < ccd_voltage - 1e-9] if math.isfinite(
        ccd_voltage) else rows
    liquid = [p for p in rows if p["x"] < ccd_liquidus - 1e-9] if math.isfinite(
        ccd_liquidus) else rows
    last = below_v[-1] if below_v else rows[-1]
    last_liquid = liquid[-1] if liquid else first
    growth = last["peak_R_ohm"] / first["peak_R_ohm"]
    liquid_ratio = last_liquid["peak_R_ohm"] / first["peak_R_ohm"]
    solid_ratio = last["peak_R_ohm"] / last_liquid["peak_R_ohm"]
    return growth, liquid_ratio, solid_ratio, (first["x"], last_liquid["x"], last["x"])


def _charge_transfer_resistance(params, composition, result) -> float:
    """RT / (F (a_a + a_c) i0_ref a_Na(x0)^a_c A_contact) [ohm]: the equilibrium
    charge-transfer resistance of the wetted contact area (pristine alloy)."""
    from nakmodel.model import thermo_ufl as tu
    from nakmodel.model.materials import AlloyProperties, ElectrodeInterface

    a = AlloyProperties.from_parameters(params)
    w = ElectrodeInterface.from_parameters(params, "interface")
    T = params.temperature
    act = float(tu.activity_na(composition.x_na, T, a.redlich_kister_L0, a.redlich_kister_L1,
                               a.redlich_kister_L2))
    i0 = w.exchange_current_density * act ** w.cathodic_transfer_coefficient
    area = float(result.contact_fraction[0]) * float(result.nominal_area)
    alpha = w.anodic_transfer_coefficient + w.cathodic_transfer_coefficient
    return tu.GAS_CONSTANT * T / (tu.FARADAY * alpha * i0 * area)


def run(outdir):
    import shutil

    from nakmodel import load_parameters
    from nakmodel.study import ccd as ccd_kind

    params = load_parameters()
    checks = []
    for label in COMPOSITIONS:
        options = ccd_kind.parse_options(_table(label), "ccd", params)
        folder = outdir / f"drt_stripping_current_{label}"
        row, result, _, _, peaks = ccd_kind.scan(options, params, options.compositions[0],
                                                 "strip", folder)
        src = folder / "geis_drt.png"
        if src.is_file():
            shutil.copyfile(src, outdir / f"drt_vs_stripping_current_{label}.png")
        i_liq, i_v = row["ccd_liquidus"] / _MA_CM2, row["ccd_voltage"] / _MA_CM2
        growth, liquid, solid, xs = trend_numbers(peaks, i_liq, i_v)
        where = (f"{xs[2]:.3g} vs {xs[0]:.3g} mA/cm²" if xs else "no spectra")
        r_ct = _charge_transfer_resistance(params, options.compositions[0], result)
        checks += [
            Check(f"{label}: main DRT peak R at the lowest level vs RT/(F i0(a_Na) A_contact) "
                  "(the peak is the charge-transfer arc, not the constriction)",
                  peaks[0]["peak_R_ohm"] if peaks else math.nan, reference=r_ct,
                  rel_tol=0.1, unit="ohm", source="linearised Butler-Volmer [I]"),
            Check.within(f"{label}: run ends at the voltage limit (voltage CCD, mA/cm²; "
                         f"liquidus onset {i_liq:.3g})", i_v, 0.0, 1e9, "mA/cm2",
                         f"termination: {row['termination'][:60]}"),
            Check.within(f"{label}: main DRT peak R, last level below the voltage CCD / "
                         f"lowest level ({where}); observed: grows (>= 1.05)",
                         growth, 1.05, 1e9, "-", SOURCE, observation=True),
            Check.within(f"{label}: all-liquid interface, peak R at {xs[1] if xs else 0:.3g} "
                         "/ lowest level: the model predicts no growth (<= 1.05) before "
                         "solid K forms (observed growth NOT reproduced there)", liquid, 0.0,
                         1.05, "-", MODEL),
            Check.within(f"{label}: solid K at the spots, peak R from the liquidus onset to "
                         "the voltage CCD: grows (>= 1.05)", solid, 1.05, 1e9, "-", SOURCE,
                         observation=True),
        ]
    return checks


CASE = Case(name="trend_drt_stripping_current",
            title="Operando DRT: interface peak vs stripping current (NaK50/65/80, spots)",
            run=run, slow=True,
            figures=[f"drt_vs_stripping_current_{c}.png" for c in COMPOSITIONS],
            description=("Observed trend (operando GEIS during CCD scans): the interface DRT "
                         "peak grows with the stripping current up to the CCD (voltage "
                         "divergence). The model's interface peak does not grow while the "
                         "interface is all liquid (NaK80 1.01, NaK65 0.97, NaK50 0.87: "
                         "DC-biased Butler-Volmer), and since issue #11 (pinned liquid in the "
                         "mush) the voltage CCD coincides with the liquidus onset, so no level "
                         "with solid K at the spots precedes it: the observed growth is NOT "
                         "reproduced for any alloy (before #11: NaK80 1.44, NaK65 1.06)."))
