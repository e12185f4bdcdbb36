"""Discretisation of the distribution of relaxation times (DRT).

The DRT γ(ln τ) [Ω] is expanded on a collocation grid ln τ_m:

    γ(y) = Σ_m x_m φ_m(y),      y = ln τ,

with radial basis functions φ_m(y) = φ(ε (y − y_m)) (Wan et al., Electrochim. Acta 184
(2015) 483, the "RBF" discretisation of DRTtools/pyDRTtools) or piecewise-linear hat
functions.  The impedance of each basis function,

    A_re[n, m] =  ∫ φ_m(y) / (1 + ω_n² e^{2y}) dy,
    A_im[n, m] = −∫ φ_m(y) ω_n e^{y} / (1 + ω_n² e^{2y}) dy,

and the penalty matrix M[n, m] = ∫ φ_n^{(q)} φ_m^{(q)} dy (q = derivative order) are
computed by composite Gauss–Legendre quadrature to machine precision.  For an RBF the
entries depend only on ln(ω_n τ_m) (A) or on y_n − y_m (M); they are evaluated once per
distinct value, which on a log-uniform grid is the Toeplitz structure (2N − 1 values).

Shape control follows pyDRTtools: ε = c · FWHM₁ / mean|Δ ln τ|, where FWHM₁ is the full
width at half maximum of the unit-shape function and c the ``fwhm_coefficient``.

Not offered: pyDRTtools' "inverse quadric" and "Cauchy" functions decay like 1/|r|, so
∫φ diverges and A_re is infinite (pyDRTtools truncates the integral at |ln τ| = 50).
Note: pyDRTtools' closed-form penalty matrices for C4/C6 Matérn are 9×/≈225× those
computed here (checked against direct quadrature), so λ is not comparable for those two.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np
from scipy.optimize import brentq
from scipy.special import expit

from ..errors import InputProblem, ParameterError

#: Basis names accepted by :func:`make_basis` (pyDRTtools spelling, case-insensitive).
BASIS_NAMES = (
    "gaussian",
    "C0 matern",
    "C2 matern",
    "C4 matern",
    "C6 matern",
    "inverse quadratic",
    "piecewise linear",
)

_GL_ORDER = 16


@lru_cache(maxsize=4)
def _gauss_legendre(order: int = _GL_ORDER):
    return np.polynomial.legendre.leggauss(order)


def _panel_nodes(breaks: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Gauss–Legendre nodes and weights on the panels between sorted ``breaks``."""
    t, w = _gauss_legendre()
    a, b = breaks[:-1, None], breaks[1:, None]
    half = 0.5 * (b - a)
    nodes = (a + b) / 2 + half * t[None, :]
    weights = half * w[None, :]
    return nodes.ravel(), weights.ravel()


def _uniform_breaks(low: float, high: float, width: float) -> np.ndarray:
    n = max(1, int(np.ceil((high - low) / width)))
    return np.linspace(low, high, n + 1)


def _kernel_re(t):
    """1/(1 + e^{2t}): real part of 1/(1 + iωτ) with t = ln ωτ."""
    return expit(-2.0 * t)


def _kernel_im(t):
    """e^{t}/(1 + e^{2t}) = 1/(2 cosh t): minus the imaginary part of 1/(1 + iωτ)."""
    e = np.exp(-np.abs(t))
    return e / (1.0 + e * e)


# --- unit shapes φ(r), their derivatives and properties --------------------------------

def _gaussian(r, d=0):
    g = np.exp(-r * r)
    if d == 0:
        return g
    if d == 1:
        return -2.0 * r * g
    return (4.0 * r * r - 2.0) * g


def _c0(r, d=0):
    rho = np.abs(r)
    e = np.exp(-rho)
    if d == 0:
        return e
    if d == 1:
        return -np.sign(r) * e
    raise ParameterError(InputProblem("derivative_order", "the C0 Matérn basis has no square-"
                                      "integrable second derivative", 2,
                                      "1 with basis 'C0 matern'"))


def _c2(r, d=0):
    rho = np.abs(r)
    e = np.exp(-rho)
    if d == 0:
        return (1.0 + rho) * e
    if d == 1:
        return -r * e
    return (rho - 1.0) * e


def _c4(r, d=0):
    rho = np.abs(r)
    e = np.exp(-rho)
    if d == 0:
        return (3.0 + 3.0 * rho + rho * rho) * e / 3.0
    if d == 1:
        return -r * (1.0 + rho) * e / 3.0
    return (rho * rho - rho - 1.0) * e / 3.0


def _c6(r, d=0):
    rho = np.abs(r)
    e = np.exp(-rho)
    if d == 0:
        return (15.0 + 15.0 * rho + 6.0 * rho**2 + rho**3) * e / 15.0
    if d == 1:
        return -r * (3.0 + 3.0 * rho + rho * rho) * e / 15.0
    return (rho**3 - 3.0 * rho - 3.0) * e / 15.0


def _inverse_quadratic(r, d=0):
    q = 1.0 + r * r
    if d == 0:
        return 1.0 / q
    if d == 1:
        return -2.0 * r / q**2
    return (6.0 * r * r - 2.0) / q**3


@dataclass(frozen=True)
class _Shape:
    name: str
    function: object
    unit_integral: float  # ∫ φ(r) dr
    cutoff: float | None  # |r| beyond which φ < 1e-17 (None: algebraic decay)
    kink_at_zero: bool

    @property
    def half_width(self) -> float:
        """r at which φ(r) = 1/2 (half the FWHM of the unit shape)."""
        return brentq(lambda r: self.function(np.array(r)) - 0.5, 1e-9, 10.0)


_SHAPES = {
    "gaussian": _Shape("gaussian", _gaussian, float(np.sqrt(np.pi)), 6.5, False),
    "c0 matern": _Shape("C0 matern", _c0, 2.0, 45.0, True),
    "c2 matern": _Shape("C2 matern", _c2, 4.0, 45.0, True),
    "c4 matern": _Shape("C4 matern", _c4, 16.0 / 3.0, 48.0, True),
    "c6 matern": _Shape("C6 matern", _c6, 32.0 / 5.0, 50.0, True),
    "inverse quadratic": _Shape("inverse quadratic", _inverse_quadratic, float(np.pi), None,
                                False),
}


def _canonical_name(name: str) -> str:
    key = " ".join(str(name).lower().replace("-", " ").replace("_", " ").split())
    key = key.replace("matérn", "matern")
    aliases = {"pwl": "piecewise linear", "piecewise": "piecewise linear"}
    key = aliases.get(key, key)
    if key not in _SHAPES and key != "piecewise linear":
        raise ParameterError(InputProblem("basis", "unknown DRT basis", name,
                                          "one of " + ", ".join(repr(b) for b in BASIS_NAMES)))
    return key


class Basis:
    """A DRT discretisation bound to a collocation grid ``ln_tau`` (sorted, ascending)."""

    name: str
    ln_tau: np.ndarray

    def impedance_matrices(self, omega) -> tuple[np.ndarray, np.ndarray]:
        """(A_re, A_im), each (len(omega), len(ln_tau)): Z = R∞ + A_re x + i A_im x."""
        raise NotImplementedError

    def penalty(self, order: int) -> np.ndarray:
        """M = ∫ (d^q γ/dy^q)-inner products of the basis functions (PSD, symmetric)."""
        raise NotImplementedError

    def evaluate(self, ln_tau_out) -> np.ndarray:
        """Matrix B with γ(ln_tau_out) = B x."""
        raise NotImplementedError

    def areas(self) -> np.ndarray:
        """∫ φ_m(y) dy for each basis function, so that ∫ γ d ln τ = areas · x."""
        raise NotImplementedError


@dataclass
class RadialBasis(Basis):
    """Radial basis functions φ(ε (y − y_m)) centred on the collocation points."""

    name: str
    ln_tau: np.ndarray
    epsilon: float
    shape: _Shape = field(repr=False)

    def _unit_quadrature(self, extra: float = 0.0):
        """Nodes/weights in r covering the shape; panel width ≤ min(1, ε) so that the
        kernel (scale 1 in y = r/ε) and φ (scale 1 in r) are both resolved."""
        width = min(1.0, self.epsilon)
        cutoff = self.shape.cutoff
        if cutoff is None:
            cutoff = extra
        neg = _uniform_breaks(-cutoff, 0.0, width)
        pos = _uniform_breaks(0.0, cutoff, width)
        n1, w1 = _panel_nodes(neg)
        n2, w2 = _panel_nodes(pos)
        return np.concatenate([n1, n2]), np.concatenate([w1, w2])

    def _kernel_integrals(self, s: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """g_re(s) = ∫ φ(εu) k_re(s+u) du and g_im(s) likewise, s = ln(ω τ_m)."""
        eps = self.epsilon
        algebraic = self.shape.cutoff is None
        if algebraic:
            # φ ~ 1/r²: integrate to |r| = R where the kernel has reached its limit
            # (k_re = 1 or 0, k_im = 0) to e^{-40}, and add the tail of ∫φ analytically.
            big = eps * (float(np.max(np.abs(s))) + 40.0)
            r, w = self._unit_quadrature(extra=big)
        else:
            r, w = self._unit_quadrature()
        phi_w = self.shape.function(r) * w / eps
        u = r / eps
        g_re = np.empty(s.size)
        g_im = np.empty(s.size)
        chunk = max(1, 2_000_000 // r.size)
        for start in range(0, s.size, chunk):
            t = s[start:start + chunk, None] + u[None, :]
            g_re[start:start + chunk] = _kernel_re(t) @ phi_w
            g_im[start:start + chunk] = _kernel_im(t) @ phi_w
        if algebraic:
            # tail r < −R (kernel_re = 1): ∫_{-∞}^{-R} 1/(1+r²) dr = π/2 − atan(R)
            g_re += (np.pi / 2 - np.arctan(big)) / eps
        return g_re, -g_im

    def impedance_matrices(self, omega):
        omega = np.asarray(omega, dtype=float)
        s = np.log(omega)[:, None] + self.ln_tau[None, :]
        values, inverse = _unique_values(s.ravel())
        g_re, g_im = self._kernel_integrals(values)
        return g_re[inverse].reshape(s.shape), g_im[inverse].reshape(s.shape)

    def penalty(self, order: int) -> np.ndarray:
        if order not in (1, 2):
            raise ParameterError(InputProblem("derivative_order", "must be 1 or 2", order,
                                              "1 or 2"))
        eps = self.epsilon
        a = eps * (self.ln_tau[:, None] - self.ln_tau[None, :])
        if self.shape.function is _gaussian:
            # closed form: with c(a) = ∫φ(r)φ(r−a)dr = √(π/2) exp(−a²/2),
            # ∫φ′φ′ = −c″(a) = (1 − a²) c(a) and ∫φ″φ″ = c⁗(a) = (3 − 6a² + a⁴) c(a)
            c = np.sqrt(np.pi / 2) * np.exp(-a * a / 2)
            poly = (1 - a * a) if order == 1 else (3 - 6 * a * a + a**4)
            return eps ** (2 * order - 1) * poly * c
        values, inverse = _unique_values(np.abs(a).ravel())
        out = np.empty(values.size)
        f = self.shape.function
        reach = self.shape.cutoff if self.shape.cutoff is not None else 400.0
        for i, shift in enumerate(values):
            # ∫ φ^{(q)}(r) φ^{(q)}(r − shift) dr, panels split at both centres (kinks)
            lo, hi = -reach, shift + reach
            breaks = np.unique(np.concatenate([
                _uniform_breaks(lo, 0.0, 0.5), _uniform_breaks(0.0, shift, 0.5)
                if shift > 0 else [0.0], _uniform_breaks(shift, hi, 0.5)]))
            r, w = _panel_nodes(breaks)
            out[i] = np.sum(w * f(r, order) * f(r - shift, order))
        return eps ** (2 * order - 1) * out[inverse].reshape(a.shape)

    def evaluate(self, ln_tau_out):
        y = np.asarray(ln_tau_out, dtype=float)
        return self.shape.function(self.epsilon * (y[:, None] - self.ln_tau[None, :]))

    def areas(self):
        return np.full(self.ln_tau.size, self.shape.unit_integral / self.epsilon)


@dataclass
class PiecewiseLinearBasis(Basis):
    """Hat functions on the collocation grid: γ is linear between collocation points and
    zero outside the grid.  Integrals are exact (quadrature), the first-derivative penalty
    is exact, Σ (x_{m+1} − x_m)²/h_m; the second-derivative penalty (hats have none that is
    square-integrable) is the weighted sum of squared second divided differences."""

    name: str
    ln_tau: np.ndarray
    epsilon: float = 0.0

    def _segments(self):
        y = self.ln_tau
        nodes, weights, left, frac = [], [], [], []
        for j in range(y.size - 1):
            breaks = _uniform_breaks(y[j], y[j + 1], 0.5)
            r, w = _panel_nodes(breaks)
            nodes.append(r)
            weights.append(w)
            left.append(np.full(r.size, j))
            frac.append((r - y[j]) / (y[j + 1] - y[j]))
        return (np.concatenate(nodes), np.concatenate(weights), np.concatenate(left),
                np.concatenate(frac))

    def _assignment(self, left, frac):
        m = self.ln_tau.size
        P = np.zeros((left.size, m))
        idx = np.arange(left.size)
        P[idx, left] = 1.0 - frac
        P[idx, left + 1] = frac
        return P

    def impedance_matrices(self, omega):
        omega = np.asarray(omega, dtype=float)
        y, w, left, frac = self._segments()
        P = self._assignment(left, frac) * w[:, None]
        t = np.log(omega)[:, None] + y[None, :]
        return _kernel_re(t) @ P, -_kernel_im(t) @ P

    def penalty(self, order: int) -> np.ndarray:
        y = self.ln_tau
        h = np.diff(y)
        m = y.size
        if order == 1:
            D = np.zeros((m - 1, m))
            D[np.arange(m - 1), np.arange(m - 1)] = -1.0
            D[np.arange(m - 1), np.arange(1, m)] = 1.0
            return D.T @ (D / h[:, None])
        if order == 2:
            D2 = np.zeros((m - 2, m))
            for k in range(m - 2):
                h0, h1 = h[k], h[k + 1]
                D2[k, k:k + 3] = [2 / (h0 * (h0 + h1)), -2 / (h0 * h1), 2 / (h1 * (h0 + h1))]
            cell = 0.5 * (h[:-1] + h[1:])
            return D2.T @ (D2 * cell[:, None])
        raise ParameterError(InputProblem("derivative_order", "must be 1 or 2", order, "1 or 2"))

    def evaluate(self, ln_tau_out):
        y_out = np.asarray(ln_tau_out, dtype=float)
        eye = np.eye(self.ln_tau.size)
        return np.stack([np.interp(y_out, self.ln_tau, eye[m], left=0.0, right=0.0)
                         for m in range(self.ln_tau.size)], axis=1)

    def areas(self):
        h = np.diff(self.ln_tau)
        out = np.zeros(self.ln_tau.size)
        out[:-1] += h / 2
        out[1:] += h / 2
        return out


def _unique_values(values: np.ndarray, rtol: float = 1e-10):
    """Distinct values up to round-off, and the index mapping back to ``values``."""
    scale = max(1.0, float(np.max(np.abs(values))) if values.size else 1.0)
    keys = np.round(values / (scale * rtol)).astype(np.int64)
    _, first, inverse = np.unique(keys, return_index=True, return_inverse=True)
    return values[first], inverse.ravel()


def shape_factor(basis: str, ln_tau, fwhm_coefficient: float) -> float:
    """ε = c · FWHM₁ / mean|Δ ln τ| (pyDRTtools' "FWHM coefficient" shape control;
    Wan et al. 2015, eq. 13).  Returns 0 for the piecewise-linear basis."""
    key = _canonical_name(basis)
    if key == "piecewise linear":
        return 0.0
    spacing = float(np.mean(np.abs(np.diff(np.asarray(ln_tau, dtype=float)))))
    return float(fwhm_coefficient) * 2.0 * _SHAPES[key].half_width / spacing


def make_basis(basis: str, ln_tau, fwhm_coefficient: float = 0.5) -> Basis:
    """Bind the named basis to the collocation grid ``ln_tau`` (sorted ascending here)."""
    key = _canonical_name(basis)
    grid = np.sort(np.asarray(ln_tau, dtype=float))
    if grid.size < 3 or np.any(np.diff(grid) <= 0):
        raise ParameterError(InputProblem("tau", "needs at least 3 distinct time constants",
                                          grid.size, "≥ 3 distinct positive values"))
    if not (np.isfinite(fwhm_coefficient) and fwhm_coefficient > 0):
        raise ParameterError(InputProblem("fwhm_coefficient", "must be positive", fwhm_coefficient,
                                          "a number > 0 (pyDRTtools default 0.5)"))
    if key == "piecewise linear":
        return PiecewiseLinearBasis("piecewise linear", grid)
    eps = shape_factor(key, grid, fwhm_coefficient)
    return RadialBasis(_SHAPES[key].name, grid, eps, _SHAPES[key])
