"""``ecp refund add|credits``: customers' credit balances (a credit note on an invoice already
paid) and their refund, posted like a payment in reverse (D 34211 / C bank or cash, on the
member's dimension). Same conventions as ``ecp.cli``: exit 2 with one French line naming the
flag on bad input, nothing written."""

from __future__ import annotations

import argparse
from typing import Any

from ecp.cli._common import add_format, amt, date_arg, open_books

METHODS = ("virement", "cheque", "especes")


def cmd_refund_add(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.money import fmt_fr, parse

    books = open_books(a)
    amount = parse(a.amount, "montant", field="amount")
    res = api.refund(books, a.customer, a.member, amount, a.day, a.method,
                     a.reference or "")
    print(f"Remboursement enregistré (écriture {res.entry}) : {fmt_fr(res.amount)} DH au "
          f"client {res.customer} chez {res.member}, le {res.day.strftime('%d/%m/%Y')} par "
          f"{res.method} ; crédit restant {fmt_fr(res.credit_left)} DH")
    return 0


def cmd_refund_credits(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.render import render

    books = open_books(a)
    f = a.format
    rows = [(c.member, c.customer, c.name, amt(c.credit, f))
            for c in api.customer_credits(books, a.member, a.at)]
    if not rows and f == "table":
        print("Aucun client n'a de solde créditeur.")
        return 0
    print(render(["membre", "client", "nom", "credit"], rows, f, right=["credit"]))
    return 0


def register(sub: Any) -> None:
    g = sub.add_parser("refund", help="remboursements des soldes créditeurs des clients") \
        .add_subparsers(dest="sub", required=True)
    s = g.add_parser("add", help="rembourser à un client son solde créditeur chez un membre")
    s.add_argument("--customer", required=True, metavar="CLIENT")
    s.add_argument("--member", required=True, metavar="MEMBRE")
    s.add_argument("--amount", required=True, metavar="MONTANT", help="ex. 600,00")
    s.add_argument("--date", dest="day", required=True, type=date_arg, metavar="D",
                   help="date du remboursement")
    s.add_argument("--method", choices=METHODS, default="virement",
                   help="virement (défaut), cheque ou especes")
    s.add_argument("--reference", metavar="REF", help="n° de virement, de chèque…")
    s.set_defaults(func=cmd_refund_add)
    s = g.add_parser("credits", help="soldes créditeurs des clients, par membre")
    s.add_argument("--member", metavar="MEMBRE")
    s.add_argument("--at", type=date_arg, metavar="D", help="à cette date (par défaut : tout)")
    add_format(s)
    s.set_defaults(func=cmd_refund_credits)
