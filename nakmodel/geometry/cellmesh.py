"""The meshed cell: dolfinx mesh + tags + geometry kind, and its per-region submeshes."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from .tags import INTERFACE_FACETS, TAGS, TagTable


@dataclass
class Region:
    """One region (``alloy`` or ``nasicon``) as a dolfinx submesh of the cell mesh.

    Attributes
    ----------
    name
        ``"alloy"`` or ``"nasicon"``.
    mesh
        the submesh (same gdim as the parent).
    entity_map
        :class:`dolfinx.mesh.EntityMap` of cells, submesh <-> parent
        (``entity_map.sub_topology_to_topology(sub_cells, inverse=False)`` gives
        parent cells; ``inverse=True`` maps parent -> sub, -1 outside).  Pass it
        in ``entity_maps=[...]`` to ``fem.form`` for mixed-domain forms.
    vertex_map
        :class:`dolfinx.mesh.EntityMap` of vertices, submesh <-> parent.
    geometry_map
        int32 array: submesh geometry node -> parent geometry node.
    facet_tags
        ``MeshTags`` on the submesh facets carrying the parent's facet markers
        (same numbers as :data:`~nakmodel.geometry.tags.TAGS`): the region's
        boundaries including the interface facets it shares with the other region.
    parent_facets
        int32 array: for every entry of ``facet_tags.indices`` the parent facet index.
    """

    name: str
    mesh: object
    entity_map: object
    vertex_map: object
    geometry_map: np.ndarray
    facet_tags: object
    parent_facets: np.ndarray


@dataclass
class CellMesh:
    """A meshed :class:`~nakmodel.geometry.Cell`: what the finite-element solvers consume.

    Attributes
    ----------
    mesh
        ``dolfinx.mesh.Mesh`` of the whole stack (alloy + NASICON).  gdim = 1
        (1D, coordinate z), 2 (axisymmetric: (r, z); planar: (x, z)) or 3 (x, y, z).
    cell_tags
        ``MeshTags`` of cells: ``TAGS.cell("alloy")``, ``TAGS.cell("nasicon")``.
    facet_tags
        ``MeshTags`` of facets: counter_electrode, interface_contact,
        interface_blocked, current_collector, side, axis, flaw (see
        :mod:`nakmodel.geometry.tags`).  In 1D the facets are vertices:
        counter_electrode (z = 0), interface_contact (z = L_n), current_collector.
    tags
        the :class:`~nakmodel.geometry.tags.TagTable` (single source of truth).
    geometry
        :class:`~nakmodel.geometry.GeometryKind`.  **Axisymmetric: integrate with
        the weight 2 pi r** (``cellmesh.weight()``), x[0] = r; planar: per metre
        of depth; 1D: integrals are multiplied by the cross-section
        ``cellmesh.weight()`` = pi b^2 and the kinetics must be scaled by
        ``contact_fraction``.
    cell
        the :class:`~nakmodel.geometry.Cell` that was meshed.
    flaw_tip
        coordinates (gdim,) of the flaw tip, or ``None``.

    Use ``cellmesh.dx("nasicon")``, ``cellmesh.ds("counter_electrode")``,
    ``cellmesh.dS_oriented("interface_contact")`` (interface, "+" = alloy side),
    ``cellmesh.weight()`` to write forms, ``cellmesh.submeshes()`` for the
    per-region submeshes with entity maps and facet tags, ``contact_area()``
    for the meshed wetted area.  ``area()``/``contact_area()``, ``submeshes()`` and
    ``write_xdmf()`` are collective: call them on every rank.
    """

    mesh: object
    cell_tags: object
    facet_tags: object
    geometry: object
    cell: object
    tags: TagTable = field(default_factory=lambda: TAGS)
    flaw_tip: np.ndarray | None = None
    _submeshes: dict | None = field(default=None, repr=False)

    # -- integration helpers ----------------------------------------------------------
    @property
    def gdim(self) -> int:
        """Geometric dimension of the mesh."""
        return self.mesh.geometry.dim

    @property
    def is_axisymmetric(self) -> bool:
        """True for the r-z axisymmetric model (use r-weighted integrals)."""
        return self.geometry.value == "axisymmetric"

    @property
    def interface_height(self) -> float:
        """z of the alloy | NASICON interface plane, L_n [m]."""
        return self.cell.nasicon_thickness

    @property
    def contact_fraction(self) -> float:
        """Contact fraction of the interface (the kinetics scale in 1D)."""
        return self.cell.contact_fraction()

    @property
    def host(self):
        """The cell's :class:`~nakmodel.geometry.PorousHost` (effective medium of the alloy
        layer, read by the FE model), or ``None``."""
        return getattr(self.cell, "host", None)

    def weight(self, mesh=None):
        """Measure weight w with physical integrals = integral of w dx: 2 pi r (axisymmetric),
        1 (planar, per metre of depth; 3D), pi b^2 (1D cross-section)."""
        import ufl

        msh = self.mesh if mesh is None else mesh
        kind = self.geometry.value
        if kind == "axisymmetric":
            return 2 * math.pi * ufl.SpatialCoordinate(msh)[0]
        if kind == "1d":
            return math.pi * self.cell.radius**2
        return 1.0

    def dx(self, region: str | None = None):
        """Cell measure on the whole mesh or on ``region`` (unweighted: multiply by weight())."""
        import ufl

        measure = ufl.Measure("dx", domain=self.mesh, subdomain_data=self.cell_tags)
        return measure if region is None else measure(self.tags.cell(region))

    def ds(self, name: str | None = None):
        """Exterior-facet measure (boundary facets), optionally restricted to ``name``."""
        import ufl

        measure = ufl.Measure("ds", domain=self.mesh, subdomain_data=self.facet_tags)
        return measure if name is None else measure(self.tags.facet(name))

    def dS(self, name: str | None = None):
        """Interior-facet measure (the interface facets are interior to the parent mesh)."""
        import ufl

        measure = ufl.Measure("dS", domain=self.mesh, subdomain_data=self.facet_tags)
        return measure if name is None else measure(self.tags.facet(name))

    def dS_oriented(self, *names: str, metadata: dict | None = None):
        """Interior-facet measure over the interface facet groups ``names`` (default: contact,
        blocked and flaw) in which the ``"+"`` side is always the **alloy** cell and ``"-"``
        the NASICON cell (dolfinx otherwise picks the sides arbitrarily per facet).

        Use as ``u("+") * v("-") * cellmesh.dS_oriented("interface_contact")``.  Each name
        keeps its own subdomain id (its tag): ``dS_oriented(...)(TAGS.facet(name))`` selects
        one group.  Built from owned facets only (valid in parallel).
        """
        import dolfinx_solver  # noqa: F401

        import ufl
        from dolfinx import fem

        names = names or INTERFACE_FACETS
        topology = self.mesh.topology
        tdim = topology.dim
        topology.create_connectivity(tdim - 1, tdim)
        topology.create_connectivity(tdim, tdim - 1)
        n_cells = topology.index_map(tdim).size_local + topology.index_map(tdim).num_ghosts
        is_alloy = np.zeros(n_cells, dtype=bool)
        is_alloy[self.cells("alloy")] = True
        data = []
        for name in names:
            marker = self.tags.facet(name)
            entities = fem.compute_integration_domains(
                fem.IntegralType.interior_facet, topology, self.facet_tags.find(marker))
            entities = np.asarray(entities, dtype=np.int32).reshape(-1, 4)
            swap = ~is_alloy[entities[:, 0]]
            entities[swap] = entities[swap][:, [2, 3, 0, 1]]
            data.append((marker, entities.ravel()))
        return ufl.Measure("dS", domain=self.mesh, subdomain_data=data,
                           metadata=metadata or {})

    def facets(self, name: str) -> np.ndarray:
        """Local indices of the facets tagged ``name``."""
        return self.facet_tags.find(self.tags.facet(name))

    def cells(self, region: str) -> np.ndarray:
        """Local indices of the cells of ``region``."""
        return self.cell_tags.find(self.tags.cell(region))

    # -- areas --------------------------------------------------------------------------
    def area(self, name: str) -> float:
        """Meshed physical area [m^2] of the facet group ``name`` (planar: m^2 per m; 1D:
        pi b^2 times the contact fraction for interface_contact, else pi b^2)."""
        import dolfinx_solver  # noqa: F401

        from dolfinx import fem
        from mpi4py import MPI

        if self.geometry.value == "1d":
            full = math.pi * self.cell.radius**2
            n = self.mesh.comm.allreduce(len(self._owned_facets(name)), op=MPI.SUM)
            factor = self.contact_fraction if name == "interface_contact" else 1.0
            return n * full * factor
        w = self.weight()
        interior = name in INTERFACE_FACETS
        measure = self.dS(name) if interior else self.ds(name)
        integrand = w("+") if interior and not isinstance(w, float) else w
        local = fem.assemble_scalar(fem.form(integrand * measure))
        return self.mesh.comm.allreduce(local, op=MPI.SUM)

    def _owned_facets(self, name):
        fdim = self.mesh.topology.dim - 1
        n_owned = self.mesh.topology.index_map(fdim).size_local
        idx = self.facets(name)
        return idx[idx < n_owned]

    def contact_area(self) -> float:
        """Meshed wetted area [m^2] (facets ``interface_contact``)."""
        return self.area("interface_contact")

    def electrode_area(self) -> float:
        """Nominal electrode area [m^2] (pi b^2; planar: b per metre of depth)."""
        return self.cell.electrode_area()

    # -- submeshes ------------------------------------------------------------------------
    def submeshes(self) -> dict[str, Region]:
        """``{"alloy": Region, "nasicon": Region}``: per-region submeshes with entity maps
        and facet tags transferred from the parent (cached)."""
        if self._submeshes is None:
            self._submeshes = {name: self._make_region(name) for name in self.tags.cells}
        return self._submeshes

    def _make_region(self, name: str) -> Region:
        import dolfinx_solver  # noqa: F401

        from dolfinx import mesh as dmesh

        tdim = self.mesh.topology.dim
        fdim = tdim - 1
        sub, cmap, vmap, gmap = dmesh.create_submesh(self.mesh, tdim, self.cells(name))
        sub.topology.create_connectivity(fdim, 0)
        sub.topology.create_connectivity(0, fdim)
        sub.topology.create_connectivity(fdim, tdim)
        self.mesh.topology.create_connectivity(fdim, 0)
        n_sub_vertices = (sub.topology.index_map(0).size_local
                          + sub.topology.index_map(0).num_ghosts)
        sub_to_parent_v = np.asarray(vmap.sub_topology_to_topology(
            np.arange(n_sub_vertices, dtype=np.int32), False))
        parent_to_sub_v = np.full(
            self.mesh.topology.index_map(0).size_local + self.mesh.topology.index_map(0).num_ghosts,
            -1, dtype=np.int64)
        parent_to_sub_v[sub_to_parent_v] = np.arange(n_sub_vertices)
        f2v_parent = self.mesh.topology.connectivity(fdim, 0)
        f2v_sub = sub.topology.connectivity(fdim, 0)
        n_sub_facets = sub.topology.index_map(fdim).size_local + sub.topology.index_map(
            fdim).num_ghosts
        n_fv = len(f2v_sub.links(0)) if n_sub_facets else 1  # vertices per facet (simplices)
        # match facets by their sorted vertex tuples (as raw bytes), vectorised
        sub_rows = np.sort(np.asarray(f2v_sub.array, dtype=np.int64).reshape(-1, n_fv), axis=1)
        pf_all = np.asarray(self.facet_tags.indices, dtype=np.int32)
        offsets = f2v_parent.offsets
        idx = offsets[pf_all][:, None] + np.arange(n_fv)[None, :]
        parent_rows = parent_to_sub_v[np.asarray(f2v_parent.array)[idx]]
        inside = np.all(parent_rows >= 0, axis=1)
        parent_rows = np.sort(parent_rows[inside], axis=1)
        void = np.dtype((np.void, 8 * n_fv))
        sub_keys = np.ascontiguousarray(sub_rows).view(void).ravel()
        parent_keys = np.ascontiguousarray(parent_rows).view(void).ravel()
        order_sub = np.argsort(sub_keys, kind="stable")
        pos = np.searchsorted(sub_keys[order_sub], parent_keys)
        pos = np.minimum(pos, max(len(order_sub) - 1, 0))
        found = (sub_keys[order_sub][pos] == parent_keys) if len(order_sub) else np.zeros(
            len(parent_keys), dtype=bool)
        sub_idx = order_sub[pos][found]
        values = np.asarray(self.facet_tags.values)[inside][found]
        parents = pf_all[inside][found]
        order = np.argsort(sub_idx, kind="stable")
        sub_idx = np.asarray(sub_idx, dtype=np.int32)[order]
        values = np.asarray(values, dtype=np.int32)[order]
        parents = np.asarray(parents, dtype=np.int32)[order]
        tags = dmesh.meshtags(sub, fdim, sub_idx, values)
        tags.name = f"{name}_facets"
        return Region(name, sub, cmap, vmap, np.asarray(gmap), tags, parents)

    # -- export ---------------------------------------------------------------------------
    def write_xdmf(self, path) -> Path:
        """Write mesh, cell tags (``cell_tags``) and facet tags (``facet_tags``) to XDMF."""
        import dolfinx_solver  # noqa: F401

        from dolfinx import io

        path = Path(path)
        self.mesh.topology.create_connectivity(self.mesh.topology.dim - 1,
                                               self.mesh.topology.dim)
        with io.XDMFFile(self.mesh.comm, str(path), "w") as xdmf:
            xdmf.write_mesh(self.mesh)
            xdmf.write_meshtags(self.cell_tags, self.mesh.geometry)
            xdmf.write_meshtags(self.facet_tags, self.mesh.geometry)
        return path

    def to_meshio(self):
        """A meshio.Mesh of this (serial) mesh with ``cell_tags`` as cell data."""
        import meshio

        tdim = self.mesh.topology.dim
        kind = {1: "line", 2: "triangle", 3: "tetra"}[tdim]
        cells = self.mesh.geometry.dofmaps[0]
        n_cells = self.mesh.topology.index_map(tdim).size_local
        markers = np.zeros(n_cells, dtype=np.int32)
        owned = self.cell_tags.indices < n_cells
        markers[self.cell_tags.indices[owned]] = self.cell_tags.values[owned]
        points = self.mesh.geometry.x[:, : self.gdim]
        return meshio.Mesh(points, [(kind, cells[:n_cells])], cell_data={"cell_tags": [markers]})


#: mesh_cell's default for ``isolate``: gmsh in a child process for these geometries (3D: the
#: gmsh heap is ~4 kB per unknown; the child costs ~0.3 s, a 2D or 1D mesh is small)
ISOLATED_GEOMETRIES = ("3d",)


def mesh_cell(cell, comm=None, *, msh_file=None, isolate=None) -> CellMesh:
    """Build the gmsh model of ``cell`` on rank 0 and convert it to a :class:`CellMesh`.

    ``isolate`` (default: True for the geometries in :data:`ISOLATED_GEOMETRIES` when the
    cell can be pickled) meshes in a child process (:mod:`nakmodel.geometry.gmsh_process`),
    so that gmsh's heap is not kept by rank 0, and builds the dolfinx mesh from blocks of
    it on every rank: on one rank the
    mesh and tags are bit-identical to meshing in the process; on several the same mesh and
    tags, partitioned from the distributed input (so numbered differently).  The other
    ranks sleep while rank 0 meshes; a failure on rank 0 is raised on every rank.
    """
    import dolfinx_solver  # noqa: F401

    from dolfinx import mesh as dmesh
    from mpi4py import MPI

    comm = MPI.COMM_WORLD if comm is None else comm
    if isolate is None:  # (a cell that cannot be pickled for the child is meshed here)
        isolate = cell.geometry.value in ISOLATED_GEOMETRIES and _picklable(cell)
    gdim = {"1d": 1, "axisymmetric": 2, "planar": 2, "3d": 3}[cell.geometry.value]
    # shared-facet ghosts: the interface is an interior-facet integral (dS), which dolfinx
    # cannot evaluate on a facet between two ranks without them (model_to_mesh's default is
    # no ghosts; dolfinx's built-in meshes ghost shared facets)
    partitioner = (dmesh.create_cell_partitioner(dmesh.GhostMode.shared_facet, 2)
                   if comm.size > 1 else None)
    if isolate:
        from .gmsh_process import distributed_mesh

        msh, cell_tags, facet_tags, info = distributed_mesh(cell, comm, gdim, partitioner,
                                                            msh_file)
    else:
        data, info = _mesh_in_process(cell, comm, gdim, partitioner, msh_file)
        msh, cell_tags, facet_tags = data.mesh, data.cell_tags, data.facet_tags
    cell_tags.name = "cell_tags"
    facet_tags.name = "facet_tags"
    return CellMesh(mesh=msh, cell_tags=cell_tags, facet_tags=facet_tags,
                    geometry=cell.geometry, cell=cell, flaw_tip=info["flaw_tip"])


def _picklable(cell) -> bool:
    import pickle

    try:
        pickle.dumps(cell)
    except Exception:  # noqa: BLE001 - any failure: mesh in the process instead
        return False
    return True


def _mesh_in_process(cell, comm, gdim, partitioner, msh_file):
    """(MeshData, info) of ``cell`` meshed by gmsh in this process (rank 0)."""
    import gmsh
    from dolfinx.io import gmsh as dgmsh

    from .gmsh_process import sleep_until_all_arrive

    started = False
    if not gmsh.isInitialized():
        gmsh.initialize(interruptible=False)
        started = True
    info = {"flaw_tip": None}
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        name = f"nakmodel_cell_{id(cell)}"
        gmsh.model.add(name)
        gmsh.model.setCurrent(name)
        if comm.rank == 0:
            info = cell.build_gmsh_model(gmsh)
            if msh_file is not None:
                gmsh.write(str(msh_file))
        sleep_until_all_arrive(comm)  # the other ranks sleep, not spin, while rank 0 meshes
        info = comm.bcast(info, root=0)
        data = dgmsh.model_to_mesh(gmsh.model, comm, 0, gdim=gdim, partitioner=partitioner)
        gmsh.model.remove()
    finally:
        if started:
            gmsh.finalize()
    return data, info
