"""Assembly and Newton solution of the coupled alloy | NASICON | counter-electrode problem.

Unknowns (one parent mesh, one blocked P1 space with two components):

* ``c``   Na content of the alloy per unit *reference* volume [mol/m^3] (per pore volume in a
  porous host, see below; active on alloy cells incl. the interface).  The reference is
  the initial alloy; its K atoms (c_K0 per m^3) are conserved, so x_Na = c / (c + c_K0) and
  the Na inventory is exactly int c dV0 (int eps c dV0 in a host).  The alloy
  shrinks/swells with J = c_K0 V_K + c V_Na (assumed normal to the interface, as for a film);
  the Na flux relative to the K lattice is then -D~ grad c / J^2 (exact in 1D, derived from the
  volume-fixed Darken flux -D~ grad c_Na with V_Na J_Na + V_K J_K = 0) [I];
* ``phi`` electrostatic potential of Na+ in NASICON [V] (active on NASICON cells);
* ``V``   potential of the (equipotential) working-electrode metal [V], a global scalar;
  the counter electrode metal is the reference, phi_CE = 0, so V is the cell voltage.

Both fields are continuous P1 fields on the whole mesh; only the DOFs of their own
subdomain are unknowns (the others are inert).  Since a P1 trace on a facet only depends on
the facet DOFs, the interface terms see the alloy-side c and the NASICON-side phi without any
restriction bookkeeping.  The global scalar V is handled by bordering the sparse system
(one extra row/column, only the interface DOFs are non-zero in it): no Lagrange-multiplier
space is needed.  Two linear-algebra backends:

* ``scipy`` (serial default in 1D/2D): the bordered matrix restricted to the active DOFs,
  factorised by SuperLU (symmetric-mode, minimum-degree ordering); the bordered sparsity is
  built once;
* ``petsc`` (default under MPI and in 3D): the inactive DOFs are identity rows
  (Dirichlet-type), the border is eliminated by two solves with the same operator (Schur
  complement of the scalar; the border column once per Newton iteration), all reductions are
  global; ``mpiexec -n 2`` reproduces the serial run to ~1e-14.  The linear solver is a
  preset of :mod:`.solvers`: MUMPS LU (``direct``) or GMRES + fieldsplit/GAMG
  (``iterative``, the default in 3D, where the LU time grows ~N^1.5).

Newton: full steps accepted by Deuflhard's natural monotonicity test (simplified increment
with the same factorisation), otherwise halved; converged when the scaled increment
< ``rtol`` or the next (simplified) increment < ``atol`` (scales: c_K0, RT/F).

Discretisation details: the alloy mass is lumped (row-sum, vertex rule with a nodal weight)
and the faradaic / double-layer interface terms use a nodal (trapezoidal) rule, so each
interface node's current depends on its own composition only; with
:func:`thermo_ufl.active_fraction` vanishing with the Na content this keeps a depleting
interface from being drawn negative by the kinetics.  Small P1 undershoots (x < 0 at single
nodes, from non-M-matrix stiffness on poorly shaped elements) are tolerated; D and f_act
stay admissible there.  Na is conserved exactly: the Na inventory ``int c dV0`` (same lumped
rule) changes by the faradaic charge / F to the Newton tolerance.

The semi-discrete system is written as ``M du/dt + R(u) = 0`` with a constant mass matrix ``M``
(alloy mass, double-layer capacitances, geometric capacitance of the ceramic and an optional
``extra_mass``) and a nonlinear steady residual ``R`` (diffusion, conduction, Butler-Volmer,
current constraint) — :meth:`CoupledProblem.linearisation` returns ``(J, M)`` for the impedance
module.

The weak forms, the interface currents and the porous-host effective medium are written
out in :mod:`nakmodel.model.forms` (docs/theory/transport.md, kinetics.md, ceramic.md).
"""

from __future__ import annotations

import math
from collections.abc import Callable

import dolfinx_solver  # noqa: F401  (must precede dolfinx)

import numpy as np
import scipy.sparse as sp
import ufl
from dolfinx import fem

from ..errors import ConvergenceError, InputProblem, ParameterError
from . import forms, two_phase
from . import thermo_ufl as tu
from .contact_stepping import ContactStepping
from .controls import (  # noqa: F401  (public here too)
    NEWTON_METHODS,
    CurrentControl,
    NewtonOptions,
    NewtonReport,
    VoltageControl,
)
from .dof_layout import DofLayout
from .grain_boundary_stepping import CeramicStepping
from .interface import ActivityExchangeCurrent, ButlerVolmer, ConstantExchangeCurrent
from .materials import AlloyProperties, ElectrodeInterface, NasiconProperties
from .newton import BACKENDS, driver_for
from .nucleation import SolidKNucleation
from .solvers import linear_solver_for
from .sparsity import bordered_csr_template


def _check_host(host):
    """The porous host (None or a PorousHost-like object with porosity, transport_factor and
    areal_fraction); anything else is a ParameterError."""
    if host is None:
        return None
    needed = ("porosity", "transport_factor", "areal_fraction")
    if not all(hasattr(host, name) for name in needed):
        raise ParameterError(InputProblem("host", "not a porous host", host,
                                          "None or nakmodel.geometry.PorousHost(porosity, "
                                          "tortuosity, interface_fraction)"))
    return host


class CoupledProblem:
    """The coupled FE problem on a tagged cell mesh (see module docstring).

    Parameters
    ----------
    cell_mesh: object with ``mesh``, ``cell_tags``, ``facet_tags``, ``tags`` (name -> int) and
        ``axisymmetric`` (x[0] is r).
    temperature: K.
    x_initial: initial Na mole fraction (float) or callable x(coords) -> array.
    host: optional :class:`nakmodel.geometry.PorousHost` of the alloy layer (effective medium,
        see the module docstring); default: ``cell_mesh.host`` (a ``CellMesh`` built from a
        ``Cell(host=...)`` carries it).
    extra_residual: optional callable ``(problem, v) -> ufl.Form`` (v: the test function of
        ``problem.space``) added to the steady residual R (manufactured-solution sources,
        extra fluxes).
    extra_mass: optional callable ``(problem, v) -> ufl.Form`` added to the mass form m(u)
        (``M du/dt``); it must be linear in ``problem.u`` (M is assembled once) —
        e.g. extra capacitive storage, time-dependent manufactured solutions.
    parameters: the :class:`nakmodel.parameters.Parameters` (kept as :attr:`parameters`) the
        phase boundaries and the materials not given (alloy, nasicon, working, counter) come
        from; None: the default set (``load_parameters()``).
    newton: :class:`NewtonOptions` (``method="builtin"`` or ``"snes"``).
    backend: ``"auto"`` (scipy for a serial direct solve with the built-in Newton, else
        petsc), ``"scipy"``, ``"petsc"``.
    linear_solver: ``"auto"`` (direct in 1D/2D, iterative in 3D), ``"direct"``,
        ``"iterative"`` or a :class:`~nakmodel.model.solvers.LinearSolver` (PETSc backend).

    Public state for the other model modules (read-only): :attr:`values` (name -> float of
    every number in the forms, SI; :attr:`constants`: the same as ``fem.Constant``),
    :attr:`forms` (compiled ``R``, ``J``, ``M``, ``G``, ...), :attr:`bcs` (PETSc backend:
    inert DOFs), :meth:`tag`, :meth:`has_facets`, :meth:`scales`.
    """

    #: PETSc options prefix of the Newton linear solver (override any option under it)
    petsc_options_prefix = "nakmodel_model_"

    def __init__(self, cell_mesh, *, temperature: float, alloy: AlloyProperties | None = None,
                 nasicon: NasiconProperties | None = None,
                 working: ElectrodeInterface | None = None,
                 counter: ElectrodeInterface | None = None,
                 kinetics_we=None, kinetics_ce=None, exchange_we=None,
                 x_initial: float | Callable = 0.5, newton: NewtonOptions | None = None,
                 extra_residual: Callable | None = None, liquid_window=None,
                 include_interface: bool = True, x_reference: float | None = None,
                 parameters=None, quadrature_degree: int = 4, lumped: bool = True,
                 backend: str = "auto", host=None, extra_mass: Callable | None = None,
                 linear_solver="auto"):
        if not (isinstance(temperature, (int, float)) and 0 < temperature < 2000):
            raise ParameterError(InputProblem("temperature", "must be a positive temperature",
                                              temperature, "[K] in (0, 2000)"))
        self.cell_mesh = cell_mesh
        self.mesh = cell_mesh.mesh
        self.temperature = float(temperature)
        self.parameters = parameters
        self.host = _check_host(getattr(cell_mesh, "host", None) if host is None else host)
        for name, fn in (("extra_residual", extra_residual), ("extra_mass", extra_mass)):
            if fn is not None and not callable(fn):
                raise ParameterError(InputProblem(name, "must be callable", fn,
                                                  "None or a callable (problem, v) -> ufl form"))
        self.alloy = alloy or AlloyProperties.from_parameters(parameters)
        self.nasicon = nasicon or NasiconProperties.from_parameters(parameters)
        self.working = working or ElectrodeInterface.from_parameters(parameters, "interface")
        self.counter = counter or ElectrodeInterface.from_parameters(parameters,
                                                                     "counter_electrode")
        self.kinetics_we = kinetics_we or ButlerVolmer(self.working.anodic_transfer_coefficient,
                                                       self.working.cathodic_transfer_coefficient)
        self.kinetics_ce = kinetics_ce or ButlerVolmer(self.counter.anodic_transfer_coefficient,
                                                       self.counter.cathodic_transfer_coefficient)
        self.exchange_we = exchange_we or ActivityExchangeCurrent(
            self.working.exchange_current_density, self.working.cathodic_transfer_coefficient)
        self.exchange_ce = ConstantExchangeCurrent(self.counter.exchange_current_density)
        self.newton_options = newton or NewtonOptions()
        self.axisymmetric = bool(getattr(cell_mesh, "axisymmetric", False)
                                 or getattr(cell_mesh, "is_axisymmetric", False))
        if liquid_window is None:
            bounds = self.alloy.phase_boundaries(self.temperature, parameters)
        elif len(liquid_window) == 2:
            bounds = (liquid_window[0], 0.0, liquid_window[1], 1.0)
        else:
            bounds = tuple(liquid_window)
        self.x_liquidus_k, self.x_solid_k, self.x_liquidus_na, self.x_solid_na = map(float,
                                                                                   bounds)
        if x_reference is None:
            x_reference = x_initial if not callable(x_initial) else 0.5
        self.x_reference = float(x_reference)
        self.potassium = tu.potassium_content(self.x_reference, self.alloy.na_molar_volume,
                                              self.alloy.k_molar_volume)
        if backend not in BACKENDS:
            raise ParameterError(InputProblem("backend", "unknown linear-algebra backend", backend,
                                              "'auto', 'scipy' (serial) or 'petsc' (MPI, MUMPS)"))
        self.linear_solver = linear_solver_for(linear_solver, cell_mesh.mesh.topology.dim)
        if backend == "auto":
            serial_direct = (cell_mesh.mesh.comm.size == 1 and not self.linear_solver.is_iterative
                             and self.newton_options.method != "snes")
            backend = "scipy" if serial_direct else "petsc"
        if backend == "scipy" and self.newton_options.method == "snes":
            raise ParameterError(InputProblem("numerics.newton_method", "SNES needs PETSc matrices",
                                              "snes with backend='scipy'",
                                              "backend 'petsc' or 'auto' with method 'snes'"))
        if backend == "scipy" and cell_mesh.mesh.comm.size > 1:
            raise ParameterError(InputProblem("backend", "the scipy backend is serial", backend,
                                              "'petsc' when running under MPI"))
        if backend == "scipy" and self.linear_solver.is_iterative:
            raise ParameterError(InputProblem("linear_solver", "the scipy backend is direct only",
                                              self.linear_solver.kind,
                                              "'direct' with backend='scipy', or backend='petsc'"))
        self.backend = backend
        self.quadrature_degree = int(quadrature_degree)
        self.lumped = bool(lumped)
        self._extra_residual = extra_residual
        self._extra_mass = extra_mass
        self._include_interface = include_interface
        self._driver = None  # (the Newton driver, :func:`.newton.driver_for`, built once)
        self._petsc_system = None  # (PETSc backend: built at first use)
        self._build(x_initial)

    # ------------------------------------------------------------------ build
    def tag(self, name: str, kind: str = "facet") -> int:
        """Marker of a region/boundary: works with a geometry ``TagTable`` or a plain dict."""
        tags = self.cell_mesh.tags
        if hasattr(tags, kind):
            return int(getattr(tags, kind)(name))
        return int(tags[name])

    def has_facets(self, name: str) -> bool:
        """Whether the boundary ``name`` exists and has facets on any rank."""
        try:
            tag = self.tag(name)
        except (KeyError, ValueError, ParameterError):
            return False
        local = self.cell_mesh.facet_tags.find(tag).size
        return self.mesh.comm.allreduce(local) > 0

    def _weight(self):
        """Measure weight: the CellMesh's own (2 pi r, pi b^2 in 1D, 1) or 2 pi r / 1."""
        if hasattr(self.cell_mesh, "weight"):
            return self.cell_mesh.weight()
        X = ufl.SpatialCoordinate(self.mesh)
        return 2.0 * math.pi * X[0] if self.axisymmetric else 1.0

    def _build(self, x_initial):
        msh = self.mesh
        tdim = msh.topology.dim
        self.space = fem.functionspace(msh, ("Lagrange", 1, (2,)))
        self.u = fem.Function(self.space, name="c_phi")
        self.u_n = fem.Function(self.space)
        self.voltage = fem.Constant(msh, 0.0)

        ct, ft = self.cell_mesh.cell_tags, self.cell_mesh.facet_tags
        layout = DofLayout.of(self.space, ct.find(self.tag("alloy", "cell")),
                              ct.find(self.tag("nasicon", "cell")))
        self.n_owned_blocks = layout.n_owned_blocks
        self.c_dofs, self.phi_dofs = layout.c_dofs, layout.phi_dofs  # (owned + ghosts)
        self.active, self.active_owned = layout.active, layout.active_owned
        self.n_c, self.n_phi = self.c_dofs.size, self.phi_dofs.size
        self._inactive_c, self._inactive_phi = layout.inactive_c, layout.inactive_phi
        msh.topology.create_connectivity(tdim - 1, tdim)
        contact_tags = [self.tag("interface_contact")]
        if self.has_facets("flaw"):  # metal-filled flaw faces are wetted interface
            contact_tags.append(self.tag("flaw"))
        interface_tags = contact_tags + ([self.tag("interface_blocked")]
                                         if self.has_facets("interface_blocked") else [])
        iface_facets = np.concatenate([ft.find(t) for t in interface_tags])
        iface_blocks = np.unique(fem.locate_dofs_topological(self.space, tdim - 1, iface_facets))
        self.interface_c_dofs = 2 * iface_blocks
        self.interface_coordinates = self.space.tabulate_dof_coordinates()[iface_blocks]

        # --- UFL (model/forms.py) ---------------------------------------------
        self.weight = self._weight()
        m = forms.integration_measures(self, contact_tags, interface_tags)
        self.ds, self.dx_alloy, self.dx_nasicon = m.ds, m.dx_alloy, m.dx_nasicon
        self.dS_contact, self.dS_contact_nodal = m.dS_contact, m.dS_contact_nodal
        self.dx_alloy_mass, self.dx_alloy_flux = m.dx_alloy_mass, m.dx_alloy_flux
        self.dS_interface, self.ds_ce = m.dS_interface, m.ds_ce
        self.contact, sigma = forms.contact_and_conductivity(self)
        # every number in the forms is a fem.Constant: changing a parameter value does not
        # trigger a new JIT compilation (sweeps reuse the compiled kernels)
        self.values = forms.form_values(self, sigma)
        self.constants = {name: fem.Constant(msh, float(v)) for name, v in self.values.items()}
        k, a = self.constants, self.alloy
        self.ceramic = CeramicStepping(self)
        self.contact_nodes = ContactStepping(self)  # (stepped contact nodes of a constriction)
        self.nucleation = SolidKNucleation(self)  # (solid-K nucleation flags; off: nothing)
        # phase fields at T (lever rule, phase-correct potential, mixture transport; the
        # K-side liquidus per node with a nucleation barrier; numpy twin: interface DOFs)
        solubility = dict(k_solubility=self.x_solid_k > 0.0, na_solubility=self.x_solid_na < 1.0)
        self.phases = two_phase.PhaseFields(k["xsk"], self.nucleation.liquidus_k(k["xlk"]),
                                            k["xln"], k["xsn"], k["phase_smoothing"],
                                            **solubility)
        self.phases_numpy = self.nucleation.numpy_twin(two_phase.PhaseFields(
            self.x_solid_k, self.x_liquidus_k, self.x_liquidus_na, self.x_solid_na,
            a.phase_smoothing, **solubility))
        self.forms, self._functionals, self.expr, self._mass_weight = forms.weak_forms(
            self, self._extra_residual, self._extra_mass, self._include_interface)
        self.area_nominal = self.functional("area_interface")
        self.area_contact = self.functional("area_contact")
        self.set_initial_state(x_initial)
        self._M = None

    # ------------------------------------------------------------------ physics (UFL)
    def x_of(self, c):
        """Na mole fraction of the content c (UFL or numpy)."""
        if isinstance(c, ufl.core.expr.Expr):
            return tu.mole_fraction_from_content(c, self.constants["K"])
        return tu.mole_fraction_from_content(c, self.potassium)

    def effective_diffusivity(self, c):
        """Mixture diffusivity D_eff(x) of the content c [m^2/s], j = -D_eff grad c
        (:meth:`nakmodel.model.two_phase.PhaseFields.effective_diffusivity`: flux down the
        gradient of each phase's own composition; 0 inside a two-phase field)."""
        k = self.constants

        def d_liquid(x_l):
            return tu.interdiffusivity(x_l, k["T"], k["L0"], k["L1"], k["d_na"], k["d_k"],
                                       k["factor"], k["L2"])

        return self.phases.effective_diffusivity(self.x_of(c), d_liquid, k["d_solid"])

    def diffusivity(self, c):
        """Effective diffusivity normal to the interface in the reference frame [m^2/s]:
        D_eff(x) / J^2 (the full tensor is :meth:`transport_tensor`)."""
        k = self.constants
        stretch = tu.stretch(c, k["K"], k["v_na"], k["v_k"])
        return self.effective_diffusivity(c) / stretch**2

    def transport_tensor(self, c):
        """D_eff(x) C^-1, C^-1 = I + (1/J^2 - 1) e_z (x) e_z (normal swelling; scalar
        D_eff / J^2 in 1D): the reference-frame flux is -transport_tensor grad c
        (:func:`nakmodel.model.two_phase.kinematic_tensor`)."""
        k = self.constants
        stretch = tu.stretch(c, k["K"], k["v_na"], k["v_k"])
        return self.effective_diffusivity(c) * two_phase.kinematic_tensor(
            stretch, self.mesh.geometry.dim)

    def interface_current(self, c, phi, voltage):
        """Faradaic current density WE -> NASICON [A/m^2] and its parts (dict).

        i = contact {f_o k(eta, i0_L) + (1 - f_o) k(eta, i0_S) g(eta)} (direction-dependent
        blocking, :func:`nakmodel.model.two_phase.interface_current`): f_o = f_K^n the area
        not covered by solid K, i0_L = i0_ref a_Na^alpha_c, i0_S = i0_K a_Na^alpha_c
        (``interface.solid_k_exchange_current_density``), g = 1 for reduction and theta
        (``interface.blocking_smoothing``) for oxidation; eta = V - phi - U(x) with the
        phase-correct equilibrium potential and activity of all phase fields
        (:class:`~nakmodel.model.two_phase.PhaseFields`)."""
        k = self.constants
        x = self.x_of(c)
        ph = self.phases
        x_l = ph.liquid_composition(x)
        f_l = ph.liquid_fraction(x)
        ocv = ph.ocv_vs_na(x, k["T"], k["L0"], k["L1"], k["tm_na"], k["dh_na"], k["L2"])
        eta = voltage - phi - ocv
        activity = ph.activity_na(x, k["T"], k["L0"], k["L1"], k["L2"])
        if isinstance(self.exchange_we, ActivityExchangeCurrent):
            scale = activity**self.exchange_we.exponent
            i0 = k["i0_we"] * scale
            i0_solid = k["i0_solid_k"] * scale
        else:
            i0 = self.exchange_we.value(activity)
            i0_solid = k["i0_solid_k"] / k["i0_we"] * i0
        f_open_k = ph.open_fraction(x)

        def law(e):
            return two_phase.interface_current(
                self.kinetics_we, e, i0, i0_solid, f_open_k, k["T"], k["smooth"],
                k["blocking_exponent"], k["contact"])[0]

        f_open = f_open_k ** k["blocking_exponent"]
        # area passing current in the present direction (reduction: all wetted area;
        # oxidation: the open area + theta of the covered one): weights of the reported
        # mean OCV and overpotential, and the active area of the sub-grid constriction, in
        # series with the law (nakmodel.model.constriction)
        f_act = k["contact"] * (f_open + (1.0 - f_open)
                                * two_phase.oxidation_gate(eta, k["T"], k["smooth"]))
        i, i_f, u_c = self.contact_nodes.current(eta, i0, f_act, law, ocv, voltage - phi)
        return i, {"x": x, "x_liquid": x_l, "liquid_fraction": f_l, "ocv": ocv, "eta": eta,
                   "i0": i0, "f_active": f_act, "f_area": f_act, "faradaic": i_f,
                   "contact_voltage": u_c}

    def counter_current(self, phi):
        """Faradaic current density CE metal -> NASICON [A/m^2], eta_CE = 0 - phi - 0."""
        eta = -phi
        k = self.constants
        return self.kinetics_ce.current(eta, k["i0_ce"], k["T"]), eta

    # ------------------------------------------------------------------ state
    def concentration(self, x):
        """Na content per reference volume [mol/m^3] of mole fraction x."""
        return tu.content_from_mole_fraction(x, self.potassium)

    @property
    def c_max(self) -> float:
        """Scale of the composition unknown: K content per reference volume."""
        return self.potassium

    def set_initial_state(self, x_initial, phi: float = 0.0, voltage: float | None = None):
        """Uniform (or callable) initial composition, potential phi; V defaults to the OCV."""
        arr = self.u.x.array
        coords = self.space.tabulate_dof_coordinates()
        if callable(x_initial):
            xs = np.asarray(x_initial(coords.T), dtype=float)
        else:
            xs = np.full(coords.shape[0], float(x_initial))
        if np.any(xs <= 0) or np.any(xs >= 1):
            raise ParameterError(InputProblem("alloy.composition",
                                              "Na mole fraction must lie in (0, 1)",
                                              float(np.min(xs)), "[-] in (0, 1)"))
        arr[0::2] = self.concentration(xs)
        arr[1::2] = phi
        self.u.x.scatter_forward()
        self.u_n.x.array[:] = arr
        self.nucleation.reset()  # (equilibrated flags, before the OCV below)
        if voltage is None:
            # mean OCV over the interface DOFs, each counted once (owned DOFs only: the
            # same start on any partition)
            ocv = self.ocv_interface_dofs()[self.interface_c_dofs // 2 < self.n_owned_blocks]
            comm = self.mesh.comm
            voltage = comm.allreduce(float(np.sum(ocv))) / max(comm.allreduce(ocv.size), 1)
        self.voltage.value = voltage
        self.voltage_n = voltage
        self._m_G_n = self.functional_form("m_G") if hasattr(self, "forms") else 0.0
        if self._petsc_system is not None:
            self._petsc_system.forget_old_mass()
        self.ceramic.reset(), self.contact_nodes.reset()

    def ocv_interface_dofs(self):
        x = self.interface_mole_fraction()
        a = self.alloy
        return self.phases_numpy.ocv_vs_na(x, self.temperature, a.redlich_kister_L0,
                                           a.redlich_kister_L1, a.na_melting_point,
                                           a.na_enthalpy_of_fusion, a.redlich_kister_L2)

    def interface_mole_fraction(self) -> np.ndarray:
        return self.x_of(self.u.x.array[self.interface_c_dofs])

    def interface_x_min(self) -> float:
        """Smallest interface Na mole fraction over all ranks."""
        from mpi4py import MPI

        x = self.interface_mole_fraction()
        return float(self.mesh.comm.allreduce(np.min(x) if x.size else np.inf, op=MPI.MIN))

    def interface_x_max(self) -> float:
        """Largest interface Na mole fraction over all ranks."""
        from mpi4py import MPI

        x = self.interface_mole_fraction()
        return float(self.mesh.comm.allreduce(np.max(x) if x.size else -np.inf, op=MPI.MAX))

    def double_layer_charge(self) -> float:
        """Charge on the WE double layer, int C_dl (V - phi) dA [C]."""
        return self.functional_form("m_G")

    def total_current(self, dt: float | None, previous_charge: float | None = None) -> float:
        """Total WE current [A] of the current state after a step dt: faradaic + double layer,
        int i_F dA + (q_dl - q_dl,prev)/dt (default prev: the last accepted state)."""
        i_f = self.functional("current_we")
        if not dt:
            return i_f
        i_f += self.contact_nodes.step_correction()
        q_prev = self._m_G_n if previous_charge is None else previous_charge
        return i_f + (self.functional_form("m_G") - q_prev) / dt

    def functional_form(self, name: str) -> float:
        val = fem.assemble_scalar(self.forms[name])
        return float(self.mesh.comm.allreduce(val))

    def functional(self, name: str) -> float:
        stepped = self.contact_nodes.step_functional(name)  # (stepped contact nodes)
        stepped = self.nucleation.step_functional(name) if stepped is None else stepped
        val = fem.assemble_scalar(self._functionals[name]) if stepped is None else stepped
        return float(self.mesh.comm.allreduce(val))

    def state_vector(self) -> np.ndarray:
        """Owned active DOF values and V (this rank's part of the unknown vector)."""
        return np.concatenate([self.u.x.array[self.active_owned], [float(self.voltage.value)]])

    def set_state_vector(self, X):
        """Set the owned active DOFs and V from ``X`` (the layout of :meth:`state_vector`)."""
        self.u.x.array[self.active_owned] = X[:-1]
        self.u.x.scatter_forward()
        self.voltage.value = float(X[-1])

    # ------------------------------------------------------------------ assembly
    def _vec(self, name):
        return fem.assemble_vector(self.forms[name]).array

    def _mat(self, name):
        return fem.assemble_matrix(self.forms[name]).to_scipy().tocsr()

    def mass_matrix(self) -> sp.csr_matrix:
        """Bordered mass matrix M (constant) on [active u DOFs, V] (rows: eqs, last: control)."""
        if self._M is None:
            a = self.active
            Muu = self._mat("M")[a][:, a]
            MuV = self._vec("M_uV")[a][:, None]
            MGu = self._vec("M_Gu")[a][None, :]
            MGV = np.array([[fem.assemble_scalar(self.forms["M_GV"])]])
            self._M = sp.bmat([[Muu, sp.csr_matrix(MuV)], [sp.csr_matrix(MGu), MGV]]).tocsr()
        return self._M

    def steady_residual(self, control=None) -> np.ndarray:
        """R(u) on [active u DOFs, control row]; the control row is int i_F dA - I."""
        a = self.active
        Ru = self._vec("R")[a]
        if isinstance(control, CurrentControl):
            g = fem.assemble_scalar(self.forms["G"]) - control.current_density * self.area_nominal
        else:
            g = 0.0
        return np.concatenate([Ru, [g]])

    def steady_jacobian(self) -> sp.csr_matrix:
        """dR/du on [active u DOFs, V] with the galvanostatic control row (int i_F dA).

        The sparsity of the bordered matrix is built once (an index map from the assembled
        CSR data and the border vectors into the bordered CSR data); each call assembles
        into the same dolfinx matrix and gathers."""
        if getattr(self, "_jac_template", None) is None:
            self._jac_template = bordered_csr_template(self)
        A, pos, ids, indices, indptr, shape = self._jac_template
        A.data[:] = 0.0
        fem.assemble_matrix(A, self.forms["J"])
        a = self.active
        source = np.concatenate([A.data, self._vec("R_V")[a][pos], self._vec("G_u")[a][pos],
                                 [fem.assemble_scalar(self.forms["G_V"])]])
        return sp.csr_matrix((source[ids], indices, indptr), shape=shape)

    def linearisation(self):
        """(J, M) at the current state for impedance: M dX/dt + J dX = b dI, X = [u, V];
        the last row is the current constraint (b = area * e_last)."""
        return self.steady_jacobian(), self.mass_matrix()

    # ------------------------------------------------------------------ Newton
    def scales(self):
        """Scales of [owned active DOFs, V]: c_K0 for contents, RT/F for potentials."""
        rt_f = tu.GAS_CONSTANT * self.temperature / tu.FARADAY
        is_c = self.active_owned % 2 == 0
        return np.concatenate([np.where(is_c, self.c_max, rt_f), [rt_f]])

    def solve(self, control, dt: float | None) -> NewtonReport:
        """One backward-Euler step ``dt`` from ``u_n`` (None: steady): on success the state
        holds the solution, else the start value and the report says why (caller retries)."""
        return self.ceramic.solve(lambda c, d: self.contact_nodes.solve(self._solve, c, d),
                                  control, dt)

    def _solve(self, control, dt):
        return self.newton_driver.solve(self, control, dt)

    @property
    def newton_driver(self):
        """The Newton driver of this problem (:func:`.newton.driver_for`, built at first
        use): e.g. ``problem.newton_driver.snes`` is the PETSc SNES of ``method="snes"``."""
        if self._driver is None:
            self._driver = driver_for(self)
        return self._driver

    @property
    def petsc_system(self):
        """The distributed operators, vectors and KSP (:class:`.petsc_system.PetscSystem`,
        PETSc backend; built at first use)."""
        if self._petsc_system is None:
            from .petsc_system import PetscSystem

            self._petsc_system = PetscSystem(self)
        return self._petsc_system

    @property
    def bcs(self):
        """The inert DOFs as dolfinx Dirichlet conditions (PETSc backend)."""
        return self.petsc_system.bcs

    def inactive_dofs(self) -> tuple[np.ndarray, np.ndarray]:
        """(inert c DOFs, inert phi DOFs) of this rank, as indices into ``u.x.array``."""
        return self._inactive_c, self._inactive_phi

    @property
    def accepted_charge(self) -> float:
        """WE double-layer charge int C_dl (V - phi) dA of the accepted state [C]."""
        return self._m_G_n

    def accept(self):
        """Make the current state the old state of the next step."""
        self.ceramic.accept(), self.contact_nodes.accept()  # (histories, before u_n moves)
        self.nucleation.accept()  # (after the others: they belong to the flags solved with)
        self.u_n.x.array[:], self.voltage_n = self.u.x.array, float(self.voltage.value)
        self._m_G_n = self.functional_form("m_G")
        if self._petsc_system is not None:
            self._petsc_system.forget_old_mass()

    def restore(self):
        """Reset the current state to the last accepted one."""
        self.u.x.array[:], self.voltage.value = self.u_n.x.array, self.voltage_n

    def solve_or_raise(self, control, dt):
        rep = self.solve(control, dt)
        if not rep.converged:
            raise ConvergenceError(rep.reason, dt=dt, history=rep.history,
                                   state={"voltage": float(self.voltage.value)})
        return rep
