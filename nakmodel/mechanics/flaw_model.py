"""One flaw, one geometry: the fracture model of the flaw the electrochemistry simulates.

A :class:`nakmodel.Cell` with a :class:`~nakmodel.geometry.flaw.SurfaceFlaw` meshes the
flaw into its electrochemical model; :func:`crack_model` picks the crack of the *same*
flaw (same depth, same place, same symmetry) for the domain integral:

=====================  =========================  ==========================================
cell geometry          electrochemical flaw       crack model (K_I from the domain integral)
=====================  =========================  ==========================================
planar, position 0     half V-notch on the        plane-strain edge crack, half model
                       symmetry line              (interaction integral)
planar, position > 0   V-notch at x = position    plane-strain slit in the full section
axisymmetric, r > 0    circumferential V-groove   circumferential crack, axisymmetric
                                                  kinematics (r-weighted G-theta)
axisymmetric, r = 0    conical pit on the axis    semicircular surface crack of radius =
                                                  depth through the axis (3D quarter model)
3d                     cone                       semicircular surface crack (3D)
=====================  =========================  ==========================================

Why the pit on the axis gets a 3D crack: a conical pit filled with pressurised metal loads
the ceramic around it in hoop tension (a pressurised hole: sigma_theta = p at its wall,
Lame), which opens planes *containing* the axis; the crack that grows from it is a
half-penny surface crack in such a plane (the flaw depth as its radius), not a surface of
revolution.  An axisymmetric crack on the axis would be a penny crack across the axis
(opened by sigma_zz, which is compressive under a pressurised pit) or a degenerate
cylinder of zero radius, so it is not the flaw's crack.  The axisymmetric domain integral
is used where the flaw is itself axisymmetric with a circular front: the circumferential
groove (and its check, the penny crack on the axis by the axisymmetric and the 3D domain
integral vs Sneddon, tests/test_fracture_coupling.py).

Independent reference of the on-axis flaw (same geometry): the semicircular surface crack
of Newman & Raju, Eng. Fract. Mech. 15 (1981) 185 (:func:`newman_raju_semicircular`),
a semicircular crack at the free surface of a plate (thickness t = pellet thickness,
half-width b) under uniform tension, which by superposition (Bueckner) has the K_I of the
same crack under a uniform face pressure of the same magnitude.  Sneddon's penny crack
(K_I = 2 p sqrt(a/pi), Tada, Paris & Irwin (2000) p. 24.2) is *not* this geometry: it is
embedded, and the free surface raises the front-averaged K_I of the half-penny by ~8 %.

K_I per unit face pressure is linear-elastic and independent of the load level, so it is
computed once per (flaw, material, mesh options) and cached (:func:`k_per_pressure`): a
CCD scan, a sweep point and the growth table reuse it.
"""

from __future__ import annotations

import dataclasses

from ..errors import InputProblem, ParameterError
from .fracture import FlawGeometry, FlawShape, MeshOptions, flaw_geometry, stress_intensity
from .material import CeramicMaterial

_CACHE: dict = {}


def _kind(cell) -> str:
    return str(getattr(getattr(cell, "geometry", None), "value", getattr(cell, "geometry", "")))


@dataclasses.dataclass(frozen=True)
class CrackModel:
    """The crack of a cell's flaw: ``geometry`` (:class:`FlawGeometry`, SI), ``options``
    (:class:`MeshOptions`, ``shape`` tunnel or semicircular) and a ``description``."""

    geometry: FlawGeometry
    options: MeshOptions
    description: str


def crack_model(cell, parameters=None, mesh_options: MeshOptions | None = None) -> CrackModel:
    """The crack model of ``cell``'s flaw (table in the module docstring).

    All sizes are checked before any mesh: the flaw must be shallower than the pellet and
    narrower than deep (``flaw.depth``, ``flaw.opening`` [m]).  ``mesh_options``: element
    sizes etc.; its ``shape`` is replaced by the one of the geometry.
    """
    kind = _kind(cell)
    flaw = getattr(cell, "flaw", None)
    if flaw is None:
        raise ParameterError(InputProblem("cell.flaw", "the cell has no flaw", None,
                                          "Cell(flaw=SurfaceFlaw(depth=..., opening=...))"))
    g = flaw_geometry(cell, parameters)
    if not g.opening < g.depth:
        raise ParameterError(InputProblem("flaw.opening", "opening must be smaller than the depth",
                                          g.opening, f"a length in m in (0, {g.depth:.4g})"))
    options = mesh_options or MeshOptions()
    if kind == "3d" or (kind == "axisymmetric" and g.position == 0.0):
        if g.depth >= 0.9 * g.pellet_thickness:
            raise ParameterError(InputProblem("flaw.depth", "too deep for the surface-crack model",
                                              g.depth, f"a length in m in (0, "
                                              f"{0.9 * g.pellet_thickness:.4g}) (0.9 x pellet)"))
        g = dataclasses.replace(g, position=0.0, angle=0.0, ring=False)
        options = dataclasses.replace(options, shape=FlawShape.SEMICIRCULAR)
        where = "on the axis" if kind == "axisymmetric" else "(3D cone)"
        text = (f"semicircular surface crack a = {g.depth * 1e6:.3g} um through the flaw "
                f"axis {where}, 3D quarter model")
    else:
        options = dataclasses.replace(options, shape=FlawShape.TUNNEL)
        if g.ring:
            text = (f"circumferential crack a = {g.depth * 1e6:.3g} um at r = "
                    f"{g.position * 1e6:.4g} um, axisymmetric")
        else:
            text = (f"plane-strain edge crack a = {g.depth * 1e6:.3g} um"
                    + (f" at x = {g.position * 1e6:.4g} um" if g.position else "")
                    + (", half model" if g.symmetric else ""))
    return CrackModel(g, options, text)


def _key(model: CrackModel, material: CeramicMaterial, extra=()) -> tuple:
    o = model.options
    return (dataclasses.astuple(model.geometry), material.youngs_modulus,
            material.poisson_ratio, o.tip_fraction, o.growth, o.degree, o.n_rings,
            str(o.support), str(o.shape), o.front_fraction) + tuple(extra)


def k_per_pressure(cell, parameters=None, mesh_options: MeshOptions | None = None) -> float:
    """K_I per unit crack-face pressure [m^0.5] of ``cell``'s flaw (FE domain integral of
    :func:`crack_model`), cached per flaw geometry, material and mesh options."""
    from .fracture import _material, _parameters

    parameters = _parameters(parameters)
    model = crack_model(cell, parameters, mesh_options)
    material = _material(parameters, None)
    key = _key(model, material)
    if key not in _CACHE:
        result = stress_intensity(model.geometry, parameters, pressure=1.0, material=material,
                                  stack_pressure=0.0, mesh_options=model.options)
        _CACHE[key] = float(result.K_I)
    return _CACHE[key]


def newman_raju_semicircular(a_over_t: float, c_over_b: float, phi: float | None = None
                             ) -> float:
    """K_I / (p sqrt(pi a)) of a semicircular (a = c) surface crack under uniform tension p
    (= uniform crack-face pressure p), Newman & Raju, Eng. Fract. Mech. 15 (1981) 185:

        K = p sqrt(pi a / Q) [M1 + M2 (a/t)^2 + M3 (a/t)^4] g(phi) f_phi f_w,

    with a/c = 1: M1 = 1.04, M2 = -0.54 + 0.89/1.2, M3 = 0.5 - 1/1.65, Q = 1 + 1.464,
    g = 1 + (0.1 + 0.35 (a/t)^2) (1 - sin phi)^2, f_phi = 1, f_w = sec(pi c/(2b)
    sqrt(a/t))^(1/2) (t: plate thickness, b: half-width; phi = 0 at the surface, pi/2 at the
    deepest point).  ``phi=None``: sqrt(<K^2>) over the front (the front-averaged G of the
    FE K_eq = sqrt(E' <G>)).  Accuracy +-5 % for a/t < 0.8, c/b < 0.5 (Newman & Raju).
    """
    import math

    import numpy as np

    if not (0.0 < a_over_t < 0.8 and 0.0 < c_over_b < 0.5):
        raise ParameterError(InputProblem("flaw.depth", "outside the Newman-Raju range",
                                          (a_over_t, c_over_b), "a/t in (0, 0.8), c/b in (0, 0.5) "
                                          "(dimensionless)"))
    q = 1.0 + 1.464
    m = 1.04 + (-0.54 + 0.89 / 1.2) * a_over_t**2 + (0.5 - 1.0 / 1.65) * a_over_t**4
    fw = math.sqrt(1.0 / math.cos(math.pi * c_over_b / 2.0 * math.sqrt(a_over_t)))
    angles = np.linspace(0.0, math.pi / 2.0, 4001) if phi is None else np.array([phi])
    g = 1.0 + (0.1 + 0.35 * a_over_t**2) * (1.0 - np.sin(angles)) ** 2
    return float(m * fw * math.sqrt(float(np.mean(g**2)) / q))


def clear_cache() -> None:
    """Forget the cached K_I per pressure (and growth tables) of all flaws."""
    _CACHE.clear()


__all__ = ["CrackModel", "clear_cache", "crack_model", "k_per_pressure",
           "newman_raju_semicircular"]
