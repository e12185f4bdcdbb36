"""From the electrochemical model to the flaw loading: a :class:`FlawState` of a solved state.

The coupled model (:class:`nakmodel.model.problem.CoupledProblem`) treats the
metal-filled flaw faces (facet tag ``flaw``) as wetted interface.  This module
averages over those faces (weighted by the measure of the problem, 2 pi r in
axisymmetry):

    i_flaw   = <i_WE>      (i > 0 strips the WE, so plating = -<i_WE>)
    eta_flaw = <eta>       eta = V - phi - U(x_liq)
    f_L      = <f_L(x)>    lever-rule liquid fraction of the metal at the faces

Area averages are a documented choice: a local solid plug is not resolved.
Only attributes of the problem used by this function are required (duck
typing): ``u`` (c, phi), ``voltage``, ``interface_current(c, phi, V)``,
``mesh``, ``cell_mesh.facet_tags`` and ``_tag('flaw')`` or
``cell_mesh.tags``.
"""

from __future__ import annotations

from ..errors import ParameterError, Problem
from .loading import FlawState


def _flaw_tag(problem) -> int | None:
    try:
        if hasattr(problem, "_tag"):
            return int(problem._tag("flaw"))
        tags = problem.cell_mesh.tags
        return int(tags.facet("flaw") if hasattr(tags, "facet") else tags["flaw"])
    except (KeyError, ValueError, ParameterError):
        return None


def flaw_state_from_problem(problem) -> FlawState:
    """Area-averaged :class:`FlawState` on the flaw faces of a coupled electrochemical problem.

    Raises ParameterError when the mesh has no flaw faces (no metal in a flaw).
    """
    import ufl
    from dolfinx import fem

    mesh = problem.mesh
    tag = _flaw_tag(problem)
    facet_tags = problem.cell_mesh.facet_tags
    count = 0 if tag is None else mesh.comm.allreduce(facet_tags.find(tag).size)
    if count == 0:
        raise ParameterError(Problem("cell.flaw", "the problem has no metal-filled flaw faces",
                                     None, "a cell built with flaw=SurfaceFlaw(...)"))
    c, phi = problem.u[0], problem.u[1]
    current, parts = problem.interface_current(c, phi, problem.voltage)
    w = problem.weight if hasattr(problem, "weight") else 1.0
    dS = ufl.Measure("dS", domain=mesh, subdomain_data=facet_tags)(tag)
    ds = ufl.Measure("ds", domain=mesh, subdomain_data=facet_tags)(tag)

    def integral(expr):
        total = 0.0
        for measure, restricted in ((dS, True), (ds, False)):
            e = (expr * w)("+") if restricted else expr * w
            total += mesh.comm.allreduce(fem.assemble_scalar(fem.form(e * measure)))
        return float(total)

    one = fem.Constant(mesh, 1.0)
    area = integral(one)
    return FlawState(overpotential=integral(parts["eta"]) / area,
                     liquid_fraction=min(max(integral(parts["liquid_fraction"]) / area, 0.0),
                                         1.0),
                     plating_current_density=-integral(current) / area, metal_fraction=1.0)
