"""``ecp export journal|ledger|trial-balance|hledger``: exports for the auditor."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import add_out, add_period, out_path
from ecp.kernel.money import fmt_fr

WHAT = ("journal", "ledger", "trial-balance", "hledger")


def cmd_export(a: argparse.Namespace) -> int:
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


def register(sub: Any) -> None:
    ex = sub.add_parser("export", help="exports pour l'auditeur")
    ex.add_argument("what", choices=WHAT, help="ce qui est exporté")
    add_out(ex, required=True)
    add_period(ex)
    ex.add_argument("--dimension", help="un membre (ou ECP)")
    ex.add_argument("--excel", action="store_true",
                    help="point-virgule, virgule décimale et BOM pour Excel en français")
    ex.set_defaults(func=cmd_export)
