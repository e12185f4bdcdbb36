"""Impedance from the transient model: a small sine current, lock-in on the voltage.

The cross-check of the frequency-domain route: the FE model's own backward-Euler time
stepping (``CoupledProblem.solve``, fixed step dt = 1/(N f)) under
``I(t) = I_dc + δI sin(ωt)``, then a least-squares lock-in on the last ``periods`` periods

    V(t) ≈ V0 + V1 t + A sin ωt + B cos ωt,    Z = (A + iB) / (δI A_nominal)      [Ω]

(the linear drift term absorbs the slow transient of the λ = 0 inventory mode and of
long-lived modes).  Backward Euler is first order in ωdt; two runs (N, 2N) are combined by
Richardson extrapolation, Z = 2 Z_2N − Z_N, which is second order.

The model's mass holds the geometric capacitance of the ceramic (ε0 εr, εr =
``nasicon.relative_permittivity``), so this route shows the geometric (bulk) arc exactly as
the frequency-domain route of the same model (``linearise(problem)`` without an εr override).
"""

from __future__ import annotations

import math

import numpy as np

from ..errors import ConvergenceError, InputProblem, ParameterError
from .linear import check_frequencies


def _lock_in(t, v, omega):
    A = np.column_stack([np.ones_like(t), t - t.mean(), np.sin(omega * t), np.cos(omega * t)])
    coef, *_ = np.linalg.lstsq(A, v, rcond=None)
    return complex(coef[2], coef[3])


def _run_sine(problem, frequency, amplitude, i_dc, steps_per_period, periods, warmup):
    from ..model.problem import CurrentControl

    omega = 2 * math.pi * frequency
    dt = 1.0 / (frequency * steps_per_period)
    u0 = problem.u.x.array.copy()
    V0 = float(problem.voltage.value)
    problem.accept()
    n_total = steps_per_period * (periods + warmup)
    times, volts = [], []
    try:
        for n in range(1, n_total + 1):
            t = n * dt
            control = CurrentControl(i_dc + amplitude * math.sin(omega * t))
            report = problem.solve(control, dt)
            if not report.converged:
                raise ConvergenceError(f"time-domain impedance: {report.reason}", time=t, dt=dt,
                                       history=report.history)
            problem.accept()
            if n > steps_per_period * warmup:
                times.append(t)
                volts.append(float(problem.voltage.value))
    finally:  # leave the state as it was
        problem.u.x.array[:] = u0
        problem.voltage.value = V0
        problem.accept()
    return _lock_in(np.array(times), np.array(volts), omega) / (amplitude
                                                                * problem.area_nominal)


def time_domain_impedance(problem, frequencies, *, amplitude: float | None = None,
                          steps_per_period: int = 200, periods: int = 2, warmup: int = 1,
                          richardson: bool = True, current_density: float | None = None):
    """Z(f) [Ω] of ``problem`` (a CoupledProblem at its current state) by time stepping.

    amplitude: current-density amplitude δi [A/m^2] (default: 0.2 mV over the linearised
        DC resistance, a linear-response excitation).
    steps_per_period, periods, warmup: fixed step 1/(N f); analysed / discarded periods.
    richardson: combine N and 2N steps per period (second order in ωdt).
    current_density: DC current density I_dc of the state (default: its faradaic current).
    """
    f = check_frequencies(frequencies)
    for name, value, low in (("steps_per_period", steps_per_period, 8), ("periods", periods, 1),
                             ("warmup", warmup, 0)):
        if not (isinstance(value, int) and value >= low):
            raise ParameterError(InputProblem(name, f"must be an integer >= {low}", value,
                                              f"integer >= {low}"))
    from .model import check_state, linearise

    i_dc = check_state(problem, current_density=current_density)
    if amplitude is None:
        lin = linearise(problem)
        amplitude = 2e-4 / (abs(lin.dc_resistance()) * problem.area_nominal)
    if not (isinstance(amplitude, (int, float)) and math.isfinite(amplitude) and amplitude > 0):
        raise ParameterError(InputProblem("amplitude", "must be positive and finite", amplitude,
                                          "[A/m^2] > 0"))
    Z = np.empty(f.size, dtype=complex)
    for k, fk in enumerate(f):
        z1 = _run_sine(problem, fk, amplitude, i_dc, steps_per_period, periods, warmup)
        if richardson:
            z2 = _run_sine(problem, fk, amplitude, i_dc, 2 * steps_per_period, periods, warmup)
            Z[k] = 2 * z2 - z1
        else:
            Z[k] = z1
    return Z
