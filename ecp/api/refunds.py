"""Customers' credit balances (a credit note on a paid invoice) and their refund."""

from __future__ import annotations

import datetime as dt

from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.kernel.money import fmt_fr
from ecp.sales import refunds as sales_refunds


def refund(books: Books, customer: str, member: str, amount: int, day: dt.date,
           method: str = "virement", reference: str = "",
           user: str | None = None) -> sales_refunds.RefundResult:
    """Pay back ``amount`` centimes of the customer's credit balance on the member's books
    (``method``: virement, cheque or especes), in one unit of work with its audit event."""
    with _write(books) as conn:
        done = sales_refunds.refund(conn, customer, member, amount, day, method,
                                    books.who(user), reference)
        _audit(conn, books, "remboursement", done.entry,
               f"client {done.customer} chez {done.member} : {fmt_fr(amount)} DH le "
               f"{day.isoformat()} ({done.method})"
               + (f", réf. {reference}" if reference else ""), user)
        return done


def customer_credits(books: Books, member: str | None = None,
                     at: dt.date | None = None) -> list[sales_refunds.CustomerCredit]:
    """Customers' credit balances by member (of ``member`` when given), at ``at`` (all the
    books when None)."""
    with _read(books) as conn:
        return sales_refunds.customer_credits(conn, member, at)
