"""``ecp invoice remind`` (a reminder letter for an overdue invoice), ``ecp report dunning`` (the
overdue invoices by band of days late, with the next step) and the history section of ``ecp
invoice show``."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ecp.cli._common import add_format, add_out, date_arg, open_books, out_path
from ecp.kernel.money import fmt_fr, fmt_plain

if TYPE_CHECKING:
    from ecp.api import HistoryEvent


def cmd_remind(a: argparse.Namespace) -> int:
    from ecp import api

    books = open_books(a)
    out = out_path(books, a)
    sent = api.send_reminder(books, a.number, a.level, a.day, out)
    v = sent.view
    what = "Relance" if v.level == 1 else "Mise en demeure"
    if sent.again:
        print(f"{what} de {v.invoice} déjà envoyée le {v.day.strftime('%d/%m/%Y')} : la "
              f"lettre archivée\nPDF : {sent.path}")
        return 0
    penalty = (f", pénalités {fmt_fr(v.penalty.amount)} DH" if v.penalty.amount is not None
               else ", pénalités : mention de la loi 69-21 (sales.penalty_rate non renseigné)")
    print(f"{what} de {v.invoice} au {v.day.strftime('%d/%m/%Y')} : {fmt_fr(v.left)} DH dus, "
          f"{v.days_late} jours de retard{penalty}, à régler avant le "
          f"{v.pay_by.strftime('%d/%m/%Y')}")
    print(f"PDF : {sent.path}")
    return 0


def cmd_dunning(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.cli.reports_sales import _emit
    from ecp.reports.dunning import dunning_table
    from ecp.reports.render import render_table

    books = open_books(a)
    at = a.at or books.today()
    _emit(books, render_table(dunning_table(api.dunning(books, at, a.member), at), a.format),
          a)
    return 0


# --- the history of an invoice (ecp invoice show) --------------------------------------------

def history_json(events: list[HistoryEvent]) -> list[dict[str, Any]]:
    return [{"date": e.day.isoformat(), "type": e.kind, "libelle": e.label,
             "montant": fmt_plain(e.amount), "reste_du": fmt_plain(e.left),
             "reference": e.reference, "ecriture": e.entry, "mode": e.method}
            for e in events]


def history_lines(events: list[HistoryEvent]) -> list[str]:
    """« 20/02/2026  règlement        3 000,33  reste       8 999,67  Règlement par virement —
    VIR 77 BQ-2026-000003 »: one line per event, for readers."""
    out = ["Historique :"]
    for e in events:
        ref = " ".join(x for x in (e.reference if e.kind == "règlement" else "", e.entry) if x)
        out.append(f"  {e.day.strftime('%d/%m/%Y')}  {e.kind:<10} {fmt_fr(e.amount):>14}  "
                   f"reste {fmt_fr(e.left):>14}  {e.label}" + (f" — {ref}" if ref else ""))
    return out


# --- wiring ----------------------------------------------------------------------------------

def _level(text: str) -> int:
    if text not in ("1", "2"):
        raise argparse.ArgumentTypeError("1 (relance) ou 2 (mise en demeure)")
    return int(text)


def register_remind(invoices: Any) -> None:
    """``ecp invoice remind NUMERO [--date D] [--level 1|2] [--out FICHIER]``."""
    s = invoices.add_parser(
        "remind", help="lettre de relance (1) ou de mise en demeure (2) d'une facture échue, "
                       "archivée et notée sur la facture")
    s.add_argument("number", metavar="NUMERO")
    s.add_argument("--date", dest="day", type=date_arg, metavar="D",
                   help="date de la lettre (par défaut aujourd'hui)")
    s.add_argument("--level", type=_level, default=1, metavar="1|2",
                   help="1 : relance (défaut) ; 2 : mise en demeure, après une relance "
                        "(sales.reminder_gap_days)")
    add_out(s)
    s.set_defaults(func=cmd_remind)


def register_reports(report_subparsers: Any) -> None:
    """``ecp report dunning [--date D] [--member M] [--format …] [--out F]``."""
    s = report_subparsers.add_parser(
        "dunning", help="factures échues par retard (1–30, 31–60, 61–90, plus de 90 jours), "
                        "dernière relance et prochaine étape")
    s.add_argument("--date", dest="at", type=date_arg, metavar="D",
                   help="date d'arrêté (par défaut aujourd'hui)")
    s.add_argument("--member")
    add_format(s)
    add_out(s)
    s.set_defaults(func=cmd_dunning)

