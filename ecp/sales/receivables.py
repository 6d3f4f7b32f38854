"""Aged receivables: what customers still owe on issued invoices at a date, by member and
customer, in buckets of age since the invoice date (0–30, 31–60, 61–90, over 90 days), with
the part past its due date as its own column.

What an invoice owes at ``at`` is its TTC less the payments and credit notes allocated to it
on or before ``at``; only invoices issued on or before ``at`` count. One SQL aggregate: the
buckets are ranges of invoice dates, so no date arithmetic runs in the database.

Beside them, ``credit``: what the member owes the customer at ``at`` (a credit note beyond
what its invoice still owed, not yet refunded), read from the ledger as the customer's credit
balance on 34211 on the member's dimension (``ecp.sales.refunds``). A customer with only a
credit has a row of its own (no open invoice); subtotals and the grand total add it up.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass

from sqlalchemy import ColumnElement, Connection, case, func, select

from ecp.db.models import Allocation, Document, Party
from ecp.ledger.entry import day_int
from ecp.sales.parties import member_exists
from ecp.sales.refunds import customer_credits

BUCKETS = ((0, 30), (31, 60), (61, 90))  # then over 90 days


@dataclass(frozen=True)
class AgedRow:
    """A customer of a member (``customer`` set), a member's subtotal (``customer`` None) or
    the grand total (``member`` and ``customer`` None)."""

    member: str | None
    customer: str | None
    customer_name: str
    invoices: int  # open invoices
    days_0_30: int
    days_31_60: int
    days_61_90: int
    over_90: int
    total: int
    overdue: int  # past its due date at ``at``
    credit: int = 0  # the customer's credit balance on the member at ``at`` (positive)

    @property
    def kind(self) -> str:
        if self.member is None:
            return "total"
        return "member" if self.customer is None else "customer"


def _sum(rows: list[AgedRow], member: str | None, name: str) -> AgedRow:
    return AgedRow(member, None, name, sum(r.invoices for r in rows),
                   sum(r.days_0_30 for r in rows), sum(r.days_31_60 for r in rows),
                   sum(r.days_61_90 for r in rows), sum(r.over_90 for r in rows),
                   sum(r.total for r in rows), sum(r.overdue for r in rows),
                   sum(r.credit for r in rows))


def aged_receivables(conn: Connection, at: dt.date, member: str | None = None
                     ) -> list[AgedRow]:
    """Per member, its customers then the member's subtotal; the grand total last."""
    m = member_exists(conn, member) if member else None
    a = day_int(at)
    # Age in days = at - invoice date; age <= n  <=>  invoice day >= day_int(at - n).
    cut = {n: day_int(at - dt.timedelta(days=n)) for n in (30, 60, 90)}
    settled = (select(Allocation.invoice_id, func.sum(Allocation.amount).label("amount"))
               .where(Allocation.day <= a).group_by(Allocation.invoice_id).subquery())
    rest = (Document.total_ttc - func.coalesce(settled.c.amount, 0)).label("rest")
    inv = (select(Document.member, Document.customer_id, Document.day, Document.due_day, rest)
           .outerjoin(settled, settled.c.invoice_id == Document.id)
           .where(Document.kind == "facture", Document.day <= a))
    if m:
        inv = inv.where(Document.member == m)
    o = inv.subquery()

    def bucket(cond: ColumnElement[bool]) -> ColumnElement[int]:
        return func.coalesce(func.sum(case((cond, o.c.rest), else_=0)), 0)

    q = (select(o.c.member, Party.code, Party.name, func.count(),
                bucket(o.c.day >= cut[30]),
                bucket((o.c.day < cut[30]) & (o.c.day >= cut[60])),
                bucket((o.c.day < cut[60]) & (o.c.day >= cut[90])),
                bucket(o.c.day < cut[90]),
                func.sum(o.c.rest),
                bucket(o.c.due_day.is_not(None) & (o.c.due_day < a)))
         .join(Party, Party.id == o.c.customer_id)
         .where(o.c.rest > 0)
         .group_by(o.c.member, Party.code, Party.name)
         .order_by(o.c.member, Party.code))
    credits = {(c.member, c.customer): c for c in customer_credits(conn, m, at)}
    open_rows = {(str(r[0]), str(r[1])): AgedRow(r[0], r[1], r[2], *(int(x) for x in r[3:]))
                 for r in conn.execute(q)}
    for key, c in credits.items():
        row = open_rows.get(key)
        open_rows[key] = (dataclasses.replace(row, credit=c.credit) if row is not None else
                          AgedRow(c.member, c.customer, c.name, 0, 0, 0, 0, 0, 0, 0, c.credit))
    out: list[AgedRow] = []
    by_member: list[AgedRow] = []
    current: str | None = None
    all_rows: list[AgedRow] = []
    for _key, row in sorted(open_rows.items()):
        if current is not None and row.member != current:
            out.append(_sum(by_member, current, ""))
            by_member = []
        current = row.member
        by_member.append(row)
        all_rows.append(row)
        out.append(row)
    if by_member:
        out.append(_sum(by_member, current, ""))
    out.append(_sum(all_rows, None, ""))
    return out
