"""Issue 17, surprise 8: the entry list's « Montant DH » is the amount of the operation — a
4 000,00 DH cheque shows 4 000,00, not that plus the VAT its entry moves from 44551 to 4455."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from ecp import api
from ecp.ledger import LineSpec
from ecp.ledger.browse import EntryFilter, operation_amount

D = dt.date(2026, 3, 2)


def _amounts(books: api.Books) -> dict[str, int]:
    return {r.label: r.amount for r in api.entries_page(books, EntryFilter(), limit=100)}


def test_each_journal_shows_its_operation(books: api.Books) -> None:
    """BQ payment: 5141 4 000,00 D, 34211 4 000,00 C, and the VAT the payment makes due,
    388,89, 44551 D / 4455 C: total debit 4 388,89, the operation 4 000,00. A bank-to-cash
    transfer (5161 D 500,00, 5141 C 500,00): 500,00 once, not 0 (net) nor 1 000,00. A sale
    (34211 D 1 200,00 = 1 000,00 HT + 200,00 VAT): 1 200,00. A credit note on it (34211 C
    120,00): 120,00. A purchase (44111 C 600,00 TTC): 600,00. An OD (61711 D 300,00, 4432 C
    300,00): its total debit 300,00."""
    def post(journal: str, label: str, *lines: tuple[str, int]) -> None:
        api.post_entry(books, journal, D, label, [LineSpec(a, "FZ", c) for a, c in lines])

    post("BQ", "chèque", ("5141", 400_000), ("34211", -400_000), ("44551", 38_889),
         ("4455", -38_889))
    post("BQ", "virement à la caisse", ("5161", 50_000), ("5141", -50_000))
    post("VT", "vente", ("34211", 120_000), ("71211", -100_000), ("44551", -20_000))
    post("VT", "avoir", ("34211", -12_000), ("71211", 10_000), ("44551", 2_000))
    post("AC", "achat", ("61211", 50_000), ("34552", 10_000), ("44111", -60_000))
    post("OD", "paie", ("61711", 30_000), ("4432", -30_000))
    assert _amounts(books) == {"chèque": 400_000, "virement à la caisse": 50_000,
                               "vente": 120_000, "avoir": 12_000, "achat": 60_000,
                               "paie": 30_000}


def test_without_the_journal_s_account_the_total_debit() -> None:
    """A BQ entry with no 51… line (a bank charge booked against a supplier) shows its total
    debit: 6147 D 25,00 + 34552 D 5,00 = 30,00."""
    assert operation_amount("BQ", [("6147", 2_500), ("34552", 500), ("44111", -3_000)]) == 3_000
    assert operation_amount("AN", [("5141", 10_000), ("1111", -10_000)]) == 10_000
    # a late entry (RG) is read as what it is: a payment by its treasury line, a sale by its
    # customer line
    assert operation_amount("RG", [("5141", 400_000), ("34211", -400_000), ("44551", 38_889),
                                   ("4455", -38_889)]) == 400_000
    assert operation_amount("RG", [("34211", 120_000), ("71211", -100_000),
                                   ("44551", -20_000)]) == 120_000


def test_the_demo_cheque_1207_shows_4_000(demo_path: Path) -> None:
    """The demo's CHQ 1207 (Hôtel Continental, part of F-2026-000004, 20/11/2026, posted in
    RG: it came after later bank entries): 5141 D 4 000,00, 34211 C 4 000,00, 44551 D 388,89,
    4455 C 388,89 (the VAT of 4 000,00 of an invoice 8 640,00 TTC at mixed rates). The list
    showed the total debit, 4 388,89."""
    books = api.open_books(str(demo_path))
    [row] = api.entries_page(books, EntryFilter(text="CHQ 1207"))
    assert (row.reference, row.amount) == ("CHQ 1207", 400_000)
    assert row.date == "2026-11-20"  # the API and the CLI keep ISO
