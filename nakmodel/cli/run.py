"""``nakmodel run STUDY.toml``: run a study definition."""

from __future__ import annotations

from pathlib import Path

from ._common import add_out, add_params, add_quiet, echo
from .sweep import add_executor_arguments, make_executor


def register(sub) -> None:
    parser = sub.add_parser("run", help="run a study TOML file",
                            description="Check and run a study definition (examples in "
                            "studies/). All input problems are reported before anything runs. "
                            "The output folder also gets provenance.json (versions, command, "
                            "times, host), parameters.toml (the parameter set used, with "
                            "sources) and a copy of the study. A 'sensitivity' study runs its "
                            "model runs through the sweep engine: resumable (rerun the same "
                            "command), parallel with --workers/--dask-local/--scheduler/--mpi.")
    parser.add_argument("study", help="study TOML file")
    add_out(parser, "output folder (default: out/<study name>)")
    add_params(parser)
    add_executor_arguments(parser)
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from ..study import load_study

    study = load_study(args.study, params_file=args.params)
    out = Path(args.out) if args.out else Path("out") / study.name
    from ._errors import check_output_folder

    check_output_folder(out)  # a file, a read-only or full disk: before anything runs
    echo(args, f"running study '{study.name}' ({study.kind}) -> {out}")
    def report(message: str) -> None:
        print(message, flush=True)

    chosen = any(getattr(args, name) is not None
                 for name in ("workers", "scheduler", "dask_local", "mpi", "timeout"))
    executor = make_executor(args) if chosen else None  # where the model runs of a
    # 'sensitivity' study go (other kinds run in this process)
    written = study.run(out, progress=None if args.quiet else report, executor=executor,
                        command=["nakmodel", *(getattr(args, "argv", None) or [])])
    for path in written:
        echo(args, f"  wrote {path}")
    return 0
