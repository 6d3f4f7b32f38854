"""Customers' credit balances and their refund.

A credit note on an invoice already paid (or more than what it still owed) leaves the customer
with a credit balance on the member's books: their account 34211 (third party = the customer,
dimension = the member) sums below zero. The ledger is the truth here: a credit balance is that
sum, read per member and customer, whatever documents made it.

A refund pays that balance back, posted like a payment in reverse: journal by method (BQ for a
transfer or a cheque, CA for cash), D 34211 (member, customer) / C the cash account (5141 bank,
5161 cash), on the member's dimension, and a ``refunds`` row. It may not exceed the credit
balance at its date, nor the balance of the account as it stands (a later refund already
recorded counts). Cash to a professional customer follows CGI art. 193 as receipts do: the
cash refunds of a customer on one day, this one included, must stay under the limit in force.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select

from ecp.db.models import Line, Party, Refund
from ecp.kernel.errors import InputError
from ecp.kernel.money import check_amount, fmt_fr
from ecp.kernel.periods import check_date
from ecp.kernel.text import REFERENCE, check_text
from ecp.ledger.entry import JournalEntry, LineSpec, day_int
from ecp.ledger.posting import now_iso, post
from ecp.ledger.year_close import year_end_entries
from ecp.sales.documents import RECEIVABLE
from ecp.sales.parties import member_exists, party_row
from ecp.sales.rules import cash_limit

# Where the money leaves from and the journal, by method (no effet: one does not refund by
# drawing a bill of exchange on oneself).
REFUND_CASH = {"virement": "5141", "cheque": "5141", "especes": "5161"}
REFUND_JOURNAL = {"virement": "BQ", "cheque": "BQ", "especes": "CA"}
REFUND_METHODS = tuple(REFUND_CASH)


@dataclass(frozen=True)
class CustomerCredit:
    """What a member owes a customer: ``credit`` centimes (> 0), the opposite of the
    customer's balance on 34211 on that member's dimension."""

    member: str
    customer: str
    name: str
    credit: int


@dataclass(frozen=True)
class RefundResult:
    id: int
    entry: str  # the posted entry's reference (BQ-2026-000004)
    customer: str
    member: str
    amount: int
    day: dt.date
    method: str
    reference: str
    credit_left: int  # the customer's credit balance on the member after the refund


def _balances(conn: Connection, member: str | None = None, customer: str | None = None,
              at: int | None = None) -> dict[tuple[str, str], int]:
    """(member, customer code) → balance of 34211 (centimes, debit positive), lines of days
    up to ``at`` when given."""
    q = (select(Line.dimension, Line.third_party, func.sum(Line.amount))
         .where(Line.account == RECEIVABLE, Line.third_party.is_not(None))
         .group_by(Line.dimension, Line.third_party))
    if member is not None:
        q = q.where(Line.dimension == member)
    if customer is not None:
        q = q.where(Line.third_party == customer)
    if at is not None:
        q = q.where(Line.day <= at, Line.entry_id.not_in(year_end_entries()))
    return {(str(m), str(c)): int(s or 0) for m, c, s in conn.execute(q)}


def customer_credits(conn: Connection, member: str | None = None,
                     at: dt.date | None = None) -> list[CustomerCredit]:
    """Every customer's credit balance by member (of ``member`` only when given), at ``at``
    (all lines when None); ordered by member then customer code."""
    m = member_exists(conn, member) if member else None
    balances = _balances(conn, m, at=day_int(at) if at else None)
    owed = {k: -v for k, v in balances.items() if v < 0}
    if not owed:
        return []
    codes = sorted({c for _m, c in owed})
    names = dict(conn.execute(select(Party.code, Party.name).where(
        Party.kind == "customer", Party.code.in_(codes))).all())
    return [CustomerCredit(mem, cust, str(names.get(cust, "")), amt)
            for (mem, cust), amt in sorted(owed.items())]


def credit_of(conn: Connection, customer: str, member: str, at: dt.date | None = None) -> int:
    """The customer's credit balance on the member (centimes, 0 when none) at ``at``."""
    balance = _balances(conn, member, customer, day_int(at) if at else None).get(
        (member, customer), 0)
    return max(0, -balance)


def _method(method: str) -> str:
    m = method.strip().lower().replace("è", "e").replace("é", "e")
    if m not in REFUND_CASH:
        raise InputError(f"mode de remboursement : « {method} » (virement, cheque, especes)",
                         field="method", code="method.unknown")
    return m


def refund(conn: Connection, customer: str, member: str, amount: int, on: dt.date,
           method: str, user: str, reference: str = "") -> RefundResult:
    """Pay back ``amount`` centimes of the customer's credit balance on the member's books.

    Worked example: invoice 1 200,00 TTC paid, credit note 600,00 TTC on it: 34211 (FZ,
    HOTEL) sums 1 200,00 − 1 200,00 − 600,00 = −600,00, a credit of 600,00. Refund 600,00 by
    transfer: BQ, 34211 FZ HOTEL D 600,00, 5141 FZ C 600,00; the credit is then 0,00.
    """
    m = _method(method)
    if amount <= 0:
        raise InputError("montant : doit être positif", field="amount", code="amount.positive")
    check_amount(amount, field="amount")
    check_date(on, field="day")
    check_text(reference, "référence", REFERENCE, field="reference")
    cust = party_row(conn, "customer", customer)
    mem = member_exists(conn, member)
    day = day_int(on)
    at_day = credit_of(conn, cust.code, mem, on)
    now = credit_of(conn, cust.code, mem)
    available = min(at_day, now)
    if amount > available:
        when = f"au {on.strftime('%d/%m/%Y')}" if available == at_day \
            else "compte tenu des remboursements déjà enregistrés"
        raise InputError(
            f"montant : {fmt_fr(amount)} DH dépasse le crédit du client {cust.code} chez "
            f"{mem} {when} : {fmt_fr(available)} DH", field="amount", code="amount.too_much")
    if m == "especes" and not cust.consumer:
        _check_cash(conn, cust.id, cust.code, amount, day)
    posted = post(conn, JournalEntry(
        REFUND_JOURNAL[m], on, f"Remboursement avoir client {cust.name}"[:300],
        (LineSpec(RECEIVABLE, mem, amount, cust.code), LineSpec(REFUND_CASH[m], mem, -amount)),
        reference=reference[:100]), user)
    res = conn.execute(insert(Refund).values(
        customer_id=cust.id, member=mem, day=day, method=m, amount=amount,
        reference=reference, entry_id=posted.id, at=now_iso(), by=user))
    rid = int(res.inserted_primary_key[0])  # type: ignore[index]
    return RefundResult(rid, posted.ref, cust.code, mem, amount, on, m, reference,
                        available - amount)


def _check_cash(conn: Connection, customer_id: int, customer: str, amount: int,
                day: int) -> None:
    """CGI art. 193 applied as to receipts: the cash refunded to a professional customer on
    one day, this refund included, is refused from the limit in force that day."""
    limit, rule = cash_limit("sale", day)
    today = int(conn.scalar(select(func.coalesce(func.sum(Refund.amount), 0)).where(
        Refund.customer_id == customer_id, Refund.day == day,
        Refund.method == "especes")) or 0)
    if today + amount >= limit:
        already = f" (dont {fmt_fr(today)} DH déjà remboursés ce jour)" if today else ""
        raise InputError(
            f"mode de remboursement : {fmt_fr(today + amount)} DH en espèces le même jour au "
            f"client professionnel {customer}{already}, refusé à partir de {fmt_fr(limit)} DH "
            f"({rule}) : virement ou chèque", field="method", code="cash.limit")
