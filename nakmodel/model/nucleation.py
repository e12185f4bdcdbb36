"""Nucleation barrier of solid K: a metastable K-rich liquid below the K-side liquidus.

At local equilibrium solid K precipitates as soon as the overall composition x of a node
falls below the K-side liquidus x_liq,K (lever rule, :mod:`.two_phase`).  With the barrier
``alloy.solid_k_nucleation_supersaturation`` = Δx_nuc > 0 (a study parameter [?]) the
liquid of a node that holds no solid K stays single-phase and supersaturated in K, its
composition equal to x and its potential, activity and interdiffusivity those of the liquid
formulas extrapolated below the liquidus, until x < x_liq,K - Δx_nuc; then solid K
nucleates at that node, which from then on follows the lever rule with the equilibrium
liquidus.  A node whose solid has melted again (x >= x_liq,K) loses its nucleus and needs
the barrier again.  Per alloy node a history flag n ∈ {0, 1} (P1 field, 1: nucleated)
gives the node's effective K-side liquidus [I]

    x_liq,K^eff = x_liq,K - Δx_nuc (1 - n),

which every phase field of :class:`~.two_phase.PhaseFields` takes in place of x_liq,K
(liquid and open fractions, liquid composition, OCV, activity, D_eff, blocking).  The flag
is updated explicitly at every accepted state (:meth:`SolidKNucleation.accept`), so it is
constant within a Newton solve and the Jacobian stays exact:

    n <- 1  if n = 0 and x < x_liq,K - Δx_nuc      (nucleation),
    n <- 0  if n = 1 and x >= x_liq,K              (the solid has melted).

Within the one step in which a node crosses x_liq,K - Δx_nuc it already sees the lever
rule of its effective liquidus (liquid pinned at x_liq,K - Δx_nuc), so its potential and
blocking stay continuous in that step; at the accept the liquidus jumps to x_liq,K (the
supersaturated liquid precipitates at once).  An initial state (or one set from outside)
is taken as equilibrated: n = 1 where x < x_liq,K (an alloy made in the two-phase field
holds its solid).  Neglected: growth kinetics of the solid (it reaches its lever-rule
amount within the step), a nucleation rate and its statistics (the threshold is sharp and
the same at every node), heterogeneous nucleation on neighbouring solid (each node needs
its own undercooling), and the K-side only (Na(ss) has no barrier).
docs/theory/thermodynamics.md, "Nucleation barrier of solid K".

Δx_nuc = 0 (the default) builds nothing: the forms, and the results, are those without
the barrier.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from ..errors import InputProblem, ParameterError

KEY = "alloy.solid_k_nucleation_supersaturation"


def updated_flags(flag, x, x_liquidus_k: float, supersaturation: float):
    """The nucleation flags after an accepted state (module docstring) [I]: a node without
    solid nucleates when x < x_liq,K - Δx_nuc, a nucleated one keeps its solid while
    x < x_liq,K.  ``flag`` (0/1) and ``x`` are arrays of the same nodes."""
    held = np.asarray(flag) > 0.5
    x = np.asarray(x, dtype=float)
    return np.where(held, x < x_liquidus_k, x < x_liquidus_k - supersaturation).astype(float)


def supersaturation_problem(value: float, x_liquidus_k: float, x_solid_k: float,
                            temperature: float) -> InputProblem | None:
    """The problem with Δx_nuc if the metastable liquid would reach the K(ss) solidus:
    x_liq,K - Δx_nuc must stay above x_s,K (the blend half-widths of the lever rule,
    ``phase_smoothing`` (x_liq,K^eff - x_s,K), stay positive); None if it does not."""
    window = x_liquidus_k - x_solid_k
    if value < window:
        return None
    return InputProblem(
        KEY, "the metastable liquid would reach the K(ss) solidus at "
        f"{temperature:g} K ({temperature - 273.15:.4g} degC)",
        value, f"[-] in [0, {window:.4g}) = [0, x_liq,K - x_s,K) at this temperature")


def check_supersaturation(value: float, x_liquidus_k: float, x_solid_k: float,
                          temperature: float) -> float:
    """Δx_nuc, refused (ParameterError) by :func:`supersaturation_problem`."""
    problem = supersaturation_problem(value, x_liquidus_k, x_solid_k, temperature)
    if problem is not None:
        raise ParameterError(problem)
    return float(value)


class _InterfacePhases:
    """Numpy twin of the problem's phase fields at the interface DOFs: each attribute is
    that of a :class:`~.two_phase.PhaseFields` whose K-side liquidus is the array of the
    interface nodes' effective liquidus (``problem.interface_c_dofs`` order), so it applies
    to arrays of the interface DOFs only (e.g. :meth:`CoupledProblem.ocv_interface_dofs`)."""

    def __init__(self, nucleation, phases):
        self._nucleation, self._phases = nucleation, phases

    def __getattr__(self, name):
        liquidus = self._nucleation.interface_liquidus_k()
        return getattr(dataclasses.replace(self._phases, x_liquidus_k=liquidus), name)


class SolidKNucleation:
    """The nucleation flags of a CoupledProblem's alloy nodes (module docstring): inactive
    (no field, no forms) when Δx_nuc = 0; else :attr:`flag`, a P1 field (1: solid K has
    nucleated at the node) on the content's collapsed space."""

    def __init__(self, problem):
        self.problem = problem
        self.flag = None
        self._step, self._current_form = None, None
        self.supersaturation = float(problem.alloy.solid_k_nucleation_supersaturation)
        if self.supersaturation == 0.0:
            return
        check_supersaturation(self.supersaturation, problem.x_liquidus_k, problem.x_solid_k,
                              problem.temperature)
        import dolfinx_solver  # noqa: F401

        from dolfinx import fem

        self.space, parent = problem.space.sub(0).collapse()
        # (the map to the parent's entries; a list of one map in this dolfinx)
        parent = np.asarray(parent[0] if isinstance(parent, (list, tuple)) else parent)
        self.flag = fem.Function(self.space, name="solid_k_nucleated")
        self._nodes = np.flatnonzero(np.isin(parent, problem.c_dofs))  # alloy nodes
        self._c_index = parent[self._nodes]  # their contents in problem.u.x.array
        node_of = np.full(problem.u.x.array.size, -1)
        node_of[parent] = np.arange(parent.size)
        self._interface = node_of[problem.interface_c_dofs]

    @property
    def active(self) -> bool:
        return self.flag is not None

    # ------------------------------------------------------------------ the liquidus
    def liquidus_k(self, x_liquidus_k):
        """The K-side liquidus the UFL phase fields use: x_liq,K - Δx_nuc (1 - n) when
        active (``problem.constants["dx_nuc"]``), else ``x_liquidus_k`` itself."""
        if not self.active:
            return x_liquidus_k
        return x_liquidus_k - self.problem.constants["dx_nuc"] * (1.0 - self.flag)

    def interface_liquidus_k(self):
        """Effective K-side liquidus at the interface DOFs (array), or the float x_liq,K."""
        if not self.active:
            return self.problem.x_liquidus_k
        n = self.flag.x.array[self._interface]
        return self.problem.x_liquidus_k - self.supersaturation * (1.0 - n)

    def numpy_twin(self, phases):
        """``phases`` (the numpy PhaseFields) when inactive, else its interface twin that
        sees each interface node's flag (:class:`_InterfacePhases`)."""
        return phases if not self.active else _InterfacePhases(self, phases)

    @property
    def alloy_nodes(self) -> np.ndarray:
        """Indices of the alloy nodes (owned + ghost) in ``flag.x.array``."""
        return self._nodes if self.active else np.zeros(0, dtype=int)

    def alloy_mole_fractions(self) -> np.ndarray:
        """x_Na of the current state at :attr:`alloy_nodes`."""
        return self._x() if self.active else np.zeros(0)

    def interface_flags(self) -> np.ndarray:
        """The flags at the interface DOFs (``problem.interface_c_dofs`` order)."""
        if not self.active:
            return np.zeros(self.problem.interface_c_dofs.size)
        return self.flag.x.array[self._interface].copy()

    def landing_signal(self) -> float:
        """max over the interface of (x_liq,K^eff - x): crosses 0 upwards when an interface
        node without solid reaches its nucleation threshold (all ranks)."""
        from mpi4py import MPI

        pb = self.problem
        g = self.interface_liquidus_k() - pb.interface_mole_fraction()
        local = float(np.max(g)) if g.size else -np.inf
        return float(pb.mesh.comm.allreduce(local, op=MPI.MAX))

    # ------------------------------------------------------------------ history
    def _x(self) -> np.ndarray:
        pb = self.problem
        return pb.x_of(pb.u.x.array[self._c_index])

    def _set(self, values):
        self.flag.x.array[:] = 0.0
        self.flag.x.array[self._nodes] = values
        self.flag.x.scatter_forward()

    def accept(self):
        """Update the flags from the state being accepted (module docstring); called by
        :meth:`CoupledProblem.accept` after the other histories.  When a flag changes, the
        faradaic current of the step (with the flags it was solved with) is kept for
        :meth:`step_functional`, so that the charge of the step stays the one that flowed."""
        if not self.active:
            return
        from mpi4py import MPI

        pb = self.problem
        old = self.flag.x.array[self._nodes]
        new = updated_flags(old, self._x(), pb.x_liquidus_k, self.supersaturation)
        changed = pb.mesh.comm.allreduce(int(np.any(new != old)), op=MPI.MAX)
        self._step = (self._state(), self._faradaic_current()) if changed else None
        if changed:
            self._set(new)

    def _state(self):
        pb = self.problem
        return np.append(pb.u.x.array, float(pb.voltage.value))

    def _faradaic_current(self) -> float:
        """This rank's int i_F dA [A] of the current state (own form, built at first use)."""
        import dolfinx_solver  # noqa: F401

        import ufl
        from dolfinx import fem

        pb = self.problem
        if self._current_form is None:
            _, parts = pb.interface_current(pb.u[0]("+"), pb.u[1]("+"), pb.voltage)
            w = pb.weight
            wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
            self._current_form = fem.form(parts["faradaic"] * wp * pb.dS_contact_nodal)
        return float(fem.assemble_scalar(self._current_form))

    def step_functional(self, name: str):
        """This rank's part of ``"current_we"`` [A] of the step that produced the current
        state when that step's accept changed a flag (the current that flowed, with the
        flags before nucleation/melting); None otherwise."""
        if name != "current_we" or self._step is None:
            return None
        from mpi4py import MPI

        differs = not np.array_equal(self._step[0], self._state())
        if self.problem.mesh.comm.allreduce(int(differs), op=MPI.MAX):
            return None
        return self._step[1]

    def reset(self):
        """Equilibrated flags of a new initial state: n = 1 where x < x_liq,K."""
        self._step = None
        if self.active:
            self._set((self._x() < self.problem.x_liquidus_k).astype(float))

    def nodes(self) -> tuple[np.ndarray, np.ndarray]:
        """(coordinates, flags) of this rank's owned nodes (checkpoints)."""
        m = self.space.dofmap.index_map.size_local
        return self.space.tabulate_dof_coordinates()[:m], self.flag.x.array[:m].copy()

    def restore(self, values):
        """Set the flags of every local node (owned + ghost, the collapsed space's order)
        from a checkpoint; the inert (NASICON) nodes stay 0."""
        self._step = None
        self._set(np.asarray(values, dtype=float)[self._nodes])
