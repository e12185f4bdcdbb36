"""Backward-Euler elimination of the grain-boundary field of the brick-layer ceramic.

Brick layer (:mod:`nakmodel.model.ceramic`): the ceramic field E = E_b + E_gb splits into a
bulk part, j = σ_b E_b, and a grain-boundary part with its own charging,

    j = σ_gb E_gb + ε_gb dE_gb/dt.

One backward-Euler step of length dt (g = ε_gb/dt) eliminates E_gb exactly [I]:

    E_gb^n = (j^n + g E_gb^(n-1))/(σ_gb + g),
    j^n    = σ_eff (E^n − h E_gb^(n-1)),  1/σ_eff = 1/σ_b + 1/(σ_gb + g),  h = g/(σ_gb + g),

i.e. the boundary acts as the resistor R_gb/(1 + R_gb C_gb/dt) plus a history source
(dt -> ∞ gives the DC total 1/σ = 1/σ_b + 1/σ_gb; dt -> 0 gives the bulk alone).

The time stepper (:class:`CeramicStepping`, attached to every
:class:`~nakmodel.model.problem.CoupledProblem`) eliminates the bulk element with its
geometric capacitance as well, j = (σ_b + ε_b ∂t) E_b: with a = σ_b + ε_b/dt,
b = σ_gb + ε_gb/dt, 1/σ' = 1/a + 1/b, β_b = (ε_b/dt)/a, β_gb = (ε_gb/dt)/b and the history
H = E_gb^(n-1) (DG0 vector field: E = −∇φ is constant per simplex) [I]

    j^n    = σ' (E^n − β_b E_b^(n-1) − β_gb H),  E_b^(n-1) = −∇φ^(n-1) − H,
    E_gb^n = (j^n + (ε_gb/dt) H)/b.

The mass matrix keeps ε_b K on φ (one mass matrix for stepping and impedance), so the steady
residual carries −j^n·∇v minus that mass term, (σ' − ε_b/dt)∇φ + (ε_b/dt − σ'β_b)∇φ^(n-1)
+ σ'(β_gb − β_b)H; dt -> ∞ (steady solves, the linearisation) gives σ_total ∇φ, the
undiscretised model, whose small-signal form carries φ_gb explicitly
(:func:`nakmodel.model.ceramic.augment`).  Without grain boundaries nothing changes.
"""
from __future__ import annotations

import math

import numpy as np


def _check(name: str, value: float, unit: str) -> float:
    value = float(value)
    if not math.isfinite(value) or value <= 0:
        raise ValueError(f"{name} must be a finite number > 0 [{unit}], got {value!r}")
    return value


def step_coefficients(dt: float, bulk_conductivity: float, grain_boundary_conductivity: float,
                      grain_boundary_permittivity: float) -> tuple[float, float]:
    """(σ_eff [S/m], h [-]) of one backward-Euler step: j^n = σ_eff (E^n − h E_gb^(n-1)),
    1/σ_eff = 1/σ_b + 1/(σ_gb + ε_gb/dt), h = (ε_gb/dt)/(σ_gb + ε_gb/dt) (module docstring) [I]."""
    dt = _check("dt", dt, "s")
    sb = _check("bulk_conductivity", bulk_conductivity, "S/m")
    sg = _check("grain_boundary_conductivity", grain_boundary_conductivity, "S/m")
    g = _check("grain_boundary_permittivity", grain_boundary_permittivity, "F/m") / dt
    return 1.0 / (1.0 / sb + 1.0 / (sg + g)), g / (sg + g)


def updated_history(current_density, previous_field, dt: float,
                    grain_boundary_conductivity: float, grain_boundary_permittivity: float):
    """E_gb^n = (j^n + g E_gb^(n-1))/(σ_gb + g), g = ε_gb/dt [V/m] (module docstring) [I];
    works on floats and numpy arrays alike."""
    dt = _check("dt", dt, "s")
    sg = _check("grain_boundary_conductivity", grain_boundary_conductivity, "S/m")
    g = _check("grain_boundary_permittivity", grain_boundary_permittivity, "F/m") / dt
    return (current_density + g * previous_field) / (sg + g)


def ceramic_step_coefficients(dt, bulk_conductivity, grain_boundary_conductivity,
                              bulk_permittivity, grain_boundary_permittivity):
    """(p, q, s, g1, g2, g3) of one backward-Euler step of the brick-layer ceramic [S/m, -]
    (module docstring) [I]: residual integrand (p ∇φ + q ∇φ^(n-1) + s H)·∇v and update
    E_gb^n = g1 ∇φ + g2 ∇φ^(n-1) + g3 H; ``dt=None`` is the DC limit (σ_total, 0, 0,
    −σ_total/σ_gb, 0, 0)."""
    sb, sg = float(bulk_conductivity), float(grain_boundary_conductivity)
    if dt is None:
        st = 1.0 / (1.0 / sb + 1.0 / sg)
        return st, 0.0, 0.0, -st / sg, 0.0, 0.0
    eb, eg = float(bulk_permittivity) / dt, float(grain_boundary_permittivity) / dt
    a, b = sb + eb, sg + eg
    sp = 1.0 / (1.0 / a + 1.0 / b)
    beta_b, beta_g = eb / a, eg / b
    return (sp - eb, eb - sp * beta_b, sp * (beta_g - beta_b),
            -sp / b, sp * beta_b / b, (sp * (beta_b - beta_g) + eg) / b)


def brick_layer_conductivities(problem) -> tuple[float, float]:
    """(σ_b, σ_gb) [S/m] of ``problem``'s ceramic at its temperature, both scaled by the
    factor the model puts on its conduction (a 1D cell with contact spots:
    ``Cell.spot_constriction_factor``), so that their series value is the model's σ."""
    nas, T = problem.nasicon, problem.temperature
    s_b, s_gb = nas.bulk_conductivity_at(T), nas.grain_boundary_conductivity_at(T)
    factor = problem.values["sigma"] / (1.0 / (1.0 / s_b + 1.0 / s_gb))
    return factor * s_b, factor * s_gb


class CeramicStepping:
    """The ceramic conduction of a CoupledProblem's time stepping (module docstring):
    σ ∇φ·∇v without grain boundaries; with them the dt-dependent brick-layer step and the
    history field :attr:`history` (E_gb of the last accepted state, V/m, DG0 vector)."""

    def __init__(self, problem):
        self.problem = problem
        self.history = None
        self._pending = None
        self._dt = None
        if not getattr(problem.nasicon, "has_grain_boundaries", False):
            return
        import dolfinx_solver  # noqa: F401

        from dolfinx import fem

        msh = problem.mesh
        self.space = fem.functionspace(msh, ("DG", 0, (msh.geometry.dim,)))
        self.history = fem.Function(self.space, name="grain_boundary_field")
        self.conductivities = brick_layer_conductivities(problem)
        self.permittivities = (problem.values["eps_geo"],
                               float(problem.nasicon.grain_boundary_permittivity))
        self._k = [fem.Constant(msh, 0.0) for _ in range(6)]
        self._set(None)
        ct = problem.cell_mesh.cell_tags
        self._cells = ct.find(problem.tag("nasicon", "cell")).astype(np.int32)
        self._expr = None

    @property
    def active(self) -> bool:
        return self.history is not None

    def _set(self, dt):
        values = ceramic_step_coefficients(dt, *self.conductivities, *self.permittivities)
        for const, value in zip(self._k, values, strict=True):
            const.value = value

    def conduction(self, sigma, phi, test):
        """Integrand of the ceramic conduction in the steady residual (times w dx_nasicon):
        σ ∇φ·∇v, with grain boundaries p ∇φ·∇v (the terms in the unknowns; the history
        terms are :meth:`history_source`)."""
        import ufl

        if not self.active:
            return sigma * ufl.inner(ufl.grad(phi), ufl.grad(test))
        return self._k[0] * ufl.inner(ufl.grad(phi), ufl.grad(test))

    def history_source(self, test):
        """Integrand (q ∇φ^(n-1) + s H)·∇v of the step's history terms (times w
        dx_nasicon; module docstring), or ``None`` without grain boundaries.  A form of its
        own: dolfinx packs every coefficient of a form for every cell of each of its
        integrals, so u_n and H are packed only on the NASICON cells."""
        import ufl

        if not self.active:
            return None
        q, s = self._k[1:3]
        return ufl.inner(q * ufl.grad(self.problem.u_n[1]) + s * self.history, ufl.grad(test))

    def solve(self, solver, control, dt):
        """Run ``solver(control, dt)`` (one step) with the step coefficients of dt, back to
        the DC ones afterwards; a converged state is remembered for :meth:`accept`."""
        if not self.active:
            return solver(control, dt)
        self._set(dt)
        try:
            report = solver(control, dt)
        finally:
            self._set(None)
        self._pending = None
        if report.converged:
            self._pending = (dt, self._phi().copy())
        return report

    def _phi(self, function=None):
        pb = self.problem
        return (pb.u if function is None else function).x.array[pb.phi_dofs]

    def accept(self):
        """Update the history before the problem makes its state the old one: E_gb^n of the
        step just solved; unchanged when the state is the old one; the relaxed DC split
        E_gb = σ_b/(σ_b + σ_gb) E when the state was set from outside."""
        if not self.active:
            return
        pending, self._pending = self._pending, None
        if pending is not None and self._same(pending[1], self._phi()):
            dt = pending[0]
        elif self._same(self._phi(), self._phi(self.problem.u_n)):
            return
        else:
            dt = None
        self._update(dt)

    def _same(self, a, b) -> bool:
        """a == b on every rank (the history update is collective)."""
        from mpi4py import MPI

        return not self.problem.mesh.comm.allreduce(int(not np.array_equal(a, b)), op=MPI.MAX)

    def reset(self):
        """Relaxed history (DC split) of the current state (a new initial state)."""
        if self.active:
            self._pending = None
            self._update(None)

    def _update(self, dt):
        import dolfinx_solver  # noqa: F401

        import ufl
        from dolfinx import fem

        if self._expr is None:
            g1, g2, g3 = self._k_update = [fem.Constant(self.problem.mesh, 0.0)
                                           for _ in range(3)]
            pb = self.problem
            expr = (g1 * ufl.grad(pb.u[1]) + g2 * ufl.grad(pb.u_n[1]) + g3 * self.history)
            self._expr = fem.Expression(expr, self.space.element.interpolation_points)
        values = ceramic_step_coefficients(dt, *self.conductivities, *self.permittivities)
        for const, value in zip(self._k_update, values[3:], strict=True):
            const.value = value
        # evaluated on the NASICON cells into a temporary (the expression reads the history
        # it replaces), then written to their DG0 DOFs; the other cells stay 0
        new = self._expr.eval(self.problem.mesh, self._cells)
        gdim = self.space.dofmap.index_map_bs
        dofs = self.space.dofmap.list[self._cells, 0]
        self.history.x.array.reshape(-1, gdim)[dofs] = new.reshape(len(self._cells), gdim)
        self.history.x.scatter_forward()
