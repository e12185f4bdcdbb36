"""Linear solves of a linearised model: Z(f) from (J, M, b, c, d).

* :func:`galvanostatic_impedance` — GEIS, one sparse complex LU per frequency;
* :func:`krylov_impedance` — GEIS by rational-Krylov model order reduction;
* :func:`potentiostatic_impedance` — PEIS, the voltage prescribed;
* every LU is of the symmetrically scaled D A D (:func:`nakmodel.model.newton.factor`),
  its ordering computed once per sweep (:class:`~nakmodel.model.newton.ReorderedLU`).
  Unscaled, SuperLU's threshold pivoting left the diagonal at low frequency, where the
  interface rows (~i0) dominate: 714,339 instead of 198,852 entries in L+U at 10 mHz on
  the reference cell (4006 unknowns), 136 instead of 33 ms.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla

from ..model.newton import ReorderedLU
from .linear import LinearizedSystem, check_frequencies


def galvanostatic_impedance(system: LinearizedSystem, frequencies) -> np.ndarray:
    """GEIS: Z(ω) = c^T (iωM + J)^{-1} b + d, one sparse complex LU per frequency.

    J and M are assembled once; each frequency gets a fresh numerical LU of the scaled
    matrix, and the fill-reducing ordering of the first is reused for all
    (:class:`~nakmodel.model.newton.ReorderedLU`: the pattern of J + iωM does not depend
    on ω).  Reusing a factorisation at neighbouring frequencies as a GMRES preconditioner
    was 2-3× *slower* in scipy (iteration overhead), and MUMPS on the real 2n form was no
    faster than SuperLU (``benchmarks/RESULTS.md``)."""
    f = check_frequencies(frequencies)
    J = system.J.astype(complex).tocsc()
    M = system.M.astype(complex).tocsc()
    b = system.b.astype(complex)
    Z = np.empty(f.size, dtype=complex)
    lu = ReorderedLU()  # one pattern for all frequencies: the ordering is computed once
    for k, fk in enumerate(f):
        Z[k] = system.c @ lu((J + 2j * np.pi * fk * M).tocsc()).solve(b) + system.d
    return Z


def krylov_impedance(system: LinearizedSystem, frequencies, *, moments: int = 6,
                     shifts_per_decade: float = 1.0) -> np.ndarray:
    """GEIS by rational-Krylov model order reduction: few factorisations, all frequencies.

    Real shifts σ_j = 2π f_j, log-spaced over the band (``shifts_per_decade``); at each, a
    *real* sparse LU of (J + σ_j M) and ``moments`` vectors of the Krylov sequence
    x_0 = (J + σ_j M)^{-1} b, x_{m+1} = (J + σ_j M)^{-1} M x_m (the Taylor coefficients of
    δX(s) about s = σ_j).  With V an orthonormal basis of all of them, the Galerkin-projected
    model (V^T J V, V^T M V, V^T b, V^T c) matches ``moments`` moments of Z at every σ_j
    (Grimme, PhD thesis, Univ. Illinois (1997); Freund, J. Comput. Appl. Math. 123 (2000)
    395 [M]) and is evaluated densely at every frequency.  Accuracy is checked in the tests
    against :func:`galvanostatic_impedance`: ≤ 1e-9 relative (1D and spot cells, 1 mHz–10 MHz).
    Measured on a loaded 2-core machine, 60 frequencies: 0.3-0.5 s vs 1.1-1.4 s direct
    (reference cell, 2517 unknowns); 3-6 s vs 50-75 s direct (one spot, 16683 unknowns).
    """
    f = check_frequencies(frequencies)
    J = system.J.tocsc()
    M = system.M.tocsc()
    Q = rational_krylov_basis(J, M, system.b, (f.min(), f.max()), shifts_per_decade, moments)
    Jr, Mr = Q.T @ (J @ Q), Q.T @ (M @ Q)
    br, cr = Q.T @ system.b, Q.T @ system.c
    Z = np.empty(f.size, dtype=complex)
    for k, fk in enumerate(f):
        Z[k] = cr @ np.linalg.solve(Jr + 2j * np.pi * fk * Mr, br) + system.d
    return Z


def rational_krylov_basis(J, M, b, band, shifts_per_decade: float, moments: int,
                          deflate=None) -> np.ndarray:
    """Orthonormal basis Q of the rational Krylov space of (J, M, b) (:func:`krylov_impedance`):
    real shifts σ_j = 2π f_j log-spaced over ``band`` [Hz] (``shifts_per_decade``, at least
    2), at each a real LU of (J + σ_j M) (one ordering for all: the pattern does not depend
    on σ) and ``moments`` vectors x_0 = (J + σ_j M)^{-1} b, x_{m+1} = (J + σ_j M)^{-1} M x_m,
    each passed through ``deflate`` if given; numerically dependent directions dropped
    (pivoted QR, 1e-12)."""
    lo, hi = np.log10(band[0]), np.log10(band[1])
    n_shift = max(int(np.ceil((hi - lo) * shifts_per_decade)) + 1, 2)
    keep = deflate if deflate is not None else (lambda x: x)
    blocks = []
    lu_of = ReorderedLU()
    for sigma in 2 * np.pi * np.logspace(lo, hi, n_shift):
        lu = lu_of((J + sigma * M).tocsc())
        x = keep(lu.solve(b))
        for _ in range(int(moments)):
            blocks.append(x / max(np.linalg.norm(x), 1e-300))
            x = keep(lu.solve(M @ x))
    Q, R, _ = sla.qr(np.column_stack(blocks), mode="economic", pivoting=True)
    rank = int(np.sum(np.abs(np.diag(R)) > 1e-12 * np.abs(R[0, 0])))
    return Q[:, :rank]


def potentiostatic_impedance(system: LinearizedSystem, frequencies) -> np.ndarray:
    """PEIS: prescribe δV (the last unknown), solve the model rows for δu, measure
    δI = (iωM + J)_{V-row}·δX (the control row is the total WE current), Z = δV/δI."""
    f = check_frequencies(frequencies)
    J = system.J.astype(complex).tocsr()
    M = system.M.astype(complex).tocsr()
    n = system.size
    inner = np.arange(n - 1)
    Z = np.empty(f.size, dtype=complex)
    lu = ReorderedLU()
    for k, fk in enumerate(f):
        A = (J + 2j * np.pi * fk * M).tocsr()
        Auu = A[inner][:, inner].tocsc()
        AuV = A[inner][:, [n - 1]].toarray().ravel()
        du = lu(Auu).solve(-AuV)
        row = A[[n - 1]]
        current = (row[:, inner] @ du)[0] + row[0, n - 1]
        Z[k] = 1.0 / current
    return Z
