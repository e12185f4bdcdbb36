"""Surface flaws in the ceramic at the alloy | NASICON interface.

A flaw is a sharp V-notch (2D) or cone (3D) cut into the NASICON from the
interface plane z = L_n, filled with electrode metal: the notch belongs to
the ``alloy`` region and its faces are tagged ``flaw``.  The fracture
mechanics reads the tip location from :attr:`CellMesh.flaw_tip`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import ParameterError, Problem
from ..units import to_si


@dataclass(frozen=True)
class SurfaceFlaw:
    """A metal-filled surface flaw: ``depth`` below the interface, mouth width ``opening``.

    ``position`` is the x (= r in axisymmetry) coordinate of the flaw centre
    line [m].  In axisymmetric geometry ``position = 0`` gives a conical pit on
    the axis and ``position > 0`` a V-shaped circumferential groove; in planar
    geometry a half-notch at the symmetry line or a notch at x = position; in
    3D a cone with apex at (position, 0, L_n - depth).  The tip is sharp
    (zero radius).  Lengths: SI floats [m] or strings with units.
    """

    depth: float | str
    opening: float | str
    position: float | str = 0.0
    _si: tuple = field(init=False, repr=False, compare=False, default=())

    def __post_init__(self):
        problems = []
        values = []
        for name in ("depth", "opening", "position"):
            try:
                values.append(to_si(getattr(self, name), "m", key=f"flaw.{name}"))
            except ParameterError as err:
                problems += err.problems
                values.append(float("nan"))
        depth, opening, position = values
        if not depth > 0:
            problems.append(Problem("flaw.depth", "must be positive", self.depth,
                                    "0 < depth < pellet_thickness [m]"))
        if not opening > 0:
            problems.append(Problem("flaw.opening", "must be positive", self.opening,
                                    "0 < opening < depth [m]"))
        elif depth > 0 and not opening < depth:
            problems.append(Problem("flaw.opening", "opening must be smaller than the depth "
                                    "(a sharp, crack-like flaw)", self.opening,
                                    f"0 < opening < depth = {depth:.4g} m"))
        if not position >= 0:
            problems.append(Problem("flaw.position", "must be >= 0 (distance from the axis)",
                                    self.position, "0 <= position <= pellet_radius - opening/2"))
        if problems:
            raise ParameterError(problems)
        object.__setattr__(self, "_si", (depth, opening, position))

    @property
    def depth_si(self) -> float:
        """Depth [m]."""
        return self._si[0]

    @property
    def opening_si(self) -> float:
        """Mouth width [m]."""
        return self._si[1]

    @property
    def position_si(self) -> float:
        """x (or r) of the flaw centre line [m]."""
        return self._si[2]

    @property
    def half_angle(self) -> float:
        """Half opening angle of the notch [rad]: atan(opening / (2 depth))."""
        return math.atan(0.5 * self.opening_si / self.depth_si)

    def on_axis(self) -> bool:
        """True when the flaw sits on the axis / symmetry line (position 0)."""
        return self.position_si == 0.0

    def mouth(self) -> tuple[float, float]:
        """(x0, x1) of the flaw mouth on the interface (2D kinds)."""
        d, w, x = self._si
        if x == 0.0:
            return 0.0, w / 2
        return x - w / 2, x + w / 2

    def check(self, kind: str, pellet_radius: float, pellet_thickness: float) -> list[Problem]:
        """Problems of this flaw in a cell of the given geometry."""
        d, w, x = self._si
        problems = []
        if d >= pellet_thickness:
            problems.append(Problem("flaw.depth", "flaw is not shallower than the pellet", d,
                                    f"0 < depth < pellet_thickness = {pellet_thickness:.4g} m"))
        if kind == "1d":
            problems.append(Problem("flaw", "a surface flaw needs a 2D or 3D geometry", None,
                                    "geometry 'axisymmetric', 'planar' or '3d'"))
        if x + w / 2 > pellet_radius * (1 - 1e-9):
            problems.append(Problem("flaw.position", "flaw mouth reaches the pellet side", x,
                                    f"position + opening/2 < {pellet_radius:.4g} m"))
        if 0 < x < w / 2 * (1 + 1e-9):
            problems.append(Problem("flaw.position", "flaw mouth crosses the axis", x,
                                    f"position = 0 or position > opening/2 = {w / 2:.4g} m"))
        return problems


@dataclass(frozen=True)
class PorousHost:
    """A porous (carbon) host holding the metal: effective-medium parameters.

    The alloy layer is not resolved as pores; transport in it is scaled by the
    effective-medium factor ``porosity / tortuosity`` (D_eff = D eps/tau) and
    the metal inventory by ``porosity``.
    """

    porosity: float
    tortuosity: float = 1.0

    def __post_init__(self):
        problems = []
        if not (isinstance(self.porosity, (int, float)) and 0 < self.porosity <= 1):
            problems.append(Problem("host.porosity", "out of range", self.porosity,
                                    "a volume fraction in (0, 1] (dimensionless)"))
        if not (isinstance(self.tortuosity, (int, float)) and self.tortuosity >= 1):
            problems.append(Problem("host.tortuosity", "out of range", self.tortuosity,
                                    "a number >= 1 (dimensionless)"))
        if problems:
            raise ParameterError(problems)

    @property
    def transport_factor(self) -> float:
        """Effective-medium factor eps/tau multiplying diffusivities in the alloy layer."""
        return self.porosity / self.tortuosity
