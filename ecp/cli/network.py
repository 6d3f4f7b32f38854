"""``ecp network report --db URL --db URL … [--from D --to D] [--partial] [--format
table|csv|json] [--out FICHIER]``: the indicators of several ECPs side by side and added up
(issue 18, docs/network.md). Each database is opened read-only, never written; one that fails
is named and stops the report (exit 2) unless ``--partial``. The ECPs are every ``--db`` given
after ``network report``, preceded by the global ``ecp --db`` when there is one (without any,
the books of ECP_DB or the default place alone)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ecp.cli._common import _forced, add_format, add_out, date_arg
from ecp.kernel.errors import InputError
from ecp.kernel.files import private_dir, replace_private


def _urls(a: argparse.Namespace) -> list[str]:
    urls = ([a.db] if a.db else []) + list(a.dbs or [])
    if not urls:
        from ecp.config import resolve_db_url

        urls = [resolve_db_url(None)]
    return urls


def cmd_network_report(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.network import NOTICE, render_network, warnings

    with api.open_network(_urls(a), partial=a.partial) as net:
        out = Path(a.out) if a.out is not None else None
        anonymised = Path(a.anonymised_csv) if a.anonymised_csv is not None else None
        for path in (out, anonymised):
            if path is not None:
                try:
                    api.network_check_output(net, path, force=a.force)
                except InputError as exc:
                    raise _forced(exc) from None
        report = api.network_report(net, a.date_from, a.date_to)
    if anonymised is not None:
        from ecp.reports.impact import ANONYMISED_NOTICE
        from ecp.reports.network import network_anonymised_csv

        private_dir(anonymised.parent)
        replace_private(anonymised, network_anonymised_csv(report).encode("utf-8"))
        print(f"CSV anonymisé du réseau écrit : {anonymised}", file=sys.stderr)
        print(f"ecp : {ANONYMISED_NOTICE}", file=sys.stderr)
    text = render_network(report, a.format)
    for w in warnings(report):
        print(f"ecp : {w}", file=sys.stderr)
    if out is None:
        print(text)
        return 0
    private_dir(out.parent)
    replace_private(out, (text + "\n").encode("utf-8"))
    print(f"Rapport du réseau écrit : {out} ({len(report.present)} ECP lue(s), "
          f"{len(report.missing)} manquante(s))")
    print(NOTICE)
    return 0


def register(sub: Any) -> None:
    """``ecp network report``."""
    n = sub.add_parser("network", help="réseau d'ECP : indicateurs de plusieurs ECP réunis")
    nsub = n.add_subparsers(dest="network_command", metavar="COMMANDE", required=True)
    s = nsub.add_parser(
        "report", help="indicateurs anonymisés et chiffres clés de plusieurs ECP, une colonne "
                       "par ECP et le total du réseau ; chaque base lue en lecture seule")
    s.add_argument("--db", dest="dbs", action="append", metavar="URL",
                   help="base d'une ECP (chemin SQLite ou URL postgresql+psycopg://…), à "
                        "répéter pour chaque ECP du réseau")
    s.add_argument("--from", dest="date_from", type=date_arg, metavar="D",
                   help="début de la période (incluse ; défaut : 1er janvier de la fin)")
    s.add_argument("--to", dest="date_to", type=date_arg, metavar="D",
                   help="fin de la période (incluse ; défaut : aujourd'hui)")
    s.add_argument("--partial", action="store_true",
                   help="continuer sans une base illisible (le rapport la dit manquante)")
    add_format(s)
    add_out(s, "FICHIER")
    s.add_argument("--anonymised-csv", dest="anonymised_csv", metavar="FICHIER",
                   help="une ligne par bénéficiaire de chaque ECP, anonymisée (ni nom, ni date "
                        "de naissance, ni commune), pour l'observatoire")
    s.set_defaults(func=cmd_network_report)
