"""The archive of issued PDFs, written in one place (ecp/api/archive.py) for invoices and
payout vouchers: a file is created, never overwritten, and removed when the transaction that
wrote it fails."""

from __future__ import annotations

import datetime as dt

import pytest

from ecp import api
from ecp.kernel.errors import InputError
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput

D = dt.date


def _line() -> LineInput:
    return LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211")


def test_an_archived_invoice_is_never_overwritten_and_the_refusal_writes_nothing(
        sales: api.Books) -> None:
    first = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    assert first.number == "F-2026-000001"
    # A file already sits where the next invoice would be archived (books restored without
    # their archive): issuing is refused, and neither the file nor the books change.
    squatter = api.archive_dir(sales) / "2026" / "F-2026-000002.pdf"
    squatter.write_bytes(b"not ours")
    with pytest.raises(InputError, match="existe déjà"):
        api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 3), [_line()])
    assert squatter.read_bytes() == b"not ours"
    assert [d.number for d in api.list_documents(sales, "facture")] == ["F-2026-000001"]
    assert api.list_drafts(sales) == []
    assert api.verify(sales, record=False).ok


def test_a_payout_voucher_goes_through_the_same_archive(sales: api.Books) -> None:
    api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    inv = api.list_documents(sales, "facture")[0].number
    api.add_payment(sales, [inv], 120000, D(2026, 3, 5), "virement")
    paid = api.add_payout(sales, "FZ", 10000, D(2026, 3, 6))
    pdf = api.payout_pdf(sales, paid.number)
    assert pdf.parent == api.archive_dir(sales) / "2026" and pdf.read_bytes()[:4] == b"%PDF"
    # The next voucher's place is taken: refused, nothing posted, the file left alone.
    nxt = pdf.with_name(pdf.name.replace(paid.number[-6:], f"{int(paid.number[-6:]) + 1:06d}"))
    assert nxt != pdf
    nxt.write_bytes(b"not ours")
    entries_before = api.chain_head(sales).count
    with pytest.raises(InputError, match="existe déjà"):
        api.add_payout(sales, "FZ", 10000, D(2026, 3, 7))
    assert nxt.read_bytes() == b"not ours"
    assert api.chain_head(sales).count == entries_before
