"""The time stepper with grain boundaries (brick layer, :class:`CeramicStepping`) against the
analytic brick-layer step response of a 1D cell, its DC limit, and restart of its history."""
import math

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
from restart_checks import step_after_restart

from nakmodel.errors import ParameterError
from nakmodel.model.checkpoint import load_checkpoint, save_checkpoint
from nakmodel.model.materials import AlloyProperties, ElectrodeInterface, NasiconProperties
from nakmodel.model.meshes import interval_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl, NewtonOptions

L = 10e-6  # m, ceramic
S_T, S_B = 0.01, 0.03  # S/m total and bulk: 1/σ_gb = 1/σ_t − 1/σ_b
S_GB = 1.0 / (1.0 / S_T - 1.0 / S_B)
E_GB = 1.5e-7  # F/m: τ_gb = ε_gb/σ_gb = 1e-5 s
TAU = E_GB / S_GB
I = 10.0  # A/m², stripping


def _problem(grain_boundaries=True, **options):
    nas = NasiconProperties.from_parameters(  # the default set with this ceramic
        conductivity=S_T, bulk_conductivity=S_B if grain_boundaries else 0.0,
        grain_boundary_permittivity=E_GB, relative_permittivity=0.0)
    fast = dict(exchange_current_density=1e7, double_layer_capacitance=0.0)
    working = ElectrodeInterface.from_parameters(patch_size=0.0, blocked_capacitance=0.0,
                                                 **fast)
    counter = ElectrodeInterface.from_parameters(section="counter_electrode", **fast)
    return CoupledProblem(interval_cell(L, 10e-6, n_nasicon=4, n_alloy=10), temperature=298.15,
                          alloy=AlloyProperties.from_parameters(), nasicon=nas,
                          working=working, counter=counter, x_initial=0.5, **options)


def _steps(pb, dts):
    v0 = float(pb.voltage.value)
    out, t = [], 0.0
    for dt in dts:
        pb.solve_or_raise(CurrentControl(I), dt)
        pb.accept()
        t += dt
        out.append((t, float(pb.voltage.value) - v0))
    return np.array(out)


def _analytic(t):
    """Current step I on R_b + (R_gb || C_gb) per unit area (circuit theory):
    ΔV = I L (1/σ_b + (1 − exp(−t/τ_gb))/σ_gb), τ_gb = ε_gb/σ_gb."""
    return I * L * (1.0 / S_B + (1.0 - np.exp(-t / TAU)) / S_GB)


@pytest.fixture(scope="module")
def pb():
    return _problem()


def test_current_step_follows_the_brick_layer_transient_at_first_order_in_dt(pb):
    errors = []
    for n in (10, 20, 40):
        pb.set_initial_state(0.5)
        run = _steps(pb, [TAU / n] * (2 * n))
        errors.append(float(np.max(np.abs(run[:, 1] - _analytic(run[:, 0]))))
                      / (I * L / S_GB))
    orders = [math.log2(a / b) for a, b in zip(errors[:-1], errors[1:], strict=True)]
    assert all(0.9 < p < 1.1 for p in orders), (errors, orders)
    assert errors[-1] < 0.01, errors


@pytest.mark.parametrize("options", [dict(backend="petsc"),
                                     dict(newton=NewtonOptions(method="snes"))],
                         ids=["petsc", "snes"])
def test_petsc_and_snes_step_the_grain_boundaries_like_the_scipy_path(pb, options):
    pb.set_initial_state(0.5)
    reference = _steps(pb, [TAU / 10] * 10)[:, 1]
    other = _steps(_problem(**options), [TAU / 10] * 10)[:, 1]
    np.testing.assert_allclose(other, reference, rtol=1e-9)
    assert abs(reference[-1] - reference[0]) > 0.3 * I * L / S_GB  # the transient is there


def test_long_times_give_the_total_conductivity_result(pb):
    dts = [TAU] * 10 + [1e3 * TAU] * 10
    pb.set_initial_state(0.5)
    gb = _steps(pb, dts)[-1, 1]
    homogeneous = _steps(_problem(grain_boundaries=False), dts)[-1, 1]
    assert gb == pytest.approx(homogeneous, rel=1e-8, abs=0.0)
    assert gb == pytest.approx(I * L / S_T, rel=1e-3)  # (interfaces and alloy: ~1e-5)


def test_checkpoint_keeps_the_grain_boundary_history(pb, tmp_path):
    pb.set_initial_state(0.5)
    _steps(pb, [TAU / 5] * 3)  # mid-transient: the history matters
    expected, restarted, forgotten = step_after_restart(
        pb, _problem, lambda p: p.ceramic.reset(), tmp_path / "gb.npz", 0.6 * TAU, I, TAU / 5)
    assert restarted == pytest.approx(expected, rel=1e-12, abs=0.0)
    assert abs(forgotten - expected) > 1e-4  # V: the history is not negligible here


def test_checkpoint_without_history_is_refused_for_grain_boundaries(tmp_path):
    path = save_checkpoint(_problem(grain_boundaries=False), tmp_path / "hom.npz", time=0.0)
    with pytest.raises(ParameterError, match="grain-boundary history"):
        load_checkpoint(_problem(), path)
