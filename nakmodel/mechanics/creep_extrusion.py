"""Creep-limited pressure of solid Na plated into a flaw: power-law extrusion out of its mouth.

Solid Na at room temperature is at T/T_m ~ 0.8 and deforms by dislocation creep, a
power law in the stress (Wang, Chang, Wolfenstine, Sakamoto, Materialia 12 (2020) 100792:
stress exponent n = 5.0, yield 0.19-0.28 MPa at a strain rate ~1e-3 1/s)::

    eps_eq' = eps_ref' (sigma_eq / sigma_ref)^n exp(-Q/R (1/T - 1/T_ref))        (1)

with sigma_ref the flow (yield) stress measured at the strain rate eps_ref' and temperature
T_ref, Q the creep activation energy.  Na plated onto the faces of a flaw at current density
i grows from each face at the velocity v = i Omega / F; since the flaw is confined, the new
metal must flow out of the mouth, and the pressure at the tip is the pressure drop of that
flow (Porz et al., Adv. Energy Mater. 7 (2017) 1701003; Klinsmann, Hildebrand, Ganser,
McMeeking, J. Electrochem. Soc. 166 (2019) A5063: the metal in a crack extrudes, the
pressure it exerts is set by its flow law and capped by the electrochemical driving force).

Derivation (lubrication approximation: the flaw of depth a is long next to its opening h,
the flow is locally a fully developed shear flow; no slip at the ceramic; steady state).
In simple shear the von Mises equivalents are sigma_eq = sqrt(3) tau and eps_eq' =
gamma'/sqrt(3), so (1) becomes gamma' = B tau^n with the *shear fluidity*

    B = 3^((n+1)/2) eps_ref' / sigma_ref^n * exp(-Q/R (1/T - 1/T_ref)).        (2)

Slit (parallel faces a distance h apart, per unit width; planar notches and circumferential
grooves): with G = -dp/ds the shear stress is tau = G y (y from the mid-plane), the velocity
u(y) = B G^n ((h/2)^(n+1) - |y|^(n+1)) / (n + 1) and the flux per unit width

    q = 2 B G^n (h/2)^(n+2) / (n + 2).                                               (3)

Pipe (circular channel of radius R = h/2; the conical pit on the axis): tau = G r / 2,
u(r) = B (G/2)^n (R^(n+1) - r^(n+1)) / (n + 1) and the volume flux

    Q = pi B (G/2)^n R^(n+3) / (n + 3).                                              (4)

(n = 1, B = 1/mu: q = G h^3/(12 mu) and Q = pi G R^4/(8 mu), plane Poiseuille and
Hagen-Poiseuille flow; Bird, Armstrong & Hassager, Dynamics of Polymeric Liquids vol. 1
(1987), sec. 4.2, give (3)-(4) for the power-law fluid.)  Mass balance along the flaw
(s measured from the tip): everything plated between the tip and s passes s,

    slit: q(s) = 2 v s,          pipe: Q(s) = 2 pi R v s.

Inverting (3)/(4) for G(s) and integrating from the tip (s = 0) to the mouth (s = a, gauge
pressure 0) gives the tip pressure (both with dp/ds ~ s^(1/n)):

    slit: p = (n/(n+1)) a^((n+1)/n) [ (n+2) v / (B (h/2)^(n+2)) ]^(1/n)              (5)
    pipe: p = (n/(n+1)) a^((n+1)/n) 2 [ 2 (n+3) v / (B R^(n+2)) ]^(1/n)              (6)

At fixed geometry p ~ v^(1/n) ~ i^(1/n): a tenfold plating rate raises the pressure by
10^(1/5) = 1.58 for Na.  The pressure on the flaw faces falls from p at the tip to 0 at the
mouth; the fracture model loads the faces with the tip value, an upper bound of the
face-averaged load ((n+1)/(2n+1) = 0.55 of it for n = 5, documented choice).  Assumptions:
parallel faces at the mouth opening (the convention of the flaw-fill rule,
:func:`~nakmodel.mechanics.loading.advance_solid_deposit`: a V-shaped flaw would clog at
its tip, where the electrochemical bound F|eta|/Omega then caps the pressure), uniform
plating on the faces, steady creep (no elastic or primary transient), no slip at the walls.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from enum import StrEnum

from ..constants import FARADAY, GAS_CONSTANT
from ..errors import InputProblem, ParameterError

"""Molar gas constant [J/(mol K)] (CODATA 2018)."""
"""Faraday constant [C/mol] (CODATA 2018)."""


class ChannelShape(StrEnum):
    """Cross-section of the flaw channel the plated metal extrudes through."""

    SLIT = "slit"
    """Parallel faces a distance ``opening`` apart (planar notch, circumferential groove)."""
    PIPE = "pipe"
    """Circular channel of diameter ``opening`` (conical pit on the axis, 3D cone)."""


def _finite_positive(value, key, unit, expected, problems, allow_zero=False):
    ok = isinstance(value, (int, float)) and math.isfinite(value) and (
        value >= 0 if allow_zero else value > 0)
    if not ok:
        problems.append(InputProblem(key, "must be a finite " + ("non-negative" if allow_zero
                                                           else "positive") + " number",
                                     value, f"{expected} [{unit}]"))


@dataclass(frozen=True)
class SolidSodium:
    """Power-law creep of solid Na (SI): eq. (1) of the module docstring.

    ``creep_exponent`` n [-], ``yield_strength`` sigma_ref [Pa] (flow stress at
    ``reference_strain_rate`` [1/s] and ``reference_temperature`` [K]),
    ``creep_activation_energy`` Q [J/mol].  Defaults: the ``[solid_sodium]`` group of the
    default parameters (Wang et al., Materialia 12 (2020) 100792).
    """

    creep_exponent: float = 5.0
    yield_strength: float = 0.235e6
    reference_strain_rate: float = 1e-3
    creep_activation_energy: float = 42.2e3
    reference_temperature: float = 298.15

    def __post_init__(self):
        problems = []
        n = self.creep_exponent
        if not (isinstance(n, (int, float)) and math.isfinite(n) and 1.0 <= n <= 20.0):
            problems.append(InputProblem("solid_sodium.creep_exponent", "out of range", n,
                                         "a stress exponent in [1, 20] (dimensionless)"))
        _finite_positive(self.yield_strength, "solid_sodium.yield_strength", "Pa",
                         "a flow stress in (0, 1e9]", problems)
        _finite_positive(self.reference_strain_rate, "solid_sodium.reference_strain_rate",
                         "1/s", "a strain rate in (0, 1e3]", problems)
        _finite_positive(self.creep_activation_energy, "solid_sodium.creep_activation_energy",
                         "J/mol", "an activation energy in [0, 5e5]", problems,
                         allow_zero=True)
        _finite_positive(self.reference_temperature, "solid_sodium.reference_temperature",
                         "K", "a temperature in (0, 371] (below the Na melting point)",
                         problems)
        if problems:
            raise ParameterError(problems)

    @classmethod
    def from_parameters(cls, parameters) -> SolidSodium:
        """From ``parameters.solid_sodium`` (a ``Parameters``) or ``None`` for the defaults."""
        if parameters is None:
            from ..parameters import load_parameters

            parameters = load_parameters()
        group = getattr(parameters, "solid_sodium", parameters)
        return cls(group.creep_exponent, group.yield_strength, group.reference_strain_rate,
                   group.creep_activation_energy, group.reference_temperature)

    def strain_rate(self, stress: float, temperature: float) -> float:
        """Uniaxial creep rate [1/s] at ``stress`` [Pa] and ``temperature`` [K], eq. (1)."""
        return self.reference_strain_rate * (abs(stress) / self.yield_strength) ** (
            self.creep_exponent) * self._arrhenius(temperature)

    def flow_stress(self, strain_rate: float, temperature: float) -> float:
        """Inverse of :meth:`strain_rate`: sigma [Pa] that creeps at ``strain_rate`` [1/s]."""
        return self.yield_strength * (abs(strain_rate) / (
            self.reference_strain_rate * self._arrhenius(temperature))) ** (
            1.0 / self.creep_exponent)

    def shear_fluidity(self, temperature: float) -> float:
        """B of gamma' = B tau^n [Pa^-n / s], eq. (2) (von Mises in simple shear)."""
        n = self.creep_exponent
        return (3.0 ** ((n + 1.0) / 2.0) * self.reference_strain_rate
                / self.yield_strength ** n * self._arrhenius(temperature))

    def _arrhenius(self, temperature: float) -> float:
        if not (isinstance(temperature, (int, float)) and temperature > 0):
            raise ParameterError(InputProblem("temperature", "must be positive", temperature,
                                              "a temperature in K, > 0"))
        return math.exp(-self.creep_activation_energy / GAS_CONSTANT * (
            1.0 / temperature - 1.0 / self.reference_temperature))


def slit_flux(pressure_gradient: float, opening: float, fluidity: float, n: float) -> float:
    """Flux per unit width [m^2/s] of power-law shear flow in a slit, eq. (3):
    q = 2 B G^n (h/2)^(n+2) / (n+2)."""
    return 2.0 * fluidity * abs(pressure_gradient) ** n * (0.5 * opening) ** (n + 2) / (n + 2)


def pipe_flux(pressure_gradient: float, radius: float, fluidity: float, n: float) -> float:
    """Volume flux [m^3/s] of power-law shear flow in a pipe of radius R, eq. (4):
    Q = pi B (G/2)^n R^(n+3) / (n+3)."""
    return math.pi * fluidity * (0.5 * abs(pressure_gradient)) ** n * radius ** (n + 3) / (n + 3)


def extrusion_pressure(depth: float, opening: float, deposition_velocity: float,
                       material: SolidSodium, temperature: float,
                       shape: ChannelShape | str = ChannelShape.SLIT) -> float:
    """Tip pressure [Pa] that extrudes solid metal plated at ``deposition_velocity`` v [m/s]
    (per face, v = i Omega / F) out of a flaw of ``depth`` a and ``opening`` h [m]:
    eq. (5) (slit) or eq. (6) (pipe of radius h/2) of the module docstring.  v <= 0: 0."""
    problems = []
    _finite_positive(depth, "flaw.depth", "m", "a length in (0, pellet thickness)", problems)
    _finite_positive(opening, "flaw.opening", "m", "a length in (0, depth)", problems)
    if not (isinstance(deposition_velocity, (int, float)) and math.isfinite(
            deposition_velocity)):
        problems.append(InputProblem("flaw_state.plating_current_density", "must be finite",
                                     deposition_velocity, "a deposition velocity in m/s"))
    try:
        shape = ChannelShape(shape)
    except ValueError:
        problems.append(InputProblem("mechanics.channel_shape", "unknown channel shape", shape,
                                     "'slit' or 'pipe'"))
    if problems:
        raise ParameterError(problems)
    if deposition_velocity <= 0.0:
        return 0.0
    n = material.creep_exponent
    B = material.shear_fluidity(temperature)
    front = n / (n + 1.0) * depth ** ((n + 1.0) / n)
    if shape is ChannelShape.SLIT:
        return front * ((n + 2.0) * deposition_velocity / (B * (0.5 * opening) ** (n + 2))) ** (
            1.0 / n)
    R = 0.5 * opening
    return front * 2.0 * (2.0 * (n + 3.0) * deposition_velocity / (B * R ** (n + 2))) ** (
        1.0 / n)


def deposition_velocity(plating_current_density: float, molar_volume: float) -> float:
    """Growth velocity of the metal on each face [m/s]: v = i Omega / F (i > 0 plates)."""
    return float(plating_current_density) * float(molar_volume) / FARADAY


__all__ = ["ChannelShape", "SolidSodium", "deposition_velocity", "extrusion_pressure",
           "pipe_flux", "slit_flux"]
