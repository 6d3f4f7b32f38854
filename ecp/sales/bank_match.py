"""Matching bank statement lines to what they pay: open invoices, supplier bills, payouts, or a
rule the bookkeeper saved. Accepting a match posts exactly what the sales and member modules
post (the invoice's VAT moved included); nothing is posted by guess — an unmatched line waits.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Connection, insert, select, update

from ecp.db.models import (
    Account,
    BankLine,
    BankRule,
    Dimension,
    Document,
    Party,
    Payout,
)
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import fmt_fr
from ecp.kernel.text import CODE, NAME, SHORT, check_text
from ecp.ledger.entry import ECP_DIMENSION, JournalEntry, LineSpec, int_day
from ecp.ledger.posting import post
from ecp.sales import payments
from ecp.sales.documents import settlement

PAYMENT_ACCOUNT = "5141"  # where a virement lands (ecp.sales.payments.CASH_ACCOUNT)

MatchKind = Literal["facture", "dépense", "versement", "écriture", "règle"]
MATCH_KINDS: tuple[MatchKind, ...] = ("facture", "dépense", "versement", "écriture", "règle")


@dataclass(frozen=True)
class Suggestion:
    kind: MatchKind
    ref: str  # invoice number, expense id, payout number, rule id
    label: str
    amount: int  # what it would settle
    score: int
    exact: bool  # the amount is exactly the line's


@dataclass(frozen=True)
class LineView:
    id: int
    account: str
    day: dt.date
    amount: int
    label: str
    status: str
    match: str


def add_rule(conn: Connection, pattern: str, account: str, dimension: str | None,
             label: str = "") -> int:
    p = pattern.strip()
    if len(p) < 2:
        raise InputError("motif : deux caractères au moins (ex. CNSS)", field="pattern")
    check_text(p, "motif", SHORT, field="pattern")
    check_text(account, "compte", 12, field="account")  # accounts.code
    check_text(dimension or "", "dimension", CODE, field="dimension")
    # The default label repeats the pattern: within the column too.
    check_text(label.strip() or f"Relevé : {p}", "libellé", NAME, field="label")
    if conn.scalar(select(Account.code).where(Account.code == account)) is None:
        raise InputError(f"compte : « {account} » inconnu du plan comptable", field="account")
    dim = (dimension or ECP_DIMENSION).strip().upper()
    if conn.scalar(select(Dimension.code).where(Dimension.code == dim)) is None:
        raise InputError(f"dimension : « {dim} » inconnue", field="dimension")
    res = conn.execute(insert(BankRule).values(pattern=p, account=account, dimension=dim,
                                               label=label.strip() or f"Relevé : {p}"))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


@dataclass(frozen=True)
class RuleView:
    id: int
    pattern: str  # the statement line's label contains it
    account: str  # posted against the bank account
    dimension: str
    label: str


def rules(conn: Connection) -> list[RuleView]:
    return [RuleView(r.id, r.pattern, r.account, r.dimension, r.label)
            for r in conn.execute(select(BankRule.__table__).order_by(BankRule.id))]


def lines(conn: Connection, unmatched: bool = False) -> list[LineView]:
    q = select(BankLine.__table__).order_by(BankLine.day, BankLine.id)
    if unmatched:
        q = q.where(BankLine.status == "open")
    return [LineView(r.id, r.account, int_day(r.day), r.amount, r.label, r.status, r.match)
            for r in conn.execute(q)]


def _line(conn: Connection, line_id: int) -> Any:
    r = conn.execute(select(BankLine.__table__).where(BankLine.id == line_id)).first()
    if r is None:
        raise NotFoundError(f"ligne de relevé n° {line_id} introuvable", field="line_id")
    return r


def _words(text: str) -> str:
    return " ".join(text.casefold().replace("-", " ").split())


def suggestions(conn: Connection, line_id: int) -> list[Suggestion]:
    ln = _line(conn, line_id)
    label = _words(ln.label)
    out: list[Suggestion] = []
    if ln.amount > 0:
        for r in conn.execute(select(Document.id, Document.number, Party.code, Party.name)
                              .join(Party, Party.id == Document.customer_id)
                              .where(Document.kind == "facture")):
            left = settlement(conn, r.id).remaining
            if left <= 0:
                continue
            exact = left == ln.amount
            score = 3 * exact + 3 * (_words(r.number) in label or r.number.split("-")[-1]
                                     .lstrip("0") in label.split()) \
                + 2 * (_words(r.name) in label or r.code.casefold() in label.split())
            if score:
                out.append(Suggestion("facture", r.number, f"{r.number} {r.name}",
                                      min(left, ln.amount), score, exact))
    else:
        for e in payments.list_expenses(conn):
            if e.remaining <= 0:
                continue
            exact = e.remaining == -ln.amount
            score = 3 * exact + 2 * (_words(e.supplier_name) in label) \
                + 3 * bool(e.reference and _words(e.reference) in label)
            if score:
                out.append(Suggestion("dépense", str(e.id),
                                      f"dépense {e.id} {e.supplier_name} {e.reference}".strip(),
                                      min(e.remaining, -ln.amount), score, exact))
        taken = set(conn.scalars(select(BankLine.entry_id).where(BankLine.entry_id.is_not(None))))
        names = dict(conn.execute(select(Dimension.code, Dimension.name)).all())
        for p in conn.execute(select(Payout.__table__).where(Payout.method == "virement")):
            if p.entry_id in taken:
                continue
            exact = p.amount == -ln.amount
            score = 3 * exact + 3 * (_words(p.number) in label) \
                + 2 * (_words(names.get(p.member, "")) in label)
            if score:
                out.append(Suggestion("versement", p.number,
                                      f"{p.number} {names.get(p.member, p.member)}", p.amount,
                                      score, exact))
    out += _entries(conn, ln)
    for r in conn.execute(select(BankRule.__table__).order_by(BankRule.id)):
        if _words(r.pattern) in label:
            out.append(Suggestion("règle", str(r.id), f"{r.label} → {r.account} ({r.dimension})",
                                  ln.amount, 4, True))
    return sorted(out, key=lambda s: (-s.score, s.kind, s.ref))


ENTRY_WINDOW_DAYS = 10


def _entries(conn: Connection, ln: Any) -> list[Suggestion]:
    """Entries already in the ledger (typed by hand, posted before the statement came) that
    move the account by exactly the line's amount within a few days, and that no line points
    to: matching one posts nothing, it only points the line to it."""
    from sqlalchemy import func

    from ecp.db.models import Entry, Line
    from ecp.ledger.entry import day_int, entry_ref
    from ecp.ledger.year_close import year_end_entries
    d = int_day(ln.day)
    lo = day_int(d - dt.timedelta(days=ENTRY_WINDOW_DAYS))
    hi = day_int(d + dt.timedelta(days=ENTRY_WINDOW_DAYS))
    taken = select(BankLine.entry_id).where(BankLine.entry_id.is_not(None))
    payouts = select(Payout.entry_id)  # offered as « versement »
    q = (select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number, Entry.label,
                func.sum(Line.amount))
         .join(Line, Line.entry_id == Entry.id)
         .where(Line.account == ln.account, Line.day >= lo, Line.day <= hi,
                Entry.id.not_in(taken), Entry.id.not_in(payouts),
                Entry.id.not_in(year_end_entries()))
         .group_by(Entry.id).having(func.sum(Line.amount) == ln.amount))
    return [Suggestion("écriture", entry_ref(j, y, n), f"{entry_ref(j, y, n)} {lab}",
                       ln.amount, 3, True) for _i, j, y, n, lab, _a in conn.execute(q)]


def accept(conn: Connection, line_id: int, kind: MatchKind, ref: str, user: str) -> str:
    """Post what the line pays and mark it matched; returns the entry's reference."""
    ln = _line(conn, line_id)
    if ln.status != "open":
        raise InputError(f"ligne {line_id} : déjà rapprochée ({ln.match})", field="line_id",
                         code="line.matched")
    day = int_day(ln.day)
    label = ln.label[:100]
    if kind in ("facture", "dépense") and ln.account != PAYMENT_ACCOUNT:
        raise InputError(f"ligne {line_id} : les règlements passent par {PAYMENT_ACCOUNT}",
                         field="kind")
    if kind == "facture":
        if ln.amount <= 0:
            raise InputError(f"ligne {line_id} : une sortie d'argent ne règle pas une facture",
                             field="kind")
        res = payments.add_payment(conn, [ref], ln.amount, day, "virement", user, label)
        entry_id, entry = _entry_id(conn, res.entry), res.entry
    elif kind == "dépense":
        if ln.amount >= 0:
            raise InputError(f"ligne {line_id} : une entrée d'argent ne paie pas une dépense",
                             field="kind")
        entry = payments.pay_expense(conn, _number(ref, "dépense"), day, "virement", user,
                                     -ln.amount)
        entry_id = _entry_id(conn, entry)
    elif kind == "versement":
        p = conn.execute(select(Payout.__table__).where(Payout.number == ref.upper())).first()
        if p is None:
            raise NotFoundError(f"versement « {ref} » introuvable", field="ref")
        if p.amount != -ln.amount:
            raise InputError(f"ligne {line_id} : {fmt_fr(-ln.amount)} DH ≠ versement "
                             f"{p.number} de {fmt_fr(p.amount)} DH", field="ref",
                             code="ref.amount")
        entry_id = p.entry_id
        from ecp.db.models import Entry
        e = conn.execute(select(Entry.journal, Entry.fiscal_year, Entry.number).where(
            Entry.id == entry_id)).one()
        from ecp.ledger.entry import entry_ref
        entry = entry_ref(*e)
    elif kind == "écriture":
        from sqlalchemy import func

        from ecp.db.models import Line
        entry_id = _entry_id(conn, ref.upper())
        moved = conn.scalar(select(func.coalesce(func.sum(Line.amount), 0)).where(
            Line.entry_id == entry_id, Line.account == ln.account))
        if moved != ln.amount:
            raise InputError(f"ligne {line_id} : l'écriture {ref.upper()} mouvemente "
                             f"{ln.account} de {fmt_fr(int(moved or 0))} DH, pas de "
                             f"{fmt_fr(ln.amount)} DH", field="ref", code="ref.amount")
        if conn.scalar(select(BankLine.id).where(BankLine.entry_id == entry_id)):
            raise InputError(f"ligne {line_id} : l'écriture {ref.upper()} est déjà pointée",
                             field="ref", code="ref.taken")
        entry = ref.upper()
    elif kind == "règle":
        r = conn.execute(select(BankRule.__table__).where(
            BankRule.id == _number(ref, "règle"))).first()
        if r is None:
            raise NotFoundError(f"règle n° {ref} introuvable", field="ref")
        posted = post(conn, JournalEntry("BQ", day, f"{r.label} — {ln.label}"[:300], (
            LineSpec(ln.account, r.dimension, ln.amount),
            LineSpec(r.account, r.dimension, -ln.amount)), reference=f"RELEVE-{ln.id}"), user)
        entry_id, entry = posted.id, posted.ref
    else:
        raise InputError(f"type de rapprochement « {kind} » (facture, dépense, versement, "
                         "écriture, règle)", field="kind")
    conn.execute(update(BankLine).where(BankLine.id == ln.id).values(
        status="matched", match=f"{kind} {ref}"[:100], entry_id=entry_id))
    return entry


def _number(ref: str, what: str) -> int:
    if not ref.strip().isdigit():
        raise InputError(f"{what} : « {ref} » n'est pas un numéro", field="ref")
    return int(ref)


def _entry_id(conn: Connection, ref: str) -> int:
    from ecp.db.models import Entry
    from ecp.ledger.entry import parse_entry_ref
    try:
        j, y, n = parse_entry_ref(ref)
    except InputError as exc:
        raise InputError(exc.message, field="ref") from None
    found = conn.scalar(select(Entry.id).where(Entry.journal == j, Entry.fiscal_year == y,
                                               Entry.number == n))
    if found is None:
        raise NotFoundError(f"écriture {ref} introuvable", field="ref")
    return int(found)


@dataclass(frozen=True)
class AutoResult:
    accepted: tuple[tuple[int, str, str], ...]  # (line, match, entry)
    left: int


def auto(conn: Connection, user: str) -> AutoResult:
    """Accept only exact, unambiguous matches: one candidate with exactly the line's amount."""
    done = []
    left = 0
    for ln in lines(conn, unmatched=True):
        exact = [s for s in suggestions(conn, ln.id) if s.exact]
        if len(exact) != 1:
            left += 1
            continue
        s = exact[0]
        entry = accept(conn, ln.id, s.kind, s.ref, user)
        done.append((ln.id, f"{s.kind} {s.ref}", entry))
    return AutoResult(tuple(done), left)
