"""``ecp report trial-balance|ledger|journal`` (the ledger's reports; the domain modules add
theirs to ``ecp report``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ecp import api
from ecp.cli._common import add_format, add_period, amt, dc
from ecp.reports.render import render

if TYPE_CHECKING:
    from ecp.ledger.queries import TrialBalance


def cmd_trial_balance(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    tb = api.trial_balance(books, a.date_from, a.date_to, a.dimension)
    print(render_trial_balance(tb, a.format))
    return 0


def render_trial_balance(tb: TrialBalance, fmt: str) -> str:
    """The table of ecp.reports.tables (the Balance screen shows the same one)."""
    from ecp.reports.render import render_table
    from ecp.reports.tables import trial_balance_table

    return render_table(trial_balance_table(tb), fmt)


def cmd_ledger(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    fmt = a.format
    cols = ["compte", "date", "ecriture", "libelle", "reference", "dimension", "tiers",
            "echeance", "debit", "credit", "solde"]
    out: list[list[str | int | None]] = []
    with api.postings(books, date_from=a.date_from, date_to=a.date_to, dimension=a.dimension,
                      account=a.account, order="ledger") as rows:
        # Running balance per account, starting from the balance before the period.
        current = None
        running = 0
        tb = api.trial_balance(books, a.date_from, a.date_to, a.dimension) if a.date_from \
            else None
        opening = {r.account: r.opening_debit - r.opening_credit for r in tb.rows} if tb else {}
        for r in rows:
            if r.account != current:
                current = r.account
                running = opening.get(r.account, 0)
            running += r.amount
            out.append([r.account, r.day, r.entry, r.label, r.reference, r.dimension,
                        r.third_party, r.due, dc(max(r.amount, 0), fmt),
                        dc(max(-r.amount, 0), fmt), amt(running, fmt)])
    print(render(cols, out, fmt, right=["debit", "credit", "solde"]))
    return 0


def cmd_journal(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    fmt = a.format
    cols = ["journal", "ecriture", "date", "libelle", "reference", "compte", "dimension",
            "debit", "credit"]
    out: list[list[str | int | None]] = []
    journal = a.journal.upper() if a.journal else None
    with api.postings(books, date_from=a.date_from, date_to=a.date_to,
                      journal=journal, dimension=a.dimension) as rows:
        for r in rows:
            out.append([r.journal, r.entry, r.day, r.label, r.reference, r.account, r.dimension,
                        dc(max(r.amount, 0), fmt), dc(max(-r.amount, 0), fmt)])
    print(render(cols, out, fmt, right=["debit", "credit"]))
    return 0


def register(sub: Any) -> Any:
    """``ecp report``; returns its sub-commands, where the domain modules add their reports."""
    return sub.add_parser("report", help="états").add_subparsers(dest="sub", required=True)


def register_ledger_reports(rp: Any) -> None:
    s = rp.add_parser("trial-balance", help="balance générale")
    add_period(s)
    s.add_argument("--dimension", help="un membre (ou ECP)")
    add_format(s)
    s.set_defaults(func=cmd_trial_balance)
    s = rp.add_parser("ledger", help="grand livre")
    s.add_argument("--account", help="un compte (et ses sous-comptes)")
    s.add_argument("--dimension", help="un membre (ou ECP)")
    add_period(s)
    add_format(s)
    s.set_defaults(func=cmd_ledger)
    s = rp.add_parser("journal", help="journal")
    s.add_argument("--journal", help="VT, AC, BQ, CA, OD ou AN")
    s.add_argument("--dimension", help="un membre (ou ECP)")
    add_period(s)
    add_format(s)
    s.set_defaults(func=cmd_journal)
