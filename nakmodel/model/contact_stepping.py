"""Backward-Euler elimination of the contact nodes of a sub-grid constriction.

With the sub-grid constriction r (:mod:`.constriction`) the active area of a homogenised
interface node is reached through r: metal V → double layer C_a = C_dl θ and kinetics of the
active area → ceramic at the contacts φ_c → r → homogenised ceramic φ; the rest of the
interface capacitance C_b' = C − C_a lies directly between V and φ (Fleig & Maier, Solid
State Ionics 86-88 (1996) 1351).  The small-signal model carries φ_c as an unknown
(:mod:`nakmodel.impedance.contact_nodes`); the time stepper eliminates it exactly per
backward-Euler step, per interface node [I]: with the kinetic overpotential
e = V − φ_c − U, the contact voltage u = V − φ_c = e + U, its value u^(n-1) of the last
accepted state (the history, a nodal field), g = C_a/dt and the quasi-static overpotential
η = V − φ − U, the node balance "resistor current = faradaic + C_a charging",

    (η − e)/r = k(e) + g (e + U − u^(n-1)),

is the constriction equation of :func:`.constriction.series_current` with

    r' = r/(1 + r g),   η' = (η + r g (u^(n-1) − U))/(1 + r g),

and the current into the ceramic at the node is the resistor current.  The mass matrix keeps
C = C_a + C_b' on (V − φ) (one mass matrix for stepping and impedance), so the residual of the
φ and control rows carries the resistor current minus that mass part of C_a:

    i_φ = k(e) + g (e + U − u^(n-1)) − g Δ(V − φ),    alloy rows: k(e)/F.

dt → ∞ (g = 0: steady solves, the linearisation) gives back k(e) with e + r k(e) = η, the
quasi-static model, bit for bit; nodes with r = 0 (a fully active interface) are unchanged
at any dt.  Without a sub-grid constriction (``interface.patch_size`` = 0, no 1D contact
spots) nothing changes.  The pattern (``interface.patch_shape``, spots or strips) charges
its blocked area by the factor F of :func:`.constriction.blocked_capacitance_factor` (state
dependent, the same F as the small-signal model): the extra (F − 1) C_b' between V and φ
adds (F − 1) C_b' Δ(V − φ)/dt to i_φ, with F of the last accepted state (lagged: the change
of F within a step is second order in a small signal).
"""

from __future__ import annotations

import numpy as np


class ContactStepping:
    """The contact nodes of a CoupledProblem's time stepping (module docstring): inactive
    without a sub-grid constriction; else the history :attr:`history` (contact voltage
    V − φ_c of the last accepted state [V], P1 field, set at the interface nodes)."""

    def __init__(self, problem):
        self.problem = problem
        self.history = None
        self._pending = None
        values = problem.values
        if values.get("patch_size", 0.0) == 0.0 and values.get("r_spots", 0.0) == 0.0:
            return
        import dolfinx_solver  # noqa: F401

        from dolfinx import fem

        msh = problem.mesh
        self.space = fem.functionspace(msh, ("Lagrange", 1))
        self.history = fem.Function(self.space, name="contact_voltage")
        self.inv_dt = fem.Constant(msh, 0.0)
        self.voltage_n = fem.Constant(msh, 0.0)
        self.cdl = fem.Constant(msh, float(problem.working.double_layer_capacitance))
        self._forms = None
        self._step = None
        self.extra = fem.Function(self.space, name="blocked_capacitance_excess")

    @property
    def active(self) -> bool:
        return self.history is not None

    def current(self, eta, i0, f_act, law, ocv, drop):
        """(i_φ, i_F) [A/m²]: current into the ceramic (φ and control rows) and faradaic
        current (alloy rows) of the interface node (module docstring); ``drop`` = V − φ.
        Without contact nodes both are :func:`.constriction.faradaic_current`."""
        from . import constriction

        pb = self.problem
        if not self.active:
            i = constriction.faradaic_current(pb, eta, i0, f_act, f_act, law=law)
            return i, i, None
        k = pb.constants
        r = constriction.series_resistance(pb, f_act)
        g = self.cdl * f_act * self.inv_dt  # C_a/dt per nominal area
        rg = r * g
        u_old = self.history("+")
        eta_s = (eta + rg * (u_old - ocv)) / (1.0 + rg)
        i_f, e = constriction.series_current(pb.kinetics_we, eta_s, i0, k["T"], f_act,
                                             r / (1.0 + rg), law=law, overpotential=True)
        drop_n = self.voltage_n - pb.u_n[1]("+")
        g_b = self.extra("+") * self.inv_dt - g
        return i_f + g * (e + ocv - u_old) + g_b * (drop - drop_n), i_f, e + ocv

    # ------------------------------------------------------------------ stepping
    def solve(self, solver, control, dt):
        """Run ``solver(control, dt)`` with g = C_a/dt of this step, back to g = 0 after;
        a converged state is remembered for :meth:`accept`."""
        if not self.active:
            return solver(control, dt)
        self._set(dt)
        try:
            report = solver(control, dt)
            ok = report.converged
            self._pending = (dt, self._state()) if ok else None
            self._step = (self._state(), *self._step_currents()) if ok else None
        finally:
            self._set(None)
        return report

    def _step_currents(self):
        """(this rank's ∫ i_F dA, global ∫ (i_φ − i_F) dA) [A] of the step just solved."""
        import dolfinx_solver  # noqa: F401

        import ufl
        from dolfinx import fem

        pb = self.problem
        if getattr(self, "_current_forms", None) is None:
            i_phi, parts = pb.interface_current(pb.u[0]("+"), pb.u[1]("+"), pb.voltage)
            w = pb.weight
            wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
            self._current_forms = [fem.form(x * wp * pb.dS_contact_nodal)
                                   for x in (parts["faradaic"], i_phi)]
        i_f, i_phi = (fem.assemble_scalar(f) for f in self._current_forms)
        return float(i_f), float(pb.mesh.comm.allreduce(float(i_phi - i_f)))

    def _stepped(self) -> bool:
        return getattr(self, "_step", None) is not None and self._same(self._step[0],
                                                                       self._state())

    def step_functional(self, name: str):
        """This rank's part of ``"current_we"`` (faradaic WE current [A]) of the step that
        produced the current state (the Na the alloy lost over it); None otherwise."""
        if name != "current_we" or not self.active or not self._stepped():
            return None
        return self._step[1]

    def step_correction(self) -> float:
        """∫ (i_φ − i_F) dA [A] of the step that produced the current state (the charging of
        C_a through r minus its mass-matrix part): added to the total current; else 0."""
        if not self.active or not self._stepped():
            return 0.0
        return self._step[2]

    def _set(self, dt):
        self.inv_dt.value = 0.0 if dt is None else 1.0 / dt
        self.voltage_n.value = float(self.problem.voltage_n)

    def _state(self, old: bool = False):
        pb = self.problem
        if old:
            return np.append(pb.u_n.x.array, pb.voltage_n)
        return np.append(pb.u.x.array, float(pb.voltage.value))

    def _same(self, a, b) -> bool:
        """a == b on every rank (the history update is collective)."""
        from mpi4py import MPI

        return not self.problem.mesh.comm.allreduce(int(not np.array_equal(a, b)), op=MPI.MAX)

    def accept(self):
        """Update the history before the problem makes its state the old one: u^n of the step
        just solved; unchanged when the state is the old one; the relaxed (DC) contact voltage
        when the state was set from outside."""
        if not self.active:
            return
        pending, self._pending = self._pending, None
        if pending is not None and self._same(pending[1], self._state()):
            dt = pending[0]
        elif self._same(self._state(), self._state(old=True)):
            return
        else:
            dt = None
        self._update(dt)

    def reset(self):
        """Relaxed history (DC contact voltage) of the current state (a new initial state)."""
        if self.active:
            self._pending = None
            self._update(None)

    def _update(self, dt):
        """u^n = e + U at the interface nodes: nodal rule, ∫ u v dS / ∫ v dS per node."""
        import dolfinx_solver  # noqa: F401

        import ufl
        from dolfinx import fem, la

        pb = self.problem
        if self._forms is None:
            v = ufl.TestFunction(self.space)
            _, parts = pb.interface_current(pb.u[0]("+"), pb.u[1]("+"), pb.voltage)
            dS = pb.dS_contact_nodal
            self._forms = (fem.form(parts["contact_voltage"] * v("+") * dS),
                           fem.form(v("+") * dS))
            area = fem.assemble_vector(self._forms[1])
            area.scatter_reverse(la.InsertMode.add)
            self._area = area.array.copy()
        self._set(dt)
        try:
            vec = fem.assemble_vector(self._forms[0])
        finally:
            self._set(None)
        vec.scatter_reverse(la.InsertMode.add)
        n = self.space.dofmap.index_map.size_local
        values = np.zeros_like(self.history.x.array)
        nodes = np.flatnonzero(self._area[:n] > 0)
        values[nodes] = vec.array[nodes] / self._area[nodes]
        self.history.x.array[:] = values
        self.history.x.scatter_forward()
        self._update_extra(nodes)

    def _nodal(self, form, nodes):
        import dolfinx_solver  # noqa: F401

        from dolfinx import fem, la

        vec = fem.assemble_vector(form)
        vec.scatter_reverse(la.InsertMode.add)
        return vec.array[nodes] / self._area[nodes]

    def _update_extra(self, nodes):
        """(F − 1) C_b' [F/m²] at the interface nodes of the current state (module docstring;
        F, G, C_b' as in :func:`nakmodel.impedance.contact_nodes.augment`)."""
        import dolfinx_solver  # noqa: F401

        import ufl
        from dolfinx import fem

        from . import constriction

        pb = self.problem
        if getattr(self, "_extra_forms", None) is None:
            v = ufl.TestFunction(self.space)
            Vv = ufl.variable(pb.voltage)
            i_v, parts = pb.interface_current(pb.u[0]("+"), pb.u[1]("+"), Vv)
            theta = parts["f_area"]
            exprs = (theta, ufl.diff(i_v, Vv), constriction.series_resistance(pb, theta),
                     pb.constants["cdl_we"] + 0.0 * theta)
            self._extra_forms = [fem.form(x * v("+") * pb.dS_contact_nodal) for x in exprs]
        theta, g, r, c_t = (self._nodal(f, nodes) for f in self._extra_forms)
        G = g / (1.0 - r * g)
        factor = constriction.blocked_capacitance_factor(theta, 1.0 / G, r,
                                                       pb.working.patch_shape)
        c_b = c_t - np.minimum(float(self.cdl.value) * theta, c_t)
        values = np.zeros_like(self.extra.x.array)
        values[nodes] = np.where(r * g > constriction.MIN_SHARE, (factor - 1.0) * c_b, 0.0)
        self.extra.x.array[:] = values
        self.extra.x.scatter_forward()
