"""``ecp`` alone, or ``ecp tui``: the bookkeeper's terminal application."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ecp.kernel.errors import InputError


def cmd_tui(a: argparse.Namespace) -> int:
    """No command, or ``ecp tui``: the bookkeeper's terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # A script or a pipe would wait forever on a screen nobody sees.
        raise InputError("l'application s'ouvre dans un terminal ; pour les scripts, "
                         "voir « ecp --help » (ex. ecp report trial-balance)")
    from ecp.tui.app import run  # Textual only for the TUI

    return run(a.db)


def register(sub: Any) -> None:
    s = sub.add_parser("tui", help="l'application du comptable (par défaut)")
    s.set_defaults(func=cmd_tui)
