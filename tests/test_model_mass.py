"""Mass terms of the coupled model: geometric capacitance of the ceramic in M, the
``extra_mass`` hook (time-dependent manufactured solution, backward-Euler order), the
parameters kept on the problem, and exact tagging of strongly graded meshes."""

from __future__ import annotations

import dolfinx_solver  # noqa: F401, I001

import numpy as np
import pytest
from dolfinx import fem

from nakmodel.errors import ParameterError
from nakmodel.model.materials import NasiconProperties
from nakmodel.model.meshes import TAGS, interval_cell, rectangle_cell
from nakmodel.model.problem import CoupledProblem

EPSILON_0 = 8.8541878128e-12


def _count(cm, name):
    return int(cm.facet_tags.find(TAGS[name]).size)


@pytest.mark.parametrize("make", [
    lambda: interval_cell(1e-3, 1e-4, 4, 50, grading=1e4),
    lambda: rectangle_cell(1e-4, 1e-3, 1e-4, 2, 2, 30, grading=1e4),
])
def test_strong_grading_tags_only_the_interface_row(make):
    """Under strong grading the first alloy cell (~0.5 nm here) is smaller than
    np.isclose's default rtol x L_n (10 nm): the interface must still be one node row."""
    cm = make()
    tdim = cm.mesh.topology.dim
    z = cm.mesh.geometry.x[:, tdim - 1]
    first = np.min(z[z > 1e-3 * (1 + 1e-12)]) - 1e-3
    assert first < 1e-5 * 1e-3  # the grading is as strong as claimed
    n_row = 1 if tdim == 1 else 2  # facets along the interface: 1 point / 2 segments
    assert _count(cm, "interface_contact") == n_row
    assert _count(cm, "current_collector") == n_row
    assert _count(cm, "counter_electrode") == n_row


def test_geometric_capacitance_is_in_the_mass_matrix():
    """M's NASICON block is C_g = ε0 εr ∫ ∇φ·∇v (1D: ε0 εr/L_n between CE and interface
    nodes, summed over the layer), and scales with nasicon.relative_permittivity."""
    cm = interval_cell(1e-4, 1e-5, 5, 5)
    M = {}
    for eps_r in (0.0, 100.0, 300.0):
        pb = CoupledProblem(cm, temperature=298.15, x_initial=0.5,
                            nasicon=NasiconProperties.from_parameters(relative_permittivity=eps_r))
        M[eps_r] = pb.mass_matrix().toarray()
    d1, d3 = M[100.0] - M[0.0], M[300.0] - M[0.0]
    assert np.allclose(d3, 3 * d1, rtol=1e-12, atol=0)
    # energy of a linear potential ramp phi = z/L_n: δφ^T C δφ = ε0 εr / L_n (per m²)
    pb = CoupledProblem(cm, temperature=298.15, x_initial=0.5)
    coords = pb.space.tabulate_dof_coordinates()[(pb.phi_dofs - 1) // 2, 0]
    ramp = np.zeros(d1.shape[0])
    ramp[pb.n_c:pb.n_c + pb.n_phi] = coords / 1e-4
    assert ramp @ d1 @ ramp == pytest.approx(EPSILON_0 * 100.0 / 1e-4, rel=1e-12)
    assert np.all(d1[:pb.n_c] == 0) and np.all(d1[-1] == 0)  # alloy / control rows untouched


def test_parameters_are_kept_on_the_problem():
    from nakmodel.model.simulation import ConstantCurrent, Simulation
    from nakmodel.parameters import load_parameters

    p = load_parameters()
    pb = Simulation(interval_cell(1e-4, 1e-5, 4, 4), p, ConstantCurrent(0.0, 1.0)).build()
    assert pb.parameters is p
    assert pb.nasicon.relative_permittivity == p.nasicon.relative_permittivity
    assert CoupledProblem(interval_cell(1e-4, 1e-5, 4, 4), temperature=298.15).parameters \
        is None


def test_bad_hooks_raise():
    with pytest.raises(ParameterError, match="extra_mass"):
        CoupledProblem(interval_cell(1e-4, 1e-5, 4, 4), temperature=298.15, extra_mass=1.0)
    with pytest.raises(ParameterError, match="relative_permittivity"):
        NasiconProperties.from_parameters(relative_permittivity=-1.0)


def test_extra_mass_hook_adds_to_m():
    """extra_mass(problem, v) is added to m(u): a ∫ phi v_phi dx gives a ∫ N_i N_j."""
    import ufl

    cm = interval_cell(1e-4, 1e-5, 5, 5)
    a = 3.0

    def extra(pb, v):
        return a * pb.u[1] * v[1] * pb.weight * pb.dx_nasicon

    base = CoupledProblem(cm, temperature=298.15).mass_matrix()
    pb = CoupledProblem(cm, temperature=298.15, extra_mass=extra)
    diff = (pb.mass_matrix() - base).toarray()
    du, v = ufl.TrialFunction(pb.space), ufl.TestFunction(pb.space)
    ref = fem.assemble_matrix(fem.form(a * du[1] * v[1] * pb.dx_nasicon)).to_scipy()
    ref = ref.tocsr()[pb.active][:, pb.active].toarray()
    assert np.allclose(diff[:-1, :-1], ref, rtol=1e-12, atol=1e-14 * np.abs(ref).max())
    assert np.all(diff[-1] == 0) and np.all(diff[:, -1] == 0)


def test_transient_mms_backward_euler_is_first_order_in_time():
    """Time-dependent manufactured solution through the whole mass form (host storage eps c,
    geometric capacitance, extra_mass) and the effective-medium transport: the error at
    T_END falls like dt (backward Euler), observed order 0.9-1.1 over dt = T/4 ... T/32."""
    from nakmodel.model.verification import observed_order, transient_convergence_study

    dts, errs = transient_convergence_study()
    for key, err in errs.items():
        assert 0.9 < observed_order(dts, err) < 1.1, (key, err)
    assert errs["c_L2"][-1] < 0.02 and errs["phi_L2"][-1] < 0.01


def test_transient_mms_fails_without_the_extra_mass(monkeypatch):
    """The same study with the extra_mass hook left out of the model (the source still
    assumes it): the potential error does not fall with dt and stays > 4x the converged
    one at dt = T/32 (0.0074) — the hook is what makes it converge."""
    from nakmodel.model import verification

    monkeypatch.setattr(verification, "_transient_extra_mass", lambda capacity: None)
    dts, errs = verification.transient_convergence_study(steps=(8, 32))
    assert errs["phi_L2"][1] >= errs["phi_L2"][0]
    assert errs["phi_L2"][1] > 0.03
