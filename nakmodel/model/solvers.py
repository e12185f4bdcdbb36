"""Linear-solver presets of the coupled problem's PETSc backend.

Two presets of the Newton linear solve ``A du = -r`` (A: the Jacobian with the inert DOFs as
identity rows, the scalar border eliminated by two solves with the same operator):

* ``direct``: LU with MUMPS (``preonly`` + ``lu``); robust, the default in 1D/2D.
* ``iterative``: right-preconditioned GMRES (``krylov="gmres"``; ``"fgmres"`` selectable)
  preconditioned by a multiplicative PCFIELDSPLIT with one block per
  field (``c`` alloy content, ``phi`` NASICON potential, ``inert`` the identity rows), GAMG
  on the two physical blocks (Jacobi on the identity block, which is exact); the default in
  3D, where a sparse LU grows much faster than the number of unknowns.

A :class:`LinearSolver` only sets *defaults*: the options are written under the problem's
PETSc options prefix (``nakmodel_model_``) only where the user has not set that option, so
anything can be overridden from the command line / ``PETSc.Options()`` (e.g.
``-nakmodel_model_fieldsplit_c_pc_gamg_threshold 0.05``), and removed again after the set-up
so that two problems in one process do not see each other's defaults.

The alloy layer is thin (elements ~10x flatter than wide): its diffusion block is strongly
anisotropic, which GAMG handles by dropping the weak (lateral) couplings from the aggregation
graph.  Measured on the benchmark box (``benchmarks/bench_model_3d.py``, n = 28, 49k
unknowns, one Newton step of 3 iterations): Krylov iterations / CPU seconds for the c-block
threshold -1 (keep all): 372 / 6.8, 0: 339 / 6.2, 0.01: 148 / 4.6, 0.02: 147 / 4.8,
0.05: 146 / 7.7, 0.1: 146 / 10.4 (larger thresholds coarsen too slowly) -> 0.02.  The
Krylov iterations that grow with the mesh come from the phi block (with an exact phi block
they stay at 92 -> 96 from 24k to 195k unknowns): its threshold 0 -> 138 -> 181 iterations,
0.01: 125 -> 133, 0.02: 122 -> 128, 0.05: 120 -> 126 (24k -> 195k unknowns) -> 0.02.
The GAMG set-up and the smoother dominate the linear-solve time, not the Krylov iterations
(~15 per solve): two aggressively coarsened levels cut the set-up by ~30%, building it once
per step instead of once per Newton iteration (``reuse_preconditioner``) cut it by 2/3;
``ksp_rtol`` 1e-6 instead of 1e-10 saved only ~10% (1e-10 keeps the Newton iterates equal to
the direct ones to ~1e-12).
"""

from __future__ import annotations

import contextlib
import math
from dataclasses import dataclass

from ..errors import InputProblem, ParameterError
from ..parameters import LINEAR_SOLVERS as LINEAR_SOLVER_CHOICES

#: fieldsplit block names (the options of block ``c`` are under ``<prefix>fieldsplit_c_``)
FIELDS = ("c", "phi", "inert")
#: Krylov methods of the iterative preset
KRYLOV_METHODS = ("gmres", "fgmres")


@dataclass(frozen=True)
class LinearSolver:
    """A validated linear-solver preset (see the module docstring).

    kind: ``"direct"`` (MUMPS LU) or ``"iterative"`` (GMRES + fieldsplit/GAMG).
    krylov: ``"gmres"`` (right-preconditioned: the preconditioner is a fixed linear operator,
        and GMRES keeps one basis of ``restart`` vectors where FGMRES keeps two) or
        ``"fgmres"`` (iterative only).
    rtol: relative Krylov tolerance on the unpreconditioned residual (iterative only); tight
        enough that Newton converges to its rtol (1e-9, scaled increment) in the same number
        of iterations as with the direct solver.
    max_iterations: Krylov iterations before the solve counts as failed (iterative only).
    restart: GMRES restart length.
    gamg_threshold_c, gamg_threshold_phi: GAMG graph-drop thresholds of the two blocks.
    gamg_aggressive_levels: GAMG levels coarsened aggressively (cheaper Galerkin products;
        the GAMG set-up dominates the linear-solve time).
    reuse_preconditioner: build the preconditioner at the first Newton iteration of a step
        only and reuse it in the later ones (the Krylov solves use the current Jacobian, so
        the Newton iterates do not change; iterative only: a direct solve never reuses).
    compact_pattern: store only the Jacobian / mass entries that can be nonzero
        (built without the full pattern, :func:`nakmodel.model.sparsity.compact_operators`)
        instead of dolfinx's full 2x2-block pattern of the (c, phi) space, ~75 % of whose
        stored entries are zeros (c-phi couplings away from the interface, inert rows);
        None (default): on for the iterative preset, off for the
        direct one (MUMPS factors the pattern it is given; see ``benchmarks/RESULTS.md``).
    """

    kind: str = "direct"
    rtol: float = 1e-10
    max_iterations: int = 400
    restart: int = 100
    gamg_threshold_c: float = 0.02
    gamg_threshold_phi: float = 0.02
    gamg_aggressive_levels: int = 2
    reuse_preconditioner: bool = True
    compact_pattern: bool | None = None
    krylov: str = "gmres"

    def __post_init__(self):
        if self.compact_pattern is None:
            object.__setattr__(self, "compact_pattern", self.kind == "iterative")
        problems = []
        if self.kind not in ("direct", "iterative"):
            problems.append(InputProblem("numerics.linear_solver", "unknown linear-solver preset",
                                         self.kind, "'direct' or 'iterative'"))
        if not (isinstance(self.rtol, (int, float)) and 0 < self.rtol < 1):
            problems.append(InputProblem("linear_solver.rtol", "must lie in (0, 1)", self.rtol,
                                         "[-] in (0, 1)"))
        for name, low in (("max_iterations", 1), ("restart", 1), ("gamg_aggressive_levels", 0)):
            value = getattr(self, name)
            if not (isinstance(value, int) and not isinstance(value, bool) and value >= low):
                problems.append(InputProblem(f"linear_solver.{name}",
                                             f"must be an integer >= {low}",
                                             value, f"integer >= {low}"))
        for name in ("gamg_threshold_c", "gamg_threshold_phi"):
            value = getattr(self, name)
            if not (isinstance(value, (int, float)) and math.isfinite(value)
                    and -1 <= value < 1):
                problems.append(InputProblem(f"linear_solver.{name}", "GAMG drop threshold",
                                             value, "[-] in [-1, 1) (negative: keep all edges)"))
        if self.krylov not in KRYLOV_METHODS:
            problems.append(InputProblem("linear_solver.krylov", "unknown Krylov method",
                                         self.krylov, "'gmres' or 'fgmres'"))
        for name in ("reuse_preconditioner", "compact_pattern"):
            if not isinstance(getattr(self, name), bool):
                problems.append(InputProblem(f"linear_solver.{name}", "must be a bool",
                                             getattr(self, name), "True or False"))
        if problems:
            raise ParameterError(problems)

    @property
    def is_iterative(self) -> bool:
        return self.kind == "iterative"

    def petsc_options(self) -> dict[str, object]:
        """The preset as PETSc options (keys without the problem's prefix)."""
        if not self.is_iterative:
            return {"ksp_type": "preonly", "pc_type": "lu",
                    "pc_factor_mat_solver_type": "mumps"}
        options: dict[str, object] = {
            "ksp_type": self.krylov, "ksp_rtol": self.rtol, "ksp_atol": 0.0,
            "ksp_max_it": self.max_iterations, "ksp_gmres_restart": self.restart,
            "pc_type": "fieldsplit", "pc_fieldsplit_type": "multiplicative",
            "fieldsplit_inert_ksp_type": "preonly", "fieldsplit_inert_pc_type": "jacobi",
        }
        if self.krylov == "gmres":
            options["ksp_pc_side"] = "right"  # monitor the unpreconditioned residual
        for name, threshold in (("c", self.gamg_threshold_c), ("phi", self.gamg_threshold_phi)):
            options.update({f"fieldsplit_{name}_ksp_type": "preonly",
                            f"fieldsplit_{name}_pc_type": "gamg",
                            f"fieldsplit_{name}_pc_gamg_threshold": threshold,
                            f"fieldsplit_{name}_pc_gamg_aggressive_coarsening":
                                self.gamg_aggressive_levels})
        return options

    @contextlib.contextmanager
    def defaults_in_options(self, prefix: str):
        """Write the preset's options under ``prefix`` where the user has not set them; on
        exit remove what was written (the user's options are left untouched)."""
        from petsc4py import PETSc

        database = PETSc.Options()
        written = []
        for key, value in self.petsc_options().items():
            if not database.hasName(prefix + key):
                database[prefix + key] = value
                written.append(prefix + key)
        try:
            yield
        finally:
            for key in written:
                database.delValue(key)


def compact_matrix(mat):
    """A copy of the assembled AIJ matrix ``mat`` that stores only its nonzero entries and
    the diagonal; same sizes, block size and local-to-global map, so that dolfinx assembles
    into it.  Zero contributions are skipped at assembly (``IGNORE_ZERO_ENTRIES``); a nonzero
    outside the pattern is still inserted (new allocation: slow but correct)."""
    import numpy as np
    from petsc4py import PETSc

    ia, ja, a = mat.getValuesCSR()
    start = mat.getOwnershipRange()[0]
    rows = np.repeat(np.arange(ia.size - 1, dtype=ja.dtype), np.diff(ia))
    mask = a != 0.0
    mask |= ja == rows + start
    counts = np.bincount(rows[mask], minlength=ia.size - 1)
    del rows
    new_ia = np.zeros(ia.size, dtype=PETSc.IntType)
    np.cumsum(counts, out=new_ia[1:])
    out = PETSc.Mat().createAIJ(mat.getSizes(), bsize=mat.getBlockSize(),
                                csr=(new_ia, ja[mask].astype(PETSc.IntType), a[mask]),
                                comm=mat.getComm())
    out.setLGMap(*mat.getLGMap())
    out.setOption(PETSc.Mat.Option.IGNORE_ZERO_ENTRIES, True)
    out.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, False)
    out.assemble()
    return out


DIRECT = LinearSolver("direct")
ITERATIVE = LinearSolver("iterative")


def linear_solver_for(choice, tdim: int) -> LinearSolver:
    """The preset for ``choice`` (a :class:`LinearSolver` or one of
    :data:`LINEAR_SOLVER_CHOICES`); ``"auto"`` is direct in 1D/2D and iterative in 3D."""
    if isinstance(choice, LinearSolver):
        return choice
    if choice not in LINEAR_SOLVER_CHOICES:
        raise ParameterError(InputProblem("numerics.linear_solver", "unknown linear-solver preset",
                                          choice, "one of 'auto', 'direct', 'iterative' "
                                          "(or a nakmodel.model.solvers.LinearSolver)"))
    if choice == "auto":
        return ITERATIVE if tdim == 3 else DIRECT
    return ITERATIVE if choice == "iterative" else DIRECT


def converged_reason_name(reason: int) -> str:
    """PETSc's name of a KSP converged/diverged reason code (e.g. ``DIVERGED_ITS``)."""
    from petsc4py import PETSc

    for name in dir(PETSc.KSP.ConvergedReason):
        if not name.startswith("_") and getattr(PETSc.KSP.ConvergedReason, name) == reason:
            return name
    return str(reason)
