"""``ecp report bilan`` and ``ecp report cpc``: the statutory statements of a fiscal year, with
the year before (N-1). Table output is for reading; csv and json for machines (stable keys,
amounts ``1234.50``)."""

from __future__ import annotations

import argparse

from ecp.cli._common import FORMATS, add_out, open_books


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une année (AAAA)")
    return int(text)


def cmd_statement(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.cli.reports_sales import _emit
    from ecp.reports.render import render_table
    from ecp.reports.statutory import bilan_table, cpc_table

    books = open_books(a)
    n, n1 = api.statutory_figures(books, a.year)
    table = bilan_table(n, n1) if a.statement == "bilan" else cpc_table(n, n1)
    _emit(books, render_table(table, a.format), a)
    return 0


def register(
        report_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``bilan`` and ``cpc`` to the ``ecp report`` subcommands."""
    for name, what in (("bilan", "bilan (actif, passif) d'un exercice, N et N-1"),
                       ("cpc", "compte de produits et charges d'un exercice, N et N-1")):
        s = report_subparsers.add_parser(name, help=what)
        s.add_argument("--year", required=True, type=_year, metavar="AAAA")
        s.add_argument("--format", choices=FORMATS, default="table")
        add_out(s)
        s.set_defaults(func=cmd_statement, statement=name)
