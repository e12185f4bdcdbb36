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


def argparse_suppress():
    import argparse

    return argparse.SUPPRESS
