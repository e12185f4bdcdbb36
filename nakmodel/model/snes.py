"""PETSc SNES driver for one time step of :class:`~nakmodel.model.problem.CoupledProblem`.

The unknowns are the FE DOFs ``u = (c, phi)`` and the global cell voltage ``V``.  SNES sees
one distributed vector ``X = [u_owned / s, V / s_V]`` (the last entry on rank 0) in
*scaled* variables (s = c_K0 for contents, RT/F for potentials), so that the norms SNES
and its line search use are dimensionless and comparable between fields.  The Jacobian of
the bordered system

    [ A   b ] [du]     [r]          A = dR/du (+ M/dt), b = dR/dV, c = dG/du, d = dG/dV
    [ c^T d ] [dV] = - [g]          g = int i dA - I (galvanostatic) or V - V_set

is a matrix-free shell; its exact inverse is the preconditioner (a ``PCSHELL``): the border
is eliminated by two solves with the inner KSP of the problem's
:class:`~nakmodel.model.petsc_system.PetscSystem` (options prefix ``nakmodel_model_``,
default MUMPS; the same operators and vectors as the built-in Newton),
dV = (r_V - c.y)/(d - c.z), du = y - dV z with y = A^-1 r_u and z = A^-1 b, so the outer KSP
is ``preonly``.

Newton with a line search: ``newtonls`` with the affine-covariant error-oriented line search
``nleqerr`` (Deuflhard's natural monotonicity test, PETSc ``SNESLINESEARCHNLEQERR``) by
default; a pre-check shortens the step so the Na content stays admissible (x >= -1, the
same bound as the built-in Newton).  Convergence: the scaled increment
max|dX| < ``rtol`` (the built-in criterion).  Every
SNES option can be changed under the prefix ``nakmodel_`` (e.g.
``-nakmodel_snes_linesearch_type bt``, ``-nakmodel_snes_monitor``).

Reference: Deuflhard, *Newton Methods for Nonlinear Problems*, Springer (2004), sec. 3.3
(NLEQ-ERR) [M]; PETSc manual, SNES chapter.
"""

from __future__ import annotations

import numpy as np

from .controls import CurrentControl, NewtonReport

OPTIONS_PREFIX = "nakmodel_"


class _BorderedJacobian:
    """Matrix-free bordered Jacobian in scaled variables (``MATPYTHON`` context)."""

    def __init__(self, driver):
        self.driver = driver

    def mult(self, mat, x, y):
        d = self.driver
        xu, xv = d.split(x)
        A, b, c, dd = d.blocks
        tmp = d.work_u
        tmp.array[:] = xu * d.scale_u
        out = d.work_u2
        A.mult(tmp, out)
        vscale = d.scale_v
        out.axpy(xv * vscale, b)
        yv = c.dot(tmp) + dd * xv * vscale
        d.join(out.array_r, yv, y)


class _BorderedInverse:
    """Exact inverse of the bordered Jacobian by two inner solves (``PCPYTHON`` context)."""

    def __init__(self, driver):
        self.driver = driver

    def apply(self, pc, r, x):
        d = self.driver
        ru, rv = d.split(r)
        A, b, c, dd = d.blocks
        rhs, y = d.work_u, d.work_u2
        rhs.array[:] = ru
        if not d.inner_solve(rhs, y):
            x.set(np.nan)  # SNES stops with a NaN / line-search failure; reason kept
            return
        dv = (rv - c.dot(y)) / (dd - c.dot(d.z))
        y.axpy(-dv, d.z)
        d.join(y.array_r / d.scale_u, dv / d.scale_v, x)
        d.last_apply = (r.array_r.copy(), x.array_r.copy())


class SNESNewton:
    """The SNES Newton driver (a :class:`~nakmodel.model.newton.NewtonDriver`) of one
    CoupledProblem: one backward-Euler step (or a steady solve) per :meth:`solve`. The
    PETSc ``SNES`` object is :attr:`snes` (options prefix ``nakmodel_``)."""

    def __init__(self, problem):
        from petsc4py import PETSc

        self.problem = problem
        self.system = system = problem.petsc_system
        self.comm = problem.mesh.comm
        self.rank0 = self.comm.rank == 0
        self.n2 = 2 * problem.n_owned_blocks
        n_local = self.n2 + (1 if self.rank0 else 0)
        self.X = PETSc.Vec().createMPI((n_local, PETSc.DECIDE), comm=self.comm)
        self.F = self.X.duplicate()
        self.next_increment = self.X.duplicate()
        template = system.vectors["y"]
        self.work_u = template.duplicate()
        self.work_u2 = template.duplicate()
        self.z = template.duplicate()
        self.inner = system.ksp
        self.scale_u = system.owned_scale
        rt_f = problem.scales()[-1]
        self.scale_v = float(rt_f)
        self.krylov_iterations = 0

        J = PETSc.Mat().createPython(((n_local, PETSc.DECIDE), (n_local, PETSc.DECIDE)),
                                     context=_BorderedJacobian(self), comm=self.comm)
        J.setUp()
        self.J = J
        snes = PETSc.SNES().create(self.comm)
        snes.setOptionsPrefix(OPTIONS_PREFIX)
        snes.setType("newtonls")
        snes.getLineSearch().setType("nleqerr")
        ksp = snes.getKSP()
        ksp.setType("preonly")
        pc = ksp.getPC()
        pc.setType("python")
        pc.setPythonContext(_BorderedInverse(self))
        snes.setFunction(self._residual, self.F)
        snes.setJacobian(self._jacobian, J, J)
        snes.setLineSearchPreCheck(self._precheck)
        snes.setConvergenceTest(self._converged)
        snes.setFromOptions()
        self.snes = snes

    # ---------------------------------------------------------------- vector layout
    def split(self, vec):
        """(owned u part as an array view, V scalar broadcast from rank 0)."""
        arr = vec.array_r
        v = float(arr[self.n2]) if self.rank0 else 0.0
        return arr[: self.n2], self.comm.bcast(v, root=0)

    def join(self, u_part, v, out):
        arr = out.array
        arr[: self.n2] = u_part
        if self.rank0:
            arr[self.n2] = v

    def _load_state(self, X):
        """Copy the scaled unknowns X into the problem's u and V."""
        pb = self.problem
        xu, xv = self.split(X)
        pb.u.x.array[: self.n2] = xu * self.scale_u
        pb.u.x.scatter_forward()
        pb.voltage.value = xv * self.scale_v

    # ---------------------------------------------------------------- callbacks
    def _residual(self, snes, X, F):
        self._load_state(X)
        r, g = self.system.transient_residual(self.dt, self.current, self.galvanostatic)
        if not self.galvanostatic:
            g = float(self.problem.voltage.value) - self.voltage_set
        self.join(r.array_r[: self.n2], g, F)

    def _jacobian(self, snes, X, J, P):
        self._load_state(X)
        system = self.system
        # iterative preset: the multigrid of the first Jacobian of a step preconditions the
        # later ones (as in the built-in Newton)
        A = system.assemble_operator(self.dt, reuse_preconditioner=self.jacobians > 0)
        if not system.ksp_ready:
            system.setup_ksp()
        self.jacobians += 1
        b, c, d = system.border_vectors(self.dt, self.galvanostatic)
        self.inner_solve(b, self.z)
        self.blocks = (A, b, c, d)

    def inner_solve(self, rhs, out) -> bool:
        """One solve with the problem's linear solver; False (reason kept) if it failed."""
        from .solvers import converged_reason_name

        self.inner.solve(rhs, out)
        self.krylov_iterations += self.inner.getIterationNumber()
        reason = self.inner.getConvergedReason()
        if reason < 0:
            self.inner_failure = converged_reason_name(reason)
            return False
        return True

    def _precheck(self, X, Y):
        """Shorten the step so that x_Na >= -1 (c >= -c_K0/2) at every content DOF: SNES
        steps along X - Y."""
        is_c = self.system.owned_is_c
        cu = X.array_r[: self.n2][is_c]
        dc = -Y.array_r[: self.n2][is_c]
        cmin = -0.5  # scaled: c / c_K0
        bad = (cu + dc) < cmin
        lam = float(np.min(0.9 * (cmin - cu[bad]) / dc[bad])) if np.any(bad) else 1.0
        from mpi4py import MPI

        lam = min(1.0, self.comm.allreduce(lam, op=MPI.MIN))
        if lam < 1.0:
            Y.scale(lam)
            return True
        return False

    def _converged(self, snes, it, norms):
        """Error-oriented test (Deuflhard's NLEQ-ERR): converged when the step just taken
        or the simplified next increment J^-1 F(X) (one more application of the current
        factorisation) is below ``rtol`` in the scaled max norm; the simplified increment is
        then added to the solution (Deuflhard's NLEQ-ERR error estimate, so the result is as
        accurate as one more Newton step).  Testing the predicted increment stops before a
        round-off-level step, whose monotonicity test is noise."""
        from mpi4py import MPI
        from petsc4py import PETSc

        xnorm, ynorm, fnorm = norms
        reasons = PETSc.SNES.ConvergedReason
        if not np.isfinite(fnorm):
            return reasons.DIVERGED_FNORM_NAN
        if it == 0:
            return reasons.ITERATING

        def scaled_max(vec):
            arr = vec.array_r
            loc = float(np.max(np.abs(arr))) if arr.size else 0.0
            return self.comm.allreduce(loc, op=MPI.MAX)

        inc = scaled_max(snes.getSolutionUpdate())
        self.history.append(inc)
        if inc < self.rtol:
            return reasons.CONVERGED_SNORM_RELATIVE
        residual = snes.getFunction()[0]
        last = self.last_apply  # the line search's simplified increment at this residual
        if last is not None and np.array_equal(last[0], residual.array_r):
            self.next_increment.array[:] = last[1]
        else:
            snes.getKSP().solve(residual, self.next_increment)
        if scaled_max(self.next_increment) < self.rtol:
            self.apply_next_increment = True  # NLEQ-ERR: x* ~ x_k+1 + simplified increment
            return reasons.CONVERGED_SNORM_RELATIVE
        if it >= self.max_iterations:
            return reasons.DIVERGED_MAX_IT
        return reasons.ITERATING

    # ---------------------------------------------------------------- solve
    def solve(self, problem, control, dt) -> NewtonReport:
        """Run SNES from the current state of ``problem`` (the driver's own); on success the
        problem holds the solution, else the start state and the report says why."""
        from petsc4py import PETSc

        pb = self.problem
        opts = pb.newton_options
        self.galvanostatic = isinstance(control, CurrentControl)
        self.dt = dt
        self.current = control.current_density * pb.area_nominal if self.galvanostatic else 0.0
        self.voltage_set = None if self.galvanostatic else float(control.voltage)
        self.rtol, self.max_iterations = opts.rtol, opts.max_iterations
        self.history = []
        self.jacobians = 0
        self.krylov_iterations = 0
        self.inner_failure = ""
        self.last_apply = None
        self.apply_next_increment = False
        self.snes.setTolerances(max_it=opts.max_iterations)
        if dt is not None:
            self.system.ensure_old_mass()
        u0, v0 = pb.u.x.array.copy(), float(pb.voltage.value)
        start_v = v0 if self.galvanostatic else self.voltage_set
        self.join(u0[: self.n2] / self.scale_u, start_v / self.scale_v, self.X)
        self.snes.solve(None, self.X)
        reason = self.snes.getConvergedReason()
        iterations = self.snes.getIterationNumber()
        if reason > 0:
            if self.apply_next_increment:
                self.X.axpy(-1.0, self.next_increment)
            self._load_state(self.X)
            return NewtonReport(True, iterations, list(self.history), "",
                                krylov_iterations=self.krylov_iterations)
        pb.u.x.array[:] = u0
        pb.voltage.value = v0
        names = {v: k for k, v in vars(PETSc.SNES.ConvergedReason).items()
                 if isinstance(v, int)}
        inner = (f"; {pb.linear_solver.kind} linear solve failed: {self.inner_failure}"
                 if self.inner_failure else "")
        return NewtonReport(False, iterations, list(self.history),
                            f"SNES {names.get(reason, reason)}{inner}",
                            krylov_iterations=self.krylov_iterations)
