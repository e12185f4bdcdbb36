"""``nakmodel run STUDY.toml``: run a study definition."""

from __future__ import annotations

from pathlib import Path

from ._common import add_out, add_params, add_quiet, echo


def register(sub) -> None:
    parser = sub.add_parser("run", help="run a study TOML file",
                            description="Check and run a study definition (examples in "
                            "studies/). All input problems are reported before anything runs. "
                            "The output folder also gets provenance.json (versions, command, "
                            "times, host), parameters.toml (the parameter set used, with "
                            "sources) and a copy of the study.")
    parser.add_argument("study", help="study TOML file")
    add_out(parser, "output folder (default: out/<study name>)")
    add_params(parser)
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    from ..study import load_study

    study = load_study(args.study, params_file=args.params)
    out = Path(args.out) if args.out else Path("out") / study.name
    echo(args, f"running study '{study.name}' ({study.kind}) -> {out}")
    def report(message: str) -> None:
        print(message, flush=True)

    written = study.run(out, progress=None if args.quiet else report,
                        command=["nakmodel", *(args.argv or [])])
    for path in written:
        echo(args, f"  wrote {path}")
    return 0
