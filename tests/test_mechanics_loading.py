"""Flaw loading laws: solid-metal pressure, Poiseuille outflow, capillarity, bad states."""

import math

import numpy as np
import pytest

from nakmodel.errors import ParameterError
from nakmodel.mechanics.loading import (
    FARADAY,
    FlawLoadingModel,
    FlawState,
    SurfaceEigenstrain,
    capillary_pressure,
    exchange_layer_stress,
    flaw_pressure,
    outflow_pressure,
    overpotential_for_pressure,
    poiseuille_slit_pressure_drop,
    solid_metal_pressure,
)


class Flaw:
    depth = 10e-6
    opening = 1e-6


def test_solid_pressure_is_41_mpa_per_10_mv_for_na():
    p = solid_metal_pressure(-0.010, 23.75e-6)
    assert p == pytest.approx(40.6e6, rel=2e-3)
    assert overpotential_for_pressure(p, 23.75e-6) == pytest.approx(0.010)


def test_poiseuille_scalings():
    base = poiseuille_slit_pressure_drop(1e-3, 1e-5, 1e-12, 1.0, 1e-6)
    assert poiseuille_slit_pressure_drop(1e-3, 1e-5, 1e-12, 1.0, 2e-6) == pytest.approx(base / 8)
    assert poiseuille_slit_pressure_drop(2e-3, 2e-5, 1e-12, 1.0, 1e-6) == pytest.approx(base * 4)


def test_outflow_pressure_closed_form():
    mu, a, h, i, omega = 1e-3, 20e-6, 0.5e-6, 50.0, 23.75e-6
    expected = 12 * mu * i * omega * a**2 / (FARADAY * h**3)
    assert outflow_pressure(mu, a, h, i, omega) == pytest.approx(expected, rel=1e-12)
    assert outflow_pressure(mu, a, h, -i, omega) == 0.0


def test_liquid_flaw_is_benign_and_bounded_by_solid_limit():
    model = FlawLoadingModel(viscosity=1e-3, surface_tension=0.1)
    liquid = flaw_pressure(FlawState(-0.05, 1.0, 10.0), Flaw, model)
    solid = flaw_pressure(FlawState(-0.05, 0.0, 10.0), Flaw, model)
    # continuous with the electrode (default): no meniscus, outflow only
    assert liquid == pytest.approx(outflow_pressure(1e-3, 10e-6, 1e-6, 10.0), rel=1e-12)
    assert solid == pytest.approx(solid_metal_pressure(0.05))
    assert liquid < 0.01 * solid
    # a very viscous liquid cannot exceed the thermodynamic bound
    sticky = FlawLoadingModel(viscosity=1e9)
    assert flaw_pressure(FlawState(-0.05, 1.0, 10.0), Flaw, sticky) == pytest.approx(solid)


def test_no_capillary_load_on_a_continuous_liquid_flaw():
    """A flaw filled from the electrode has no meniscus at its mouth: the capillary term is
    absent whatever the contact angle; an isolated pocket gets -2 gamma cos(theta)/h (sucks
    when wetting, pushes when non-wetting), the total clipped at 0 (no closure load)."""
    state = FlawState(-0.05, 1.0, 10.0)
    outflow = outflow_pressure(1e-3, 10e-6, 1e-6, 10.0)
    for theta in (0.0, math.radians(60), math.radians(150), math.pi):
        continuous = FlawLoadingModel(contact_angle=theta, liquid_continuous=True)
        assert flaw_pressure(state, Flaw, continuous) == pytest.approx(outflow, rel=1e-12)
    nonwetting = FlawLoadingModel(contact_angle=math.radians(150), liquid_continuous=False)
    assert flaw_pressure(state, Flaw, nonwetting) == pytest.approx(
        outflow + 2 * 0.1 * math.cos(math.radians(30)) / 1e-6, rel=1e-12)
    wetting = FlawLoadingModel(contact_angle=math.radians(60), liquid_continuous=False)
    assert capillary_pressure(0.1, 1e-6, math.radians(60)) == pytest.approx(-0.1e6)
    assert flaw_pressure(state, Flaw, wetting) == 0.0  # suction exceeds the outflow load
    with pytest.raises(ParameterError, match="contact_angle"):
        FlawLoadingModel(contact_angle=4.0)


def test_no_plating_no_pressure():
    assert flaw_pressure(FlawState(-0.05, 0.0, 0.0), Flaw) == 0.0
    assert flaw_pressure(FlawState(0.05, 0.0, -5.0), Flaw) == 0.0


def test_threshold_switches_between_liquid_and_solid():
    model = FlawLoadingModel(solid_threshold=0.3)
    assert flaw_pressure(FlawState(-0.05, 0.29, 1.0), Flaw, model) == pytest.approx(
        solid_metal_pressure(0.05))
    assert flaw_pressure(FlawState(-0.05, 0.31, 1.0), Flaw, model) < 1e6


def test_empty_flaw_cannot_be_loaded():
    with pytest.raises(ParameterError, match="metal_fraction"):
        flaw_pressure(FlawState(-0.05, 0.0, 10.0, metal_fraction=0.0), Flaw)


@pytest.mark.parametrize("kwargs, key", [
    ({"overpotential": math.nan}, "overpotential"),
    ({"overpotential": 0.0, "liquid_fraction": 1.5}, "liquid_fraction"),
    ({"overpotential": 0.0, "metal_fraction": -0.1}, "metal_fraction"),
])
def test_bad_flaw_state(kwargs, key):
    with pytest.raises(ParameterError, match=key):
        FlawState(**kwargs)


def test_exchange_layer_stress_and_validation():
    assert exchange_layer_stress(80e9, 0.26, 1e-3) == pytest.approx(-80e6 / 0.74)
    with pytest.raises(ParameterError, match="eigenstrain.depth"):
        SurfaceEigenstrain(depth=-1e-6, strain=1e-3)
    with pytest.raises(ParameterError, match="alloy.viscosity"):
        FlawLoadingModel(viscosity=0.0)


def test_flaw_size_sweep_takes_unit_strings_and_refuses_bad_ones_before_meshing():
    """Depths and toughnesses as unit strings; a wrong unit or a non-positive depth is a
    one-line ParameterError naming the key (raised before any FE solve)."""
    from nakmodel.errors import ParameterError
    from nakmodel.mechanics.critical_load import _si_values, flaw_size_sweep

    np.testing.assert_allclose(_si_values(["5 um", 1e-5], "m", "flaw.depth"), [5e-6, 1e-5])
    np.testing.assert_allclose(_si_values("1 MPa*m^0.5", "Pa*m^0.5", "k"), [1e6])
    with pytest.raises(ParameterError, match=r"flaw\.depth.*wrong dimension"):
        flaw_size_sweep(["5 kg"], ["1 MPa*m^0.5"])
    with pytest.raises(ParameterError, match=r"flaw\.depth: must be positive"):
        flaw_size_sweep(["-5 um"], ["1 MPa*m^0.5"])
    with pytest.raises(ParameterError, match=r"nasicon\.fracture_toughness"):
        flaw_size_sweep(["5 um"], ["0 MPa*m^0.5"])
