"""The distributed (PETSc/MPI) linear system of a
:class:`~nakmodel.model.problem.CoupledProblem`, for both Newton drivers.

The unknowns are the blocked P1 DOFs u = (c, phi) and the global cell voltage V. The
inactive DOFs (c outside the alloy, phi outside the ceramic) are identity rows, like
Dirichlet rows. The bordered Newton system of a backward-Euler step

    [ A   b ] [du]     [r]      A = dR/du + M/dt,  b = dR/dV + M_uV/dt,
    [ c^T d ] [dV] = - [g]      c = dG/du + M_Gu/dt,  d = dG/dV + M_GV/dt,

with r = R(u) + (m(u) - m(u_n))/dt and g = int i_F dA - I + (q_dl - q_dl,n)/dt, is solved by
eliminating the scalar (Schur complement of d). This takes two solves with the same
operator: z = A^-1 b (the border column, once per Jacobian) and y = A^-1 (-r), then
dV = (-g - c.y)/(d - c.z) and du = y - dV z. Potentiostatic control has no border: dV = 0.
The KSP (options prefix ``nakmodel_model_``) is configured by the problem's
:class:`~nakmodel.model.solvers.LinearSolver` preset when the first Jacobian has been
assembled: MUMPS LU, or GMRES with fieldsplit/GAMG, whose index sets are the active c, the
active phi and the inert rows.

:class:`PetscSystem` is a :class:`~nakmodel.model.newton.LinearSystem`, so the built-in
damped Newton (:func:`~nakmodel.model.newton.deuflhard`) runs on it, and its operators,
vectors and KSP are also what :class:`~nakmodel.model.snes.SNESNewton` uses (the bordered
system: docs/theory/kinetics.md, "Current control").
"""

from __future__ import annotations

import time

import numpy as np

from . import thermo_ufl as tu
from .controls import CurrentControl, NewtonReport
from .solvers import FIELDS, converged_reason_name
from .sparsity import assemble_jacobian, compact_operators

#: the PETSc vectors assembled into, by form name (``y``, ``z``, ``r``: work vectors)
VECTORS = ("R", "R_V", "G_u", "M_uV", "M_Gu", "m_u", "y", "z", "r")


class PetscSystem:
    """Distributed operators, vectors and KSP of one CoupledProblem (built once, on first
    use: :attr:`CoupledProblem.petsc_system <nakmodel.model.problem.CoupledProblem>`).

    Attributes read by the drivers: ``bcs`` (the inert rows), ``A`` (Jacobian + M/dt on the
    union pattern), ``Mp`` (mass matrix; inert rows zero), ``vectors`` (name -> PETSc
    vector), ``ksp``, ``owned_scale`` and ``owned_is_c`` (of the owned u DOFs)."""

    def __init__(self, problem):
        from dolfinx import fem
        from dolfinx.fem import petsc as fpetsc
        from petsc4py import PETSc

        self.problem = pb = problem
        V = pb.space
        zero = np.float64(0.0)
        inactive_c, inactive_phi = pb.inactive_dofs()
        self.bcs = [fem.dirichletbc(zero, inactive_c.astype(np.int32), V.sub(0)),
                    fem.dirichletbc(zero, inactive_phi.astype(np.int32), V.sub(1))]
        f = pb.forms
        if pb.linear_solver.compact_pattern:  # nonzero patterns only, built directly
            self.A, self.Mp = compact_operators(pb, self.bcs)
        else:
            self.A = fpetsc.create_matrix(f["J"])
            self.Mp = fpetsc.assemble_matrix(f["M"], bcs=self.bcs, diag=0.0)
            self.Mp.assemble()
            # M couples DOFs that J does not (the blocked capacitance on the non-contacting
            # facets): give A the union pattern once, so that A += M/dt stays a subset update
            self.A.assemble()
            self.A.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, False)
            self.A.axpy(1.0, self.Mp, structure=PETSc.Mat.Structure.DIFFERENT_NONZERO_PATTERN)
            self.A.axpy(-1.0, self.Mp, structure=PETSc.Mat.Structure.SUBSET_NONZERO_PATTERN)
            self.A.zeroEntries()
        self.vectors = {name: fpetsc.create_vector(V)
                        for name in VECTORS}
        self.ksp = PETSc.KSP().create(pb.mesh.comm)
        self.ksp.setOptionsPrefix(pb.petsc_options_prefix)
        self.ksp_ready = False
        rt_f = tu.GAS_CONSTANT * pb.temperature / tu.FARADAY
        n = pb.n_owned_blocks
        self.owned_scale = np.empty(2 * n)
        self.owned_scale[0::2], self.owned_scale[1::2] = pb.c_max, rt_f
        self.owned_is_c = np.zeros(2 * n, dtype=bool)
        self.owned_is_c[0::2] = True
        self.old_mass = None  # m(u_n), assembled once per accepted state

    # ------------------------------------------------------------------ shared pieces
    def field_index_sets(self):
        """Global PETSc index sets of the fieldsplit blocks (owned rows): active c, active
        phi, and the inert identity rows."""
        from petsc4py import PETSc

        pb = self.problem
        start = self.A.getOwnershipRange()[0]
        owned = np.sort(pb.active_owned)
        is_c = owned % 2 == 0
        inert = np.setdiff1d(np.arange(2 * pb.n_owned_blocks), owned)
        comm = pb.mesh.comm
        return [(name, PETSc.IS().createGeneral((start + idx).astype(PETSc.IntType), comm=comm))
                for name, idx in zip(FIELDS, (owned[is_c], owned[~is_c], inert), strict=True)]

    def setup_ksp(self):
        """Configure the KSP from the preset's defaults + the user's PETSc options and set up
        the preconditioner on the current operator (once; later operators reuse the
        configuration, the PC is rebuilt once per Newton iteration when the matrix changes)."""
        from petsc4py import PETSc

        pb = self.problem
        with pb.linear_solver.defaults_in_options(pb.petsc_options_prefix):
            self.ksp.setFromOptions()
            pc = self.ksp.getPC()
            if pc.getType() == PETSc.PC.Type.FIELDSPLIT:
                for name, index_set in self.field_index_sets():
                    pc.setFieldSplitIS((name, index_set))
            self.ksp.setUp()  # sub-solvers read their options here
        self.ksp_ready = True

    def assemble_vector(self, name, out=None):
        """Assemble the form ``name`` into ``out`` (default: its own vector; ghosts summed,
        inert rows 0)."""
        from dolfinx.fem import petsc as fpetsc
        from petsc4py import PETSc

        out = self.vectors[name] if out is None else out
        with out.localForm() as loc:
            loc.set(0.0)
        forms = self.problem.forms
        for form in forms.get(f"{name}_parts") or (forms[name],):  # (3D R: split, forms.py)
            fpetsc.assemble_vector(out, form)
        out.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
        fpetsc.set_bc(out, self.bcs, alpha=0.0)
        return out

    def forget_old_mass(self):
        """A new state was accepted: m(u_n) is assembled again at the next step."""
        self.old_mass = None

    def ensure_old_mass(self):
        """m(u_n) (assembled at the accepted state, once per step)."""
        if self.old_mass is None:
            pb = self.problem
            saved, saved_v = pb.u.x.array.copy(), float(pb.voltage.value)
            pb.u.x.array[:] = pb.u_n.x.array
            pb.voltage.value = pb.voltage_n
            self.old_mass = self.assemble_vector("m_u").copy()
            pb.u.x.array[:] = saved
            pb.voltage.value = saved_v
        return self.old_mass

    def transient_residual(self, dt, current, galvanostatic: bool = True):
        """(r, g) at the current state: r = R + (m - m_n)/dt, g = int i_F dA - I
        (+ (q_dl - q_dl,n)/dt); ``dt`` None: steady. Potentiostatic control has no current
        row: g = 0 (not assembled)."""
        pb = self.problem
        r = self.assemble_vector("R", self.vectors["r"])
        g = pb.functional_form("G") - current if galvanostatic else 0.0
        if dt is not None:
            m = self.assemble_vector("m_u")
            r.axpy(1.0 / dt, m)
            r.axpy(-1.0 / dt, self.old_mass)
            if galvanostatic:
                g += (pb.functional_form("m_G") - pb.accepted_charge) / dt
        return r, g

    def assemble_operator(self, dt, reuse_preconditioner: bool):
        """A = J (+ M/dt) at the current state, set as the KSP operator (the KSP is
        configured at the first call). ``reuse_preconditioner``: keep the iterative preset's
        multigrid hierarchy (the Krylov solve still uses the current A)."""
        from petsc4py import PETSc

        pb, A = self.problem, self.A
        A.zeroEntries()
        assemble_jacobian(A, pb.forms, self.bcs)  # (3D: in parts, forms.assembly_parts)
        A.assemble()
        if dt is not None:
            A.axpy(1.0 / dt, self.Mp, structure=PETSc.Mat.Structure.SUBSET_NONZERO_PATTERN)
        self.ksp.setOperators(A)
        solver = pb.linear_solver
        self.ksp.getPC().setReusePreconditioner(
            reuse_preconditioner and solver.is_iterative and solver.reuse_preconditioner)
        return A

    def border_vectors(self, dt, galvanostatic: bool):
        """(b, c, d) of the bordered system at the current state; potentiostatic control
        (the row V - V_set): c = 0, d = 1."""
        pb = self.problem
        b = self.assemble_vector("R_V")
        if dt is not None:
            b.axpy(1.0 / dt, self.assemble_vector("M_uV"))
        if galvanostatic:
            c = self.assemble_vector("G_u")
            d = pb.functional_form("G_V")
            if dt is not None:
                c.axpy(1.0 / dt, self.assemble_vector("M_Gu"))
                d += pb.functional_form("M_GV") / dt
        else:
            c = self.vectors["G_u"]
            with c.localForm() as loc:
                loc.set(0.0)
            d = 1.0
        return b, c, d

    # ------------------------------------------------------------------ LinearSystem
    def begin(self, control, dt):
        pb = self.problem
        self.control, self.dt = control, dt
        self.galvanostatic = isinstance(control, CurrentControl)
        self.u0, self.V0 = pb.u.x.array.copy(), float(pb.voltage.value)
        if not self.galvanostatic:
            pb.voltage.value = control.voltage
        if dt is not None:
            self.ensure_old_mass()
        self.current = (control.current_density * pb.area_nominal if self.galvanostatic
                        else 0.0)
        self.n2 = 2 * pb.n_owned_blocks
        self.rt_f = tu.GAS_CONSTANT * pb.temperature / tu.FARADAY
        self.cmin = -0.5 * pb.c_max  # P1 undershoots (x < 0) are tolerated; x = -1 here
        self.solver_name = f"{pb.linear_solver.kind} linear solve"
        self.stats = {"krylov": 0, "assembly": 0.0, "linear": 0.0}
        self.border = None

    def residual(self):
        t0 = time.perf_counter()
        self.r, self.g = self.transient_residual(self.dt, self.current, self.galvanostatic)
        self.stats["assembly"] += time.perf_counter() - t0

    def _ksp_solve(self, rhs, out):
        """One linear solve; the KSP reason name when it failed, else ''."""
        t0 = time.perf_counter()
        self.ksp.solve(rhs, out)
        self.stats["linear"] += time.perf_counter() - t0
        self.stats["krylov"] += self.ksp.getIterationNumber()
        reason = self.ksp.getConvergedReason()
        return converged_reason_name(reason) if reason < 0 else ""

    def linearise(self, iteration):
        t0 = time.perf_counter()
        # iterative preset: the multigrid hierarchy of the first Newton iteration of a
        # step preconditions the later ones
        self.assemble_operator(self.dt, reuse_preconditioner=iteration > 1)
        if self.galvanostatic:
            b, c, d = self.border_vectors(self.dt, True)
        self.stats["assembly"] += time.perf_counter() - t0
        if not self.ksp_ready:
            t0 = time.perf_counter()
            self.setup_ksp()  # (the first factorisation / multigrid set-up)
            self.stats["linear"] += time.perf_counter() - t0
        self.border = None
        if self.galvanostatic:
            z = self.vectors["z"]
            failed = self._ksp_solve(b, z)
            if failed:
                return f"{self.solver_name} failed (border): {failed}"
            self.border = (b, c, d, z)
        self.base_u = self.problem.u.x.array.copy()
        self.base_V = float(self.problem.voltage.value)
        return ""

    def increment(self, simplified):
        y = self.vectors["y"]
        rhs = self.r.copy()
        rhs.scale(-1.0)
        failed = self._ksp_solve(rhs, y)
        rhs.destroy()
        if failed:
            what = " (simplified increment)" if simplified else ""
            return (y.copy(), 0.0), f"{self.solver_name} failed{what}: {failed}"
        if self.border is None:
            return (y.copy(), 0.0), ""
        b, c, d, z = self.border
        dV = (-self.g - c.dot(y)) / (d - c.dot(z))
        du = y.copy()
        du.axpy(-dV, z)
        if not simplified and not np.isfinite(dV):
            return (du, dV), f"{self.solver_name} failed: non-finite dV"
        return (du, dV), ""

    def norm(self, increment):
        from mpi4py import MPI

        du, dV = increment
        n2 = self.n2
        loc = np.max(np.abs(du.array_r[:n2] / self.owned_scale)) if n2 else 0.0
        comm = self.problem.mesh.comm
        return max(comm.allreduce(float(loc), op=MPI.MAX), abs(dV) / self.rt_f)

    def max_step(self, increment):
        """Positivity of the content: lam <= 1 with c + lam dc >= -c_K0/2 (x_Na >= -1)."""
        from mpi4py import MPI

        du = increment[0]
        cu = self.base_u[:self.n2][self.owned_is_c]
        dc = du.array_r[:self.n2][self.owned_is_c]
        bad = (cu + dc) < self.cmin
        lam_loc = float(np.min(0.9 * (self.cmin - cu[bad]) / dc[bad])) if np.any(bad) else 1.0
        return min(1.0, self.problem.mesh.comm.allreduce(lam_loc, op=MPI.MIN))

    def step(self, increment, lam):
        du, dV = increment
        pb = self.problem
        pb.u.x.array[:] = self.base_u
        pb.u.x.array[:self.n2] += lam * du.array_r[:self.n2]
        pb.u.x.scatter_forward()
        pb.voltage.value = self.base_V + lam * dV

    def release(self, increment):
        increment[0].destroy()

    def report(self, converged, iterations, history, reason=""):
        if not converged:
            pb = self.problem
            pb.u.x.array[:] = self.u0
            pb.voltage.value = self.V0
        s = self.stats
        return NewtonReport(converged, iterations, history, reason, s["krylov"],
                            s["assembly"], s["linear"])
