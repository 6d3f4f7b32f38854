"""Bank statements: profiles, imports, matching, rules, reconciliation."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from sqlalchemy import select

from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.ledger import bank
from ecp.sales import bank_match


def bank_profile_add(books: Books, profile: bank.Profile) -> None:
    with _write(books) as conn:
        bank.save_profile(conn, profile)
        _audit(conn, books, "banque.profil", profile.name)


def bank_profiles(books: Books) -> list[bank.Profile]:
    from ecp.db.models import BankProfile
    with _read(books) as conn:
        return [*bank.READY.values(), *(bank.profile(conn, n) for n in conn.scalars(
            select(BankProfile.name).order_by(BankProfile.name)))]


def bank_import(books: Books, path: Path, account: str = "5141", profile: str = "maroc"
                ) -> bank.ImportResult:
    with _write(books) as conn:
        result = bank.import_statement(conn, path, account, bank.profile(conn, profile))
        _audit(conn, books, "banque.import", path.name,
               f"compte {account}, profil {profile} : {result.added} lignes ajoutées, "
               f"{result.duplicates} déjà là")
        return result


def bank_lines(books: Books, unmatched: bool = False) -> list[bank_match.LineView]:
    with _read(books) as conn:
        return bank_match.lines(conn, unmatched)


def bank_suggestions(books: Books, line_id: int) -> list[bank_match.Suggestion]:
    with _read(books) as conn:
        return bank_match.suggestions(conn, line_id)


def bank_accept(books: Books, line_id: int, kind: bank_match.MatchKind, ref: str,
                user: str | None = None) -> str:
    """Post what the statement line pays (an invoice, an expense, a payout, an entry already
    in the ledger, a rule) and mark it matched; returns the entry's reference."""
    with _write(books) as conn:
        entry = bank_match.accept(conn, line_id, kind, ref, books.who(user))
        _audit(conn, books, "banque.rapprochement", f"ligne {line_id}",
               f"{kind} {ref}, écriture {entry}", user)
        return entry


def bank_auto(books: Books, user: str | None = None) -> bank_match.AutoResult:
    with _write(books) as conn:
        result = bank_match.auto(conn, books.who(user))
        if result.accepted:
            _audit(conn, books, "banque.rapprochement", "automatique",
                   ", ".join(f"ligne {line} : {match}, écriture {entry}"
                             for line, match, entry in result.accepted), user)
        return result


def bank_rule_add(books: Books, pattern: str, account: str, dimension: str | None = None,
                  label: str = "") -> int:
    with _write(books) as conn:
        rule = bank_match.add_rule(conn, pattern, account, dimension, label)
        _audit(conn, books, "banque.regle", f"règle {rule}",
               f"« {pattern} » → {account} {dimension or ''}".rstrip())
        return rule


def bank_rules(books: Books) -> list[bank_match.RuleView]:
    with _read(books) as conn:
        return bank_match.rules(conn)


def bank_reconciliation(books: Books, account: str = "5141", at: dt.date | None = None
                        ) -> bank.Reconciliation:
    with _read(books) as conn:
        return bank.reconcile(conn, account, at or books.today())
