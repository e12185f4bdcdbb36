"""3D residual and Jacobian assembled from parts split by their coefficients (issue 20 item
2): the same vector and matrix as the whole forms, and the part over the whole mesh packs the
state u alone (the histories only where they are used)."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401  (before dolfinx)

import numpy as np
import pytest


@pytest.fixture(scope="module")
def problem():
    from nakmodel.geometry import Cell, ContactSpots
    from nakmodel.model.problem import CurrentControl
    from nakmodel.model.simulation import Simulation
    from nakmodel.parameters import load_parameters

    cell = Cell(geometry="3d", pellet_radius="0.3 mm", pellet_thickness="0.2 mm",
                alloy_thickness="40 um", contact=ContactSpots(radius="40 um", count=9),
                mesh_size=4e-5, edge_mesh_size=2e-5, bulk_mesh_size=1e-4)
    pb = Simulation(cell.build_mesh(), load_parameters(), "Strip at 1 mA/cm2 for 10 s").build()
    assert pb.ceramic.active  # default ceramic: brick layer, grain-boundary history
    assert pb.solve(CurrentControl(10.0), 0.5).converged
    pb.accept()  # a nonzero history E_gb and u_n
    pb.ceramic._set(0.5)  # the step coefficients (history terms nonzero)
    rng = np.random.default_rng(20)  # off the solution: a residual of order 1, not ~0
    u = pb.u.x.array
    u[pb.c_dofs] *= 1.0 + 1e-2 * rng.standard_normal(pb.c_dofs.size)
    u[pb.phi_dofs] += 1e-3 * rng.standard_normal(pb.phi_dofs.size)
    pb.u.x.scatter_forward()
    yield pb
    pb.ceramic._set(None)


def test_parts_sum_to_the_whole_forms(problem):
    from dolfinx import fem
    from dolfinx.fem import petsc as fpetsc
    from petsc4py import PETSc

    pb = problem
    sys_ = pb.petsc_system
    r = sys_.assemble_vector("R").array.copy()  # from the parts
    whole = fpetsc.create_vector(pb.forms["R"].function_spaces[0])
    fpetsc.assemble_vector(whole, pb.forms["R"])
    whole.ghostUpdate(addv=PETSc.InsertMode.ADD, mode=PETSc.ScatterMode.REVERSE)
    fpetsc.set_bc(whole, sys_.bcs, alpha=0.0)
    assert np.abs(whole.array).max() > 0
    assert np.allclose(r, whole.array, rtol=1e-12, atol=1e-12 * np.abs(whole.array).max())
    # history terms present: the whole residual without them differs
    bulk = fem.assemble_vector(pb.forms["R_parts"][0]).array
    assert not np.allclose(bulk, fem.assemble_vector(pb.forms["R"]).array, rtol=1e-6)

    A = sys_.assemble_operator(None, reuse_preconditioner=False)
    parts = A.copy()
    A.zeroEntries()
    fpetsc.assemble_matrix(A, pb.forms["J"], bcs=sys_.bcs, diag=1.0)
    A.assemble()
    parts.axpy(-1.0, A)
    assert parts.norm() <= 1e-12 * A.norm()
    sys_.assemble_operator(None, reuse_preconditioner=False)  # (the parts' operator back)


def test_the_part_over_the_whole_mesh_packs_only_u(problem):
    from dolfinx import fem

    forms = problem.forms
    for name in ("R", "J"):
        whole = fem.pack_coefficients(forms[name])
        first = fem.pack_coefficients(forms[f"{name}_parts"][0])
        assert max(v.shape[1] for v in whole.values()) >= 19  # u, u_n, E_gb, contact history
        assert max(v.shape[1] for v in first.values()) == 8   # u: 4 vertices x (c, phi)
        size = sum(v.nbytes for v in whole.values())
        for part in forms[f"{name}_parts"]:
            assert sum(v.nbytes for v in fem.pack_coefficients(part).values()) < 0.4 * size
