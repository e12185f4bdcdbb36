"""Choice of the Tikhonov regularisation parameter λ of the DRT inversion.

All criteria work on the ridge problem  min ‖A x − b‖² + λ xᵀ M x  (A stacks the real
and/or imaginary rows, b the data; λ is dimensionless because A is), as reviewed by
Maradesa et al., J. Electrochem. Soc. 170 (2023) 030502:

* ``"gcv"``   generalised cross-validation (Wahba 1985): n‖(I−K)b‖² / tr(I−K)²
* ``"mgcv"``  modified GCV (Kim & Gu 2004): denominator tr(I−ρK)², ρ = 1.3 (n<50) or 2
* ``"rgcv"``  robust GCV (Lukas et al. 2016): (ξ + (1−ξ) tr(K²)/n)·GCV, ξ = 0.2 (n<100) or 0.3
* ``"lcurve"`` corner (maximum curvature) of (log‖Ax−b‖, log‖Lx‖) (Hansen & O'Leary 1993)
* ``"re-im"`` real/imaginary cross-validation (Saccoccio et al., Electrochim. Acta 147
  (2014) 470): fit the real part alone and predict the imaginary part, and vice versa.

K = A (AᵀA + λM)⁻¹ Aᵀ is the influence matrix of the unconstrained problem; it is
evaluated for any λ in O(np) after one simultaneous diagonalisation of AᵀA and M
(:meth:`DRTProblem.influence_terms`).
* ``"auto"``  the criteria of :data:`.settings.AUTO_ORDER` in turn; the first whose
  choice is not at an end of the search range wins (:func:`choose_auto`).

λ is searched on a log grid over ``lam_range`` (default :data:`LAMBDA_RANGE`, wider than
pyDRTtools' [1e-7, 1]), then refined with a bounded Brent search around the best grid
point: the global minimum on the grid, not a local one from a starting guess.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.interpolate import CubicSpline
from scipy.optimize import minimize_scalar

LAMBDA_METHODS = ("gcv", "mgcv", "rgcv", "lcurve", "re-im")
LAMBDA_RANGE = (1e-12, 10.0)


class LambdaBoundWarning(UserWarning):
    """The λ criterion chose an end of the search range: on measured low-noise spectra
    the GCV family often keeps decreasing to λ = 1e-7 (under-regularised, ringing DRT);
    give λ explicitly or try another criterion."""


@dataclass(frozen=True)
class LambdaChoice:
    """The chosen λ with the score curve it came from (for plots and reports)."""

    method: str
    lam: float
    grid: np.ndarray
    scores: np.ndarray
    reason: str = ""

    def plot(self, ax, **kw):
        """The criterion over the λ grid (L-curve: minus the curvature) and the choice."""
        ax.semilogx(self.grid, self.scores, **kw)
        ax.axvline(self.lam, color="0.4", ls=":", lw=1)
        ax.set_xlabel("λ")
        ax.set_ylabel(f"{self.method} score")
        return ax

    @property
    def at_bound(self) -> bool:
        """True when λ lies within a grid step of an end of the search range."""
        step = np.log(self.grid[1] / self.grid[0])
        return bool(np.log(self.lam / self.grid[0]) < step
                    or np.log(self.grid[-1] / self.lam) < step)


def _gcv_family(problem, lam: float, method: str) -> float:
    residual, trace_k, trace_k2 = problem.influence_terms(lam)
    n = problem.b.size
    if method == "gcv":
        return n * residual / (n - trace_k) ** 2
    if method == "mgcv":
        rho = 1.3 if n < 50 else 2.0
        denominator = n - rho * trace_k
        if denominator <= 0:
            return np.inf
        return n * residual / denominator**2
    # rgcv
    xi = 0.2 if n < 100 else 0.3
    mu2 = trace_k2 / n
    return (xi + (1 - xi) * mu2) * n * residual / (n - trace_k) ** 2


def _re_im_score(problem, lam: float) -> float:
    real = problem.restricted("real")
    imag = problem.restricted("imag")
    x_re = real.solve(lam)
    x_im = imag.solve(lam)
    # predict each part with the γ (and R∞ or L) that were fitted on the other part
    x_for_real = x_im.copy()
    x_for_real[problem.col_r] = x_re[problem.col_r]
    x_for_imag = x_re.copy()
    # L and the series C are seen by the imaginary part only
    x_for_imag[problem.col_l] = x_im[problem.col_l]
    x_for_imag[problem.col_c] = x_im[problem.col_c]
    w_re, w_im = real.row_weights, imag.row_weights
    z_re, z_im = problem.Z.real, problem.Z.imag
    return float(np.sum((w_re * (z_re - problem.A_re @ x_for_real)) ** 2)
                 + np.sum((w_im * (z_im - problem.A_im @ x_for_imag)) ** 2))


def _lcurve_norms(problem, lams: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    rho = np.empty(lams.size)
    eta = np.empty(lams.size)
    for i, lam in enumerate(lams):
        x = problem.unconstrained_solution(lam)
        rho[i] = np.linalg.norm(problem.A @ x - problem.b)
        eta[i] = np.linalg.norm(problem.sqrt_penalty @ x)
    return rho, eta


def lcurve_curvature(problem, lams: np.ndarray) -> np.ndarray:
    """Curvature κ(λ) of the L-curve (log‖Ax−b‖, log‖Sx‖), derivatives in log λ."""
    rho, eta = _lcurve_norms(problem, lams)
    t = np.log(lams)
    rs = CubicSpline(t, np.log(np.maximum(rho, 1e-300)))
    es = CubicSpline(t, np.log(np.maximum(eta, 1e-300)))
    r1, r2 = rs(t, 1), rs(t, 2)
    e1, e2 = es(t, 1), es(t, 2)
    return (r1 * e2 - r2 * e1) / np.maximum((r1**2 + e1**2) ** 1.5, 1e-300)


def score(problem, lam: float, method: str) -> float:
    """Criterion value to minimise at ``lam`` (L-curve: minus the curvature)."""
    if method in ("gcv", "mgcv", "rgcv"):
        return _gcv_family(problem, lam, method)
    if method == "re-im":
        return _re_im_score(problem, lam)
    if method == "lcurve":
        lams = lam * np.exp(np.linspace(-0.5, 0.5, 5))
        return -float(lcurve_curvature(problem, lams)[2])
    raise ValueError(method)


def plateau_edge(problem, choice: LambdaChoice, tolerance: float) -> float:
    """The largest λ ≥ ``choice.lam`` whose score stays within (1 + ``tolerance``) of the
    minimum: when the criterion is flat over decades of small λ (systematic errors of a
    measured spectrum, not white noise, dominate the residual), the smallest λ that is as
    good as the best is the most regularised one — the "one-standard-error rule" of cross-
    validation (Hastie, Tibshirani & Friedman, The Elements of Statistical Learning, 2nd
    ed. 2009, §7.10).  Scores are minimised, so ``tolerance`` is relative to |min|."""
    best = score(problem, choice.lam, choice.method)
    limit = best + tolerance * abs(best)
    grid = choice.grid[choice.grid > choice.lam]
    values = choice.scores[choice.grid > choice.lam]
    above = np.flatnonzero(~(values <= limit))
    if above.size == 0:
        return float(grid[-1]) if grid.size else choice.lam
    hi = np.log(grid[above[0]])
    lo = np.log(grid[above[0] - 1]) if above[0] > 0 else np.log(choice.lam)
    for _ in range(20):  # bisection in log λ for the crossing
        mid = 0.5 * (lo + hi)
        if score(problem, float(np.exp(mid)), choice.method) <= limit:
            lo = mid
        else:
            hi = mid
    return float(np.exp(lo))


def choose_auto(problem, lam_range: tuple[float, float] | None = None,
                points_per_decade: int = 6) -> LambdaChoice:
    """λ by the first criterion of :data:`.settings.AUTO_ORDER` whose choice is inside the
    search range, moved to the edge of the criterion's plateau (:func:`plateau_edge`,
    tolerance :data:`.settings.AUTO_PLATEAU`) when that edge lies inside the range (an
    interior minimum whose plateau runs past the end of the range is kept: the edge is not
    known); when every criterion ends at a bound, the first one's choice (and a
    :class:`LambdaBoundWarning`)."""
    import warnings

    from .settings import AUTO_ORDER, AUTO_PLATEAU

    tried, first = [], None
    for method in AUTO_ORDER:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", LambdaBoundWarning)
            choice = choose_lambda(problem, method, points_per_decade, lam_range)
        note = ""
        if method != "lcurve":
            edge = plateau_edge(problem, choice, AUTO_PLATEAU)
            moved = LambdaChoice(method, edge, choice.grid, choice.scores)
            if edge > choice.lam * 1.001 and moved.at_bound and not choice.at_bound:
                # the plateau runs past the end of the search range: its edge is unknown,
                # so the rule cannot place λ; keep the (interior) score minimum
                note = (f"; score minimum at λ = {choice.lam:.3g} kept: its plateau (within "
                        f"{100 * AUTO_PLATEAU:g} %) reaches the end of the search range")
            elif edge > choice.lam * 1.001:
                note = (f"; score minimum at λ = {choice.lam:.3g}, plateau (within "
                        f"{100 * AUTO_PLATEAU:g} %) up to λ = {edge:.3g}")
                choice = moved
        first = first or choice
        if not choice.at_bound:
            reason = (f"{method}: first of {'/'.join(AUTO_ORDER)} inside the search range"
                      + (f" ({', '.join(tried)} at a bound)" if tried else "") + note)
            return LambdaChoice(method, choice.lam, choice.grid, choice.scores, reason)
        tried.append(method)
    lam_range = LAMBDA_RANGE if lam_range is None else lam_range
    warnings.warn(f"λ: every criterion ({', '.join(AUTO_ORDER)}) ends at a bound of "
                  f"[{lam_range[0]:g}, {lam_range[1]:g}]; using {first.method}'s "
                  f"λ = {first.lam:.3g}: give lam explicitly", LambdaBoundWarning, stacklevel=3)
    return LambdaChoice(first.method, first.lam, first.grid, first.scores,
                        "every criterion at a bound")


def choose_lambda(problem, method: str, points_per_decade: int = 6,
                  lam_range: tuple[float, float] | None = None) -> LambdaChoice:
    """Pick λ by ``method`` (``"auto"`` or one of :data:`LAMBDA_METHODS`) for ``problem``."""
    if method == "auto":
        return choose_auto(problem, lam_range, points_per_decade)
    lam_range = LAMBDA_RANGE if lam_range is None else lam_range
    low, high = np.log10(lam_range[0]), np.log10(lam_range[1])
    n = int(round((high - low) * points_per_decade)) + 1
    grid = np.logspace(low, high, n)
    if method == "lcurve":
        kappa = lcurve_curvature(problem, grid)
        inner = kappa[1:-1]
        best = int(np.argmax(inner)) + 1
        scores = -kappa
    else:
        scores = np.array([score(problem, lam, method) for lam in grid])
        finite = np.where(np.isfinite(scores), scores, np.inf)
        best = int(np.argmin(finite))
    lo = np.log(grid[max(best - 1, 0)])
    hi = np.log(grid[min(best + 1, n - 1)])
    if method == "lcurve":
        fine = np.exp(np.linspace(lo, hi, 41))
        local = np.exp(np.linspace(np.log(grid[max(best - 3, 0)]),
                                   np.log(grid[min(best + 3, n - 1)]), 61))
        kappa_fine = CubicSpline(np.log(local), lcurve_curvature(problem, local))(np.log(fine))
        lam = float(fine[int(np.argmax(kappa_fine))])
    else:
        result = minimize_scalar(lambda t: score(problem, float(np.exp(t)), method),
                                 bounds=(lo, hi), method="bounded",
                                 options={"xatol": 0.02})
        lam = float(np.exp(result.x)) if result.fun <= scores[best] else float(grid[best])
    choice = LambdaChoice(method, lam, grid, scores, f"{method} requested")
    if choice.at_bound:
        import warnings

        warnings.warn(f"λ criterion '{method}' chose λ = {lam:.3g}, at the end of the search "
                      f"range [{lam_range[0]:g}, {lam_range[1]:g}]: the DRT may be under- or "
                      "over-regularised; give lam explicitly or try another criterion",
                      LambdaBoundWarning, stacklevel=3)
    return choice
