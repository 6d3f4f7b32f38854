"""Issue 17, surprise 8: an invoice's status says exactly where it stands — « émise »,
« partiellement payée », « payée », « en retard », « annulée par avoir » — and an unpaid
invoice with a credit note for part of it is « émise », not « partielle »."""

from __future__ import annotations

import datetime as dt

from ecp import api
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import parse_quantity, parse_rate
from ecp.sales.documents import LineInput

ISSUED = dt.date(2026, 3, 2)
DUE = dt.date(2026, 4, 30)
BEFORE_DUE = dt.date(2026, 3, 25)
AFTER_DUE = dt.date(2026, 5, 10)


def _invoice(books: api.Books) -> str:
    """One line 1 000,00 HT at 20 %: 1 200,00 TTC, due 30/04/2026."""
    draft = api.create_document(books, "facture", "FZ", "HOTEL", ISSUED, due=DUE, lines=[
        LineInput("Caftan brodé", parse_quantity("1", "quantité"), parse_amount("1000"),
                  parse_rate("20", "taux"), "71211")])
    return api.issue_document(books, draft, ISSUED).number


def _part(amount: str) -> list[LineInput]:
    return [LineInput("Remise", parse_quantity("1", "quantité"), parse_amount(amount),
                      parse_rate("20", "taux"), "71211")]


def test_each_status(sales: api.Books) -> None:
    """Six invoices of 1 200,00 TTC due 30/04/2026, seen on 25/03 then on 10/05:
    A nothing paid: émise, then en retard (1 200,00 left);
    B 500,00 paid: partiellement payée (700,00 left), then en retard;
    C 1 200,00 paid: payée, still payée after the due date (nothing left);
    D a whole credit note: annulée par avoir (nothing left, nothing paid);
    E a credit note of 100,00 HT + 20,00 VAT = 120,00, nothing paid: émise (1 080,00 left: a
      credit note pays nothing — the demo's F-2026-000005 showed « partielle »), then en retard;
    F the same credit note then 1 080,00 paid: payée."""
    a, b, c, d, e, f = (_invoice(sales) for _ in range(6))
    api.add_payment(sales, [b], 50_000, dt.date(2026, 3, 10), "virement")
    api.add_payment(sales, [c], 120_000, dt.date(2026, 3, 10), "virement")
    api.credit_note(sales, d, day=dt.date(2026, 3, 12))
    api.credit_note(sales, e, _part("100"), day=dt.date(2026, 3, 12))
    api.credit_note(sales, f, _part("100"), day=dt.date(2026, 3, 12))
    api.add_payment(sales, [f], 108_000, dt.date(2026, 3, 15), "cheque")

    def seen(today: dt.date) -> dict[str, tuple[str, int]]:
        return {r.number: (r.status, r.remaining)
                for r in api.list_documents(sales, "facture", today=today)}

    assert seen(BEFORE_DUE) == {
        a: ("émise", 120_000), b: ("partiellement payée", 70_000), c: ("payée", 0),
        d: ("annulée par avoir", 0), e: ("émise", 108_000), f: ("payée", 0)}
    assert seen(AFTER_DUE) == {
        a: ("en retard", 120_000), b: ("en retard", 70_000), c: ("payée", 0),
        d: ("annulée par avoir", 0), e: ("en retard", 108_000), f: ("payée", 0)}
    # the command line's --status filter reads the same statuses
    partial = api.list_documents(sales, "facture", status="partial", today=BEFORE_DUE)
    issued = api.list_documents(sales, "facture", status="issued", today=BEFORE_DUE)
    assert [r.number for r in partial] == [b]
    assert [r.number for r in issued] == [a, e]
    # a credit note is « émis »
    assert {r.status for r in api.list_documents(sales, "avoir", today=BEFORE_DUE)} == {"émis"}
