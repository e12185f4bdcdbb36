"""Creep-extrusion pressure of solid Na in a flaw vs a numerical solution of power-law flow.

The closed forms of :mod:`nakmodel.mechanics.creep_extrusion` (flux of power-law shear flow
in a slit, eq. 3, and a pipe, eq. 4; tip pressure of the plated metal extruding out of the
flaw mouth, eqs. 5-6) are checked against an independent computation: the momentum balance
across the channel, d/dy(tau) = -G (slit) or (1/r) d/dr(r tau) = -G (pipe), with the Norton
law tau = (gamma'/B)^(1/n), discretised by finite volumes across the half-gap (no slip at
the wall, symmetry at the centre) and solved by Newton's method (regularised at zero shear,
tridiagonal Jacobian, line search; a few ms per solve); the flux is the integral of the
computed velocity.  The tip pressure is then the numerical integral along the flaw of the
gradient G(s) that carries the plated flux
q(s) = 2 v s (slit) or Q(s) = 2 pi R v s (pipe), found by root finding on the numerical
flux.  References: plane Poiseuille / Hagen-Poiseuille for n = 1 (Bird, Stewart & Lightfoot,
Transport Phenomena (2002) sec. 2.3-2.5); power-law slit and tube flow (Bird, Armstrong &
Hassager, Dynamics of Polymeric Liquids vol. 1 (1987) sec. 4.2); creep of Na n = 5.0,
yield 0.19-0.28 MPa (Wang, Chang, Wolfenstine, Sakamoto, Materialia 12 (2020) 100792).
"""

from __future__ import annotations

import math

from nakmodel.validation_framework import Case, Check

SOURCE = ("numerical power-law channel flow (finite volumes, Newton); Bird, Armstrong & "
          "Hassager (1987) sec. 4.2; Bird, Stewart & Lightfoot (2002) sec. 2.3-2.5")


def _numerical_flux(G, half_gap, fluidity, n, pipe, cells=200):
    """Flux of power-law flow across a slit (per unit width, both halves) or a pipe, from a
    finite-volume solution of the momentum balance (not from the closed form).

    Unknowns: the velocity u_k at the cell centres across the half-gap; face shear rates
    g_f = (u_k - u_k+1)/dy (wall: u_last/(dy/2), no slip), face stress tau(g) = (g/B)^(1/n)
    (regularised at g = 0), balance per cell w_f+ tau_f+ - w_f- tau_f- = G w dy (w = 1 slit,
    r pipe; symmetry at the centre).  Newton's method with a tridiagonal Jacobian and a
    backtracking line search from the Newtonian profile (second-order accurate in dy)."""
    import numpy as np
    from scipy.linalg import solve_banded

    edges = np.linspace(0.0, half_gap, cells + 1)
    centres = 0.5 * (edges[1:] + edges[:-1])
    dy = edges[1] - edges[0]
    w_face = edges[1:] if pipe else np.ones(cells)  # faces 1..cells (last: the wall)
    h_face = np.concatenate([np.full(cells - 1, dy), [0.5 * dy]])
    source = G * (centres if pipe else np.ones(cells)) * dy
    tau_wall = G * half_gap / (2.0 if pipe else 1.0)
    eps = 1e-10 * fluidity * tau_wall**n  # regularisation of the shear rate at g = 0

    def shear(u):
        g = np.empty(cells)
        g[:-1] = (u[:-1] - u[1:]) / dy
        g[-1] = u[-1] / (0.5 * dy)
        return g

    def residual(u):
        g = shear(u)
        s = np.sqrt(g * g + eps * eps)
        face = w_face * (s / fluidity) ** (1.0 / n) * g / s
        r = face.copy()
        r[1:] -= face[:-1]
        return r - source, g, s

    def tridiagonal(c):  # d(face_f)/du = c_f (cell f), -c_f (cell f+1)
        J = np.zeros((3, cells))
        J[1] = c
        J[1, 1:] += c[:-1]
        J[0, 1:] = -c[:-1]
        J[2, :-1] = -c[:-1]
        return J

    viscosity = tau_wall / (fluidity * tau_wall**n)  # Newtonian start: wall viscosity
    u = solve_banded((1, 1), tridiagonal(w_face / h_face / viscosity), source)
    for _ in range(200):
        r, g, s = residual(u)
        dtau = fluidity ** (-1.0 / n) * s ** (1.0 / n - 1.0) * (g * g / (n * s * s)
                                                                + eps * eps / (s * s))
        du = solve_banded((1, 1), tridiagonal(w_face * dtau / h_face), -r)
        norm, step = np.linalg.norm(r), 1.0
        while step > 1e-4 and np.linalg.norm(residual(u + step * du)[0]) >= norm:
            step *= 0.5
        u = u + step * du
        if np.max(np.abs(step * du)) < 1e-12 * np.max(np.abs(u)):
            break
    if pipe:
        return float(np.sum(2.0 * math.pi * centres * u * dy))
    return float(2.0 * np.sum(u * dy))


def _numerical_tip_pressure(depth, opening, v, fluidity, n, pipe, points=8):
    """int_0^a G(s) ds with q_num(G(s)) = plated flux at s (root finding on the numerical
    flux), Gauss-Legendre in t with s = a t^n (the integrand ~ s^(1/n) is then smooth)."""
    import numpy as np
    from scipy.optimize import brentq

    R = 0.5 * opening
    t, w = np.polynomial.legendre.leggauss(points)
    t, w = 0.5 * (t + 1.0), 0.5 * w
    total = 0.0
    for tk, wk in zip(t, w, strict=True):
        s = depth * tk**n
        target = 2.0 * math.pi * R * v * s if pipe else 2.0 * v * s

        def residual(logG, target=target):
            return math.log(_numerical_flux(math.exp(logG), R, fluidity, n, pipe)) - math.log(
                target)

        G = math.exp(brentq(residual, math.log(1e3), math.log(1e20), xtol=1e-10))
        total += wk * G * depth * n * tk ** (n - 1.0)
    return total


def run(outdir):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from nakmodel import load_parameters
    from nakmodel.atomic_write import atomic_savefig
    from nakmodel.mechanics.creep_extrusion import (
        SolidSodium,
        deposition_velocity,
        extrusion_pressure,
        pipe_flux,
        slit_flux,
    )

    params = load_parameters()
    checks = []
    T = params.temperature
    for n in (1.0, 3.0, 5.0):
        na = SolidSodium(creep_exponent=n)
        B = na.shear_fluidity(T)
        h = 1e-6
        G = 1e13  # Pa/m
        for pipe, closed in ((False, slit_flux(G, h, B, n)), (True, pipe_flux(G, h / 2, B, n))):
            num = _numerical_flux(G, h / 2, B, n, pipe)
            checks.append(Check(f"{'pipe' if pipe else 'slit'} flux, n = {n:g}: numerical / "
                                "closed form", num / closed, reference=1.0, rel_tol=2e-3,
                                unit="-", source=SOURCE))
    # second-order convergence of the finite-volume flux (n = 5, slit): error ratio ~4
    B5 = SolidSodium(creep_exponent=5.0).shear_fluidity(T)
    exact = slit_flux(1e13, 1e-6, B5, 5.0)
    errors = [abs(_numerical_flux(1e13, 0.5e-6, B5, 5.0, False, cells) / exact - 1)
              for cells in (50, 100)]
    checks.append(Check.within("flux error ratio 50 -> 100 cells, n = 5 slit (2nd order: ~4)",
                               errors[0] / errors[1], low=3.5, high=4.5, unit="-",
                               source="finite-volume truncation error O(dy^2)"))
    # tip pressure of Na plated at 5 mA/cm2 into a 20 um x 1 um flaw, default Na (n = 5)
    na = SolidSodium.from_parameters(params)
    B, n = na.shear_fluidity(T), na.creep_exponent
    v = deposition_velocity(50.0, params.alloy.na_molar_volume)
    for shape, pipe in (("slit", False), ("pipe", True)):
        closed = extrusion_pressure(20e-6, 1e-6, v, na, T, shape)
        num = _numerical_tip_pressure(20e-6, 1e-6, v, B, n, pipe)
        checks.append(Check(f"{shape} tip pressure 20 x 1 um at 5 mA/cm², Na n = {n:g}: "
                            f"numerical / closed form ({closed / 1e6:.3g} MPa)", num / closed,
                            reference=1.0, rel_tol=5e-3, unit="-", source=SOURCE))
    # n = 1 limits: plane Poiseuille and Hagen-Poiseuille (textbook)
    mu = 1e-3
    newton = SolidSodium(creep_exponent=1.0, yield_strength=3e-3 * mu,
                         reference_strain_rate=1e-3, creep_activation_energy=0.0)
    B1 = newton.shear_fluidity(T)
    checks.append(Check("slit flux n = 1 / plane Poiseuille G h^3 / (12 mu)",
                        slit_flux(1e12, 1e-6, B1, 1.0) / (1e12 * 1e-18 / (12 * mu)),
                        reference=1.0, rel_tol=1e-12, unit="-", source="Bird et al. sec. 2.3"))
    checks.append(Check("pipe flux n = 1 / Hagen-Poiseuille pi G R^4 / (8 mu)",
                        pipe_flux(1e12, 0.5e-6, B1, 1.0) / (math.pi * 1e12 * 0.5e-6**4 / (8 * mu)),
                        reference=1.0, rel_tol=1e-12, unit="-", source="Bird et al. sec. 2.3"))
    # rate^(1/n) scaling of the (numerical) tip pressure
    rates = np.array([1.0, 10.0, 100.0])  # A/m^2
    p_num = np.array([_numerical_tip_pressure(20e-6, 1e-6, deposition_velocity(
        i, params.alloy.na_molar_volume), B, n, False) for i in rates])
    slope = float(np.polyfit(np.log(rates), np.log(p_num), 1)[0])
    checks.append(Check("d ln p / d ln i of the numerical slit pressure (= 1/n)", slope,
                        reference=1.0 / n, rel_tol=5e-3, unit="-", source=SOURCE))

    fig, ax = plt.subplots(figsize=(5.5, 4), layout="constrained")
    i_axis = np.logspace(-1, 3, 60)
    for shape, style in (("slit", "-"), ("pipe", "--")):
        ax.loglog(i_axis / 10, [extrusion_pressure(20e-6, 1e-6, deposition_velocity(
            i, params.alloy.na_molar_volume), na, T, shape) / 1e6 for i in i_axis], style,
            label=f"creep extrusion ({shape}), 20 x 1 um")
    ax.loglog(rates / 10, p_num / 1e6, "ko", label="numerical power-law flow (slit)")
    ax.loglog(i_axis / 10, 96485.33212 * 0.03 / params.alloy.na_molar_volume / 1e6
              * np.ones_like(i_axis), "k:", label="F|η|/Ω at 30 mV")
    ax.set_xlabel("plating current density [mA/cm²]")
    ax.set_ylabel("tip pressure [MPa]")
    ax.legend(fontsize=7)
    atomic_savefig(fig, outdir / "creep_extrusion.png", dpi=130)
    plt.close(fig)
    return checks


CASE = Case(name="mechanics_creep_extrusion",
            title="Creep-extrusion pressure of solid Na vs numerical power-law channel flow",
            run=run, slow=False, figures=["creep_extrusion.png"],
            description=("Closed-form power-law slit/pipe flux and flaw tip pressure "
                         "(nakmodel.mechanics.creep_extrusion) against a finite-volume "
                         "solution of the momentum balance with the Norton law; n = 1 "
                         "Poiseuille limits; p ~ i^(1/n)."))
