"""``ecp report trial-balance|ledger|journal|dashboard`` (the ledger's reports and the TUI's
Tableau de bord; the domain modules add theirs to ``ecp report``)."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from ecp import api
from ecp.cli._common import add_format, add_period, amt, date_arg, dc
from ecp.reports.render import render
from ecp.reports.vat_pending import periods_text, to_declare, to_pay

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


def cmd_dashboard(a: argparse.Namespace) -> int:
    """The figures of the TUI's Tableau de bord (F1): the balances as they stand."""
    books = api.open_books(a.db)
    d = api.dashboard(books, a.today)
    f = a.format
    rows: list[tuple[str, str]] = [
        (f"tresorerie_{code}" if f != "table" else f"Trésorerie {code} — {name}",
         amt(v, f)) for code, name, v in d.cash_by_dimension]
    figures = (("tresorerie", "Trésorerie (banques et caisses)", amt(d.cash_total, f)),
               ("creances_clients", "Créances clients", amt(d.receivables, f)),
               ("dettes_fournisseurs", "Dettes fournisseurs", amt(d.payables, f)),
               ("tva_exigible", "TVA facturée exigible (4455)", amt(d.vat_collected, f)),
               ("tva_en_attente", "TVA sur factures non encaissées (44551)",
                amt(d.vat_pending, f)),
               ("tva_recuperable", "TVA récupérable (34552, 34554)", amt(d.vat_deductible, f)),
               ("tva_nette", "TVA nette (exigible - récupérable)",
                amt(d.vat_collected - d.vat_deductible, f)),
               ("ecritures_du_mois", f"Écritures de {d.month}", str(d.entries_this_month)),
               ("ecritures_total", "Écritures au total", str(d.entries_total)))
    # the VAT cycle, as the Tableau de bord shows it after the net VAT: the periods to
    # declare, to pay (and how much)
    pending = api.vat_status(books, a.today)
    declare, unpaid = to_declare(pending), to_pay(pending)
    owed = amt(sum(p.amount for p in unpaid), f)
    if f == "table":
        cycle = [(f"TVA à déclarer : {periods_text(declare) or 'aucune'}", ""),
                 (f"TVA à payer : {periods_text([p.period for p in unpaid]) or 'rien'}", owed)]
    else:
        cycle = [("tva_a_declarer", " ".join(declare)),
                 ("tva_a_payer_periodes", " ".join(p.period for p in unpaid)),
                 ("tva_a_payer", owed)]
    for key, label, value in figures:
        rows.append((key if f != "table" else label, value))
        if key == "tva_nette":
            rows += cycle
    table = render(["rubrique", "valeur"], rows, f, right=["valeur"])
    if f != "table":
        print(table)
        return 0
    print(f"Tableau de bord — {d.ecp_name} — {d.month}\n\n{table}")
    last = api.last_verify(books)
    print("\nDernière vérification : " + (
        "jamais lancée" if last is None else
        f"réussie le {last.at.replace('T', ' ')}" if last.ok else
        f"ÉCHEC ({last.findings} anomalies) le {last.at.replace('T', ' ')}"))
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
    s = rp.add_parser("dashboard", help="tableau de bord : trésorerie, créances, TVA")
    s.add_argument("--today", type=date_arg, metavar="D",
                   help="le jour vu comme aujourd'hui : le mois dont on compte les écritures "
                        "(les soldes sont toujours ceux du moment)")
    add_format(s)
    s.set_defaults(func=cmd_dashboard)
