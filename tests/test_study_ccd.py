"""Study kind ``ccd``: validation, a 1D scan study end to end, run_point, ``nakmodel plot``."""

from __future__ import annotations

import math

import pytest

from nakmodel.errors import ParameterError
from nakmodel.study import load_study
from nakmodel.tables import read_table


def ccd_dict(**options):
    table = {"geometry": "1d", "alloy_thickness": "20 um", "compositions": ["NaK50", "NaK80"],
             "directions": ["strip", "plate"], "start": "0.5 mA/cm2", "stop": "20 mA/cm2",
             "step": "0.5 mA/cm2", "hold": "60 s", "voltage_limit": "1 V",
             "stop_at_liquidus": True, "profiles": 2, "error_tolerance": 0.03}
    table.update(options)
    return {"study": {"name": "ccd", "kind": "ccd"}, "ccd": table}


def test_bad_scan_options_are_reported_together(kinds):
    bad = ccd_dict(directions=["up"], start="5 mA/cm2", stop="1 mA/cm2", hold="-1 s",
                   crack="guess", solid_coverage=2.0, voltage_limit="1 A",
                   geis_currents=["1 V"], stop_at_liquidus="yes", error_tolerance=5.0)
    with pytest.raises(ParameterError) as err:
        load_study(bad)
    keys = {p.key for p in err.value.problems}
    for key in ("ccd.directions", "ccd.stop", "ccd.hold", "ccd.crack", "ccd.solid_coverage",
                "ccd.voltage_limit", "ccd.stop_at_liquidus", "ccd.error_tolerance"):
        assert key in keys, (key, keys)
    assert any(k.startswith("ccd.geis_currents") for k in keys)


def test_levels_and_geis_times_follow_the_scan(kinds):
    study = load_study(ccd_dict(geis_currents=["0 mA/cm2", "1.0 mA/cm2", "1.2 mA/cm2"]))
    opts = study.options
    assert opts.levels()[:3] == pytest.approx([5.0, 10.0, 15.0])
    times, currents = opts.geis_times()
    assert times[0] == 0.0 and currents[0] == 0.0
    assert currents[1] == pytest.approx(10.0) and times[1] == pytest.approx(120.0)
    assert currents[2] == pytest.approx(10.0)  # the nearest level to 12 A/m^2


def test_scan_study_end_to_end(kinds, tmp_path):
    """Thin (20 um) layers: every scan ends at the liquidus; the critical stripping capacity
    falls from NaK50 to NaK80 and the plating one rises (lever-rule inventory)."""
    from nakmodel import thermo
    from nakmodel.cli import main

    study = load_study(ccd_dict())
    written = study.run(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    assert {"ccd_results.csv", "ccd.png", "summary.md", "NaK50_strip/timeseries.csv"} <= names
    rows = {(r["composition"], r["direction"]): r
            for r in read_table(tmp_path / "ccd_results.csv")[0]}
    assert set(rows) == {(c, d) for c in ("NaK50", "NaK80") for d in ("strip", "plate")}
    p = study.parameters
    for (_, direction), row in rows.items():
        assert row["limiting_mechanism"] == "liquidus"
        to = "K-liquidus" if direction == "strip" else "Na-liquidus"
        q_ref = float(thermo.inventory(float(row["x_Na"]), p.temperature, to=to,
                                       thickness=20e-6, params=p))
        # ramped scan: the capacity overshoots the equilibrium inventory only slightly
        assert float(row["critical_capacity"]) == pytest.approx(q_ref, rel=0.1)
        assert float(row["ccd"]) > 0 and math.isnan(float(row["ccd_voltage"]))
    cap = {k: float(r["critical_capacity"]) for k, r in rows.items()}
    assert cap[("NaK50", "strip")] > cap[("NaK80", "strip")]
    assert cap[("NaK50", "plate")] < cap[("NaK80", "plate")]

    assert main(["plot", str(tmp_path), "--out", str(tmp_path / "fig"), "--quiet"]) == 0
    figures = {f.name for f in (tmp_path / "fig").iterdir()}
    assert {"ccd_vs_composition.png", "voltage.png", "voltage_vs_current.png"} <= figures


def test_run_point_returns_the_declared_outputs(kinds, tmp_path):
    from nakmodel.study import ccd

    study = load_study(ccd_dict(compositions=["NaK50"], directions=["plate"]) | {
        "parameters": {"alloy": {"composition": "NaK65"}}})
    out = ccd.run_point(study, tmp_path)
    assert set(ccd.OUTPUTS) <= set(out)
    assert out["direction"] == "plate" and out["composition"] == "NaK65"
    assert out["limiting_mechanism"] == "liquidus"


def test_plot_rejects_a_folder_without_results(tmp_path):
    from nakmodel.plotting.study_plots import load_study_results

    with pytest.raises(ParameterError, match="no study results"):
        load_study_results(tmp_path)


def test_a_scan_that_stops_converging_keeps_its_partial_result(kinds, tmp_path, monkeypatch):
    """The stepper giving up after the onset must not lose the CCD found before."""
    from nakmodel.errors import ConvergenceError
    from nakmodel.model.simulation import Simulation
    from nakmodel.study import ccd

    original = Simulation.run

    def run_then_fail(self):
        result = original(self)
        err = ConvergenceError("synthetic failure", time=float(result.time[-1]), dt=1e-6)
        err.result = result
        result.termination = "convergence failure: synthetic failure"
        raise err

    monkeypatch.setattr(Simulation, "run", run_then_fail)
    study = load_study(ccd_dict(compositions=["NaK80"], directions=["strip"]))
    row, result, res, _, _ = ccd.scan(study.options, study.parameters,
                                      study.options.compositions[0], "strip", tmp_path)
    assert row["termination"].startswith("convergence failure")
    assert row["limiting_mechanism"] == "liquidus" and row["ccd"] > 0
    assert "synthetic failure" in result.info["convergence_error"]


def test_plot_all_on_a_sweep_table(tmp_path):
    """A sweep results.csv (no FE): CCD vs each swept key, numeric and categorical."""
    from nakmodel.plotting.study_plots import plot_all

    header = ("point_id,alloy.composition,alloy.composition [x_Na],ccd.contact,ccd.contact [SI],"
              "status,ccd,critical_capacity,limiting_mechanism\n")
    lines = [f"p{k},NaK{c},{x},\"{{kind: {kind}}}\",,ok,{10 + k},{1000 * (k + 1)},{m}\n"
             for k, (c, x, kind, m) in enumerate([(50, 0.63, "full", "liquidus"),
                                                  (80, 0.30, "full", "voltage"),
                                                  (50, 0.63, "spots", "none"),
                                                  (80, 0.30, "spots", "liquidus")])]
    (tmp_path / "results.csv").write_text(header + "".join(lines))
    names = {p.name for p in plot_all(tmp_path)}
    assert {"ccd_vs_alloy_composition.png", "ccd_vs_ccd_contact.png"} <= names
