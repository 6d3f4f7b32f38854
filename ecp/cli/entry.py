"""``ecp entry post|reverse``: journal entries typed by hand, and their reversal."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import date_arg
from ecp.cli._parse import ENTRY_LINE, entry_lines


def cmd_entry_post(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    posted = api.post_entry(books, a.journal, a.date, a.label, entry_lines(a.line),
                            a.ref or "")
    print(posted.ref)
    return 0


def cmd_entry_reverse(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    posted = api.reverse_entry(books, a.number, a.date)
    print(posted.ref)
    return 0


def register(sub: Any) -> None:
    en = sub.add_parser("entry", help="écritures").add_subparsers(dest="sub", required=True)
    s = en.add_parser("post", help="passer une écriture")
    s.add_argument("--journal", required=True, help="VT, AC, BQ, CA, OD ou AN")
    s.add_argument("--date", required=True, type=date_arg)
    s.add_argument("--label", required=True, help="libellé")
    s.add_argument("--ref", help="référence de la pièce")
    s.add_argument("--line", action="append", required=True, metavar=ENTRY_LINE,
                   help="montant signé en dirhams : positif au débit, négatif au crédit")
    s.set_defaults(func=cmd_entry_post)
    s = en.add_parser("reverse", help="contre-passer une écriture")
    s.add_argument("number", metavar="ECRITURE", help="ex. OD-2026-000001")
    s.add_argument("--date", type=date_arg, help="date de la contre-passation")
    s.set_defaults(func=cmd_entry_reverse)
