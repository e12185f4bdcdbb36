"""Distribution of relaxation times (DRT) by non-negative Tikhonov regularisation.

Model (e.g. Wan et al., Electrochim. Acta 184 (2015) 483, eq. 1):

    Z(ω) = R∞ + iωL + 1/(iωC) + ∫ γ(ln τ) / (1 + iωτ) d ln τ,

γ expanded on a basis (:mod:`.basis`), unknowns x ≥ 0, R∞ ≥ 0, L ≥ 0 (as in
pyDRTtools; a negative inductance is not physical for cables and is not fitted) and the
series elastance S = 1/C ≥ 0 (blocking electrodes; the inventory capacitor of a
galvanostatic spectrum), fitted when the settings ask for it:

    min_x ‖A x − b‖² + λ xᵀ M x,   x ≥ 0,

solved exactly as a non-negative least-squares problem on the stacked system
[A; √λ S] (M = SᵀS) with Lawson–Hanson NNLS (:func:`scipy.optimize.nnls`).  Rows are
weighted by 1/|Z| (normalised to mean 1) by default; ``weights=None`` is the unweighted
pyDRTtools/pyimpspec convention, where λ has the same meaning as there.  All defaults are
in :mod:`.settings` (one place for the API, the CLI, ``compare`` and the studies).

Usage::

    drt = nakmodel.drt.compute(spectrum)            # automatic λ
    drt.peaks(); drt.plot(ax); drt.to_csv("drt.csv")
"""

from __future__ import annotations

import contextlib
from functools import cached_property, lru_cache

import numpy as np
from scipy.linalg import qr, solve_triangular
from scipy.optimize import nnls

from ..errors import InputProblem, ParameterError
from .basis import BASIS_NAMES, Basis, make_basis
from .regularization import LAMBDA_METHODS, choose_lambda
from .result import DRT, default_output_grid  # noqa: F401  (re-exported)
from .settings import (
    CAPACITANCE_CHOICES,
    DEFAULT_SETTINGS,
    DRTSettings,
    needs_series_capacitance,
    resolve,
)

DATA_PARTS = ("complex", "real", "imag")
#: unknowns before the basis weights: R∞ [Ω], L [H], S = 1/C_series [1/F]
N_EXTRA = 3
UNCERTAINTY_METHODS = ("bayesian", "hmc", "bootstrap")
#: Automatic λ criterion used when ``lam`` is not given (:mod:`.settings`).
DEFAULT_LAMBDA = DEFAULT_SETTINGS.lam


@contextlib.contextmanager
def single_thread_blas():
    """Limit BLAS to one thread: the matrices here are small, and threaded BLAS on a
    loaded machine is tens of times slower for them."""
    controller = _threadpool_controller()
    if controller is None:
        yield
        return
    with controller.limit(limits=1, user_api="blas"):
        yield


@lru_cache(maxsize=1)
def _threadpool_controller():
    try:
        from threadpoolctl import ThreadpoolController
    except ImportError:  # optional dependency
        return None
    return ThreadpoolController()


def spectrum_arrays(spectrum) -> tuple[np.ndarray, np.ndarray]:
    """(frequency [Hz], Z [Ω]) of a Spectrum-like object or a (frequency, Z) pair."""
    if isinstance(spectrum, tuple) and len(spectrum) == 2:
        frequency, Z = spectrum
    elif hasattr(spectrum, "frequency") and hasattr(spectrum, "Z"):
        frequency, Z = spectrum.frequency, spectrum.Z
    else:
        raise ParameterError(InputProblem("spectrum", "not a spectrum", type(spectrum).__name__,
                                          "a nakmodel.Spectrum or a (frequency, Z) pair"))
    frequency = np.asarray(frequency, dtype=float).ravel()
    Z = np.asarray(Z, dtype=complex).ravel()
    if frequency.size != Z.size or frequency.size < 5:
        raise ParameterError(InputProblem("spectrum", "needs at least 5 points with one Z per "
                                          "frequency", (frequency.size, Z.size), "≥ 5 points"))
    if not (np.all(np.isfinite(frequency)) and np.all(frequency > 0)
            and np.all(np.isfinite(Z))):
        raise ParameterError(InputProblem("spectrum", "frequencies must be finite and > 0 and Z "
                                          "finite", None, "finite data, f > 0 Hz"))
    return frequency, Z


class DRTProblem:
    """The discretised, regularised least-squares problem of one spectrum.

    Columns of the full matrices ``A_re``/``A_im`` are [R∞, L, x_1..x_M]; the columns
    actually fitted (``active``) depend on ``data`` and ``inductance``: the real part
    does not see L, the imaginary part does not see R∞.
    """

    def __init__(self, basis: Basis, frequency, Z, data: str = "complex",
                 inductance: bool = True, derivative_order: int = 1,
                 weights: str | None = None, capacitance: bool = False, _matrices=None):
        self.basis = basis
        self.frequency = np.asarray(frequency, dtype=float)
        self.omega = 2 * np.pi * self.frequency
        self.Z = np.asarray(Z, dtype=complex)
        self.data = data
        self.inductance = bool(inductance)
        self.capacitance = bool(capacitance)
        self.derivative_order = derivative_order
        self.weights = weights
        n, m = self.frequency.size, basis.ln_tau.size
        self.col_r, self.col_l, self.col_c, self.n_extra = 0, 1, 2, N_EXTRA
        k = N_EXTRA
        if _matrices is None:
            a_re, a_im = basis.impedance_matrices(self.omega)
            penalty = basis.penalty(derivative_order)
            self.A_re = np.zeros((n, m + k))
            self.A_im = np.zeros((n, m + k))
            self.A_re[:, 0] = 1.0                 # R∞
            self.A_im[:, 1] = self.omega          # iωL
            self.A_im[:, 2] = -1.0 / self.omega   # 1/(iωC) = −i S/ω, S = 1/C
            self.A_re[:, k:] = a_re
            self.A_im[:, k:] = a_im
            self.M = np.zeros((m + k, m + k))
            self.M[k:, k:] = penalty
            w, v = np.linalg.eigh(penalty)
            root = np.zeros((m, m + k))
            root[:, k:] = np.sqrt(np.clip(w, 0.0, None))[:, None] * v.T
            self.sqrt_penalty = root
        else:
            self.A_re, self.A_im, self.M, self.sqrt_penalty = _matrices
        active = np.ones(m + k, dtype=bool)
        if data == "real" or not self.inductance:
            active[1] = False
        if data == "real" or not self.capacitance:
            active[2] = False
        if data == "imag":
            active[0] = False
        self.active = active
        if data == "complex":
            self.A = np.vstack([self.A_re, self.A_im])
            self.b = np.concatenate([self.Z.real, self.Z.imag])
        elif data == "real":
            self.A = self.A_re
            self.b = self.Z.real.copy()
        else:
            self.A = self.A_im
            self.b = self.Z.imag.copy()
        if weights == "modulus":
            # w_n ∝ 1/|Z_n| normalised to mean 1, so λ keeps its unweighted scale
            w = 1.0 / np.abs(self.Z)
            w = w / np.mean(w)
            w = np.concatenate([w, w]) if data == "complex" else w
            self.row_weights = w
            self.A = self.A * w[:, None]
            self.b = self.b * w
        else:
            self.row_weights = np.ones(self.b.size)
        scale = np.linalg.norm(self.A[:, active], axis=0)
        scale[scale == 0] = 1.0
        self._scale = scale  # column scaling of the active columns (conditioning only)

    def restricted(self, data: str) -> DRTProblem:
        """The same discretisation fitted to another part of the data."""
        return DRTProblem(self.basis, self.frequency, self.Z, data, self.inductance,
                          self.derivative_order, self.weights, self.capacitance,
                          _matrices=(self.A_re, self.A_im, self.M, self.sqrt_penalty))

    def with_data(self, b: np.ndarray) -> DRTProblem:
        """A copy with the right-hand side replaced (bootstrap)."""
        clone = self.restricted(self.data)
        clone.b = np.asarray(b, dtype=float) * clone.row_weights
        return clone

    def _stacked(self, lam: float) -> np.ndarray:
        a = self.A[:, self.active] / self._scale
        s = np.sqrt(lam) * self.sqrt_penalty[:, self.active] / self._scale
        return np.vstack([a, s])

    def solve(self, lam: float, b=None, prior_rhs=None) -> np.ndarray:
        """Non-negative ridge solution, full length (inactive entries 0).

        ``b`` replaces the (weighted) data, ``prior_rhs`` the zero right-hand side of the
        penalty rows √λ S x ≈ prior_rhs (perturbation sampling)."""
        c = self._stacked(lam)
        rhs = np.concatenate([self.b if b is None else b,
                              np.zeros(self.sqrt_penalty.shape[0]) if prior_rhs is None
                              else prior_rhs])
        xs, _ = nnls(c, rhs, maxiter=50 * c.shape[1])
        x = np.zeros(self.A.shape[1])
        x[self.active] = xs / self._scale
        return x

    @cached_property
    def _spectral(self):
        """Simultaneous diagonalisation of G = AᵀA and M (active, column-scaled):
        M v = μ (G + M) v with Vᵀ(G + M)V = I, so (G + λM)⁻¹ = V diag(1/(1 − μ + λμ)) Vᵀ.
        One O(p³) factorisation; every λ afterwards costs O(np)."""
        from scipy.linalg import eigh

        a = self.A[:, self.active] / self._scale
        s = self.sqrt_penalty[:, self.active] / self._scale
        g = a.T @ a
        m = s.T @ s
        mu, v = eigh(m, g + m, check_finite=False)
        mu = np.clip(mu, 0.0, 1.0)
        w = a @ v
        return mu, v, w, w.T @ self.b, w.T @ w

    def influence_terms(self, lam: float):
        """(‖(I − K)b‖², tr K, tr K²) of the unconstrained ridge problem at λ,
        K = A (AᵀA + λM)⁻¹ Aᵀ."""
        mu, _, w, wb, ww = self._spectral
        d = 1.0 / (1.0 - mu + lam * mu)
        residual = float(np.sum((self.b - w @ (d * wb)) ** 2))
        trace_k = float(np.sum(d * np.einsum("ij,ij->j", w, w)))
        trace_k2 = float(d @ (ww * ww) @ d)
        return residual, trace_k, trace_k2

    def unconstrained_solution(self, lam: float) -> np.ndarray:
        """x_λ = (AᵀA + λM)⁻¹ Aᵀb (no sign constraint), full length."""
        mu, v, _, wb, _ = self._spectral
        xs = v @ (wb / (1.0 - mu + lam * mu))
        x = np.zeros(self.A.shape[1])
        x[self.active] = xs / self._scale
        return x

    def unconstrained_factors(self, lam: float):
        """(Q₁, R, x_λ) of the unconstrained ridge problem from a QR factorisation of the
        stacked matrix: K = Q₁Q₁ᵀ, covariance ∝ (D R⁻¹)(D R⁻¹)ᵀ (D the column scaling)."""
        c = self._stacked(lam)
        q, r = qr(c, mode="economic", check_finite=False)
        n = self.b.size
        q1 = q[:n]
        xs = solve_triangular(r, q1.T @ self.b, check_finite=False)
        x = np.zeros(self.A.shape[1])
        x[self.active] = xs / self._scale
        return q1, r, x

    def posterior(self, lam: float, sigma: float):
        """Mean and covariance of the active unknowns for the Gaussian posterior of the
        unconstrained problem: noise variance σ², prior precision (λ/σ²) M
        (Ciucci & Chen, Electrochim. Acta 167 (2015) 439)."""
        _, r, x = self.unconstrained_factors(lam)
        rinv = solve_triangular(r, np.eye(r.shape[0]), check_finite=False)
        root = sigma * rinv / self._scale[:, None]  # covariance = root rootᵀ
        return x[self.active], root



def _validate(s: DRTSettings) -> None:
    problems = []
    ext = s.extend_decades if isinstance(s.extend_decades, (tuple, list)) else (s.extend_decades,)
    if len(ext) not in (1, 2) or not all(isinstance(e, (int, float)) and not isinstance(e, bool)
                                         and 0 <= e <= 5 for e in ext):
        problems.append(InputProblem("extend_decades", "must lie in [0, 5] (one number or a "
                                     "(short-τ, long-τ) pair)", s.extend_decades,
                                     "decades (dimensionless), e.g. (0, 1)"))
    if s.weights not in (None, "modulus"):
        problems.append(InputProblem("weights", "unknown weighting", s.weights,
                                     "None or 'modulus'"))
    lam = s.lam
    if isinstance(lam, str):
        if lam.lower() not in ("auto", *LAMBDA_METHODS):
            problems.append(InputProblem("lam", "unknown λ selection method", lam,
                                         "a number > 0 or auto, " + ", ".join(LAMBDA_METHODS)))
    elif isinstance(lam, bool) or not isinstance(lam, (int, float, np.floating)) \
            or not np.isfinite(lam) or lam <= 0:
        problems.append(InputProblem("lam", "must be a positive number or a method name", lam,
                                     "λ > 0 (dimensionless) or auto, " + ", ".join(LAMBDA_METHODS)))
    r = s.lambda_range
    if not (isinstance(r, (tuple, list)) and len(r) == 2
            and all(isinstance(v, (int, float)) and np.isfinite(v) and v > 0 for v in r)
            and r[1] / r[0] >= 100):
        problems.append(InputProblem("lambda_range", "must be (λ_min, λ_max), 0 < λ_min, "
                                     "λ_max ≥ 100 λ_min", r, "e.g. (1e-12, 10)"))
    if s.derivative_order not in (1, 2):
        problems.append(InputProblem("derivative_order", "must be 1 or 2", s.derivative_order,
                                     "1 or 2"))
    if s.data not in DATA_PARTS:
        problems.append(InputProblem("data", "unknown data part", s.data,
                                     "one of " + ", ".join(DATA_PARTS)))
    if s.uncertainty is not None and s.uncertainty not in UNCERTAINTY_METHODS:
        problems.append(InputProblem("uncertainty", "unknown method", s.uncertainty,
                                     "None, 'bayesian', 'hmc' or 'bootstrap'"))
    if not isinstance(s.basis, str):
        problems.append(InputProblem("basis", "must be a name", s.basis,
                                     "one of " + ", ".join(BASIS_NAMES)))
    if not (isinstance(s.fwhm_coefficient, (int, float)) and s.fwhm_coefficient > 0):
        problems.append(InputProblem("fwhm_coefficient", "must be a positive number",
                                     s.fwhm_coefficient, "> 0 (pyDRTtools default 0.5)"))
    if s.capacitance not in CAPACITANCE_CHOICES or isinstance(s.capacitance, int) \
            and not isinstance(s.capacitance, bool):
        problems.append(InputProblem("capacitance", "must be True, False or 'auto'", s.capacitance,
                                     "True, False or 'auto'"))
    if not (isinstance(s.peak_prominence, (int, float)) and 0 < s.peak_prominence < 1):
        problems.append(InputProblem("peak_prominence", "must lie in (0, 1)", s.peak_prominence,
                                     "fraction of max γ, e.g. 0.02"))
    if problems:
        raise ParameterError(problems)


def collocation_grid(frequency: np.ndarray, extend_decades=0.0) -> np.ndarray:
    """τ_m = 1/ω_m, one per measured frequency, ascending; optionally extended by
    ``extend_decades`` (one number: both sides; a pair: (short-τ, long-τ) side) with the
    mean log spacing."""
    tau = np.sort(1.0 / (2 * np.pi * np.unique(frequency)))
    low, high = extend_decades if isinstance(extend_decades, (tuple, list)) else (
        extend_decades, extend_decades)
    step = np.mean(np.diff(np.log10(tau)))
    k_lo, k_hi = int(np.ceil(low / step)), int(np.ceil(high / step))
    lo = np.log10(tau[0]) - step * np.arange(k_lo, 0, -1)
    hi = np.log10(tau[-1]) + step * np.arange(1, k_hi + 1)
    return np.concatenate([10**lo, tau, 10**hi])


def compute(spectrum, settings: DRTSettings | None = None, *, tau=None, tau_out=None,
            **options) -> DRT:
    """DRT of ``spectrum`` by non-negative Tikhonov regularisation.

    Z(ω) = R∞ + iωL + 1/(iωC) + ∫ γ(ln τ)/(1 + iωτ) d ln τ (Wan et al. 2015, eq. 1, with
    the series capacitance of blocking electrodes and galvanostatic spectra).

    Parameters
    ----------
    spectrum: a :class:`~nakmodel.spectrum.Spectrum` (or a (frequency, Z) pair).
    settings: a :class:`~nakmodel.drt.DRTSettings`; default
        :data:`~nakmodel.drt.DEFAULT_SETTINGS`, the defaults of every DRT entry point.
    tau: collocation time constants [s]; default one per frequency, τ = 1/(2πf), extended
        by ``extend_decades``.
    tau_out: output grid [s]; default the collocation range ± half a decade, 10× denser.
    **options: any field of :class:`~nakmodel.drt.DRTSettings` (``lam``, ``basis``,
        ``capacitance``, ``weights``, ``extend_decades``, ``uncertainty``, ...), e.g.
        ``compute(s, lam=1e-3)``.  With ``data="real"`` L = 0 and no C are reported (not
        identifiable); with ``data="imag"`` R∞ is the mean of Z' − Re(Z_γ).

    A λ chosen at an end of ``lambda_range`` raises
    :class:`~nakmodel.drt.LambdaBoundWarning` and sets ``DRT.lambda_at_bound``.
    """
    import warnings

    s = resolve(settings, **options)
    _validate(s)
    frequency, Z = spectrum_arrays(spectrum)
    if tau is None:
        tau_c = collocation_grid(frequency, s.extension)
    else:
        tau_c = np.sort(np.asarray(tau, dtype=float).ravel())
        if tau_c.size < 3 or np.any(tau_c <= 0) or not np.all(np.isfinite(tau_c)):
            raise ParameterError(InputProblem("tau", "needs ≥ 3 finite positive time constants",
                                              tau_c.size, "time constants in s"))
    capacitance = needs_series_capacitance(frequency, Z) if s.capacitance == "auto" \
        else bool(s.capacitance)
    with single_thread_blas(), warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        bas = make_basis(s.basis, np.log(tau_c), s.fwhm_coefficient)
        problem = DRTProblem(bas, frequency, Z, s.data, s.inductance, s.derivative_order,
                             s.weights, capacitance)
        choice = None
        if isinstance(s.lam, str):
            choice = choose_lambda(problem, s.lam.lower(), lam_range=tuple(s.lambda_range))
            lam_value = choice.lam
        else:
            lam_value = float(s.lam)
        x = problem.solve(lam_value)
        settings_record = s.as_dict()
        settings_record.update(epsilon=getattr(bas, "epsilon", 0.0), weights=s.weights or "none",
                               capacitance_fitted=capacitance,
                               lambda_method=choice.method if choice else "fixed")
        result = _make_result(problem, x, lam_value, tau_out, spectrum, choice, settings_record)
        if s.uncertainty is not None:
            from .uncertainty import add_band

            add_band(result, problem, method=s.uncertainty, level=s.level,
                     n_samples=s.n_samples, seed=s.seed)
    for w in caught:  # re-raise for the caller, and keep the messages on the result
        result.warnings.append(str(w.message))
        warnings.warn(w.message, w.category, stacklevel=2)
    return result


def _make_result(problem: DRTProblem, x: np.ndarray, lam: float, tau_out, spectrum,
                 choice, settings) -> DRT:
    bas = problem.basis
    k = problem.n_extra
    coefficients = x[k:]
    R_inf, L, S = float(x[problem.col_r]), float(x[problem.col_l]), float(x[problem.col_c])
    if problem.data == "imag":
        R_inf = max(0.0, float(np.mean(problem.Z.real - problem.A_re[:, k:] @ coefficients)))
    z_model = R_inf + problem.A_re[:, k:] @ coefficients + 1j * (
        problem.omega * L - S / problem.omega + problem.A_im[:, k:] @ coefficients)
    tau_c = np.exp(bas.ln_tau)
    grid = default_output_grid(tau_c) if tau_out is None else np.sort(
        np.asarray(tau_out, dtype=float).ravel())
    gamma = bas.evaluate(np.log(grid)) @ coefficients
    return DRT(tau=grid, gamma=gamma, R_inf=R_inf, L=L, lam=lam, tau_collocation=tau_c,
               coefficients=coefficients, basis=bas, frequency=problem.frequency,
               Z=problem.Z, Z_model=z_model, settings=settings, lambda_choice=choice,
               area=getattr(spectrum, "area", None), label=getattr(spectrum, "label", ""),
               C=1.0 / S if S > 0 else float("inf"),
               lambda_method=choice.method if choice else "fixed",
               lambda_at_bound=bool(choice.at_bound) if choice else False,
               unit=getattr(spectrum, "unit", "ohm"))
