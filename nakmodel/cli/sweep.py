"""``nakmodel sweep STUDY.toml --out OUT``: run a parameter sweep (resumable, parallel).

Exit status: 0 when every point is ok, 1 when some failed (summary printed),
2 on bad input (nothing is run or written).
"""

from __future__ import annotations

import sys
from pathlib import Path

from ._common import add_out, add_params, add_quiet, echo


def register(sub) -> None:
    parser = sub.add_parser(
        "sweep", help="run a parameter sweep of a study TOML with a [sweep] table",
        description="Run every point of the study's [sweep] table, in parallel, into "
        "OUT/points/<id>/ and OUT/results.csv. Rerunning skips finished points (resume after "
        "a crash or kill); --retry-failed reruns failed ones. All input problems are "
        "reported before anything runs.")
    parser.add_argument("study", help="study TOML file with a [sweep] table")
    add_out(parser, "output folder (default: out/<study name>)")
    add_params(parser)
    add_executor_arguments(parser)
    parser.add_argument("--retry-failed", action="store_true", help="rerun failed points")
    parser.add_argument("--dry-run", action="store_true",
                        help="validate and list the points (with their status in OUT) without "
                        "running or writing anything")
    add_quiet(parser)
    parser.set_defaults(func=run)


def add_executor_arguments(parser) -> None:
    """The flags that choose where sweep points run (``sweep``, and ``run`` of a kind with
    many model runs such as ``sensitivity``)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--workers", type=int, default=None,
                       help="local worker processes (default 1; each point isolated)")
    where.add_argument("--scheduler", default=None, metavar="tcp://HOST:PORT",
                       help="run on a running Dask scheduler (workers must see OUT)")
    where.add_argument("--dask-local", type=int, default=None, metavar="N",
                       help="run on a local Dask cluster of N worker processes")
    where.add_argument("--mpi", nargs="?", const="dynamic",
                       choices=("dynamic", "static", "collective"), default=None,
                       help="run under mpiexec: rank 0 schedules points to the other ranks "
                       "(dynamic, the default), rank r takes points r, r+N, ... (static), or "
                       "every point on all ranks together (collective, large 3D cases)")
    parser.add_argument("--timeout", type=float, default=None, metavar="SECONDS",
                        help="kill a local point that runs longer than this")
    parser.add_argument("--connect-timeout", type=float, default=10.0, metavar="SECONDS",
                        help="how long to try to reach --scheduler (default 10 s)")


def make_executor(args):
    """The executor the command-line flags ask for (validated)."""
    from ..errors import InputProblem, ParameterError
    from ..sweep.executors import DaskExecutor, LocalExecutor, MPIExecutor

    if args.workers is not None and args.workers < 1:
        raise ParameterError(InputProblem("--workers", "must be >= 1", args.workers,
                                          "an integer >= 1"))
    if args.dask_local is not None and args.dask_local < 1:
        raise ParameterError(InputProblem("--dask-local", "must be >= 1", args.dask_local,
                                          "an integer >= 1"))
    if not args.connect_timeout > 0:
        raise ParameterError(InputProblem("--connect-timeout", "must be positive",
                                          args.connect_timeout, "seconds > 0"))
    if args.timeout is not None and not args.timeout > 0:
        raise ParameterError(InputProblem("--timeout", "must be positive", args.timeout,
                                          "seconds > 0"))
    if args.mpi:
        return MPIExecutor(mode=args.mpi)
    if args.scheduler:
        return DaskExecutor(scheduler=args.scheduler, connect_timeout=args.connect_timeout)
    if args.dask_local:
        return DaskExecutor(local_workers=args.dask_local)
    return LocalExecutor(workers=args.workers or 1, timeout=args.timeout)


def run(args) -> int:
    from ..sweep import load_sweep, run_sweep

    spec = load_sweep(args.study, params_file=args.params)
    out = Path(args.out) if args.out else Path("out") / spec.name
    if args.dry_run:
        return dry_run(spec, out)
    from ._errors import check_output_folder

    check_output_folder(out)  # a file, a read-only or full disk: before anything starts
    executor = make_executor(args)
    if executor.is_root:
        echo(args, f"sweep '{spec.name}' ({spec.base.kind}, {spec.mode}): "
             f"{len(spec.points)} point(s) over {', '.join(spec.swept)} -> {out} "
             f"[{executor.describe()}]")
    show_bar = not args.quiet and sys.stderr.isatty()  # no bar in batch logs
    result = run_sweep(spec, out, executor=executor, progress=show_bar,
                       retry_failed=args.retry_failed,
                       command=["nakmodel", *(getattr(args, "argv", None) or [])])
    if result is None:  # an MPI worker rank
        return 0
    if result.all_ok:
        echo(args, result.summary())
        echo(args, f"  wrote {out / 'results.csv'}")
        return 0
    print(result.summary(), file=sys.stderr)
    print(f"  wrote {out / 'results.csv'}; rerun with --retry-failed to retry the failed points",
          file=sys.stderr)
    return 1


def dry_run(spec, out: Path) -> int:
    """Print one line per point: id, status in ``out`` (pending if not run), overrides."""
    from ..sweep.store import PointStore

    store = PointStore(out)
    counts: dict[str, int] = {}
    rows = store.rows(spec) if out.exists() else [{"status": "pending"} for _ in spec.points]
    for point, row in zip(spec.points, rows, strict=True):  # the rows of results.csv
        status = row["status"]
        counts[status] = counts.get(status, 0) + 1
        print(f"{point.point_id}  {status:8s} {point.label()}")
    summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
    print(f"{len(spec.points)} point(s) in '{spec.name}' -> {out}: {summary}")
    return 0
