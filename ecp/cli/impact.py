"""``ecp report impact --from D --to D [--format table|csv|json] [--out FICHIER.pdf]
[--anonymised-csv FICHIER]``: the ECP's impact indicators over a period (issue 18,
docs/indicators.md). Without a file the report goes to stdout; ``--out`` writes the one-page
PDF, ``--anonymised-csv`` the observatory's CSV (no name, no code, no birth date, no commune),
and the command says the file is anonymised."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from ecp.cli._common import _forced, add_format, add_out, date_arg, open_books, out_path
from ecp.kernel.errors import InputError


def cmd_impact(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.reports.impact import render_impact

    books = open_books(a)
    if a.out is None and a.anonymised_csv is None:
        print(render_impact(api.impact_report(books, a.date_from, a.date_to), a.format))
        return 0
    if a.format != "table":
        raise InputError("ne s'applique qu'à l'affichage (sans --out ni --anonymised-csv)",
                         field="format")
    pdf = out_path(books, a)
    csv_path = Path(a.anonymised_csv) if a.anonymised_csv is not None else None
    if csv_path is not None:
        if pdf is not None and csv_path.resolve() == pdf.resolve():
            raise InputError("--out et --anonymised-csv désignent le même fichier",
                             field="anonymised_csv")
        try:
            api.check_output(books, csv_path, force=a.force, make_parent=True)
        except InputError as exc:
            raise _as_csv(_forced(exc)) from None
    if pdf is not None:
        api.impact_pdf(books, a.date_from, a.date_to, pdf, force=a.force)
        print(f"PDF écrit : {pdf}")
    if csv_path is not None:
        api.impact_anonymised_csv(books, a.date_from, a.date_to, csv_path, force=a.force)
        print(f"CSV écrit : {csv_path}")
        print(f"{api.ANONYMISED_NOTICE} (identifiant opaque, tranche d'âge, province)")
    return 0


def _as_csv(exc: InputError) -> InputError:
    return InputError(exc.message, field="anonymised_csv", code=exc.code)


def register_reports(report_subparsers: Any) -> None:
    """``ecp report impact``."""
    s = report_subparsers.add_parser(
        "impact", help="indicateurs d'impact d'une période : membres par étape, sexe et âge, "
                       "entrées et sorties, emplois, chiffre d'affaires, accompagnement")
    s.add_argument("--from", dest="date_from", type=date_arg, metavar="D", required=True,
                   help="début de la période (incluse)")
    s.add_argument("--to", dest="date_to", type=date_arg, metavar="D", required=True,
                   help="fin de la période (incluse)")
    add_format(s)
    add_out(s, "FICHIER.pdf")
    s.add_argument("--anonymised-csv", dest="anonymised_csv", metavar="FICHIER",
                   help="CSV anonymisé pour l'observatoire : ni nom, ni code, ni date de "
                        "naissance, ni commune")
    s.set_defaults(func=cmd_impact)
