"""``ecp init``: create or update the books (``--demo`` adds a demonstration ECP)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api


def cmd_init(a: argparse.Namespace) -> int:
    books = api.open_books(a.db, create=True)
    created = api.init(books, a.name)
    where = books.path or books.url
    if books.backup:
        print(f"Sauvegarde avant mise à jour du schéma : {books.backup}")
    print(f"Base {'créée' if created else 'à jour'} : {where}")
    if a.demo:
        from ecp.demo import load_demo

        summary = load_demo(books)
        print(summary)
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("init", help="créer ou mettre à jour la base")
    s.add_argument("--demo", action="store_true", help="ajouter une ECP de démonstration")
    s.add_argument("--name", default="ECP Tanger", help="raison sociale de l'ECP")
    s.set_defaults(func=cmd_init)
