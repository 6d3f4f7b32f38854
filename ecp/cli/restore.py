"""``ecp restore SAUVEGARDE --to BASE``: a backup folder (``ecp backup``) brought back as
working books, the database and its archive of PDFs."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ecp import api
from ecp.kernel.errors import EcpError, InputError


def cmd_restore(a: argparse.Namespace) -> int:
    try:
        res = api.restore(Path(a.src).expanduser(), Path(a.to), force=a.force)
    except EcpError as exc:
        if exc.code == "restore.exists":  # the command line says how to ask for it
            raise InputError(f"{exc.message} (--force)", field=exc.field,
                             code=exc.code) from None
        raise
    print(f"Sauvegarde restaurée : base {res.database}, {res.pdfs} PDF dans {res.archive}")
    print(f"À vérifier : ecp --db {res.database} verify")
    return 0


def register(sub: Any) -> None:
    s = sub.add_parser("restore", help="remettre en service une sauvegarde (base et archives)",
                       description="Copie la base d'un dossier de sauvegarde (ecp backup) "
                       "vers BASE et ses PDF archivés dans le dossier archives/ à côté. Une "
                       "base existante n'est remplacée qu'avec --force.")
    s.add_argument("src", metavar="SAUVEGARDE", help="dossier écrit par ecp backup")
    s.add_argument("--to", required=True, metavar="BASE",
                   help="chemin de la base restaurée (ses archives vont à côté)")
    s.add_argument("--force", action="store_true",
                   help="remplacer une base (ou un PDF archivé) existant")
    s.set_defaults(func=cmd_restore)
