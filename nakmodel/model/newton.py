"""Newton drivers of :class:`~nakmodel.model.problem.CoupledProblem`: one interface, one
damped Newton algorithm, pluggable linear systems.

A driver is any object with ``solve(problem, control, dt) -> NewtonReport``
(:class:`NewtonDriver`); :func:`driver_for` picks it from the problem's options
(``newton.method``, ``backend``):

* ``builtin`` + ``scipy``: :class:`DeuflhardNewton` on a :class:`ScipySystem` (serial,
  SuperLU of the bordered matrix);
* ``builtin`` + ``petsc``: :class:`DeuflhardNewton` on the problem's
  :class:`~nakmodel.model.petsc_system.PetscSystem` (MPI, MUMPS or the iterative preset);
* ``snes`` + ``petsc``: :class:`~nakmodel.model.snes.SNESNewton` (PETSc SNES ``newtonls`` /
  ``nleqerr``, on the same PetscSystem's operators and KSP).

The damped Newton method (:func:`deuflhard`) is written once against the small
:class:`LinearSystem` protocol: residual at the current state, Jacobian (+ factorisation),
increment ``J^-1 (-r)`` of the bordered system (the cell voltage is the border), scaled max
norm, admissible step length and the state update.  Full steps are accepted by Deuflhard's
natural monotonicity test ||J^-1 r(X + lam dX)|| <= (1 - lam/4) ||dX|| (the simplified
increment with the same factorisation), otherwise halved (at most 10 times); converged when
the ordinary Newton correction is < ``rtol`` (then x + dx is taken without a monotonicity
test, as in NLEQ-ERR), the scaled increment < ``rtol`` at a full step or the simplified
increment < ``atol`` (Deuflhard, *Newton Methods for Nonlinear Problems*, Springer 2004,
sec. 3.3 [M]).
"""

from __future__ import annotations

import math
from typing import Protocol

import numpy as np
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from .controls import CurrentControl, NewtonReport

#: linear-algebra backends of the CoupledProblem (``backend=``)
BACKENDS = ("auto", "scipy", "petsc")


class NewtonDriver(Protocol):
    """One nonlinear solve of a CoupledProblem: a backward-Euler step ``dt`` from the
    accepted state (None: steady).  On success the problem holds the solution, otherwise
    the start state; the report says why (the caller retries)."""

    def solve(self, problem, control, dt: float | None) -> NewtonReport: ...


class LinearSystem(Protocol):
    """What :func:`deuflhard` needs of a linear-algebra backend (``increment`` objects are
    the backend's own vectors; ``release`` frees one)."""

    def begin(self, control, dt) -> None: ...          # start state, control, dt
    def residual(self) -> None: ...                     # r at the current state
    def linearise(self, iteration: int) -> str: ...     # J (+ factor); failure or ""
    def increment(self, simplified: bool): ...          # (J^-1 (-r), failure or "")
    def norm(self, increment) -> float: ...             # scaled max norm (global)
    def max_step(self, increment) -> float: ...         # lam <= 1 keeping c admissible
    def step(self, increment, lam: float) -> None: ...  # state = base + lam increment
    def release(self, increment) -> None: ...
    def report(self, converged: bool, iterations: int, history: list,
               reason: str = "") -> NewtonReport: ...   # (start state back on failure)


def deuflhard(system: LinearSystem, options) -> NewtonReport:
    """Damped Newton with the natural monotonicity test (module docstring) on ``system``;
    ``options``: :class:`~nakmodel.model.controls.NewtonOptions`."""
    history = []
    held = 0  # consecutive iterations whose step the content bound held below 1e-6
    system.residual()
    for it in range(1, options.max_iterations + 1):
        failed = system.linearise(it)
        if failed:
            return system.report(False, it, history, failed)
        dX, failed = system.increment(simplified=False)
        if failed:
            system.release(dX)
            return system.report(False, it, history, failed)
        norm0 = system.norm(dX)
        lam = system.max_step(dX)
        held = held + 1 if lam < 1e-6 else 0
        if norm0 < options.rtol and lam == 1.0:
            # the ordinary Newton correction is below the tolerance: x + dx is the solution
            # (NLEQ-ERR's test, Deuflhard 2004 sec. 3.3); no monotonicity test there: its
            # simplified increment is round-off at that size and can exceed ||dx||, and
            # halving lam then never passes (tests/test_model_newton.py)
            system.step(dX, 1.0)
            system.release(dX)
            history.append(norm0)
            return system.report(True, it, history)
        for _ in range(10):
            system.step(dX, lam)
            system.residual()
            dbar, failed = system.increment(simplified=True)
            rnorm = system.norm(dbar) if not failed else math.inf
            system.release(dbar)
            if failed:
                break
            if np.isfinite(rnorm) and (rnorm <= (1.0 - 0.25 * lam) * norm0
                                       or rnorm < options.atol):
                break
            lam *= 0.5
        inc = lam * norm0
        history.append(inc)
        system.release(dX)
        if failed:
            return system.report(False, it, history, failed)
        if not np.isfinite(rnorm):
            break
        if (inc < options.rtol and lam == 1.0) or rnorm < options.atol:
            return system.report(True, it, history)
    reason = f"no convergence in {options.max_iterations} iterations"
    if held:
        reason += (f" (the last {held} steps were held below 1e-6 of the Newton step by the "
                   "content bound x_Na >= -1: a node undershoots to it, e.g. next to a "
                   "near-pure-Na node of a much larger content)")
    return system.report(False, options.max_iterations, history, reason)


class DeuflhardNewton:
    """The built-in Newton (:func:`deuflhard`) on one linear system (built once)."""

    def __init__(self, system: LinearSystem):
        self.system = system

    def solve(self, problem, control, dt):
        self.system.begin(control, dt)
        return deuflhard(self.system, problem.newton_options)


def symmetric_scaling(A) -> np.ndarray:
    """d = |diag A|^-1/2 (1 where the diagonal is 0): D A D has a unit-magnitude diagonal.

    Threshold pivoting compares each candidate with the diagonal, so it depends on how the
    rows are scaled; the interface rows grow with i0 (dI/deta ~ i0), and without scaling
    SuperLU's 0.01 threshold left the diagonal and filled 3.3x more at i0 = 100 mA/cm2
    (258,255 instead of 77,154 entries in L+U at 2517 unknowns, 9.0 instead of 3.8 ms)."""
    diag = np.abs(A.diagonal())
    d = np.ones_like(diag)
    ok = np.isfinite(diag) & (diag > 0)
    d[ok] = 1.0 / np.sqrt(diag[ok])
    return d


def factor(A):
    """Sparse LU of the symmetrically scaled D A D (:func:`symmetric_scaling`):
    symmetric-mode SuperLU with an A^T+A minimum-degree ordering (the pattern is
    structurally symmetric; ~4x faster than the default COLAMD here), else the default."""
    d = symmetric_scaling(A)
    scaled = _scaled(A, d)
    try:
        lu = spla.splu(scaled, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.01,
                       options={"SymmetricMode": True})
    except RuntimeError:
        lu = spla.splu(scaled)
    return _ScaledSolve(lu, d)


def _scaled(A, d):
    """D A D (CSC) for the diagonal D = diag(d)."""
    A = sp.csc_matrix(A)
    data = A.data * d[A.indices] * np.repeat(d, np.diff(A.indptr))
    return sp.csc_matrix((data, A.indices, A.indptr), shape=A.shape)


class _ScaledSolve:
    """x = D (D A D)^-1 D b for ``lu``, the LU of D A D."""

    def __init__(self, lu, d):
        self.lu, self.d = lu, d

    def solve(self, b):
        return self.d * self.lu.solve(self.d * b)


class ReorderedLU:
    """Sparse LU that computes its fill-reducing ordering once and reuses it.

    The first matrix is factorised by :func:`factor`, and its column ordering P is kept
    (SuperLU computes Pr A Pc = L U; ``perm_c`` gives Pc), one per matrix size (the
    potentiostatic system has no V row). Later matrices of that size are permuted
    symmetrically, A_P = P^T A P (a gather of the CSC data while the pattern stays the
    same), and factorised with the NATURAL ordering. The same threshold pivoting applies,
    so the factors are as stable as before. Only the minimum-degree ordering is saved,
    about 1.4 of the 5.1 ms of a factorisation at 2517 unknowns (``benchmarks/RESULTS.md``).
    This is the symbolic reuse that PETSc's ``SAME_NONZERO_PATTERN`` and MUMPS' analysis
    phase provide. If the pattern changes, the old ordering is still a valid permutation
    and may only fill more; a failed factorisation falls back to a fresh :func:`factor`."""

    def __init__(self):
        self.orders = {}  # size -> P as an index array: A_P = A[order][:, order]
        self._gather = None  # (indptr, indices of A, data map, pattern of A_P)

    def __call__(self, A):
        """An object with ``solve(b)`` for A x = b (A: scipy sparse, square)."""
        A = A.tocsc()
        order = self.orders.get(A.shape[0])
        if order is not None:
            d = symmetric_scaling(A)
            try:
                lu = spla.splu(self._permuted(_scaled(A, d), order), permc_spec="NATURAL",
                               diag_pivot_thresh=0.01, options={"SymmetricMode": True})
                return _ScaledSolve(_PermutedSolve(lu, order), d)
            except RuntimeError:
                pass
        lu = factor(A)
        self.orders[A.shape[0]] = np.argsort(lu.lu.perm_c)
        return lu

    def _permuted(self, A, order):
        g = self._gather
        if (g is None or g[0].size != A.indptr.size or g[1].size != A.indices.size
                or not np.array_equal(g[0], A.indptr) or not np.array_equal(g[1], A.indices)):
            ids = sp.csc_matrix((np.arange(1, A.nnz + 1, dtype=float), A.indices, A.indptr),
                                shape=A.shape)[order][:, order].tocsc()
            ids.sort_indices()
            g = (A.indptr.copy(), A.indices.copy(), np.rint(ids.data).astype(np.int64) - 1,
                 ids.indices, ids.indptr)
            self._gather = g
        return sp.csc_matrix((A.data[g[2]], g[3], g[4]), shape=A.shape)


class _PermutedSolve:
    """x = P A_P^-1 P^T b for the LU of A_P = A[order][:, order]."""

    def __init__(self, lu, order):
        self.lu, self.order = lu, order

    def solve(self, b):
        x = np.empty_like(b)
        x[self.order] = self.lu.solve(b[self.order])
        return x


class ScipySystem:
    """The bordered system on the active DOFs + V as one scipy CSR matrix, factorised by
    SuperLU (serial): r = R(X) + M (X - X_n)/dt, J = dR/dX + M/dt; potentiostatic control
    drops the V row and column."""

    def __init__(self, problem):
        self.problem = problem
        self.factor = ReorderedLU()  # (the ordering is kept across steps: one pattern)

    def begin(self, control, dt):
        pb = self.problem
        self.dt, self.control = dt, control
        self.galvanostatic = isinstance(control, CurrentControl)
        self.X0 = pb.state_vector()
        self.Xn = np.concatenate([pb.u_n.x.array[pb.active], [pb.voltage_n]])
        if not self.galvanostatic:
            self.X0[-1] = control.voltage
            pb.set_state_vector(self.X0)
        self.M = pb.mass_matrix() if dt is not None else None
        self.scale = pb.scales()
        self.keep = slice(None) if self.galvanostatic else slice(0, -1)
        self.X = self.X0.copy()
        self.cmin = -0.5 * pb.c_max  # P1 undershoots (x < 0) are tolerated; x = -1 here

    def residual(self):
        r = self.problem.steady_residual(self.control)
        if self.dt is not None:
            r = r + (self.M @ (self.X - self.Xn)) / self.dt
        self.r = r

    def linearise(self, iteration):
        J = self.problem.steady_jacobian()
        if self.dt is not None:
            J = J + self.M / self.dt
        keep = self.keep
        Jk = J.tocsc() if self.galvanostatic else J[keep][:, keep].tocsc()
        try:
            with np.errstate(all="ignore"):
                self.lu = self.factor(Jk)
        except (RuntimeError, ValueError) as exc:  # singular factor
            return f"linear solve failed: {exc}"
        self.base = self.X
        return ""

    def increment(self, simplified):
        with np.errstate(all="ignore"):
            d = self.lu.solve(-self.r[self.keep])
        if not simplified and not np.all(np.isfinite(d)):
            return d, "non-finite Newton increment"
        return d, ""

    def norm(self, d):
        return float(np.max(np.abs(d / self.scale[self.keep])))

    def max_step(self, d):
        n_c = self.problem.n_c
        c, dc = self.base[:n_c], d[:n_c]
        bad = c + dc < self.cmin
        if not np.any(bad):
            return 1.0
        return min(1.0, 0.9 * float(np.min((self.cmin - c)[bad] / dc[bad])))

    def step(self, d, lam):
        full = np.zeros_like(self.base)
        full[self.keep] = d
        self.X = self.base + lam * full
        self.problem.set_state_vector(self.X)

    def release(self, d):
        pass

    def report(self, converged, iterations, history, reason=""):
        self.problem.set_state_vector(self.X if converged else self.X0)
        return NewtonReport(converged, iterations, history, reason)


def driver_for(problem) -> NewtonDriver:
    """The driver of ``problem.newton_options.method`` on ``problem.backend`` (both checked
    when the problem is built: ``snes`` needs the PETSc backend)."""
    if problem.newton_options.method == "snes":
        from .snes import SNESNewton

        return SNESNewton(problem)
    if problem.backend == "petsc":
        return DeuflhardNewton(problem.petsc_system)
    return DeuflhardNewton(ScipySystem(problem))
