"""``nakmodel info``: versions, MPI size and available linear solvers."""

from __future__ import annotations

from ._common import add_quiet


def register(sub) -> None:
    parser = sub.add_parser("info", help="versions, MPI size and available solvers",
                            description="Print nakmodel, dolfinx, PETSc, SLEPc and gmsh "
                            "versions, the MPI size and the available linear solvers.")
    add_quiet(parser)
    parser.set_defaults(func=run)


def collect() -> dict:
    """Versions and capabilities as a dict (also used by reports)."""
    import dolfinx_solver  # noqa: F401  (sets up the dolfinx runtime)

    import dolfinx
    import gmsh
    import numpy
    import scipy
    from mpi4py import MPI
    from petsc4py import PETSc

    from .. import __version__

    info = {
        "nakmodel": __version__,
        "dolfinx": dolfinx.__version__,
        "PETSc": ".".join(str(v) for v in PETSc.Sys.getVersion()),
        "PETSc scalar": str(PETSc.ScalarType.__name__),
        "gmsh": gmsh.__version__,
        "numpy": numpy.__version__,
        "scipy": scipy.__version__,
        "MPI size": MPI.COMM_WORLD.size,
    }
    try:
        from slepc4py import SLEPc

        info["SLEPc"] = ".".join(str(v) for v in SLEPc.Sys.getVersion())
    except ImportError:  # pragma: no cover - SLEPc ships with the wheel
        info["SLEPc"] = "not available"
    solvers = []
    for name in ("mumps", "superlu_dist", "superlu", "umfpack", "petsc"):
        if PETSc.Sys.hasExternalPackage(name) or name == "petsc":
            solvers.append(name)
    info["direct solvers"] = ", ".join(solvers)
    info["preconditioners"] = ", ".join(
        p for p in ("gamg", "hypre", "ilu", "jacobi") if p != "hypre"
        or PETSc.Sys.hasExternalPackage("hypre"))
    return info


def run(args) -> int:
    for key, value in collect().items():
        print(f"{key:>16}: {value}")
    return 0
