"""Interface contact patterns between the metal electrode and the NASICON.

A pattern says which part of the alloy | NASICON interface is wetted
(``interface_contact``) and which is not (``interface_blocked``).  The mesh
only marks contact vs no-contact facets; the solver blocks more area
dynamically when solid metal forms.

Patterns are turned into a geometry-specific :class:`InterfaceLayout`:

* ``axisymmetric``: discs become a central disc plus concentric rings
  (a periodic spot array of areal fraction f and spot radius a becomes
  annular unit cells of radial pitch s = a sqrt(pi/f); each ring covers the
  fraction f of its annulus, so the areal fraction is kept exactly);
* ``planar``: spots become strips of half-width a (the 2D section is x in
  [0, b] with a symmetry line at x = 0);
* ``3d``: true discs: on a square lattice of pitch s centred on the axis (the
  ``count`` sites nearest the axis, or, given ``fraction``, the whole shells of
  equidistant sites whose number is nearest f b^2/a^2, so the realised fraction
  is approximate: see ``layout.fraction``), or placed by seeded random
  sequential addition without overlap (N = count or round(f b^2/a^2));
* ``1d``: only the contact fraction survives.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from ..errors import InputProblem, ParameterError
from ..units import to_si

MAX_LATTICE_FRACTION = math.pi / 4
"""Densest areal fraction of touching discs on a square lattice."""
MAX_RANDOM_FRACTION = 0.5
"""Practical limit of random sequential addition of discs (jamming ~0.547)."""
_GAP = 0.05
"""Minimum gap between neighbouring spots and between spots and the side, in spot radii."""


@dataclass(frozen=True)
class InterfaceLayout:
    """Where the interface is in contact, in the coordinates of one geometry.

    ``intervals`` (2D kinds): sorted, non-overlapping ``(x0, x1, in_contact)``
    covering [0, b] (x is r in axisymmetry).  ``discs`` (3D): ``(x, y, r)``
    discs; ``discs_in_contact`` says whether the discs are the contact (spots
    on a blocked background) or the blocked patches (on a contact background).
    ``fraction`` is the areal contact fraction.
    """

    kind: str
    pellet_radius: float
    intervals: tuple = ()
    discs: tuple = ()
    discs_in_contact: bool = True
    fraction: float = 1.0

    def contact_area(self) -> float:
        """Analytic contact area [m^2] (planar: [m^2 per m of depth] = [m])."""
        b = self.pellet_radius
        if self.kind == "axisymmetric":
            return sum(math.pi * (x1 * x1 - x0 * x0) for x0, x1, c in self.intervals if c)
        if self.kind == "planar":
            return sum(x1 - x0 for x0, x1, c in self.intervals if c)
        if self.kind == "3d":
            disc_area = sum(math.pi * r * r for _, _, r in self.discs)
            return disc_area if self.discs_in_contact else math.pi * b * b - disc_area
        return self.fraction * math.pi * b * b

    def edges(self) -> list[float]:
        """Positions where contact switches to no contact (2D kinds), for mesh refinement."""
        out = []
        for (_, x1, c1), (_, _, c2) in zip(self.intervals[:-1], self.intervals[1:], strict=True):
            if c1 != c2:
                out.append(x1)
        return out


def _merge(intervals, b: float) -> tuple:
    """Turn contact intervals (x0, x1) into a sorted cover of [0, b] with flags."""
    spans = sorted((max(0.0, x0), min(b, x1)) for x0, x1 in intervals if min(b, x1) > max(0.0, x0))
    merged: list[list[float]] = []
    for x0, x1 in spans:
        if merged and x0 <= merged[-1][1] + 1e-12 * b:
            merged[-1][1] = max(merged[-1][1], x1)
        else:
            merged.append([x0, x1])
    cover = []
    x = 0.0
    for x0, x1 in merged:
        if x0 > x + 1e-12 * b:
            cover.append((x, x0, False))
        cover.append((x0, x1, True))
        x = x1
    if x < b * (1 - 1e-12):
        cover.append((x, b, False))
    return tuple(cover)


def _invert(cover: tuple) -> tuple:
    return tuple((x0, x1, not c) for x0, x1, c in cover)


@dataclass(frozen=True)
class FullContact:
    """The whole interface is wetted (ideal contact)."""

    def layout(self, kind: str, pellet_radius: float) -> InterfaceLayout:
        """The :class:`InterfaceLayout` of this pattern for geometry ``kind``."""
        b = pellet_radius
        return InterfaceLayout(kind, b, intervals=((0.0, b, True),), discs=(),
                               discs_in_contact=False, fraction=1.0)

    def check(self, pellet_radius: float) -> list[InputProblem]:
        return []


@dataclass(frozen=True)
class ContactSpots:
    """Circular contact spots of radius ``radius``; the rest of the interface is blocked.

    * only ``radius``: one spot centred on the axis;
    * ``count``: that many spots (areal fraction f = count a^2 / b^2);
    * ``fraction``: areal contact fraction f (the count follows);
    * both: they must agree within 2 %;
    * ``seed``: ``None`` for a periodic (square lattice / evenly spaced rings)
      arrangement, an integer for a seeded random arrangement.

    Lengths are SI floats [m] or strings with units (``"50 um"``).
    """

    radius: float | str
    count: int | None = None
    fraction: float | None = None
    seed: int | None = None
    _radius_si: float = field(init=False, repr=False, compare=False, default=0.0)

    def __post_init__(self):
        problems = []
        try:
            a = to_si(self.radius, "m", key="contact.radius")
        except ParameterError as err:
            problems += err.problems
            a = float("nan")
        if not a > 0:
            problems.append(InputProblem("contact.radius", "must be positive", self.radius,
                                         "a length in m, 0 < radius < pellet_radius"))
        if self.count is not None and (isinstance(self.count, bool) or not isinstance(
                self.count, (int, np.integer)) or self.count < 1):
            problems.append(InputProblem("contact.count", "must be an integer >= 1", self.count,
                                         "an integer >= 1 (dimensionless)"))
        if self.fraction is not None and not (
                isinstance(self.fraction, (int, float)) and 0 < self.fraction <= 1):
            problems.append(InputProblem("contact.fraction", "areal contact fraction out of range",
                                         self.fraction, "a number in (0, 1] (dimensionless)"))
        if self.seed is not None and (isinstance(self.seed, bool)
                                      or not isinstance(self.seed, (int, np.integer))):
            problems.append(InputProblem("contact.seed", "must be an integer or None", self.seed,
                                         "an integer seed, or None for a periodic arrangement"))
        if problems:
            raise ParameterError(problems)
        object.__setattr__(self, "_radius_si", a)

    @property
    def radius_si(self) -> float:
        """Spot radius [m]."""
        return self._radius_si

    def is_single(self) -> bool:
        """True for one centred spot (neither count > 1 nor fraction given)."""
        return (self.count in (None, 1)) and self.fraction is None

    def areal_fraction(self, pellet_radius: float) -> float:
        """Requested areal contact fraction f for a pellet of radius b."""
        a, b = self._radius_si, pellet_radius
        if self.fraction is not None:
            return float(self.fraction)
        return (self.count or 1) * a * a / (b * b)

    def check(self, pellet_radius: float) -> list[InputProblem]:
        """Problems of this pattern on a pellet of radius ``pellet_radius`` [m]."""
        a, b = self._radius_si, pellet_radius
        problems = []
        if a >= b:
            problems.append(InputProblem("contact.radius", "spot is not smaller than the pellet",
                                         a, f"0 < radius < pellet_radius = {b:.4g} m"))
            return problems
        if self.count is not None and self.fraction is not None:
            implied = self.count * a * a / (b * b)
            if abs(implied - self.fraction) > 0.02 * self.fraction:
                problems.append(InputProblem(
                    "contact.fraction",
                    f"inconsistent with count={self.count} and radius={a:.4g} m "
                    f"(count*radius^2/pellet_radius^2 = {implied:.4g})", self.fraction,
                    "give either count or fraction, or consistent values"))
                return problems
        f = self.areal_fraction(b)
        if self.is_single():
            return problems
        if f * b * b < a * a * (1 - 1e-9):
            problems.append(InputProblem(
                "contact.fraction", f"spots cannot fit: fraction {f:.3g} is less than one spot "
                f"of radius {a:.4g} m on the pellet",
                self.fraction, f"fraction >= {a * a / b / b:.4g}, or a smaller radius"))
            return problems
        limit = MAX_LATTICE_FRACTION if self.seed is None else MAX_RANDOM_FRACTION
        if f > limit:
            problems.append(InputProblem(
                "contact.fraction" if self.fraction is not None else "contact.count",
                f"spots cannot fit: areal fraction {f:.3g} exceeds the packing limit {limit:.3g}"
                f" of {'random' if self.seed is not None else 'periodic'} spots",
                self.fraction if self.fraction is not None else self.count,
                f"count*radius^2/pellet_radius^2 <= {limit:.3g}"))
        return problems

    # -- layouts -------------------------------------------------------------
    def layout(self, kind: str, pellet_radius: float) -> InterfaceLayout:
        """The :class:`InterfaceLayout` of this pattern for geometry ``kind``."""
        a, b = self._radius_si, pellet_radius
        f = self.areal_fraction(b)
        rng = np.random.default_rng(self.seed) if self.seed is not None else None
        if kind == "1d":
            return InterfaceLayout(kind, b, fraction=f)
        if kind == "3d":
            discs = self._discs(a, b, f, rng)
            area = sum(math.pi * r * r for *_, r in discs)
            return InterfaceLayout(kind, b, discs=tuple(discs), discs_in_contact=True,
                                   fraction=area / (math.pi * b * b))
        if self.is_single():
            spans = [(0.0, a)]
        elif kind == "axisymmetric":
            spans = self._rings(a, b, f, rng)
        else:
            spans = self._strips(a, b, f, rng)
        cover = _merge(spans, b)
        lay = InterfaceLayout(kind, b, intervals=cover)
        whole = math.pi * b * b if kind == "axisymmetric" else b
        return InterfaceLayout(kind, b, intervals=cover, fraction=lay.contact_area() / whole)

    @staticmethod
    def _rings(a, b, f, rng):
        """Central disc (radius a) + rings of width f*s centred in annuli of pitch s."""
        s = a * math.sqrt(math.pi / f)
        r_cell = a / math.sqrt(f)
        spans = [(0.0, a)]
        while r_cell < b * (1 - 1e-9):
            outer = r_cell + s
            if outer > b - 0.5 * s:  # last cell: absorb a thin remainder (no sliver rings)
                outer = b
            annulus = math.pi * (outer**2 - r_cell**2)
            mid = 0.5 * (r_cell + outer)
            if rng is not None:
                # ring area f*annulus = 2 pi mid w: the mids that keep the ring in its cell
                area = f * annulus
                lo = 0.5 * (r_cell + math.sqrt(r_cell**2 + area / math.pi))
                hi = 0.5 * (outer + math.sqrt(max(outer**2 - area / math.pi, 0.0)))
                mid = rng.uniform(lo, max(lo, hi))
            width = f * annulus / (2 * math.pi * mid)
            spans.append((mid - width / 2, mid + width / 2))
            r_cell = outer
        return spans

    @staticmethod
    def _strips(a, b, f, rng):
        """Half strip [0, a] + strips of half-width a at pitch p = 2a/f."""
        p = 2 * a / f
        spans = [(0.0, a)]
        k = 1
        while k * p - a < b:
            centre = k * p
            if rng is not None:
                centre += rng.uniform(-(p / 2 - a), p / 2 - a)
            if min(b, centre + a) - (centre - a) > 0.1 * a:  # no sliver strip at the side
                spans.append((centre - a, centre + a))
            k += 1
        return spans

    @staticmethod
    def _lattice(s, b, limit):
        """Square-lattice sites (pitch s, one on the axis) within ``limit``, nearest first."""
        k = int(math.ceil(b / s)) + 1
        idx = np.arange(-k, k + 1) * s
        xx, yy = np.meshgrid(idx, idx)
        centres = np.column_stack([xx.ravel(), yy.ravel()])
        dist = np.hypot(centres[:, 0], centres[:, 1])
        order = np.argsort(dist, kind="stable")
        return centres[order][dist[order] <= limit + 1e-12 * b]

    def _discs(self, a, b, f, rng):
        limit = b - (1 + _GAP) * a
        if self.is_single():
            return [(0.0, 0.0, a)]
        n_target = self.count if self.count is not None else max(1, round(f * b * b / (a * a)))
        if rng is None:
            # square lattice of pitch s = a sqrt(pi/f), tightened (down to touching + gap)
            # until the wanted number of sites fits inside the pellet edge
            s = a * math.sqrt(math.pi / f)
            while True:
                centres = self._lattice(s, b, limit)
                if len(centres) >= n_target or s <= (2 + _GAP) * a:
                    break
                s = max(0.98 * s, (2 + _GAP) * a)
            if len(centres) < n_target:
                key = "contact.count" if self.count is not None else "contact.fraction"
                raise ParameterError(InputProblem(
                    key, f"spots cannot fit: only {len(centres)} lattice spots fit inside the "
                    f"pellet, {n_target} needed", self.count or self.fraction,
                    f"at most {len(centres)} spots of this radius"))
            if self.count is None:
                # whole shells of equidistant sites (keeps the array symmetric): the shell
                # count whose total is nearest to f b^2 / a^2
                radii = np.round(np.hypot(centres[:, 0], centres[:, 1]) / s, 9)
                ends = np.flatnonzero(np.diff(np.append(radii, np.inf)) > 0) + 1
                n_target = int(ends[np.argmin(np.abs(ends - f * b * b / (a * a)))])
            centres = centres[:n_target]
            return [(float(x), float(y), a) for x, y in centres]
        centres: list[tuple[float, float]] = []
        tries = 0
        min_dist = (2 + _GAP) * a
        while len(centres) < n_target:
            tries += 1
            if tries > 200000:
                raise ParameterError(InputProblem(
                    "contact.fraction", f"spots cannot fit: placed only {len(centres)} of "
                    f"{n_target} random spots", f, "a smaller fraction or count"))
            rho = limit * math.sqrt(rng.uniform())
            phi = rng.uniform(0, 2 * math.pi)
            x, y = rho * math.cos(phi), rho * math.sin(phi)
            if all((x - u) ** 2 + (y - v) ** 2 >= min_dist**2 for u, v in centres):
                centres.append((x, y))
        return [(x, y, a) for x, y in centres]


@dataclass(frozen=True)
class BlockedPatches:
    """Prescribed non-contacting patches on an otherwise fully wetted interface.

    ``patches`` is a sequence of ``(x, y, radius)`` discs [m] on the interface
    plane (axis at x = y = 0).  In axisymmetric geometry a patch becomes its
    rotational sweep (the ring d - r <= r' <= d + r, d = sqrt(x^2 + y^2), a disc
    when d <= r); in planar geometry the strip |x' - x| <= r; in 1D only the
    blocked fraction is kept.
    """

    patches: tuple = ()

    def __post_init__(self):
        problems = []
        clean = []
        for i, patch in enumerate(self.patches):
            key = f"contact.patches[{i}]"
            try:
                x, y, r = (to_si(v, "m", key=key) for v in patch)
            except (TypeError, ValueError) as err:
                if isinstance(err, ParameterError):
                    problems += err.problems
                else:
                    problems.append(InputProblem(key, "expected (x, y, radius)", patch,
                                                 "three lengths in m"))
                continue
            if not r > 0:
                problems.append(InputProblem(key, "patch radius must be positive", r,
                                             "radius > 0 m"))
            clean.append((x, y, r))
        if not self.patches:
            problems.append(InputProblem("contact.patches", "no patches given", self.patches,
                                         "a non-empty sequence of (x, y, radius) [m]"))
        if problems:
            raise ParameterError(problems)
        object.__setattr__(self, "patches", tuple(clean))

    def check(self, pellet_radius: float) -> list[InputProblem]:
        b = pellet_radius
        problems = []
        for i, (x, y, r) in enumerate(self.patches):
            if math.hypot(x, y) + r > b * (1 + 1e-12):
                problems.append(InputProblem(f"contact.patches[{i}]",
                                             "patch reaches outside the pellet",
                                             (x, y, r), f"sqrt(x^2+y^2) + radius <= {b:.4g} m"))
        for i in range(len(self.patches)):
            for j in range(i):
                (x1, y1, r1), (x2, y2, r2) = self.patches[i], self.patches[j]
                if math.hypot(x1 - x2, y1 - y2) < r1 + r2:
                    problems.append(InputProblem(f"contact.patches[{i}]",
                                                 f"overlaps patch {j}", self.patches[i],
                                                 "non-overlapping discs"))
        return problems

    def layout(self, kind: str, pellet_radius: float) -> InterfaceLayout:
        """The :class:`InterfaceLayout` of this pattern for geometry ``kind``."""
        b = pellet_radius
        blocked_area = sum(math.pi * r * r for *_, r in self.patches)
        if kind == "3d":
            return InterfaceLayout(kind, b, discs=self.patches, discs_in_contact=False,
                                   fraction=1 - blocked_area / (math.pi * b * b))
        if kind == "1d":
            return InterfaceLayout(kind, b, fraction=1 - blocked_area / (math.pi * b * b))
        if kind == "axisymmetric":
            spans = []
            for x, y, r in self.patches:
                d = math.hypot(x, y)
                spans.append((max(0.0, d - r), d + r))
        else:
            spans = [(x - r, x + r) for x, _, r in self.patches]
        cover = _invert(_merge(spans, b))
        lay = InterfaceLayout(kind, b, intervals=cover)
        whole = math.pi * b * b if kind == "axisymmetric" else b
        return InterfaceLayout(kind, b, intervals=cover, fraction=lay.contact_area() / whole)


ContactPattern = FullContact | ContactSpots | BlockedPatches
