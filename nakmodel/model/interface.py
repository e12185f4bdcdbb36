"""Interface kinetics and exchange-current laws (interchangeable strategies).

A kinetics object maps an overpotential eta [V] and an exchange current density i0 [A/m^2]
to the faradaic current density [A/m^2] leaving the metal into the electrolyte
(i > 0: oxidation of Na in the metal, i.e. stripping).  All methods work on UFL
expressions and on numpy arrays.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ufl

from ..constants import FARADAY, GAS_CONSTANT
from ..errors import InputProblem, ParameterError
from .thermo_ufl import _lib


def _check_alpha(name, value):
    if not (0.0 < value <= 1.0):
        raise ParameterError(InputProblem(name, "transfer coefficient must lie in (0, 1]", value,
                                          "[-] in (0, 1]"))


@dataclass(frozen=True)
class ButlerVolmer:
    """i = i0 [exp(alpha_a F eta / RT) - exp(-alpha_c F eta / RT)].

    Bard & Faulkner, Electrochemical Methods, eq. 3.4.11 [M]."""

    anodic_transfer_coefficient: float = 0.5
    cathodic_transfer_coefficient: float = 0.5

    def __post_init__(self):
        _check_alpha("kinetics.anodic_transfer_coefficient", self.anodic_transfer_coefficient)
        _check_alpha("kinetics.cathodic_transfer_coefficient", self.cathodic_transfer_coefficient)

    def current(self, eta, i0, temperature):
        lib = _lib(eta, i0)
        f = FARADAY / (GAS_CONSTANT * temperature)
        return i0 * (lib.exp(self.anodic_transfer_coefficient * f * eta)
                     - lib.exp(-self.cathodic_transfer_coefficient * f * eta))


@dataclass(frozen=True)
class Linear:
    """Linearised Butler-Volmer: i = i0 (alpha_a + alpha_c) F eta / RT (small eta) [M]."""

    anodic_transfer_coefficient: float = 0.5
    cathodic_transfer_coefficient: float = 0.5

    def current(self, eta, i0, temperature):
        f = FARADAY / (GAS_CONSTANT * temperature)
        alpha = self.anodic_transfer_coefficient + self.cathodic_transfer_coefficient
        return i0 * alpha * f * eta


@dataclass(frozen=True)
class Tafel:
    """Anodic Tafel branch only: i = i0 exp(alpha_a F eta / RT) (large positive eta) [M]."""

    anodic_transfer_coefficient: float = 0.5

    def __post_init__(self):
        _check_alpha("kinetics.anodic_transfer_coefficient", self.anodic_transfer_coefficient)

    def current(self, eta, i0, temperature):
        lib = _lib(eta, i0)
        f = FARADAY / (GAS_CONSTANT * temperature)
        return i0 * lib.exp(self.anodic_transfer_coefficient * f * eta)


@dataclass(frozen=True)
class ActivityExchangeCurrent:
    """i0(x) = i0_ref a_Na(x)^alpha_c, reference state pure liquid Na (a_Na = 1).

    Generalisation of i0 = F k0 C_O^(1-alpha) C_R^alpha (Bard & Faulkner eq. 3.4.7) [M] with the
    reduced species Na in the alloy at activity a_Na and Na+ in NASICON at fixed activity;
    the activity form is an assumption [?] (documented; exponent sweepable).
    """

    reference: float
    exponent: float = 0.5

    def value(self, activity):
        lib = _lib(activity)
        if lib is ufl:
            return self.reference * activity**self.exponent
        return self.reference * np.asarray(activity) ** self.exponent


@dataclass(frozen=True)
class ConstantExchangeCurrent:
    """i0 independent of composition (pure Na counter electrode)."""

    reference: float

    def value(self, activity=None):
        return self.reference
