"""The weak forms of a :class:`~nakmodel.model.problem.CoupledProblem`: integration
measures, the table of numbers in the forms, and the compiled residual, Jacobian, mass and
functional forms (docs/theory/transport.md, kinetics.md, ceramic.md, capacitance.md).

Weak forms with the test functions (v_c, v_phi), weight w = 2 pi r (axisymmetric) or 1:

  alloy:    int eps dc/dt v_c + (eps/tau) D_eff(x) C^-1 grad c . grad v_c  dx
            + int i_F/F v_c dS_contact = 0
  NASICON:  int eps0 eps_r grad dphi/dt . grad v_phi + sigma grad phi . grad v_phi dx
            - int i_WE v_phi dS_contact - int i_CE v_phi ds_CE = 0
  control:  int i_WE dS_contact = I   (galvanostatic)  or  V = V_set  (potentiostatic)

with C^-1 = I + (1/J^2 - 1) e_z (x) e_z (the alloy swells normal to the interface;
D_eff/J^2 in 1D), i_WE = i_F,WE + C_dl d(V - phi)/dt,  i_F,WE = f_act(x) k(eta, i0(x)),
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

Written as M du/dt + R(u) = 0. The alloy mass and the interface terms use nodal (vertex)
rules when ``lumped`` (module docstring of :mod:`nakmodel.model.problem`). Every number is a
``fem.Constant``, so a new parameter value needs no new JIT compilation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import ufl
from dolfinx import fem

from . import constriction
from . import thermo_ufl as tu


@dataclass(frozen=True)
class Measures:
    """The integration measures of the coupled problem (quadrature degree in metadata)."""

    ds: ufl.Measure
    dx_alloy: ufl.Measure
    dx_nasicon: ufl.Measure
    dS_contact: ufl.Measure          # wetted interface (contact + flaw faces)
    dS_contact_nodal: ufl.Measure    # the same with the nodal rule (lumped)
    dx_alloy_mass: ufl.Measure       # alloy mass (vertex rule when lumped)
    dx_alloy_flux: ufl.Measure       # alloy transport (vertex rule when lumped)
    dS_interface: ufl.Measure        # the whole alloy | NASICON interface
    ds_ce: ufl.Measure               # counter electrode


def integration_measures(problem, contact_tags, interface_tags) -> Measures:
    """The measures of ``problem``'s tagged mesh. The nodal facet rule is a custom rule
    (FFCx's "vertex" scheme fails for several facet integrals in one form); in 1D the
    interface is a point, where evaluation is already nodal. Transport uses the vertex rule
    too (the trapezoidal mean of the nodal D_eff): a liquid node then conducts into a
    neighbouring pinned-mush node (D_eff = 0) with at least D~/2 however close the front
    is, so a melting front costs no O(1) jump of the liquid composition."""
    msh = problem.mesh
    tdim = msh.topology.dim
    ct, ft = problem.cell_mesh.cell_tags, problem.cell_mesh.facet_tags
    md = {"quadrature_degree": problem.quadrature_degree}
    dx = ufl.Measure("dx", domain=msh, subdomain_data=ct, metadata=md)
    ds = ufl.Measure("ds", domain=msh, subdomain_data=ft, metadata=md)
    dS = ufl.Measure("dS", domain=msh, subdomain_data=ft, metadata=md)
    dx_alloy = dx(problem.tag("alloy", "cell"))
    dS_contact = dS(tuple(contact_tags))
    if problem.lumped:
        vertex = {"quadrature_rule": "vertex", "quadrature_degree": 1}
        dx_alloy_mass = dx_flux = dx_alloy(metadata=vertex)
        if tdim == 1:
            dS_nodal = dS_contact
        else:
            pts = np.array([[0.0], [1.0]]) if tdim == 2 else np.array(
                [[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])
            wts = np.full(tdim, (1.0 if tdim == 2 else 0.5) / tdim)
            dS_nodal = dS_contact(metadata={"quadrature_rule": "custom",
                                            "quadrature_points": pts,
                                            "quadrature_weights": wts})
    else:
        dx_alloy_mass = dx_flux = dx_alloy
        dS_nodal = dS_contact
    return Measures(ds=ds, dx_alloy=dx_alloy, dx_nasicon=dx(problem.tag("nasicon", "cell")),
                    dS_contact=dS_contact, dS_contact_nodal=dS_nodal,
                    dx_alloy_mass=dx_alloy_mass, dx_alloy_flux=dx_flux,
                    dS_interface=dS(tuple(interface_tags)),
                    ds_ce=ds(problem.tag("counter_electrode")))


def contact_and_conductivity(problem) -> tuple[float, float]:
    """(homogenised contact fraction, ceramic conductivity at T [S/m]). A 1D cell with
    contact spots scales the contact by the spot fraction and the conductivity by the
    analytic spot-array constriction (``Cell.spot_constriction_factor``); a porous host
    by its areal pore fraction (the metal meets the ceramic only where a pore does,
    Delesse)."""
    sigma = problem.nasicon.conductivity_at(problem.temperature)
    contact = problem.working.contact_fraction
    cell_mesh = problem.cell_mesh
    if problem.mesh.topology.dim == 1 and hasattr(cell_mesh, "contact_fraction"):
        contact *= float(cell_mesh.contact_fraction)
        sigma *= float(cell_mesh.cell.spot_constriction_factor())
    if problem.host is not None:
        contact *= problem.host.areal_fraction
    return contact, sigma


def form_values(problem, sigma: float) -> dict:
    """Every number in the forms (name -> float, SI) at the problem's temperature."""
    T = problem.temperature
    a, host, working = problem.alloy, problem.host, problem.working
    d_na, d_k = a.tracer_diffusivities(T)
    return dict(
        T=T, L0=a.redlich_kister_L0, L1=a.redlich_kister_L1, L2=a.redlich_kister_L2,
        d_na=d_na, d_k=d_k, xlk=problem.x_liquidus_k, xln=problem.x_liquidus_na,
        smooth=working.blocking_smoothing, xsk=problem.x_solid_k, xsn=problem.x_solid_na,
        sigma=sigma, factor=a.interdiffusivity_factor, d_solid=a.solid_diffusivity,
        porosity=1.0 if host is None else float(host.porosity),
        host_transport=1.0 if host is None else float(host.transport_factor),
        eps_geo=tu.EPSILON_0 * problem.nasicon.relative_permittivity,
        v_na=a.na_molar_volume, v_k=a.k_molar_volume, K=problem.potassium,
        tm_na=a.na_melting_point, dh_na=a.na_enthalpy_of_fusion, contact=problem.contact,
        i0_we=working.exchange_current_at(T),
        i0_ce=problem.counter.exchange_current_at(T),
        cdl_we=constriction.contact_capacitance(working, problem.contact),
        cdl_ce=problem.counter.double_layer_capacitance,
        blocking_exponent=working.blocking_exponent,
        phase_smoothing=a.phase_smoothing,
        dx_nuc=a.solid_k_nucleation_supersaturation,  # (used only when > 0: .nucleation)
        # Arrhenius of i0 also for reduction on solid K (same activation energy)
        i0_solid_k=working.solid_k_exchange_current_density
        * working.exchange_current_at(T) / working.exchange_current_density,
        **constriction.constants(problem, sigma))


def lumped_weight(problem, w):
    """Nodal weight for the vertex-rule (lumped) alloy mass: w_i = int phi_i w dx /
    int phi_i dx, so that M_ii = int phi_i w dx exactly (row-sum lumping). With the plain
    vertex rule the axis nodes of an axisymmetric mesh (w = 2 pi r = 0) would get zero mass
    and could undershoot; constant weights are returned unchanged."""
    if not isinstance(w, ufl.core.expr.Expr):
        return w
    from dolfinx import la

    V1 = fem.functionspace(problem.mesh, ("Lagrange", 1))
    v = ufl.TestFunction(V1)
    dxa = problem.dx_alloy(metadata={"quadrature_degree": problem.quadrature_degree})
    num = fem.assemble_vector(fem.form(v * w * dxa))
    den = fem.assemble_vector(fem.form(v * dxa))
    for vec in (num, den):
        vec.scatter_reverse(la.InsertMode.add)
        vec.scatter_forward()
    weight = fem.Function(V1, name="lumped_weight")
    ok = den.array > 0
    weight.x.array[:] = 0.0
    weight.x.array[ok] = num.array[ok] / den.array[ok]
    return weight


class CompiledForms(dict):
    """Form name -> compiled dolfinx form; the names in ``deferred`` (name -> factory) are
    compiled on first access (``[]``, ``get``, ``in`` see them), e.g. the whole R and J of
    a 3D problem, whose PETSc path assembles their parts (:func:`assembly_parts`)."""

    def __init__(self, compiled=(), deferred=None):
        super().__init__(compiled)
        self._deferred = dict(deferred or {})

    def __missing__(self, name):
        make = self._deferred.pop(name, None)
        if make is None:
            raise KeyError(name)
        form = self[name] = make()
        return form

    def __contains__(self, name):
        return dict.__contains__(self, name) or name in self._deferred

    def get(self, name, default=None):
        return self[name] if name in self else default

    def is_compiled(self, name) -> bool:
        """Whether ``name`` has been compiled (False for a deferred form not used yet)."""
        return dict.__contains__(self, name)


def assembly_parts(problem, R_bulk, R_history, R_rest, du) -> dict:
    """``{"R_parts": (...), "J_parts": (...)}``: R and J split by the coefficients they carry,
    for the PETSc assembly of a 3D problem (else ``{}``: the split costs JIT modules).
    dolfinx packs every coefficient of a form for every entity of each of its integrals, so
    the whole R (u, u_n, the grain-boundary history, the contact history) packed 23 doubles
    per cell of the mesh, J 20; split, the bulk forms pack u alone on the cells, the
    history form u_n and E_gb on the NASICON cells and the interface form the rest on the
    interface facets.  The first part of each is the one that carries the whole mesh."""
    if problem.mesh.topology.dim < 3 or R_history is None and R_rest is None:
        return {}
    u = problem.u
    r_parts = [f for f in (R_bulk, R_history, R_rest) if f is not None]
    j_parts = [ufl.derivative(f, u, du) for f in (R_bulk, R_rest) if f is not None]
    return {"R_parts": tuple(fem.form(f) for f in r_parts),
            "J_parts": tuple(fem.form(f) for f in j_parts)}


def weak_forms(problem, extra_residual=None, extra_mass=None, include_interface=True):
    """(forms, functionals, expressions) of ``problem`` (module docstring): the compiled
    ``R``, ``J``, border (``R_V``, ``G``, ``G_u``, ``G_V``) and mass (``M``, ``M_uV``,
    ``M_Gu``, ``M_GV``, ``m_u``, ``m_G``) forms, the scalar functionals (inventory, areas,
    currents, dissipation, volumes) and the UFL expressions the exports interpolate."""
    pb, k = problem, problem.constants
    c, phi = pb.u[0], pb.u[1]
    v = ufl.TestFunction(pb.space)
    du = ufl.TrialFunction(pb.space)
    vc, vp = v[0], v[1]
    Vw = ufl.variable(pb.voltage)
    F = tu.FARADAY
    w = pb.weight
    dS_nodal = pb.dS_contact_nodal

    x = pb.x_of(c)
    stretch = tu.stretch(c, k["K"], k["v_na"], k["v_k"])
    f_l = pb.phases.liquid_fraction(x)
    expr = {"x": x, "liquid_fraction": f_l, "D": pb.diffusivity(c), "stretch": stretch}
    # interface quantities (P1 traces: '+' == '-')
    i_we, parts = pb.interface_current(c("+"), phi("+"), Vw)
    flp, f_act, ocv, eta_we = (parts[n] for n in ("liquid_fraction", "f_active", "ocv", "eta"))
    xp, (i_ce, eta_ce) = parts["x"], pb.counter_current(phi)
    wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
    expr.update({"ocv": ocv, "eta_we": eta_we, "i_we": i_we, "f_active": f_act,
                 "liquid_fraction_interface": flp, "x_interface": xp,
                 "eta_ce": eta_ce, "i_ce": i_ce})
    cdl_we, cdl_ce = k["cdl_we"], k["cdl_ce"]

    R_bulk = (k["host_transport"] * ufl.inner(pb.transport_tensor(c) * ufl.grad(c),
                                              ufl.grad(vc)) * w * pb.dx_alloy_flux
              + pb.ceramic.conduction(k["sigma"], phi, vp) * w * pb.dx_nasicon
              - i_ce * vp * w * pb.ds_ce)
    history = pb.ceramic.history_source(vp)  # (grain boundaries: u_n, E_gb on NASICON)
    R_history = None if history is None else history * w * pb.dx_nasicon
    R_rest = None
    if include_interface:  # (faradaic current to the alloy, stepped contact nodes)
        R_rest = (parts["faradaic"] / F * vc("+") - i_we * vp("+")) * wp * dS_nodal
    if extra_residual is not None:
        R_rest = extra_residual(pb, v) if R_rest is None else R_rest + extra_residual(pb, v)
    R = sum((f for f in (R_history, R_rest) if f is not None), R_bulk)
    R_V = (ufl.diff(parts["faradaic"], Vw) / F * vc("+") - ufl.diff(i_we, Vw) * vp("+")) * wp
    G = i_we * wp * dS_nodal
    # mass m(u) = M u: alloy storage (eps c per pore volume), double layers, eps0 eps_r
    w_mass = lumped_weight(pb, w) if pb.lumped else w
    m_u = (k["porosity"] * c * vc * w_mass * pb.dx_alloy_mass
           - cdl_we * (Vw - phi("+")) * vp("+") * wp * dS_nodal
           + cdl_ce * phi * vp * w * pb.ds_ce
           + k["eps_geo"] * ufl.inner(ufl.grad(phi), ufl.grad(vp)) * w * pb.dx_nasicon)
    m_u = m_u if extra_mass is None else m_u + extra_mass(pb, v)
    m_G = cdl_we * (Vw - phi("+")) * wp * dS_nodal
    blocked = constriction.blocked_charge(pb, Vw, phi, wp)  # voids: C_b (V - phi)
    if blocked is not None:
        m_u = m_u - blocked[0] * vp("+") * blocked[1]
        m_G = m_G + blocked[0] * blocked[1]

    parts = assembly_parts(pb, R_bulk, R_history, R_rest, du)
    whole = {"R": lambda: fem.form(R), "J": lambda: fem.form(ufl.derivative(R, pb.u, du))}
    # with parts (3D) the PETSc path assembles those: the whole R and J compile on first use
    forms = CompiledForms({} if parts else {k: make() for k, make in whole.items()},
                          deferred=whole if parts else {})
    forms.update({
        "R_V": fem.form(R_V * dS_nodal), "G": fem.form(G),
        "G_u": fem.form(ufl.derivative(G, pb.u, v)),
        "G_V": fem.form(ufl.diff(i_we, Vw) * wp * dS_nodal),
        "M": fem.form(ufl.derivative(m_u, pb.u, du)),
        "M_uV": fem.form(ufl.diff(cdl_we * (Vw - phi("+")), Vw) * (-vp("+")) * wp * dS_nodal
                         + constriction.blocked_form(blocked, -vp("+"), Vw)),
        "M_Gu": fem.form(ufl.derivative(m_G, pb.u, v)),
        "M_GV": fem.form(cdl_we * wp * dS_nodal + constriction.blocked_form(blocked, 1.0, Vw)),
        "m_u": fem.form(m_u), "m_G": fem.form(m_G),
    })
    forms.update(parts)
    one = fem.Constant(pb.mesh, 1.0)
    functionals = {
        # the conserved Na sum int eps c dV (mol)
        "inventory": fem.form(k["porosity"] * c * w_mass * pb.dx_alloy_mass),
        "alloy_volume": fem.form(one * w * pb.dx_alloy),
        "area_contact": fem.form(one * wp * pb.dS_contact),
        "area_interface": fem.form(one * wp * pb.dS_interface),
        "current_we": fem.form(i_we * wp * dS_nodal),
        "current_ce": fem.form(i_ce * w * pb.ds_ce),
        "eta_we_i": fem.form(i_we * eta_we * wp * dS_nodal),
        "eta_ce_i": fem.form(i_ce * eta_ce * w * pb.ds_ce),
        "ocv_area": fem.form(f_act * ocv * wp * pb.dS_contact),
        "eta_we_area": fem.form(f_act * eta_we * wp * pb.dS_contact),
        "active_area": fem.form(f_act * wp * pb.dS_contact),
        "liquid_area": fem.form(flp * wp * pb.dS_interface),
        "x_area": fem.form(xp * wp * pb.dS_interface),
        # metal volumes (pore volume eps in a host)
        "liquid_volume": fem.form(k["porosity"] * f_l * stretch * w * pb.dx_alloy),
        "alloy_volume_actual": fem.form(k["porosity"] * stretch * w * pb.dx_alloy),
    }
    return forms, functionals, expr, w_mass
