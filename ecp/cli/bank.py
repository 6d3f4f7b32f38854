"""The command line of bank statements: profiles, import, lines, matching, rules and the
reconciliation report."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ecp.cli._common import id_arg
from ecp.kernel.money import fmt_fr, fmt_plain

# The kinds of match ``ecp.sales.bank_match.MatchKind`` knows (kept here: building the parser
# imports no database layer).
MATCH_KINDS = ("facture", "dépense", "versement", "écriture", "règle")

Fmt = Callable[[argparse.ArgumentParser], None]


def render(cols: list[str], rows: Any, fmt: str, right: list[str] | None = None) -> str:
    from ecp.reports.render import render as _render
    return _render(cols, rows, fmt, right=right)


def _amt(cents: int, fmt: str) -> str:
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


def cmd_profile_add(a: argparse.Namespace) -> int:
    from ecp import api
    from ecp.ledger.bank import Profile
    books = api.open_books(a.db)
    sep = "\t" if a.sep in ("\\t", "tab") else a.sep
    api.bank_profile_add(books, Profile(a.name, a.date_col, a.label_col, a.amount_col,
                                        a.debit_col, a.credit_col, a.date_format, a.decimal,
                                        sep, a.encoding, a.skip))
    print(f"Profil {a.name} enregistré")
    return 0


def cmd_profile_list(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    rows = [(p.name, p.date_col, p.label_col, p.amount_col or "", p.debit_col or "",
             p.credit_col or "", p.date_format, p.decimal, "tab" if p.sep == "\t" else p.sep,
             p.encoding, p.skip) for p in api.bank_profiles(books)]
    print(render(["nom", "date", "libelle", "montant", "debit", "credit", "format_date",
                  "decimale", "separateur", "encodage", "entete"], rows, a.format))
    return 0


def cmd_import(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    res = api.bank_import(books, Path(a.path).expanduser(), a.account, a.profile)
    print(f"{res.read} ligne(s) lue(s), {res.added} ajoutée(s), {res.duplicates} déjà "
          "présente(s)")
    return 0


def cmd_lines(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    f = a.format
    rows = [(ln.id, ln.account, ln.day.isoformat(), _amt(ln.amount, f), ln.label,
             "rapprochée" if ln.status == "matched" else "en attente", ln.match)
            for ln in api.bank_lines(books, a.unmatched)]
    print(render(["id", "compte", "date", "montant", "libelle", "etat", "rapprochement"], rows,
                 f, right=["montant"]))
    return 0


def cmd_match(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    if a.auto:
        res = api.bank_auto(books)
        for line_id, match, entry in res.accepted:
            print(f"ligne {line_id} → {match} (écriture {entry})")
        print(f"{len(res.accepted)} ligne(s) rapprochée(s), {res.left} en attente")
        return 0
    for ln in api.bank_lines(books, unmatched=True):
        print(f"ligne {ln.id} {ln.day.isoformat()} {fmt_fr(ln.amount):>12} {ln.label}")
        sugg = api.bank_suggestions(books, ln.id)
        for s in sugg[:5]:
            print(f"    {'=' if s.exact else '~'} {s.kind} {s.ref} : {s.label} "
                  f"({fmt_fr(s.amount)} DH)  → ecp bank accept {ln.id} {s.kind} {s.ref}")
        if not sugg:
            print("    aucune proposition (règle : ecp bank rule add MOTIF --account COMPTE)")
    return 0


def cmd_suggest(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    f = a.format
    rows = [("=" if s.exact else "~", s.kind, s.ref, s.label, _amt(s.amount, f), s.score)
            for s in api.bank_suggestions(books, a.line_id)]
    print(render(["exact", "type", "reference", "libelle", "montant", "score"], rows, f,
                 right=["montant", "score"]))
    return 0


def cmd_accept(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    entry = api.bank_accept(books, a.line_id, a.kind, a.ref)
    print(f"Ligne {a.line_id} rapprochée de {a.kind} {a.ref} (écriture {entry})")
    return 0


def cmd_rule_add(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    rid = api.bank_rule_add(books, a.pattern, a.account, a.dimension, a.label or "")
    print(f"Règle {rid} : libellé contient « {a.pattern} » → {a.account}")
    return 0


def cmd_rule_list(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    rows = [(r.id, r.pattern, r.account, r.dimension, r.label) for r in api.bank_rules(books)]
    print(render(["id", "motif", "compte", "dimension", "libelle"], rows, a.format,
                 right=["id"]))
    return 0


def cmd_reconciliation(a: argparse.Namespace) -> int:
    from ecp import api
    books = api.open_books(a.db)
    rec = api.bank_reconciliation(books, a.account, a.at)
    f = a.format
    rows = [(d.side, d.day.isoformat(), d.label, _amt(d.amount, f), d.ref)
            for d in rec.differences]
    if f == "table":
        print(f"Rapprochement {rec.account} au {rec.at.isoformat()} : relevé "
              f"{fmt_fr(rec.statement)} DH, grand livre {fmt_fr(rec.ledger)} DH, écart "
              f"{fmt_fr(rec.gap)} DH" + (" — aucun écart" if rec.gap == 0 and not rows else ""))
        if rows:
            print("Ce qui explique l'écart :")
    print(render(["cote", "date", "libelle", "montant", "reference"], rows, f,
                 right=["montant"]))
    if f == "table" and rec.explained != rec.gap:
        print(f"Écart non expliqué : {fmt_fr(rec.gap - rec.explained)} DH", file=sys.stderr)
        return 1
    return 0


def register(sub: Any, parser_class: type[argparse.ArgumentParser], fmt: Fmt,
             date: Callable[[str], Any]) -> None:
    g = sub.add_parser("bank", help="relevés bancaires").add_subparsers(
        dest="sub", required=True, parser_class=parser_class)
    pr = g.add_parser("profile").add_subparsers(dest="sub2", required=True,
                                                parser_class=parser_class)
    s = pr.add_parser("add")
    s.add_argument("name")
    s.add_argument("--date-col", type=int, required=True)
    s.add_argument("--label-col", type=int, required=True)
    s.add_argument("--amount-col", type=int)
    s.add_argument("--debit-col", type=int)
    s.add_argument("--credit-col", type=int)
    s.add_argument("--date-format", default="%d/%m/%Y")
    s.add_argument("--decimal", default=",")
    s.add_argument("--sep", default=";")
    s.add_argument("--encoding", default="cp1252")
    s.add_argument("--skip", type=int, default=1, help="lignes d'en-tête")
    s.set_defaults(func=cmd_profile_add)
    s = pr.add_parser("list")
    fmt(s)
    s.set_defaults(func=cmd_profile_list)
    s = g.add_parser("import")
    s.add_argument("path", metavar="file")
    s.add_argument("--account", default="5141")
    s.add_argument("--profile", default="maroc")
    s.set_defaults(func=cmd_import)
    s = g.add_parser("lines")
    s.add_argument("--unmatched", action="store_true")
    fmt(s)
    s.set_defaults(func=cmd_lines)
    s = g.add_parser("match")
    s.add_argument("--auto", action="store_true",
                   help="n'accepter que les correspondances exactes et sans ambiguïté")
    s.set_defaults(func=cmd_match)
    s = g.add_parser("suggest", help="les correspondances proposées pour une ligne")
    s.add_argument("line_id", metavar="line", type=id_arg)
    fmt(s)
    s.set_defaults(func=cmd_suggest)
    s = g.add_parser("accept")
    s.add_argument("line_id", metavar="line", type=id_arg)
    s.add_argument("kind", choices=MATCH_KINDS)
    s.add_argument("ref")
    s.set_defaults(func=cmd_accept)
    ru = g.add_parser("rule").add_subparsers(dest="sub2", required=True,
                                             parser_class=parser_class)
    s = ru.add_parser("add")
    s.add_argument("pattern", metavar="MOTIF")
    s.add_argument("--account", required=True)
    s.add_argument("--dimension")
    s.add_argument("--label")
    s.set_defaults(func=cmd_rule_add)
    s = ru.add_parser("list", help="les règles de rapprochement")
    fmt(s)
    s.set_defaults(func=cmd_rule_list)


def register_reports(rp: Any, fmt: Fmt, date: Callable[[str], Any]) -> None:
    s = rp.add_parser("bank-reconciliation", help="relevé bancaire et grand livre")
    s.add_argument("--account", default="5141")
    s.add_argument("--at", type=date)
    fmt(s)
    s.set_defaults(func=cmd_reconciliation)
