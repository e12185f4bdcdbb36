"""Kinetics strategies: limits of Butler-Volmer, and their effect on the cell voltage."""

from __future__ import annotations

import numpy as np
import pytest

from nakmodel.errors import ParameterError
from nakmodel.model import thermo_ufl as tu
from nakmodel.model.interface import ButlerVolmer, Linear, Tafel
from nakmodel.model.materials import ElectrodeInterface
from nakmodel.model.meshes import interval_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl

F_RT = 96485.33212331001 / (8.31446261815324 * 298.15)


def test_butler_volmer_limits():
    bv, lin, tafel = ButlerVolmer(0.4, 0.6), Linear(0.4, 0.6), Tafel(0.4)
    small = np.array([-1e-4, 1e-4])
    np.testing.assert_allclose(bv.current(small, 2.0, 298.15), lin.current(small, 2.0, 298.15),
                               rtol=1e-3)
    large = np.array([0.3, 0.4])
    np.testing.assert_allclose(bv.current(large, 2.0, 298.15), tafel.current(large, 2.0, 298.15),
                               rtol=1e-3)
    # exact inverse at symmetric alpha: eta = 2 RT/F asinh(i / 2 i0)
    sym = ButlerVolmer(0.5, 0.5)
    eta = 2 / F_RT * np.arcsinh(np.array([0.3, 3.0, 30.0]) / 2.0)
    np.testing.assert_allclose(sym.current(eta, 1.0, 298.15), [0.3, 3.0, 30.0], rtol=1e-12)


@pytest.mark.parametrize("alpha", [0.0, 1.5])
def test_transfer_coefficient_range(alpha):
    with pytest.raises(ParameterError, match="transfer_coefficient"):
        ButlerVolmer(alpha, 0.5)


def _problem(kinetics):
    no_dl = {"double_layer_capacitance": 0.0}
    return CoupledProblem(interval_cell(1e-3, 1e-4, 8, 8), temperature=298.15, x_initial=0.5,
                          kinetics_we=kinetics,
                          working=ElectrodeInterface.from_parameters(
                              exchange_current_density=10.0, **no_dl),
                          counter=ElectrodeInterface.from_parameters(
                              section="counter_electrode", exchange_current_density=100.0,
                              **no_dl))


def _interface_overpotential(kinetics, current):
    pb = _problem(kinetics)
    assert pb.solve(CurrentControl(current), 1e-3).converged
    return pb.functional("eta_we_i") / pb.functional("current_we"), pb


@pytest.mark.parametrize("current", [0.3, 10.0, 100.0])
def test_interface_overpotential_is_the_analytic_inverse(current):
    """1D, no double layer: eta_WE = 2 RT/F asinh(i / (2 i0(x))), i0 = i0_ref a_Na^alpha_c."""
    eta, pb = _interface_overpotential(ButlerVolmer(0.5, 0.5), current)
    a = pb.alloy
    x = pb.interface_mole_fraction()[0]
    assert pb.x_liquidus_k < x < pb.x_liquidus_na  # liquid: the liquid composition is x
    act = tu.activity_na(x, 298.15, a.redlich_kister_L0, a.redlich_kister_L1,
                         a.redlich_kister_L2)
    i0 = 10.0 * act**0.5
    # liquid: the whole area is open (exact lever rule outside the phase blend)
    assert float(pb.phases_numpy.open_fraction(x)) == pytest.approx(1.0, abs=1e-15)
    assert eta == pytest.approx(2 / F_RT * np.arcsinh(current / (2 * i0)), rel=1e-8)


def test_linear_kinetics_agrees_at_low_current_and_overestimates_at_high():
    eta_bv, _ = _interface_overpotential(ButlerVolmer(0.5, 0.5), 0.1)
    eta_lin, _ = _interface_overpotential(Linear(0.5, 0.5), 0.1)
    assert eta_lin == pytest.approx(eta_bv, rel=1e-4)
    eta_bv, _ = _interface_overpotential(ButlerVolmer(0.5, 0.5), 100.0)
    eta_lin, _ = _interface_overpotential(Linear(0.5, 0.5), 100.0)
    assert eta_lin > 1.5 * eta_bv  # asinh grows slower than linear
