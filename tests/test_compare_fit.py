"""fit_model: synthetic truth recovery within the Jacobian CIs, identifiability warnings,
input validation before any solve (1D default cell: fast)."""

from __future__ import annotations

import warnings

import dolfinx_solver  # noqa: F401, I001

import numpy as np
import pytest

import nakmodel
from nakmodel.errors import ParameterError
from nakmodel.fe_model_fit import IdentifiabilityWarning, fit_model
from nakmodel.geometry import Cell
from nakmodel.parameters import load_parameters
from nakmodel.spectrum import Spectrum

I0, SIGMA = "interface.exchange_current_density", "nasicon.conductivity"
CDL = "interface.double_layer_capacitance"


@pytest.fixture(scope="module")
def truth():
    """Default set with i0 = 10 mA/cm2: charge transfer RT/(F i0) = 2.6 ohm cm2 is a visible
    13 % of the 20 ohm cm2 of the 1 mm ceramic (at the default 100 mA/cm2 it is 1.3 %: see
    test_default_i0_on_a_fully_wetted_cell_is_hard_to_identify)."""
    return load_parameters({I0: "10 mA/cm^2"})


@pytest.fixture(scope="module")
def cell_mesh(truth):
    return Cell.from_parameters(truth, geometry="1d").build_mesh()


def _noisy(cell_mesh, params, f, level=0.005, seed=3):
    s = nakmodel.impedance(cell_mesh, params, f, method="direct")
    rng = np.random.default_rng(seed)
    noise = level * (rng.standard_normal(f.size) + 1j * rng.standard_normal(f.size))
    return Spectrum(f, s.Z * (1 + noise), s.area, label="synthetic", meta={"path": "syn.csv"})


def test_recovers_i0_and_sigma_within_ci(cell_mesh, truth):
    f = np.logspace(6, -1, 29)
    measured = _noisy(cell_mesh, truth, f)
    start = truth.replace({I0: 2.0 * truth.get(I0), SIGMA: 0.6 * truth.get(SIGMA)})
    result = fit_model(measured, cell_mesh, start, fit=(I0, SIGMA))
    true_values = {I0: truth.get(I0), SIGMA: truth.get(SIGMA)}
    assert all(result.within_ci(true_values).values()), result.summary()
    for key in (I0, SIGMA):
        # both features are visible: the interval is narrow (5 %), and the estimate moved
        # from the perturbed start to within 3 standard errors of the truth
        assert result.std_errors[key] / result.values[key] < 0.05
        assert abs(result.values[key] - true_values[key]) < 3 * result.std_errors[key]
        assert result.identifiable[key]
        assert result.parameters.sources[key][0].startswith("fit to syn.csv")
    # the residual is the noise: 0.5 % per component, √2 · 0.5 % in modulus
    assert 0.004 < result.rms_relative_residual < 0.01
    np.testing.assert_allclose(result.measured.Z - result.model.Z, result.residuals)
    # the fitted set is a valid parameter file with the fitted values
    again = load_parameters(dict(__import__("tomllib").loads(result.to_toml())))
    assert again.get(I0) == pytest.approx(result.values[I0], rel=1e-12)
    assert "syn.csv" in result.summary() and "95% CI" in result.summary()
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    assert result.plot(ax) is ax
    z = result.model.Z * result.model.area * 1e4  # Ω cm²
    np.testing.assert_allclose(ax.lines[1].get_xdata(), z.real)
    assert "Ω cm²" in ax.get_xlabel()
    plt.close(fig)


def test_default_i0_on_a_fully_wetted_cell_is_hard_to_identify(cell_mesh):
    """At the default i0 (100 mA/cm2, constriction-dominated picture) a fully wetted 1D cell
    has 0.26 ohm cm2 of charge transfer next to 20 ohm cm2 of ceramic: from 0.5 % noise the
    fit of i0 is at least 5x less certain than at 10 mA/cm2 (relative standard error), while
    sigma stays as sharp."""
    f = np.logspace(6, -1, 29)
    errors = {}
    for i0 in ("10 mA/cm^2", "100 mA/cm^2"):
        truth = load_parameters({I0: i0})
        measured = _noisy(cell_mesh, truth, f)
        result = fit_model(measured, cell_mesh, truth, fit=(I0, SIGMA))
        errors[i0] = {k: result.std_errors[k] / result.values[k] for k in (I0, SIGMA)}
    assert errors["100 mA/cm^2"][I0] > 5 * errors["10 mA/cm^2"][I0], errors
    assert errors["100 mA/cm^2"][SIGMA] < 2 * errors["10 mA/cm^2"][SIGMA], errors


def test_invisible_double_layer_is_flagged(cell_mesh, truth):
    """C_dl's arc (τ = R_ct C_dl ≈ 50 µs) lies far above 10 Hz: fitting it from a
    0.1–10 Hz spectrum must warn, while R_ct (hence i0) is still determined."""
    f = np.logspace(1, -1, 11)
    measured = _noisy(cell_mesh, truth, f)
    with pytest.warns(IdentifiabilityWarning, match="double_layer_capacitance"):
        result = fit_model(measured, cell_mesh, truth.replace({CDL: 0.5}), fit=(I0, CDL))
    assert not result.identifiable[CDL]
    assert result.identifiable[I0]
    lo, hi = result.ci95[CDL]
    assert hi / lo > 10  # the interval says "unknown"
    assert result.within_ci({I0: truth.get(I0)})[I0]


def test_area_handling(cell_mesh, truth):
    """The same data as Ω with an area, or as Ω m² without, give the same fit."""
    f = np.logspace(5, 0, 11)
    measured = _noisy(cell_mesh, truth, f, level=0.002)
    specific = Spectrum(f, measured.Z * measured.area, None, meta={"unit": "ohm m^2"})
    a = fit_model(measured, cell_mesh, truth, fit=(SIGMA,))
    b = fit_model(specific, cell_mesh, truth, fit=(SIGMA,))
    no_area = Spectrum(f, measured.Z, None)
    c = fit_model(no_area, cell_mesh, truth, fit=(SIGMA,), area=f"{1e4 * measured.area} cm^2")
    assert b.values[SIGMA] == pytest.approx(a.values[SIGMA], rel=1e-6)
    assert c.values[SIGMA] == pytest.approx(a.values[SIGMA], rel=1e-6)
    # twice the electrode area at the same Ω doubles the area-specific impedance; with
    # i0 held, σ alone must absorb it: L/σ' >= 2 L/σ, i.e. σ' <= σ/2
    d = fit_model(measured, cell_mesh, truth, fit=(SIGMA,), area=2 * measured.area)
    assert 0.3 * a.values[SIGMA] < d.values[SIGMA] < 0.5 * a.values[SIGMA]


@pytest.mark.parametrize("fit, bounds, match", [
    (("cell.pellet_thickness",), None, "changes the mesh"),
    (("interface.exchange_curent_density",), None, "did you mean"),
    (("alloy.composition",), None, "not a number"),
    ((I0, I0), None, "duplicate"),
    ((I0,), {I0: (1.0, 10.0)}, "around the start"),
    ((I0,), {SIGMA: (0.1, 1.0)}, "not a fitted parameter"),
])
def test_bad_input_rejected_before_solving(truth, fit, bounds, match):
    cell = Cell.from_parameters(truth, geometry="1d")  # never meshed: errors come first
    spectrum = Spectrum([1.0, 10.0, 100.0], [1 - 1j, 1 - 0.5j, 1 - 0.1j], 1e-4)
    with pytest.raises(ParameterError, match=match):
        fit_model(spectrum, _NoMesh(cell), truth, fit=fit, bounds=bounds)


class _NoMesh:
    """A cell whose meshing fails the test: validation must not reach it."""

    def __init__(self, cell):
        self.cell = cell

    def build_mesh(self):
        raise AssertionError("meshed before validating the input")


def test_contact_fraction_on_a_spot_cell_without_remeshing():
    """interface.contact_fraction is the homogenised wetted fraction of the contact facets:
    it is fitted on the fixed spot mesh (recovered within its CI); with i0 and C_dl (which it
    multiplies) also free, only the products are determined and the fit says so.  That
    degeneracy needs f_c to act only through i0 and C_dl: without the sub-grid constriction
    r_c(f_c) and the blocked capacitance C_b (1 - f_c) of the non-contacting area, which
    would make f_c identifiable on its own (both off here)."""
    from nakmodel.geometry import ContactSpots

    truth = load_parameters({"cell.pellet_radius": "200 um", "cell.pellet_thickness": "100 um",
                             "cell.alloy_thickness": "50 um", "interface.contact_fraction": 0.5,
                             "interface.patch_size": 0.0, "interface.blocked_capacitance": 0.0})
    cell = Cell.from_parameters(truth, geometry="axisymmetric",
                                contact=ContactSpots(radius=50e-6), mesh_size=20e-6)
    cell_mesh = cell.build_mesh()
    measured = _noisy(cell_mesh, truth, np.logspace(6, -1, 22), level=0.003)
    key = "interface.contact_fraction"
    result = fit_model(measured, cell_mesh, truth.replace({key: 0.8}), fit=(key, SIGMA))
    assert result.within_ci({key: 0.5, SIGMA: truth.get(SIGMA)}) == {key: True, SIGMA: True}
    assert result.std_errors[key] < 0.01
    # i0 and C_dl are both multiplied by f_c: with all three free, only i0·f_c and
    # C_dl·f_c are determined, and the fit says so
    with pytest.warns(IdentifiabilityWarning, match="strongly correlated"):
        three = fit_model(measured, cell_mesh, truth.replace({key: 0.8}), fit=(I0, key, CDL))
    assert not any(three.identifiable.values())
    assert three.values[I0] * three.values[key] == pytest.approx(truth.get(I0) * 0.5, rel=0.02)
    assert three.values[CDL] * three.values[key] == pytest.approx(truth.get(CDL) * 0.5,
                                                                  rel=0.02)


def test_operando_state_frozen_fields(truth):
    """A state under DC current: capacitances are fitted exactly (the DC balance does not
    involve them); kinetic keys get the frozen-state warning."""
    from nakmodel.model.simulation import ConstantCurrent, Simulation

    sim = Simulation(Cell.from_parameters(truth, geometry="1d"), truth,
                     ConstantCurrent(10.0, 20.0))
    sim.run()
    f = np.logspace(5, -1, 9)
    spectrum = nakmodel.impedance(sim, truth, f, method="direct")
    assert spectrum.meta["dc_current_density"] == pytest.approx(10.0, rel=1e-6)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no warning at all for a storage parameter
        result = fit_model(spectrum, sim, truth.replace({CDL: 0.5}), fit=(CDL,))
    assert result.values[CDL] == pytest.approx(truth.get(CDL), rel=1e-6)
    with pytest.warns(UserWarning, match="frozen-state"):
        result = fit_model(spectrum, sim, truth, fit=(I0,))
    assert any("frozen-state" in n for n in result.notes)
