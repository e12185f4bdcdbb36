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

COMMANDS: dict[str, tuple[str, str]] = {
    "compare": ("compare", "compare the model with a measured spectrum (DRT peaks, fit)"),
    "drt": ("drt", "distribution of relaxation times of measured spectra"),
    "fracture": ("fracture", "crack driving force of a metal-filled surface flaw in the NASICON"),
    "info": ("info", "versions, MPI size and available solvers"),
    "kk": ("kk", "Kramers-Kronig (Lin-KK) check of impedance files"),
    "mesh": ("mesh", "build a cell mesh with gmsh and write it (.msh + .xdmf)"),
    "params": ("params", "show or check parameter sets"),
    "phase-diagram": ("phase_diagram", "plot the Na-K phase diagram of the model (PNG)"),
    "plot": ("plot", "plot saved study results (any study kind, run or sweep folder)"),
    "run": ("run", "run a study TOML file"),
    "sweep": ("sweep", "run a parameter sweep of a study TOML with a [sweep] table"),
    "validate": ("validate", "run the validation cases, write a report"),
}
"""Subcommand -> (module of this package, one-line help).  ``nakmodel --help`` lists these
without importing the modules (fast start); the chosen subcommand's module builds its own
parser (a test checks that the one-line helps here equal the modules' own)."""


def _command_modules() -> list[str]:
    return sorted(info.name for info in pkgutil.iter_modules(__path__)
                  if not info.name.startswith("_"))


def build_parser(command: str | None = "*") -> argparse.ArgumentParser:
    """The argument parser.  ``command``: the subcommand whose module is imported and
    registered in full (``"*"``: all of them; None: none, the listing only)."""
    from .. import __version__

    parser = argparse.ArgumentParser(
        prog="nakmodel",
        description="Simulate NaK liquid-alloy anodes on NASICON: thermodynamics, FE transport "
        "and kinetics, impedance and DRT, fracture, critical-current sweeps. Results are SI "
        "in CSV files (units in every column header), in mA/cm², mAh/cm², Ω cm² and µm in "
        "summaries and figures. 'nakmodel COMMAND --help' explains each command.",
    )
    parser.add_argument("--version", action="version", version=f"nakmodel {__version__}")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bars or chatter")
    parser.add_argument("--debug", action="store_true",
                        help="show the traceback of an error (exit status: 2 bad input, "
                        "3 no convergence, 4 max_steps reached, 5 cannot write, 6 internal)")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    modules = {module: name for name, (module, _) in COMMANDS.items()}
    for module_name in _command_modules():
        name = modules.get(module_name)
        if command == "*" or name is None or name == command:
            module = importlib.import_module(f"{__name__}.{module_name}")
            if hasattr(module, "register"):
                module.register(sub)
        else:
            sub.add_parser(name, help=COMMANDS[name][1], add_help=False)
    return parser


def _chosen_command(argv: list[str]) -> str | None:
    for arg in argv:
        if not arg.startswith("-"):
            return arg
    return None


def main(argv: list[str] | None = None) -> int:
    arguments = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(_chosen_command(arguments))
    args = parser.parse_args(arguments)
    args.argv = arguments
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
