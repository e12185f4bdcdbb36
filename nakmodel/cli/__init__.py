"""The ``nakmodel`` command line.

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``; modules are discovered automatically, so a new
subcommand is one new file.  Every :class:`~nakmodel.errors.ParameterError`
is printed one problem per line and exits with status 2, without traceback.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import sys

from ..errors import ConvergenceError, ParameterError


def build_parser() -> argparse.ArgumentParser:
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="nakmodel",
        description="Simulate NaK liquid-alloy anodes on NASICON: thermodynamics, FE transport "
        "and kinetics, impedance and DRT, fracture, critical-current sweeps.",
    )
    parser.add_argument("--version", action="version", version=f"nakmodel {__version__}")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars or chatter")
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
    args.argv = list(sys.argv[1:] if argv is None else argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except ParameterError as err:
        for problem in err.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2
    except ConvergenceError as err:
        print(f"error: {err}", file=sys.stderr)
        return 3
    except FileNotFoundError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    except BrokenPipeError:  # e.g. `nakmodel params show | head`
        sys.stderr.close()
        return 0
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
