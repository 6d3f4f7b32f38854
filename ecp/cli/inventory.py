"""``ecp inventory set`` (a stock counted by hand at year end) and ``ecp inventory run`` (the
stock variations posted, one OD entry per dimension; idempotent)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp.cli._common import amt, date_arg, open_books
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr, parse

KIND_FR = {"matieres": "matières", "produits": "produits finis"}


def _year(text: str) -> int:
    s = text.strip()
    if not (len(s) == 4 and s.isascii() and s.isdigit()):
        raise InputError(f"exercice : « {text} » n'est pas une année (AAAA)", field="year",
                         code="year.invalid")
    return int(s)


def cmd_set(a: argparse.Namespace) -> int:
    from ecp import api
    year = _year(a.year)
    value = parse(a.value, "valeur", field="value")
    dim = api.inventory_set(open_books(a), year, a.member, a.kind, value, a.note or "")
    print(f"Inventaire {year} de {dim}, {KIND_FR[a.kind]} : {fmt_fr(value, 'DH')}")
    return 0


def cmd_run(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.render import render
    year = _year(a.year)
    lines = api.inventory_run(open_books(a), year, a.day)
    f = "table"
    if not lines:
        print(f"Inventaire {year} : aucun stock, rien à passer")
        return 0
    rows = [(ln.dimension, ln.kind, ln.source, amt(ln.value, f), amt(ln.book, f),
             amt(ln.posted, f), ln.entry or "") for ln in lines]
    print(render(["dimension", "nature", "source", "stock", "comptabilise", "variation",
                  "ecriture"], rows, f, right=["stock", "comptabilise", "variation"]))
    if not any(ln.posted for ln in lines):
        print("Rien de changé depuis le dernier inventaire : aucune écriture")
    return 0


def register(sub: Any) -> None:
    g = sub.add_parser("inventory", help="inventaire de fin d'exercice (stocks, variation)")
    gs = g.add_subparsers(dest="sub", metavar="sous-commande", required=True)
    s = gs.add_parser("set", help="stock compté à la main (membres sans production)")
    s.add_argument("year", metavar="AAAA")
    s.add_argument("--member", required=True)
    s.add_argument("--kind", required=True, choices=("matieres", "produits"))
    s.add_argument("--value", required=True, help="valeur du stock (DH)")
    s.add_argument("--note")
    s.set_defaults(func=cmd_set)
    s = gs.add_parser("run", help="passer la variation des stocks de l'exercice "
                      "(une écriture OD par dimension ; idempotent)")
    s.add_argument("year", metavar="AAAA")
    s.add_argument("--date", dest="day", type=date_arg, help="date de clôture (31/12 par défaut)")
    s.set_defaults(func=cmd_run)
