"""Compact operators built without the full block pattern (nakmodel.model.sparsity): the
patterns of the Jacobian and the mass matrix equal those of the full-pattern assembly copied
to its nonzeros (the previous route), the mass matrix's pattern lies inside the Jacobian's,
< 40 % of dolfinx's full block pattern is stored, and the Newton step gives the
full-pattern solution (1e-12); on two MPI ranks as well."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
import scipy.sparse as sp

from nakmodel.model.meshes import box_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl
from nakmodel.model.solvers import LinearSolver
from nakmodel.model.sparsity import compact_operators_by_copy


def _problem(compact, n=6):
    cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=n, n_nasicon=n, n_alloy=n)
    return CoupledProblem(cm, temperature=298.15, x_reference=0.45, backend="petsc",
                          x_initial=lambda X: 0.45 + 0.1 * np.sin(3e3 * X[0]),
                          linear_solver=LinearSolver("iterative", compact_pattern=compact))


def _pattern(mat):
    ia, ja, a = mat.getValuesCSR()
    return sp.csr_matrix((np.ones(a.size), ja, ia), shape=(ia.size - 1, mat.getSize()[1])), a


@pytest.fixture(scope="module")
def built():
    pb = _problem(True)
    system = pb.petsc_system
    return pb, compact_operators_by_copy(pb, system.bcs)


def test_direct_pattern_contains_the_copied_one(built):
    pb, (A_copy, M_copy) = built
    for direct, copy in ((pb.petsc_system.A, A_copy), (pb.petsc_system.Mp, M_copy)):
        P, _ = _pattern(direct)
        Q, _ = _pattern(copy)
        assert ((Q - P) > 0).nnz == 0 and ((P - Q) > 0).nnz == 0  # the same pattern
        assert P.nnz == Q.nnz > 0
    A, _ = _pattern(pb.petsc_system.A)
    M, _ = _pattern(pb.petsc_system.Mp)
    assert ((M - A) > 0).nnz == 0     # A += M/dt stays a subset update
    assert np.all(A.diagonal() == 1) and np.all(M.diagonal() == 1)


def test_direct_pattern_is_compact_and_gives_the_full_pattern_solution(built):
    pb, _ = built
    full = _problem(False)
    stored = [p.petsc_system.A.getInfo()["nz_allocated"] for p in (pb, full)]
    assert stored[0] < 0.4 * stored[1]
    voltages = []
    for problem in (pb, full):
        report = problem.solve(CurrentControl(10.0), 5.0)
        assert report.converged and report.krylov_iterations > report.iterations
        voltages.append(float(problem.voltage.value))
    assert voltages[0] == pytest.approx(voltages[1], rel=1e-12)
    assert abs(voltages[0]) > 1e-3


SCRIPT = '''
import json, sys
import numpy as np
from mpi4py import MPI
from nakmodel.model.meshes import box_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl
from nakmodel.model.solvers import LinearSolver
out = {}
for compact in (True, False):
    cm = box_cell(1e-3, 1e-3, 1e-4, n_lateral=6, n_nasicon=6, n_alloy=6)
    pb = CoupledProblem(cm, temperature=298.15, x_reference=0.45, backend="petsc",
                        x_initial=lambda X: 0.45 + 0.1 * np.sin(3e3 * X[0]),
                        linear_solver=LinearSolver("iterative", compact_pattern=compact))
    report = pb.solve(CurrentControl(10.0), 5.0)
    out[str(compact)] = [report.converged, float(pb.voltage.value)]
if MPI.COMM_WORLD.rank == 0:
    json.dump(out, open(sys.argv[1], "w"))
'''


def test_two_ranks_direct_pattern_equals_full_pattern(run_script):
    out = run_script(SCRIPT, 2, name="sparsity")
    assert out["True"][0] and out["False"][0]
    assert out["True"][1] == pytest.approx(out["False"][1], rel=1e-12)
