"""Linear Kramers-Kronig test (Lin-KK) with automatic choice of the number of RC elements.

A causal, linear, stable and time-invariant impedance obeys the Kramers-Kronig relations;
it can then be fitted by a series of RC elements with fixed time constants (Boukamp,
J. Electrochem. Soc. 142 (1995) 1885; Schönleber, Klotz & Ivers-Tiffée, Electrochim. Acta
131 (2014) 20, "Lin-KK"):

    Ẑ(ω) = R₀ + Σ_k R_k / (1 + iωτ_k) [+ iωL] [+ 1/(iωC)],

with τ_k log-spaced between τ_min = 1/ω_max and τ_max = 1/ω_min (Schönleber Eq. 12),
optionally widened by ``extend_decades`` on both sides. The R's enter linearly, so the fit
is a weighted linear least-squares problem (weights 1/|Z|, Schönleber Eq. 14).

Number of RC elements from the under/over-fitting measure

    μ = 1 − Σ_{R_k<0} |R_k| / Σ_{R_k≥0} |R_k|        (Schönleber Eq. 21)

and a cut-off ``c`` (default 0.85, the value proposed by Schönleber et al.), with one of two
rules (``mu_rule``):

- ``"first"``: the smallest M ≥ 2 with μ < c — Schönleber's algorithm as published (and as
  in impedance.py's ``linKK``);
- ``"stable"`` (default): the smallest M from which μ stays below c for every larger M up
  to ``max_M``. On measured spectra μ often dips below c at a handful of RC elements (few,
  widely spaced τ's compensate each other with negative R's) although the fit is still
  far from the data — the premature stop discussed by Yrjänä & Bobacka, Electrochim. Acta
  504 (2024) 144951. The stable rule skips such dips; where μ decreases monotonically the
  two rules agree.

Residuals are relative to |Z|: Δ' = (Z' − Ẑ')/|Z|, Δ'' = (Z'' − Ẑ'')/|Z| (Eq. 15).

Verdict: a spectrum *passes* when every residual satisfies |Δ| ≤ ``threshold`` (default
1 %), the usual rule of thumb for good-quality EIS (Schönleber 2014, Sec. 4). A failing
spectrum triggers a :class:`KramersKronigWarning` and ``passed = False``; it never raises.

Test variants (Boukamp 1995): ``"complex"`` fits Z' and Z'' together (default);
``"real"`` fits Z' and then only L/C to the Z'' remainder — the real part predicts the
imaginary one, which is the Kramers-Kronig transform proper; ``"imag"`` fits Z'' and
takes R₀ as the |Z|⁻²-weighted mean remainder of Z' (Boukamp Eq. 7).
"""

from __future__ import annotations

import contextlib
import math
import warnings
from dataclasses import dataclass
from typing import Literal

import numpy as np

from ..errors import InputProblem, ParameterError
from ..spectrum import Spectrum

KKTest = Literal["complex", "real", "imag"]
KKWeighting = Literal["modulus", "unit"]
MuRule = Literal["stable", "first"]
_TESTS = ("complex", "real", "imag")
_MU_RULES = ("stable", "first")
AUTO_EXTENSIONS = (0.0, 0.25, 0.5, 0.75, 1.0)
_WEIGHTINGS = ("modulus", "unit")


class KramersKronigWarning(UserWarning):
    """A spectrum failed the Kramers-Kronig test (residuals above the threshold)."""


@dataclass(frozen=True, eq=False)
class KKResult:
    """Outcome of :func:`kramers_kronig` for one spectrum.

    ``R0`` [Ω], ``R`` (R_k) [Ω] at time constants ``tau`` [s], series ``L`` [H] (0 if not
    fitted) and ``C`` [F] (``inf`` if not fitted); ``Z_fit`` [Ω]; residuals relative to |Z|.
    ``mu_reached`` is False when μ never fell below ``c`` up to ``max_M`` (M = max_M used).
    """

    spectrum: Spectrum
    test: str
    weighting: str
    M: int
    mu: float
    c: float | None
    tau: np.ndarray
    R0: float
    R: np.ndarray
    L: float
    C: float
    Z_fit: np.ndarray
    residuals_real: np.ndarray
    residuals_imag: np.ndarray
    threshold: float
    mu_reached: bool = True
    extend_decades: float = 0.0

    def __repr__(self) -> str:
        """One line (no arrays): :meth:`summary`."""
        return f"KKResult({self.summary()})"

    @property
    def frequency(self) -> np.ndarray:
        return self.spectrum.frequency

    @property
    def max_residual(self) -> float:
        """Largest |Δ'| or |Δ''| (fraction of |Z|)."""
        return float(max(np.max(np.abs(self.residuals_real)),
                         np.max(np.abs(self.residuals_imag))))

    @property
    def pseudo_chi_squared(self) -> float:
        """χ²_ps = Σ (Δ'² + Δ''²) (Boukamp 1995, Eq. 13 with modulus weights)."""
        return float(np.sum(self.residuals_real ** 2 + self.residuals_imag ** 2))

    @property
    def noise_percent(self) -> float:
        """Noise level implied by χ²_ps if it were white noise of σ·|Z| on both parts, in %.

        E[χ²_ps] = 2Nσ² ⇒ 100σ = √(5000 χ²_ps / N) (Yrjänä & Bobacka, Electrochim. Acta
        504 (2024) 144951).
        """
        return math.sqrt(5000.0 * self.pseudo_chi_squared / len(self.spectrum))

    @property
    def passed(self) -> bool:
        """True when every residual is within ± ``threshold``."""
        return self.max_residual <= self.threshold

    def fitted(self) -> Spectrum:
        """The KK-compliant fit as a :class:`Spectrum` on the measured frequencies."""
        return Spectrum(self.spectrum.frequency, self.Z_fit, area=self.spectrum.area,
                        label=f"Lin-KK fit of {self.spectrum.label}".strip())

    def summary(self) -> str:
        """One line: label, points, M, μ, max residual, noise estimate, verdict."""
        verdict = "pass" if self.passed else "FAIL"
        return (f"{self.spectrum.label or '-'}: N={len(self.spectrum)} M={self.M} "
                f"mu={self.mu:.3f} max|res|={100 * self.max_residual:.3g}% "
                f"noise~{self.noise_percent:.3g}% -> {verdict}")

    def to_csv(self, path):
        """Write f, measured Z, fitted Z and residuals (full precision, atomic write) as a
        plain CSV with ``name [unit]`` headers (residuals are fractions of |Z|, ``[-]``); the
        test settings (M, μ, verdict) go into the sidecar ``<stem>.meta.json``."""
        from ..atomic_write import atomic_write_text
        from ..tables import write_sidecar

        u = self.spectrum.unit if hasattr(self.spectrum, "unit") else "ohm"
        lines = [f"frequency [Hz],Z_real [{u}],Z_imag [{u}],Zfit_real [{u}],Zfit_imag [{u}],"
                 "residual_real [-],residual_imag [-]"]
        for f, z, zf, rr, ri in zip(self.spectrum.frequency.tolist(), self.spectrum.Z.tolist(),
                                    self.Z_fit.tolist(), self.residuals_real.tolist(),
                                    self.residuals_imag.tolist(), strict=True):
            lines.append(f"{f!r},{z.real!r},{z.imag!r},{zf.real!r},{zf.imag!r},{rr!r},{ri!r}")
        atomic_write_text(path, "\n".join(lines) + "\n")
        write_sidecar(path, {"test": self.test, "M": self.M, "mu": self.mu, "c": self.c,
                             "extend_decades": self.extend_decades, "passed": self.passed,
                             "label": self.spectrum.label, "unit": u})
        return path

    def plot_residuals(self, ax, percent: bool = True, **kw):
        """Residuals Δ', Δ'' vs frequency with the ± threshold band. Returns ax."""
        scale = 100.0 if percent else 1.0
        f = self.spectrum.frequency
        order = np.argsort(f)
        ax.semilogx(f[order], scale * self.residuals_real[order], marker="o", markersize=3,
                    label="Δ' (real)", **kw)
        ax.semilogx(f[order], scale * self.residuals_imag[order], marker="s", markersize=3,
                    label="Δ'' (imag)", **kw)
        band = scale * self.threshold
        ax.axhspan(-band, band, color="0.9", zorder=0)
        ax.axhline(0.0, color="0.5", linewidth=0.8)
        ax.set_xlabel("f / Hz")
        ax.set_ylabel("residual / %" if percent else "residual / -")
        verdict = "pass" if self.passed else "fail"
        ax.set_title(f"Lin-KK ({self.test}): M = {self.M}, μ = {self.mu:.3f}, {verdict}")
        ax.legend(loc="best", fontsize="small")
        return ax


def time_constants(frequency: np.ndarray, M: int, extend_decades: float = 0.0) -> np.ndarray:
    """τ_k = 10^(log τ_min + (k−1)/(M−1) log(τ_max/τ_min)), τ_min = 1/ω_max, τ_max = 1/ω_min.

    Schönleber et al. (2014) Eq. 12; ``extend_decades`` widens the range on both ends.
    """
    omega = 2.0 * np.pi * np.asarray(frequency, dtype=float)
    lo = -np.log10(omega.max()) - extend_decades
    hi = -np.log10(omega.min()) + extend_decades
    if M == 1:
        return np.array([10.0 ** hi])
    return 10.0 ** np.linspace(lo, hi, M)


def mu_measure(R: np.ndarray) -> float:
    """μ = 1 − Σ_{R_k<0}|R_k| / Σ_{R_k≥0}|R_k| (Schönleber 2014, Eq. 21); −inf if no R_k ≥ 0."""
    R = np.asarray(R, dtype=float)
    positive = np.sum(R[R >= 0])
    negative = np.sum(np.abs(R[R < 0]))
    if positive == 0:
        return -math.inf
    return float(1.0 - negative / positive)


@contextlib.contextmanager
def _one_blas_thread():
    """Small dense problems: threaded BLAS on a busy machine is many times slower."""
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - optional
        yield
        return
    with threadpool_limits(limits=1, user_api="blas"):
        yield


def _lstsq(A: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Least squares with column equilibration (columns of very different scales)."""
    norms = np.linalg.norm(A, axis=0)
    norms[norms == 0] = 1.0
    x, *_ = np.linalg.lstsq(A / norms, b, rcond=None)
    return x / norms


def _fit(spectrum: Spectrum, tau: np.ndarray, test: str, weighting: str, capacitance: bool,
         inductance: bool):
    """Solve the linear Lin-KK problem; returns (R0, R_k, L, 1/C)."""
    w = spectrum.omega
    Z = spectrum.Z
    weight = 1.0 / np.abs(Z) if weighting == "modulus" else np.ones_like(w)
    K = 1.0 / (1.0 + 1j * np.outer(w, tau))  # kernel of the RC elements, N × M
    M = tau.size
    cols_im_extra = []
    if inductance:
        cols_im_extra.append(w)
    if capacitance:
        cols_im_extra.append(-1.0 / w)  # Im of 1/(iωC) = −(1/C)/ω, unknown 1/C
    extra = np.column_stack(cols_im_extra) if cols_im_extra else np.zeros((w.size, 0))
    ne = extra.shape[1]

    def unpack(x_extra):
        L = x_extra[0] if inductance else 0.0
        inv_C = x_extra[-1] if capacitance else 0.0
        return float(L), float(inv_C)

    if test == "complex":
        A_re = np.column_stack([np.ones_like(w), K.real, np.zeros((w.size, ne))])
        A_im = np.column_stack([np.zeros_like(w), K.imag, extra])
        A = np.vstack([A_re * weight[:, None], A_im * weight[:, None]])
        b = np.concatenate([Z.real * weight, Z.imag * weight])
        x = _lstsq(A, b)
        R0, R = float(x[0]), x[1:M + 1]
        L, inv_C = unpack(x[M + 1:])
    elif test == "real":
        A = np.column_stack([np.ones_like(w), K.real]) * weight[:, None]
        x = _lstsq(A, Z.real * weight)
        R0, R = float(x[0]), x[1:]
        L, inv_C = 0.0, 0.0
        if ne:
            remainder = Z.imag - K.imag @ R
            y = _lstsq(extra * weight[:, None], remainder * weight)
            L, inv_C = unpack(y)
    else:  # imag
        A = np.column_stack([K.imag, extra]) * weight[:, None]
        x = _lstsq(A, Z.imag * weight)
        R = x[:M]
        L, inv_C = unpack(x[M:])
        w2 = 1.0 / np.abs(Z) ** 2
        R0 = float(np.sum(w2 * (Z.real - K.real @ R)) / np.sum(w2))
    return R0, np.asarray(R, dtype=float), L, inv_C


def _evaluate(omega, tau, R0, R, L, inv_C) -> np.ndarray:
    K = 1.0 / (1.0 + 1j * np.outer(omega, tau))
    return R0 + K @ R + 1j * omega * L + inv_C / (1j * omega)


def _validate(spectrum, c, test, M, max_M, threshold, weighting, extend_decades, mu_rule):
    problems = []
    if mu_rule not in _MU_RULES:
        problems.append(InputProblem("kramers_kronig.mu_rule", "unknown rule", mu_rule,
                                     "'stable' or 'first'"))
    if not isinstance(spectrum, Spectrum):
        raise ParameterError(InputProblem("spectrum", "expected a nakmodel Spectrum",
                                          type(spectrum).__name__, "Spectrum(frequency, Z)"))
    n = len(spectrum)
    if n < 3:
        problems.append(InputProblem("spectrum", "too few points for a Kramers-Kronig test", n,
                                     ">= 3 frequencies"))
    if c is not None and not (isinstance(c, (int, float)) and 0 < c < 1):
        problems.append(InputProblem("kramers_kronig.c", "μ cut-off out of range", c,
                                     "a number in (0, 1), typically 0.85"))
    if test not in _TESTS:
        problems.append(InputProblem("kramers_kronig.test", "unknown test", test,
                                     "'complex', 'real' or 'imag'"))
    if weighting not in _WEIGHTINGS:
        problems.append(InputProblem("kramers_kronig.weighting", "unknown weighting", weighting,
                                     "'modulus' (1/|Z|, Schönleber) or 'unit'"))
    for key, value in (("M", M), ("max_M", max_M)):
        if value is not None and (not isinstance(value, (int, np.integer)) or
                                  isinstance(value, bool) or value < 1):
            problems.append(InputProblem(f"kramers_kronig.{key}", "must be a positive integer",
                                         value, "an integer >= 1 (number of RC elements)"))
    if not (isinstance(threshold, (int, float)) and 0 < threshold < 1):
        problems.append(InputProblem("kramers_kronig.threshold", "out of range", threshold,
                                     "a fraction of |Z| in (0, 1), e.g. 0.01 for 1 %"))
    if extend_decades != "auto" and not (isinstance(extend_decades, (int, float))
                                         and 0 <= extend_decades <= 3):
        problems.append(InputProblem("kramers_kronig.extend_decades", "out of range",
                                     extend_decades, "0 to 3 decades, or 'auto'"))
    if problems:
        raise ParameterError(problems)


def kramers_kronig(spectrum: Spectrum, *, c: float | None = 0.85, test: KKTest = "complex",
                   M: int | None = None, max_M: int | None = None, capacitance: bool = True,
                   inductance: bool = True, weighting: KKWeighting = "modulus",
                   threshold: float = 0.01, extend_decades: float | str = 0.0,
                   mu_rule: MuRule = "stable", warn: bool = True) -> KKResult:
    """Lin-KK test of ``spectrum`` (see the module docstring for the method and sources).

    Parameters
    ----------
    c:
        μ cut-off (Schönleber: 0.85); M is chosen by ``mu_rule``.
    mu_rule:
        ``"stable"`` (smallest M from which μ < c up to ``max_M``) or ``"first"``
        (smallest M with μ < c, Schönleber 2014).
    test:
        ``"complex"``, ``"real"`` or ``"imag"`` (Boukamp 1995).
    M:
        Fixed number of RC elements (skips the μ search).
    max_M:
        Upper bound of the search (default: N − 1 for real/imag tests, N for complex).
    capacitance, inductance:
        Add a series C (spectra without a low-frequency intercept, e.g. blocking
        electrodes) and/or a series L (cable inductance).
    weighting:
        ``"modulus"`` (weights 1/|Z|, Schönleber Eq. 14) or ``"unit"``.
    threshold:
        Largest |residual|/|Z| for ``passed`` (default 0.01 = 1 %).
    extend_decades:
        Widen the τ range by this many decades on both sides (0 = Schönleber's range), or
        ``"auto"``: try 0, 0.25, 0.5, 0.75 and 1 decade and keep the fit with the smallest
        pseudo χ² (in the spirit of pyimpspec's optimised log F_ext, Yrjänä & Bobacka 2024).
    warn:
        Emit :class:`KramersKronigWarning` when the spectrum fails.

    Returns
    -------
    KKResult
        The verdict (``passed``), the chosen M and μ, the fitted R0 [Ω], R_k [Ω] at τ_k
        [s], series L [H] and C [F], ``Z_fit`` [Ω] and the residuals relative to |Z|.
    """
    _validate(spectrum, c, test, M, max_M, threshold, weighting, extend_decades, mu_rule)
    extensions = AUTO_EXTENSIONS if extend_decades == "auto" else (float(extend_decades),)
    with _one_blas_thread():
        results = [_kramers_kronig(spectrum, c, test, M, max_M, capacitance, inductance,
                                   weighting, threshold, ext, mu_rule) for ext in extensions]
    result = min(results, key=lambda r: r.pseudo_chi_squared)
    if warn and not result.passed:
        warnings.warn(f"spectrum {spectrum.label or '(unnamed)'} fails the Kramers-Kronig test: "
                      f"max |residual| = {100 * result.max_residual:.3g}% > "
                      f"{100 * threshold:.3g}% (M = {result.M}, mu = {result.mu:.3f})",
                      KramersKronigWarning, stacklevel=2)
    return result


def _kramers_kronig(spectrum, c, test, M, max_M, capacitance, inductance, weighting,
                    threshold, extend_decades, mu_rule) -> KKResult:
    n = len(spectrum)
    limit = n if test == "complex" else n - 1
    if max_M is None:
        max_M = max(2, min(limit, 100))
    fit_args = (test, weighting, capacitance, inductance)
    mu_reached = True
    if M is not None:
        tau = time_constants(spectrum.frequency, M, extend_decades)
        R0, R, L, inv_C = _fit(spectrum, tau, *fit_args)
        mu = mu_measure(R)
    elif c is None:
        raise ParameterError(InputProblem("kramers_kronig.c", "give c (automatic M) or M (fixed)",
                                          None, "c in (0, 1) or an integer M"))
    elif mu_rule == "first":
        mu_reached = False
        for m in range(2, max_M + 1):
            tau = time_constants(spectrum.frequency, m, extend_decades)
            R0, R, L, inv_C = _fit(spectrum, tau, *fit_args)
            mu = mu_measure(R)
            if mu < c:
                mu_reached = True
                break
        M = tau.size
    else:  # stable: scan all M, take the start of the final run of μ < c
        fits = {}
        for m in range(2, max_M + 1):
            tau_m = time_constants(spectrum.frequency, m, extend_decades)
            fits[m] = (tau_m, _fit(spectrum, tau_m, *fit_args))
        mus = {m: mu_measure(fit[1]) for m, (_, fit) in fits.items()}
        chosen = max_M
        mu_reached = mus[max_M] < c
        if mu_reached:
            for m in range(max_M, 1, -1):
                if mus[m] < c:
                    chosen = m
                else:
                    break
        tau, (R0, R, L, inv_C) = fits[chosen]
        mu, M = mus[chosen], chosen
    Z_fit = _evaluate(spectrum.omega, tau, R0, R, L, inv_C)
    modulus = np.abs(spectrum.Z)
    res = (spectrum.Z - Z_fit) / modulus
    C = math.inf if inv_C == 0 else 1.0 / inv_C
    return KKResult(spectrum=spectrum, test=test, weighting=weighting, M=int(M), mu=mu,
                    c=c, tau=tau, R0=R0, R=R, L=L, C=C, Z_fit=Z_fit,
                    residuals_real=res.real.copy(), residuals_imag=res.imag.copy(),
                    threshold=float(threshold), mu_reached=mu_reached,
                    extend_decades=float(extend_decades))
