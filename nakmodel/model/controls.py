"""Controls and Newton settings of the coupled problem: galvanostatic / potentiostatic
control, :class:`NewtonOptions` and the :class:`NewtonReport` of one solve.

Plain data with no dolfinx dependency, shared by :mod:`nakmodel.model.problem` and the
Newton drivers (:mod:`nakmodel.model.snes`) so that neither imports the other for them.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from ..errors import InputProblem, ParameterError
from ..parameter_schema import NEWTON_METHODS


@dataclass(frozen=True)
class CurrentControl:
    """Galvanostatic control: applied current density [A/m^2] over the nominal WE area
    (contact + blocked interface); > 0 strips the working electrode."""

    current_density: float


@dataclass(frozen=True)
class VoltageControl:
    """Potentiostatic control: cell voltage V = phi_WE - phi_CE [V]."""

    voltage: float


@dataclass(frozen=True)
class NewtonOptions:
    """Newton settings: converged when the scaled increment max|du/scale| < ``rtol`` or the
    scaled residual < ``atol``; the step is damped so that x_Na stays admissible.

    ``method``: ``"builtin"`` (this module's Newton with Deuflhard's natural monotonicity
    test), ``"snes"`` (PETSc SNES ``newtonls`` with the ``nleqerr`` line search,
    :mod:`nakmodel.model.snes`; PETSc backend, options prefix ``nakmodel_``, e.g.
    ``-nakmodel_snes_monitor``).  Both stop at the same tolerance; the adaptive time stepper
    uses the iteration counts, so a run is reproduced to round-off only with the same
    driver (serial vs MPI compare with the same ``method``)."""

    rtol: float = 1e-9
    atol: float = 1e-12
    max_iterations: int = 25
    method: str = "builtin"

    def __post_init__(self):
        problems = []
        if not (0 < self.rtol < 1):
            problems.append(InputProblem("numerics.newton_rtol", "must lie in (0, 1)", self.rtol,
                                         "[-] in (0, 1)"))
        if not (self.atol >= 0 and math.isfinite(self.atol)):
            problems.append(InputProblem("numerics.newton_atol", "must be >= 0", self.atol,
                                         "[-] >= 0"))
        if not (isinstance(self.max_iterations, int) and self.max_iterations >= 1):
            problems.append(InputProblem("numerics.newton_max_iterations",
                                         "must be an integer >= 1",
                                         self.max_iterations, "integer >= 1"))
        if self.method not in NEWTON_METHODS:
            problems.append(InputProblem("numerics.newton_method", "unknown Newton method",
                                         self.method, " or ".join(map(repr, NEWTON_METHODS))))
        if problems:
            raise ParameterError(problems)



@dataclass
class NewtonReport:
    """Outcome of one Newton solve; the PETSc backend also counts the Krylov iterations and
    splits the wall time into assembly (Jacobian, residuals, border) and linear solves."""

    converged: bool
    iterations: int
    history: list = field(default_factory=list)
    reason: str = ""
    krylov_iterations: int = 0
    assembly_seconds: float = 0.0
    linear_seconds: float = 0.0
