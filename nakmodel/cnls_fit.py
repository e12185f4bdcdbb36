"""Complex non-linear least-squares (CNLS) fitting of any impedance function to a spectrum
(the algorithm; fitting the FE model's parameters is :mod:`nakmodel.fe_model_fit`).

``fit(spectrum, model, parameters)`` minimises Σ_n w_n² |Z_model(f_n) − Z_n|² over the
named parameters (real and imaginary parts stacked) with
:func:`scipy.optimize.least_squares` (trust-region reflective, bounds allowed).  The
weights are ``"modulus"`` (w = 1/|Z|, for noise proportional to |Z|: Boukamp, J.
Electrochem. Soc. 142 (1995) 1885), ``"unit"`` (w = 1) or an array.

Uncertainties follow the linearised theory: covariance = s² (JᵀJ)⁻¹ with
s² = Σ r²/(2N − p) (J the Jacobian of the weighted residuals at the optimum), standard
errors the square roots of its diagonal, 95 % confidence intervals value ± t₀.₉₇₅,₂N−p · SE.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
from scipy.optimize import least_squares
from scipy.stats import t as student_t

from .errors import ConvergenceError, InputProblem, ParameterError


@dataclass
class FitResult:
    """Fitted ``values``, ``std_errors``, 95 % ``ci95`` (low, high), ``correlation``
    matrix (ordered as ``names``), complex ``residuals`` Z − Z_fit [Ω], ``Z_fit``,
    ``chi2`` (weighted sum of squares), ``dof`` and the scipy result."""

    names: list[str]
    values: dict[str, float]
    std_errors: dict[str, float]
    ci95: dict[str, tuple[float, float]]
    correlation: np.ndarray
    covariance: np.ndarray
    residuals: np.ndarray
    Z_fit: np.ndarray
    chi2: float
    dof: int
    success: bool
    message: str

    def summary(self) -> str:
        lines = []
        for name in self.names:
            lo, hi = self.ci95[name]
            lines.append(f"{name:>12s} = {self.values[name]:.6g} ± {self.std_errors[name]:.2g}"
                         f"  (95% CI {lo:.6g} … {hi:.6g})")
        lines.append(f"chi2 = {self.chi2:.4g}, dof = {self.dof}")
        return "\n".join(lines)


def _model_values(model, params: dict, frequency: np.ndarray) -> np.ndarray:
    out = model(params, frequency)
    if hasattr(out, "Z"):
        out = out.Z
    out = np.asarray(out, dtype=complex).ravel()
    if out.size != frequency.size:
        raise ParameterError(InputProblem("model", f"returned {out.size} values for "
                                          f"{frequency.size} frequencies", out.size,
                                          "one impedance per frequency"))
    return out


def fit(spectrum, model: Callable, parameters: Mapping[str, float],
        bounds: Mapping[str, tuple[float, float]] | None = None,
        weights: str | np.ndarray = "modulus", fixed: Mapping[str, float] | None = None,
        max_evaluations: int | None = None) -> FitResult:
    """Fit ``model(params_dict, frequency) -> Z`` (array or Spectrum) to ``spectrum``.

    ``parameters`` maps names to initial values; ``bounds`` maps some names to
    (low, high); ``fixed`` are passed to the model unchanged. ``weights``: ``"modulus"``
    (1/|Z|, default), ``"unit"`` or an array of positive weights, one per frequency.
    ``max_evaluations``: cap on model evaluations of the least-squares solver (None:
    scipy's default). Values and bounds are in the units the model uses.

    Returns a :class:`FitResult` (values, standard errors, 95 % intervals, correlation,
    residuals [Ω]).
    """
    frequency = np.asarray(spectrum.frequency, dtype=float)
    Z = np.asarray(spectrum.Z, dtype=complex)
    names = list(parameters)
    problems = []
    if not names:
        problems.append(InputProblem("parameters", "no parameters to fit", None,
                                     "a mapping name -> initial value"))
    x0 = np.array([float(parameters[n]) for n in names], dtype=float)
    if not np.all(np.isfinite(x0)):
        problems.append(InputProblem("parameters", "initial values must be finite",
                                     dict(parameters)))
    lower = np.full(len(names), -np.inf)
    upper = np.full(len(names), np.inf)
    for key, (lo, hi) in (bounds or {}).items():
        if key not in names:
            problems.append(InputProblem(f"bounds.{key}", "not a fitted parameter", key,
                                         "one of " + ", ".join(names)))
            continue
        i = names.index(key)
        lower[i], upper[i] = float(lo), float(hi)
        if not lo < hi or not (lo <= x0[i] <= hi):
            problems.append(InputProblem(f"bounds.{key}", "needs low < high and the initial value "
                                         "inside", (lo, hi, x0[i]), "low ≤ initial ≤ high"))
    if isinstance(weights, str):
        if weights == "modulus":
            w = 1.0 / np.abs(Z)
        elif weights == "unit":
            w = np.ones(Z.size)
        else:
            problems.append(InputProblem("weights", "unknown weighting", weights,
                                         "'modulus', 'unit' or an array"))
            w = np.ones(Z.size)
    else:
        w = np.asarray(weights, dtype=float).ravel()
        if w.size != Z.size or not np.all(np.isfinite(w)) or np.any(w <= 0):
            problems.append(InputProblem("weights", "array must be positive, one per point",
                                         w.size, f"{Z.size} positive numbers"))
    dof = 2 * Z.size - len(names)
    if dof <= 0:
        problems.append(InputProblem("parameters", "more parameters than data", len(names),
                                     f"< {2 * Z.size}"))
    if problems:
        raise ParameterError(problems)
    constants = dict(fixed or {})
    scale = np.where(x0 != 0, np.abs(x0), 1.0)

    def residual(p):
        params = dict(constants)
        params.update(zip(names, p * scale, strict=True))
        r = (_model_values(model, params, frequency) - Z) * w
        return np.concatenate([r.real, r.imag])

    result = least_squares(residual, x0 / scale, bounds=(lower / scale, upper / scale),
                           x_scale="jac", max_nfev=max_evaluations, method="trf")
    if not np.all(np.isfinite(result.x)):
        raise ConvergenceError("least_squares returned non-finite parameters")
    x = result.x * scale
    jac = result.jac / scale[None, :]
    chi2 = float(np.sum(result.fun**2))
    s2 = chi2 / dof
    jtj = jac.T @ jac
    try:
        cov = s2 * np.linalg.inv(jtj)
    except np.linalg.LinAlgError:
        cov = s2 * np.linalg.pinv(jtj)
    se = np.sqrt(np.clip(np.diag(cov), 0, None))
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = cov / np.outer(se, se)
    tq = float(student_t.ppf(0.975, dof))
    params = dict(constants)
    params.update(zip(names, x, strict=True))
    z_fit = _model_values(model, params, frequency)
    return FitResult(
        names=names,
        values={n: float(v) for n, v in zip(names, x, strict=True)},
        std_errors={n: float(s) for n, s in zip(names, se, strict=True)},
        ci95={n: (float(v - tq * s), float(v + tq * s)) for n, v, s in zip(names, x, se,
                                                                           strict=True)},
        correlation=corr, covariance=cov, residuals=Z - z_fit, Z_fit=z_fit, chi2=chi2,
        dof=dof, success=bool(result.success), message=str(result.message))
