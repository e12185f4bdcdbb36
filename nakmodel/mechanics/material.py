"""Elastic and fracture properties of the NASICON ceramic.

:class:`CeramicMaterial` holds Young's modulus E [Pa], Poisson's ratio nu [-]
and the fracture toughness K_IC [Pa m^0.5]; it is validated on construction
so that bad input fails with a :class:`~nakmodel.errors.ParameterError`
before any finite-element solve.  Defaults and sources: docs/theory/fracture.md
(Nonemacher et al., Ceram. Int. 45 (2019) 21308; Wolfenstine et al.,
Ionics (2022)): E 56-97 GPa, nu ~ 0.26, K_IC 1-1.58 MPa m^0.5.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import InputProblem, ParameterError
from ..units import to_si


@dataclass(frozen=True)
class CeramicMaterial:
    """Linear-elastic, brittle solid electrolyte.

    ``youngs_modulus`` E [Pa] > 0, ``poisson_ratio`` nu in (-1, 0.5),
    ``fracture_toughness`` K_IC [Pa m^0.5] > 0.
    """

    youngs_modulus: float = 80e9
    poisson_ratio: float = 0.26
    fracture_toughness: float = 1.25e6

    def __post_init__(self):
        E = to_si(self.youngs_modulus, "Pa", key="nasicon.youngs_modulus")
        nu = to_si(self.poisson_ratio, "", key="nasicon.poisson_ratio")
        kic = to_si(self.fracture_toughness, "Pa*m^0.5", key="nasicon.fracture_toughness")
        problems = []
        if not E > 0:
            problems.append(InputProblem("nasicon.youngs_modulus", "must be positive", E,
                                         "a modulus in Pa, > 0 (NZSP: 56e9-97e9 Pa)"))
        if not -1.0 < nu < 0.5:
            problems.append(InputProblem("nasicon.poisson_ratio", "must lie in (-1, 0.5)", nu,
                                         "a dimensionless ratio in (-1, 0.5) (NZSP: ~0.26)"))
        if not kic > 0:
            problems.append(InputProblem("nasicon.fracture_toughness", "must be positive", kic,
                                         "a toughness in Pa m^0.5, > 0 (NZSP: 1e6-1.58e6)"))
        if problems:
            raise ParameterError(problems)
        object.__setattr__(self, "youngs_modulus", E)
        object.__setattr__(self, "poisson_ratio", nu)
        object.__setattr__(self, "fracture_toughness", kic)

    @property
    def shear_modulus(self) -> float:
        """mu = E / (2 (1 + nu)) [Pa]."""
        return self.youngs_modulus / (2.0 * (1.0 + self.poisson_ratio))

    @property
    def lame_lambda(self) -> float:
        """lambda = E nu / ((1 + nu)(1 - 2 nu)) [Pa] (3D / plane strain)."""
        nu = self.poisson_ratio
        return self.youngs_modulus * nu / ((1.0 + nu) * (1.0 - 2.0 * nu))

    @property
    def plane_strain_modulus(self) -> float:
        """E' = E / (1 - nu^2) [Pa]: K_I^2 + K_II^2 = E' G in plane strain and in 3D.

        Source: Irwin's relation, e.g. Anderson, Fracture Mechanics (2005), eq. 2.58.
        """
        return self.youngs_modulus / (1.0 - self.poisson_ratio**2)

    @classmethod
    def from_parameters(cls, parameters) -> CeramicMaterial:
        """Build from a ``Parameters`` object (uses ``parameters.nasicon``) or its ``.nasicon``.

        Also accepts any object with ``youngs_modulus``, ``poisson_ratio`` and
        ``fracture_toughness`` attributes, or a :class:`CeramicMaterial`.
        """
        if isinstance(parameters, CeramicMaterial):
            return parameters
        if parameters is None:
            return cls()
        source = getattr(parameters, "nasicon", parameters)
        missing = [k for k in ("youngs_modulus", "poisson_ratio", "fracture_toughness")
                   if not hasattr(source, k)]
        if missing:
            raise ParameterError(
                [InputProblem(f"nasicon.{k}", "missing from the parameter set", None,
                              "a Parameters object with a nasicon section") for k in missing])
        return cls(youngs_modulus=source.youngs_modulus, poisson_ratio=source.poisson_ratio,
                   fracture_toughness=source.fracture_toughness)
