"""Parameter system: defaults, units, validation of bad input, round trips."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

import nakmodel
from nakmodel.composition import (
    Composition,
    parse_composition,
    wt_pct_k_from_x_na,
    x_na,
    x_na_from_wt_pct_k,
)
from nakmodel.errors import ParameterError
from nakmodel.parameters import all_keys, load_parameters


def test_defaults_are_si_and_sourced():
    p = nakmodel.load_parameters()
    assert p.temperature == pytest.approx(298.15)
    assert p.nasicon.conductivity == pytest.approx(0.5)  # 5e-3 S/cm
    assert p.alloy.na_tracer_diffusivity_prefactor == pytest.approx(8.6e-8)
    assert p.alloy.na_tracer_activation_energy == pytest.approx(2.22 * 4184.0)
    assert p.interface.double_layer_capacitance == pytest.approx(0.2)  # 20 uF/cm^2
    assert p.numerics.dt_max == pytest.approx(600.0)
    for key in all_keys():
        source, tag = p.sources[key]
        assert source, f"{key} has no source"
        assert tag in {"F", "M", "I", "?"}, key
    # values the physics reference says are unknown are flagged as assumptions
    for key in ("interface.exchange_current_density", "interface.double_layer_capacitance",
                "nasicon.relative_permittivity", "alloy.interdiffusivity_factor"):
        assert key in p.assumptions()


def test_required_key_names():
    p = load_parameters()
    for key in ("temperature", "alloy.composition", "nasicon.conductivity",
                "nasicon.relative_permittivity", "nasicon.youngs_modulus",
                "nasicon.poisson_ratio", "nasicon.fracture_toughness",
                "interface.exchange_current_density", "interface.double_layer_capacitance"):
        p.get(key)


def test_overrides_with_units_dict_and_nested():
    p = load_parameters({"alloy.composition": "NaK65", "nasicon": {"conductivity": "1e-3 S/cm"},
                         "temperature": "60 degC", "cell.alloy_thickness": "50 um"})
    assert p.alloy.composition.x_na == pytest.approx(0.4780, abs=5e-4)
    assert p.nasicon.conductivity == pytest.approx(0.1)
    assert p.temperature == pytest.approx(333.15)
    assert p.cell.alloy_thickness == pytest.approx(5e-5)
    assert p.sources["nasicon.conductivity"] == ("user", "user")
    q = p.replace({"interface.exchange_current_density": "1 mA/cm^2"})
    assert q.interface.exchange_current_density == pytest.approx(10.0)
    assert p.interface.exchange_current_density == pytest.approx(1000.0)  # immutable


def test_toml_round_trip(tmp_path):
    p = load_parameters({"alloy.composition": {"at_pct_K": 40}, "temperature": "40 degC"})
    path = tmp_path / "p.toml"
    path.write_text(p.to_toml())
    q = load_parameters(path)
    assert q == p
    assert q.sources == p.sources


def test_activation_energy_in_ev():
    # the total-conductivity Arrhenius is for a homogeneous ceramic (no grain boundaries)
    p = load_parameters({"nasicon.conductivity_activation_energy": "0.3 eV",
                         "nasicon.bulk_conductivity": 0})
    assert p.nasicon.conductivity_activation_energy == pytest.approx(0.3 * 96485.332, rel=1e-6)


# (overrides, key that the message must name, a fragment of the message)
BAD_INPUTS = [
    ({"nasicon.conductivity": 0}, "nasicon.conductivity", "(0, 100] S/m"),
    ({"nasicon.conductivity": -0.5}, "nasicon.conductivity", "out of range"),
    ({"nasicon.conductivity": "-1 S/cm"}, "nasicon.conductivity", "out of range"),
    ({"alloy.na_tracer_diffusivity_prefactor": 0}, "alloy.na_tracer_diffusivity_prefactor",
     "m^2/s"),
    ({"alloy.solid_diffusivity": -1e-12}, "alloy.solid_diffusivity", "m^2/s"),
    ({"cell.alloy_thickness": 0}, "cell.alloy_thickness", "(0, 1] m"),
    ({"cell.pellet_thickness": "-1 mm"}, "cell.pellet_thickness", "out of range"),
    ({"alloy.composition": {"x_Na": 1.2}}, "alloy.composition.x_Na", "[0, 1]"),
    ({"alloy.composition": {"x_Na": -0.1}}, "alloy.composition.x_Na", "[0, 1]"),
    ({"alloy.composition": {"wt_pct_K": 120}}, "alloy.composition.wt_pct_K", "[0, 100]"),
    ({"alloy.composition": "NaK120"}, "alloy.composition", "wt% K"),
    ({"alloy.composition": "NaX50"}, "alloy.composition", "unknown composition"),
    ({"alloy.composition": 0.5}, "alloy.composition", "ambiguous"),
    ({"alloy.composition": {"x_Na": 0.5, "wt_pct_K": 3}}, "alloy.composition", "exactly one"),
    ({"interface.exchange_current_density": "0.4 mA"}, "interface.exchange_current_density",
     "wrong dimension"),
    ({"temperature": 298.15}, "temperature", "give units"),
    ({"temperature": "1000 degC"}, "temperature", "[200, 400] K"),
    ({"temperature": "25 m"}, "temperature", "wrong dimension"),
    ({"nasicon.youngs_modulus": float("nan")}, "nasicon.youngs_modulus", "finite"),
    ({"nasicon.youngs_modulus": float("inf")}, "nasicon.youngs_modulus", "finite"),
    ({"nasicon.youngs_modulus": "nan GPa"}, "nasicon.youngs_modulus", "finite"),
    ({"nasicon.poisson_ratio": 0.5}, "nasicon.poisson_ratio", "0.5)"),
    ({"nasicon.conductivty": 1.0}, "nasicon.conductivty", "did you mean 'nasicon.conductivity'"),
    ({"alloy.compositon": "NaK50"}, "alloy.compositon", "did you mean 'alloy.composition'"),
    ({"interface.contact_fraction": 1.5}, "interface.contact_fraction", "(0, 1]"),
    ({"interface.contact_fraction": 0}, "interface.contact_fraction", "(0, 1]"),
    ({"interface.anodic_transfer_coefficient": 1.0}, "interface.anodic_transfer_coefficient",
     "(0, 1)"),
    ({"numerics.newton_max_iterations": 2.5}, "numerics.newton_max_iterations", "integer"),
    ({"numerics.dt_initial": "1 mA"}, "numerics.dt_initial", "wrong dimension"),
    ({"numerics.dt_min": "1 h"}, "numerics.dt_min", "dt_initial"),
    ({"numerics.mesh_size": "1 mm"}, "numerics.mesh_size", "thinnest layer"),
    ({"nasicon.conductivity": "abc"}, "nasicon.conductivity", "cannot parse"),
    ({"nasicon.conductivity": True}, "nasicon.conductivity", "boolean"),
    ({"nasicon.conductivity": [1, 2]}, "nasicon.conductivity", "not list"),
    ({"nasicon.conductivity": {"value": 1, "sorce": "me"}}, "nasicon.conductivity",
     "unknown fields"),
]


@pytest.mark.parametrize("overrides, key, fragment", BAD_INPUTS,
                         ids=[f"{i}-{b[1]}" for i, b in enumerate(BAD_INPUTS)])
def test_bad_input_names_the_key(overrides, key, fragment):
    with pytest.raises(ParameterError) as info:
        load_parameters(overrides)
    message = str(info.value)
    assert key in message
    assert fragment in message


def test_all_problems_reported_at_once():
    with pytest.raises(ParameterError) as info:
        load_parameters({"nasicon.conductivity": 0, "temperature": 300, "cell.pellet_radius": -1,
                         "foo.bar": 1})
    assert len(info.value.problems) == 4
    assert len(str(info.value).splitlines()) == 4


@pytest.mark.parametrize("content, fragment", [
    ("", "empty"),
    ("   \n\n", "empty"),
    ("[nasicon\nconductivity = 1", "malformed TOML"),
    ("conductivity = = 2", "malformed TOML"),
    (b"\xff\xfe\x00garbage", "malformed TOML"),
])
def test_bad_files(tmp_path, content, fragment):
    path = tmp_path / "bad.toml"
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content)
    with pytest.raises(ParameterError, match=fragment):
        load_parameters(path)


def test_missing_file(tmp_path):
    with pytest.raises(ParameterError, match="not found"):
        load_parameters(tmp_path / "nope.toml")


@pytest.mark.parametrize("label, expected", [("NaK50", 0.6297), ("NaK65", 0.4780),
                                             ("NaK80", 0.2983), ("NaK-78", 0.3242),
                                             ("Na", 1.0), ("K", 0.0)])
def test_composition_labels(label, expected):
    # NaKx = x wt% K (physics.md §1): x_Na 0.630 / 0.478 / 0.298 for NaK50/65/80
    assert x_na(label) == pytest.approx(expected, abs=1e-4)


def test_composition_conventions_agree():
    a = parse_composition({"wt_pct_K": 50})
    b = parse_composition({"x_Na": a.x_na})
    c = parse_composition({"at_pct_K": a.at_pct_k})
    assert a.x_na == pytest.approx(b.x_na) == pytest.approx(c.x_na)
    assert x_na(load_parameters()) == pytest.approx(a.x_na)


@given(st.floats(min_value=0.0, max_value=100.0, allow_nan=False))
def test_wt_pct_round_trip(wt):
    assert wt_pct_k_from_x_na(x_na_from_wt_pct_k(wt)) == pytest.approx(wt, abs=1e-10)


@given(st.floats(min_value=0.0, max_value=1.0, allow_nan=False))
def test_x_na_round_trip_through_all_conventions(x):
    comp = Composition(x)
    assert parse_composition({"wt_pct_K": comp.wt_pct_k}).x_na == pytest.approx(x, abs=1e-12)
    assert parse_composition({"at_pct_K": comp.at_pct_k}).x_na == pytest.approx(x, abs=1e-12)
    assert math.isclose(comp.x_na + comp.x_k, 1.0)


def test_composition_outside_window_is_allowed():
    # a K metal working electrode is a real case
    p = load_parameters({"alloy.composition": "K"})
    assert p.alloy.composition.x_na == 0.0


@pytest.mark.parametrize("text, unit, expected", [
    ("0.4 mA/cm2", "A/m^2", 4.0), ("0.4 mA cm-2", "A/m^2", 4.0), ("2 mAh/cm2", "C/m^2", 72000.0),
    ("1e-3 S/cm", "S/m", 0.1), ("1.5e-5 cm2/s", "m^2/s", 1.5e-9), ("20 µF/cm²", "F/m^2", 0.2),
    ("25 degC", "K", 298.15), ("25 °C", "K", 298.15), ("100 um", "m", 1e-4),
    ("0.14 eV", "J/mol", 0.14 * 96485.33212331001),
])
def test_unit_spellings(text, unit, expected):
    from nakmodel.units import to_si

    assert to_si(text, unit) == pytest.approx(expected, rel=1e-9)


def test_default_alloy_equals_the_loaded_default_set():
    from nakmodel.parameter_defaults import default_alloy, default_si

    assert default_alloy() == load_parameters().alloy
    assert default_si("cell.pellet_thickness") == load_parameters().cell.pellet_thickness
    assert default_si("alloy.composition") is None  # not a float
