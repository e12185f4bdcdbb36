"""Which DOFs of the blocked P1 space (c, phi) of a CoupledProblem are unknowns.

Both fields are P1 on the whole mesh; only the DOFs of their own subdomain are active: the
Na content c on the alloy cells (the interface included), the potential phi on the NASICON
cells. The rest are inert (identity rows in the PETSc system, dropped in the scipy one).
The unrolled index of block b is 2 b for c and 2 b + 1 for phi, as in ``u.x.array``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


def shared_blocks(space, blocks) -> np.ndarray:
    """Blocks touched by a region on *any* rank (owned + ghost, communicated)."""
    from dolfinx import la

    index_map = space.dofmap.index_map
    vec = la.vector(index_map, 1)
    vec.array[:] = 0.0
    vec.array[blocks] = 1.0
    vec.scatter_reverse(la.InsertMode.add)
    vec.scatter_forward()
    return np.flatnonzero(vec.array > 0.5).astype(np.int32)


@dataclass(frozen=True)
class DofLayout:
    """Active and inert DOFs of this rank (unrolled indices into ``u.x.array``)."""

    n_owned_blocks: int
    c_dofs: np.ndarray       # active c, owned + ghosts
    phi_dofs: np.ndarray     # active phi, owned + ghosts
    active_owned: np.ndarray  # active and owned: this rank's part of the unknown vector
    inactive_c: np.ndarray
    inactive_phi: np.ndarray

    @property
    def active(self) -> np.ndarray:
        return np.concatenate([self.c_dofs, self.phi_dofs])

    @classmethod
    def of(cls, space, alloy_cells, nasicon_cells) -> DofLayout:
        """The layout of ``space`` (blocked P1, 2 components) with c active on the DOFs of
        ``alloy_cells`` and phi on those of ``nasicon_cells`` (local cell indices)."""
        dofs = space.dofmap.list
        index_map = space.dofmap.index_map
        owned = index_map.size_local
        n_local = owned + index_map.num_ghosts
        c_blocks = shared_blocks(space, np.unique(dofs[alloy_cells].ravel()))
        p_blocks = shared_blocks(space, np.unique(dofs[nasicon_cells].ravel()))
        c_dofs, phi_dofs = 2 * c_blocks, 2 * p_blocks + 1
        return cls(n_owned_blocks=owned, c_dofs=c_dofs, phi_dofs=phi_dofs,
                   active_owned=np.concatenate([c_dofs[c_blocks < owned],
                                                phi_dofs[p_blocks < owned]]),
                   inactive_c=2 * np.setdiff1d(np.arange(n_local), c_blocks),
                   inactive_phi=2 * np.setdiff1d(np.arange(n_local), p_blocks) + 1)
