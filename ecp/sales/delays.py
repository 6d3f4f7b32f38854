"""Payment terms of supplier invoices (loi 69-21 amending loi 15-95): dated data.

Default term: 60 days after the invoice date; at most 120 days by written agreement
(../shared/reference/morocco-rules.md, « Payment delays », tagged [S]). The rule is kept as
dated rows like the VAT rates, so a change of law is a new row, never an edit of code. The
starting date of the first row (1 June 2023) is to be verified [?]; an invoice dated before the
first row takes the first row's terms (documented in docs/suppliers-and-delays.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from ecp.kernel.errors import InputError


@dataclass(frozen=True)
class PaymentTerm:
    valid_from: dt.date
    valid_to: dt.date | None  # exclusive
    default_days: int
    max_days: int
    source: str
    article: str = "code de commerce, art. 78-2"  # where the delays are written [S]


PAYMENT_TERMS: tuple[PaymentTerm, ...] = (
    PaymentTerm(dt.date(2023, 6, 1), None, 60, 120, "loi 69-21"),
)


def term_on(day: dt.date) -> PaymentTerm:
    """The payment term in force on ``day`` (the first one for earlier days)."""
    for t in PAYMENT_TERMS:
        if t.valid_from <= day and (t.valid_to is None or day < t.valid_to):
            return t
    return PAYMENT_TERMS[0]


def supplier_due(day: dt.date, due: dt.date | None) -> dt.date:
    """The due date of a supplier invoice of ``day``: ``due`` checked (not before the invoice,
    at most the legal maximum after it), or the legal default.

    Worked example: an invoice of 2026-01-10 is due by default on 2026-03-11 (60 days); a due
    date of 2026-05-10 (120 days) is accepted, 2026-05-11 (121 days) is refused."""
    term = term_on(day)
    if due is None:
        return day + dt.timedelta(days=term.default_days)
    if due < day:
        raise InputError(f"échéance : le {due.isoformat()} précède la facture "
                         f"({day.isoformat()})", field="due", code="due.before_invoice")
    if (due - day).days > term.max_days:
        raise InputError(f"échéance : {(due - day).days} jours après la facture, au plus "
                         f"{term.max_days} jours ({term.source})", field="due",
                         code="due.too_late")
    return due
