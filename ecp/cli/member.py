"""``ecp member add|edit|list``: the member registry (each member is a ledger dimension)."""

from __future__ import annotations

import argparse
from typing import Any

from ecp import api
from ecp.cli._common import add_format, date_arg
from ecp.kernel.units import parse_percent
from ecp.kernel.vocab import MEMBER_STATUSES
from ecp.reports.render import render


def cmd_member_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rate = parse_percent(a.contribution_rate, "taux de contribution",
                         field="contribution_rate") if a.contribution_rate else None
    m = api.add_member(books, a.code, a.name, a.name_ar, a.activity, rate, a.joined)
    print(f"Membre {m.code} ajouté : {m.name}")
    return 0


def cmd_member_edit(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rate = a.contribution_rate
    m = api.update_member(books, a.code.upper(), name=a.name, name_ar=a.name_ar,
                          activity=a.activity, status=a.status,
                          contribution_rate=parse_percent(rate, "taux de contribution",
                                                          field="contribution_rate")
                          if rate and rate.strip() else None,
                          default_rate=rate is not None and not rate.strip())
    print(f"Membre {m.code} modifié : {m.name} ({m.status})")
    return 0


def cmd_member_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(m.code, m.name, m.name_ar, m.activity, m.joined_on, m.status,
             m.contribution_pct) for m in api.list_members(books, include_ecp=a.all)]
    print(render(["code", "nom", "nom_arabe", "activite", "entree", "statut", "contribution_pct"],
                 rows, a.format))
    return 0


def register(sub: Any) -> Any:
    """``ecp member``; returns its sub-commands, where other modules add theirs."""
    m = sub.add_parser("member", help="registre des membres").add_subparsers(
        dest="sub", required=True)
    s = m.add_parser("add", help="inscrire un membre")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--name", required=True, help="nom")
    s.add_argument("--name-ar", dest="name_ar", help="nom en arabe")
    s.add_argument("--activity", help="activité")
    s.add_argument("--contribution-rate", dest="contribution_rate", metavar="PCT",
                   help="taux de contribution aux services partagés")
    s.add_argument("--joined", type=date_arg, metavar="D", help="date d'entrée")
    s.set_defaults(func=cmd_member_add)
    s = m.add_parser("edit", help="modifier un membre")
    s.add_argument("code", metavar="CODE")
    s.add_argument("--name", help="nom")
    s.add_argument("--name-ar", dest="name_ar", help="nom en arabe")
    s.add_argument("--activity", help="activité")
    s.add_argument("--status", choices=MEMBER_STATUSES, help="statut")
    s.add_argument("--contribution-rate", dest="contribution_rate", metavar="PCT",
                   help="taux de contribution aux services partagés")
    s.set_defaults(func=cmd_member_edit)
    s = m.add_parser("list", help="lister les membres")
    add_format(s)
    s.add_argument("--all", action="store_true", help="inclure la dimension ECP")
    s.set_defaults(func=cmd_member_list)
    return m
