"""``ecp report payroll`` (the month's CNSS and IR returns, or the year per employee),
``ecp social pay`` and ``ecp ir pay`` (the month's CNSS/AMO/AF/TFP and IR withheld paid from
the bank)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp.cli._common import FORMATS, add_out, date_arg, open_books, out_path
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr


def _period(text: str) -> Any:
    from ecp.kernel.periods import Period

    return Period.parse(text, field="period")


def _year(text: str) -> int:
    s = text.strip()
    if not (len(s) == 4 and s.isascii() and s.isdigit()):
        raise InputError(f"année : « {text} » n'est pas une année (AAAA)", field="year",
                         code="year.invalid")
    return int(s)


def cmd_report(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.files import private_dir, replace_private
    from ecp.reports.payroll_tables import month_table, year_table
    from ecp.reports.render import render_table

    if (a.period is None) == (a.year is None):
        raise InputError("un mois (AAAA-MM) ou, avec --year, une année (l'un des deux)",
                         field="period", code="period.required")
    books = open_books(a)
    out = out_path(books, a)
    if a.period is not None:
        table = month_table(api.payroll_month(books, _period(a.period)))
    else:
        year = _year(a.year)
        table = year_table(year, api.payroll_year(books, year))
    text = render_table(table, a.format)
    if out is None:
        print(text)
    else:
        private_dir(out.parent)
        replace_private(out, (text + "\n").encode("utf-8"))
        print(f"Paie écrite : {out}")
    return 0


def _cmd_pay(a: argparse.Namespace, kind: str) -> int:
    from ecp import api

    books = open_books(a)
    pay = api.social_pay if kind == "cnss" else api.ir_pay
    p = pay(books, _period(a.period), a.day, a.method, a.reference or "")
    what = "CNSS" if kind == "cnss" else "IR retenu"
    print(f"{what} {a.period.strip()} payé le {p.day.isoformat()} : {fmt_fr(p.amount)} DH "
          f"({p.entry}, référence {p.reference})")
    for dim, amount in p.per_dimension:
        print(f"  {dim} : {fmt_fr(amount)} DH")
    return 0


def cmd_social_pay(a: argparse.Namespace) -> int:
    return _cmd_pay(a, "cnss")


def cmd_ir_pay(a: argparse.Namespace) -> int:
    return _cmd_pay(a, "ir")


def _pay_args(s: argparse.ArgumentParser) -> None:
    s.add_argument("--period", required=True, metavar="AAAA-MM", help="le mois des paies")
    s.add_argument("--date", dest="day", type=date_arg, metavar="D", required=True,
                   help="date du paiement")
    s.add_argument("--method", default="virement", choices=("virement", "cheque"))
    s.add_argument("--reference", metavar="RÉF",
                   help="votre référence (reçu, n° de virement), après la clé du mois")


def register(sub: Any, rp: Any) -> None:
    """``ecp social pay``, ``ecp ir pay`` under the commands, ``payroll`` under ``ecp
    report``."""
    s = rp.add_parser("payroll", help="paie du mois par salarié (déclarations CNSS et IR), "
                      "ou récapitulatif annuel")
    s.add_argument("--period", metavar="AAAA-MM", help="le mois (bordereau CNSS, IR retenu)")
    s.add_argument("--year", metavar="AAAA", help="l'année, par salarié (état 9421)")
    s.add_argument("--format", choices=FORMATS, default="table")
    add_out(s)
    s.set_defaults(func=cmd_report)
    so = sub.add_parser("social", help="CNSS : payer les cotisations du mois (4441)")
    ss = so.add_subparsers(dest="sub", metavar="sous-commande", required=True)
    s = ss.add_parser("pay", help="payer CNSS/AMO/AF/TFP du mois : 4441 → 5141 par dimension")
    _pay_args(s)
    s.set_defaults(func=cmd_social_pay)
    ir = sub.add_parser("ir", help="IR retenu à la source : payer celui du mois (44525)")
    irs = ir.add_subparsers(dest="sub", metavar="sous-commande", required=True)
    s = irs.add_parser("pay", help="payer l'IR retenu du mois : 44525 → 5141 par dimension")
    _pay_args(s)
    s.set_defaults(func=cmd_ir_pay)
