"""``ecp audit list``: the audit trail — who did what when — with its chain's hashes."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import add_format, add_period
from ecp.reports.render import render

COLUMNS = ["numero", "date_heure", "utilisateur", "action", "objet", "detail"]
HASHES = ["empreinte_precedente", "empreinte"]


def cmd_audit_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    events = api.audit_events(books, a.date_from, a.date_to)
    machine = a.format != "table"
    rows = [(e.id, e.at, e.by, e.what, e.subject, e.detail,
             *((e.prev_hash, e.hash) if machine else ())) for e in events]
    print(render(COLUMNS + (HASHES if machine else []), rows, a.format, right=["numero"]))
    if not machine:
        print(f"{len(events)} événement(s) ; tête de la piste : {api.audit_head(books)}")
    return 0


def register(sub: Any) -> None:
    au = sub.add_parser("audit", help="piste d'audit : qui a fait quoi, quand").add_subparsers(
        dest="sub", required=True)
    s = au.add_parser("list", help="lister les événements de la piste d'audit")
    add_period(s)
    add_format(s)
    s.set_defaults(func=cmd_audit_list)
