"""``ecp import postings FICHIER``: entries from a CSV file, all or nothing."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ecp import api


def cmd_import(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    res = api.import_file(books, Path(a.file))
    print(f"{res.entries} écritures, {res.lines} lignes importées"
          + (f" ({res.first} … {res.last})" if res.first else ""))
    return 0


def register(sub: Any) -> Any:
    """``ecp import``; returns its sub-commands."""
    im = sub.add_parser("import", help="imports").add_subparsers(dest="sub", required=True)
    s = im.add_parser("postings", help="écritures d'un fichier CSV")
    s.add_argument("file", metavar="FICHIER")
    s.set_defaults(func=cmd_import)
    return im
