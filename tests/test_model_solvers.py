"""Linear-solver presets of the coupled model (nakmodel.model.solvers): validation, selection,
iterative == direct Newton solutions, Krylov failures reported, PETSc option overrides, and
two MPI ranks == one for the iterative preset."""

from __future__ import annotations

import textwrap

import dolfinx_solver  # noqa: F401

import numpy as np
import pytest
from petsc4py import PETSc

from nakmodel.errors import ConvergenceError, ParameterError
from nakmodel.model.meshes import box_cell, rectangle_cell
from nakmodel.model.problem import CoupledProblem, CurrentControl, NewtonOptions, VoltageControl
from nakmodel.model.solvers import DIRECT, ITERATIVE, LinearSolver, linear_solver_for
from nakmodel.parameters import load_parameters

PREFIX = CoupledProblem.petsc_options_prefix


def _x_initial(X):
    """Non-uniform composition: 3D diffusion and a non-uniform interface current."""
    return 0.45 + 0.1 * np.sin(3e3 * X[0]) * np.cos(2e3 * X[1])


def _box(n=5):
    return box_cell(1e-3, 1e-3, 1e-4, n_lateral=n, n_nasicon=n, n_alloy=n)


def _problem(linear_solver, n=5, backend="auto", method="builtin"):
    """The same Newton driver for both presets (``method``), so only the linear solver
    differs."""
    return CoupledProblem(_box(n), temperature=298.15, x_initial=_x_initial, x_reference=0.45,
                          linear_solver=linear_solver, backend=backend,
                          newton=NewtonOptions(method=method))


# ------------------------------------------------------------------ validation
@pytest.mark.parametrize("kwargs, key", [
    ({"kind": "gamg"}, "numerics.linear_solver"),
    ({"kind": "iterative", "rtol": 0.0}, "linear_solver.rtol"),
    ({"kind": "iterative", "rtol": 1.5}, "linear_solver.rtol"),
    ({"kind": "iterative", "max_iterations": 0}, "linear_solver.max_iterations"),
    ({"kind": "iterative", "restart": 2.5}, "linear_solver.restart"),
    ({"kind": "iterative", "gamg_threshold_c": 1.0}, "linear_solver.gamg_threshold_c"),
    ({"kind": "iterative", "gamg_threshold_phi": float("nan")},
     "linear_solver.gamg_threshold_phi"),
    ({"kind": "iterative", "gamg_aggressive_levels": -1}, "linear_solver.gamg_aggressive_levels"),
    ({"kind": "iterative", "reuse_preconditioner": 1}, "linear_solver.reuse_preconditioner"),
    ({"kind": "iterative", "compact_pattern": "yes"}, "linear_solver.compact_pattern"),
    ({"kind": "iterative", "krylov": "cg"}, "linear_solver.krylov"),
])
def test_invalid_preset_names_the_setting(kwargs, key):
    with pytest.raises(ParameterError) as err:
        LinearSolver(**kwargs)
    assert [p.key for p in err.value.problems] == [key]


def test_unknown_choice_lists_the_allowed_values():
    with pytest.raises(ParameterError, match="'auto', 'direct', 'iterative'"):
        linear_solver_for("mumps", 3)
    with pytest.raises(ParameterError, match="numerics.linear_solver.*'auto', 'direct'"):
        load_parameters({"numerics.linear_solver": "gmres"})
    with pytest.raises(ParameterError, match="numerics.linear_solver"):
        _problem("gmres")


def test_parameter_round_trips_and_defaults_to_auto():
    p = load_parameters()
    assert p.numerics.linear_solver == "auto"
    q = p.replace({"numerics.linear_solver": "iterative"})
    assert q.numerics.linear_solver == "iterative"
    import tomllib

    assert load_parameters(tomllib.loads(q.to_toml())).numerics.linear_solver == "iterative"


def test_scipy_backend_rejects_the_iterative_preset():
    with pytest.raises(ParameterError, match="backend='petsc'"):
        _problem("iterative", backend="scipy")


def test_auto_is_direct_in_2d_and_iterative_on_petsc_in_3d():
    assert linear_solver_for("auto", 1) == linear_solver_for("auto", 2) == DIRECT
    assert linear_solver_for("auto", 3) == ITERATIVE
    pb3 = _problem("auto", n=2)
    assert (pb3.linear_solver, pb3.backend) == (ITERATIVE, "petsc")
    pb2 = CoupledProblem(rectangle_cell(0.5e-3, 1e-3, 30e-6, 4, 3, 2), temperature=298.15,
                         x_initial=0.3)
    assert (pb2.linear_solver, pb2.backend) == (DIRECT, "scipy")
    custom = LinearSolver("iterative", rtol=1e-11)
    assert linear_solver_for(custom, 1) is custom


def test_preset_options():
    assert DIRECT.petsc_options()["pc_factor_mat_solver_type"] == "mumps"
    it = ITERATIVE.petsc_options()
    assert it["pc_type"] == "fieldsplit"
    assert it["fieldsplit_c_pc_type"] == it["fieldsplit_phi_pc_type"] == "gamg"
    assert it["fieldsplit_c_pc_gamg_threshold"] == ITERATIVE.gamg_threshold_c


# ------------------------------------------------------------------ solutions
def _run(pb, controls):
    out = []
    for control, dt in controls:
        rep = pb.solve(control, dt)
        assert rep.converged, rep.reason
        pb.accept()
        out.append((rep, float(pb.voltage.value), pb.u.x.array[pb.active].copy()))
    return out


CONTROLS = [(CurrentControl(10.0), 5.0), (CurrentControl(-20.0), 5.0),
            (VoltageControl(0.05), 2.0)]


def test_iterative_and_direct_give_the_same_newton_solution():
    runs = {kind: _run(_problem(kind), CONTROLS) for kind in ("direct", "iterative")}
    pb = _problem("direct")
    scale = np.where(pb.active % 2 == 0, pb.c_max, 0.0257)
    for (rd, vd, ud), (ri, vi, ui) in zip(runs["direct"], runs["iterative"], strict=True):
        assert ri.iterations == rd.iterations
        assert np.max(np.abs(ui - ud) / scale) < 1e-8
        assert abs(vi - vd) < 1e-8 * 0.0257 + 1e-12
        assert ri.krylov_iterations > 3 * ri.iterations  # > 1 Krylov iteration per solve
    # not trivial: a non-uniform potential field
    phi = runs["direct"][-1][2][pb.active % 2 == 1]
    assert np.ptp(phi) > 1e-3 * np.max(np.abs(phi))


def test_3d_petsc_path_never_compiles_the_whole_residual_and_jacobian():
    """In 3D the PETSc path assembles R and J in parts (forms.assembly_parts); the whole
    forms are compiled only when something asks for them (here: explicitly, and by the
    serial scipy path), with the same Jacobian as the sum of the parts."""
    from dolfinx import fem

    pb = _problem("iterative")
    _run(pb, CONTROLS[:1])
    assert not pb.forms.is_compiled("R") and not pb.forms.is_compiled("J")
    assert "J" in pb.forms and pb.forms.get("J_parts")
    whole = fem.assemble_matrix(pb.forms["J"]).to_scipy()
    parts = sum(fem.assemble_matrix(f).to_scipy() for f in pb.forms["J_parts"])
    assert pb.forms.is_compiled("J")
    assert abs(whole - parts).max() <= 1e-12 * abs(whole).max()
    with pytest.raises(KeyError):
        pb.forms["no such form"]


def test_krylov_failure_raises_convergence_error_with_the_ksp_reason():
    pb = _problem(LinearSolver("iterative", max_iterations=1))
    with pytest.raises(ConvergenceError, match="linear solve failed.*DIVERGED_"):
        pb.solve_or_raise(CurrentControl(10.0), 5.0)
    assert float(pb.voltage.value) == pytest.approx(pb.voltage_n)  # state restored


def test_user_petsc_options_override_the_preset_and_defaults_are_removed():
    options = PETSc.Options()
    options[PREFIX + "ksp_max_it"] = 1
    try:
        pb = _problem("iterative")
        rep = pb.solve(CurrentControl(10.0), 5.0)
    finally:
        options.delValue(PREFIX + "ksp_max_it")
    assert not rep.converged and "DIVERGED_" in rep.reason
    # the preset's defaults were only in the database during the set-up
    assert not options.hasName(PREFIX + "pc_type")
    assert pb.petsc_system.ksp.getPC().getType() == PETSc.PC.Type.FIELDSPLIT
    names = [ksp.getOptionsPrefix() for ksp in pb.petsc_system.ksp.getPC().getFieldSplitSubKSP()]
    assert names == [f"{PREFIX}fieldsplit_{f}_" for f in ("c", "phi", "inert")]


# ------------------------------------------------------------------ MPI
SCRIPT = textwrap.dedent('''
    import json, sys
    import numpy as np
    import dolfinx_solver
    from mpi4py import MPI
    from nakmodel.model.meshes import box_cell
    from nakmodel.model.problem import CoupledProblem, CurrentControl, NewtonOptions

    def x0(X):
        return 0.45 + 0.1 * np.sin(3e3 * X[0]) * np.cos(2e3 * X[1])

    pb = CoupledProblem(box_cell(1e-3, 1e-3, 1e-4, 5, 5, 5, comm=MPI.COMM_WORLD),
                        temperature=298.15, x_initial=x0, x_reference=0.45,
                        linear_solver="{solver}", newton=NewtonOptions(method="builtin"))
    # the default start voltage (mean OCV over the interface DOFs, each counted once) is
    # the same on any partition
    out = []
    for k in range(3):
        rep = pb.solve(CurrentControl(10.0), 5.0)
        assert rep.converged, rep.reason
        pb.accept()
        out.append([float(pb.voltage.value), pb.functional("inventory"), rep.iterations])
    if MPI.COMM_WORLD.rank == 0:
        json.dump(out, open(sys.argv[1], "w"))
''')


def test_two_ranks_iterative_match_one_rank_direct(run_script):
    serial = np.array(run_script(SCRIPT.replace("{solver}", "direct"), 1, "direct"))
    parallel = np.array(run_script(SCRIPT.replace("{solver}", "iterative"), 2, "iterative"))
    np.testing.assert_array_equal(parallel[:, 2], serial[:, 2])  # Newton iterations
    np.testing.assert_allclose(parallel[:, :2], serial[:, :2], rtol=1e-9)


def test_simulation_passes_the_parameter_and_the_argument_through():
    from nakmodel.model.simulation import Simulation

    p = load_parameters({"numerics.linear_solver": "direct"})
    sim = Simulation(_box(2), p, "Strip at 1 mA/cm2 for 1 s")
    assert sim.build().linear_solver == DIRECT and sim.problem.backend == "scipy"
    sim = Simulation(_box(2), p, "Strip at 1 mA/cm2 for 1 s", linear_solver="iterative")
    assert sim.build().linear_solver == ITERATIVE and sim.problem.backend == "petsc"


def test_iterative_default_is_compact_right_preconditioned_gmres():
    it, di = LinearSolver("iterative"), LinearSolver("direct")
    assert (it.compact_pattern, di.compact_pattern) == (True, False)
    options = it.petsc_options()
    assert (options["ksp_type"], options["ksp_pc_side"]) == ("gmres", "right")
    options = LinearSolver("iterative", krylov="fgmres", compact_pattern=False).petsc_options()
    assert options["ksp_type"] == "fgmres" and "ksp_pc_side" not in options
