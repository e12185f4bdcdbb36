"""Electrolyte (constriction) resistance: FE vs exact and reference solutions."""

import math

import dolfinx_solver  # noqa: F401  (before dolfinx)

import numpy as np
import pytest

from nakmodel.analysis import (
    constriction_factor,
    electrolyte_resistance,
    holm_cylinder_resistance,
    spot_resistance_series,
    strip_resistance_exact,
)
from nakmodel.errors import ParameterError
from nakmodel.geometry import Cell, ContactSpots

SIGMA = 0.5
B, L = 1e-3, 2e-3


def _spot_cell(kind, a, h, **kw):
    return Cell(geometry=kind, pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
                contact=ContactSpots(radius=a), mesh_size=h, edge_mesh_size=h / 10,
                bulk_mesh_size=2e-4, **kw)


@pytest.mark.parametrize("kind, exact", [
    ("axisymmetric", L / (SIGMA * math.pi * B * B)),
    ("planar", L / (SIGMA * B)),
    ("1d", L / (SIGMA * math.pi * B * B)),
])
def test_full_contact_is_the_bulk_resistance(kind, exact):
    cell = Cell(geometry=kind, pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
                mesh_size=1e-4)
    assert electrolyte_resistance(cell, SIGMA) == pytest.approx(exact, rel=1e-8)


def test_full_contact_3d_is_bounded_by_the_meshed_sections():
    cell = Cell(geometry="3d", pellet_radius=B, pellet_thickness=5e-4, alloy_thickness=1e-4,
                mesh_size=1e-4, bulk_mesh_size=2.5e-4)
    cm = cell.build_mesh()
    r = electrolyte_resistance(cm, SIGMA, degree=1)
    # the circular rim is a polygon, finer at the interface than at the bottom: the section
    # varies between the two meshed end areas, so R lies between the two prism values
    areas = sorted([cm.area("counter_electrode"), cm.area("interface_contact")])
    assert 5e-4 / (SIGMA * areas[1]) <= r <= 5e-4 / (SIGMA * areas[0])
    assert r == pytest.approx(5e-4 / (SIGMA * math.pi * B * B), rel=0.02)


def test_parameters_object_and_bad_input():
    from nakmodel.parameters import load_parameters

    p = load_parameters({"nasicon.conductivity": "1e-3 S/cm"})
    cell = Cell(geometry="1d", pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4)
    assert electrolyte_resistance(cell, p) == pytest.approx(L / (0.1 * math.pi * B * B))
    with pytest.raises(ParameterError, match="nasicon.conductivity"):
        electrolyte_resistance(cell, -1.0)
    with pytest.raises(ParameterError, match="cell"):
        electrolyte_resistance("cell", SIGMA)


def test_series_reference_limits():
    """Variational series: Holm half-space limit, Roess psi, upper-bound property."""
    bulk = L / (SIGMA * math.pi * B * B)
    for eps in (0.01, 0.02):
        a = eps * B
        psi = (spot_resistance_series(a, B, L, SIGMA) - bulk) * 4 * SIGMA * a
        assert psi == pytest.approx(1 - 1.40925 * eps, abs=2e-5)
    for eps in (0.1, 0.25, 0.5):
        a = eps * B
        series = spot_resistance_series(a, B, L, SIGMA)
        assert holm_cylinder_resistance(a, B, L, SIGMA) == pytest.approx(series, rel=1e-3)
        one_term = spot_resistance_series(a, B, L, SIGMA, n_basis=1)
        assert one_term >= series  # Thomson: a restricted current distribution dissipates more
    assert constriction_factor(0.0) == 1.0
    assert np.all(np.diff(constriction_factor(np.linspace(0, 0.6, 20))) < 0)


def test_axisymmetric_spot_converges_to_holm_from_below():
    a = 0.25 * B
    ref = spot_resistance_series(a, B, L, SIGMA)
    errors = []
    for h in (8e-5, 4e-5, 2e-5):
        r = electrolyte_resistance(_spot_cell("axisymmetric", a, h), SIGMA)
        assert r < ref  # energy (Dirichlet) principle: FE conductance is an upper bound
        errors.append(ref / r - 1)
    orders = np.log2(np.array(errors[:-1]) / np.array(errors[1:]))
    assert np.all(orders > 0.8), orders
    assert errors[-1] < 0.01
    assert r == pytest.approx(holm_cylinder_resistance(a, B, L, SIGMA), rel=0.01)


def test_planar_strip_matches_conformal_map():
    a = 0.25 * B
    exact = strip_resistance_exact(a, B, L, SIGMA)
    errors = []
    for h in (8e-5, 4e-5):
        r = electrolyte_resistance(_spot_cell("planar", a, h), SIGMA)
        assert r < exact
        errors.append(exact / r - 1)
    assert errors[1] < 0.6 * errors[0]
    assert errors[1] < 2e-3


def test_flaw_lowers_the_resistance():
    """A metal-filled pit under a spot brings the equipotential closer to the counter electrode."""
    a, h = 0.25 * B, 4e-5
    plain = electrolyte_resistance(_spot_cell("axisymmetric", a, h), SIGMA)
    from nakmodel.geometry import SurfaceFlaw

    flawed_cell = _spot_cell("axisymmetric", a, h,
                             flaw=SurfaceFlaw(depth=4e-4, opening=1e-4, position=0.0))
    flawed = electrolyte_resistance(flawed_cell, SIGMA)
    ignored = electrolyte_resistance(flawed_cell, SIGMA, include_flaw=False)
    assert flawed < plain < ignored


@pytest.mark.slow
def test_3d_spot_matches_series():
    a = 0.3 * B
    ref = spot_resistance_series(a, B, L, SIGMA)
    cell = Cell(geometry="3d", pellet_radius=B, pellet_thickness=L, alloy_thickness=1e-4,
                contact=ContactSpots(radius=a), mesh_size=1e-4, edge_mesh_size=1.2e-5,
                bulk_mesh_size=2.5e-4)
    r = electrolyte_resistance(cell, SIGMA)
    assert r == pytest.approx(ref, rel=0.01)


def test_spot_array_estimate_limits():
    from nakmodel.analysis import spot_array_resistance

    a = 0.2 * B
    # one spot: the Holm-Roess single-spot value
    assert spot_array_resistance(a, 1, B, L, SIGMA) == pytest.approx(
        holm_cylinder_resistance(a, B, L, SIGMA), rel=1e-14)
    # many small spots at fixed fraction: constriction ~ 1/N -> bulk
    bulk = L / (SIGMA * math.pi * B * B)
    f = 0.2
    extra = [spot_array_resistance(B * math.sqrt(f / n), n, B, L, SIGMA) - bulk
             for n in (10, 40, 160)]
    assert extra[0] / extra[1] == pytest.approx(2.0, rel=1e-12)  # a ~ N^-1/2 -> 1/(aN) ~ N^-1/2
    assert extra[1] / extra[2] == pytest.approx(2.0, rel=1e-12)
    with pytest.raises(ParameterError):
        spot_array_resistance(a, 30, B, L, SIGMA)
