"""Alloy composition: one place that converts every convention to x_Na.

Conventions accepted (all documented in the README):

* ``"NaK50"``, ``"NaK-78"``: **x = wt% K** (NaK-77/78 is the eutectic in wt% K,
  docs/theory/thermodynamics.md, compositions [I]), so NaK50/65/80 have
  x_Na = 0.630 / 0.478 / 0.298;
* ``{"wt_pct_K": 50}``, ``{"at_pct_K": 67}``, ``{"x_Na": 0.63}``;
* ``"Na"``, ``"K"``: the pure metals (a K metal electrode is a real case).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from .errors import InputProblem, ParameterError

MOLAR_MASS_NA = 22.98976928e-3  # kg/mol, IUPAC standard atomic weight
MOLAR_MASS_K = 39.0983e-3  # kg/mol, IUPAC standard atomic weight

_LABEL = re.compile(r"^\s*NaK[\s_-]?(\d+(?:\.\d+)?)\s*$", re.IGNORECASE)
_EXPECTED = ("'NaKx' (x = wt% K), 'Na', 'K', or a table with one of "
             "wt_pct_K [0, 100], at_pct_K [0, 100], x_Na [0, 1]")


def x_na_from_wt_pct_k(wt_pct_k):
    """Mole fraction of Na from mass percent K: x_Na = (w_Na/M_Na)/(w_Na/M_Na + w_K/M_K)."""
    w_k = wt_pct_k / 100.0
    n_na = (1.0 - w_k) / MOLAR_MASS_NA
    n_k = w_k / MOLAR_MASS_K
    return n_na / (n_na + n_k)


def wt_pct_k_from_x_na(x_na):
    """Mass percent K from the mole fraction of Na (inverse of :func:`x_na_from_wt_pct_k`)."""
    m_na = x_na * MOLAR_MASS_NA
    m_k = (1.0 - x_na) * MOLAR_MASS_K
    return 100.0 * m_k / (m_na + m_k)


@dataclass(frozen=True)
class Composition:
    """Composition of the working-electrode metal, stored as the mole fraction of Na.

    Parameters
    ----------
    x_na:
        Mole fraction of Na [-], in [0, 1] (0 = pure K, 1 = pure Na).
    label:
        How the user wrote it (``"NaK50"``); for display only.
    """

    x_na: float
    label: str = ""

    def __post_init__(self):
        if not (isinstance(self.x_na, (int, float)) and math.isfinite(self.x_na)
                and 0.0 <= self.x_na <= 1.0):
            raise ParameterError(InputProblem("alloy.composition", "x_Na outside [0, 1]",
                                              self.x_na, "x_Na in [0, 1] (mole fraction)"))

    @property
    def x_k(self) -> float:
        return 1.0 - self.x_na

    @property
    def at_pct_k(self) -> float:
        return 100.0 * (1.0 - self.x_na)

    @property
    def wt_pct_k(self) -> float:
        return float(wt_pct_k_from_x_na(self.x_na))

    @property
    def molar_mass(self) -> float:
        """Mean molar mass [kg/mol]."""
        return self.x_na * MOLAR_MASS_NA + self.x_k * MOLAR_MASS_K

    def __str__(self) -> str:
        name = self.label or f"x_Na={self.x_na:.4g}"
        return f"{name} (x_Na = {self.x_na:.4f}, {self.wt_pct_k:.2f} wt% K)"

    def to_toml_value(self):
        """The form written by ``nakmodel params show --format toml``."""
        if self.label:
            return self.label
        return {"x_Na": self.x_na}


def parse_composition(value, key: str = "alloy.composition") -> Composition:
    """Turn any accepted composition spelling into a :class:`Composition`.

    Parameters
    ----------
    value:
        ``"NaK50"`` (x wt% K), ``"Na"``, ``"K"``, a mapping ``{"wt_pct_K": ...}``,
        ``{"at_pct_K": ...}`` or ``{"x_Na": ...}``, a plain mole fraction of Na [-], or a
        :class:`Composition` (returned unchanged).
    key:
        Parameter name used in the error message.

    Returns
    -------
    Composition
        The mole fraction of Na with the spelling as label; bad input raises
        :class:`~nakmodel.errors.ParameterError`.
    """
    if isinstance(value, Composition):
        return value
    if isinstance(value, str):
        text = value.strip()
        if text.lower() in ("na", "sodium"):
            return Composition(1.0, "Na")
        if text.lower() in ("k", "potassium"):
            return Composition(0.0, "K")
        match = _LABEL.match(text)
        if not match:
            raise ParameterError(InputProblem(key, "unknown composition label", value, _EXPECTED))
        wt = float(match.group(1))
        if not 0.0 <= wt <= 100.0:
            raise ParameterError(InputProblem(key, "wt% K outside [0, 100]", value, _EXPECTED))
        return Composition(float(x_na_from_wt_pct_k(wt)), f"NaK{match.group(1)}")
    if isinstance(value, dict):
        if len(value) != 1:
            raise ParameterError(InputProblem(key, "give exactly one of wt_pct_K, at_pct_K, x_Na",
                                              value, _EXPECTED))
        (name, number), = value.items()
        if isinstance(number, bool) or not isinstance(number, (int, float)) \
                or not math.isfinite(number):
            raise ParameterError(InputProblem(f"{key}.{name}", "must be a finite number", number,
                                              _EXPECTED))
        lname = name.lower()
        if lname in ("wt_pct_k", "wt%k"):
            if not 0 <= number <= 100:
                raise ParameterError(InputProblem(f"{key}.{name}", "outside [0, 100]", number,
                                                  "wt% K in [0, 100]"))
            return Composition(float(x_na_from_wt_pct_k(number)))
        if lname in ("at_pct_k", "at%k"):
            if not 0 <= number <= 100:
                raise ParameterError(InputProblem(f"{key}.{name}", "outside [0, 100]", number,
                                                  "at% K in [0, 100]"))
            return Composition(1.0 - number / 100.0)
        if lname in ("x_na", "xna"):
            if not 0 <= number <= 1:
                raise ParameterError(InputProblem(f"{key}.{name}", "outside [0, 1]", number,
                                                  "x_Na in [0, 1] (mole fraction)"))
            return Composition(float(number))
        raise ParameterError(InputProblem(f"{key}.{name}", "unknown composition convention", name,
                                          _EXPECTED))
    raise ParameterError(InputProblem(key, "a plain number is ambiguous", value, _EXPECTED))


def x_na(alloy) -> float:
    """Mole fraction of Na of anything that names a composition.

    Accepts a :class:`Composition`, an ``AlloyParameters`` / ``Parameters``
    object, a label such as ``"NaK65"`` or a convention table.
    """
    if hasattr(alloy, "alloy"):
        alloy = alloy.alloy
    if hasattr(alloy, "composition"):
        alloy = alloy.composition
    if isinstance(alloy, (int, float)) and not isinstance(alloy, bool):
        return Composition(float(alloy)).x_na
    return parse_composition(alloy).x_na
