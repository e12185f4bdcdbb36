"""The Newton drivers' shared parts (``nakmodel.model.newton``): the damped Newton algorithm
on a small LinearSystem whose solution is known, and the reordered sparse LU."""

from __future__ import annotations

import numpy as np
import pytest
import scipy.sparse as sp
import scipy.sparse.linalg as spla

from nakmodel.model.controls import NewtonOptions, NewtonReport
from nakmodel.model.newton import ReorderedLU, deuflhard


class DenseSystem:
    """A LinearSystem of F(x) = 0 with dense numpy algebra (the :func:`deuflhard` protocol)."""

    def __init__(self, F, J, x0, fail_at=None):
        self.F, self.J, self.x = F, J, np.array(x0, dtype=float)
        self.x0 = self.x.copy()
        self.fail_at = fail_at
        self.linearisations = 0

    def residual(self):
        self.r = self.F(self.x)

    def linearise(self, iteration):
        self.linearisations += 1
        if iteration == self.fail_at:
            return "singular"
        self.Jx, self.base = self.J(self.x), self.x.copy()
        return ""

    def increment(self, simplified):
        return np.linalg.solve(self.Jx, -self.r), ""

    def norm(self, d):
        return float(np.max(np.abs(d)))

    def max_step(self, d):
        return 1.0

    def step(self, d, lam):
        self.x = self.base + lam * d

    def release(self, d):
        pass

    def report(self, converged, iterations, history, reason=""):
        if not converged:
            self.x = self.x0.copy()
        return NewtonReport(converged, iterations, history, reason)


def test_deuflhard_converges_quadratically_to_the_known_root():
    # x_i^3 = a_i: roots a_i^(1/3)
    a = np.array([2.0, 5.0, 0.5])
    system = DenseSystem(lambda x: x**3 - a, lambda x: np.diag(3 * x**2), [1.0, 1.0, 1.0])
    report = deuflhard(system, NewtonOptions(rtol=1e-12, atol=1e-14, max_iterations=30))
    assert report.converged
    np.testing.assert_allclose(system.x, np.cbrt(a), rtol=1e-13)
    h = report.history
    # the last full steps contract quadratically: e_k+1 <= C e_k^2 with C of order 1
    ratios = [h[k + 1] / h[k] ** 2 for k in range(len(h) - 1) if h[k] < 0.1]
    assert ratios and max(ratios) < 5.0


def test_deuflhard_damps_the_step_where_plain_newton_diverges():
    # arctan(x) = 0 from x0 = 2: undamped Newton diverges (|x0| > 1.39), the natural
    # monotonicity test halves the first steps and converges to 0
    x = 2.0
    for _ in range(5):
        x -= np.arctan(x) * (1 + x**2)
    assert abs(x) > 1e3  # the plain iteration runs away
    system = DenseSystem(np.arctan, lambda x: np.diag(1.0 / (1.0 + x**2)), [2.0])
    report = deuflhard(system, NewtonOptions(rtol=1e-12, atol=1e-14, max_iterations=40))
    assert report.converged and abs(system.x[0]) < 1e-12


def test_deuflhard_accepts_a_correction_below_tolerance_despite_residual_noise():
    """At a state already converged to 1e-12 the simplified increment is round-off (here a
    residual offset of 1e-10 that grows with every evaluation, e.g. round-off amplified
    by a tiny Jacobian column).  The monotonicity test then fails at every lam;
    before the NLEQ-ERR test on the ordinary correction the solve ended in 'no
    convergence' at a converged state."""
    root = np.array([1.0, 2.0])
    evaluations = []

    def F(x):
        evaluations.append(1)
        return (x - root) + 1e-10 * (len(evaluations) - 1)

    noisy = DenseSystem(F, lambda x: np.eye(2), root + 1e-12)
    report = deuflhard(noisy, NewtonOptions(rtol=1e-9, atol=0.0, max_iterations=5))
    assert report.converged and report.iterations == 1 and len(evaluations) == 1
    np.testing.assert_allclose(noisy.x, root, rtol=0, atol=1e-15)


def test_deuflhard_names_the_content_bound_when_it_holds_the_step():
    """A node at the admissibility bound with the Newton direction pointing past it: every
    step is damped to 0.9 of the remaining distance, so the iteration stalls; the failure
    reason says that the content bound held the step (the flaw-tip failure of
    studies/ccd_sweep_flaw.toml)."""

    class Bounded(DenseSystem):
        def max_step(self, d):
            gap = self.base[0] + 1.0  # bound x >= -1
            return 1.0 if self.base[0] + d[0] >= -1.0 else 0.9 * gap / -d[0]

    system = Bounded(lambda x: x + 3.0, lambda x: np.eye(1), [-1.0 + 1e-9])
    report = deuflhard(system, NewtonOptions(rtol=1e-12, atol=0.0, max_iterations=6))
    assert not report.converged
    assert "held below 1e-6" in report.reason and "x_Na >= -1" in report.reason
    assert system.x[0] == -1.0 + 1e-9  # the start state is restored


def test_deuflhard_reports_a_failed_linearisation_and_restores_the_start():
    system = DenseSystem(lambda x: x**3 - 2.0, lambda x: np.diag(3 * x**2), [1.0], fail_at=2)
    report = deuflhard(system, NewtonOptions(rtol=1e-12, max_iterations=30))
    assert not report.converged and report.reason == "singular" and report.iterations == 2
    assert system.x[0] == 1.0


def _coupled_matrix(n, seed):
    """A structurally symmetric, non-symmetric sparse matrix like the bordered Jacobian: a
    2D Laplacian of two coupled fields plus a dense last row and column."""
    rng = np.random.default_rng(seed)
    lap = sp.diags([-1.0, 2.0, -1.0], [-1, 0, 1], shape=(n, n))
    block = sp.kronsum(lap, lap).tocsr()
    m = block.shape[0]
    A = sp.bmat([[block * 2.0, 0.3 * sp.eye(m)], [0.1 * sp.eye(m), block]]).tolil()
    A[-1, :] = rng.uniform(0.1, 1.0, 2 * m)
    A[:, -1] = rng.uniform(0.1, 1.0, (2 * m, 1))
    A[-1, -1] = 50.0
    A = A.tocsc()
    A.data *= rng.uniform(0.9, 1.1, A.nnz)  # not symmetric in value
    return A


def test_reordered_lu_reuses_the_ordering_and_solves_exactly():
    lu = ReorderedLU()
    A1, A2 = _coupled_matrix(12, 0), _coupled_matrix(12, 1)
    assert np.array_equal(A1.indptr, A2.indptr)  # same pattern, other values
    b = np.linspace(1.0, 2.0, A1.shape[0])
    x1 = lu(A1).solve(b)
    order = lu.orders[A1.shape[0]]
    second = lu(A2)
    assert lu.orders[A1.shape[0]] is order  # no new ordering
    x2 = second.solve(b)
    for A, x in ((A1, x1), (A2, x2)):
        np.testing.assert_allclose(x, spla.spsolve(A, b), rtol=1e-11)
    # the permuted system fills as little as the freshly ordered one
    fresh = spla.splu(A2, permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.01,
                      options={"SymmetricMode": True})
    inner = second.lu.lu  # (scaled solve -> permuted solve -> SuperLU)
    assert inner.L.nnz + inner.U.nnz <= 1.05 * (fresh.L.nnz + fresh.U.nnz)


def test_lu_pivoting_does_not_depend_on_row_scaling():
    """Rows scaled by 1e4 (an interface row grows with i0): SuperLU's threshold pivoting on
    the raw matrix leaves the diagonal and fills 5x more (1,222,288 entries against 245,536
    at n = 3201); factor() scales symmetrically (D A D, unit diagonal) and keeps the fill of
    the unscaled matrix; the solution is exact either way, also with the reused ordering."""
    from nakmodel.model.newton import factor

    A = _coupled_matrix(40, 0)
    n = A.shape[0]
    s = np.ones(n)
    s[: n // 2: 2] = 1e4
    B = (sp.diags(s) @ A).tocsc()
    opts = dict(permc_spec="MMD_AT_PLUS_A", diag_pivot_thresh=0.01,
                options={"SymmetricMode": True})
    raw, ref = spla.splu(B, **opts), spla.splu(A, **opts)
    scaled = factor(B)
    assert raw.L.nnz + raw.U.nnz > 3 * (ref.L.nnz + ref.U.nnz)  # the problem
    assert scaled.lu.L.nnz + scaled.lu.U.nnz <= ref.L.nnz + ref.U.nnz
    b = np.linspace(1.0, 2.0, n)
    x = scaled.solve(b)
    np.testing.assert_allclose(x, spla.spsolve(B, b), rtol=1e-11, atol=1e-12 * np.abs(x).max())
    lu = ReorderedLU()
    lu(B)
    again = lu((sp.diags(s) @ _coupled_matrix(40, 1)).tocsc())
    assert again.lu.lu.L.nnz + again.lu.lu.U.nnz <= 1.05 * (ref.L.nnz + ref.U.nnz)


def test_reordered_lu_with_another_pattern_or_size():
    lu = ReorderedLU()
    A = _coupled_matrix(10, 2)
    lu(A)
    B = A.tolil()
    B[0, 5], B[5, 0] = 0.7, -0.4  # new entries: the old ordering is still a permutation
    B = B.tocsc()
    b = np.ones(A.shape[0])
    np.testing.assert_allclose(lu(B).solve(b), spla.spsolve(B, b), rtol=1e-11)
    C = _coupled_matrix(8, 3)  # another size (e.g. potentiostatic: no V row)
    np.testing.assert_allclose(lu(C).solve(np.ones(C.shape[0])),
                               spla.spsolve(C, np.ones(C.shape[0])), rtol=1e-11)
    assert set(lu.orders) == {A.shape[0], C.shape[0]}


def test_reordered_lu_of_a_singular_matrix_raises_like_superlu():
    lu = ReorderedLU()
    A = _coupled_matrix(6, 4)
    lu(A)
    S = A.tolil()
    S[3, :] = 0.0
    with pytest.raises(RuntimeError):
        lu(S.tocsc())
