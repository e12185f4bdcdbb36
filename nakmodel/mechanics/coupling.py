"""From the electrochemical model to the flaw loading: a :class:`FlawState` of a solved state.

The coupled model (:class:`nakmodel.model.problem.CoupledProblem`) treats the
metal-filled flaw faces (facet tag ``flaw``) as wetted interface.  This module
averages over those faces (weighted by the measure of the problem, 2 pi r in
axisymmetry):

    i_flaw   = <i_WE>      (i > 0 strips the WE, so plating = -<i_WE>)
    eta_flaw = <eta>       eta = V - phi - U(x_liq)
    f_L      = <f_L(x)>    lever-rule liquid fraction of the metal at the faces
    x_Na     = <x>         saturated with Na (plated Na stays solid) when >= x_liq,Na

Area averages are a documented choice: a local solid plug is not resolved.
Only attributes of the problem used by this function are required (duck
typing): ``u`` (c, phi), ``voltage``, ``interface_current(c, phi, V)``,
``mesh``, ``cell_mesh.facet_tags`` and ``tag('flaw')`` or
``cell_mesh.tags``.
"""

from __future__ import annotations

import weakref

import numpy as np

from ..errors import InputProblem, ParameterError
from .loading import (
    FlawState,
    advance_solid_deposit,
    flaw_dimensions,
    flaw_liquid_fraction,
)


def _flaw_tag(problem) -> int | None:
    try:
        if hasattr(problem, "tag"):
            return int(problem.tag("flaw"))
        tags = problem.cell_mesh.tags
        return int(tags.facet("flaw") if hasattr(tags, "facet") else tags["flaw"])
    except (KeyError, ValueError, ParameterError):
        return None


def flaw_face_averages(problem) -> dict:
    """Area averages over the flaw faces of a coupled problem (SI): ``overpotential``,
    ``liquid_fraction`` (lever rule of the local composition), ``plating_current_density``
    (> 0 plates), ``x_na`` (Na mole fraction) and ``na_saturated`` (x_na at or past the
    Na-rich liquidus ``problem.x_liquidus_na``: plated Na stays solid).

    Raises ParameterError when the mesh has no flaw faces (no metal in a flaw).
    """
    from dolfinx import fem

    forms = _face_forms(problem)
    comm = problem.mesh.comm

    def integral(name):
        return float(sum(comm.allreduce(fem.assemble_scalar(f)) for f in forms[name]))

    area = integral("area")
    x_na = integral("x") / area
    x_liquidus = getattr(problem, "x_liquidus_na", None)
    return {"overpotential": integral("eta") / area,
            "liquid_fraction": min(max(integral("liquid_fraction") / area, 0.0), 1.0),
            "plating_current_density": -integral("current") / area, "x_na": x_na,
            "na_saturated": x_liquidus is not None and x_na >= float(x_liquidus)}


_FORMS = weakref.WeakKeyDictionary()


def _face_forms(problem) -> dict:
    """Compiled flaw-face integrals of ``problem`` (built once per problem: the forms read
    its state functions, so they stay valid from step to step)."""
    try:
        return _FORMS[problem]
    except (KeyError, TypeError):
        pass
    import ufl
    from dolfinx import fem

    mesh = problem.mesh
    tag = _flaw_tag(problem)
    facet_tags = problem.cell_mesh.facet_tags
    count = 0 if tag is None else mesh.comm.allreduce(facet_tags.find(tag).size)
    if count == 0:
        raise ParameterError(InputProblem("cell.flaw", "the problem has no metal-filled flaw faces",
                                          None, "a cell built with flaw=SurfaceFlaw(...)"))
    # flaw faces between two cells (alloy | ceramic) are interior facets: the integrand is
    # built from restricted fields there (the kinetics may hold restricted fields of its
    # own, e.g. the contact-node history), from plain fields on boundary flaw faces
    from dolfinx.mesh import exterior_facet_indices

    fdim = mesh.topology.dim - 1
    mesh.topology.create_connectivity(fdim, mesh.topology.dim)
    flaw_facets = facet_tags.find(tag)
    n_exterior = mesh.comm.allreduce(
        int(np.isin(flaw_facets, exterior_facet_indices(mesh.topology)).sum()))
    w = problem.weight if hasattr(problem, "weight") else 1.0
    # the quadrature degree of the problem's own forms: the estimated degree of the kinetics
    # (exponentials of the overpotential, the phase-diagram functions) is far too high
    md = {"quadrature_degree": int(getattr(problem, "quadrature_degree", 4))}
    dS = ufl.Measure("dS", domain=mesh, subdomain_data=facet_tags, metadata=md)(tag)
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags, metadata=md)(tag)
    c, phi = problem.u[0], problem.u[1]

    def integrands(restricted: bool) -> dict:
        side = (lambda f: f("+")) if restricted else (lambda f: f)
        current, parts = problem.interface_current(side(c), side(phi), problem.voltage)
        weight = side(w) if isinstance(w, ufl.core.expr.Expr) else w
        return {"area": fem.Constant(mesh, 1.0) * weight, "x": parts["x"] * weight,
                "eta": parts["eta"] * weight,
                "liquid_fraction": parts["liquid_fraction"] * weight,
                "current": current * weight}

    interior = integrands(True)
    exterior = integrands(False) if n_exterior else None
    forms = {name: ((fem.form(expr * dS),) if exterior is None else
                    (fem.form(expr * dS), fem.form(exterior[name] * ds)))
             for name, expr in interior.items()}
    try:
        _FORMS[problem] = forms
    except TypeError:  # not weak-referenceable: compile every call
        pass
    return forms


def flaw_state_from_problem(problem, solid_deposit: float = 0.0) -> FlawState:
    """Area-averaged :class:`FlawState` on the flaw faces of a coupled electrochemical problem.

    ``solid_deposit``: volume fraction of the flaw filled by solid Na plated since the
    liquid there saturated (:func:`~nakmodel.mechanics.loading.advance_solid_deposit`; the
    caller integrates it over the steps, e.g. :class:`nakmodel.study.ccd.FlawStateRecorder`);
    the liquid fraction is :func:`~nakmodel.mechanics.loading.flaw_liquid_fraction`.
    Raises ParameterError when the mesh has no flaw faces (no metal in a flaw).
    """
    avg = flaw_face_averages(problem)
    return FlawState(overpotential=avg["overpotential"],
                     liquid_fraction=flaw_liquid_fraction(avg["liquid_fraction"], solid_deposit),
                     plating_current_density=avg["plating_current_density"], metal_fraction=1.0)


class FlawStateTracker:
    """The flaw state of a coupled run, step by step, with the solid Na deposit integrated
    over the steps (:func:`~nakmodel.mechanics.loading.advance_solid_deposit`).

    Call :meth:`update` once per accepted state, in time order.  ``flaw``: an object with
    ``depth``/``opening`` (default: the flaw of ``problem.cell_mesh.cell``).
    """

    def __init__(self, flaw=None):
        self.flaw = flaw
        self.time: float | None = None
        self.solid_deposit = 0.0

    def _opening(self, problem) -> float:
        flaw = self.flaw
        if flaw is None:
            flaw = getattr(getattr(problem.cell_mesh, "cell", None), "flaw", None)
        if flaw is None:
            raise ParameterError(InputProblem("flaw", "the flaw of the run is not known", None,
                                              "flaw=... or a cell with a flaw"))
        return flaw_dimensions(flaw)[1]

    def update(self, problem, time: float) -> tuple[FlawState, dict]:
        """(FlawState, averages) at ``time`` [s]; averages are those of
        :func:`flaw_face_averages` plus ``solid_deposit`` [-]."""
        opening = self._opening(problem)
        avg = flaw_face_averages(problem)
        if self.time is not None:
            self.solid_deposit = advance_solid_deposit(
                self.solid_deposit, avg["plating_current_density"], float(time) - self.time,
                avg["na_saturated"], opening, problem.alloy.na_molar_volume)
        self.time = float(time)
        avg["solid_deposit"] = self.solid_deposit
        state = FlawState(overpotential=avg["overpotential"],
                          liquid_fraction=flaw_liquid_fraction(avg["liquid_fraction"],
                                                               self.solid_deposit),
                          plating_current_density=avg["plating_current_density"],
                          metal_fraction=1.0)
        return state, avg
