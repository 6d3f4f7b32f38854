"""``ecp backup DOSSIER``: a consistent copy of the books and of their archive of PDFs."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ecp import api


def cmd_backup(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    res = api.backup(books, Path(a.file).expanduser())
    for problem in res.problems:
        print(f"ecp : attention : {problem}", file=sys.stderr)
    print(f"Sauvegarde écrite : {res.folder} (base {res.database.name} et {res.pdfs} PDF "
          "archivés dans archives/)")
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("backup", help="copie cohérente de la base et de ses archives",
                       description="Écrit le dossier DOSSIER : la base (books.sqlite3) et les "
                       "PDF archivés qu'elle enregistre (archives/), fichiers privés. Le "
                       "dossier se vérifie sur place (ecp --db DOSSIER/books.sqlite3 verify) "
                       "et se remet en service avec ecp restore.")
    s.add_argument("file", metavar="DOSSIER")
    s.set_defaults(func=cmd_backup)
