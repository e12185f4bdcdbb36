"""Small helpers shared by the CLI subcommands."""

from __future__ import annotations

import sys


def echo(args, *parts, **kwargs) -> None:
    """Print unless ``--quiet``."""
    if not getattr(args, "quiet", False):
        print(*parts, **kwargs)


def progress(args, iterable=None, **kwargs):
    """A tqdm progress bar on stderr, silent with ``--quiet`` or when not a terminal."""
    from tqdm.auto import tqdm

    disable = getattr(args, "quiet", False) or not sys.stderr.isatty()
    return tqdm(iterable, disable=disable, file=sys.stderr, **kwargs)


def add_quiet(parser) -> None:
    """Accept ``--quiet`` after the subcommand too."""
    parser.add_argument("--quiet", "-q", action="store_true", default=argparse_suppress(),
                        help="no progress bars or chatter")


def add_out(parser, help_text: str = "output folder") -> None:
    """The ``--out DIR`` option (same spelling and meaning in every subcommand)."""
    parser.add_argument("--out", "-o", default=None, metavar="DIR", help=help_text)


def add_params(parser) -> None:
    """``--params FILE``: a parameter file that replaces the study's ``[parameters] file``."""
    parser.add_argument("--params", default=None, metavar="FILE",
                        help="parameter TOML file (e.g. a fitted set from 'nakmodel compare "
                        "--fit') to use instead of the study's [parameters] file; the "
                        "study's other [parameters] entries still apply on top")


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
