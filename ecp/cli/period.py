"""``ecp period close|reopen|list``: closing months, reopening them with a logged reason."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import add_format, month_arg
from ecp.reports.render import render


def cmd_period_close(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    head = api.close_period(books, a.month)
    print(f"Mois {a.month} clôturé. Tête de chaîne : {head}")
    return 0


def cmd_period_reopen(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    head = api.reopen_period(books, a.month, a.reason)
    print(f"Mois {a.month} rouvert (motif consigné). Tête de chaîne : {head}")
    return 0


def cmd_period_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(e.month, "clôture" if e.action == "close" else "réouverture", e.at, e.actor,
             e.reason, str(e.head)) for e in api.period_events(books)]
    print(render(["mois", "action", "le", "par", "motif", "tete_de_chaine"], rows, a.format))
    return 0


def register(sub: Any) -> None:
    pe = sub.add_parser("period", help="clôture des mois").add_subparsers(
        dest="sub", required=True)
    s = pe.add_parser("close", help="clôturer un mois")
    s.add_argument("month", metavar="AAAA-MM", type=month_arg)
    s.set_defaults(func=cmd_period_close)
    s = pe.add_parser("reopen", help="rouvrir un mois clôturé")
    s.add_argument("month", metavar="AAAA-MM", type=month_arg)
    s.add_argument("--reason", required=True, help="motif (consigné)")
    s.set_defaults(func=cmd_period_reopen)
    s = pe.add_parser("list", help="clôtures et réouvertures")
    add_format(s)
    s.set_defaults(func=cmd_period_list)
