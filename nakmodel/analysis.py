"""Electrolyte (constriction) resistance of the NASICON pellet, by FE and by reference formulae.

* :func:`electrolyte_resistance`: finite-element DC resistance of the ceramic
  between the wetted interface and the counter electrode.
* :func:`holm_cylinder_resistance`: Holm's spot resistance with the
  finite-cylinder correction psi(a/b) (series), plus the bulk term.
* :func:`spot_resistance_series`: an independent semi-analytic reference for
  the same problem (Ritz/Thomson variational solution in a Bessel basis), an
  upper bound that converges exponentially in the number of basis functions.
"""

from __future__ import annotations

import math

import numpy as np

from .contact_resistance import (  # noqa: F401  (reference formulae, public here too)
    ROESS_PSI_COEFFICIENTS,
    constriction_factor,
    holm_cylinder_resistance,
    spot_array_resistance,
    spot_resistance_series,
    strip_resistance_exact,
)
from .errors import InputProblem, ParameterError


def _conductivity(parameters) -> float:
    if isinstance(parameters, (int, float)) and not isinstance(parameters, bool):
        sigma = float(parameters)
    else:
        try:
            sigma = float(parameters.nasicon.conductivity)
        except AttributeError:
            raise ParameterError(InputProblem(
                "parameters", "need a Parameters object, an object with .nasicon.conductivity, "
                "or a conductivity", parameters, "Parameters or a float in S/m")) from None
    if not (math.isfinite(sigma) and sigma > 0):
        raise ParameterError(InputProblem("nasicon.conductivity", "must be positive and finite",
                                          sigma, "a conductivity > 0 S/m"))
    return sigma


def electrolyte_resistance(cell, parameters, *, degree: int = 2, include_flaw: bool = True,
                           comm=None) -> float:
    r"""DC ohmic resistance [ohm] of the NASICON between the wetted interface and the counter
    electrode.

    Solves div(sigma grad phi) = 0 on the NASICON region with phi = 1 V on
    ``interface_contact`` facets (and on ``flaw`` faces if ``include_flaw``:
    the metal in the flaw wets the ceramic), phi = 0 on ``counter_electrode``
    and zero normal current elsewhere (blocked interface, side, axis).  Then
    R = 1/I with I = integral of sigma |grad phi|^2 w dx (the dissipated power
    at 1 V; w = 2 pi r in axisymmetry), which is the variational (energy)
    value: R_h <= R and R_h converges with twice the rate of the field.

    ``cell``: a :class:`~nakmodel.geometry.Cell` (meshed here) or a
    :class:`~nakmodel.geometry.CellMesh`.  ``parameters``: a
    :class:`~nakmodel.parameters.Parameters`, an object with
    ``.nasicon.conductivity``, or sigma [S/m] as a float.

    Units of the result: ohm (1D, axisymmetric, 3D); **ohm m** in planar
    geometry (resistance of one metre of depth: R_planar / depth).  In 1D the
    constriction is not resolved; with :class:`~nakmodel.geometry.ContactSpots` it is
    included analytically, R = L_n / (sigma pi b^2 k), k = ``Cell.spot_constriction_factor()``
    (the factor the 1D FE model puts on sigma; k = 1 otherwise).

    ``degree``: polynomial degree of the potential (default 2); ``include_flaw``: the
    flaw faces are equipotential with the metal; ``comm``: MPI communicator for meshing a
    ``Cell`` (default COMM_WORLD).
    """
    from .geometry import Cell, CellMesh

    sigma = _conductivity(parameters)
    if isinstance(cell, Cell):
        if cell.geometry.value == "1d":
            return cell.nasicon_thickness / (sigma * cell.electrode_area()
                                             * cell.spot_constriction_factor())
        cellmesh = cell.build_mesh(comm)
    elif isinstance(cell, CellMesh):
        cellmesh = cell
    else:
        raise ParameterError(InputProblem("cell", "not a Cell or CellMesh", cell,
                                          "nakmodel.Cell(...) or cell.build_mesh()"))
    if cellmesh.geometry.value == "1d":
        return cellmesh.cell.nasicon_thickness / (
            sigma * cellmesh.electrode_area() * cellmesh.cell.spot_constriction_factor())
    if not isinstance(degree, int) or degree < 1:
        raise ParameterError(InputProblem("degree", "polynomial degree must be an integer >= 1",
                                          degree, "1, 2, 3, ..."))
    return _solve_resistance(cellmesh, sigma, degree, include_flaw)


def _solve_resistance(cellmesh, sigma: float, degree: int, include_flaw: bool) -> float:
    import dolfinx_solver  # noqa: F401

    import ufl
    from dolfinx import fem
    from dolfinx.fem.petsc import LinearProblem
    from mpi4py import MPI

    region = cellmesh.submeshes()["nasicon"]
    msh = region.mesh
    fdim = msh.topology.dim - 1
    msh.topology.create_connectivity(fdim, fdim + 1)
    tags = cellmesh.tags
    hot = [tags.facet("interface_contact")] + ([tags.facet("flaw")] if include_flaw else [])
    hot_facets = np.concatenate([region.facet_tags.find(t) for t in hot]).astype(np.int32)
    cold_facets = region.facet_tags.find(tags.facet("counter_electrode"))
    n_hot = msh.comm.allreduce(len(hot_facets), op=MPI.SUM)
    if n_hot == 0:
        raise ParameterError(InputProblem("contact",
                                          "no wetted interface facets: the resistance is "
                                          "infinite", None,
                                          "a contact pattern with contact area > 0"))
    V = fem.functionspace(msh, ("Lagrange", degree))
    one = fem.Function(V)
    one.x.array[:] = 1.0
    zero = fem.Function(V)
    bcs = [fem.dirichletbc(one, fem.locate_dofs_topological(V, fdim, hot_facets)),
           fem.dirichletbc(zero, fem.locate_dofs_topological(V, fdim, cold_facets))]
    u, v = ufl.TrialFunction(V), ufl.TestFunction(V)
    w = cellmesh.weight(msh)
    a = sigma * ufl.inner(ufl.grad(u), ufl.grad(v)) * w * ufl.dx
    L = fem.Constant(msh, 0.0) * v * w * ufl.dx
    if msh.topology.dim == 3:
        options = {"ksp_type": "cg", "pc_type": "gamg", "ksp_rtol": 1e-12, "ksp_atol": 1e-20,
                   "ksp_max_it": 2000}
    else:
        options = {"ksp_type": "preonly", "pc_type": "lu", "pc_factor_mat_solver_type": "mumps"}
    problem = LinearProblem(a, L, bcs=bcs, petsc_options=options,
                            petsc_options_prefix="nakmodel_electrolyte_resistance_")
    phi = problem.solve()
    reason = problem.solver.getConvergedReason()
    if reason < 0:
        from .errors import ConvergenceError

        raise ConvergenceError(f"electrolyte potential solve failed (KSP reason {reason})")
    power = fem.assemble_scalar(fem.form(sigma * ufl.inner(ufl.grad(phi), ufl.grad(phi))
                                         * w * ufl.dx))
    conductance = msh.comm.allreduce(power, op=MPI.SUM)
    return 1.0 / conductance
