"""``ecp export journal|ledger|trial-balance|hledger``: exports for the auditor;
``ecp export liasse --year AAAA --out DOSSIER``: the statements as the liasse's CSV tables;
``ecp export releve-deductions|delais-paiement --period``: the DGI's filings (XML + CSV)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import add_out, add_period, out_path
from ecp.cli.statutory import _year
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr

WHAT = ("journal", "ledger", "trial-balance", "hledger", "releve-deductions", "delais-paiement",
        "liasse")
FILINGS = ("releve-deductions", "delais-paiement")


def cmd_export(a: argparse.Namespace) -> int:
    if a.what == "liasse":
        return cmd_export_liasse(a)
    if a.year is not None or a.model is not None:
        raise InputError("ne s'applique qu'à liasse", field="year" if a.year else "model")
    if a.what in FILINGS:
        return cmd_export_filing(a)
    if a.period is not None:
        raise InputError(f"ne s'applique qu'à {' et '.join(FILINGS)} (--from/--to pour "
                         f"{a.what})", field="period")
    if a.what == "hledger":
        return cmd_export_hledger(a)
    books = api.open_books(a.db)
    out = out_path(books, a, manifest=True, make_parent=False)
    assert out is not None  # --out is required
    res = api.export(books, a.what, out, a.date_from, a.date_to, a.dimension, a.excel)
    print(f"Export écrit : {res.path} ({res.rows} lignes, débit {fmt_fr(res.debit)} DH, "
          f"crédit {fmt_fr(res.credit)} DH)")
    print(f"Tête de chaîne : {res.head}")
    if res.manifest:
        print(f"Manifeste : {res.manifest}")
    return 0


def cmd_export_hledger(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    out = out_path(books, a, manifest=True, make_parent=False)
    assert out is not None  # --out is required
    res = api.export_hledger(books, out)
    print(f"Journal hledger écrit : {res.path} ({res.rows} écritures)")
    print(f"Tête de chaîne : {res.head}")
    return 0


def cmd_export_liasse(a: argparse.Namespace) -> int:
    """The liasse of ``--year``: one CSV per table, in the liasse's order, in ``--out``."""
    from pathlib import Path

    from ecp.cli._common import out_dir

    for dest, flag in (("date_from", "--from"), ("date_to", "--to"), ("period", "--period"),
                       ("dimension", "--dimension"), ("excel", "--excel")):
        if getattr(a, dest):
            raise InputError(f"{flag} : ne s'applique pas à liasse (--year)", field=None)
    if a.year is None:
        raise InputError("obligatoire pour liasse (AAAA)", field="year")
    books = api.open_books(a.db)
    from ecp.api.statutory import LIASSE, LIASSE_README

    folder = out_dir(books, a, [name for name, *_ in LIASSE] + [LIASSE_README], "*.csv")
    assert folder is not None  # --out is required
    res = api.export_liasse(books, a.year, Path(folder), a.model, a.force)
    print(f"Liasse {a.year} écrite : {res.folder} ({len(res.files) - 1} tableaux CSV "
          f"et {res.files[-1].name}), {res.choice.note()}")
    print("XML SIMPL-IS non écrit : la codification des cellules (codeEdi) de la DGI n'a pas "
          "pu être sourcée (voir LISEZMOI.txt)")
    return 0


def _count(n: int, word: str) -> str:
    return f"{n} {word}{'s' if n > 1 else ''}"


def cmd_export_filing(a: argparse.Namespace) -> int:
    """The relevé des déductions (a month or a quarter) or the délais de paiement (a
    quarter): the XML at ``--out`` and its CSV twin beside it."""
    from ecp.kernel.periods import Period

    for dest, flag in (("date_from", "--from"), ("date_to", "--to"),
                       ("dimension", "--dimension"), ("excel", "--excel")):
        if getattr(a, dest):
            raise InputError(f"{flag} : ne s'applique pas à {a.what} (--period)", field=None)
    if a.period is None:
        raise InputError(f"obligatoire pour {a.what} (AAAA-MM ou AAAA-Qn)", field="period")
    period = Period.parse(a.period)
    books = api.open_books(a.db)
    out = out_path(books, a, make_parent=False)
    assert out is not None  # --out is required
    if a.what == "releve-deductions":
        rel = api.export_releve_deductions(books, period, out, a.force)
        r = rel.releve
        print(f"Relevé des déductions {r.label} écrit : {rel.xml} "
              f"({_count(len(r.rows), 'ligne')})")
        print(f"CSV : {rel.csv}")
        print(f"Total HT {fmt_fr(r.mht)} DH, TVA déductible {fmt_fr(r.tva)} DH, "
              f"TTC {fmt_fr(r.ttc)} DH")
        warnings = r.warnings
    else:
        dl = api.export_delais_paiement(books, period, out, a.force)
        d = dl.delais
        sup, cli = d.side("fournisseur"), d.side("client")
        print(f"Délais de paiement {d.label} (situation au {d.as_of.isoformat()}) écrits : "
              f"{dl.xml} ({_count(len(sup), 'facture')} fournisseurs)")
        print(f"CSV : {dl.csv} (fournisseurs et clients)")
        for side, rows in (("fournisseur", sup), ("client", cli)):
            ttc, unpaid, late = d.totals(side)
            print(f"{'Fournisseurs' if side == 'fournisseur' else 'Clients (CSV seulement)'} "
                  f": {_count(len(rows), 'facture')}, TTC {fmt_fr(ttc)} DH, non encore payé "
                  f"{fmt_fr(unpaid)} DH, payé hors délai {fmt_fr(late)} DH")
        warnings = d.warnings
    for w in warnings:
        print(f"Attention : {w}")
    return 0


def register(sub: Any) -> None:
    ex = sub.add_parser("export", help="exports pour l'auditeur, déclarations à la DGI "
                        "(relevé des déductions, délais de paiement)")
    ex.add_argument("what", choices=WHAT, help="ce qui est exporté")
    add_out(ex, required=True)
    add_period(ex)
    ex.add_argument("--period", metavar="AAAA-MM|AAAA-Qn",
                    help="releve-deductions : un mois ou un trimestre ; delais-paiement : "
                         "un trimestre")
    ex.add_argument("--dimension", help="un membre (ou ECP)")
    ex.add_argument("--year", type=_year, metavar="AAAA",
                    help="liasse : l'exercice (un CSV par tableau dans --out DOSSIER)")
    ex.add_argument("--model", choices=("normal", "simplifie"),
                    help="liasse : modèle normal ou simplifié (défaut : selon le chiffre "
                         "d'affaires)")
    ex.add_argument("--excel", action="store_true",
                    help="point-virgule, virgule décimale et BOM pour Excel en français")
    ex.set_defaults(func=cmd_export)
