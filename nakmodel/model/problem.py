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

Equations (docs/theory/transport.md, docs/theory/kinetics.md, docs/theory/ceramic.md),
weak forms with the test functions (v_c, v_phi), weight w = 2 pi r (axisymmetric) or 1:

  alloy:    int eps dc/dt v_c + (eps/tau) D(x)/J^2 grad c . grad v_c  dx
            + int i_F/F v_c dS_contact = 0
  NASICON:  int eps0 eps_r grad dphi/dt . grad v_phi + sigma grad phi . grad v_phi dx
            - int i_WE v_phi dS_contact - int i_CE v_phi ds_CE = 0
  control:  int i_WE dS_contact = I   (galvanostatic)  or  V = V_set  (potentiostatic)

with i_WE = i_F,WE + C_dl d(V - phi)/dt,  i_F,WE = f_act(x) k(eta, i0(x)),
eta = V - phi - U(x_liq), and i_CE = i_F,CE(-phi) + C_dl,CE d(-phi)/dt (current from the metal
into NASICON, > 0 when Na is oxidised).  Sign convention: i > 0 is stripping of the WE.

Geometric capacitance: div(sigma grad phi + eps0 eps_r d/dt grad phi) = 0
(docs/theory/capacitance.md, eps_r = ``nasicon.relative_permittivity``).  With grain
boundaries the brick-layer ceramic is stepped exactly (:mod:`.grain_boundary_stepping`).

Porous host (``host``: :class:`nakmodel.geometry.PorousHost`, effective medium, pores not
resolved): c is then the Na content per unit reference *pore* volume, eps = porosity,
tau = tortuosity factor (D_eff = D eps/tau, Bruggeman-type, Tjaden et al., Curr. Opin.
Chem. Eng. 12 (2016) 44 [M]); the inventory is int eps c dV.  The metal touches the ceramic
only on the pore fraction of the interface: the contact fraction is multiplied by
``host.areal_fraction`` (default eps, Delesse principle A_A = V_V [M]).  The swelling
J = c_K0 V_K + c V_Na is kept per pore volume (the metal fills/recedes in the pores; the
host itself is rigid) [I].  Without a host eps = tau = 1.
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
from . import constriction, two_phase
from . import thermo_ufl as tu
from .contact_stepping import ContactStepping
from .controls import (  # noqa: F401  (public here too)
    NEWTON_METHODS,
    CurrentControl,
    NewtonOptions,
    NewtonReport,
    VoltageControl,
)
from .grain_boundary_stepping import CeramicStepping
from .interface import ActivityExchangeCurrent, ButlerVolmer, ConstantExchangeCurrent
from .materials import AlloyProperties, ElectrodeInterface, NasiconProperties
from .newton import BACKENDS, driver_for
from .solvers import linear_solver_for


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

    def _shared_blocks(self, blocks):
        """Blocks touched by a region on *any* rank (owned + ghost, communicated)."""
        from dolfinx import la

        index_map = self.space.dofmap.index_map
        vec = la.vector(index_map, 1)
        vec.array[:] = 0.0
        vec.array[blocks] = 1.0
        vec.scatter_reverse(la.InsertMode.add)
        vec.scatter_forward()
        return np.flatnonzero(vec.array > 0.5).astype(np.int32)

    def _lumped_weight(self, w):
        """Nodal weight for the vertex-rule (lumped) alloy mass: w_i = int phi_i w dx /
        int phi_i dx, so that M_ii = int phi_i w dx exactly (row-sum lumping).  With the plain
        vertex rule the axis nodes of an axisymmetric mesh (w = 2 pi r = 0) would get zero mass
        and could undershoot; constant weights are returned unchanged."""
        if not isinstance(w, ufl.core.expr.Expr):
            return w
        from dolfinx import la

        V1 = fem.functionspace(self.mesh, ("Lagrange", 1))
        v = ufl.TestFunction(V1)
        md = {"quadrature_degree": self.quadrature_degree}
        dxa = self.dx_alloy(metadata=md)
        num = fem.assemble_vector(fem.form(v * w * dxa))
        den = fem.assemble_vector(fem.form(v * dxa))
        for vec in (num, den):
            vec.scatter_reverse(la.InsertMode.add)
            vec.scatter_forward()
        weight = fem.Function(V1, name="lumped_weight")
        ok = den.array > 0
        weight.x.array[:] = 0.0
        weight.x.array[ok] = num.array[ok] / den.array[ok]
        self._mass_weight = weight
        return weight

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
        alloy_cells = ct.find(self.tag("alloy", "cell"))
        nasicon_cells = ct.find(self.tag("nasicon", "cell"))
        dofs = self.space.dofmap.list
        index_map = self.space.dofmap.index_map
        self.n_owned_blocks = index_map.size_local
        n_local_blocks = index_map.size_local + index_map.num_ghosts
        c_blocks = self._shared_blocks(np.unique(dofs[alloy_cells].ravel()))
        p_blocks = self._shared_blocks(np.unique(dofs[nasicon_cells].ravel()))
        self.c_dofs = 2 * c_blocks  # unrolled indices in u.x.array (owned + ghosts)
        self.phi_dofs = 2 * p_blocks + 1
        self.active = np.concatenate([self.c_dofs, self.phi_dofs])
        owned = self.n_owned_blocks
        self.active_owned = np.concatenate([self.c_dofs[c_blocks < owned],
                                            self.phi_dofs[p_blocks < owned]])
        self.n_c, self.n_phi = self.c_dofs.size, self.phi_dofs.size
        self._inactive_c = 2 * np.setdiff1d(np.arange(n_local_blocks), c_blocks)
        self._inactive_phi = 2 * np.setdiff1d(np.arange(n_local_blocks), p_blocks) + 1
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

        # --- UFL --------------------------------------------------------------
        w = self._weight()
        self.weight = w
        md = {"quadrature_degree": self.quadrature_degree}
        dx = ufl.Measure("dx", domain=msh, subdomain_data=ct, metadata=md)
        ds = ufl.Measure("ds", domain=msh, subdomain_data=ft, metadata=md)
        dS = ufl.Measure("dS", domain=msh, subdomain_data=ft, metadata=md)
        self.ds = ds
        self.dx_alloy = dx(self.tag("alloy", "cell"))
        self.dx_nasicon = dx(self.tag("nasicon", "cell"))
        self.dS_contact = dS(tuple(contact_tags))
        if self.lumped:
            vertex = {"quadrature_rule": "vertex", "quadrature_degree": 1}
            self.dx_alloy_mass = self.dx_alloy(metadata=vertex)
            # (in 1D the interface is a point: point evaluation is already nodal)
            # vertex rule on the facets, given as a custom rule (FFCx's "vertex" scheme fails
            # for several facet integrals in one form)
            if tdim == 1:
                self.dS_contact_nodal = self.dS_contact
            else:
                pts = np.array([[0.0], [1.0]]) if tdim == 2 else np.array(
                    [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
                wts = np.full(tdim, (1.0 if tdim == 2 else 0.5) / tdim)
                self.dS_contact_nodal = self.dS_contact(metadata={
                    "quadrature_rule": "custom", "quadrature_points": pts,
                    "quadrature_weights": wts})
        else:
            self.dx_alloy_mass, self.dS_contact_nodal = self.dx_alloy, self.dS_contact
        # alloy transport coefficient at the nodes (vertex rule, trapezoidal mean of the nodal
        # D_eff): a liquid node conducts into a neighbouring pinned-mush node (D_eff = 0)
        # with >= D~/2 however close the front is, so a melting front costs no O(1) jump
        # of the liquid composition (Gauss points inside the mush would see D_eff = 0)
        self.dx_alloy_flux = (self.dx_alloy(metadata={"quadrature_rule": "vertex",
                                                      "quadrature_degree": 1})
                              if self.lumped else self.dx_alloy)
        self.dS_interface = dS(tuple(interface_tags))
        self.ds_ce = ds(self.tag("counter_electrode"))
        c, phi = self.u[0], self.u[1]
        v = ufl.TestFunction(self.space)
        du = ufl.TrialFunction(self.space)
        vc, vp = v[0], v[1]
        Vw = ufl.variable(self.voltage)
        T = self.temperature
        a = self.alloy
        L0, L1, L2 = a.redlich_kister_L0, a.redlich_kister_L1, a.redlich_kister_L2
        d_na, d_k = a.tracer_diffusivities(T)
        xlk, xln = self.x_liquidus_k, self.x_liquidus_na
        smooth = self.working.blocking_smoothing
        sigma = self.nasicon.conductivity_at(T)
        F = tu.FARADAY

        contact = self.working.contact_fraction
        if msh.topology.dim == 1 and hasattr(self.cell_mesh, "contact_fraction"):
            contact *= float(self.cell_mesh.contact_fraction)  # homogenised spots in 1D
            # and their analytic constriction resistance (Cell.spot_constriction_factor)
            sigma *= float(self.cell_mesh.cell.spot_constriction_factor())
        host = self.host
        porosity = 1.0 if host is None else float(host.porosity)
        transport = 1.0 if host is None else float(host.transport_factor)
        if host is not None:  # metal meets the ceramic only where a pore does (Delesse)
            contact *= host.areal_fraction
        self.contact = contact
        # every number in the forms is a fem.Constant: changing a parameter value does not
        # trigger a new JIT compilation (sweeps reuse the compiled kernels)
        values = dict(
            T=T, L0=L0, L1=L1, L2=L2, d_na=d_na, d_k=d_k, xlk=xlk, xln=xln, smooth=smooth,
            xsk=self.x_solid_k, xsn=self.x_solid_na,
            sigma=sigma, factor=a.interdiffusivity_factor, d_solid=a.solid_diffusivity,
            porosity=porosity, host_transport=transport,
            eps_geo=tu.EPSILON_0 * self.nasicon.relative_permittivity,
            v_na=a.na_molar_volume, v_k=a.k_molar_volume, K=self.potassium,
            tm_na=a.na_melting_point, dh_na=a.na_enthalpy_of_fusion, contact=contact,
            i0_we=self.working.exchange_current_at(T),
            i0_ce=self.counter.exchange_current_at(T),
            cdl_we=constriction.contact_capacitance(self.working, contact),
            cdl_ce=self.counter.double_layer_capacitance,
            blocking_exponent=self.working.blocking_exponent,
            phase_smoothing=a.phase_smoothing,
            # Arrhenius of i0 also for reduction on solid K (same activation energy)
            i0_solid_k=self.working.solid_k_exchange_current_density
            * self.working.exchange_current_at(T) / self.working.exchange_current_density,
            **constriction.constants(self, sigma))
        self.values = values
        self.constants = {name: fem.Constant(msh, float(v)) for name, v in values.items()}
        k = self.constants
        sigma, self.ceramic = k["sigma"], CeramicStepping(self)
        self.contact_nodes = ContactStepping(self)  # (stepped contact nodes of a constriction)
        # phase fields at T (lever rule, phase-correct potential, mixture transport)
        solubility = dict(k_solubility=self.x_solid_k > 0.0, na_solubility=self.x_solid_na < 1.0)
        self.phases = two_phase.PhaseFields(k["xsk"], k["xlk"], k["xln"], k["xsn"],
                                            k["phase_smoothing"], **solubility)
        self.phases_numpy = two_phase.PhaseFields(self.x_solid_k, self.x_liquidus_k,
                                                  self.x_liquidus_na, self.x_solid_na,
                                                  a.phase_smoothing, **solubility)

        x = self.x_of(c)
        stretch = tu.stretch(c, k["K"], k["v_na"], k["v_k"])
        f_l = self.phases.liquid_fraction(x)
        D = self.diffusivity(c)
        self.expr = {"x": x, "liquid_fraction": f_l, "D": D, "stretch": stretch}
        # interface quantities (P1 traces: '+' == '-')
        i_we, parts = self.interface_current(c("+"), phi("+"), Vw)
        flp, f_act, ocv, eta_we = (parts[k] for k in ("liquid_fraction", "f_active", "ocv", "eta"))
        xp, (i_ce, eta_ce) = parts["x"], self.counter_current(phi)
        wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
        self.expr.update({"ocv": ocv, "eta_we": eta_we, "i_we": i_we, "f_active": f_act,
                          "liquid_fraction_interface": flp, "x_interface": xp,
                          "eta_ce": eta_ce, "i_ce": i_ce})
        cdl_we, cdl_ce = k["cdl_we"], k["cdl_ce"]

        R = (k["host_transport"] * ufl.inner(self.transport_tensor(c) * ufl.grad(c), ufl.grad(vc))
             * w * self.dx_alloy_flux
             + self.ceramic.conduction(sigma, phi, vp) * w * self.dx_nasicon
             - i_ce * vp * w * self.ds_ce)
        if self._include_interface:  # (faradaic current to the alloy, stepped contact nodes)
            R = R + (parts["faradaic"] / F * vc("+") - i_we * vp("+")) * wp * self.dS_contact_nodal
        R = R if self._extra_residual is None else R + self._extra_residual(self, v)
        dRdV = ufl.diff(i_we, Vw)
        R_V = ((ufl.diff(parts["faradaic"], Vw) / F * vc("+") - dRdV * vp("+")) * wp
               * self.dS_contact_nodal)
        G = i_we * wp * self.dS_contact_nodal
        G_u = ufl.derivative(G, self.u, v)
        G_V = ufl.diff(i_we, Vw) * wp * self.dS_contact_nodal
        # mass m(u) = M u: alloy storage (eps c per pore volume), double layers, eps0 eps_r
        w_mass = self._lumped_weight(w) if self.lumped else w
        m_u = (k["porosity"] * c * vc * w_mass * self.dx_alloy_mass
               - cdl_we * (Vw - phi("+")) * vp("+") * wp * self.dS_contact_nodal
               + cdl_ce * phi * vp * w * self.ds_ce
               + k["eps_geo"] * ufl.inner(ufl.grad(phi), ufl.grad(vp)) * w * self.dx_nasicon)
        m_u = m_u if self._extra_mass is None else m_u + self._extra_mass(self, v)
        m_G = cdl_we * (Vw - phi("+")) * wp * self.dS_contact_nodal
        blocked = constriction.blocked_charge(self, Vw, phi, wp)  # voids: C_b (V - phi)
        if blocked is not None:
            m_u = m_u - blocked[0] * vp("+") * blocked[1]
            m_G = m_G + blocked[0] * blocked[1]

        self.forms = {
            "R": fem.form(R), "J": fem.form(ufl.derivative(R, self.u, du)),
            "R_V": fem.form(R_V), "G": fem.form(G), "G_u": fem.form(G_u), "G_V": fem.form(G_V),
            "M": fem.form(ufl.derivative(m_u, self.u, du)),
            "M_uV": fem.form(ufl.diff(cdl_we * (Vw - phi("+")), Vw) * (-vp("+")) * wp
                             * self.dS_contact_nodal
                             + constriction.blocked_form(blocked, -vp("+"), Vw)),
            "M_Gu": fem.form(ufl.derivative(m_G, self.u, v)),
            "M_GV": fem.form(cdl_we * wp * self.dS_contact_nodal
                             + constriction.blocked_form(blocked, 1.0, Vw)),
            "m_u": fem.form(m_u), "m_G": fem.form(m_G),
        }
        one = fem.Constant(msh, 1.0)
        self._functionals = {
            # the conserved Na sum int eps c dV (mol)
            "inventory": fem.form(k["porosity"] * c * w_mass * self.dx_alloy_mass),
            "alloy_volume": fem.form(one * w * self.dx_alloy),
            "area_contact": fem.form(one * wp * self.dS_contact),
            "area_interface": fem.form(one * wp * self.dS_interface),
            "current_we": fem.form(i_we * wp * self.dS_contact_nodal),
            "current_ce": fem.form(i_ce * w * self.ds_ce),
            "eta_we_i": fem.form(i_we * eta_we * wp * self.dS_contact_nodal),
            "eta_ce_i": fem.form(i_ce * eta_ce * w * self.ds_ce),
            "ocv_area": fem.form(f_act * ocv * wp * self.dS_contact),
            "eta_we_area": fem.form(f_act * eta_we * wp * self.dS_contact),
            "active_area": fem.form(f_act * wp * self.dS_contact),
            "liquid_area": fem.form(flp * wp * self.dS_interface),
            "x_area": fem.form(xp * wp * self.dS_interface),
            # metal volumes (pore volume eps in a host)
            "liquid_volume": fem.form(k["porosity"] * f_l * stretch * w * self.dx_alloy),
            "alloy_volume_actual": fem.form(k["porosity"] * stretch * w * self.dx_alloy),
        }
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
            self._jac_template = self._build_jacobian_template()
        A, pos, ids, indices, indptr, shape = self._jac_template
        A.data[:] = 0.0
        fem.assemble_matrix(A, self.forms["J"])
        a = self.active
        source = np.concatenate([A.data, self._vec("R_V")[a][pos], self._vec("G_u")[a][pos],
                                 [fem.assemble_scalar(self.forms["G_V"])]])
        return sp.csr_matrix((source[ids], indices, indptr), shape=shape)

    def _build_jacobian_template(self):
        A = fem.create_matrix(self.forms["J"])
        nnz = A.data.size
        A.data[:] = np.arange(1, nnz + 1, dtype=float)
        a = self.active
        S = A.to_scipy().tocsr()[a][:, a]
        is_iface = np.isin(a, np.concatenate([self.interface_c_dofs,
                                              self.interface_c_dofs + 1]))
        pos = np.flatnonzero(is_iface)
        n, m = a.size, pos.size
        col = sp.csr_matrix((nnz + 1 + np.arange(m, dtype=float), (pos, np.zeros(m, int))),
                            shape=(n, 1))
        row = sp.csr_matrix((nnz + m + 1 + np.arange(m, dtype=float), (np.zeros(m, int), pos)),
                            shape=(1, n))
        corner = np.array([[float(nnz + 2 * m + 1)]])
        K = sp.bmat([[S, col], [row, corner]]).tocsr()
        K.sort_indices()
        ids = np.rint(K.data).astype(np.int64) - 1
        return A, pos, ids, K.indices.copy(), K.indptr.copy(), K.shape

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
