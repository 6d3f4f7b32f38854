"""``ecp report bilan|cpc|esg|tf|etic``: the statutory statements of a fiscal year, with the
year before (N-1), in the model the year's turnover calls for (``--model`` overrides it).
Table output is for reading; csv and json for machines (stable keys, amounts ``1234.50``);
``--out FICHIER.pdf`` writes the PDF laid out like the official model."""

from __future__ import annotations

import argparse

from ecp.cli._common import FORMATS, add_out, open_books, out_path
from ecp.kernel.errors import InputError

MODELS = ("normal", "simplifie")
ETIC_TABLES = ("immobilisations", "amortissements", "stocks", "tva")


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"« {text} » n'est pas une année (AAAA)")
    return int(text)


def cmd_statement(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.cli.reports_sales import _emit
    from ecp.reports.render import render_table

    books = open_books(a)
    table = getattr(a, "table", None)
    if a.out is not None and a.out.lower().endswith(".pdf"):
        if a.format != "table":
            raise InputError("ne s'applique pas à un PDF (--out FICHIER.pdf)", field="format")
        path = out_path(books, a)
        assert path is not None
        api.statutory_pdf(books, a.statement, a.year, path, a.model, table, force=a.force,
                          dimension=a.dimension)
        print(f"État écrit : {path}")
        return 0
    if a.statement == "etic" and table is None and a.format != "table":
        raise InputError(f"obligatoire avec --format {a.format} (une table par fichier : "
                         f"{', '.join(ETIC_TABLES)})", field="table")
    st = api.statutory_tables(books, a.statement, a.year, a.model, table,
                              dimension=a.dimension)
    _emit(books, "\n\n".join(render_table(t, a.format) for _k, _h, t in st.tables), a)
    return 0


STATEMENTS = (
    ("bilan", "bilan (actif, passif) d'un exercice, N et N-1"),
    ("cpc", "compte de produits et charges d'un exercice, N et N-1"),
    ("esg", "état des soldes de gestion (modèle normal), N et N-1"),
    ("tf", "tableau de financement, N et N-1"),
    ("etic", "tableaux de l'ETIC : immobilisations, amortissements, stocks, TVA"),
)


def register(
        report_subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``bilan``, ``cpc``, ``esg``, ``tf`` and ``etic`` to the ``ecp report``
    subcommands."""
    for name, what in STATEMENTS:
        s = report_subparsers.add_parser(name, help=what)
        s.add_argument("--year", required=True, type=_year, metavar="AAAA")
        s.add_argument("--model", choices=MODELS, default=None,
                       help="modèle normal ou simplifié (défaut : selon le chiffre "
                            "d'affaires de l'exercice, seuil 10 000 000 DH)")
        if name == "etic":
            s.add_argument("--table", choices=ETIC_TABLES, default=None,
                           help="une table (toutes sans --table, en texte ou en PDF)")
        s.add_argument("--dimension", metavar="D", type=str.upper, default=None,
                       help="les livres d'une dimension (un membre ou ECP), flux internes "
                            "compris ; sans : l'entité, flux internes exclus")
        s.add_argument("--format", choices=FORMATS, default="table")
        add_out(s, "FICHIER[.pdf]")
        s.set_defaults(func=cmd_statement, statement=name)
