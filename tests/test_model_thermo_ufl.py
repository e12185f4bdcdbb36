"""The UFL thermodynamics of the FE model equal the numpy reference nakmodel.thermo."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401, I001

import numpy as np
import pytest
import ufl
from dolfinx import fem, mesh
from mpi4py import MPI

from nakmodel import thermo
from nakmodel.model import thermo_ufl as tu
from nakmodel.model.materials import AlloyProperties
from nakmodel.parameters import load_parameters

T = 298.15


@pytest.fixture(scope="module")
def setup():
    p = load_parameters()
    a = AlloyProperties.from_parameters(p)
    x = np.linspace(0.12, 0.70, 30)
    return p, a, x


def _ufl_values(expr_of_x, x_values):
    """Evaluate a UFL function of x at the vertices of an interval mesh with x as coordinate."""
    msh = mesh.create_interval(MPI.COMM_SELF, len(x_values) - 1,
                               [float(x_values[0]), float(x_values[-1])])
    msh.geometry.x[:, 0] = np.sort(msh.geometry.x[:, 0])
    V = fem.functionspace(msh, ("Lagrange", 1))
    X = ufl.SpatialCoordinate(msh)
    f = fem.Function(V)
    f.interpolate(fem.Expression(expr_of_x(X[0]), V.element.interpolation_points))
    xs = V.tabulate_dof_coordinates()[:, 0]
    order = np.argsort(xs)
    return xs[order], f.x.array[order]


def test_numpy_forms_match_thermo(setup):
    p, a, x = setup
    L = (a.redlich_kister_L0, a.redlich_kister_L1, a.redlich_kister_L2)
    np.testing.assert_allclose(tu.activity_na(x, T, *L), thermo.activity_na(x, T, params=p),
                               rtol=1e-12)
    np.testing.assert_allclose(tu.thermodynamic_factor(x, T, *L),
                               thermo.thermodynamic_factor(x, T, params=p), rtol=1e-12)
    d_na, d_k = a.tracer_diffusivities(T)
    np.testing.assert_allclose(
        tu.interdiffusivity(x, T, L[0], L[1], d_na, d_k, a.interdiffusivity_factor, L[2]),
        thermo.interdiffusivity(x, T, params=p), rtol=1e-12)
    lo, hi = a.liquid_window(T, p)
    inside = (x > lo) & (x < hi)
    np.testing.assert_allclose(
        tu.ocv_vs_na(x[inside], T, L[0], L[1], a.na_melting_point, a.na_enthalpy_of_fusion,
                     L[2]), thermo.ocv_vs_na(x[inside], T, params=p), rtol=1e-10, atol=1e-12)
    assert (lo, hi) == pytest.approx(tuple(float(v) for v in thermo.liquid_window(T, p)))


def test_ufl_forms_match_thermo(setup):
    p, a, x = setup
    L = (a.redlich_kister_L0, a.redlich_kister_L1, a.redlich_kister_L2)
    d_na, d_k = a.tracer_diffusivities(T)
    xs, vals = _ufl_values(lambda X: tu.interdiffusivity(X, T, L[0], L[1], d_na, d_k,
                                                          a.interdiffusivity_factor, L[2]), x)
    np.testing.assert_allclose(vals, thermo.interdiffusivity(xs, T, params=p), rtol=1e-10)
    lo, hi = a.liquid_window(T, p)
    xs, vals = _ufl_values(lambda X: tu.ocv_vs_na(X, T, L[0], L[1], a.na_melting_point,
                                                  a.na_enthalpy_of_fusion, L[2]),
                           np.linspace(lo + 0.01, hi - 0.01, 20))
    np.testing.assert_allclose(vals, thermo.ocv_vs_na(xs, T, params=p), rtol=1e-9, atol=1e-12)


def test_smoothed_lever_rule_converges_to_thermo(setup):
    """liquid_fraction/liquid_composition -> thermo's lever rule as the smoothing -> 0."""
    p, a, _ = setup
    lo, s_lo, hi, s_hi = a.phase_boundaries(T, p)
    x = np.array([s_lo + 0.02, 0.06, 0.10, 0.3, 0.5, 0.8, 0.9])
    exact = thermo.liquid_fraction(x, T, params=p)
    errors = [np.max(np.abs(tu.liquid_fraction(x, lo, hi, w, s_lo, s_hi) - exact))
              for w in (1e-2, 1e-3)]
    assert errors[1] < errors[0] / 5 and errors[1] < 1e-3
    x_l = tu.liquid_composition(x, lo, hi, 1e-6)
    np.testing.assert_allclose(x_l, np.clip(x, lo, hi), atol=1e-6)


def test_content_and_mole_fraction_are_inverse():
    ck = tu.potassium_content(0.63, 23.75e-6, 45.36e-6)
    x = np.linspace(0.01, 0.99, 50)
    np.testing.assert_allclose(tu.mole_fraction_from_content(
        tu.content_from_mole_fraction(x, ck), ck), x, rtol=1e-13)
    # stretch of the reference state is 1 (ideal molar volumes)
    c0 = tu.content_from_mole_fraction(0.63, ck)
    assert tu.stretch(c0, ck, 23.75e-6, 45.36e-6) == pytest.approx(1.0, rel=1e-13)
