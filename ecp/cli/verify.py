"""``ecp verify``: recompute the chain and every invariant of the books."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.kernel.chain import ChainHead


def cmd_verify(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    expect = ChainHead.parse(a.expect) if a.expect else None
    rep = api.verify(books, expect)
    for f in rep.findings:
        print(f"ERREUR {f}")
    print(f"{rep.entries} écritures, {rep.lines} lignes vérifiées")
    print(f"Tête de chaîne : {rep.head}")
    if rep.ok:
        print("Vérification réussie : chaîne intacte, écritures équilibrées, numérotation "
              "continue, clôtures respectées, soldes exacts")
        return 0
    print(f"Vérification ÉCHOUÉE : {len(rep.findings)} anomalie(s)")
    return 1


def register(sub: Any) -> None:
    s = sub.add_parser("verify", help="vérifier la chaîne et les invariants")
    s.add_argument("--expect", metavar="NOMBRE:EMPREINTE",
                   help="tête de chaîne conservée hors de la base (ex. par l'auditeur)")
    s.set_defaults(func=cmd_verify)
