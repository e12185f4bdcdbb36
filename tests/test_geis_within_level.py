"""Operando GEIS within the current levels of a ccd scan (``geis_interval``) and the DRT peak
chosen by its time-constant band (``geis_peak_band``, :func:`nakmodel.drt.peaks.largest_in_band`),
issue #12 item 7."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nakmodel.drt.analytic import zarc_impedance
from nakmodel.drt.peaks import Peak, band_resistance, largest_in_band
from nakmodel.errors import ParameterError
from nakmodel.spectrum import Spectrum
from nakmodel.study import load_study
from nakmodel.study.geis_recording import (
    LEVEL_END,
    GEISRecorder,
    level_schedule,
    write_geis_outputs,
)
from nakmodel.tables import read_table


def ccd_dict(**options):
    table = {"geometry": "1d", "alloy_thickness": "20 um", "compositions": ["NaK80"],
             "directions": ["strip"], "start": "0.5 mA/cm2", "stop": "20 mA/cm2",
             "step": "0.5 mA/cm2", "hold": "60 s", "voltage_limit": "1 V",
             "stop_at_liquidus": True, "profiles": 0, "error_tolerance": 0.03,
             "geis_currents": ["1 mA/cm2"]}
    table.update(options)
    return {"study": {"name": "ccd", "kind": "ccd"}, "ccd": table}


def _problem(data, key):
    with pytest.raises(ParameterError) as err:
        load_study(data)
    found = [p for p in err.value.problems if p.key == key]
    assert found, [p.key for p in err.value.problems]
    return found[0]


@pytest.mark.parametrize("value", ["0 s", "-5 s", "0.01 s", "61 s", "nan s", "1 V", True])
def test_geis_interval_out_of_range_or_wrong_unit_is_refused(value):
    p = _problem(ccd_dict(geis_interval=value), "ccd.geis_interval")
    text = f"{p.message} {p.expected}"
    if value in ("0 s", "-5 s", "0.01 s", "61 s"):  # range: hold/1000 .. hold, in s
        assert "[0.06, 60] s" in text, text


def test_geis_interval_needs_geis_currents():
    data = ccd_dict(geis_interval="20 s")
    del data["ccd"]["geis_currents"]
    p = _problem(data, "ccd.geis_interval")
    assert "geis_currents" in p.message


@pytest.mark.parametrize("value", [["1 ms"], "1 ms", ["1 ms", "1 us"], ["1 us", "1 V"],
                                   ["0 s", "1 ms"], ["nan s", "1 ms"], ["1 us", "1e7 s"]])
def test_geis_peak_band_is_validated_in_both_kinds(value):
    p = _problem(ccd_dict(geis_peak_band=value), "ccd.geis_peak_band")
    assert "s" in p.expected
    sim = {"study": {"name": "s", "kind": "simulation"},
           "simulation": {"geometry": "1d", "alloy_thickness": "20 um",
                          "protocol": ["Strip at 1 mA/cm2 for 10 s"], "geis_times": ["5 s"],
                          "geis_peak_band": value}}
    _problem(sim, "simulation.geis_peak_band")


def test_schedule_within_levels():
    def flat(schedule):
        return [v for pair in schedule for v in pair]

    # the level end just before the boundary (the row at the boundary has the next current)
    end = 60.0 * LEVEL_END
    assert 60.0 - 1e-3 < end < 60.0
    assert flat(level_schedule([0.0, 60.0], 60.0, 25.0)) == pytest.approx(
        [25, 25, 50, 50, end, end, 85, 25, 110, 50, 60 + end, end], rel=1e-12)
    assert flat(level_schedule([0.0], 60.0, 20.0)) == pytest.approx(
        [20, 20, 40, 40, end, end], rel=1e-12)
    assert level_schedule([60.0], 60.0, 0.0) == [(60.0 + end, end)]
    opts = load_study(ccd_dict(geis_interval="20 s", geis_peak_band=["1 us", "1 ms"])).options
    times, currents, within = opts.geis_schedule()
    assert times == pytest.approx((80.0, 100.0, 60 + end), rel=1e-12)  # level 2: 60..120 s
    assert within == pytest.approx((20.0, 40.0, end), rel=1e-12)
    assert currents == pytest.approx((10.0,) * 3)
    assert opts.geis_times() == (times, currents)
    assert opts.geis_band == pytest.approx((1e-6, 1e-3))


F = np.logspace(7, -2, 64)


def test_band_peak_ignores_a_larger_arc_outside_the_band(tmp_path):
    """Two arcs: a larger one at 1.6e-7 s (grain boundary) and a smaller one at 8e-5 s that
    grows between two spectra of the same level: ``band_peak_*`` follows the one in
    1e-6..1e-3 s, ``peak_*`` (largest) stays on the other."""
    peaks = [Peak(1.6e-7, 1e6, 150.0, 1.0, 50.0), Peak(8e-5, 2e3, 100.0, 1.0, 40.0)]
    assert largest_in_band(peaks, 1e-6, 1e-3).tau == 8e-5
    assert largest_in_band(peaks, 1e-9, 1.0).tau == 1.6e-7
    assert largest_in_band(peaks, 1e-2, 1.0) is None
    recorder = GEISRecorder((100.0, 110.0), F, None)
    for t, r in ((100.0, 100.0), (110.0, 130.0)):
        z = 20.0 + zarc_impedance(F, 150.0, 1.6e-7, 0.9) + zarc_impedance(F, r, 8e-5, 0.9)
        recorder.spectra.append(Spectrum(F, z))
        recorder.recorded.append(len(recorder.recorded))
        recorder.states.append({"t_s": t, "voltage_V": 0.1, "active_fraction": 0.3})
    files, rows = write_geis_outputs(recorder, tmp_path, [1.0, 1.0], "i", band=(1e-6, 1e-3),
                                     extra=[{"t_in_level_s": 40.0}, {"t_in_level_s": 50.0}])
    assert [r["t_in_level_s"] for r in rows] == [40.0, 50.0]
    for row, r in zip(rows, (100.0, 130.0), strict=True):
        assert row["peak_tau_s"] == pytest.approx(1.6e-7, rel=0.2)
        assert row["band_peak_tau_s"] == pytest.approx(8e-5, rel=0.2)
        assert row["band_peak_R_ohm"] == pytest.approx(r, rel=0.1)
        assert row["band_R_ohm"] == pytest.approx(r, rel=0.1)
    names = {p.name for p in files}
    assert {"geis_1_t100s.csv", "geis_1_t110s.csv", "geis_drt.png"} <= names
    from nakmodel.drt.saved import load_drt
    from nakmodel.plotting.study_results import read_drt_series

    x, tau, gamma = read_drt_series(tmp_path)  # per level the latest spectrum (t = 110 s)
    assert list(x) == [1.0]
    later = load_drt(tmp_path / "geis_1_t110s_drt.csv")
    assert gamma[0] == pytest.approx(np.interp(np.log(tau), np.log(later.tau), later.gamma))
    _, rows = write_geis_outputs(recorder, tmp_path / "no_band", [1.0, 2.0], "i")
    assert all(math.isnan(r["band_peak_R_ohm"]) for r in rows)


def test_scan_records_spectra_within_levels_up_to_the_end_of_the_run(tmp_path):
    """A thin NaK80 layer stripped to the liquidus: spectra every 20 s in every level, each
    row with its level and time in it; the level in which the run ends keeps only the
    spectra taken before the end."""
    from nakmodel.study import ccd as ccd_kind

    levels = [f"{0.5 * k:g} mA/cm2" for k in range(1, 41)]
    study = load_study(ccd_dict(geis_currents=levels, geis_interval="20 s",
                                geis_peak_band=["1 us", "1 ms"]))
    opts = study.options
    row, result, _, _, peaks = ccd_kind.scan(opts, study.parameters, opts.compositions[0],
                                             "strip", tmp_path)
    t_end = float(result.time[-1])
    assert peaks and all(p["t_s"] <= t_end * (1 + 1e-9) for p in peaks)
    level_start = {p["x"]: p["t_s"] - p["t_in_level_s"] for p in peaks}
    for p in peaks:  # level k (1-based, 0.5 k mA/cm2) starts at (k - 1) 60 s
        assert level_start[p["x"]] == pytest.approx((p["x"] / 0.5 - 1) * 60.0, abs=1e-6)
        assert min(abs(p["t_in_level_s"] - w) for w in (20.0, 40.0, 60.0)) < 1e-3
        # every spectrum at the level's own current (not the next level's first step)
        i = np.interp(p["t_s"], result.time, result.current_density)
        assert i == pytest.approx(p["x"] * 10.0, rel=1e-6)
    times = opts.geis_schedule()[0]
    before = [t for t in times if t <= t_end * (1 + 1e-9)]
    assert [p["t_s"] for p in peaks] == pytest.approx(before)  # all before the end, no more
    assert len(before) < len(times)  # the run ended before the scan's last level
    assert "liquidus" in row["termination"]
    assert len(peaks) == len({(p["x"], p["t_in_level_s"]) for p in peaks})
    csv_rows = read_table(tmp_path / "geis_peaks.csv")[0]
    assert len(csv_rows) == len(peaks) and "t_in_level_s" in csv_rows[0]
    assert all(math.isfinite(p["voltage_V"]) and 0 <= p["active_fraction"] <= 1 + 1e-9
               for p in peaks)


def test_trend_numbers_of_the_drt_case_use_the_in_level_spectra():
    """validation/cases/trend_drt_stripping_current.py: the last spectrum before the
    voltage limit is an in-level one; 'covered' compares it with the last spectrum of the
    same level whose active area is still pristine; 'liquid' ends below the liquidus level."""
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[1] / "validation/cases/trend_drt_stripping_current.py"
    spec = importlib.util.spec_from_file_location("trend_drt_case", path)
    case = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(case)

    def row(x, t, r, af=0.3):
        return {"x": x, "t_s": t, "band_peak_R_ohm": r, "active_fraction": af}

    peaks = [row(0.4, 600.0, 98.0), row(0.2, 15.0, 100.0), row(0.2, 300.0, 99.0),
             row(0.6, 615.0, 97.0), row(0.6, 630.0, 96.0, 0.299),
             row(0.6, 645.0, 120.0, 0.15), row(0.6, 660.0, 150.0, 0.1),
             row(0.6, 675.0, math.nan, 0.0)]  # a spectrum without a band peak is ignored
    n = case.trend_numbers(peaks, ccd_liquidus=0.6, ccd_voltage=0.6)
    assert n["growth"] == pytest.approx(150.0 / 100.0)
    assert n["liquid"] == pytest.approx(98.0 / 100.0)
    assert n["covered"] == pytest.approx(150.0 / 96.0)
    assert n["area"] == pytest.approx(3.0)


def test_band_resistance_integrates_gamma_over_the_band_whatever_the_basins():
    """∫ γ d ln τ over the band: a 100 Ω Gaussian at 1e-4 s inside 1e-6..1e-2 s counts fully,
    a 50 Ω one at 100 s does not; a small neighbour appearing inside the band adds its own
    R only (the largest peak's basin would shrink)."""
    tau = np.logspace(-9, 4, 400)
    y = np.log(tau)

    def gauss(r, t0, s=0.8):
        return r / (s * np.sqrt(2 * np.pi)) * np.exp(-0.5 * ((y - np.log(t0)) / s) ** 2)

    g = gauss(100.0, 1e-4) + gauss(50.0, 100.0)
    assert band_resistance(tau, g, 1e-6, 1e-2) == pytest.approx(100.0, rel=1e-3)
    assert band_resistance(tau, g, 1e-9, 1e4) == pytest.approx(150.0, rel=1e-3)
    assert band_resistance(tau, g, 1e-4, 1e-2) == pytest.approx(50.0, rel=1e-2)  # half a peak
    assert band_resistance(tau, g, 1e5, 1e6) == 0.0
    g2 = g + gauss(10.0, 5e-3, 0.4)
    assert band_resistance(tau, g2, 1e-6, 1e-1) == pytest.approx(110.0, rel=1e-3)
