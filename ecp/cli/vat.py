"""``ecp vat``: the VAT cycle — show the return of a period, declare it (or cancel the
declaration with a reason), pay it, list the declarations and what is still to do."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ecp.cli._common import FORMATS, add_out, date_arg, open_books, out_path
from ecp.kernel.money import fmt_fr
from ecp.kernel.money import parse as parse_money


def _period(text: str) -> Any:
    from ecp.kernel.periods import Period

    return Period.parse(text)


def _show(ret: Any, declared: Any, fmt: str) -> str:
    from ecp.reports.render import render_table
    from ecp.reports.vat_tables import positions_table, return_table

    if fmt == "json":
        return json.dumps(ret.figures(), ensure_ascii=False, indent=1)
    parts = [render_table(return_table(ret, declared), fmt)]
    if fmt == "table":
        parts.append(render_table(positions_table(ret), fmt))
    return "\n\n".join(parts)


def cmd_show(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.files import private_dir, replace_private

    books = open_books(a)
    period = _period(a.period)
    out = out_path(books, a)
    ret = api.vat_return(books, period)
    decl = [d for d in api.vat_declarations(books, period) if d.active]
    text = _show(ret, decl[-1] if decl else None, a.format)
    if out is None:
        print(text)
    else:
        private_dir(out.parent)
        replace_private(out, (text + "\n").encode("utf-8"))
        print(f"Déclaration écrite : {out}")
    if a.pdf:
        path = api.vat_return_pdf(books, period, Path(a.pdf), force=a.force)
        print(f"PDF écrit : {path}")
    return 0


def cmd_declare(a: argparse.Namespace) -> int:
    from ecp import api

    books = open_books(a)
    done = api.vat_declare(books, _period(a.period), a.day)
    d = done.declaration
    print(_show(done.vat_return, d, "table"))
    print()
    if d.due:
        print(f"Déclaration {d.period} enregistrée ({d.entry}) : TVA due {fmt_fr(d.due)} DH "
              f"(4456), à payer avec « ecp vat pay {d.period} --date … ».")
    elif d.credit:
        print(f"Déclaration {d.period} enregistrée ({d.entry}) : crédit de TVA "
              f"{fmt_fr(d.credit)} DH (3456), reporté sur la déclaration suivante.")
    else:
        print(f"Déclaration {d.period} enregistrée : néant"
              + (f" ({d.entry})" if d.entry else " (aucune écriture)") + ".")
    return 0


def cmd_reverse(a: argparse.Namespace) -> int:
    from ecp import api

    books = open_books(a)
    d = api.vat_reverse(books, _period(a.period), a.reason, a.day)
    print(f"Déclaration {d.period} annulée le {d.reversed_on}"
          + (f" : contre-passation {d.reversal_entry}" if d.reversal_entry else "")
          + f" (motif : {d.reason}).")
    return 0


def cmd_pay(a: argparse.Namespace) -> int:
    from ecp import api

    books = open_books(a)
    penalty = parse_money(a.penalty, "pénalité", field="penalty") if a.penalty else 0
    d = api.vat_pay(books, _period(a.period), a.day, a.method, penalty, a.reference or "")
    print(f"TVA {d.period} payée le {d.paid_on} : {fmt_fr(d.paid)} DH ({d.payment_entry})"
          + (f", pénalité {fmt_fr(d.penalty)} DH (65831)" if d.penalty else "") + ".")
    return 0


def cmd_list(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.render import render_table
    from ecp.reports.vat_tables import declarations_table

    books = open_books(a)
    print(render_table(declarations_table(api.vat_declarations(books)), a.format))
    return 0


def cmd_status(a: argparse.Namespace) -> int:
    from ecp import api

    books = open_books(a)
    todo = api.vat_status(books, a.at)
    if not todo:
        print("TVA : toutes les périodes terminées sont déclarées et payées.")
        return 0
    for p in todo:
        print(f"{p.period} : {p.state}" + (f" ({fmt_fr(p.amount)} DH)" if p.amount else ""))
    return 0


def register(sub: Any) -> None:
    v = sub.add_parser("vat", help="TVA : déclaration, paiement, crédit reporté")
    vs = v.add_subparsers(dest="sub", metavar="sous-commande", required=True)
    s = vs.add_parser("show", help="la déclaration d'une période, ligne par ligne (codes DGI)")
    s.add_argument("period", metavar="PÉRIODE", help="AAAA-MM ou AAAA-Qn")
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("--pdf", metavar="FICHIER.pdf", help="écrire aussi le PDF de la déclaration")
    add_out(s)
    s.set_defaults(func=cmd_show)
    s = vs.add_parser("declare", help="déclarer une période : solde 4455/34552/34551 vers "
                      "4456 (due) ou 3456 (crédit), journal OD")
    s.add_argument("period", metavar="PÉRIODE", help="AAAA-MM ou AAAA-Qn (selon vat.filing)")
    s.add_argument("--date", dest="day", type=date_arg, metavar="D",
                   help="date de la déclaration (par défaut aujourd'hui)")
    s.set_defaults(func=cmd_declare)
    s = vs.add_parser("reverse", help="annuler la dernière déclaration (non payée), avec un "
                      "motif")
    s.add_argument("period", metavar="PÉRIODE")
    s.add_argument("--reason", required=True, metavar="MOTIF")
    s.add_argument("--date", dest="day", type=date_arg, metavar="D")
    s.set_defaults(func=cmd_reverse)
    s = vs.add_parser("pay", help="payer la TVA déclarée : 4456 → 5141 par dimension")
    s.add_argument("period", metavar="PÉRIODE")
    s.add_argument("--date", dest="day", type=date_arg, metavar="D", required=True)
    s.add_argument("--method", default="virement", choices=("virement", "cheque"))
    s.add_argument("--penalty", metavar="MONTANT",
                   help="pénalités et majorations de retard (65831)")
    s.add_argument("--reference", metavar="RÉF")
    s.set_defaults(func=cmd_pay)
    s = vs.add_parser("list", help="les déclarations, leur paiement ou leur annulation")
    s.add_argument("--format", choices=FORMATS, default="table")
    s.set_defaults(func=cmd_list)
    s = vs.add_parser("status", help="les périodes terminées à déclarer ou à payer")
    s.add_argument("--at", type=date_arg, metavar="D", help="date (par défaut aujourd'hui)")
    s.set_defaults(func=cmd_status)
