"""Sweep definitions: grid expansion, stable point ids, and every bad input reported up front."""

from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nakmodel.errors import ParameterError
from nakmodel.sweep import load_sweep


def thermo(sweep: dict, **extra) -> dict:
    data = {"study": {"name": "s", "kind": "thermodynamics"},
            "parameters": {"temperature": "25 degC"}, "sweep": sweep}
    data.update(extra)
    return data


def param(key, values=None, **kw) -> dict:
    entry = {"key": key}
    if values is not None:
        entry["values"] = values
    entry.update(kw)
    return entry


def test_cartesian_grid_with_a_unit_range_resolves_every_point_to_si():
    spec = load_sweep(thermo({"parameter": [
        param("alloy.composition", ["NaK50", "NaK80"]),
        param("temperature", range={"start": "0 degC", "stop": "60 degC", "num": 4})]}))
    assert len(spec.points) == 2 * 4
    temps = [p.study.parameters.temperature for p in spec.points[:4]]
    assert temps == pytest.approx([273.15, 293.15, 313.15, 333.15], abs=1e-9)
    # the kind's option default (temperature) follows the swept parameter
    assert [p.study.options.temperature for p in spec.points[:4]] == pytest.approx(temps)
    assert spec.points[-1].study.parameters.alloy.composition.label == "NaK80"
    assert spec.points[0].si["alloy.composition"] == pytest.approx(0.6297, abs=1e-3)
    assert len({p.point_id for p in spec.points}) == 8
    assert spec.units == {"alloy.composition": "x_Na", "temperature": "K"}


def test_log_range_is_geometric_and_zip_pairs_values():
    spec = load_sweep(thermo({"mode": "zip", "parameter": [
        param("nasicon.conductivity", range={"start": "1e-4 S/cm", "stop": "1e-2 S/cm",
                                             "num": 3, "scale": "log"}),
        param("thermodynamics.layer_thickness", ["50 um", "100 um", "200 um"])]}))
    sigma = [p.study.parameters.nasicon.conductivity for p in spec.points]
    assert sigma == pytest.approx([1e-2, 1e-1, 1.0], rel=1e-12)  # S/m
    assert [p.study.options.layer_thickness for p in spec.points] == \
        pytest.approx([50e-6, 100e-6, 200e-6], rel=1e-12)


def test_list_mode_takes_explicit_points():
    spec = load_sweep(thermo({"mode": "list", "points": [
        {"temperature": "10 degC", "alloy.composition": "NaK65"},
        {"temperature": "30 degC"}]}))
    assert [p.study.parameters.temperature for p in spec.points] == pytest.approx(
        [283.15, 303.15])
    assert spec.swept == ("temperature", "alloy.composition")


def test_point_id_depends_on_physics_only():
    a = load_sweep(thermo({"parameter": [param("temperature", ["25 degC", "40 degC"])]}))
    b = load_sweep(thermo({"parameter": [param("temperature", ["313.15 K", "298.15 K"])]},
                          study={"name": "other name", "kind": "thermodynamics"}))
    assert {p.point_id for p in a.points} == {p.point_id for p in b.points}
    changed = thermo({"parameter": [param("temperature", ["25 degC", "40 degC"])]})
    changed["parameters"]["nasicon.conductivity"] = "2e-3 S/cm"
    c = load_sweep(changed)
    assert not {p.point_id for p in a.points} & {p.point_id for p in c.points}
    assert load_sweep(copy.deepcopy(changed)).points[0].point_id == c.points[0].point_id


BAD = [
    ("unknown swept key",
     {"parameter": [param("nasicon.conductivty", [1.0])]},
     ["nasicon.conductivty", "did you mean 'nasicon.conductivity'"]),
    ("unknown option key",
     {"parameter": [param("thermodynamics.layer_thicknes", ["1 um"])]},
     ["did you mean 'thermodynamics.layer_thickness'"]),
    ("empty values",
     {"parameter": [param("temperature", [])]},
     ["sweep.parameter[0].values", "non-empty"]),
    ("empty range",
     {"parameter": [param("temperature", range={"start": "0 degC", "stop": "9 degC",
                                                "num": 0})]},
     ["sweep.parameter[0].range.num", "empty range"]),
    ("incompatible units",
     {"parameter": [param("temperature", ["25 degC", "3 m"])]},
     ["parameters.temperature", "dimension", "'3 m'"]),
    ("range end in wrong units",
     {"parameter": [param("nasicon.conductivity", range={"start": "1 S/m", "stop": "2 V",
                                                         "num": 2})]},
     ["sweep.parameter[0].range.stop", "dimension"]),
    ("zip of unequal lengths",
     {"mode": "zip", "parameter": [param("temperature", ["20 degC", "30 degC"]),
                                   param("nasicon.conductivity", [0.1, 0.2, 0.3])]},
     ["equal length", "nasicon.conductivity"]),
    ("log range through zero",
     {"parameter": [param("interface.contact_fraction",
                          range={"start": 0.0, "stop": 1.0, "num": 3, "scale": "log"})]},
     ["positive ends"]),
    ("duplicate keys",
     {"parameter": [param("temperature", ["20 degC"]), param("temperature", ["30 degC"])]},
     ["duplicate swept key 'temperature'"]),
    ("unknown output",
     {"outputs": ["strippable_mAh_cm"], "parameter": [param("temperature", ["20 degC"])]},
     ["unknown output", "did you mean 'strippable_mAh_cm2'"]),
    ("unknown mode",
     {"mode": "cartesain", "parameter": [param("temperature", ["20 degC"])]},
     ["sweep.mode", "did you mean 'cartesian'"]),
    ("value out of range",
     {"parameter": [param("nasicon.conductivity", [0.1, -1.0])]},
     ["parameters.nasicon.conductivity", "out of range", "S/m"]),
    ("values and range",
     {"parameter": [param("temperature", ["20 degC"], range={"start": "1 K", "stop": "2 K",
                                                              "num": 2})]},
     ["exactly one of 'values' or 'range'"]),
    ("identical points",
     {"parameter": [param("temperature", ["25 degC", "298.15 K"])]},
     ["resolve to the same inputs"]),
    ("list mode without points",
     {"mode": "list", "points": []},
     ["sweep.points", "non-empty"]),
    ("plain number where units are needed",
     {"parameter": [param("temperature", range={"start": 280, "stop": 300, "num": 2})]},
     ["sweep.parameter[0].range.start", "give units"]),
]


@pytest.mark.parametrize("name, sweep, fragments", BAD, ids=[b[0] for b in BAD])
def test_bad_sweep_is_rejected_before_anything_runs(name, sweep, fragments):
    with pytest.raises(ParameterError) as info:
        load_sweep(thermo(sweep))
    text = str(info.value)
    for fragment in fragments:
        assert fragment in text, f"{name}: {fragment!r} not in:\n{text}"


def test_all_problems_are_reported_at_once():
    with pytest.raises(ParameterError) as info:
        load_sweep(thermo({"mode": "cartesian", "outputs": ["nope"], "parameter": [
            param("nasicon.conductivty", [1.0]), param("temperature", []),
            param("temperature", ["1 degC"])]}))
    keys = [p.key for p in info.value.problems]
    assert "sweep.outputs" in keys
    assert "sweep.parameter[0].key" in keys
    assert "sweep.parameter[1].values" in keys
    assert "sweep.parameter[2].key" in keys  # duplicate


def test_missing_sweep_table_and_base_study_problems(tmp_path):
    with pytest.raises(ParameterError, match="missing \\[sweep\\] table"):
        load_sweep({"study": {"name": "s", "kind": "thermodynamics"}})
    with pytest.raises(ParameterError) as info:
        load_sweep(thermo({"parameter": [param("temperature", ["20 degC"])]},
                          parameters={"nasicon.conductivity": "1 m"}))
    assert "parameters.nasicon.conductivity" in str(info.value)
    with pytest.raises(ParameterError, match="not found"):
        load_sweep(tmp_path / "missing.toml")


def test_example_study_file_is_valid():
    from pathlib import Path

    spec = load_sweep(Path(__file__).resolve().parents[1] / "studies" / "thermo_sweep.toml")
    assert len(spec.points) == 12
    assert spec.outputs[-1] == "platable_mAh_cm2"


@settings(max_examples=15, deadline=None)
# total conductivity below the default bulk (grain) conductivity, 1.5 S/m (brick layer)
@given(sigma=st.floats(min_value=1e-4, max_value=1.4, allow_nan=False))
def test_point_id_does_not_depend_on_the_unit_spelling(sigma):
    si = load_sweep(thermo({"parameter": [param("nasicon.conductivity", [sigma])]}))
    ms_cm = load_sweep(thermo({"parameter": [param("nasicon.conductivity",
                                                   [f"{sigma * 10.0!r} mS/cm"])]}))
    assert si.points[0].point_id == ms_cm.points[0].point_id
    with pytest.raises(ParameterError, match="resolve to the same inputs"):
        load_sweep(thermo({"parameter": [param("nasicon.conductivity",
                                               [sigma, f"{sigma * 10.0!r} mS/cm"])]}))


def test_composition_range_is_in_mole_fraction_of_na():
    spec = load_sweep(thermo({"parameter": [param(
        "alloy.composition", range={"start": 0.3, "stop": 0.6, "num": 4})]}))
    x = [p.study.parameters.alloy.composition.x_na for p in spec.points]
    assert x == [0.3, 0.4, 0.5, 0.6]  # grid values rounded to 15 digits: exact decimals
    with pytest.raises(ParameterError, match="x_Na"):
        load_sweep(thermo({"parameter": [param(
            "alloy.composition", range={"start": 0.5, "stop": 1.5, "num": 2})]}))


def test_a_ccd_sweep_point_must_scan_one_direction(tmp_path):
    from nakmodel.errors import ParameterError
    from nakmodel.sweep.spec import load_sweep

    study = tmp_path / "ccd.toml"
    study.write_text('[study]\nname = "c"\nkind = "ccd"\n[ccd]\ngeometry = "1d"\n'
                     'alloy_thickness = "20 um"\ndirections = ["strip", "plate"]\n'
                     '[sweep]\n[[sweep.parameter]]\nkey = "temperature"\n'
                     'values = ["20 degC", "30 degC"]\n')
    with pytest.raises(ParameterError, match="ccd.directions") as err:
        load_sweep(study)
    assert len(err.value.problems) == 1  # said once, not once per point
