"""Study kind ``simulation``: option validation, a small end-to-end run, run_point, plots."""

from __future__ import annotations

import numpy as np
import pytest

from nakmodel.errors import ParameterError
from nakmodel.study import load_study


def study_dict(**options):
    table = {"geometry": "1d", "pellet_radius": "5 mm", "pellet_thickness": "1 mm",
             "alloy_thickness": "50 um", "compositions": ["NaK65", "NaK80"],
             "protocol": ["Strip at 2 mA/cm2 until liquidus or 1 V", "Rest for 10 min"],
             "profiles": 3, "error_tolerance": 0.03}
    table.update(options)
    return {"study": {"name": "sim", "kind": "simulation"}, "simulation": table}


def test_all_bad_options_are_reported_at_once(kinds):
    bad = study_dict(geometry="2d", alloy_thickness="-5 um", contact={"kind": "dots"},
                     protocol=["Strip at 1 banana"], compositions=["NaK500"], profiles=-1,
                     colour="red", geis_times=["1 V"])
    with pytest.raises(ParameterError) as err:
        load_study(bad)
    keys = {p.key for p in err.value.problems}
    for key in ("simulation.geometry", "simulation.alloy_thickness", "simulation.contact.kind",
                "simulation.protocol", "simulation.profiles", "simulation.colour"):
        assert key in keys, (key, keys)
    assert any(k.startswith("simulation.compositions") for k in keys)
    assert any(k.startswith("simulation.geis_times") for k in keys)


def test_spots_need_a_radius_and_flaw_needs_2d(kinds):
    with pytest.raises(ParameterError) as err:
        load_study(study_dict(contact={"kind": "spots", "fraction": 0.3}))
    assert "simulation.contact.radius" in {p.key for p in err.value.problems}
    with pytest.raises(ParameterError) as err:  # the Cell itself rejects a flaw in 1D
        load_study(study_dict(flaw={"depth": "20 um", "opening": "2 um"}))
    assert any(p.key.startswith("simulation.flaw") for p in err.value.problems)


def test_run_writes_results_and_capacity_follows_inventory(kinds, tmp_path):
    from nakmodel import thermo

    study = load_study(study_dict())
    written = study.run(tmp_path)
    names = {p.relative_to(tmp_path).as_posix() for p in written}
    for label in ("NaK65", "NaK80"):
        for f in ("timeseries.csv", "voltage.png", "interface.png", "interface_profiles.csv"):
            assert f"{label}/{f}" in names
    assert {"summary.csv", "summary.md"} <= names
    from nakmodel.tables import read_table

    rows, units = read_table(tmp_path / "summary.csv")
    assert units["stripped_capacity"] == "C/m^2" and units["x_Na"] == "-"
    p = study.parameters
    stripped = {}
    for row in rows:
        x = float(row["x_Na"])
        q_ref = float(thermo.inventory(x, p.temperature, to="K-liquidus", thickness=50e-6,
                                       params=p))
        stripped[row["composition"]] = float(row["stripped_capacity"])
        assert float(row["stripped_capacity"]) == pytest.approx(q_ref, rel=0.05)
        assert float(row["x_interface_min"]) == pytest.approx(
            thermo.liquid_window(p.temperature, p)[0], abs=2e-3)
    assert stripped["NaK65"] > stripped["NaK80"]

    from nakmodel.plotting.study_plots import load_study_results, plot_all, read_timeseries

    res = load_study_results(tmp_path)
    assert res.kind == "simulation" and set(res.runs) == {"NaK65", "NaK80"}
    ts = read_timeseries(res.runs["NaK80"])
    assert np.all(np.diff(ts["time"]) > 0)
    figures = {p.name for p in plot_all(tmp_path)}
    assert {"voltage.png", "interface_map_NaK65.png"} <= figures


def test_run_point_returns_every_output(kinds, tmp_path):
    from nakmodel.study import simulation

    study = load_study(study_dict(protocol=["Strip at 1 mA/cm2 for 10 min", "Plate at 1 mA/cm2 "
                                            "for 5 min"]))
    out = simulation.run_point(study, tmp_path)
    assert set(simulation.OUTPUTS) <= set(out)
    assert out["stripped_capacity"] == pytest.approx(6000.0, rel=1e-3)  # 10 A/m^2 x 600 s
    assert out["plated_capacity"] == pytest.approx(3000.0, rel=1e-3)
    assert out["capacity"] == pytest.approx(3000.0, rel=1e-3)
    assert (tmp_path / "timeseries.csv").is_file()


def test_porous_host_scales_inventory_by_porosity(kinds, tmp_path):
    """The ``host`` option becomes Cell(host=PorousHost(...)) on the full-thickness layer
    (the FE model solves the effective medium): the stripped inventory is porosity x that
    of the dense layer, the parameters are not touched."""
    from nakmodel.geometry import PorousHost
    from nakmodel.study import simulation

    dense = load_study(study_dict(compositions=["NaK65"]))
    hosted = load_study(study_dict(compositions=["NaK65"],
                                   host={"porosity": 0.5, "tortuosity": 2.0}))
    cell = hosted.options.cell.build()
    assert cell.alloy_thickness == pytest.approx(50e-6)
    assert cell.host == PorousHost(0.5, 2.0)
    assert not hasattr(hosted.options.cell, "host_parameters")
    q_dense = simulation.run_point(dense, tmp_path / "dense")["stripped_capacity"]
    q_host = simulation.run_point(hosted, tmp_path / "host")["stripped_capacity"]
    assert q_host == pytest.approx(0.5 * q_dense, rel=0.02)
    explicit = load_study(study_dict(host={"porosity": 0.5, "interface_fraction": 0.2}))
    assert explicit.options.cell.build().host.areal_fraction == 0.2
    for bad, key in (({"porosity": 1.5}, "host.porosity"),
                     ({"porosity": 0.5, "interface_fraction": 0.0}, "host.interface_fraction"),
                     ({"porosity": 0.5, "wetting": 1}, "host")):
        with pytest.raises(ParameterError, match=key):
            load_study(study_dict(host=bad))


def test_geis_time_on_a_level_boundary(kinds, tmp_path):
    """A GEIS time on a boundary: between two protocol steps it is the end of the earlier
    step (strip, not rest); on a level boundary *inside* a ramp step it carries the next
    level's current, as the state of a backward-Euler step at that time does (the module
    docstring says so: give a time just before for the end of a level)."""
    from nakmodel.tables import read_table

    def voltages(protocol, times):
        table = {"geometry": "1d", "pellet_thickness": "1 mm", "alloy_thickness": "100 um",
                 "compositions": ["NaK65"], "protocol": protocol, "geis_times": times}
        out = tmp_path / str(len(list(tmp_path.iterdir())))
        load_study({"study": {"name": "b", "kind": "simulation"},
                    "simulation": table}).run(out)
        rows, _ = read_table(out / "NaK65" / "geis_peaks.csv")
        return [float(r["voltage_V"]) for r in sorted(rows, key=lambda r: float(r["t_s"]))]

    before, at, after = voltages(["Strip at 1 mA/cm2 for 5 min", "Rest for 5 min"],
                                 ["299.4 s", "300 s", "300.6 s"])
    assert at == pytest.approx(before, rel=1e-3) and abs(after) < 0.5 * abs(at)
    before, at, after = voltages(
        ["Ramp stripping from 0.2 to 0.6 mA/cm2 at 0.2 mA/cm2 per 300 s"],
        ["299.4 s", "300 s", "300.6 s"])
    assert at == pytest.approx(after, rel=1e-3) and at > 1.2 * before
