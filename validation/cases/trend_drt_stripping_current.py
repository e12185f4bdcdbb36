"""Trend: the interface DRT peak grows with the stripping current (operando GEIS, issues #7, #12).

Observed (seed captions: CCD current scans on NaK50/NaK65/NaK80 with operando galvanostatic
EIS -> DRT vs stripping current): the interface contribution grows with the stripping
current up to the CCD.  Experimentally the CCD is the *voltage divergence* (docs/theory/kinetics.md:
solid K blocks the interface, the voltage rises steeply), so the comparison made here is
the one the experiment makes:

    growth = R_band(last spectrum before the voltage limit) / R_band(first spectrum)

Spectra of the linearised FE model every 15 s within every level and at each level end
(ccd option ``geis_interval``; the level-end spectrum just before the level boundary), so
the level in which the run reaches |V| = 1 V contributes the spectra taken before the
limit (the last one 4-13 s before it).  R_band = the largest DRT peak with τ in 1 µs-10 ms
(``geis_peak_band``: above the NASICON grain-boundary arc at 1.6e-7 s, ~102 Ω, which the
former "largest peak" rule nearly picked; below alloy diffusion, >= 1 s).  Cell: NaKx,
100 um on NZSP, contact spots 100 um / 30 % (current constriction, docs/theory/constriction.md),
ramp 0.2 mA/cm² per 5 min, ``stop_at_liquidus = false``; default parameters, and
interface.exchange_current_density i0 = 100 mA/cm² [?] x10 and x0.1 on NaK80 (the cheapest
alloy: 233 spectra, ~5-10 min per scan on a loaded core; the i0 variants on NaK80 only).

Measured (2026-12-04, i0 = 100 mA/cm², flux-tube spot kappa; spectra; scan wall time on a
loaded core):

| run | growth | all-liquid | covered | A_act 1st/last | R_band first -> last [Ω] | spectra, s |
|---|---|---|---|---|---|---|
| NaK50 | 5.54 | 1.15 | 4.64 | 3.9 | 20.9 -> 115.9 | 469, 659 |
| NaK65 | 5.81 | 1.12 | 5.08 | 5.1 | 21.9 -> 127.1 | 368, 425 |
| NaK80 | 2.29 | 1.18 | 2.19 | 2.5 | 24.0 -> 54.9 | 233, 597 |
| NaK80, i0 x10 | 2.02 | 0.92 | 2.19 | 2.4 | 13.7 -> 27.6 | 233, 584 |
| NaK80, i0 x0.1 | 1.59 | 1.02 | 1.56 | 2.4 | 105.0 -> 166.7 | 233, 280 |

(all-liquid = end of the last level below the liquidus level / first; covered = last /
last spectrum of the CCD level with the active area still pristine: solid K covering the
spots at constant current.)  Mechanism, per regime:

* the band peak is the interface arc of the wetted spots: at the default i0 it is
  constriction-dominated (first peak 2.5-2.7x the charge-transfer resistance RT/(F (a_a +
  a_c) i0 a_Na^a_c A_contact), 7.8-9.6 Ω; checked >= 2x), one merged arc at 7-8 µs; at i0 x10
  (1 A/cm², charge transfer 0.96 Ω) it *is* the constriction arc (13.7 Ω at 5.4 µs, checked
  >= 3x R_ct); at i0 x0.1 (10 mA/cm²) it is the charge-transfer arc (105.0 vs 95.9 Ω, checked
  to 10 %);
* all-liquid interface: at the default i0 the peak grows gradually before any solid K
  (1.12-1.18: the depleted interface lowers i0(a_Na) and the DC bias hardly matters); at i0
  x10 the constriction arc alone does not grow there (0.92) and at x0.1 the Butler-Volmer
  bias offsets the depletion (1.02): NOT reproduced for those two;
* solid K at the spots (only in the CCD level: the voltage CCD coincides with the liquidus
  onset, NaK50 4.8, NaK65 3.8, NaK80 2.4 mA/cm², for every i0): the active area falls
  (0.30 -> 0.06-0.12 of the nominal area) and the peak grows at constant current for every
  alloy and every i0 (1.56-5.08): current constriction into fewer active spots is the
  mechanism of the growth; it grows less than 1/A_act for NaK80 (exponent 0.52-0.92) because
  the current on the spots left rises and lowers their differential resistance;
* the experiment's comparison (last spectrum before the voltage CCD / pristine) is
  reproduced for NaK50/65/80 (5.54/5.81/2.29) and for i0 x10 and x0.1 (2.02, 1.59): the
  trend holds with i0 changed 10x either way. (At the former default i0 = 10 mA/cm², now
  the x0.1 run, NaK50/65/80 gave 1.31/1.50/1.58 and i0 1 mA/cm² did not reproduce it.)
* pristine DRT of NaK50/65/80: same contact and ceramic, so the constriction is the same and
  the band resistances differ only through a_Na(x_Na) in i0: the differences to NaK80 equal
  those of RT/(F i0(a_Na) A_contact) (-1.90 vs -1.80 Ω, -1.29 vs -1.23 Ω; checked to 15 %).

No parameter is tuned.  A "NOT reproduced" observation means the model does not reproduce
the observed trend for that run.
"""

from __future__ import annotations

import math
import time

from nakmodel.validation_framework import Case, Check

SOURCE = "seed captions: CCD scans with operando GEIS -> DRT vs stripping current [F]"
MODEL = ("model: constriction into the active spots in series with DC-biased Butler-Volmer "
         "over the active area, i0(a_Na) [I]")
COMPOSITIONS = ("NaK50", "NaK65", "NaK80")
I0_FACTORS = (10.0, 0.1)
"""interface.exchange_current_density x these factors, on I0_COMPOSITION (default 1)."""
I0_COMPOSITION = "NaK80"
INTERVAL = "15 s"
"""Spectra every INTERVAL within every level (and at each level end)."""
BAND = ("1 us", "10 ms")
"""The interface band: above the grain-boundary arc (~1.6e-7 s), below alloy diffusion
(>= 1 s); covers charge transfer (~8e-6 .. 8e-4 s over i0 x 10 .. / 10) and constriction
(~6e-6 s)."""
CONSTRICTION_FACTOR = 10.0
"""At i0 x this factor the band peak must be the constriction arc (>= 3x R_ct)."""
CHARGE_TRANSFER_FACTOR = 0.1
"""At i0 x this factor (10 mA/cm²) charge transfer dominates: the band peak is R_ct (10 %)."""
DEFAULT_CONSTRICTION_SHARE = 2.0
"""At the default i0 the first band peak must be >= this x R_ct (constriction-dominated)."""
_MA_CM2 = 10.0


def _table(label):
    levels = [f"{0.2 * (k + 1):.1f} mA/cm2" for k in range(40)]
    return {"geometry": "axisymmetric", "pellet_radius": "2 mm", "pellet_thickness": "1 mm",
            "alloy_thickness": "100 um", "mesh_size": "50 um",
            "contact": {"kind": "spots", "radius": "100 um", "fraction": 0.3, "seed": 1},
            "compositions": [label], "directions": ["strip"], "start": "0.2 mA/cm2",
            "stop": "8 mA/cm2", "step": "0.2 mA/cm2", "hold": "300 s", "voltage_limit": "1 V",
            "stop_at_liquidus": False, "geis_currents": levels, "geis_interval": INTERVAL,
            "geis_peak_band": list(BAND), "geis_points_per_decade": 5,
            "error_tolerance": 0.02, "profiles": 0}


def trend_numbers(peaks, ccd_liquidus, ccd_voltage, key="band_peak_R_ohm") -> dict:
    """Ratios of column ``key`` of the GEIS rows (``x`` = level [mA/cm²], ``t_s``,
    ``band_peak_R_ohm`` or ``band_R_ohm``, ``active_fraction``), in time order:

    * ``growth``: last spectrum before the run ended at the voltage limit (the in-level
      spectra of the CCD level included) / first spectrum (pristine, 15 s into 0.2 mA/cm²);
    * ``liquid``: end of the last level below the liquidus level / first;
    * ``covered``: last spectrum / last spectrum of the same level whose active area is
      still >= 0.99 of the pristine one: solid K covering the spots at constant current;
    * ``area``: active area first / last;
    * ``rows``: (first, last liquid, last-level reference, last) rows."""
    rows = sorted((p for p in peaks if math.isfinite(p[key])), key=lambda p: p["t_s"])
    nan = math.nan
    out = {"growth": nan, "liquid": nan, "covered": nan, "area": nan, "rows": ()}
    if len(rows) < 2:
        return out
    below_v = ([p for p in rows if p["x"] <= ccd_voltage + 1e-9] if math.isfinite(ccd_voltage)
               else rows)
    liquid = ([p for p in rows if p["x"] < ccd_liquidus - 1e-9] if math.isfinite(ccd_liquidus)
              else rows)
    first = rows[0]
    last = below_v[-1] if below_v else rows[-1]
    last_liquid = liquid[-1] if liquid else first
    open_ = [p for p in rows if p["x"] == last["x"] and p["t_s"] < last["t_s"]
             and p["active_fraction"] >= 0.99 * first["active_fraction"]]
    ref = open_[-1] if open_ else None
    r = key
    out.update(growth=last[r] / first[r], liquid=last_liquid[r] / first[r],
               covered=last[r] / ref[r] if ref else nan,
               area=(first["active_fraction"] / last["active_fraction"]
                     if last["active_fraction"] > 0 else nan),
               rows=(first, last_liquid, ref, last))
    return out


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


def _scan(params, label, factor, outdir):
    """One stripping scan of ``label`` with i0 x ``factor``: (row, result, peaks, seconds,
    charge-transfer reference [ohm])."""
    import shutil

    from nakmodel.study import ccd as ccd_kind

    tag = label if factor == 1 else f"{label}_i0x{factor:g}"
    if factor != 1:
        i0 = params.get("interface.exchange_current_density") * factor
        params = params.replace({"interface.exchange_current_density": i0})
    options = ccd_kind.parse_options(_table(label), "ccd", params)
    folder = outdir / f"drt_stripping_current_{tag}"
    start = time.perf_counter()
    row, result, _, _, peaks = ccd_kind.scan(options, params, options.compositions[0],
                                             "strip", folder)
    seconds = time.perf_counter() - start
    src = folder / "geis_drt.png"
    if src.is_file():
        shutil.copyfile(src, outdir / f"drt_vs_stripping_current_{tag}.png")
    r_ct = _charge_transfer_resistance(params, options.compositions[0], result)
    row["t_end"] = float(result.time[-1])
    return tag, row, peaks, seconds, r_ct


def _trend_checks(tag, row, peaks, seconds):
    i_liq, i_v = row["ccd_liquidus"] / _MA_CM2, row["ccd_voltage"] / _MA_CM2
    n = trend_numbers(peaks, i_liq, i_v)
    growth, area = n["growth"], n["area"]
    where, liquid_at, ref_at = "no spectra", "-", "-"
    if n["rows"]:
        first, last_liquid, ref, last = n["rows"]
        where = (f"{last['x']:.3g} mA/cm² at {last['t_in_level_s']:.0f} s in the level, "
                 f"{row['t_end'] - last['t_s']:.0f} s before the end, |V| "
                 f"{abs(last['voltage_V']):.2f} V, vs {first['x']:.3g} mA/cm²")
        liquid_at = f"{last_liquid['x']:.3g}"
        ref_at = f"{ref['t_in_level_s']:.0f} s" if ref else "-"
    exponent = math.log(growth) / math.log(area) if area > 1.001 and growth > 0 else math.nan
    m = trend_numbers(peaks, i_liq, i_v, key="band_R_ohm")
    checks = [
        Check.within(f"{tag}: run ends at the voltage limit (voltage CCD, mA/cm²; liquidus "
                     f"onset {i_liq:.3g}; {len(peaks)} spectra, scan {seconds:.0f} s)", i_v,
                     0.0, 1e9, "mA/cm2", f"termination: {row['termination'][:60]}"),
        Check.within(f"{tag}: interface-band DRT peak R, last spectrum before the voltage "
                     f"limit / first ({where}); observed: grows (>= 1.05)", growth, 1.05, 1e9,
                     "-", SOURCE, observation=True),
        Check.within(f"{tag}: interface-band resistance (integral of the DRT over the band: "
                     f"all-liquid {m['liquid']:.3g}, covered {m['covered']:.3g}), last spectrum "
                     "/ first; observed: grows (>= 1.05)", m["growth"], 1.05, 1e9, "-", SOURCE,
                     observation=True),
        Check.within(f"{tag}: all-liquid interface, band peak R at the end of {liquid_at} "
                     "mA/cm² / first; observed: grows gradually (>= 1.05)", n["liquid"], 1.05,
                     1e9, "-", SOURCE, observation=True),
        Check.within(f"{tag}: solid K covering the spots at constant current, band peak R "
                     f"last / at {ref_at} in the same level (active area still pristine); "
                     "observed: grows near the CCD (>= 1.05)", n["covered"], 1.05, 1e9, "-",
                     SOURCE, observation=True),
    ]
    if n["covered"] >= 1.05:  # the model's mechanism of that growth: solid K took area
        checks.append(Check.within(
            f"{tag}: the growth at constant current comes with lost active area (A_active "
            f"first / last; R last / first = (that ratio)^{exponent:.2f}, not ^1: the DC bias "
            "and i0(a_Na) change too)", area, 1.05, 1e9, "-", MODEL))
    return checks


def _plot_band_peaks(series, axes):
    """R_band / R_band(first) of every run along the ramp (``axes[0]``) and over its last
    90 s (``axes[1]``); returns ``axes``."""
    ax1, ax2 = axes
    for tag, (peaks, t_end) in series.items():
        rows = sorted((p for p in peaks if math.isfinite(p["band_peak_R_ohm"])),
                      key=lambda p: p["t_s"])
        if not rows:
            continue
        r0 = rows[0]["band_peak_R_ohm"]
        ramp = [p["x"] - 0.2 * (1 - p["t_in_level_s"] / 300.0) for p in rows]
        y = [p["band_peak_R_ohm"] / r0 for p in rows]
        line, = ax1.plot(ramp, y, ".-", ms=2, lw=0.8, label=tag)
        late = [(p["t_s"] - t_end, v) for p, v in zip(rows, y, strict=True)
                if p["t_s"] > t_end - 90]
        ax2.plot([a for a, _ in late], [b for _, b in late], "o-", color=line.get_color(),
                 label=tag)
    ax1.set_xlabel("stripping current along the ramp [mA/cm²]")
    ax2.set_xlabel("time to the voltage limit [s]")
    for ax in (ax1, ax2):
        ax.set_ylabel("interface-band DRT peak R / first")
        ax.axhline(1.0, color="0.6", lw=0.6)
    ax2.legend(fontsize=7)
    return axes


def _save_band_peak_figure(series, path):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(1, 2, figsize=(11, 4), layout="constrained")
    _plot_band_peaks(series, axes)
    fig.savefig(path, dpi=130)
    plt.close(fig)


def run(outdir):
    from nakmodel import load_parameters
    from nakmodel.model import thermo_ufl  # noqa: F401  (imported before the timing)

    params = load_parameters()
    checks, pristine, series = [], {}, {}
    runs = [(label, 1.0) for label in COMPOSITIONS] + [(I0_COMPOSITION, f) for f in I0_FACTORS]
    for label, factor in runs:
        tag, row, peaks, seconds, r_ct = _scan(params, label, factor, outdir)
        first = min(peaks, key=lambda p: p["t_s"]) if peaks else None
        r0 = first["band_peak_R_ohm"] if first else math.nan
        if factor == CONSTRICTION_FACTOR:
            checks.append(Check.within(
                f"{tag}: the first band peak is the spots' constriction arc, not charge "
                f"transfer (R_peak / R_ct, R_ct = {r_ct:.3g} ohm)", r0 / r_ct, 3.0, 1e9, "-",
                "current constriction (Fleig & Maier, Solid State Ionics 86-88 (1996) 1351) "
                "[I]"))
        if factor == CHARGE_TRANSFER_FACTOR:
            checks.append(Check(
                f"{tag}: interface-band DRT peak R of the first spectrum vs RT/(F i0(a_Na) "
                "A_contact) (slow kinetics: the band peak is the charge-transfer arc of the "
                "wetted spots)", r0, reference=r_ct, rel_tol=0.1, unit="ohm",
                source="linearised Butler-Volmer [I]"))
        if factor == 1:
            pristine[label] = (first["band_R_ohm"] if first else math.nan, r_ct)
            checks.append(Check.within(
                f"{tag}: default i0: the first band peak is constriction-dominated (R_peak / "
                f"R_ct >= {DEFAULT_CONSTRICTION_SHARE:g}, R_ct = {r_ct:.3g} ohm)", r0 / r_ct,
                DEFAULT_CONSTRICTION_SHARE, 1e9, "-",
                "Na|NZSP: negligible charge transfer, the interface arc is constriction "
                "(Eckhardt et al., ACS AMI 14 (2022) 42757) [F]"))
        checks += _trend_checks(tag, row, peaks, seconds)
        series[tag] = (peaks, row["t_end"])
    _save_band_peak_figure(series, outdir / "drt_band_peak_trend.png")
    base = pristine.get("NaK80")
    for label, (band, r_ct) in pristine.items():
        if label == "NaK80" or base is None:
            continue
        checks.append(Check(
            f"pristine DRT {label} - NaK80: interface-band resistance difference vs the "
            "difference of RT/(F i0(a_Na) A_contact) [ohm] (same contact and ceramic: the "
            "constriction cancels, the compositions differ only through a_Na)",
            band - base[0], reference=r_ct - base[1], rel_tol=0.15, unit="ohm",
            source="linearised Butler-Volmer, DC-additive series resistances [I]"))
    return checks


CASE = Case(name="trend_drt_stripping_current",
            title="Operando DRT: interface peak vs stripping current (NaK50/65/80, spots, "
                  "i0 x10 / x0.1)",
            run=run, slow=True,
            figures=["drt_band_peak_trend.png"]
            + [f"drt_vs_stripping_current_{c}.png" for c in COMPOSITIONS]
            + [f"drt_vs_stripping_current_{I0_COMPOSITION}_i0x{f:g}.png" for f in I0_FACTORS],
            description=("Observed trend (operando GEIS during CCD scans): the interface DRT "
                         "peak grows with the stripping current up to the CCD (voltage "
                         "divergence). With spectra every 15 s within the levels (the last "
                         "4-13 s before the voltage limit) and the peak in the interface band "
                         "1 us-10 ms, at the default i0 = 100 mA/cm2 (constriction-dominated "
                         "arc): reproduced for NaK50/65/80 (5.54/5.81/2.29) and for i0 x10 and "
                         "x0.1 on NaK80 (2.02, 1.59). The growth comes from solid K covering "
                         "the spots in the CCD level (at constant current 2.19-5.08, i0 x0.1 "
                         "1.56); before solid K forms the peak grows gradually at the default "
                         "i0 (1.12-1.18), not at x10 (0.92) or x0.1 (1.02)."))
