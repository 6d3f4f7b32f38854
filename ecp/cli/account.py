"""``ecp account list|add``: the chart of accounts (CGNC)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import add_format
from ecp.reports.render import render


def cmd_account_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(x.code, x.name, x.cls, x.parent, "oui" if x.internal else "",
             "oui" if x.used else "") for x in api.list_accounts(books)]
    print(render(["code", "nom", "classe", "parent", "interne", "mouvemente"], rows, a.format))
    return 0


def cmd_account_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    x = api.add_account(books, a.code, a.name)
    print(f"Compte {x.code} « {x.name} » ouvert sous {x.parent}")
    return 0


def register(sub: Any) -> None:
    ac = sub.add_parser("account", help="plan comptable").add_subparsers(
        dest="sub", required=True)
    s = ac.add_parser("list", help="lister les comptes")
    add_format(s)
    s.set_defaults(func=cmd_account_list)
    s = ac.add_parser("add", help="ouvrir un sous-compte")
    s.add_argument("code", metavar="CODE")
    s.add_argument("name", metavar="INTITULE")
    s.set_defaults(func=cmd_account_add)
