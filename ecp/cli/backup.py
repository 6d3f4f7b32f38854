"""``ecp backup FICHIER``: a consistent copy of the books."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ecp import api


def cmd_backup(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    dest = api.backup(books, Path(a.file))
    print(f"Sauvegarde écrite : {dest}")
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("backup", help="copie cohérente de la base")
    s.add_argument("file", metavar="FICHIER")
    s.set_defaults(func=cmd_backup)
