"""``ecp report vat`` and ``ecp report aged-receivables``: the sales reports on the command
line. Table output is for reading (French headers, amounts ``1 234,50``); csv and json are for
machines (stable keys, amounts ``1234.50``).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr, fmt_plain
from ecp.kernel.periods import parse_date
from ecp.reports.render import Cell, render
from ecp.sales.receivables import AgedRow
from ecp.sales.vat_report import OTHER, VatRateRow, VatReport

FORMATS = ("table", "csv", "json")


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _amt(cents: int, fmt: str) -> str:
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


def _rate(row: VatRateRow, fmt: str) -> str:
    if fmt == "table":
        return row.rate
    if row.vat_bp == OTHER:
        return "autres"  # VAT moved by entries typed by hand, no rate
    whole, frac = divmod(row.vat_bp, 100)
    return f"{whole}.{frac:02d}" if frac else str(whole)


def _emit(text: str, out: str | None) -> None:
    if out is None:
        print(text)
        return
    path = Path(out)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text + "\n", encoding="utf-8", newline="\n")
    except OSError as exc:
        raise InputError(f"--out : impossible d'écrire {path} ({exc.strerror})") from None
    print(f"État écrit : {path}")


# --- VAT -------------------------------------------------------------------------------------

VAT_COLUMNS = {"table": ["Rubrique", "Taux", "Base HT", "TVA"],
               "csv": ["rubrique", "taux", "base_ht", "tva"]}


def render_vat(rep: VatReport, fmt: str) -> str:
    """Each part's lines by rate then its total (collected, credit notes, net collected,
    deductible), then the VAT due and the credit. In csv/json ``rubrique`` is a stable key
    and ``taux`` is empty on total lines."""
    table = fmt == "table"
    rows: list[list[Cell]] = []

    def part(lines: tuple[VatRateRow, ...], key: str, label: str) -> None:
        for r in lines:
            rows.append([label if table else key, _rate(r, fmt), _amt(r.base_ht, fmt),
                         _amt(r.vat, fmt)])

    def total(key: str, label: str, base: int | None, vat: int) -> None:
        rows.append([label if table else key, "", None if base is None else _amt(base, fmt),
                     _amt(vat, fmt)])

    part(rep.collected, "collectee", "TVA collectée")
    total("total_collectee", "Total TVA collectée", rep.collected_base, rep.collected_vat)
    part(rep.regularised, "regularisation", "Avoirs (régularisation)")
    total("total_regularisations", "Total avoirs", rep.regularised_base, rep.regularised_vat)
    total("tva_collectee_nette", "TVA collectée nette", rep.collected_base
          - rep.regularised_base, rep.net_collected)
    part(rep.deductible, "deductible", "TVA déductible")
    total("total_deductible", "Total TVA déductible", rep.deductible_base, rep.deductible_vat)
    total("tva_due", "TVA due", None, rep.due)
    total("credit_de_tva", "Crédit de TVA", None, rep.credit)
    cols = VAT_COLUMNS["table" if table else "csv"]
    body = render(cols, rows, fmt, right=cols[2:])
    if not table:
        return body
    regime = "de l'encaissement" if rep.regime == "encaissement" else "des débits"
    head = (f"Déclaration de TVA {rep.label} : du {rep.start.strftime('%d/%m/%Y')} au "
            f"{rep.last_day.strftime('%d/%m/%Y')} inclus, régime {regime}")
    return f"{head}\n\n{body}"


def cmd_vat(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    _emit(render_vat(api.vat_report(books, a.period), a.format), a.out)
    return 0


# --- aged receivables ------------------------------------------------------------------------

AGED_COLUMNS = {
    "table": ["Membre", "Client", "Nom", "Factures", "0-30 j", "31-60 j", "61-90 j", "> 90 j",
              "Total", "Échu"],
    "csv": ["niveau", "membre", "client", "nom", "factures", "j0_30", "j31_60", "j61_90", "plus_90",
            "total", "echu"],
}


def render_aged(rows: list[AgedRow], at: dt.date, fmt: str) -> str:
    """One line per member and customer, the member's subtotal, the grand total last. In
    csv/json, ``niveau`` tells them apart: client, membre, total."""
    table = fmt == "table"
    out: list[list[Cell]] = []
    for r in rows:
        if r.kind == "customer":
            who: list[Cell] = [r.member, r.customer, r.customer_name]
        elif r.kind == "member":
            who = [r.member, "Sous-total" if table else "", ""]
        else:
            who = ["TOTAL" if table else "", "", ""]
        level: list[Cell] = [] if table else [
            {"customer": "client", "member": "membre", "total": "total"}[r.kind]]
        out.append([*level, *who, r.invoices, *(_amt(v, fmt) for v in (
            r.days_0_30, r.days_31_60, r.days_61_90, r.over_90, r.total, r.overdue))])
    cols = AGED_COLUMNS["table" if table else "csv"]
    body = render(cols, out, fmt, right=cols[-7:])
    if not table:
        return body
    return (f"Créances clients au {at.strftime('%d/%m/%Y')}, par ancienneté depuis la date de "
            f"facture ; « Échu » : passé l'échéance\n\n{body}")


def cmd_aged(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    at = a.at or dt.date.today()
    _emit(render_aged(api.aged_receivables(books, at, a.member), at, a.format), a.out)
    return 0


# --- wiring ----------------------------------------------------------------------------------

def register(report_subparsers: argparse._SubParsersAction) -> None:
    """Add ``vat`` and ``aged-receivables`` to the ``ecp report`` subcommands."""
    s = report_subparsers.add_parser(
        "vat", help="déclaration de TVA d'un mois ou d'un trimestre")
    s.add_argument("--period", required=True, metavar="YYYY-MM|YYYY-Qn")
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("--out", metavar="FICHIER")
    s.set_defaults(func=cmd_vat)
    s = report_subparsers.add_parser(
        "aged-receivables", help="balance âgée des créances clients par membre")
    s.add_argument("--member")
    s.add_argument("--at", type=_date, metavar="D", help="date d'arrêté (par défaut aujourd'hui)")
    s.add_argument("--format", choices=FORMATS, default="table")
    s.add_argument("--out", metavar="FICHIER")
    s.set_defaults(func=cmd_aged)
