"""Interface composition profiles of a :class:`~nakmodel.model.problem.CoupledProblem`,
computed where the DOFs live: every rank evaluates its owned interface DOFs and only the
profile itself is combined (no gather of the field).

* 1D/2D/axisymmetric cells (the interface is a point or a line): x_Na at every interface DOF,
  ordered by the first coordinate (x or r) - the profile *is* the interface line, O(N^1/2)
  values.
* 3D cells (the interface is a surface, O(N^2/3) DOFs): the area-weighted mean of x_Na over
  the interface in ``bins`` slabs along x,

      x̄_k = Σ_i∈k w_i x_i / Σ_i∈k w_i,   X̄_k = Σ_i∈k w_i X_i / Σ_i∈k w_i,   w_i = ∫_Γ v_i dA,

  with the lumped interface weights w_i (Σ w_i = interface area); only the 3 sums per bin
  are reduced over the ranks, so the result is the same on any partition (to rounding).
  For an x_Na linear in x the bin mean equals x_Na at X̄_k exactly.
"""

from __future__ import annotations

import weakref

import numpy as np

_WEIGHTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def interface_weights(problem) -> np.ndarray:
    """w_i = ∫_Γ v_i dA [m^2] (times the axisymmetric weight) of the problem's interface DOFs
    (``problem.interface_c_dofs`` order, owned and ghost; summed over the ranks)."""
    cached = _WEIGHTS.get(problem)
    if cached is not None:
        return cached
    import ufl
    from dolfinx import fem, la

    v = ufl.TestFunction(problem.space)[0]
    w = problem.weight
    wp = w("+") if isinstance(w, ufl.core.expr.Expr) else w
    vec = fem.assemble_vector(fem.form(v("+") * wp * problem.dS_interface))
    vec.scatter_reverse(la.InsertMode.add)
    vec.scatter_forward()
    weights = vec.array[problem.interface_c_dofs].copy()
    _WEIGHTS[problem] = weights
    return weights


def _sum(comm, values: np.ndarray) -> np.ndarray:
    from mpi4py import MPI

    values = np.ascontiguousarray(values, dtype=float)
    comm.Allreduce(MPI.IN_PLACE, values, op=MPI.SUM)
    return values


def interface_profile(problem, bins: int | None = None):
    """(coordinate [m], x_Na) of the interface composition (module docstring): pointwise
    along the interface line in 1D/2D, binned along x in 3D (``bins`` slabs; default
    round(sqrt(number of interface DOFs)), 1 to 200).  Collective; the same on every rank."""
    from mpi4py import MPI

    comm = problem.mesh.comm
    owned = problem.interface_c_dofs // 2 < problem.n_owned_blocks
    coords = problem.interface_coordinates[owned]
    x = problem.interface_mole_fraction()[owned]
    gdim = problem.mesh.geometry.dim
    if gdim < 3:
        parts = comm.allgather((coords[:, 0] if gdim > 1 else 0 * coords[:, 0], x))
        coordinate = np.concatenate([p[0] for p in parts])
        values = np.concatenate([p[1] for p in parts])
        order = np.lexsort((values, coordinate))
        return coordinate[order], values[order]
    if bins is not None and not (isinstance(bins, int) and bins >= 1):
        from ..errors import InputProblem, ParameterError

        raise ParameterError(InputProblem("bins", "must be a positive integer", bins,
                                          "integer >= 1 [slabs along x]"))
    weights = interface_weights(problem)[owned]
    xs = coords[:, 0]
    limits = np.array([xs.min() if xs.size else np.inf, -(xs.max() if xs.size else -np.inf)])
    comm.Allreduce(MPI.IN_PLACE, limits, op=MPI.MIN)
    low, high = limits[0], -limits[1]
    if bins is None:
        bins = int(min(200, max(1, round(np.sqrt(comm.allreduce(int(xs.size)))))))
    width = (high - low) / bins or 1.0
    k = np.clip(((xs - low) / width).astype(int), 0, bins - 1)
    sums = _sum(comm, np.concatenate([np.bincount(k, weights, bins),
                                      np.bincount(k, weights * xs, bins),
                                      np.bincount(k, weights * x, bins)]))
    w_sum, wx_sum, wv_sum = sums.reshape(3, bins)
    keep = w_sum > 0
    return wx_sum[keep] / w_sum[keep], wv_sum[keep] / w_sum[keep]
