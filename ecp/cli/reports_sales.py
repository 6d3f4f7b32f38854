"""``ecp report vat`` and ``ecp report aged-receivables``: the sales reports on the command
line. Table output is for reading (French headers, amounts ``1 234,50``); csv and json are for
machines (stable keys, amounts ``1234.50``).
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

from ecp.cli._common import FORMATS, add_out, date_arg, open_books, out_path
from ecp.kernel.errors import InputError

if TYPE_CHECKING:
    from ecp.api import Books


def _emit(books: Books, text: str, a: argparse.Namespace) -> None:
    """The report on stdout, or in ``--out`` (checked: never the books nor the archive, an
    existing file only with ``--force``), written private and whole."""
    from ecp.kernel.files import private_dir, replace_private

    path = out_path(books, a)
    if path is None:
        print(text)
        return
    try:
        private_dir(path.parent)
        replace_private(path, (text + "\n").encode("utf-8"))
    except OSError as exc:
        raise InputError(f"fichier : impossible d'écrire {path} ({exc.strerror})",
                         field="out") from None
    print(f"État écrit : {path}")


# --- VAT ------------------------------------------------------------------------------------
# The tables themselves are built in ecp.reports.tables (the TUI shows the same ones).

def cmd_vat(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.kernel.periods import Period
    from ecp.reports.render import render_table
    from ecp.reports.tables import vat_table

    books = open_books(a)
    _emit(books, render_table(vat_table(api.vat_report(books, Period.parse(a.period))),
                              a.format), a)
    return 0


# --- aged receivables ------------------------------------------------------------------------

def cmd_aged(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.render import render_table
    from ecp.reports.tables import aged_table

    books = open_books(a)
    at = a.at or books.today()
    _emit(books, render_table(aged_table(api.aged_receivables(books, at, a.member), at),
                              a.format), a)
    return 0


# --- wiring ----------------------------------------------------------------------------------

def register(
        report_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``vat`` and ``aged-receivables`` to the ``ecp report`` subcommands."""
    s = report_subparsers.add_parser(
        "vat", help="déclaration de TVA d'un mois ou d'un trimestre")
    s.add_argument("--period", required=True, metavar="YYYY-MM|YYYY-Qn")
    s.add_argument("--format", choices=FORMATS, default="table")
    add_out(s)
    s.set_defaults(func=cmd_vat)
    s = report_subparsers.add_parser(
        "aged-receivables", help="balance âgée des créances clients par membre")
    s.add_argument("--member")
    s.add_argument("--at", type=date_arg, metavar="D",
                   help="date d'arrêté (par défaut aujourd'hui)")
    s.add_argument("--format", choices=FORMATS, default="table")
    add_out(s)
    s.set_defaults(func=cmd_aged)
