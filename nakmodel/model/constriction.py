"""Current constriction at an interface that is only partly active, below the mesh scale.

Where Na+ crosses only a fraction θ of the interface (the rest covered by solid K, or not
touching the ceramic), the ionic current in the ceramic must funnel into the active patches.
A resolved mesh shows this as a constriction resistance in the ceramic next to the interface;
a homogenised interface (1D cell, or patches smaller than the elements) needs it as a
*sub-grid* term.  Each active patch is taken to feed its own flux tube of the periodic
pattern (period ℓ = ``interface.patch_size``; independent tubes, no interaction beyond the
periodicity); its specific constriction resistance [Ω m²] per nominal area is

* ``"spot"`` (circular active spots on a square lattice, tube of area ℓ², equivalent radius
  b = ℓ/√π, spot radius a = b√θ): Holm's spot resistance with the finite-tube factor ψ
  (:data:`FLUX_TUBE_PSI`: Roess's series of :func:`nakmodel.analysis.spot_array_resistance`
  where that holds, ε = √θ <= 0.8, and the FE flux tube up to full contact, where the
  series turns negative),

      r_c = ℓ² ψ(√θ)/(4σ a) = √π ℓ ψ(√θ)/(4σ√θ);

* ``"strip"`` (parallel active strips of width θℓ, the planar or ring-shaped pattern of an
  axisymmetric :class:`~nakmodel.geometry.BlockedPatches` layout): the conformal-mapping
  result of :func:`nakmodel.analysis.strip_resistance_exact` per unit area,

      r_c = (ℓ/(πσ)) ln(1/sin(πθ/2)).

At low frequency the faradaic current of the active area flows through r_c; at high frequency
the current crosses the whole interface capacitively (double layer on the active area, the
blocked capacitance elsewhere) without constriction (Fleig & Maier, Solid State Ionics
86-88 (1996) 1351).  So r_c is in series with the faradaic branch only, and the capacitance
(the mass matrix) stays between the metal and the homogenised ceramic potential: the sub-grid
equivalent of the resolved picture.  The faradaic current density i (per nominal area) then
solves

      i = θ k(η − r_c i, i0)                                                        (1)

with k the kinetics law per active area; (1) is solved by Newton's method written out in
the forms (a fixed number of steps from an upper bound of the root, see
:func:`series_current`).  All functions work on UFL expressions and numpy arrays.
"""

from __future__ import annotations

import functools
import math

import numpy as np
import ufl

from ..errors import InputProblem, ParameterError
from .thermo_ufl import FARADAY, GAS_CONSTANT, _lib

#: Roess series of the finite-cylinder constriction factor (see nakmodel.analysis): accurate
#: for ε <= 0.8 only (1.3 % low at ε = 0.84, 22 % low at ε = 0.95, negative above 0.96)
ROESS_PSI = (1.0, -1.40925, 0.0, 0.3381, 0.0, 0.0679)
#: ψ(ε) = (1 − ε)² (1 + c1 ε + c2 ε² + c3 ε³) of the spot flux tube for all ε = a/b in [0, 1]:
#: c1 = 2 − 1.40925 keeps Roess's ψ(0) = 1 and slope −1.40925 (Holm's spot plus its first
#: cylinder correction), c2, c3 least squares (relative) to the FE flux tube of
#: ``nakmodel/data/spot_blocked_moments.csv`` (validation/data/spot_flux_tube_moments.py):
#: within 0.32 % of it for θ = 0.01-0.99; the (1 − ε)² of a thin blocked annulus (as for
#: strips, r_c ~ (1 − θ)²) keeps r_c > 0 up to full contact
FLUX_TUBE_PSI = (1.0, 2.0 - 1.40925, 0.0852161, 0.30825743)
PATCH_SHAPES = ("spot", "strip")
#: Newton steps written into the forms for (1); the defect after them is checked in the tests
NEWTON_STEPS = 5
#: added to the active fraction in r_c (r_c ~ θ^-1/2 diverges; θ k -> 0 there anyway): a smooth
#: floor (a clip would put a kink into the Newton iterations of an exhausted interface)
THETA_FLOOR = 1e-8
#: contact nodes whose constriction share r g is below this keep the quasi-static form
#: (small-signal model, :mod:`nakmodel.impedance.contact_nodes`, and the time stepper)
MIN_SHARE = 1e-6


def _psi(eps, lib):
    """Finite-tube factor ψ(ε) of :data:`FLUX_TUBE_PSI` (smooth and >= 0 on [0, 1])."""
    value = 0.0
    for power, coefficient in enumerate(FLUX_TUBE_PSI):
        value = value + coefficient * eps**power
    return (1.0 - eps) ** 2 * value


def _check_shape(shape):
    if shape not in PATCH_SHAPES:
        raise ParameterError(InputProblem("interface.patch_shape", "unknown patch shape", shape,
                                          " or ".join(map(repr, PATCH_SHAPES))))


def subgrid_resistance(theta, patch_size, conductivity, shape: str = "spot"):
    """Specific constriction resistance r_c [Ω m²] of an active fraction θ (module docstring).

    r_c = √π ℓ ψ(√θ)/(4σ√θ) (spots, Holm 1967 with the flux-tube factor ψ of
    :data:`FLUX_TUBE_PSI`, Roess's to 0.3 % for θ <= 0.5) or
    r_c = (ℓ/(πσ)) ln(1/sin(πθ/2)) (strips, conformal mapping); ℓ = 0 gives 0."""
    _check_shape(shape)
    lib = _lib(theta, patch_size, conductivity)
    if lib is ufl:
        t = ufl.min_value(theta + THETA_FLOOR, 1.0)
        if shape == "spot":
            root = ufl.sqrt(t)
            return math.sqrt(math.pi) * patch_size * _psi(root, ufl) / (4 * conductivity * root)
        return patch_size / (math.pi * conductivity) * -ufl.ln(ufl.sin(math.pi * t / 2))
    t = np.minimum(np.asarray(theta, dtype=float) + THETA_FLOOR, 1.0)
    if shape == "spot":
        root = np.sqrt(t)
        return math.sqrt(math.pi) * patch_size * _psi(root, np) / (4 * conductivity * root)
    return patch_size / (math.pi * conductivity) * -np.log(np.sin(math.pi * t / 2))


#: Gauss-Legendre rule of :func:`blocked_voltage_second_moment` (on v, x = x0 + (x1 - x0) v²)
_GAUSS = np.polynomial.legendre.leggauss(64)


def blocked_voltage_second_moment(theta, shape: str = "strip"):
    """κ(θ) of :func:`blocked_voltage_moments`."""
    return blocked_voltage_moments(theta, shape)[1]


@functools.cache
def _spot_moment_table():
    """(θ, κ(1 − θ)²) of circular spots, FE on the axisymmetric flux tube
    (``nakmodel/data/spot_blocked_moments.csv``, generated and documented by
    ``validation/data/spot_flux_tube_moments.py``); θ = 0 is added with κ = 1 (a vanishing
    spot leaves the blocked area at the uniform r_c j)."""
    from importlib import resources

    with resources.files("nakmodel").joinpath("data/spot_blocked_moments.csv").open() as f:
        theta, _, _, kappa = np.loadtxt(f, delimiter=",", comments="#", skiprows=2,
                                        unpack=True)
    return (np.concatenate(([0.0], theta)),
            np.concatenate(([1.0], kappa * (1.0 - theta) ** 2)))


def blocked_voltage_moments(theta, shape: str = "strip"):
    """(<u>/(r_c j), κ(θ) = <u²>/(r_c j)²) over the blocked area at DC [-], u = V − φ across the
    blocked capacitance of the resolved periodic pattern (equipotential active patches,
    insulating blocked area, mean current density j).

    Any shape has <u> = r_c j/(1 − θ) over the blocked area (Green's reciprocity with the
    uniform-current solution [I]), so κ >= 1/(1 − θ)² > 1: the blocked area is charged to
    more than the homogenised r_c j.

    Strips (period ℓ, active |x| < θℓ/2): the half period maps by t = cos(2πw/ℓ) onto a
    half plane with a Dirichlet segment (c, 1], c = cos πθ, so that
    u = (jℓ/(2πσ)) arccosh|s|, s = (2t − 1 − c)/(1 − c), on the blocked part (the far field
    gives back r_c = (ℓ/(πσ)) ln(1/sin(πθ/2))) [I]; κ by quadrature.

    Spots (circular, each in its own flux tube, as :func:`subgrid_resistance`): κ from the
    FE solution of the tube (:func:`_spot_moment_table`, interpolated linearly in
    κ(1 − θ)², which is smooth: 1.008 at θ = 0.01, 1.066 at 0.5, 1.086 at 0.99); κ = 1.63,
    4.26, 108 at θ = 0.2, 0.5, 0.9 (strips: 1.68, 4.32, 108) [I]."""
    _check_shape(shape)
    th = np.clip(np.asarray(theta, dtype=float), 1e-6, 1 - 1e-6)
    if shape == "spot":
        grid, g = _spot_moment_table()
        return 1.0 / (1.0 - th), np.interp(th, grid, g) / (1.0 - th) ** 2
    c = np.cos(np.pi * th)
    v, w = _GAUSS
    v, w = 0.5 * (v + 1.0), 0.5 * w  # on [0, 1]
    x0 = th[..., None] / 2
    x = x0 + (0.5 - x0) * v**2
    t = np.cos(2 * np.pi * x)
    s = np.abs((2 * t - 1 - c[..., None]) / (1 - c[..., None]))
    u = np.arccosh(np.maximum(s, 1.0)) / (2 * np.pi)  # ℓ = σ = j = 1
    mean_u = np.sum(w * u * 2 * v, axis=-1)  # ∫ u dx/(1/2 − x0), dx = 2(½ − x0) v dv
    mean_u2 = np.sum(w * u**2 * 2 * v, axis=-1)
    r_c = -np.log(np.sin(np.pi * th / 2)) / np.pi
    return mean_u / r_c, mean_u2 / r_c**2


def blocked_capacitance_factor(theta, kinetic_resistance, constriction_resistance,
                               shape: str = "strip"):
    """Factor F on the blocked capacitance C_b' of the homogenised interface (between V and
    φ in the small-signal model, :mod:`nakmodel.impedance.contact_nodes`) that gives its
    charge the stored energy of the resolved pattern at DC, so that Z(0) and the first
    moment Σ R_k τ_k of the constriction arc are those of the resolved patches
    (Padé [0/1] matching) [I]:

        F = (x² + 2x/(1 − θ) + κ)/(1 + x)²,  x = ρ/r_c,

    with ρ = R_ct/θ the kinetic resistance of the active area per nominal area and κ
    (:func:`blocked_voltage_second_moment`): the resolved blocked area sees
    u = ρ j + u_spread (spreading part of the primary distribution, kept for all ρ), the
    homogenised C_b' sees (ρ + r_c) j.  x -> ∞ gives 1 (no constriction), x = 0 gives κ.
    Evaluated as (1 + 2y/(1 − θ) + κy²)/(1 + y)² in y = 1/x = r_c/ρ, finite at r_c = 0
    (a fully active node) and at ρ = 0 (y capped at 1e100: F = κ to 1e-100)."""
    kappa = blocked_voltage_second_moment(theta, shape)
    th = np.clip(np.asarray(theta, dtype=float), 1e-6, 1 - 1e-6)
    rho = np.asarray(kinetic_resistance, dtype=float)
    r_c = np.asarray(constriction_resistance, dtype=float)
    y = np.minimum(r_c / np.maximum(rho, 1e-300), 1e100)
    return (1.0 + 2 * y / (1 - th) + kappa * y * y) / (1 + y) ** 2


def spot_array_specific_resistance(spot_radius: float, contact_fraction: float,
                                   conductivity: float) -> float:
    """Constriction of the resolved spot array of a 1D cell with ``ContactSpots`` [Ω m²]:
    (R_array − R_bulk) × A from :func:`nakmodel.analysis.spot_array_resistance`
    (independent flux tubes, Holm/Roess) = π a² ψ(√f)/(4σ a f) for spots of radius a
    covering the fraction f (independent of the pellet radius)."""
    from ..analysis import spot_array_resistance

    b = 1.0  # any pellet radius: the constriction per area does not depend on it
    count = contact_fraction * b * b / spot_radius**2
    area = math.pi * b * b
    bulk = 1.0 / (conductivity * area)  # L = 1 m
    return (spot_array_resistance(spot_radius, count, b, 1.0, conductivity) - bulk) * area


def _kinetics_slope(kinetics, temperature):
    """dk/dη at η = 0 per unit i0 (linear-response conductance factor) [1/V]."""
    f = FARADAY / (GAS_CONSTANT * temperature)
    alpha = getattr(kinetics, "anodic_transfer_coefficient", 0.5) + getattr(
        kinetics, "cathodic_transfer_coefficient", 0.0)
    return alpha * f


def series_current(kinetics, eta, i0, temperature, theta, resistance,
                   steps: int = NEWTON_STEPS, law=None, overpotential: bool = False):
    """Faradaic current density per nominal area of (1): i = θ k(η − r i, i0) [A/m²], or with
    ``law`` (a callable e -> current per nominal area, e.g. the direction-dependent law of a
    partly K-covered interface) i = law(η − r i); θ and i0 then only set the start.

    Newton on g(e) = e + rθ k(e) − η for the kinetic overpotential e, started from
    e0 = η/(1 + rθ i0 k'(0)) (the root of the linearised law), which for the convex
    Butler–Volmer branches bounds the root from the outside, so the steps converge
    monotonically; for large overpotentials it also starts from the Tafel bound
    |e| <= ln(1 + |η|/(rθ i0))/(α F/RT) (the smaller of the two).  r = 0 gives
    θ k(η) exactly.  UFL: the steps are written into the expression (the Jacobian is its
    exact derivative); numpy: iterated to round-off.  ``overpotential``: return (i, e)."""
    lib = _lib(eta, i0, theta, resistance)
    slope = _kinetics_slope(kinetics, temperature)
    rt = resistance * theta
    e = eta / (1.0 + rt * i0 * slope)
    f = FARADAY / (GAS_CONSTANT * temperature)
    alpha_a = getattr(kinetics, "anodic_transfer_coefficient", None)
    alpha_c = getattr(kinetics, "cathodic_transfer_coefficient", None)
    if alpha_a is not None and alpha_c is not None:
        big = 1e300 if lib is np else 1e30
        floor = 1e-300 if lib is np else 1e-30
        if lib is ufl:
            mag = abs(eta)
            bound_a = ufl.ln(1.0 + mag / (rt * i0 + floor)) / (alpha_a * f)
            bound_c = ufl.ln(1.0 + mag / (rt * i0 + floor)) / (alpha_c * f)
            bound = ufl.conditional(ufl.ge(eta, 0.0), bound_a, bound_c)
            bound = ufl.conditional(ufl.gt(rt, 0.0), bound, big)
            e = ufl.conditional(ufl.ge(eta, 0.0), ufl.min_value(e, bound),
                                ufl.max_value(e, -bound))
        else:
            eta_a = np.asarray(eta, dtype=float)
            with np.errstate(divide="ignore"):
                ratio = np.where(rt > 0, np.abs(eta_a) / np.maximum(rt * i0, floor), big)
            bound = np.where(eta_a >= 0, np.log1p(ratio) / (alpha_a * f),
                             np.log1p(ratio) / (alpha_c * f))
            e = np.where(eta_a >= 0, np.minimum(e, bound), np.maximum(e, -bound))
    if law is None:
        def law(e):
            return theta * kinetics.current(e, i0, temperature)
    n_steps = steps if lib is ufl else 60
    for _ in range(n_steps):
        if lib is ufl:
            ev = ufl.variable(e)
            k = law(ev)
            dk = ufl.diff(k, ev)
        else:
            k = law(e)
            h = 1e-7 * np.maximum(np.abs(e), 1e-6)
            dk = (law(e + h) - law(e - h)) / (2 * h)
        e = e - (e + resistance * k - eta) / (1.0 + resistance * dk)
    return (law(e), e) if overpotential else law(e)


def faradaic_current(problem, eta, i0, f_act, f_area=None, law=None):
    """The working-electrode faradaic current density of ``problem`` (a CoupledProblem) with
    the sub-grid constriction of its active fraction and, in a 1D cell with contact spots,
    the spot array's own constriction (both in series with the kinetics, (1)).

    The current prefactor is f_act (open area times the Na-depletion factor of
    :func:`~nakmodel.model.thermo_ufl.active_fraction`); the constriction depends on the
    open area θ = ``f_area`` (liquid, contacting area; f_act if not given): an exhausted
    interface passes no current, but it does not constrict.  The sub-grid tubes tile the
    nominal interface, r_c(θ); in a 1D ``ContactSpots`` cell they tile the spots (fraction
    f_s), which carry their own geometric constriction r_spots: r = r_spots + r_c(θ/f_s)/f_s.
    ``law`` (e -> current per nominal area) replaces f_act k(e, i0) when given."""
    k = problem.constants
    values = problem.values
    temperature = k["T"]
    if values["patch_size"] == 0.0 and values["r_spots"] == 0.0:
        if law is not None:
            return law(eta)
        return f_act * problem.kinetics_we.current(eta, i0, temperature)
    r = series_resistance(problem, f_act if f_area is None else f_area)
    return series_current(problem.kinetics_we, eta, i0, temperature, f_act, r, law=law)


# ---------------------------------------------------------------------- problem hooks
def series_resistance(problem, f_act):
    """r [Ω m²] per nominal area in series with the kinetics (see :func:`faradaic_current`)."""
    k = problem.constants
    fs = k["spot_fraction"]
    return k["r_spots"] + subgrid_resistance(f_act / fs, k["patch_size"], k["sigma"],
                                             problem.working.patch_shape) / fs


def one_d_spot_resistance(cell_mesh, conductivity: float) -> float:
    """Specific constriction resistance [Ω m²] a 1D cell with ``ContactSpots`` must carry
    (:func:`spot_array_specific_resistance` of its spots); 0 for any other cell.  A 1D mesh
    cannot resolve the spots; without this term its Z would miss R_spot − R_full."""
    from ..geometry.contact import ContactSpots

    if cell_mesh.mesh.topology.dim != 1:
        return 0.0
    contact = getattr(getattr(cell_mesh, "cell", None), "contact", None)
    if not isinstance(contact, ContactSpots):
        return 0.0
    fraction = float(cell_mesh.contact_fraction)
    if fraction >= 1.0:
        return 0.0
    return spot_array_specific_resistance(contact.radius_si, fraction, conductivity)


def constants(problem, conductivity: float) -> dict:
    """The numbers of this module's terms for the problem's constants table:
    ``patch_size`` [m], ``r_spots`` [Ω m²] (1D contact spots) and ``cb`` [F/m²]."""
    working = problem.working
    r_spots = one_d_spot_resistance(problem.cell_mesh, conductivity)
    return {"patch_size": float(getattr(working, "patch_size", 0.0)), "r_spots": r_spots,
            "spot_fraction": float(problem.cell_mesh.contact_fraction) if r_spots else 1.0,
            "cb": float(getattr(working, "blocked_capacitance", 0.0))}


def contact_capacitance(working, contact: float) -> float:
    """Capacitance per nominal area of the contact facets [F/m²]:
    C = C_dl f + C_b (1 − f), f the homogenised contact fraction (1D spots, host pores):
    double layer where metal touches the ceramic, blocked capacitance on the rest.

    The area covered by solid K touches the ceramic (a blocking metal|ceramic contact): it
    keeps the double-layer capacitance C_dl, so that the mass matrix stays constant while the
    coverage evolves (C_b is for area without contact)."""
    cb = float(getattr(working, "blocked_capacitance", 0.0))
    return working.double_layer_capacitance * contact + cb * (1.0 - contact)


def blocked_charge(problem, voltage, phi, weight):
    """(q, measure): the charge density C_b (V − φ) w on the resolved non-contacting facets
    (``interface_blocked``) and their nodal measure, or None when the mesh has none."""
    if not problem.has_facets("interface_blocked"):
        return None
    measure = problem.dS_contact_nodal.reconstruct(
        subdomain_id=problem.tag("interface_blocked"))
    return problem.constants["cb"] * (voltage - phi("+")) * weight, measure


def blocked_form(blocked, test, voltage):
    """∂q/∂V · test dS on the blocked facets (the V column/row of the mass matrix), or 0."""
    if blocked is None:
        return 0
    return ufl.diff(blocked[0], voltage) * test * blocked[1]

