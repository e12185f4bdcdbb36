"""Crack driving force from the finite-element field: G-theta and interaction integrals.

Energy release rate by the G-theta (virtual crack extension, domain J)
integral (Destuynder & Djaoua 1981; deLorenzi 1982; Shih, Moran & Nakamura,
Int. J. Fract. 30 (1986) 79).  For a virtual extension field theta (theta = e
near the tip, 0 outside a ring, e the crack direction) and pressure p on the
crack faces (traction t = -p N):

    G = int_Omega [ sigma_ij u_i,k theta_k,j - W theta_k,k ] w dV
        - int_Gamma_c p [ (u . N) div(theta) - u_i theta_j,i N_j ] w dS

with W = sigma : eps / 2 (derivative of the potential energy under the domain
map x -> x + s theta at fixed load; the face term is the shape derivative of
the pressure work through Nanson's formula, for uniform p).  A
position-dependent face pressure p(x) (eigenstrain closure) adds the term
-(grad p . theta)(u . N); integrated by parts along the flat faces (theta
tangential, u.N = 0 at the tip) that part is + int p N_i u_i,k theta_k w dS,
which needs no derivative of p (valid for piecewise p).
In 3D with a curved front, theta = q e(x) with e the local in-plane normal
of the front and G the front average (total / front length).  In axisymmetry w = 2 pi r, the
hoop terms u_r/r, theta_r/r enter the 3x3 gradients and G is per unit length
of crack front: G = (total) / (2 pi r_tip).  For a half model (mirror
symmetry about the crack plane) the full body's G is twice the half's.

K_I and K_II by the interaction integral with auxiliary Williams fields
(Yau, Wang & Corten, J. Appl. Mech. 47 (1980) 335; Anderson, Fracture
Mechanics, 3rd ed., sec. 7.4.3): M = int [sigma_ij u^a_i,k + sigma^a_ij u_i,k
- sigma^a_ij eps_ij delta_kj] theta_k,j dV - face term with u^a;
K_m = E' M_m / 2 (plane strain E' = E/(1-nu^2)).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InputProblem, ParameterError
from .crack_mesh import CrackMesh
from .elasticity import ElasticSolution, Kinematics, grad3

QUADRATURE_DEGREE = 6
"""Quadrature degree of the volume parts of the domain integrals (grad theta vanishes near
the tip, so the integrands are smooth where they are non-zero)."""
FACE_QUADRATURE_DEGREE = 40
"""Quadrature degree of the crack-face terms (they reach the r^-1/2 singular tip)."""


@dataclass(frozen=True)
class RingDomain:
    """Annulus ``r_inner <= |x - tip| <= r_outer`` [m] where theta decays from e to 0."""

    r_inner: float
    r_outer: float

    def __post_init__(self):
        if not 0.0 <= self.r_inner < self.r_outer:
            raise ParameterError(InputProblem("mechanics.ring_domain",
                                              "need 0 <= r_inner < r_outer",
                                              (self.r_inner, self.r_outer), "radii in m"))


def default_rings(crack: CrackMesh, n: int = 3) -> list[RingDomain]:
    """``n`` nested domains: theta = e inside 0.1 R, decaying to 0 at 0.1 R + (k/n) 0.7 R.

    R is the largest admissible radius (distance from the tip to the nearest
    boundary other than the crack faces and the symmetry plane).
    """
    R = crack.min_tip_distance_to_boundary
    edges = np.linspace(0.1, 0.8, n + 1) * R
    return [RingDomain(edges[0], edges[i + 1]) for i in range(n)]


def _theta(solution: ElasticSolution, crack: CrackMesh, ring: RingDomain, window=None):
    """Virtual crack extension theta = q(|x - tip|) e with q interpolated in P1.

    ``window`` = (phi0, half_width) [rad] localises theta along a 3D circular
    front with the hat function h(phi) = max(0, 1 - |phi - phi0| / half_width).
    """
    import ufl
    from dolfinx import fem

    if ring.r_outer > crack.min_tip_distance_to_boundary * (1 + 1e-9):
        raise ParameterError(InputProblem("mechanics.ring_domain", "ring reaches another boundary "
                                          "than the crack faces", ring.r_outer,
                                          f"r_outer <= {crack.min_tip_distance_to_boundary:.4g} m"))
    if solution.eigenstrain is not None:
        raise ParameterError(InputProblem("mechanics.eigenstrain",
                                          "the domain integrals here have no "
                                          "eigenstrain terms", "eigenstrain",
                                          "eigenstrain as crack-face closure traction (Bueckner), "
                                          "see fracture.stress_intensity"))
    mesh = solution.mesh
    Q = fem.functionspace(mesh, ("Lagrange", 1))
    q = fem.Function(Q)
    tip = crack.tip
    gdim = mesh.geometry.dim

    front_radius = getattr(crack, "front_radius", None)
    center = np.zeros(3) if crack.front_center is None else np.asarray(crack.front_center)
    normal = (np.array([0.0, 0.0, 1.0]) if crack.front_normal is None
              else np.asarray(crack.front_normal))

    def profile(x):
        if front_radius is not None:  # circular front of radius a about `center` (3D)
            d = x - center[:, None]
            dn = normal @ d
            in_plane = np.linalg.norm(d - np.outer(normal, dn), axis=0)
            d = np.sqrt((in_plane - front_radius) ** 2 + dn**2)
        else:
            d = np.sqrt(sum((x[i] - tip[i]) ** 2 for i in range(gdim)))
        value = np.clip((ring.r_outer - d) / (ring.r_outer - ring.r_inner), 0.0, 1.0)
        if window is not None:
            value = value * _hat(_front_angle(crack, x), *window)
        return value

    q.interpolate(profile)
    if front_radius is not None:  # radial (in the crack plane) extension of the front
        X = ufl.SpatialCoordinate(mesh)
        d = X - ufl.as_vector([float(c) for c in center])
        n = ufl.as_vector([float(c) for c in normal])
        in_plane = d - ufl.dot(d, n) * n
        return q * in_plane / ufl.sqrt(ufl.dot(in_plane, in_plane))
    e = ufl.as_vector([float(c) for c in crack.direction[:gdim]])
    return q * e


def _hat(phi, phi0, half_width):
    return np.clip(1.0 - np.abs(phi - phi0) / half_width, 0.0, 1.0)


def _front_angle(crack: CrackMesh, x):
    """Front angle phi of points x (3, n) about the front centre (see CrackMesh.front_axes)."""
    center = np.zeros(3) if crack.front_center is None else np.asarray(crack.front_center)
    e1, e2 = crack.front_axes
    d = x - center[:, None]
    return np.arctan2(np.asarray(e2) @ d, np.asarray(e1) @ d)


def local_energy_release_rate(solution: ElasticSolution, crack: CrackMesh, angle: float,
                              half_width: float = np.radians(15.0),
                              ring: RingDomain | None = None) -> float:
    """G [J/m^2] at front angle ``angle`` [rad] of a 3D circular front.

    theta = q(rho) h(phi) e with a hat h of ``half_width``; G(phi0) =
    (factor) * integral / int_front h ds (Anderson, Fracture Mechanics, sec.
    7.4.2: the domain integral with a localised virtual extension), which
    averages G over the hat's support.
    """
    if crack.front_radius is None or crack.front_axes is None:
        raise ParameterError(InputProblem("mechanics.front", "no circular 3D crack front",
                                          None, "a 3D crack mesh with front_axes"))
    ring = ring or default_rings(crack, 1)[0]
    theta = _theta(solution, crack, ring, window=(angle, half_width))
    value = _integrate(_g_theta_forms(solution, crack, theta), solution.mesh.comm)
    lo, hi = crack.front_angles
    phi = np.linspace(lo, hi, 20001)
    weight = crack.front_radius * np.trapezoid(_hat(phi, angle, half_width), phi)
    return float(value) * (2.0 if crack.symmetric else 1.0) / weight


def _g_theta_forms(solution: ElasticSolution, crack: CrackMesh, theta, auxiliary=None):
    """UFL integrand of G, or of the interaction integral with an ``auxiliary`` field.

    ``auxiliary`` is ``(u_aux, grad3(u_aux), sigma_aux)``; the crack-face
    term then carries u_aux (the auxiliary field has traction-free faces).
    """
    import ufl

    mesh = solution.mesh
    kin = solution.kinematics
    w = solution.weight()
    gu = grad3(solution.u, kin)
    gt = grad3(theta, kin)
    div_t = ufl.tr(gt)
    sig = solution.stress()
    # fixed quadrature: the integrals stay exactly linear in the loads whatever the
    # coefficients (UFL's degree estimate would change with a non-uniform face pressure)
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=solution.facet_tags,
                     metadata={"quadrature_degree": FACE_QUADRATURE_DEGREE})
    dx = ufl.Measure("dx", domain=mesh, metadata={"quadrature_degree": QUADRATURE_DEGREE})
    N = ufl.FacetNormal(mesh)
    if auxiliary is None:
        W = 0.5 * ufl.inner(sig, ufl.sym(gu))
        volume = (ufl.inner(sig, gu * gt) - W * div_t) * w * dx
        u_face = solution.u
    else:
        ua, ga, sig_a = auxiliary
        volume = (ufl.inner(sig, ga * gt) + ufl.inner(sig_a, gu * gt)
                  - ufl.inner(sig_a, ufl.sym(gu)) * div_t) * w * dx
        u_face = ua
    form = volume
    dS_uniform = ufl.Measure("ds", domain=mesh, subdomain_data=solution.facet_tags,
                             metadata={"quadrature_degree": QUADRATURE_DEGREE})
    gdim = mesh.geometry.dim
    gt2 = ufl.grad(theta)
    for tag in crack.crack_faces:
        uniform, varying = solution.pressure_parts(tag)
        if uniform != 0.0:
            # Nanson form: its integrand vanishes where theta is constant (near the tip)
            u_n = ufl.dot(u_face, N)
            transverse = sum(u_face[i] * gt2[j, i] * N[j]
                             for i in range(gdim) for j in range(gdim))
            form = form - uniform * (u_n * div_t - transverse) * w * dS_uniform(tag)
        if varying is not None:
            # integrated by parts along the flat face (theta tangential): no derivative of
            # p, so piecewise (discontinuous) face pressures need no jump terms
            form = form + varying * ufl.dot(N, ufl.dot(ufl.grad(u_face), theta)) * w * ds(tag)
    return form


def _integrate(form, comm):
    from dolfinx import fem

    return comm.allreduce(fem.assemble_scalar(fem.form(form)))


def _scale(solution: ElasticSolution, crack: CrackMesh) -> float:
    factor = 2.0 if crack.symmetric else 1.0
    if getattr(crack, "front_length", None):
        factor /= crack.front_length
    elif solution.kinematics == Kinematics.AXISYMMETRIC:
        factor /= 2.0 * np.pi * crack.tip[0]
    return factor


def energy_release_rate(solution: ElasticSolution, crack: CrackMesh,
                        ring: RingDomain | None = None) -> float:
    """Energy release rate G [J/m^2] of the full body by the G-theta domain integral."""
    ring = ring or default_rings(crack, 1)[0]
    theta = _theta(solution, crack, ring)
    value = _integrate(_g_theta_forms(solution, crack, theta), solution.mesh.comm)
    return float(value) * _scale(solution, crack)


def williams_displacement(x, crack: CrackMesh, material, mode: str):
    """Auxiliary plane-strain Williams displacement for unit K_I (mode 'I') or K_II ('II').

    u = sqrt(r / 2 pi) / (2 mu) * f(phi; kappa), kappa = 3 - 4 nu, in crack-tip axes
    (x1 along the crack extension, x2 normal); source: Anderson, Fracture
    Mechanics, Table 2.2.  Returned in global axes as a UFL vector.
    """
    import ufl

    e1 = crack.direction[:2]
    e2 = np.array([-e1[1], e1[0]])
    dx0, dx1 = x[0] - crack.tip[0], x[1] - crack.tip[1]
    x1 = e1[0] * dx0 + e1[1] * dx1
    x2 = e2[0] * dx0 + e2[1] * dx1
    r = ufl.sqrt(x1 * x1 + x2 * x2)
    phi = ufl.atan2(x2, x1)
    kappa = 3.0 - 4.0 * material.poisson_ratio
    c = ufl.sqrt(r / (2.0 * np.pi)) / (2.0 * material.shear_modulus)
    ch, sh = ufl.cos(phi / 2), ufl.sin(phi / 2)
    if mode == "I":
        a1 = c * ch * (kappa - 1.0 + 2.0 * sh**2)
        a2 = c * sh * (kappa + 1.0 - 2.0 * ch**2)
    else:
        a1 = c * sh * (kappa + 1.0 + 2.0 * ch**2)
        a2 = -c * ch * (kappa - 1.0 - 2.0 * sh**2)
    return ufl.as_vector([a1 * e1[0] + a2 * e2[0], a1 * e1[1] + a2 * e2[1]])


def interaction_integrals(solution: ElasticSolution, crack: CrackMesh,
                          ring: RingDomain | None = None) -> tuple[float, float]:
    """(K_I, K_II) [Pa m^0.5] by the interaction integral (plane strain, full models)."""
    import ufl

    if solution.kinematics != Kinematics.PLANE_STRAIN:
        raise ParameterError(InputProblem("mechanics.kinematics",
                                          "interaction integral implemented "
                                          "for plane strain only", solution.kinematics,
                                          "plane_strain"))
    ring = ring or default_rings(crack, 1)[0]
    theta = _theta(solution, crack, ring)
    x = ufl.SpatialCoordinate(solution.mesh)
    m = solution.material
    out = []
    for mode in ("I", "II"):
        ua = williams_displacement(x, crack, m, mode)
        ga = ufl.as_tensor([[ufl.grad(ua)[0, 0], ufl.grad(ua)[0, 1], 0.0],
                            [ufl.grad(ua)[1, 0], ufl.grad(ua)[1, 1], 0.0], [0.0, 0.0, 0.0]])
        eps_a = ufl.sym(ga)
        sig_a = m.lame_lambda * ufl.tr(eps_a) * ufl.Identity(3) + 2.0 * m.shear_modulus * eps_a
        M = _integrate(_g_theta_forms(solution, crack, theta, (ua, ga, sig_a)),
                       solution.mesh.comm) * (2.0 if crack.symmetric else 1.0)
        out.append(0.5 * m.plane_strain_modulus * float(M))
    return out[0], out[1]


def pressure_work(solution: ElasticSolution, crack: CrackMesh) -> float:
    """Work of the crack-face pressures on the full body, W_ext = sum int -p N . u w dS [J(/m)].

    For a linear body under fixed loads the potential energy is -W_ext / 2, so
    G = (1/2) dW_ext/da per unit crack-front length (compliance method; Irwin
    & Kies 1954; Anderson, Fracture Mechanics, sec. 2.4).
    """
    import ufl

    mesh = solution.mesh
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=solution.facet_tags)
    N = ufl.FacetNormal(mesh)
    w = solution.weight()
    form = 0
    for tag in crack.crack_faces:
        p = solution.pressure_on(tag)
        form = form - p * ufl.dot(N, solution.u) * w * ds(tag)
    value = _integrate(form, mesh.comm)
    return float(value) * (2.0 if crack.symmetric else 1.0)


def compliance_energy_release_rate(work_of_length, crack_length: float, step: float,
                                   front_length: float = 1.0) -> float:
    """G = (W_ext(a + h) - W_ext(a - h)) / (4 h) / front_length (central difference).

    ``work_of_length(a)`` returns the pressure work of the body with crack
    length a (:func:`pressure_work`); ``front_length`` is 2 pi a for a penny
    crack modelled in axisymmetry, 1 for plane strain.
    """
    w_plus = work_of_length(crack_length + step)
    w_minus = work_of_length(crack_length - step)
    return (w_plus - w_minus) / (4.0 * step) / front_length
