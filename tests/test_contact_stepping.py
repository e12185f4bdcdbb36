"""The time stepper with the contact nodes of a sub-grid constriction
(:class:`~nakmodel.model.contact_stepping.ContactStepping`): the current step of a 1D cell
against the analytic response of the node circuit (first order in dt), time-domain against
frequency-domain impedance, the DC forms, and restart of the history."""
import math

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
from dolfinx import fem
from restart_checks import step_after_restart

from nakmodel.constants import FARADAY, GAS_CONSTANT
from nakmodel.errors import ParameterError
from nakmodel.impedance import linearise
from nakmodel.impedance.timedomain import time_domain_impedance
from nakmodel.model import constriction
from nakmodel.model.checkpoint import load_checkpoint, save_checkpoint
from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
from nakmodel.model.meshes import interval_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl

L, SIGMA, T = 10e-6, 0.01, 298.15  # m, S/m, K
THETA, ELL, CDL, I0 = 0.3, 100e-6, 0.1, 50.0  # -, m, F/m², A/m²
I = 0.02  # A/m²: linear response (η ~ 0.1 mV)


def _problem(patch_size=ELL, shape="spot", cb=0.0, ce_fast=True):
    nas = NasiconProperties.from_parameters(conductivity=SIGMA, bulk_conductivity=0.0,
                                            relative_permittivity=0.0)
    working = ElectrodeInterface.from_parameters(
        exchange_current_density=I0, double_layer_capacitance=CDL, patch_size=patch_size,
        contact_fraction=THETA, blocked_capacitance=cb, patch_shape=shape)
    ce = dict(exchange_current_density=1e7, double_layer_capacitance=0.0) if ce_fast else dict(
        exchange_current_density=20.0, double_layer_capacitance=10.0)
    counter = ElectrodeInterface.from_parameters(section="counter_electrode", **ce)
    return CoupledProblem(interval_cell(L, 10e-6, n_nasicon=2, n_alloy=30, grading=1e2),
                          temperature=T, alloy=AlloyProperties.from_parameters(), nasicon=nas,
                          working=working, counter=counter, x_initial=0.5)


def _mean(pb, expr):
    num = fem.assemble_scalar(fem.form(expr * pb.dS_contact_nodal))
    den = fem.assemble_scalar(fem.form((1.0 + 0.0 * expr) * pb.dS_contact_nodal))
    return float(num) / float(den)


def _node_circuit(pb):
    """(R_s + r, R_k, τ): ceramic L/σ and constriction r (Holm/Roess, θ, ℓ) in series with
    the active double layer C_a = C_dl θ parallel to the linear kinetic resistance
    R_k = RT/(F i0 θ (α_a + α_c)) per nominal area (i0 at the state's activity); the counter
    electrode (i0 = 1e7 A/m², no C_dl) adds RT/(F i0_ce)."""
    _, parts = pb.interface_current(pb.u[0]("+"), pb.u[1]("+"), pb.voltage)
    i0 = _mean(pb, parts["i0"])
    kin = pb.kinetics_we
    alpha = kin.anodic_transfer_coefficient + kin.cathodic_transfer_coefficient
    rt_f = GAS_CONSTANT * T / FARADAY
    r_k = rt_f / (i0 * THETA * alpha)
    r = constriction.subgrid_resistance(THETA, ELL, SIGMA, "spot")
    return L / SIGMA + r + rt_f / 1e7, r_k, r_k * CDL * THETA


@pytest.fixture(scope="module")
def pb():
    return _problem()


def test_current_step_charges_the_contact_node_at_first_order_in_dt(pb):
    """ΔV(t) = I (R_s + r + R_k (1 − exp(−t/τ))), τ = R_k C_a (circuit theory; no blocked
    capacitance here); the quasi-static stepping (C_a between V and φ) jumps to I R_s only."""
    series, r_k, tau = _node_circuit(pb)
    errors = []
    for n in (10, 20, 40):
        pb.set_initial_state(0.5)
        v0, t = float(pb.voltage.value), 0.0
        err = 0.0
        for _ in range(2 * n):
            pb.solve_or_raise(CurrentControl(I), tau / n)
            pb.accept()
            t += tau / n
            exact = I * (series + r_k * (1.0 - math.exp(-t / tau)))
            err = max(err, abs(float(pb.voltage.value) - v0 - exact))
        errors.append(err / (I * r_k))
    orders = [math.log2(a / b) for a, b in zip(errors[:-1], errors[1:], strict=True)]
    assert all(0.85 < p < 1.15 for p in orders), (errors, orders)
    assert errors[-1] < 0.02, errors


@pytest.mark.parametrize("shape", ["spot", "strip"])
def test_time_domain_impedance_of_a_subgrid_cell_matches_the_frequency_domain(shape):
    """3 kHz: the apex of the constriction arc (θ = 0.3, ℓ = 100 µm); before the contact
    nodes were stepped, |Z_td/Z_fd − 1| was 0.50 (spot) and 0.17 (strip, also F)."""
    pb = _problem(shape=shape, cb=0.01, ce_fast=False)
    f = np.array([3000.0])
    z_fd = linearise(pb).impedance(f)
    z_td = time_domain_impedance(pb, f, steps_per_period=100)
    assert abs(z_td[0] / z_fd[0] - 1) < 5e-3, (z_td, z_fd)


def test_history_does_not_enter_the_steady_forms(pb):
    """Steady residual and Jacobian (DC values, the linearisation) do not see the history."""
    pb.set_initial_state(0.5)
    pb.voltage.value = float(pb.voltage.value) + 0.01  # off equilibrium
    r0, j0 = pb.steady_residual(CurrentControl(I)), pb.steady_jacobian()
    pb.contact_nodes.history.x.array[:] += 0.3
    r1, j1 = pb.steady_residual(CurrentControl(I)), pb.steady_jacobian()
    pb.set_initial_state(0.5)
    assert np.array_equal(r0, r1) and abs(j0 - j1).max() == 0.0
    assert abs(r0).max() > 0


def test_checkpoint_keeps_the_contact_history(pb, tmp_path):
    _, _, tau = _node_circuit(pb)
    pb.set_initial_state(0.5)
    for _ in range(3):  # mid-transient: the history matters
        pb.solve_or_raise(CurrentControl(I), tau / 5)
        pb.accept()
    expected, restarted, forgotten = step_after_restart(
        pb, _problem, lambda p: p.contact_nodes.reset(), tmp_path / "contact.npz", 0.6 * tau,
        I, tau / 5)
    assert restarted == pytest.approx(expected, rel=1e-12, abs=0.0)
    _, r_k, _ = _node_circuit(pb)
    assert abs(forgotten - expected) > 0.01 * I * r_k  # the history is not negligible


def test_checkpoint_without_contact_history_is_refused(tmp_path):
    path = save_checkpoint(_problem(patch_size=0.0), tmp_path / "flat.npz", time=0.0)
    with pytest.raises(ParameterError, match="contact history"):
        load_checkpoint(_problem(), path)
