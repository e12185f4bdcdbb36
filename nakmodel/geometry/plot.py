"""Plot a 2D cell mesh with its regions and tagged boundaries (serial meshes)."""

from __future__ import annotations

import numpy as np

from .tags import TAGS

FACET_COLOURS = {
    "counter_electrode": "tab:blue",
    "interface_contact": "tab:green",
    "interface_blocked": "tab:red",
    "current_collector": "tab:purple",
    "side": "tab:gray",
    "axis": "k",
    "flaw": "tab:orange",
}
REGION_COLOURS = {"alloy": "#f3e3b3", "nasicon": "#cfe0f3"}


def plot_cell_mesh(ax, cellmesh, *, show_edges: bool = True, scale: float = 1e3,
                   legend: bool = True):
    """Draw the regions (filled), element edges and tagged facet groups of a 2D
    :class:`~nakmodel.geometry.CellMesh` on ``ax``; coordinates times ``scale``
    (default mm).  Returns ``ax``."""
    import matplotlib.tri as mtri
    from dolfinx import mesh as dmesh
    from matplotlib.colors import ListedColormap

    msh = cellmesh.mesh
    if msh.topology.dim != 2:
        raise ValueError("plot_cell_mesh draws 2D (axisymmetric or planar) meshes only")
    x = msh.geometry.x[:, :2] * scale
    n_cells = msh.topology.index_map(2).size_local
    cells = msh.geometry.dofmaps[0][:n_cells]
    marker = np.zeros(n_cells)
    for name, value in TAGS.cells.items():
        idx = cellmesh.cells(name)
        marker[idx[idx < n_cells]] = value
    tri = mtri.Triangulation(x[:, 0], x[:, 1], cells)
    cmap = ListedColormap([REGION_COLOURS["alloy"], REGION_COLOURS["nasicon"]])
    ax.tripcolor(tri, facecolors=(marker == TAGS.cell("nasicon")).astype(float), cmap=cmap,
                 edgecolors="0.6" if show_edges else "none", linewidth=0.1)
    from matplotlib.collections import LineCollection

    msh.topology.create_connectivity(1, 2)
    for name, colour in FACET_COLOURS.items():
        facets = cellmesh.facets(name)
        if len(facets) == 0:
            continue
        nodes = dmesh.entities_to_geometry(msh, 1, facets)
        ax.add_collection(LineCollection(x[nodes], colors=colour, linewidths=1.6, label=name))
    ax.set_aspect("equal")
    r_label = "r" if cellmesh.is_axisymmetric else "x"
    unit = {1e3: "mm", 1e6: "um", 1.0: "m"}.get(scale, f"m x {scale:g}")
    ax.set_xlabel(f"{r_label} [{unit}]")
    ax.set_ylabel(f"z [{unit}]")
    if legend:
        ax.legend(fontsize=7, loc="upper right")
    return ax
