"""The command line of the member's economy: contribution, payouts, member balances,
statements and the month-end checklist."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from typing import Any

from ecp import api
from ecp.cli._common import FORMATS, add_out, month_arg, out_dir, out_path
from ecp.cli.statutory import _year
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr, fmt_plain, parse
from ecp.kernel.periods import Month
from ecp.kernel.units import fmt_rate
from ecp.reports.render import render

Fmt = Callable[[argparse.ArgumentParser], None]


def _amt(cents: int, fmt: str) -> str:
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


def cmd_contribution_run(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    lines = api.contribution_run(books, a.month)
    rows = [(c.member, fmt_fr(c.base), f"{c.rate_bp / 100:g} %".replace(".", ","),
             fmt_fr(c.due), fmt_fr(c.posted_now), c.entry or "") for c in lines]
    print(render(["membre", "base HT", "taux", "due", "passée maintenant", "écriture"], rows,
                 "table", right=["base HT", "due", "passée maintenant"]))
    posted = sum(c.posted_now for c in lines)
    print(f"Contribution {a.month} : {fmt_fr(posted)} DH passés" if posted else
          f"Contribution {a.month} : déjà à jour, rien de passé")
    return 0


def cmd_payout_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    res = api.add_payout(
        books, a.member,
        parse(a.amount, "montant", field="amount") if a.amount is not None else None,
        a.date, a.method, a.advance, a.reason or "",
        gross=parse(a.gross, "brut", field="gross") if a.gross is not None else None,
        invoice_ref=a.invoice_ref or "",
        repay_monthly=parse(a.repay_monthly, "remboursement mensuel", field="repay_monthly")
        if a.repay_monthly is not None else None)
    what = {"avance": "Avance de solidarité", "salaire": "Salaire",
            "honoraires": "Honoraires"}.get(res.kind, "Versement")
    print(f"{what} {res.number} : {fmt_fr(res.voucher.amount)} DH à {res.voucher.member.code} "
          f"(écriture {res.entry}) ; disponible avant : "
          f"{fmt_fr(res.voucher.available_before)} DH")
    slip = res.payslip
    if slip is not None:
        rows = [("Salaire brut", slip.gross)]
        rows += [(f"{ln.label} ({fmt_rate(ln.rate_bp)})", -ln.amount)
                 for ln in slip.employee]
        rows += [("Frais professionnels", slip.professional_expenses),
                 ("Revenu net imposable", slip.taxable), ("IR retenu", -slip.ir),
                 ("Salaire net", slip.net), ("Charges patronales", slip.employer_total),
                 ("Coût total", slip.cost)]
        print(f"Bulletin de paie (écriture de paie {res.other_entry})")
        print(render(["rubrique", "montant"], [(k, fmt_fr(v)) for k, v in rows], "table",
                     right=["montant"]))
        for w in slip.warnings:
            print(f"Attention : {w}")
    elif res.kind == "honoraires":
        print(f"Facture n° {a.invoice_ref} enregistrée (écriture {res.other_entry})")
    if res.withheld:
        print(f"Remboursement d'avance retenu : {fmt_fr(res.withheld)} DH")
    doc = "Bulletin" if slip is not None else "Bon"
    print(f"{doc} : {api.payout_pdf(books, res.number)}")
    return 0


def cmd_advance_repay(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    amount = parse(a.amount, "montant", field="amount")
    ref = api.repay_advance(books, a.member, amount, a.date, a.method)
    left = api.advance_outstanding(books, a.member, a.date)
    print(f"Remboursement d'avance de {a.member.strip().upper()} : {fmt_fr(amount)} DH "
          f"(écriture {ref}) ; reste dû : {fmt_fr(left)} DH")
    return 0


def cmd_payout_pdf(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    print(f"Bon : {api.payout_pdf(books, a.number, out_path(books, a))}")
    return 0


def cmd_member_balances(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    from ecp.reports.render import render_table
    from ecp.reports.tables import member_balances_table

    print(render_table(member_balances_table(api.member_balances(books, a.at)), a.format))
    return 0


def _progress(done: int, total: int, member: str) -> None:
    width = 30
    filled = width * done // total
    sys.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {member:<8}")
    if done == total:
        sys.stderr.write("\n")
    sys.stderr.flush()


ANNUAL = "annual"


def _month_or_annual(text: str) -> Any:
    """``statement``'s first argument: a month ``AAAA-MM``, or ``annual`` (then a year)."""
    if text.strip().lower() == ANNUAL:
        return ANNUAL
    try:
        return Month.parse(text)
    except InputError:
        raise argparse.ArgumentTypeError(
            f"« {text[:40]} » : un mois AAAA-MM, ou « annual » suivi de l'exercice") from None


def cmd_statement(a: argparse.Namespace) -> int:
    if a.month == ANNUAL:
        return cmd_annual_statement(a)
    if a.year is not None:
        raise InputError(f"{a.year} inattendu après un mois (relevé annuel : statement "
                         "annual AAAA)", field="year", code="year.unexpected")
    if a.format is not None:
        raise InputError("seulement pour le relevé annuel (statement annual AAAA)",
                         field="format", code="format.annual_only")
    books = api.open_books(a.db)
    label = str(a.month)
    names = [f"releve-{label}-{a.member.strip().upper()}.pdf"] if a.member else None
    folder = out_dir(books, a, names, f"releve-{label}-*.pdf")
    paths = api.write_statements(books, a.month, folder,
                                 [a.member] if a.member else None,
                                 progress=_progress if sys.stderr.isatty() else None,
                                 lang=a.language)
    for p in paths:
        print(p)
    print(f"{len(paths)} relevé(s) {a.month}")
    return 0


def cmd_annual_statement(a: argparse.Namespace) -> int:
    """``ecp statement annual AAAA [--member M] [--out DOSSIER] [--format F]``: the members'
    attestations of the fiscal year, archived (progress on stderr); with ``--format``, their
    figures printed instead, no PDF."""
    if a.year is None:
        raise InputError("obligatoire après « annual » (statement annual AAAA)", field="year",
                         code="year.required")
    books = api.open_books(a.db)
    members = [a.member] if a.member else None
    if a.format is not None:
        if a.out is not None:
            raise InputError("un dossier pour les PDF : sans --format (avec --format, les "
                             "montants s'impriment ici)", field="out", code="out.with_format")
        from ecp.reports.annual import annual_table
        from ecp.reports.render import render_table
        print(render_table(annual_table(api.annual_statements(books, a.year, members)),
                           a.format))
        return 0
    stem = f"attestation-{a.year}"
    names = [f"{stem}-{a.member.strip().upper()}.pdf"] if a.member else None
    folder = out_dir(books, a, names, f"{stem}-*.pdf")
    paths = api.write_annual_statements(books, a.year, folder, members,
                                        progress=_progress if sys.stderr.isatty() else None,
                                        lang=a.language)
    for p in paths:
        print(p)
    print(f"{len(paths)} relevé(s) annuel(s), exercice {a.year}")
    return 0


def cmd_month_close(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)

    def show(step: Any) -> None:
        print(f"{'✓' if step.ok else '✗'} {step.name} : {step.detail}", flush=True)

    steps = api.month_close(books, a.month, progress=_progress if sys.stderr.isatty() else None,
                            on_step=show)
    if steps and steps[-1].ok and steps[-1].name == "clôture":
        print(f"Mois {a.month} clôturé")
        return 0
    print(f"ecp : clôture de {a.month} arrêtée à l'étape « {steps[-1].name} »", file=sys.stderr)
    return 1


def register(sub: Any, parser_class: type[argparse.ArgumentParser], fmt: Fmt,
             date: Callable[[str], Any]) -> None:
    def group(name: str, help_: str) -> Any:
        return sub.add_parser(name, help=help_).add_subparsers(
            dest="sub", required=True, parser_class=parser_class)

    g = group("contribution", "contribution aux services partagés")
    s = g.add_parser("run")
    s.add_argument("month", metavar="AAAA-MM", type=month_arg)
    s.set_defaults(func=cmd_contribution_run)

    g = group("payout", "versements aux membres")
    s = g.add_parser("add")
    s.add_argument("--member", required=True)
    how = s.add_mutually_exclusive_group(required=True)
    how.add_argument("--amount", metavar="NET",
                     help="net à payer (salarié), facture TTC (indépendant) ou avance")
    how.add_argument("--gross", metavar="BRUT", help="salaire brut (salarié)")
    s.add_argument("--date", required=True, type=date)
    s.add_argument("--method", choices=["virement", "especes"], default="virement")
    s.add_argument("--advance", action="store_true", help="avance de solidarité (motif requis)")
    s.add_argument("--reason")
    s.add_argument("--repay-monthly", dest="repay_monthly", metavar="MONTANT",
                   help="remboursement mensuel de l'avance (le quart par défaut)")
    s.add_argument("--invoice-ref", dest="invoice_ref", metavar="N",
                   help="numéro de la facture du membre indépendant")
    s.set_defaults(func=cmd_payout_add)
    s = g.add_parser("pdf")
    s.add_argument("number")
    add_out(s)
    s.set_defaults(func=cmd_payout_pdf)

    g = group("advance", "avances de solidarité")
    s = g.add_parser("repay", help="remboursement d'une avance par le membre")
    s.add_argument("--member", required=True)
    s.add_argument("--amount", required=True)
    s.add_argument("--date", required=True, type=date)
    s.add_argument("--method", choices=["virement", "especes"], default="virement")
    s.set_defaults(func=cmd_advance_repay)

    s = sub.add_parser("statement", help="relevés mensuels des membres (PDF) ; "
                       "« statement annual AAAA » : relevés annuels (attestations)")
    s.add_argument("month", metavar="AAAA-MM|annual", type=_month_or_annual,
                   help="le mois, ou « annual » suivi de l'exercice")
    s.add_argument("year", metavar="AAAA", type=_year, nargs="?",
                   help="l'exercice du relevé annuel")
    s.add_argument("--member")
    s.add_argument("--language", choices=["fr", "ar"],
                   help="langue des PDF (par défaut : celle de chaque membre)")
    s.add_argument("--format", choices=FORMATS,
                   help="relevé annuel : les montants en table, csv ou json, sans PDF")
    add_out(s, "DOSSIER")
    s.set_defaults(func=cmd_statement)

    g = group("month", "fin de mois")
    steps = ("mois précédents clôturés, brouillons datés dans le mois (émettre ou supprimer), "
             "contributions, TVA, déclarations TVA en attente (pour information), "
             "vérification, relevés, clôture")
    s = g.add_parser("close", help=steps, description=f"Clôture du mois, dans l'ordre : {steps}. "
                     "La liste s'arrête à la première étape en échec et dit quoi faire.")
    s.add_argument("month", metavar="AAAA-MM", type=month_arg)
    s.set_defaults(func=cmd_month_close)


def register_reports(rp: Any, fmt: Fmt, date: Callable[[str], Any]) -> None:
    s = rp.add_parser("member-balances", help="trésorerie disponible de chaque membre")
    s.add_argument("--at", type=date)
    fmt(s)
    s.set_defaults(func=cmd_member_balances)
