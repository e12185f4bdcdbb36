"""Command-line front end of the mesh builders (used by ``meshes/*.py`` and a CLI subcommand).

``add_cell_arguments(parser)`` adds the cell options, ``cell_from_args(args)``
builds the :class:`Cell`, ``write_cell_mesh(cell, outdir, stem)`` writes
``<stem>.msh`` and ``<stem>.xdmf`` (+ ``.h5``) and returns a summary dict.
``register(subparsers)`` adds a ``mesh`` subcommand to an argparse CLI.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import ParameterError
from .cell import Cell, GeometryKind
from .contact import BlockedPatches, ContactSpots, FullContact
from .flaw import SurfaceFlaw


def add_cell_arguments(parser: argparse.ArgumentParser, *, geometry: str | None = None) -> None:
    """Add the cell options (lengths accept units: ``--pellet-radius "6.5 mm"``)."""
    if geometry is None:
        parser.add_argument("--geometry", default="axisymmetric",
                            choices=[g.value for g in GeometryKind],
                            help="cell model: 1d (uniform contact), axisymmetric (r-z section, "
                            "default), planar (x-z section) or 3d")
    parser.add_argument("--pellet-radius", default=None, metavar="LENGTH",
                        help="radius of the NASICON pellet, e.g. '6.5 mm' (default: "
                        "cell.pellet_radius of the parameter set)")
    parser.add_argument("--pellet-thickness", default=None, metavar="LENGTH",
                        help="thickness of the NASICON pellet, e.g. '1 mm' (default: "
                        "cell.pellet_thickness)")
    parser.add_argument("--alloy-thickness", default=None, metavar="LENGTH",
                        help="thickness of the NaK alloy layer on the working side, e.g. "
                        "'100 um' (default: cell.alloy_thickness)")
    parser.add_argument("--spot-radius", default=None, metavar="LENGTH",
                        help="radius of the contact spots between alloy and NASICON "
                        "(default: full contact)")
    parser.add_argument("--spot-count", type=int, default=None, metavar="N",
                        help="number of contact spots (with --spot-radius)")
    parser.add_argument("--spot-fraction", type=float, default=None, metavar="F",
                        help="contacted area fraction in (0, 1] (with --spot-radius)")
    parser.add_argument("--seed", type=int, default=None,
                        help="random spot positions from this seed (default: periodic spots)")
    parser.add_argument("--blocked", action="append", default=[], metavar="X,Y,R",
                        help="a blocked (non-contacting) disc at x,y with radius R, in metres "
                        "(repeatable)")
    parser.add_argument("--flaw-depth", default=None, metavar="LENGTH",
                        help="depth of a metal-filled surface flaw in the NASICON, e.g. "
                        "'20 um' (default: no flaw)")
    parser.add_argument("--flaw-opening", default=None, metavar="LENGTH",
                        help="mouth width of the flaw (default: depth / 10)")
    parser.add_argument("--flaw-position", default="0", metavar="LENGTH",
                        help="position of the flaw along the interface (x or r, default 0)")
    parser.add_argument("--mesh-size", default=None, metavar="LENGTH",
                        help="element size at the alloy/NASICON interface (default: "
                        "numerics.mesh_size)")
    parser.add_argument("--bulk-mesh-size", default=None, metavar="LENGTH",
                        help="element size far from the interface (default: graded from "
                        "--mesh-size)")
    parser.add_argument("--edge-mesh-size", default=None, metavar="LENGTH",
                        help="element size at spot edges and the flaw tip (default: finer than "
                        "--mesh-size)")
    parser.add_argument("--plot", action="store_true",
                        help="also write <stem>.png, a picture of the mesh (2D cells)")


def _length(text):
    if text is None:
        return None
    try:
        return float(text)
    except ValueError:
        return text


def cell_from_args(args, *, geometry: str | None = None) -> Cell:
    """Build the :class:`Cell` described by parsed arguments."""
    if args.spot_radius is not None:
        contact = ContactSpots(radius=_length(args.spot_radius), count=args.spot_count,
                               fraction=args.spot_fraction, seed=args.seed)
    elif args.blocked:
        contact = BlockedPatches(patches=[tuple(float(v) for v in item.split(","))
                                          for item in args.blocked])
    else:
        contact = FullContact()
    flaw = None
    if args.flaw_depth is not None:
        flaw = SurfaceFlaw(depth=_length(args.flaw_depth), opening=_length(args.flaw_opening),
                           position=_length(args.flaw_position))
    return Cell(geometry=geometry or args.geometry, pellet_radius=_length(args.pellet_radius),
                pellet_thickness=_length(args.pellet_thickness),
                alloy_thickness=_length(args.alloy_thickness), contact=contact, flaw=flaw,
                mesh_size=_length(args.mesh_size), bulk_mesh_size=_length(args.bulk_mesh_size),
                edge_mesh_size=_length(args.edge_mesh_size))


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


def main(argv=None, *, geometry: str | None = None, stem: str = "cell") -> int:
    """Entry point of the ``meshes/*.py`` scripts."""
    parser = argparse.ArgumentParser(description="Mesh a nakmodel cell with gmsh.")
    add_cell_arguments(parser, geometry=geometry)
    parser.add_argument("--out", default="meshes/out", help="output directory")
    parser.add_argument("--stem", default=stem, help="output file stem")
    args = parser.parse_args(argv)
    try:
        return _run(args, geometry)
    except ParameterError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2


def _run(args, geometry=None) -> int:
    summary = write_cell_mesh(cell_from_args(args, geometry=geometry), args.out, args.stem,
                              plot=getattr(args, "plot", False))
    if not getattr(args, "quiet", False):
        print(json.dumps(summary, indent=2))
    note = size_note(int(summary["cells"]))
    if note:
        print(note, file=sys.stderr)
    return 0


LARGE_MESH_CELLS = 200_000
"""Above this many cells ``nakmodel mesh`` prints a size note (memory and solve time)."""


def size_note(cells: int) -> str | None:
    """A note for a large mesh: what it costs and how to make it smaller; None if small."""
    if cells < LARGE_MESH_CELLS:
        return None
    return (f"note: {cells:,} cells is a large mesh (expect GBs of memory and long solves in "
            "3D); a coarser --bulk-mesh-size or --mesh-size reduces it")


def register(subparsers) -> None:
    """Add the ``mesh`` subcommand (for ``nakmodel/cli/mesh.py``)."""
    parser = subparsers.add_parser(
        "mesh", help="build a cell mesh with gmsh and write it (.msh + .xdmf)",
        description="Build the finite-element mesh of a cell (NASICON pellet, NaK layer, "
        "contact spots, a surface flaw) with gmsh and write OUT/<stem>.msh and "
        "OUT/<stem>.xdmf (+ .h5) with the physical groups the model uses; prints a JSON "
        "summary (cell count, contact area, tags). Lengths accept units ('6.5 mm'); plain "
        "numbers are metres.")
    add_cell_arguments(parser)
    parser.add_argument("--out", "-o", default="meshes/out", metavar="DIR",
                        help="output folder (default meshes/out)")
    parser.add_argument("--stem", default="cell", help="output file name stem (default cell)")
    parser.add_argument("--quiet", "-q", action="store_true", default=argparse.SUPPRESS,
                        help="no summary or chatter")
    parser.set_defaults(func=_run)
