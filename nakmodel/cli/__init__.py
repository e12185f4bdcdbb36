"""The ``nakmodel`` command line.

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``; modules are discovered automatically, so a new
subcommand is one new file.  Every error is printed as one line per problem,
without traceback (``--debug`` shows it), with the exit status of
:mod:`._errors` (2 bad input, 3 no convergence, 4 max_steps, 5 cannot write,
6 internal).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from ._errors import report


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="nakmodel",
        description="Simulate NaK liquid-alloy anodes on NASICON: thermodynamics, FE transport "
        "and kinetics, impedance and DRT, fracture, critical-current sweeps.",
    )
    parser.add_argument("--version", action="version", version=f"nakmodel {__version__}")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars or chatter")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error (exit status: 2 bad input, "
                        "3 no convergence, 4 max_steps reached, 5 cannot write, 6 internal)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        if hasattr(module, "register"):
            module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except BrokenPipeError:  # e.g. `nakmodel params show | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as err:  # noqa: BLE001  one line per problem, no traceback
        status = report(err)
        if getattr(args, "debug", False):
            raise
        return status

if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
