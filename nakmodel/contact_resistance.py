"""Analytic and semi-analytic resistances of contact spots on a ceramic pellet (no FE).

Reference formulae for current constriction: Holm's spot resistance with the Roess
finite-cylinder factor, a Ritz/Thomson Bessel-series bound, the exact strip solution and
the spot-array (independent flux tube) estimate.  Theory: docs/theory/constriction.md.
:mod:`nakmodel.analysis` re-exports them next to the FE resistance.
"""

from __future__ import annotations

import math

import numpy as np

from .errors import InputProblem, ParameterError

ROESS_PSI_COEFFICIENTS = (1.0, -1.40925, 0.0, 0.3381, 0.0, 0.0679)
"""psi(eps) = 1 - 1.40925 eps + 0.3381 eps^3 + 0.0679 eps^5 for an equipotential circular
contact on the end of a long insulated cylinder: Roess (1950), as quoted by Yovanovich & Marotta,
"Thermal spreading and contact resistances", in Heat Transfer Handbook, Wiley (2003) [M].
Agrees with :func:`spot_resistance_series` to 0.05 % for eps <= 0.5 (checked in the tests)."""


def constriction_factor(epsilon) -> np.ndarray:
    """Finite-cylinder constriction factor psi(a/b) (Roess series; psi(0) = 1; eps <= 0.5).

    R_spot = psi(a/b) / (4 sigma a) for an equipotential disc of radius a on the end
    of a long cylinder of radius b (Holm's half-space value 1/(4 sigma a) times psi).
    """
    eps = np.asarray(epsilon, dtype=float)
    return np.polynomial.polynomial.polyval(eps, ROESS_PSI_COEFFICIENTS)


def holm_cylinder_resistance(spot_radius: float, pellet_radius: float, thickness: float,
                             conductivity: float) -> float:
    """R = psi(a/b)/(4 sigma a) + L/(sigma pi b^2) [ohm].

    Holm's constriction resistance of one circular equipotential spot
    (R. Holm, Electric Contacts, 4th ed., Springer 1967) with the finite-cylinder
    correction psi of :func:`constriction_factor`, plus the bulk resistance of
    the pellet.  Valid for thickness L >~ b (the constriction field has decayed
    as exp(-3.83 L/b) at the counter electrode).
    """
    a, b, L, s = spot_radius, pellet_radius, thickness, conductivity
    return float(constriction_factor(a / b)) / (4 * s * a) + L / (s * math.pi * b * b)


def _bessel_j1_zeros(n: int) -> np.ndarray:
    """First n positive zeros of J1 (scipy for the first 500, McMahon expansion beyond)."""
    from scipy import special

    m = min(n, 500)
    zeros = special.jn_zeros(1, m)
    if n > m:
        k = np.arange(m + 1, n + 1, dtype=float)
        beta = (k + 0.25) * math.pi
        mu = 4.0
        z = (beta - (mu - 1) / (8 * beta) - 4 * (mu - 1) * (7 * mu - 31) / (3 * (8 * beta) ** 3)
             - 32 * (mu - 1) * (83 * mu**2 - 982 * mu + 3779) / (15 * (8 * beta) ** 5))
        zeros = np.concatenate([zeros, z])
    return zeros


def spot_resistance_series(spot_radius: float, pellet_radius: float, thickness: float,
                           conductivity: float, *, n_basis: int = 8,
                           n_modes: int = 200000) -> float:
    r"""Semi-analytic resistance [ohm] of an equipotential disc (radius a) centred on the end
    of a cylinder (radius b, length L, insulated mantle) with a grounded far end.

    Thomson's principle: the true current distribution on the disc minimises the
    dissipation.  With j(r) = sum_k c_k (1 - r^2/a^2)^(k - 1/2) (the k = 0 term is the
    exact Holm half-space distribution, with its edge singularity) and the
    Neumann eigen-expansion of the cylinder (J1(lambda_n) = 0),

        R(c) = L/(sigma pi b^2)
             + sum_n [4 pi tanh(lambda_n L/b) / (sigma b lambda_n J0(lambda_n)^2)] (g_n.c)^2 / I^2,

        g_nk = a^2 2^mu Gamma(mu+1) J_{mu+1}(s_n)/s_n^{mu+1}, mu = k - 1/2, s_n = lambda_n a/b,
        I = pi a^2 sum_k c_k / (k + 1/2),

    minimised over c in closed form (R = L/(sigma pi b^2) + 1/(q^T A^-1 q)).  The mode sum
    is truncated at ``n_modes`` and extrapolated with its 1/N tail (Richardson on N, N/2).
    Our derivation [I] from the standard flux-tube expansion (e.g. Yovanovich, "Thermal
    constriction resistance..." ; Sneddon, Mixed Boundary Value Problems, 1966).
    """
    from scipy import special

    a, b, L, s = spot_radius, pellet_radius, thickness, conductivity
    for name, value in (("spot_radius", a), ("pellet_radius", b), ("thickness", L),
                        ("conductivity", s)):
        if not (math.isfinite(value) and value > 0):
            raise ParameterError(InputProblem(name, "must be positive", value, "> 0 (SI)"))
    if a >= b:
        raise ParameterError(InputProblem("spot_radius", "must be smaller than the pellet radius",
                                          a, f"< {b:g} m"))
    lam = _bessel_j1_zeros(n_modes)
    k = np.arange(n_basis)
    mu = k - 0.5
    q = math.pi * a * a / (k + 0.5)

    def constriction(n):
        ln = lam[:n]
        sn = ln * a / b
        weight = 4 * math.pi * np.tanh(ln * L / b) / (s * b * ln * special.j0(ln) ** 2)
        g = (a * a * (2.0 ** mu)[None, :] * special.gamma(mu + 1)[None, :]
             * special.jv(mu[None, :] + 1, sn[:, None]) / sn[:, None] ** (mu[None, :] + 1))
        A = (g * weight[:, None]).T @ g
        return 1.0 / (q @ np.linalg.solve(A, q))

    full = constriction(n_modes)
    half = constriction(n_modes // 2)
    extrapolated = 2 * full - half
    return L / (s * math.pi * b * b) + extrapolated


def strip_resistance_exact(half_width: float, pellet_radius: float, thickness: float,
                           conductivity: float) -> float:
    """Resistance [ohm m] of the planar half-section: an equipotential strip 0 <= x <= a on
    the end of a channel 0 <= x <= b (symmetry at x = 0), length L, grounded far end:

        R = L/(sigma b) + (2/(pi sigma)) ln(1 / sin(pi a / (2 b)))

    (per metre of depth; the constriction term is the classical conformal-mapping result
    for a strip contact on a semi-infinite channel of width 2b, e.g. Smythe, Static and
    Dynamic Electricity (1950) [M]; the factor 2 is for the half section).  Exact for
    L >~ b (corrections decay as exp(-2 pi L/b)).
    """
    a, b, L, s = half_width, pellet_radius, thickness, conductivity
    return L / (s * b) + 2 / (math.pi * s) * math.log(1 / math.sin(math.pi * a / (2 * b)))


def spot_array_resistance(spot_radius: float, count: float, pellet_radius: float,
                          thickness: float, conductivity: float) -> float:
    """Independent-flux-tube estimate [ohm] for ``count`` equal spots of radius a spread evenly
    over a pellet of radius b:

        R = L/(sigma pi b^2) + psi(a sqrt(N)/b) / (4 sigma a N),

    each spot feeding its own cylinder of area pi b^2/N (Holm 1967 with the Roess factor
    :func:`constriction_factor`; tube interaction and the pellet edge neglected).  For a
    periodic 3D array of 21 spots (a/b = 0.1, f = 0.21) it is within 0.4 % of the FE value
    (validation case ``model_constriction_spot_arrays``).  Useful to give a 1D model the
    constriction it cannot resolve.  ``count`` may be non-integer (= f b^2/a^2).
    """
    a, n, b, L, s = spot_radius, count, pellet_radius, thickness, conductivity
    eps = a * math.sqrt(n) / b
    if not (0 < eps < 1):
        raise ParameterError(InputProblem("count", "spots do not fit their flux tubes", count,
                                          f"0 < count < (b/a)^2 = {(b / a) ** 2:.4g}"))
    return L / (s * math.pi * b * b) + float(constriction_factor(eps)) / (4 * s * a * n)
