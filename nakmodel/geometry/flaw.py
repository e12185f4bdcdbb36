"""Surface flaws in the ceramic at the alloy | NASICON interface.

A flaw is a sharp V-notch (2D) or cone (3D) cut into the NASICON from the
interface plane z = L_n, filled with electrode metal: the notch belongs to
the ``alloy`` region and its faces are tagged ``flaw``.  The fracture
mechanics reads the tip location from :attr:`CellMesh.flaw_tip`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import InputProblem, ParameterError
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
            problems.append(InputProblem("flaw.depth", "must be positive", self.depth,
                                         "0 < depth < pellet_thickness [m]"))
        if not opening > 0:
            problems.append(InputProblem("flaw.opening", "must be positive", self.opening,
                                         "0 < opening < depth [m]"))
        elif depth > 0 and not opening < depth:
            problems.append(InputProblem("flaw.opening", "opening must be smaller than the depth "
                                         "(a sharp, crack-like flaw)", self.opening,
                                         f"0 < opening < depth = {depth:.4g} m"))
        if not position >= 0:
            problems.append(InputProblem("flaw.position", "must be >= 0 (distance from the axis)",
                                         self.position,
                                         "0 <= position <= pellet_radius - opening/2"))
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

    def check(self, kind: str, pellet_radius: float, pellet_thickness: float) -> list[InputProblem]:
        """Problems of this flaw in a cell of the given geometry."""
        d, w, x = self._si
        problems = []
        if d >= pellet_thickness:
            problems.append(InputProblem(
                "flaw.depth", "flaw is not shallower than the pellet", d,
                f"0 < depth < pellet_thickness = {pellet_thickness:.4g} m"))
        if kind == "1d":
            problems.append(InputProblem("flaw", "a surface flaw needs a 2D or 3D geometry", None,
                                         "geometry 'axisymmetric', 'planar' or '3d'"))
        if x + w / 2 > pellet_radius * (1 - 1e-9):
            problems.append(InputProblem("flaw.position", "flaw mouth reaches the pellet side", x,
                                         f"position + opening/2 < {pellet_radius:.4g} m"))
        if 0 < x < w / 2 * (1 + 1e-9):
            problems.append(InputProblem("flaw.position", "flaw mouth crosses the axis", x,
                                         f"position = 0 or position > opening/2 = {w / 2:.4g} m"))
        return problems


@dataclass(frozen=True)
class PorousHost:
    """A porous (carbon) host holding the metal: effective-medium parameters.

    The pores are not resolved; the FE model (:class:`nakmodel.model.problem.CoupledProblem`)
    treats the alloy layer as an effective medium with the Na content ``c`` per unit *pore*
    volume:

        eps dc/dt = div( (eps/tau) D grad c ),      Na inventory = int eps c dV,

    (D_eff = D eps/tau: effective-medium transport through a porous phase, tau the
    tortuosity factor; Bruggeman's relation tau = eps^-1/2 is one choice, see
    :meth:`bruggeman`; Tjaden, Cooper, Brett, Kramer, Shearing, Curr. Opin. Chem. Eng. 12
    (2016) 44 [M]).  At the interface the metal touches the ceramic only where a pore meets
    it: the wetted contact fraction is multiplied by ``interface_fraction``, by default the
    porosity (Delesse principle of stereology: the areal fraction of a phase on a section
    equals its volume fraction, A_A = V_V; Delesse, Ann. Mines 13 (1848) 379; Underwood,
    Quantitative Stereology (1970) [M]).  Set it explicitly when the host is denser or
    sparser at the interface (e.g. an interlayer, or metal wetting the ceramic below the
    host).  Limitation: metal in a :class:`SurfaceFlaw` notch is treated like the hosted
    layer (same eps, tau and interface fraction), although the notch in the ceramic holds
    dense metal [assumption].

    Parameters (dimensionless)
    --------------------------
    porosity: pore volume fraction eps in (0, 1].
    tortuosity: tortuosity factor tau >= 1 (1: straight pores).
    interface_fraction: areal fraction of the interface covered by pores, in (0, 1];
        ``None`` (default) = ``porosity`` (Delesse).
    """

    porosity: float
    tortuosity: float = 1.0
    interface_fraction: float | None = None

    def __post_init__(self):
        problems = []
        if not (_is_number(self.porosity) and 0 < self.porosity <= 1):
            problems.append(InputProblem("host.porosity", "out of range", self.porosity,
                                         "a volume fraction in (0, 1] (dimensionless)"))
        if not (_is_number(self.tortuosity) and self.tortuosity >= 1):
            problems.append(InputProblem("host.tortuosity", "out of range", self.tortuosity,
                                         "a number >= 1 (dimensionless)"))
        if self.interface_fraction is not None and not (
                _is_number(self.interface_fraction) and 0 < self.interface_fraction <= 1):
            problems.append(InputProblem("host.interface_fraction", "out of range",
                                         self.interface_fraction,
                                         "an areal fraction in (0, 1] (dimensionless), or None for "
                                         "the porosity (Delesse)"))
        if problems:
            raise ParameterError(problems)

    @classmethod
    def bruggeman(cls, porosity: float, interface_fraction: float | None = None) -> PorousHost:
        """Host with the Bruggeman tortuosity factor tau = eps^-1/2 (D_eff = D eps^1.5;
        Bruggeman, Ann. Phys. 416 (1935) 636; Tjaden et al. (2016) [M])."""
        if not (_is_number(porosity) and 0 < porosity <= 1):
            raise ParameterError(InputProblem("host.porosity", "out of range", porosity,
                                              "a volume fraction in (0, 1] (dimensionless)"))
        return cls(porosity, porosity ** -0.5, interface_fraction)

    @property
    def transport_factor(self) -> float:
        """Effective-medium factor eps/tau multiplying diffusivities in the alloy layer."""
        return self.porosity / self.tortuosity

    @property
    def areal_fraction(self) -> float:
        """Fraction of the interface where pores (metal) meet the ceramic: the explicit
        ``interface_fraction`` or the porosity (Delesse principle)."""
        return float(self.porosity if self.interface_fraction is None
                     else self.interface_fraction)


def _is_number(value) -> bool:
    return (isinstance(value, (int, float)) and not isinstance(value, bool)
            and math.isfinite(value))
