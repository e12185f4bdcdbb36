"""Backward-Euler grain-boundary elimination vs the analytic R_b + (R_gb || C_gb) step response."""
import math

import numpy as np
import pytest

from nakmodel.model import grain_boundary_stepping as gbs

SB, SG, EG = 1.5, 0.75, 2e-8  # S/m, S/m, F/m (bulk 1.5e-2 S/cm as the default; tau ~ 9 ns)


def _analytic_current(t, field):
    """Voltage step E on R_b + (R_gb || C_gb) per unit length: j(0+) = σ_b E, j(∞) = σ E with
    1/σ = 1/σ_b + 1/σ_gb, relaxing with τ' = ε_gb/(σ_b + σ_gb) (circuit theory)."""
    s_tot = 1.0 / (1.0 / SB + 1.0 / SG)
    tau = EG / (SB + SG)
    return s_tot * field + (SB - s_tot) * field * np.exp(-t / tau)


def _stepped_current(t_end, n, field):
    dt = t_end / n
    e_gb = 0.0
    for _ in range(n):
        s_eff, h = gbs.step_coefficients(dt, SB, SG, EG)
        j = s_eff * (field - h * e_gb)
        e_gb = gbs.updated_history(j, e_gb, dt, SG, EG)
    return j


def test_step_response_converges_to_the_analytic_charging_curve_at_first_order():
    tau = EG / (SB + SG)
    t_end = 1.5 * tau
    exact = _analytic_current(t_end, 1.0)
    errors = [abs(_stepped_current(t_end, n, 1.0) - exact) for n in (20, 40, 80, 160)]
    orders = [math.log2(a / b) for a, b in zip(errors[:-1], errors[1:], strict=True)]
    assert all(0.9 < p < 1.1 for p in orders), orders
    assert errors[-1] / abs(exact) < 5e-3


def test_limits_give_the_dc_total_and_the_bulk():
    s_dc, h_dc = gbs.step_coefficients(1e6, SB, SG, EG)
    assert s_dc == pytest.approx(1.0 / (1.0 / SB + 1.0 / SG), rel=1e-9) and h_dc < 1e-9
    s_hf, h_hf = gbs.step_coefficients(1e-30, SB, SG, EG)
    assert s_hf == pytest.approx(SB, rel=1e-9) and h_hf == pytest.approx(1.0, rel=1e-9)


@pytest.mark.parametrize("bad", [0.0, -1.0, float("nan")])
def test_bad_input_is_refused_naming_the_parameter_and_unit(bad):
    with pytest.raises(ValueError, match=r"dt must be .*\[s\]"):
        gbs.step_coefficients(bad, SB, SG, EG)
    with pytest.raises(ValueError, match=r"grain_boundary_permittivity .*\[F/m\]"):
        gbs.updated_history(1.0, 0.0, 1e-6, SG, bad)
