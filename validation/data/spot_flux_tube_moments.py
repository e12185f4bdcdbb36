"""Generate ``nakmodel/data/spot_blocked_moments.csv``: DC moments of the voltage across the
blocked area of a circular-spot pattern, by finite elements on its axisymmetric flux tube.

The tube (radius b = 1, conductivity σ = 1, mean current density j = 1, height H = 2b: the
far field decays as exp(-3.83 z/b)) has an equipotential active disc r < a = b√θ at z = 0
(φ = 0), an insulating blocked annulus a < r < b and the uniform current j entering at z = H.
On the annulus u = φ(r, 0) is the voltage across the blocked capacitance; the constriction
resistance per nominal area is r_c = <φ>_top − jH/σ.  Written per θ: r_c (b = σ = 1),
<u>/(r_c j) (Green's reciprocity gives 1/(1 − θ) exactly: an accuracy check) and
κ = <u²>/(r_c j)² (``nakmodel.model.constriction.blocked_voltage_moments``).  P2 elements,
graded to h = 2.5e-4 b at the disc edge (the r^1/2 singularity); halving h changes κ by
< 2e-4 relative.

Run: python validation/data/spot_flux_tube_moments.py  (about a minute)
"""

from __future__ import annotations

import sys
from pathlib import Path

import dolfinx_solver  # noqa: F401, I001

import gmsh
import numpy as np
import ufl
from dolfinx import fem
from dolfinx.fem.petsc import LinearProblem
from dolfinx.io import gmsh as gmshio
from mpi4py import MPI

THETAS = (0.01, 0.02, 0.05, 0.1, 0.15, 0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6, 0.65,
          0.7, 0.75, 0.8, 0.85, 0.9, 0.925, 0.95, 0.97, 0.98, 0.99)
OUT = Path(__file__).resolve().parents[2] / "nakmodel" / "data" / "spot_blocked_moments.csv"


def flux_tube_moments(theta: float, h_edge: float = 2.5e-4, h_far: float = 0.05,
                      height: float = 2.0, order: int = 2) -> tuple[float, float, float]:
    """(r_c, <u>/(r_c j), κ) of the spot flux tube at open fraction θ (module docstring)."""
    a = float(np.sqrt(theta))
    gmsh.initialize()
    try:
        gmsh.option.setNumber("General.Terminal", 0)
        occ = gmsh.model.occ
        pts = [occ.addPoint(0, 0, 0), occ.addPoint(a, 0, 0), occ.addPoint(1, 0, 0),
               occ.addPoint(1, height, 0), occ.addPoint(0, height, 0)]
        lines = [occ.addLine(pts[k], pts[(k + 1) % 5]) for k in range(5)]
        surface = occ.addPlaneSurface([occ.addCurveLoop(lines)])
        occ.synchronize()
        gmsh.model.addPhysicalGroup(2, [surface], 1)
        for line, tag in ((lines[0], 1), (lines[1], 2), (lines[3], 3)):
            gmsh.model.addPhysicalGroup(1, [line], tag)  # disc, annulus, top
        field = gmsh.model.mesh.field
        dist = field.add("Distance")
        field.setNumbers(dist, "PointsList", [pts[1]])
        thr = field.add("Threshold")
        for name, value in (("InField", dist), ("SizeMin", h_edge), ("SizeMax", h_far),
                            ("DistMin", 0.0), ("DistMax", 0.5)):
            field.setNumber(thr, name, value)
        field.setAsBackgroundMesh(thr)
        gmsh.option.setNumber("Mesh.MeshSizeExtendFromBoundary", 0)
        gmsh.model.mesh.generate(2)
        data = gmshio.model_to_mesh(gmsh.model, MPI.COMM_SELF, 0, gdim=2)
    finally:
        gmsh.finalize()
    msh, tags = data.mesh, data.facet_tags
    space = fem.functionspace(msh, ("Lagrange", order))
    r = ufl.SpatialCoordinate(msh)[0]
    u, v = ufl.TrialFunction(space), ufl.TestFunction(space)
    ds = ufl.Measure("ds", msh, subdomain_data=tags)
    msh.topology.create_connectivity(1, 2)
    bc = fem.dirichletbc(0.0, fem.locate_dofs_topological(space, 1, tags.find(1)), space)
    phi = LinearProblem(ufl.inner(ufl.grad(u), ufl.grad(v)) * r * ufl.dx, v * r * ds(3),
                        bcs=[bc], petsc_options_prefix="spot_moments_",
                        petsc_options={"ksp_type": "preonly", "pc_type": "lu"}).solve()
    one = fem.Constant(msh, 1.0)

    def mean(expr, tag):
        return (fem.assemble_scalar(fem.form(expr * r * ds(tag)))
                / fem.assemble_scalar(fem.form(one * r * ds(tag))))

    r_c = mean(phi, 3) - height
    return r_c, mean(phi, 2) / r_c, mean(phi**2, 2) / r_c**2


def main(path: Path = OUT) -> None:
    rows = ["theta,r_c,mean_u,kappa"]
    for theta in THETAS:
        r_c, m1, kappa = flux_tube_moments(theta)
        rows.append(f"{theta:.4g},{r_c:.8e},{m1:.8e},{kappa:.8e}")
        print(rows[-1], flush=True)
    header = ("# DC moments of the blocked-area voltage of circular spots (flux tube b = 1, "
              "sigma = 1, j = 1), FE: validation/data/spot_flux_tube_moments.py\n")
    tmp = path.with_suffix(".tmp")
    tmp.write_text(header + "\n".join(rows) + "\n")
    tmp.replace(path)


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else OUT)
