"""Distribution of relaxation times (DRT) by non-negative Tikhonov regularisation.

Model (e.g. Wan et al., Electrochim. Acta 184 (2015) 483, eq. 1):

    Z(ω) = R∞ + iωL + ∫ γ(ln τ) / (1 + iωτ) d ln τ,

γ expanded on a basis (:mod:`.basis`), unknowns x ≥ 0, R∞ ≥ 0 and L ≥ 0 (as in
pyDRTtools; a negative inductance is not physical for cables and is not fitted):

    min_x ‖A x − b‖² + λ xᵀ M x,   x ≥ 0,

solved exactly as a non-negative least-squares problem on the stacked system
[A; √λ S] (M = SᵀS) with Lawson–Hanson NNLS (:func:`scipy.optimize.nnls`).  The data
are not weighted (pyDRTtools/pyimpspec convention), so λ has the same meaning as there.

Usage::

    drt = nakmodel.drt.compute(spectrum)            # automatic λ
    drt.peaks(); drt.plot(ax); drt.to_csv("drt.csv")
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from pathlib import Path

import numpy as np
from scipy.linalg import qr, solve_triangular
from scipy.optimize import nnls

from ..errors import ParameterError, Problem
from .basis import BASIS_NAMES, Basis, make_basis
from .peaks import Peak, deconvolve_gaussians, find_peaks
from .regularization import LAMBDA_METHODS, LambdaChoice, choose_lambda

DATA_PARTS = ("complex", "real", "imag")
UNCERTAINTY_METHODS = ("bayesian", "hmc", "bootstrap")
#: Automatic λ criterion used when ``lam`` is not given (see the validation report).
DEFAULT_LAMBDA = "mgcv"


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
        raise ParameterError(Problem("spectrum", "not a spectrum", type(spectrum).__name__,
                                     "a nakmodel.Spectrum or a (frequency, Z) pair"))
    frequency = np.asarray(frequency, dtype=float).ravel()
    Z = np.asarray(Z, dtype=complex).ravel()
    if frequency.size != Z.size or frequency.size < 5:
        raise ParameterError(Problem("spectrum", "needs at least 5 points with one Z per "
                                     "frequency", (frequency.size, Z.size), "≥ 5 points"))
    if not (np.all(np.isfinite(frequency)) and np.all(frequency > 0)
            and np.all(np.isfinite(Z))):
        raise ParameterError(Problem("spectrum", "frequencies must be finite and > 0 and Z "
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
                 weights: str | None = None, _matrices=None):
        self.basis = basis
        self.frequency = np.asarray(frequency, dtype=float)
        self.omega = 2 * np.pi * self.frequency
        self.Z = np.asarray(Z, dtype=complex)
        self.data = data
        self.inductance = bool(inductance)
        self.derivative_order = derivative_order
        self.weights = weights
        n, m = self.frequency.size, basis.ln_tau.size
        self.col_r, self.col_l, self.n_extra = 0, 1, 2
        if _matrices is None:
            a_re, a_im = basis.impedance_matrices(self.omega)
            penalty = basis.penalty(derivative_order)
            self.A_re = np.zeros((n, m + 2))
            self.A_im = np.zeros((n, m + 2))
            self.A_re[:, 0] = 1.0
            self.A_im[:, 1] = self.omega
            self.A_re[:, 2:] = a_re
            self.A_im[:, 2:] = a_im
            self.M = np.zeros((m + 2, m + 2))
            self.M[2:, 2:] = penalty
            w, v = np.linalg.eigh(penalty)
            root = np.zeros((m, m + 2))
            root[:, 2:] = np.sqrt(np.clip(w, 0.0, None))[:, None] * v.T
            self.sqrt_penalty = root
        else:
            self.A_re, self.A_im, self.M, self.sqrt_penalty = _matrices
        active = np.ones(m + 2, dtype=bool)
        if data == "real" or not self.inductance:
            active[1] = False
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
                          self.derivative_order, self.weights,
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


@dataclass
class DRT:
    """Result of :func:`compute`: γ on a fine grid plus everything needed to re-use it.

    ``tau`` [s] and ``gamma`` [Ω] (γ per unit ln τ) on the output grid; ``R_inf`` [Ω],
    ``L`` [H]; ``lam`` the regularisation parameter; ``coefficients`` the basis weights on
    ``tau_collocation``; ``gamma_lower``/``gamma_upper`` the credible (Bayesian) or
    percentile (bootstrap) band when requested.
    """

    tau: np.ndarray
    gamma: np.ndarray
    R_inf: float
    L: float
    lam: float
    tau_collocation: np.ndarray
    coefficients: np.ndarray
    basis: Basis = field(repr=False)
    frequency: np.ndarray = field(repr=False)
    Z: np.ndarray = field(repr=False)
    Z_model: np.ndarray = field(repr=False)
    settings: dict = field(default_factory=dict)
    lambda_choice: LambdaChoice | None = field(default=None, repr=False)
    gamma_lower: np.ndarray | None = field(default=None, repr=False)
    gamma_upper: np.ndarray | None = field(default=None, repr=False)
    band_level: float | None = None
    area: float | None = None
    label: str = ""
    unit: str = "ohm"
    """Unit of γ, R_inf and the peak resistances: ``"ohm"`` for the DRT of an absolute
    spectrum, ``"ohm m^2"`` for an area-specific one (:attr:`Spectrum.unit`)."""

    def __repr__(self) -> str:
        band = f", band={self.settings.get('uncertainty')}" if self.gamma_lower is not None else ""
        return (f"DRT({self.label!r}, {self.settings.get('basis', '?')}, λ={self.lam:.3g}, "
                f"R_inf={self.R_inf:.4g} Ω, L={self.L:.3g} H, "
                f"R_pol={self.polarization_resistance:.4g} Ω, {len(self.peaks())} peaks{band})")

    def gamma_at(self, tau) -> np.ndarray:
        """γ [Ω] at arbitrary time constants ``tau`` [s] (the continuous expansion)."""
        tau = np.asarray(tau, dtype=float)
        return self.basis.evaluate(np.log(tau.ravel())).dot(self.coefficients).reshape(tau.shape)

    @property
    def polarization_resistance(self) -> float:
        """∫ γ d ln τ [Ω], exact for the basis: Σ_m x_m ∫ φ_m."""
        return float(self.basis.areas() @ self.coefficients)

    @property
    def residuals(self) -> np.ndarray:
        """Z_measured − Z_fit [Ω] (complex)."""
        return self.Z - self.Z_model

    @property
    def relative_residuals(self) -> np.ndarray:
        """(Z_measured − Z_fit)/|Z_measured| (complex, dimensionless)."""
        return self.residuals / np.abs(self.Z)

    @cached_property
    def Z_fit(self):
        """The fitted impedance as a :class:`nakmodel.spectrum.Spectrum`."""
        from ..spectrum import Spectrum

        meta = {"unit": self.unit} if self.unit != "ohm" else {}
        return Spectrum(self.frequency, self.Z_model, area=self.area,
                        label=f"DRT fit {self.label}".strip(), meta=meta)

    def impedance(self, frequency) -> np.ndarray:
        """Z(f) [Ω] of the fitted DRT model at any frequencies."""
        omega = 2 * np.pi * np.asarray(frequency, dtype=float)
        a_re, a_im = self.basis.impedance_matrices(omega)
        return self.R_inf + 1j * omega * self.L + (a_re + 1j * a_im) @ self.coefficients

    def peaks(self, prominence: float = 0.01) -> list[Peak]:
        """Peaks of γ with their resistances (integral over each peak's basin)."""
        peaks = find_peaks(self.tau, self.gamma, prominence=prominence)
        if self.unit != "ohm":
            from dataclasses import replace

            peaks = [replace(p, unit=self.unit) for p in peaks]
        return peaks

    def deconvolve(self, n: int):
        """Fit γ by a sum of ``n`` Gaussians in ln τ; see :func:`.peaks.deconvolve_gaussians`."""
        return deconvolve_gaussians(self.tau, self.gamma, n)

    def to_csv(self, path) -> Path:
        """Write ``tau [s],frequency [Hz],gamma [<unit>]`` (+ band) as a plain CSV (atomic) and
        R_inf, L, λ, R_pol, the unit and the settings into the sidecar ``<stem>.meta.json``
        (read back by :func:`nakmodel.drt.load_drt`)."""
        from ..io_utils import atomic_write_text
        from ..tables import write_sidecar

        u = self.unit
        header = f"tau [s],frequency [Hz],gamma [{u}]"
        columns = [self.tau, 1 / (2 * np.pi * self.tau), self.gamma]
        if self.gamma_lower is not None:
            header += f",gamma_lower [{u}],gamma_upper [{u}]"
            columns += [self.gamma_lower, self.gamma_upper]
        lines = [header]
        data = np.column_stack(columns)
        lines += [",".join(f"{v:.10g}" for v in row) for row in data]
        path = atomic_write_text(path, "\n".join(lines) + "\n")
        write_sidecar(path, {"label": self.label, "unit": u, "R_inf": self.R_inf,
                             "L": self.L, "L_unit": "H", "lambda": self.lam,
                             "polarization_resistance": self.polarization_resistance,
                             "band_level": self.band_level, "area": self.area,
                             "settings": dict(self.settings)})
        return path

    def plot(self, ax, band: bool = True, label: str | None = None, **kw):
        """γ(τ) on a log τ axis, with the uncertainty band when available; γ in Ω, or in
        Ω cm² for the DRT of an area-specific spectrum."""
        scale, unit = (1e4, "Ω cm²") if self.unit != "ohm" else (1.0, "Ω")
        line, = ax.semilogx(self.tau, self.gamma * scale, label=label or self.label or "DRT",
                            **kw)
        if band and self.gamma_lower is not None:
            pct = f"{100 * self.band_level:.0f}% band" if self.band_level else "band"
            ax.fill_between(self.tau, self.gamma_lower * scale, self.gamma_upper * scale,
                            alpha=0.3, color=line.get_color(), lw=0, label=pct)
        ax.set_xlabel("τ / s")
        ax.set_ylabel(f"γ / {unit}")
        return ax


def default_output_grid(tau_collocation: np.ndarray) -> np.ndarray:
    """10 points per collocation point over the collocation range ± half a decade
    (the output grid of pyDRTtools and pyimpspec)."""
    lo, hi = np.log10(tau_collocation.min()), np.log10(tau_collocation.max())
    return np.logspace(lo - 0.5, hi + 0.5, 10 * tau_collocation.size)


def _validate(lam, basis, derivative_order, data, uncertainty, fwhm_coefficient, weights,
              extend_decades=0.0):
    problems = []
    if not (isinstance(extend_decades, (int, float)) and 0 <= extend_decades <= 5):
        problems.append(Problem("extend_decades", "must lie in [0, 5]", extend_decades,
                                "decades (dimensionless), e.g. 1"))
    if weights not in (None, "modulus"):
        problems.append(Problem("weights", "unknown weighting", weights, "None or 'modulus'"))
    if isinstance(lam, str):
        if lam.lower() not in LAMBDA_METHODS:
            problems.append(Problem("lam", "unknown λ selection method", lam,
                                    "a number > 0 or one of " + ", ".join(LAMBDA_METHODS)))
    elif isinstance(lam, bool) or not isinstance(lam, (int, float, np.floating)) \
            or not np.isfinite(lam) or lam <= 0:
        problems.append(Problem("lam", "must be a positive number or a method name", lam,
                                "λ > 0 (dimensionless) or one of " + ", ".join(LAMBDA_METHODS)))
    if derivative_order not in (1, 2):
        problems.append(Problem("derivative_order", "must be 1 or 2", derivative_order,
                                "1 or 2"))
    if data not in DATA_PARTS:
        problems.append(Problem("data", "unknown data part", data,
                                "one of " + ", ".join(DATA_PARTS)))
    if uncertainty is not None and uncertainty not in UNCERTAINTY_METHODS:
        problems.append(Problem("uncertainty", "unknown method", uncertainty,
                                "None, 'bayesian', 'hmc' or 'bootstrap'"))
    if not isinstance(basis, str):
        problems.append(Problem("basis", "must be a name", basis,
                                "one of " + ", ".join(BASIS_NAMES)))
    if not (isinstance(fwhm_coefficient, (int, float)) and fwhm_coefficient > 0):
        problems.append(Problem("fwhm_coefficient", "must be a positive number",
                                fwhm_coefficient, "> 0 (pyDRTtools default 0.5)"))
    if problems:
        raise ParameterError(problems)


def collocation_grid(frequency: np.ndarray, extend_decades: float = 0.0) -> np.ndarray:
    """τ_m = 1/ω_m, one per measured frequency, ascending; optionally extended on both
    sides by ``extend_decades`` with the mean log spacing."""
    tau = np.sort(1.0 / (2 * np.pi * np.unique(frequency)))
    if extend_decades > 0:
        step = np.mean(np.diff(np.log10(tau)))
        k = int(np.ceil(extend_decades / step))
        lo = np.log10(tau[0]) - step * np.arange(k, 0, -1)
        hi = np.log10(tau[-1]) + step * np.arange(1, k + 1)
        tau = np.concatenate([10**lo, tau, 10**hi])
    return tau


def compute(spectrum, lam: float | str = DEFAULT_LAMBDA, basis: str = "gaussian",
            fwhm_coefficient: float = 0.5, derivative_order: int = 1, data: str = "complex",
            inductance: bool = True, tau=None, extend_decades: float = 0.0,
            tau_out=None, weights: str | None = None, uncertainty: str | None = None,
            level: float = 0.95, n_samples: int = 1000, seed: int = 0) -> DRT:
    """DRT of ``spectrum`` by non-negative Tikhonov regularisation.

    Parameters
    ----------
    spectrum: a :class:`~nakmodel.spectrum.Spectrum` (or a (frequency, Z) pair).
    lam: λ > 0, or the automatic criterion "gcv", "mgcv", "rgcv", "lcurve", "re-im".
    basis: "gaussian", "C0/C2/C4/C6 matern", "inverse quadratic", "piecewise linear".
    fwhm_coefficient: RBF width: FWHM = mean Δ ln τ / coefficient (pyDRTtools' shape control).
    derivative_order: 1 or 2, order of the derivative penalised.
    data: "complex" (both parts), "real" or "imag".  With "real", L = 0 is reported (not
        identifiable); with "imag", R∞ is the mean of Z' − Re(Z_γ).
    inductance: fit L ≥ 0 (True) or no inductance (False).
    tau: collocation time constants [s]; default one per frequency, τ = 1/(2πf).
    extend_decades: extend the default collocation grid on both sides.
    tau_out: output grid [s]; default the collocation range ± half a decade, 10× denser.
    weights: None (unweighted, as pyDRTtools) or "modulus" (rows weighted by 1/|Z|,
        normalised to mean 1: the statistically right choice for noise ∝ |Z|).
    uncertainty: None, "bayesian" (Gaussian posterior sampled by perturbation-optimisation
        under x ≥ 0), "hmc" (the posterior truncated to x ≥ 0, exact HMC; slow) or
        "bootstrap" (residual resampling at fixed λ); the band holds ``level`` of samples.
    """
    _validate(lam, basis, derivative_order, data, uncertainty, fwhm_coefficient, weights,
              extend_decades)
    frequency, Z = spectrum_arrays(spectrum)
    if tau is None:
        tau_c = collocation_grid(frequency, extend_decades)
    else:
        tau_c = np.sort(np.asarray(tau, dtype=float).ravel())
        if tau_c.size < 3 or np.any(tau_c <= 0) or not np.all(np.isfinite(tau_c)):
            raise ParameterError(Problem("tau", "needs ≥ 3 finite positive time constants",
                                         tau_c.size, "time constants in s"))
    with single_thread_blas():
        bas = make_basis(basis, np.log(tau_c), fwhm_coefficient)
        problem = DRTProblem(bas, frequency, Z, data, inductance, derivative_order, weights)
        choice = None
        if isinstance(lam, str):
            choice = choose_lambda(problem, lam.lower())
            lam_value = choice.lam
        else:
            lam_value = float(lam)
        x = problem.solve(lam_value)
        result = _make_result(problem, x, lam_value, tau_out, spectrum, choice,
                              dict(basis=bas.name, fwhm_coefficient=fwhm_coefficient,
                                   epsilon=getattr(bas, "epsilon", 0.0),
                                   derivative_order=derivative_order, data=data,
                                   inductance=inductance, weights=weights or "none",
                                   lambda_method=lam if isinstance(lam, str) else "fixed"))
        if uncertainty is not None:
            from .uncertainty import add_band

            add_band(result, problem, method=uncertainty, level=level, n_samples=n_samples,
                     seed=seed)
    return result


def _make_result(problem: DRTProblem, x: np.ndarray, lam: float, tau_out, spectrum,
                 choice, settings) -> DRT:
    bas = problem.basis
    coefficients = x[2:]
    R_inf = float(x[0])
    L = float(x[1])
    if problem.data == "imag":
        R_inf = max(0.0, float(np.mean(problem.Z.real - problem.A_re[:, 2:] @ coefficients)))
    z_model = R_inf + problem.A_re[:, 2:] @ coefficients + 1j * (
        problem.omega * L + problem.A_im[:, 2:] @ coefficients)
    tau_c = np.exp(bas.ln_tau)
    grid = default_output_grid(tau_c) if tau_out is None else np.sort(
        np.asarray(tau_out, dtype=float).ravel())
    gamma = bas.evaluate(np.log(grid)) @ coefficients
    return DRT(tau=grid, gamma=gamma, R_inf=R_inf, L=L, lam=lam, tau_collocation=tau_c,
               coefficients=coefficients, basis=bas, frequency=problem.frequency,
               Z=problem.Z, Z_model=z_model, settings=settings, lambda_choice=choice,
               area=getattr(spectrum, "area", None), label=getattr(spectrum, "label", ""),
               unit=getattr(spectrum, "unit", "ohm"))
