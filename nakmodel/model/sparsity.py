"""Compact PETSc operators of the coupled problem, built without the full block pattern.

dolfinx gives the blocked (c, phi) P1 space a full 2x2 block for every vertex pair of a cell;
~75 % of those stored entries are zeros (c-phi couplings away from the interface, the inert
identity rows).  :func:`compact_operators` builds the Jacobian ``A`` and the mass matrix ``M``
without that full pattern: a *structural* pattern of what the forms can couple (c-c on the
alloy cells, phi-phi on the NASICON cells, all pairs across the interface; from dolfinx's
patterns of scalar P1 forms, :func:`structural_matrix`) is assembled once (``M``; ``A`` at a
randomly perturbed state, so that no coupling vanishes by symmetry, plus ``M``: ``A +=
M/dt`` must stay a subset update) and copied to its nonzeros, giving the same patterns as
the copy route.  The transient is the structural matrix (~1.2x the compact Jacobian), never
the full pattern.  (PETSc's hash-table assembly of an unpreallocated AIJ matrix would avoid
it, but was measured ~25x slower than the assembly itself at 10k vertices.)

:func:`compact_operators_by_copy` is the previous route (full-pattern assembly, then a copy
of the nonzeros, :func:`~nakmodel.model.solvers.compact_matrix`): kept for the side-by-side
benchmark (``benchmarks/bench_memory_3d.py``) and the test that both give the same pattern.
"""

from __future__ import annotations

import contextlib

import numpy as np


def _lgmap(space):
    """dolfinx's local-to-global map of the blocked space (owned + ghost blocks)."""
    from petsc4py import PETSc

    index_map, bs = space.dofmap.index_map, space.dofmap.index_map_bs
    blocks = index_map.local_to_global(
        np.arange(index_map.size_local + index_map.num_ghosts, dtype=np.int32))
    return PETSc.LGMap().create(blocks.astype(PETSc.IntType), bsize=bs, comm=space.mesh.comm)


def _scalar_entries(form, shift_row, shift_col):
    """(row, column) global indices of the blocked (c, phi) space [2 x + component] of the
    entries of dolfinx's pattern of the scalar P1 ``form`` (owned rows)."""
    from dolfinx.fem import petsc as fpetsc

    mat = fpetsc.assemble_matrix(form)  # (an unassembled pattern would be squeezed out)
    mat.assemble()
    ia, ja, _ = mat.getValuesCSR()
    start = mat.getOwnershipRange()[0]
    mat.destroy()
    rows = np.repeat(np.arange(start, start + ia.size - 1, dtype=np.int64), np.diff(ia))
    return 2 * rows + shift_row, 2 * ja.astype(np.int64) + shift_col


def structural_matrix(problem):
    """AIJ matrix (zeros) on the blocked space whose pattern holds what the forms of
    ``problem`` can couple: c-c over the alloy cells, phi-phi over the NASICON cells and the
    counter electrode, every (c, phi) pair across the interface facets, the diagonal; built
    from dolfinx's patterns of four scalar P1 forms (each ~1/4 of the blocked full pattern
    of one block), never from the full 2x2-block pattern.  None when the scalar space's
    numbering differs from the blocked one (then the caller falls back to the full
    pattern)."""
    import ufl
    from dolfinx import fem
    from petsc4py import PETSc

    space, msh = problem.space, problem.mesh
    scalar = fem.functionspace(msh, ("Lagrange", 1))
    im_v, im_s = space.dofmap.index_map, scalar.dofmap.index_map
    local = np.arange(im_v.size_local + im_v.num_ghosts, dtype=np.int32)
    same = (im_v.size_local == im_s.size_local and im_v.num_ghosts == im_s.num_ghosts
            and np.array_equal(space.dofmap.list, scalar.dofmap.list)
            and np.array_equal(im_v.local_to_global(local), im_s.local_to_global(local)))
    if not msh.comm.allreduce(bool(same), op=_logical_and()):
        return None
    u, v = ufl.TrialFunction(scalar), ufl.TestFunction(scalar)
    iface = u("+") * v("+") * problem.dS_interface  # (contact and flaw facets included)
    blocks = [(u * v * problem.dx_alloy + iface, 0, 0),
              (u * v * problem.dx_nasicon + u * v * problem.ds_ce + iface, 1, 1),
              (iface, 0, 1), (iface, 1, 0)]
    n = 2 * im_v.size_local
    start = 2 * im_v.local_range[0]
    diag = np.arange(start, start + n, dtype=np.int64)
    rows, cols = [diag], [diag]
    for form, a, b in blocks:
        r, c = _scalar_entries(fem.form(form), a, b)
        rows.append(r)
        cols.append(c)
    rows, cols = np.concatenate(rows), np.concatenate(cols)
    n_global = 2 * im_v.size_global
    keys = np.unique(rows * n_global + cols)
    del rows, cols
    local_rows = keys // n_global - start
    counts = np.bincount(local_rows, minlength=n)
    ia = np.zeros(n + 1, dtype=PETSc.IntType)
    np.cumsum(counts, out=ia[1:])
    ja = (keys % n_global).astype(PETSc.IntType)
    del keys, local_rows
    mat = PETSc.Mat().createAIJ(((n, n_global), (n, n_global)), bsize=2,
                                csr=(ia, ja, np.zeros(ja.size)), comm=msh.comm)
    lgmap = _lgmap(space)
    mat.setLGMap(lgmap, lgmap)
    mat.assemble()
    # the blocked element matrices hold zeros outside the structure (c-phi in the bulk)
    mat.setOption(PETSc.Mat.Option.IGNORE_ZERO_ENTRIES, True)
    mat.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, False)
    return mat


def _logical_and():
    from mpi4py import MPI

    return MPI.LAND


@contextlib.contextmanager
def perturbed_state(problem):
    """Within the block the state is randomly perturbed (relative 1e-3 in c, 1e-3 RT/F in
    phi, fixed seed): an assembly then has no entry that vanishes only by symmetry."""
    from . import thermo_ufl as tu

    saved = problem.u.x.array.copy()
    rng = np.random.default_rng(12345)
    x = problem.u.x.array
    x[0::2] *= 1.0 + 1e-3 * rng.random(x[0::2].size)
    x[1::2] += 1e-3 * tu.GAS_CONSTANT * problem.temperature / tu.FARADAY * rng.random(
        x[1::2].size)
    problem.u.x.scatter_forward()
    try:
        yield
    finally:
        problem.u.x.array[:] = saved


def assemble_jacobian(A, forms, bcs):
    """Add J into ``A`` with the inert rows ``bcs`` (zero rows and columns, diagonal 1): in
    the parts ``forms["J_parts"]`` when there are (3D: :func:`.forms.assembly_parts`, which
    pack fewer coefficients), else the whole ``forms["J"]``.  The later parts are added
    first with diagonal 0, then the first one inserts the diagonal 1 (insertions
    overwrite)."""
    from dolfinx.fem import petsc as fpetsc
    from petsc4py import PETSc

    parts = forms.get("J_parts") or (forms["J"],)  # (the whole J compiles only if used)
    for form in parts[1:]:
        fpetsc.assemble_matrix(A, form, bcs=bcs, diag=0.0)
        A.assemble(PETSc.Mat.AssemblyType.FLUSH)
    fpetsc.assemble_matrix(A, parts[0], bcs=bcs, diag=1.0)


def compact_operators(problem, bcs):
    """(A, M) of ``problem`` (a :class:`~nakmodel.model.problem.CoupledProblem`) with the
    inert rows ``bcs`` on their nonzero patterns, assembled into the
    :func:`structural_matrix` and copied to their nonzeros (same patterns as
    :func:`compact_operators_by_copy`); A holds zeros on the union of the Jacobian's and
    the mass matrix's patterns, M the mass matrix (inert rows: zero diagonal)."""
    from dolfinx.fem import petsc as fpetsc
    from petsc4py import PETSc

    from .solvers import compact_matrix

    skeleton = structural_matrix(problem)
    if skeleton is None:
        return compact_operators_by_copy(problem, bcs)
    forms = problem.forms
    fpetsc.assemble_matrix(skeleton, forms["M"], bcs=bcs, diag=0.0)
    skeleton.assemble()
    mass = compact_matrix(skeleton)
    skeleton.zeroEntries()
    with perturbed_state(problem):
        assemble_jacobian(skeleton, forms, bcs)
        skeleton.assemble()
    # + M: its pattern must stay a subset of A's (A += M/dt)
    skeleton.axpy(1.0, mass, structure=PETSc.Mat.Structure.DIFFERENT_NONZERO_PATTERN)
    A = compact_matrix(skeleton)
    skeleton.destroy()
    A.zeroEntries()
    return A, mass


def compact_operators_by_copy(problem, bcs):
    """The previous route to the same (A, M): assemble on dolfinx's full block pattern, then
    copy the nonzeros (:func:`~nakmodel.model.solvers.compact_matrix`); the full-pattern
    matrices exist at the same time as the copies (benchmark / test reference)."""
    from dolfinx.fem import petsc as fpetsc
    from petsc4py import PETSc

    from .solvers import compact_matrix

    forms = problem.forms
    full_mass = fpetsc.assemble_matrix(forms["M"], bcs=bcs, diag=0.0)
    full_mass.assemble()
    mass = compact_matrix(full_mass)
    full_mass.destroy()
    full = fpetsc.create_matrix(forms["J"])
    with perturbed_state(problem):
        fpetsc.assemble_matrix(full, forms["J"], bcs=bcs, diag=1.0)
        full.assemble()
    full.setOption(PETSc.Mat.Option.NEW_NONZERO_ALLOCATION_ERR, False)
    full.axpy(1.0, mass, structure=PETSc.Mat.Structure.DIFFERENT_NONZERO_PATTERN)
    A = compact_matrix(full)
    full.destroy()
    A.zeroEntries()
    return A, mass


def bordered_csr_template(problem):
    """The pattern of the serial bordered Jacobian [[dR/du, dR/dV], [dG/du, dG/dV]] on the
    active DOFs (:meth:`~nakmodel.model.problem.CoupledProblem.steady_jacobian`), built once.

    Returns (A, pos, ids, indices, indptr, shape): the dolfinx CSR matrix the Jacobian form is
    assembled into, the positions ``pos`` of the interface DOFs among the active ones (the
    only nonzeros of the border column and row), and the gather ``ids`` from
    [A.data, border column at pos, border row at pos, corner] into the data of the
    bordered CSR matrix with ``indices``, ``indptr``, ``shape``."""
    import scipy.sparse as sp
    from dolfinx import fem

    A = fem.create_matrix(problem.forms["J"])
    nnz = A.data.size
    A.data[:] = np.arange(1, nnz + 1, dtype=float)
    a = problem.active
    S = A.to_scipy().tocsr()[a][:, a]
    iface = problem.interface_c_dofs
    pos = np.flatnonzero(np.isin(a, np.concatenate([iface, iface + 1])))
    n, m = a.size, pos.size
    col = sp.csr_matrix((nnz + 1 + np.arange(m, dtype=float), (pos, np.zeros(m, int))),
                        shape=(n, 1))
    row = sp.csr_matrix((nnz + m + 1 + np.arange(m, dtype=float), (np.zeros(m, int), pos)),
                        shape=(1, n))
    corner = np.array([[float(nnz + 2 * m + 1)]])
    K = sp.bmat([[S, col], [row, corner]]).tocsr()
    K.sort_indices()
    ids = np.rint(K.data).astype(np.int64) - 1
    return A, pos, ids, K.indices.copy(), K.indptr.copy(), K.shape
