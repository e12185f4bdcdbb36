"""Quasi-static growth of a pressurised flaw past crack onset: arrest or run-through.

Griffith-Irwin: the crack extends while its energy release rate reaches the toughness,
G = K_I^2 / E' >= G_c = K_IC^2 / E' (plane strain; Anderson, Fracture Mechanics, 3rd ed.
(2005), sec. 2.6), i.e. while K_I >= K_IC.  Growth is quasi-static (no dynamics, no R-curve):
at a given face pressure p the crack length is the smallest a >= the previous length at
which K_I(a) p + K_I0 < K_IC (the crack *arrests* there); when no length up to the last
tabulated one (0.9 of the pellet thickness) arrests it, the crack *runs through* the
pellet (a short circuit).  The crack never heals (lengths only grow).

K_I(a) per unit pressure comes from a precomputed table (:func:`k_table`): one FE solve per
crack length on a geometric grid from the flaw depth a0 to 0.9 L, re-meshed for each
length with the flaw's crack model (:func:`~nakmodel.mechanics.flaw_model.crack_model`:
edge crack, circumferential crack or semicircular surface crack, grown self-similarly),
interpolated linearly in log a.  Which faces the metal loads (``fill``):

* ``"dry"`` (default, ASSUMPTION [?]): the metal stays in the original flaw; the pressure
  acts on the faces within the flaw depth a0 only and the extension is dry.  K_I then falls
  as the crack outgrows the loaded part (~ p a0 / sqrt(a) for a >> a0): a crack arrests
  unless the pressure keeps rising.
* ``"wet"``: the metal follows the tip, the whole crack is pressurised (K_I ~ p sqrt(a)
  rises with a: at the onset pressure the crack runs through).

The pressure history is that of the flaw state (creep-limited or bounded by F|eta|/Omega,
:func:`~nakmodel.mechanics.loading.flaw_pressure`), evaluated for the original flaw.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from ..errors import InputProblem, ParameterError

FILL_MODES = ("dry", "wet")


@dataclass(frozen=True)
class KTable:
    """K_I per unit face pressure [m^0.5] vs crack length [m] of one flaw (SI)."""

    lengths: np.ndarray
    k_per_pressure: np.ndarray
    flaw_depth: float
    pellet_thickness: float
    fill: str = "dry"

    def __call__(self, a) -> np.ndarray:
        """K_I per pressure at crack length(s) ``a`` (linear in log a; constant beyond)."""
        return np.interp(np.log(np.asarray(a, float)), np.log(self.lengths),
                         self.k_per_pressure)

    @property
    def max_length(self) -> float:
        return float(self.lengths[-1])


@dataclass(frozen=True)
class CrackGrowth:
    """Crack length per row of a run and the outcome.

    ``length`` [m] per row, ``outcome`` "none" (never extended), "arrested" (grew and
    stopped: final length < pellet thickness) or "through" (ran through the pellet: length
    = pellet thickness from row ``through_index`` on)."""

    length: np.ndarray
    outcome: str
    flaw_depth: float
    pellet_thickness: float
    through_index: int | None = None

    @property
    def final_length(self) -> float:
        return float(self.length[-1]) if self.length.size else self.flaw_depth


def _depth_function(crack, g):
    """UFL depth below the interface of a point on the crack faces (per crack model)."""
    import ufl

    if crack.mesh.geometry.dim == 3:  # quarter model: crack plane y = 0, centre (0, 0, L)
        return lambda x: ufl.sqrt(x[0] ** 2 + (g.pellet_thickness - x[2]) ** 2)
    if crack.symmetric:  # half model: mesh x = depth
        return lambda x: x[0]
    return lambda x: g.pellet_thickness - x[1]


def _k_at_length(model, length: float, parameters, material, fill: str) -> float:
    """FE K_I per unit pressure of the flaw's crack grown to ``length``."""
    import dataclasses

    import ufl

    from .domain_integral import default_rings, energy_release_rate, interaction_integrals
    from .fracture import _build_crack, _mean_opening, _solve

    g = dataclasses.replace(model.geometry, depth=float(length))
    crack = _build_crack(g, model.options)
    a0 = model.geometry.depth
    if fill == "dry" and length > a0 * (1 + 1e-9):
        depth = _depth_function(crack, g)

        def face_pressure(x):
            return ufl.conditional(ufl.le(depth(x), a0), 1.0, 0.0)
    else:
        face_pressure = 1.0
    sol = _solve(crack, g, material, face_pressure, 0.0, None, model.options.degree,
                 model.options.support)
    ring = default_rings(crack, model.options.n_rings)[0]
    if g.ring or crack.mesh.geometry.dim == 3 or crack.symmetric:
        G = energy_release_rate(sol, crack, ring)
        sign = 1.0 if _mean_opening(sol, crack) >= 0 else -1.0
        return sign * math.sqrt(material.plane_strain_modulus * max(G, 0.0))
    return float(interaction_integrals(sol, crack, ring)[0])


def k_table(cell, parameters=None, *, fill: str = "dry", points: int = 7,
            mesh_options=None) -> KTable:
    """K_I(a) per unit pressure of ``cell``'s flaw from its depth a0 to 0.9 of the pellet
    thickness (``points`` lengths, geometric grid; cached like
    :func:`~nakmodel.mechanics.flaw_model.k_per_pressure`)."""
    from .flaw_model import _CACHE, _key, crack_model
    from .fracture import _material, _parameters

    if fill not in FILL_MODES:
        raise ParameterError(InputProblem("ccd.crack_fill", "unknown fill mode", fill,
                                          "'dry' (metal stays in the flaw) or 'wet' (it follows)"))
    if not (isinstance(points, int) and 3 <= points <= 40):
        raise ParameterError(InputProblem("ccd.crack_growth_points", "out of range", points,
                                          "an integer in [3, 40]"))
    parameters = _parameters(parameters)
    model = crack_model(cell, parameters, mesh_options)
    material = _material(parameters, None)
    key = _key(model, material, ("table", fill, points))
    if key in _CACHE:
        return _CACHE[key]
    a0, L = model.geometry.depth, model.geometry.pellet_thickness
    lengths = np.geomspace(a0, 0.9 * L, points)
    k = np.array([_k_at_length(model, float(a), parameters, material, fill) for a in lengths])
    table = KTable(lengths, k, a0, L, fill)
    _CACHE[key] = table
    return table


def grow_crack(table: KTable, pressures, fracture_toughness: float,
               k_other: float = 0.0) -> CrackGrowth:
    """Crack length per row for the face ``pressures`` [Pa] of a run (rows in time order).

    Row by row: if K_I(a) = k(a) p + K_I0 >= K_IC at the current length a, the crack
    extends to the first length beyond a where K_I < K_IC (bisection on the tabulated
    k(a)); none up to the table's last length: it runs through (length = pellet thickness).
    """
    if not (fracture_toughness > 0 and math.isfinite(fracture_toughness)):
        raise ParameterError(InputProblem("nasicon.fracture_toughness", "must be positive",
                                          fracture_toughness, "a value in Pa m^0.5, > 0"))
    p = np.nan_to_num(np.asarray(pressures, float), nan=0.0)
    a = table.flaw_depth
    lengths = np.empty_like(p)
    through = None
    grew = False

    def k_ratio(length, pk):
        return (float(table(length)) * pk + k_other) / fracture_toughness

    for row, pk in enumerate(p):
        if through is None and k_ratio(a, pk) >= 1.0:
            grew = True
            beyond = table.lengths[table.lengths > a]
            stop = next((float(x) for x in beyond if k_ratio(x, pk) < 1.0), None)
            if stop is None:
                through = row
            else:
                lo, hi = a, stop
                for _ in range(60):
                    mid = math.sqrt(lo * hi)
                    lo, hi = (mid, hi) if k_ratio(mid, pk) >= 1.0 else (lo, mid)
                a = hi
        lengths[row] = table.pellet_thickness if through is not None else a
    outcome = "through" if through is not None else ("arrested" if grew else "none")
    return CrackGrowth(lengths, outcome, table.flaw_depth, table.pellet_thickness, through)


__all__ = ["FILL_MODES", "CrackGrowth", "KTable", "grow_crack", "k_table"]
