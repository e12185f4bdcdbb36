"""Na plated onto K, then rest (issues #7, #11): fast 1D version of the physics behind
validation/cases/trend_plating_on_k.py, and the saved-results analysis
(nakmodel.plotting.rest_recovery) on synthetic folders."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nakmodel.errors import ParameterError
from nakmodel.plotting.rest_recovery import (
    is_charge_then_rest,
    read_rest_recovery,
    write_rest_recovery,
)

FARADAY = 96485.33212331001
PLATED = 4.0 * 7200.0  # 0.4 mA/cm² for 2 h [C/m²]


def _study(thickness_um, mesh_um):
    return {"study": {"name": "plating_on_k_1d", "kind": "simulation", "title": "Na on K"},
            "parameters": {"temperature": "25 degC"},
            "simulation": {
                "geometry": "1d", "pellet_radius": "5 mm", "pellet_thickness": "1 mm",
                "alloy_thickness": f"{thickness_um} um", "mesh_size": f"{mesh_um} um",
                "working_metal": "K", "compositions": ["NaK99"],
                "contact": {"kind": "spots", "radius": "100 um", "fraction": 0.3, "seed": 1},
                "protocol": ["Plate at 0.4 mA/cm2 for 2 h or until -1 V", "Rest for 2 h"],
                "profiles": 0, "geis_times": ["40 min", "2 h", "121 min", "4 h"],
                "geis_frequency_max": "100 kHz", "geis_frequency_min": "1 Hz",
                "geis_points_per_decade": 4}}


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """1D runs of the plating_on_k protocol on a thin (100 um) and a thick (1 mm) K foil."""
    from nakmodel.study import load_study

    out = {}
    for name, thickness, mesh in (("thin", 100, 10), ("thick", 1000, 25)):
        folder = tmp_path_factory.mktemp(name)
        study = load_study(_study(thickness, mesh))
        study.run(folder)
        out[name] = (study, folder / "NaK99")
    return out


def _layer(study):
    """(n_K, n_Na after plating) of the K layer [mol/m²] and the phase boundaries."""
    from nakmodel import thermo
    from nakmodel.model.thermo_ufl import potassium_content

    p = study.parameters
    x0 = study.options.compositions[0].x_na
    n_k = potassium_content(x0, p.alloy.na_molar_volume, p.alloy.k_molar_volume) \
        * study.options.cell.alloy_thickness
    n_na = n_k * x0 / (1 - x0) + PLATED / FARADAY
    return n_k, n_na, thermo.phase_boundaries(p.temperature, p)


def _mixed_liquid_fraction(study):
    """Lever rule of the fully mixed layer after plating (Na inventory, [I])."""
    n_k, n_na, b = _layer(study)
    x = n_na / (n_na + n_k)
    return (x - b.solid_low) / (b.liquid_low - b.solid_low)


def _pool_liquid_fraction(study):
    """Molar liquid fraction of the layer if the plated Na only forms a pool of liquid at
    the K-rich liquidus with the K it touches (no uptake by the K(ss) beyond, [I])."""
    n_k, n_na, b = _layer(study)
    return PLATED / FARADAY / b.liquid_low / (n_na + n_k)


def _volume_liquid_fraction(folder, step=None):
    from nakmodel.plotting.study_plots import read_timeseries

    ts = read_timeseries(folder)
    rows = np.arange(ts["step"].size) if step is None else np.flatnonzero(ts["step"] == step)
    return ts["liquid_fraction_volume"][rows[-1]]


# Issue #11: the liquid of a two-phase zone is pinned at the liquidus, so the plated Na
# forms a pool of liquid at the K-rich liquidus on the K (it dissolves the K it touches)
# and nothing drains through the mush: the interface turns liquid during plating and stays
# liquid through the rest, whatever the foil thickness.  Only diffusion in solid K(ss)
# (D_s = 1e-13 m²/s, sqrt(D_s t) ~ 30 um in 2 h) takes Na up beyond the pool.  (With the
# pre-#11 lever-rule blend Na spread through the mush like a porous-medium equation and a
# thick foil "recovered" at rest: validation/cases/trend_plating_on_k.py.)


def test_thin_foil_is_saturated_and_does_not_recover(runs):
    """100 um: the pool takes ~80 um of K; the ~20 um of K(ss) left (< sqrt(D_s t)) fills
    up to the solidus, so the layer ends at the lever rule of the fully mixed layer."""
    study, folder = runs["thin"]
    rec = read_rest_recovery(folder)
    mixed = _mixed_liquid_fraction(study)
    assert 0.85 < mixed < 0.93  # 0.8 mAh/cm² on 100 um of K: the layer is ~89 % liquid
    assert _pool_liquid_fraction(study) < mixed - 0.05  # solid uptake matters here
    assert _volume_liquid_fraction(folder) == pytest.approx(mixed, abs=0.02)
    assert rec.liquid_fraction[1] > 0.99  # the interface is under the liquid pool
    assert rec.liquid_fraction[2] > 0.99
    assert abs(rec.recovered_fraction) < 0.05  # nothing relaxes


def test_thick_foil_forms_a_liquid_pool_that_does_not_recover(runs):
    """1 mm: the layer's liquid is the pool of plated Na at the liquidus (within 3 %: some
    Na taken up by K(ss)); the interface stays liquid at rest, so the interface peak does
    not recover (the observed partial recovery needs drainage of liquid into the K, which
    the mixture model does not have)."""
    study, folder = runs["thick"]
    rec = read_rest_recovery(folder)
    assert rec.phase == ("charge", "charge", "rest", "rest")
    pool = _pool_liquid_fraction(study)
    assert _volume_liquid_fraction(folder, step=0) == pytest.approx(pool, rel=0.03)
    assert _volume_liquid_fraction(folder) == pytest.approx(pool, rel=0.03)
    assert rec.liquid_fraction[1] > 0.99 and rec.liquid_fraction[2] > 0.99
    assert abs(rec.recovered_fraction) < 0.05
    assert abs(rec.recovered_liquid_fraction) < 0.01
    # the DC bias hardly matters: at i/i0 = 0.4/100 the Butler-Volmer differential resistance
    # changes by ~(i/2i0)^2/2 = 2e-6, so the rest/charge peak ratio is 1 within 1 % (it was
    # > 1 with i0 = 10 mA/cm2)
    assert rec.bias_ratio == pytest.approx(1.0, abs=0.01)


@pytest.mark.parametrize("name", ["thin", "thick"])
def test_na_is_conserved_through_plating_and_rest(runs, name):
    from nakmodel.plotting.study_plots import read_timeseries

    study, folder = runs[name]
    ts = read_timeseries(folder)
    area = math.pi * study.options.cell.pellet_radius**2  # the 1D cell stands for the pellet
    plated_mol = -ts["faradaic_capacity"][-1] / FARADAY  # per m² of interface
    gained = (ts["inventory"][-1] - ts["inventory"][0]) / area
    assert plated_mol == pytest.approx(PLATED / FARADAY, rel=1e-3)
    assert gained == pytest.approx(plated_mol, rel=1e-6)


def test_study_summary_states_the_recovered_fraction(runs):
    _, folder = runs["thick"]
    text = (folder.parent / "summary.md").read_text()
    assert "recovered fraction at rest" in text
    assert (folder / "rest_recovery.png").is_file()


# ------------------------------------------------------------ saved-results analysis


def _write_run(folder, times, current, liquid, spectra):
    """Minimal saved run: timeseries.csv + geis_peaks.csv (x = time [h])."""
    folder.mkdir(parents=True, exist_ok=True)
    capacity = np.concatenate([[0.0], np.cumsum(current[1:] * np.diff(times))])
    lines = ["# termination: completed",
             "time [s],current_density [A/m^2],capacity [C/m^2],"
             "liquid_fraction_interface [-]"]
    lines += [f"{t},{i},{q},{f}" for t, i, q, f in zip(times, current, capacity, liquid,
                                                       strict=True)]
    (folder / "timeseries.csv").write_text("\n".join(lines) + "\n")
    rows = ["x,R_total_ohm,n_peaks,peak_tau_s,peak_R_ohm,peaks,drt_warnings"]
    rows += [f"{t / 3600},{r + 1},1,1e-3,{r},," for t, r in spectra]
    (folder / "geis_peaks.csv").write_text("\n".join(rows) + "\n")
    return folder


def _times():
    t = np.array([0.0, 1800.0, 3600.0, 5400.0, 7200.0])
    i = np.array([0.0, -4.0, -4.0, 1e-13, -2e-14])  # the rest current is ~0, not exactly 0
    f = np.array([-0.05, 0.4, 0.5, 0.3, 0.2])
    return t, i, f


def test_recovered_fraction_blocked_pristine(tmp_path):
    t, i, f = _times()
    folder = _write_run(tmp_path / "run", t, i, f,
                        [(1800.0, 20.0), (3600.0, 10.0), (3660.0, 12.0), (7200.0, 30.0)])
    rec = read_rest_recovery(folder)
    assert rec.phase == ("charge", "charge", "rest", "rest")
    assert rec.end_of_charge == 3600.0
    assert rec.fall_ratio == pytest.approx(0.5)
    assert rec.bias_ratio == pytest.approx(1.2)
    assert rec.recovered_fraction == pytest.approx(1 - 12.0 / 30.0)  # G_0 = 0
    # liquid: 0 (pristine, clamped from the smoothed lever rule) -> 0.5 -> 0.2
    assert rec.liquid_fraction == (0.0, 0.5, 0.2)
    assert rec.recovered_liquid_fraction == pytest.approx(0.6)
    assert rec.charge_capacity[-1] == pytest.approx(4.0 * 3600.0)


def test_recovered_fraction_with_pristine_spectrum(tmp_path):
    t, i, f = _times()
    folder = _write_run(tmp_path / "run", t, i, f,
                        [(0.0, 50.0), (3600.0, 10.0), (3660.0, 12.0), (7200.0, 30.0)])
    rec = read_rest_recovery(folder)
    assert rec.phase[0] == "pristine"
    g0, gs, ge = 1 / 50.0, 1 / 12.0, 1 / 30.0
    assert rec.recovered_fraction == pytest.approx((gs - ge) / (gs - g0))
    assert math.isnan(rec.fall_ratio)  # one charge spectrum only


def test_write_rest_recovery_files(tmp_path):
    t, i, f = _times()
    folder = _write_run(tmp_path / "run", t, i, f,
                        [(1800.0, 20.0), (3600.0, 10.0), (3660.0, 12.0), (7200.0, 30.0)])
    written = write_rest_recovery(folder, tmp_path / "out", "synthetic")
    assert {p.name for p in written} == {"rest_recovery.csv", "rest_recovery.md",
                                         "rest_recovery.png"}
    assert "0.600" in (tmp_path / "out" / "rest_recovery.md").read_text()


def test_no_rest_is_rejected(tmp_path):
    t, _, f = _times()
    folder = _write_run(tmp_path / "run", t, np.full(t.size, -4.0), f,
                        [(1800.0, 20.0), (7200.0, 10.0)])
    assert not is_charge_then_rest(folder)
    assert write_rest_recovery(folder) == []
    with pytest.raises(ParameterError, match="charge-then-rest"):
        read_rest_recovery(folder)
    assert not is_charge_then_rest(tmp_path / "missing")


def test_nakmodel_plot_replots_the_rest_recovery(runs, tmp_path):
    from nakmodel.plotting.study_plots import plot_all

    _, folder = runs["thick"]
    written = plot_all(folder.parent, tmp_path / "figures")
    assert any(p.name == "rest_recovery.png" for p in written)
