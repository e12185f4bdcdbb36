"""``nakmodel params show|check``: the parameter set with units and sources."""

from __future__ import annotations

import shutil
import textwrap

from ..parameters import load_parameters
from ._common import add_quiet


def register(sub) -> None:
    parser = sub.add_parser("params", help="show or check parameter sets",
                            description="Show the (default or given) parameter set with units "
                            "and sources, or validate a parameter file.")
    psub = parser.add_subparsers(dest="params_command", metavar="ACTION", required=True)
    show = psub.add_parser("show", help="print a parameter set with units and sources",
                           description="Print the whole parameter set. The TOML form is a "
                           "valid input file for `params check` and `run`.")
    show.add_argument("file", nargs="?", help="parameter TOML (default: the built-in set)")
    show.add_argument("--format", choices=("table", "toml"), default="table",
                      help="table (default: aligned columns) or toml (a valid parameter file)")
    add_quiet(show)
    show.set_defaults(func=run_show)
    check = psub.add_parser("check", help="validate a parameter file (exit 0, or 2 with errors)",
                            description="Validate every value of FILE: units, ranges, names. "
                            "Prints one line per problem and exits 2 if any.")
    check.add_argument("file", help="parameter TOML file")
    add_quiet(check)
    check.set_defaults(func=run_check)


def run_show(args) -> int:
    params = load_parameters(args.file)
    if args.format == "toml":
        print(params.to_toml(), end="")
        return 0
    width = shutil.get_terminal_size((160, 20)).columns
    rows = params.table()
    kw = max(len(r[0]) for r in rows)
    vw = min(max(len(r[1]) for r in rows), 40)
    uw = max(len(r[2]) for r in rows)
    head = f"{'parameter':<{kw}}  {'value':>{vw}}  {'unit':<{uw}}  tag  source"
    print(head)
    print("-" * min(width, len(head) + 40))
    indent = kw + vw + uw + 11
    for key, value, unit, tag, source in rows:
        wrapped = textwrap.wrap(source, max(30, width - indent)) or [""]
        print(f"{key:<{kw}}  {value:>{vw}}  {unit:<{uw}}  {tag:<3}  {wrapped[0]}")
        for line in wrapped[1:]:
            print(" " * indent + line)
    from ..thermo import describe_initial_phase

    phase = describe_initial_phase(params.alloy.composition.x_na, params.temperature, params)
    print(f"\ninitial phase of {params.alloy.composition} at {params.temperature:.2f} K: "
          f"{phase}")
    n = len(params.assumptions())
    print(f"\n{len(rows)} parameters; {n} are assumptions (tag ?): sweep them, cite results so.")
    _print_ranges(width)
    return 0


def _print_ranges(width: int) -> None:
    """The plausible ranges of the uncertain parameters (``kind = "sensitivity"`` studies)."""
    from ..sensitivity.ranges import default_ranges, exempt_parameters

    ranges, exempt = default_ranges(), exempt_parameters()
    print("\nplausible ranges (nakmodel/data/parameter_ranges.toml; used by sensitivity and "
          "uncertainty studies):")
    kw = max(len(k) for k in list(ranges) + list(exempt))
    for key, rng in ranges.items():
        text = rng.describe()
        print(f"  {key:<{kw}}  {text}")
        for line in textwrap.wrap(rng.reason, max(30, width - kw - 6)):
            print(" " * (kw + 4) + line)
    for key, why in exempt.items():
        print(f"  {key:<{kw}}  no range: {why}")


def run_check(args) -> int:
    params = load_parameters(args.file)
    if not args.quiet:
        from ..thermo import describe_initial_phase

        phase = describe_initial_phase(params.alloy.composition.x_na, params.temperature, params)
        print(f"{args.file}: OK ({len(params.keys())} parameters, "
              f"composition {params.alloy.composition}, T = {params.temperature:.2f} K, "
              f"initial phase: {phase})")
    return 0
