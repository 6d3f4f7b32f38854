"""The command line: every operation of the application, for scripts, cron and auditors.

Exit codes: 0 success; 1 a check failed (verify) or an unexpected refusal; 2 bad input, with
one line naming the field or the line and the reason, and nothing written.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from collections.abc import Sequence
from pathlib import Path

from ecp import __version__, api
from ecp.cli.reports_sales import register as register_sales_reports
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import EcpError, InputError, ValidationError
from ecp.kernel.money import fmt_fr, fmt_plain, parse
from ecp.kernel.periods import parse_date, parse_month
from ecp.ledger.entry import LineSpec
from ecp.reports.render import render

FORMATS = ("table", "csv", "json")


# argparse speaks English; what the user reads is French.
_ARGPARSE_FR = [
    (re.compile(r"the following arguments are required: (.*)"), r"obligatoire(s) : \1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"argument(s) non reconnu(s) : \1"),
    (re.compile(r"one of the arguments (.*) is required"), r"requis, l'un de : \1"),
    (re.compile(r"invalid choice: (.*) \(choose from (.*)\)"), r"choix \1 invalide (parmi \2)"),
    (re.compile(r"expected one argument"), "une valeur est attendue"),
    (re.compile(r"invalid \w+ value: (.*)"), r"valeur \1 invalide"),
    (re.compile(r"ambiguous option: (\S+) could match (.*)"), r"option \1 ambiguë (\2)"),
    (re.compile(r"^argument ([^:]+): "), r"\1 : "),
]


class _Parser(argparse.ArgumentParser):
    """argparse that exits 2 with one French line instead of its usage dump."""

    def error(self, message: str) -> None:  # type: ignore[override]
        for pattern, fr in _ARGPARSE_FR:
            message = pattern.sub(fr, message)
        self.exit(2, f"ecp : {message} (voir « {self.prog} --help »)\n")


def _date(text: str) -> dt.date:
    try:
        return parse_date(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _amt(cents: int, fmt: str) -> str:
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


def _dc(cents: int, fmt: str) -> str:
    return "" if cents == 0 else _amt(cents, fmt)


def _parse_line(text: str, n: int) -> LineSpec:
    """``COMPTE:DIMENSION:MONTANT[:TIERS[:ECHEANCE]]``."""
    parts = text.split(":", 4)
    if len(parts) < 3 or not parts[0].strip() or not parts[1].strip():
        raise InputError(f"--line {n} : « {text} » attendu COMPTE:DIMENSION:MONTANT"
                         "[:TIERS[:ECHEANCE]]")
    acc, dim, amount = parts[:3]
    third = parts[3].strip() if len(parts) > 3 and parts[3].strip() else None
    due = parse_date(parts[4], f"--line {n}, échéance") if len(parts) > 4 else None
    return LineSpec(acc.strip(), dim.strip().upper(), parse(amount, f"--line {n}, montant"),
                    third, due)


# --- commands --------------------------------------------------------------------------------

def cmd_init(a: argparse.Namespace) -> int:
    books = api.open_books(a.db, create=True)
    created = api.init(books, a.name)
    where = books.path or books.url
    if books.backup:
        print(f"Sauvegarde avant mise à jour du schéma : {books.backup}")
    print(f"Base {'créée' if created else 'à jour'} : {where}")
    if a.demo:
        from ecp.demo import load_demo

        summary = load_demo(books)
        print(summary)
    return 0


def cmd_member_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    joined = a.joined
    m = api.add_member(books, a.code, a.name, a.name_ar, a.activity, a.contribution_rate,
                       joined)
    print(f"Membre {m.code} ajouté : {m.name}")
    return 0


def cmd_member_edit(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    m = api.update_member(books, a.code.upper(), name=a.name, name_ar=a.name_ar,
                          activity=a.activity, status=a.status,
                          contribution_rate=a.contribution_rate)
    print(f"Membre {m.code} modifié : {m.name} ({m.status})")
    return 0


def cmd_member_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(m.code, m.name, m.name_ar, m.activity, m.joined_on, m.status,
             m.contribution_pct) for m in api.list_members(books, include_ecp=a.all)]
    print(render(["code", "nom", "nom_arabe", "activite", "entree", "statut", "contribution_pct"],
                 rows, a.format))
    return 0


def cmd_account_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(x.code, x.name, x.cls, x.parent, "oui" if x.internal else "",
             "oui" if x.used else "") for x in api.list_accounts(books)]
    print(render(["code", "nom", "classe", "parent", "interne", "mouvemente"], rows, a.format))
    return 0


def cmd_account_add(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    x = api.add_account(books, a.code, a.name)
    print(f"Compte {x.code} « {x.name} » ouvert sous {x.parent}")
    return 0


def cmd_entry_post(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    lines = [_parse_line(t, i) for i, t in enumerate(a.line, 1)]
    posted = api.post_entry(books, a.journal, a.date, a.label, lines, a.ref or "")
    print(posted.ref)
    return 0


def cmd_entry_reverse(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    posted = api.reverse_entry(books, a.number, a.date)
    print(posted.ref)
    return 0


def cmd_period_close(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    head = api.close_period(books, parse_month(a.month))
    print(f"Mois {a.month} clôturé. Tête de chaîne : {head}")
    return 0


def cmd_period_reopen(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    head = api.reopen_period(books, parse_month(a.month), a.reason)
    print(f"Mois {a.month} rouvert (motif consigné). Tête de chaîne : {head}")
    return 0


def cmd_period_list(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    rows = [(e.month, "clôture" if e.action == "close" else "réouverture", e.at, e.actor,
             e.reason, str(e.head)) for e in api.period_events(books)]
    print(render(["mois", "action", "le", "par", "motif", "tete_de_chaine"], rows, a.format))
    return 0


def cmd_trial_balance(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    tb = api.trial_balance(books, a.date_from, a.date_to, a.dimension)
    print(_render_trial_balance(tb, a.format))
    return 0


def _render_trial_balance(tb: object, fmt: str) -> str:
    from ecp.ledger.queries import TrialBalance

    assert isinstance(tb, TrialBalance)
    cols = ["compte", "intitule", "ouverture_debit", "ouverture_credit", "mouvements_debit",
            "mouvements_credit", "cloture_debit", "cloture_credit"]
    fields = cols[2:]
    attrs = ["opening_debit", "opening_credit", "debit", "credit", "closing_debit",
             "closing_credit"]
    rows: list[list[str | int | None]] = [
        [r.account, r.name, *(_dc(getattr(r, f), fmt) for f in attrs)] for r in tb.rows]
    if fmt == "table":
        rows.append(["TOTAL", "", *(_amt(tb.total(f), fmt) for f in attrs)])
    return render(cols, rows, fmt, right=fields)


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
                        r.third_party, r.due, _dc(max(r.amount, 0), fmt),
                        _dc(max(-r.amount, 0), fmt), _amt(running, fmt)])
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
                        _dc(max(r.amount, 0), fmt), _dc(max(-r.amount, 0), fmt)])
    print(render(cols, out, fmt, right=["debit", "credit"]))
    return 0


def cmd_export(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    res = api.export(books, a.what, Path(a.out), a.date_from, a.date_to, a.dimension, a.excel)
    print(f"Export écrit : {res.path} ({res.rows} lignes, débit {fmt_fr(res.debit)} DH, "
          f"crédit {fmt_fr(res.credit)} DH)")
    print(f"Tête de chaîne : {res.head}")
    if res.manifest:
        print(f"Manifeste : {res.manifest}")
    return 0


def cmd_export_hledger(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    res = api.export_hledger(books, Path(a.out))
    print(f"Journal hledger écrit : {res.path} ({res.rows} écritures)")
    print(f"Tête de chaîne : {res.head}")
    return 0


def cmd_import(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    res = api.import_file(books, Path(a.file))
    print(f"{res.entries} écritures, {res.lines} lignes importées"
          + (f" ({res.first} … {res.last})" if res.first else ""))
    return 0


def cmd_verify(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    expect = None
    if a.expect:
        count, _, h = a.expect.partition(":")
        if not count.isdigit() or len(h) != 64:
            raise InputError("--expect : attendu NOMBRE:EMPREINTE (64 caractères hexadécimaux)")
        expect = ChainHead(int(count), h.lower())
    rep = api.verify(books, expect)
    for f in rep.findings:
        print(f"ERREUR {f}")
    print(f"{rep.entries} écritures, {rep.lines} lignes vérifiées")
    print(f"Tête de chaîne : {rep.head}")
    if rep.ok:
        print("Vérification réussie : chaîne intacte, écritures équilibrées, numérotation "
              "continue, clôtures respectées, soldes exacts")
        return 0
    print(f"Vérification ÉCHOUÉE : {len(rep.findings)} anomalie(s)")
    return 1


def cmd_backup(a: argparse.Namespace) -> int:
    books = api.open_books(a.db)
    dest = api.backup(books, Path(a.file))
    print(f"Sauvegarde écrite : {dest}")
    return 0


def cmd_tui(a: argparse.Namespace) -> int:
    """No command, or ``ecp tui``: the bookkeeper's terminal."""
    if not (sys.stdin.isatty() and sys.stdout.isatty()):
        # A script or a pipe would wait forever on a screen nobody sees.
        raise InputError("l'application s'ouvre dans un terminal ; pour les scripts, "
                         "voir « ecp --help » (ex. ecp report trial-balance)")
    from ecp.tui.app import run

    return run(a.db)


# --- parser ----------------------------------------------------------------------------------

def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ecp", description="Comptabilité, factures et production d'une ECP.")
    p.add_argument("--version", action="version", version=f"ecp {__version__}")
    p.add_argument("--db", help="chemin de la base SQLite ou URL SQLAlchemy (sinon ECP_DB)")
    p.set_defaults(func=cmd_tui)
    sub = p.add_subparsers(dest="command", parser_class=_Parser)

    def fmt(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--format", choices=FORMATS, default="table")

    def period(sp: argparse.ArgumentParser) -> None:
        sp.add_argument("--from", dest="date_from", type=_date, metavar="D")
        sp.add_argument("--to", dest="date_to", type=_date, metavar="D")

    s = sub.add_parser("tui", help="l'application du comptable (par défaut)")
    s.set_defaults(func=cmd_tui)

    s = sub.add_parser("init", help="créer ou mettre à jour la base")
    s.add_argument("--demo", action="store_true", help="ajouter une ECP de démonstration")
    s.add_argument("--name", default="ECP Tanger", help="raison sociale de l'ECP")
    s.set_defaults(func=cmd_init)

    m = sub.add_parser("member", help="registre des membres").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    s = m.add_parser("add")
    s.add_argument("code")
    s.add_argument("--name", required=True)
    s.add_argument("--name-ar", dest="name_ar")
    s.add_argument("--activity")
    s.add_argument("--contribution-rate", dest="contribution_rate", metavar="PCT")
    s.add_argument("--joined", type=_date, metavar="D")
    s.set_defaults(func=cmd_member_add)
    s = m.add_parser("edit")
    s.add_argument("code")
    s.add_argument("--name")
    s.add_argument("--name-ar", dest="name_ar")
    s.add_argument("--activity")
    s.add_argument("--status", choices=api.MEMBER_STATUSES)
    s.add_argument("--contribution-rate", dest="contribution_rate", metavar="PCT")
    s.set_defaults(func=cmd_member_edit)
    s = m.add_parser("list")
    fmt(s)
    s.add_argument("--all", action="store_true", help="inclure la dimension ECP")
    s.set_defaults(func=cmd_member_list)

    ac = sub.add_parser("account", help="plan comptable").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    s = ac.add_parser("list")
    fmt(s)
    s.set_defaults(func=cmd_account_list)
    s = ac.add_parser("add")
    s.add_argument("code")
    s.add_argument("name")
    s.set_defaults(func=cmd_account_add)

    en = sub.add_parser("entry", help="écritures").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    s = en.add_parser("post")
    s.add_argument("--journal", required=True)
    s.add_argument("--date", required=True, type=_date)
    s.add_argument("--label", required=True)
    s.add_argument("--ref")
    s.add_argument("--line", action="append", required=True,
                   metavar="COMPTE:DIMENSION:MONTANT[:TIERS[:ECHEANCE]]",
                   help="montant signé en dirhams : positif au débit, négatif au crédit")
    s.set_defaults(func=cmd_entry_post)
    s = en.add_parser("reverse")
    s.add_argument("number")
    s.add_argument("--date", type=_date)
    s.set_defaults(func=cmd_entry_reverse)

    pe = sub.add_parser("period", help="clôture des mois").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    s = pe.add_parser("close")
    s.add_argument("month", metavar="YYYY-MM")
    s.set_defaults(func=cmd_period_close)
    s = pe.add_parser("reopen")
    s.add_argument("month", metavar="YYYY-MM")
    s.add_argument("--reason", required=True)
    s.set_defaults(func=cmd_period_reopen)
    s = pe.add_parser("list")
    fmt(s)
    s.set_defaults(func=cmd_period_list)

    rp = sub.add_parser("report", help="états").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    register_sales_reports(rp)
    s = rp.add_parser("trial-balance")
    period(s)
    s.add_argument("--dimension")
    fmt(s)
    s.set_defaults(func=cmd_trial_balance)
    s = rp.add_parser("ledger")
    s.add_argument("--account")
    s.add_argument("--dimension")
    period(s)
    fmt(s)
    s.set_defaults(func=cmd_ledger)
    s = rp.add_parser("journal")
    s.add_argument("--journal")
    s.add_argument("--dimension")
    period(s)
    fmt(s)
    s.set_defaults(func=cmd_journal)

    ex = sub.add_parser("export", help="exports pour l'auditeur")
    ex.add_argument("what", choices=["journal", "ledger", "trial-balance", "hledger"])
    ex.add_argument("--out", required=True)
    period(ex)
    ex.add_argument("--dimension")
    ex.add_argument("--excel", action="store_true",
                    help="point-virgule, virgule décimale et BOM pour Excel en français")
    ex.set_defaults(func=lambda a: cmd_export_hledger(a) if a.what == "hledger"
                    else cmd_export(a))

    im = sub.add_parser("import", help="imports").add_subparsers(
        dest="sub", required=True, parser_class=_Parser)
    s = im.add_parser("postings")
    s.add_argument("file")
    s.set_defaults(func=cmd_import)

    s = sub.add_parser("verify", help="vérifier la chaîne et les invariants")
    s.add_argument("--expect", metavar="NOMBRE:EMPREINTE",
                   help="tête de chaîne conservée hors de la base (ex. par l'auditeur)")
    s.set_defaults(func=cmd_verify)

    from ecp.cli.sales import register as register_sales
    register_sales(sub, _Parser, fmt, _date)
    from ecp.cli.members import register as register_members
    from ecp.cli.members import register_reports as register_member_reports
    register_members(sub, _Parser, fmt, _date)
    register_member_reports(rp, fmt, _date)
    from ecp.cli import production as cli_production
    cli_production.register(sub, _Parser, fmt, _date)
    cli_production.register_member(m, _date)
    cli_production.register_reports(rp, fmt, _date)
    from ecp.cli import bank as cli_bank
    cli_bank.register(sub, _Parser, fmt, _date)
    cli_bank.register_reports(rp, fmt, _date)

    s = sub.add_parser("backup", help="copie cohérente de la base")
    s.add_argument("file")
    s.set_defaults(func=cmd_backup)
    return p


def _utf8_output() -> None:
    """Output goes out in UTF-8 wherever it goes. A Windows pipe or file defaults to the ANSI
    code page, which cannot write an Arabic name (nor « DH » in every code page)."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if enc not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    _utf8_output()
    parser = build_parser()
    a = parser.parse_args(argv)
    try:
        return int(a.func(a))
    except ValidationError as exc:
        if len(exc.problems) == 1:
            print(f"ecp : {exc.problems[0]}", file=sys.stderr)
        else:
            print(f"ecp : {len(exc.problems)} erreurs, rien n'a été enregistré :", file=sys.stderr)
            for p in exc.problems:
                print(f"  {p}", file=sys.stderr)
        return exc.exit_code
    except EcpError as exc:
        print(f"ecp : {exc}", file=sys.stderr)
        return exc.exit_code
    except KeyboardInterrupt:
        print("ecp : interrompu, rien n'a été enregistré", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
