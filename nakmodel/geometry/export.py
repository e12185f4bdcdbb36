"""Writing a cell's mesh to files: ``write_cell_mesh(cell, outdir, stem)`` writes
``<stem>.msh`` and ``<stem>.xdmf`` (+ ``.h5``) and returns a summary dict; ``size_note``
warns about large meshes.  The command line around it is :mod:`nakmodel.cli.mesh`.
"""

from __future__ import annotations

from pathlib import Path

from .cell import Cell


def write_cell_mesh(cell: Cell, outdir, stem: str = "cell", *, plot: bool = False) -> dict:
    """Mesh ``cell``; write ``<stem>.msh`` (gmsh, metres, physical names) and ``<stem>.xdmf``
    (dolfinx mesh with ``cell_tags`` and ``facet_tags``), and with ``plot`` a ``<stem>.png``
    (2D only); return a summary dict."""
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    cellmesh = cell.build_mesh(msh_file=outdir / f"{stem}.msh")
    cellmesh.write_xdmf(outdir / f"{stem}.xdmf")
    tdim = cellmesh.mesh.topology.dim
    summary = {
        "geometry": cell.geometry.value,
        "cells": int(cellmesh.mesh.comm.allreduce(
            cellmesh.mesh.topology.index_map(tdim).size_local)),
        "contact_area_m2": cellmesh.contact_area(),
        "contact_area_analytic_m2": cell.contact_area(),
        "electrode_area_m2": cell.electrode_area(),
        "flaw_tip_m": None if cellmesh.flaw_tip is None else cellmesh.flaw_tip.tolist(),
        "tags": cellmesh.tags.as_dict(),
        "files": [str(outdir / f"{stem}.msh"), str(outdir / f"{stem}.xdmf")],
    }
    if plot and cellmesh.mesh.topology.dim == 2 and cellmesh.mesh.comm.size == 1:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from .plot import plot_cell_mesh

        fig, ax = plt.subplots(figsize=(9, 4), layout="constrained")
        plot_cell_mesh(ax, cellmesh, scale=1e3)
        fig.savefig(outdir / f"{stem}.png", dpi=150)
        plt.close(fig)
        summary["files"].append(str(outdir / f"{stem}.png"))
    return summary


LARGE_MESH_CELLS = 200_000
"""Above this many cells ``nakmodel mesh`` prints a size note (memory and solve time)."""


def size_note(cells: int) -> str | None:
    """A note for a large mesh: what it costs and how to make it smaller; None if small."""
    if cells < LARGE_MESH_CELLS:
        return None
    return (f"note: {cells:,} cells is a large mesh (expect GBs of memory and long solves in "
            "3D); a coarser --bulk-mesh-size or --mesh-size reduces it")
