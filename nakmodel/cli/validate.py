"""``nakmodel validate``: run the reference cases and write the report."""

from __future__ import annotations

from pathlib import Path

from ._common import add_quiet, echo


def register(sub) -> None:
    parser = sub.add_parser("validate", help="run the validation cases, write a report",
                            description="Run every case in validation/cases (reference data "
                            "with sources and tolerances) and write OUT/report.md with figures "
                            "and a pass/fail table. Exit 1 if any case fails.")
    parser.add_argument("--out", default="validation-report", help="output folder")
    parser.add_argument("--fast", action="store_true", help="skip the slow cases")
    parser.add_argument("--select", default=None, help="only cases whose name contains this")
    parser.add_argument("--cases", default=None, help="folder of cases (default: validation/cases)")
    add_quiet(parser)
    parser.set_defaults(func=run)


def run(args) -> int:
    import matplotlib

    matplotlib.use("Agg")
    from ..validation_framework import default_case_dir, discover, run_cases, write_report

    folder = Path(args.cases) if args.cases else default_case_dir()
    cases = discover(folder) if folder.is_dir() else []
    if not cases:
        print(f"error: no validation cases found in {folder} (give the folder of the case "
              "files with --cases, e.g. validation/cases of a source checkout)",
              file=__import__("sys").stderr)
        return 1
    out = Path(args.out)
    outcomes = run_cases(cases, out, include_slow=not args.fast, select=args.select,
                         progress=lambda c: echo(args, f"running {c.name} ..."))
    report = write_report(outcomes, out)
    n_pass = sum(o.passed for o in outcomes)
    for o in outcomes:
        missed = sum(not c.passed for c in o.trends)
        note = f", {missed} observed trend(s) NOT reproduced" if missed else ""
        echo(args, f"  {'PASS' if o.passed else 'FAIL'}  {o.case.name}  ({o.seconds:.1f} s"
                   f"{note})")
    trends = [c for o in outcomes for c in o.trends]
    summary = (f"; observed trends reproduced: {sum(c.passed for c in trends)}/{len(trends)}"
               if trends else "")
    print(f"{n_pass}/{len(outcomes)} validation cases pass{summary}; report: {report}")
    return 0 if n_pass == len(outcomes) else 1
