"""Loading of a metal-filled surface flaw from the electrochemical state.

Small functions, SI in and out.  The rule tying them together is
:func:`flaw_pressure`:

* solid metal in the flaw (liquid fraction below a threshold): it creeps out of the
  mouth, so its pressure is the power-law extrusion pressure of the metal plated at the
  flaw's current (:mod:`~nakmodel.mechanics.creep_extrusion`, ~ i^(1/n)), capped by the
  electrochemical bound p = F |eta| / Omega_M (about 41 MPa per 10 mV for Na): the
  overpotential can do no more work on the confined metal;
* liquid metal: it flows out of the flaw, so its pressure is the viscous
  pressure drop of the outflow through the slit (Poiseuille), never more than the
  solid-metal bound.  Capillarity: a flaw whose liquid is continuous with the electrode
  (the default: the flaw fills from the electrode) has no meniscus at its mouth, hence no
  capillary load; an isolated liquid pocket with a meniscus of contact angle theta adds
  the Young-Laplace jump -2 gamma cos(theta) / h (sucks for a wetting liquid, theta < 90
  deg; pushes for a non-wetting one; :func:`capillary_pressure`);
* no plating current into the flaw (rest or stripping): no pressure;
* an empty flaw (no metal) cannot be loaded: ParameterError.

Which metal is in the flaw: the lever rule of the local alloy composition at the
flaw faces, and the solid Na plated onto the faces once the liquid there is
saturated with Na (:func:`advance_solid_deposit`): that deposit cannot dissolve,
it displaces the liquid out of the slit and fills it (:func:`flaw_liquid_fraction`).

Optionally a surface layer with an expansion eigenstrain (K+/Na+ ion
exchange) loads the flaw faces in closure (Bueckner superposition).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ..constants import FARADAY
from ..errors import InputProblem, ParameterError

"""Faraday constant [C/mol] (CODATA 2018)."""
"""Molar gas constant [J/(mol K)] (CODATA 2018)."""
NA_MOLAR_VOLUME = 23.75e-6
"""Molar volume of solid Na [m^3/mol] from its density 0.968 g/cm^3
(docs/theory/thermodynamics.md, inventory to the liquidus)."""


def _require(condition: bool, key: str, message: str, value, expected: str):
    if not condition:
        raise ParameterError(InputProblem(key, message, value, expected))


def solid_metal_pressure(overpotential: float, molar_volume: float = NA_MOLAR_VOLUME) -> float:
    """Pressure of solid metal plated into a confined flaw: p = F |eta| / Omega_M [Pa].

    The electrochemical work F |eta| per mole deposited is stored as p Omega_M
    (Monroe & Newman, JES 152 (2005) A396; Porz et al., Adv. Energy Mater. 7
    (2017) 1701003).  Na: Omega = 23.75 cm^3/mol -> 40.6 MPa per 10 mV.
    """
    _require(molar_volume > 0, "alloy.na_molar_volume", "must be positive", molar_volume,
             "a molar volume in m^3/mol, > 0")
    return FARADAY * abs(float(overpotential)) / molar_volume


def overpotential_for_pressure(pressure: float, molar_volume: float = NA_MOLAR_VOLUME) -> float:
    """Inverse of :func:`solid_metal_pressure`: |eta| = p Omega_M / F [V]."""
    _require(molar_volume > 0, "alloy.na_molar_volume", "must be positive", molar_volume,
             "a molar volume in m^3/mol, > 0")
    return float(pressure) * molar_volume / FARADAY


def poiseuille_slit_pressure_drop(viscosity: float, length: float, flow_rate: float,
                                  width: float, opening: float) -> float:
    """Pressure drop of laminar flow q [m^3/s] through a slit: dp = 12 mu L q / (w h^3) [Pa].

    Plane Poiseuille flow between parallel plates a distance h apart, width w,
    length L (e.g. Bird, Stewart & Lightfoot, Transport Phenomena, sec. 2.5).
    """
    for key, value in (("alloy.viscosity", viscosity), ("flaw.length", length),
                       ("flaw.width", width), ("flaw.opening", opening)):
        _require(value > 0, key, "must be positive", value, "a positive SI value")
    return 12.0 * viscosity * length * flow_rate / (width * opening**3)


def outflow_pressure(viscosity: float, depth: float, opening: float,
                     plating_current_density: float,
                     molar_volume: float = NA_MOLAR_VOLUME) -> float:
    """Tip pressure [Pa] to push plated liquid out of a slit flaw: 12 mu i Omega a^2 / (F h^3).

    Both faces of a slit of depth a and opening h plate Na at current density
    i [A/m^2]; the volume flux per unit width grows linearly towards the mouth,
    q(s) = 2 i Omega s / F (s measured from the tip), so integrating the
    Poiseuille gradient dp/ds = 12 mu q(s) / h^3 from tip to mouth gives
    p_tip = 12 mu i Omega a^2 / (F h^3).  Assumptions (documented): parallel
    faces, uniform plating current, no slip, mouth at zero gauge pressure.
    """
    _require(depth > 0, "flaw.depth", "must be positive", depth, "a length in m, > 0")
    if plating_current_density <= 0:
        return 0.0
    q_per_width_at_mouth = 2.0 * plating_current_density * molar_volume * depth / FARADAY
    # mean flux over the depth is half the mouth flux: equivalent slit of length a
    return poiseuille_slit_pressure_drop(viscosity, depth, 0.5 * q_per_width_at_mouth, 1.0,
                                         opening)


def capillary_pressure(surface_tension: float, opening: float,
                       contact_angle: float = math.pi) -> float:
    """Liquid pressure behind a meniscus spanning a slit of opening h: p = -2 gamma cos(theta)/h.

    Young-Laplace for a cylindrical meniscus in a slit, contact angle theta on the faces
    (de Gennes, Brochard-Wyart & Quere, Capillarity and Wetting Phenomena (2004), ch. 1):
    the liquid is at p = -2 gamma cos(theta) / h relative to the gas outside.  Sign: a
    wetting liquid (theta < 90 deg) is sucked in (p < 0, closes the flaw), a non-wetting one
    (theta > 90 deg) pushes on the faces (p > 0; 2 gamma / h at theta = 180 deg, the upper
    bound and the default here).  Only an *isolated* liquid pocket has such a meniscus; a
    flaw continuous with the liquid electrode has none (:func:`flaw_pressure`).
    """
    _require(surface_tension >= 0, "alloy.surface_tension", "must be >= 0", surface_tension,
             "a surface tension in N/m, >= 0")
    _require(opening > 0, "flaw.opening", "must be positive", opening, "a length in m, > 0")
    _require(math.isfinite(contact_angle) and 0.0 <= contact_angle <= math.pi,
             "alloy.contact_angle", "out of range", contact_angle, "an angle in [0, pi] rad")
    return -2.0 * surface_tension * math.cos(contact_angle) / opening


def exchange_layer_stress(youngs_modulus: float, poisson_ratio: float, strain: float) -> float:
    """Equal-biaxial stress in a thin surface layer with isotropic eigenstrain e*: -E e*/(1-nu).

    A thin layer bonded to a thick substrate cannot expand in plane (Freund &
    Suresh, Thin Film Materials (2003), eq. 2.2 with the mismatch strain e*).
    Expansion (K+ for Na+ exchange, e* > 0) gives compression.
    """
    return -youngs_modulus * strain / (1.0 - poisson_ratio)


@dataclass(frozen=True)
class SurfaceEigenstrain:
    """Ion-exchanged surface layer: ``depth`` [m] below the interface, isotropic ``strain`` [-].

    Hypothesis branch (docs/theory/fracture.md, ion-exchange eigenstrain; Baclig et al.,
    Joule 2 (2018) 1287):
    K+/Na+ exchange swells the ceramic surface.  By Bueckner's principle its
    effect on a flaw equals a crack-face traction equal to the layer stress of
    the uncracked body, i.e. a closure pressure E e*/(1-nu) on the flaw faces
    within ``depth`` (thin-layer assumption: no bending of the pellet).
    """

    depth: float
    strain: float

    def __post_init__(self):
        _require(self.depth > 0 and math.isfinite(self.depth), "eigenstrain.depth",
                 "must be a positive length", self.depth, "a depth in m, > 0")
        _require(abs(self.strain) < 0.2, "eigenstrain.strain", "out of range", self.strain,
                 "a dimensionless strain with |strain| < 0.2")


@dataclass(frozen=True)
class FlawState:
    """Electrochemical state of the metal in one flaw (SI).

    ``overpotential`` eta [V] at the flaw (sign ignored: its magnitude drives
    the pressure), ``liquid_fraction`` [-] of the metal in the flaw (lever
    rule; 1 = all liquid), ``plating_current_density`` [A/m^2] into the flaw
    faces (> 0 plating, <= 0 rest or stripping), ``metal_fraction`` [-] of
    the flaw volume filled with metal (0 = empty flaw).
    """

    overpotential: float
    liquid_fraction: float = 1.0
    plating_current_density: float = 0.0
    metal_fraction: float = 1.0

    def __post_init__(self):
        problems = []
        for key, value in (("overpotential", self.overpotential),
                           ("plating_current_density", self.plating_current_density)):
            if not math.isfinite(value):
                problems.append(InputProblem(f"flaw_state.{key}", "must be finite", value, "SI"))
        for key, value in (("liquid_fraction", self.liquid_fraction),
                           ("metal_fraction", self.metal_fraction)):
            if not 0.0 <= value <= 1.0:
                problems.append(InputProblem(f"flaw_state.{key}", "out of range", value,
                                             "a fraction in [0, 1] (dimensionless)"))
        if problems:
            raise ParameterError(problems)


@dataclass(frozen=True)
class FlawLoadingModel:
    """Material data and assumptions of the flaw loading (SI).

    ``solid_threshold``: liquid fraction below which the metal in the flaw
    is treated as a solid that cannot flow out as a liquid (ASSUMPTION, default 0.5: a
    mush with more than half solid is taken as a creeping solid).  Defaults from the
    default parameter set: Omega_Na 23.75 cm^3/mol, mu 1 mPa s, gamma 0.1 N/m
    (the last two are assumptions; docs/theory/fracture.md).  ``solid_sodium``: power-law creep
    of the solid (:class:`~nakmodel.mechanics.creep_extrusion.SolidSodium`; ``None``: no
    creep limit, the solid is pressurised to the bound F|eta|/Omega), ``temperature`` [K],
    ``channel``: ``"slit"`` or ``"pipe"`` (cross-section the solid extrudes through;
    :func:`channel_for_cell`), ``liquid_continuous``: the liquid in the flaw is continuous
    with the electrode (no meniscus, no capillary load), ``contact_angle`` [rad] of an
    isolated pocket's meniscus.
    """

    molar_volume: float = NA_MOLAR_VOLUME
    viscosity: float = 1e-3
    surface_tension: float = 0.1
    solid_threshold: float = 0.5
    solid_sodium: object = None
    temperature: float = 298.15
    channel: str = "slit"
    liquid_continuous: bool = True
    contact_angle: float = math.pi

    def __post_init__(self):
        problems = []
        for key, value in (("alloy.na_molar_volume", self.molar_volume),
                           ("alloy.viscosity", self.viscosity), ("temperature", self.temperature)):
            if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
                problems.append(InputProblem(key, "must be positive", value, "a positive SI value"))
        if not self.surface_tension >= 0:
            problems.append(InputProblem("alloy.surface_tension", "must be >= 0",
                                         self.surface_tension, "N/m, >= 0"))
        if not 0.0 <= self.solid_threshold <= 1.0:
            problems.append(InputProblem("mechanics.solid_threshold", "out of range",
                                         self.solid_threshold, "a liquid fraction in [0, 1]"))
        if self.channel not in ("slit", "pipe"):
            problems.append(InputProblem("mechanics.channel_shape", "unknown channel shape",
                                         self.channel, "'slit' or 'pipe'"))
        if not (isinstance(self.contact_angle, (int, float))
                and 0.0 <= self.contact_angle <= math.pi):
            problems.append(InputProblem("alloy.contact_angle", "out of range", self.contact_angle,
                                         "an angle in [0, pi] rad"))
        if problems:
            raise ParameterError(problems)

    @classmethod
    def from_parameters(cls, parameters, **overrides) -> FlawLoadingModel:
        """From a ``Parameters`` (``.alloy``, ``.solid_sodium``, ``.temperature``) or ``None``
        for the defaults without creep limit (pass ``solid_sodium=...`` to add it)."""
        if parameters is None:
            return cls(**overrides)
        alloy = getattr(parameters, "alloy", parameters)
        values = {"molar_volume": alloy.na_molar_volume, "viscosity": alloy.viscosity,
                  "surface_tension": alloy.surface_tension}
        if hasattr(alloy, "contact_angle"):
            values["contact_angle"] = alloy.contact_angle
        if getattr(parameters, "solid_sodium", None) is not None:
            from .creep_extrusion import SolidSodium

            values["solid_sodium"] = SolidSodium.from_parameters(parameters)
        if isinstance(getattr(parameters, "temperature", None), (int, float)):
            values["temperature"] = parameters.temperature
        values.update(overrides)
        return cls(**values)


def channel_for_cell(cell) -> str:
    """Channel the solid extrudes through for the flaw of ``cell``: ``"pipe"`` for the conical
    pit on the axis of an axisymmetric cell and the cone of a 3D cell, ``"slit"`` for planar
    notches and circumferential grooves (axisymmetric, position > 0)."""
    kind = str(getattr(getattr(cell, "geometry", None), "value", getattr(cell, "geometry", "")))
    flaw = getattr(cell, "flaw", None)
    position = float(getattr(flaw, "position_si", 0.0) or 0.0)
    if kind == "3d" or (kind == "axisymmetric" and position == 0.0):
        return "pipe"
    return "slit"


def solid_flaw_pressure(state: FlawState, flaw, model: FlawLoadingModel) -> float:
    """Pressure [Pa] of solid metal plated into a flaw: min(F|eta|/Omega, creep extrusion).

    The creep-extrusion pressure (:func:`~nakmodel.mechanics.creep_extrusion.
    extrusion_pressure`) of the metal plated at ``state.plating_current_density`` i
    (v = i Omega / F per face) out of the flaw of depth a and opening h scales as
    i^(1/n) at fixed geometry; the bound F|eta|/Omega (Monroe & Newman, JES 152 (2005)
    A396; Porz et al. 2017) caps it.  No creep model (``model.solid_sodium is None``): the
    bound.  No plating (i <= 0): 0."""
    if state.plating_current_density <= 0.0:
        return 0.0
    bound = solid_metal_pressure(state.overpotential, model.molar_volume)
    if model.solid_sodium is None:
        return bound
    from .creep_extrusion import deposition_velocity, extrusion_pressure

    depth, opening = flaw_dimensions(flaw)
    creep = extrusion_pressure(depth, opening,
                               deposition_velocity(state.plating_current_density,
                                                   model.molar_volume),
                               model.solid_sodium, model.temperature, model.channel)
    return min(bound, creep)


def flaw_pressure(state: FlawState, flaw, model: FlawLoadingModel | None = None) -> float:
    """Crack-face pressure [Pa] of a metal-filled flaw (see the module docstring).

    ``flaw`` is any object with ``depth`` and ``opening`` [m] (a
    :class:`nakmodel.SurfaceFlaw` works).  Solid: min(F|eta|/Omega, creep extrusion)
    (:func:`solid_flaw_pressure`).  Liquid: min(outflow (+ capillary of an isolated
    pocket), F|eta|/Omega), >= 0.  No plating: 0.
    """
    model = model or FlawLoadingModel()
    if state.metal_fraction <= 0.0:
        raise ParameterError(InputProblem("flaw_state.metal_fraction",
                                          "the flaw holds no metal, so "
                                          "the electrochemical state cannot load it",
                                          state.metal_fraction, "a metal fraction in (0, 1]"))
    depth, opening = flaw_dimensions(flaw)
    if state.plating_current_density <= 0.0:
        return 0.0
    bound = solid_metal_pressure(state.overpotential, model.molar_volume)
    if state.liquid_fraction < model.solid_threshold:
        return solid_flaw_pressure(state, flaw, model)
    liquid = outflow_pressure(model.viscosity, depth, opening, state.plating_current_density,
                              model.molar_volume)
    if not model.liquid_continuous:
        liquid += capillary_pressure(model.surface_tension, opening, model.contact_angle)
    return min(max(liquid, 0.0), bound)


def advance_solid_deposit(fill: float, plating_current_density: float, dt: float,
                          saturated: bool, opening: float,
                          molar_volume: float = NA_MOLAR_VOLUME) -> float:
    """Volume fraction of a slit flaw filled by solid Na plated onto its faces, one step on.

    While the liquid at the flaw faces is saturated with Na (on or past the Na-rich
    liquidus; docs/theory/fracture.md), Na plated onto the faces cannot dissolve: it stays as
    solid Na, which is electrochemically active (Na|Na+), so plating goes on and each face
    grows a layer Omega q / F thick.  The slit of opening h fills when 2 Omega q / F = h:

        s_new = clip(s + 2 Omega i dt / (F h), 0, 1)   if saturated,   else 0

    (i > 0 plates; stripping a saturated flaw removes the deposit first; a liquid below
    the liquidus dissolves solid Na, so an unsaturated flaw holds none).  Backward-Euler
    form: i is the current of the step end.  Assumptions [I]: parallel faces of the mouth
    opening h (a conservative fill time for a V-shaped flaw), a uniform deposit, none of
    it carried away once the liquid is saturated.
    """
    _require(opening > 0, "flaw.opening", "must be positive", opening, "a length in m, > 0")
    _require(molar_volume > 0, "alloy.na_molar_volume", "must be positive", molar_volume,
             "a molar volume in m^3/mol, > 0")
    if not saturated:
        return 0.0
    grown = float(fill) + 2.0 * molar_volume * float(plating_current_density) * float(dt) / (
        FARADAY * opening)
    return min(max(grown, 0.0), 1.0)


def solid_deposit_history(time, plating_current_density, saturated, opening: float,
                          molar_volume: float = NA_MOLAR_VOLUME):
    """:func:`advance_solid_deposit` along a run: arrays over its rows (row 0: empty)."""
    import numpy as np

    t = np.asarray(time, float)
    i = np.asarray(plating_current_density, float)
    sat = np.broadcast_to(np.asarray(saturated, bool), t.shape)
    fill = np.zeros_like(t)
    for k in range(1, t.size):
        fill[k] = advance_solid_deposit(fill[k - 1], i[k], t[k] - t[k - 1], bool(sat[k]),
                                        opening, molar_volume)
    return fill


def flaw_liquid_fraction(lever_liquid_fraction: float, solid_deposit: float) -> float:
    """Liquid fraction of the metal in a flaw: min(lever rule, 1 - solid deposit fill).

    The lever rule of the alloy composition at the faces counts the solid dispersed in
    the alloy; a solid deposit grown on the faces (:func:`advance_solid_deposit`) has
    displaced that much liquid out of the slit.  The larger solid share wins.
    """
    return min(max(min(float(lever_liquid_fraction), 1.0 - float(solid_deposit)), 0.0), 1.0)


def flaw_dimensions(flaw) -> tuple[float, float]:
    """(depth, opening) [m] of a flaw object (``depth_si``/``opening_si`` or plain floats)."""
    depth = getattr(flaw, "depth_si", getattr(flaw, "depth", None))
    opening = getattr(flaw, "opening_si", getattr(flaw, "opening", None))
    problems = []
    if not (isinstance(depth, (int, float)) and depth > 0):
        problems.append(InputProblem("flaw.depth", "missing or not positive", depth,
                                     "a length in m"))
    if not (isinstance(opening, (int, float)) and opening > 0):
        problems.append(InputProblem("flaw.opening", "missing or not positive", opening,
                                     "a length in m"))
    if problems:
        raise ParameterError(problems)
    return float(depth), float(opening)
