"""Refunds of customers' credit balances (issue 13, « Fixes around it »), the credit balances in
the aged receivables, and the invoice PDF that offers no cash above the CGI art. 193 limit.

Worked example (member FZ, professional customer HOTEL, régime de l'encaissement), by hand:

- 2 March, invoice 1 000,00 HT + 20 % = 200,00 VAT, TTC 1 200,00:
  34211 FZ HOTEL D 1 200,00 / 71211 C 1 000,00 / 44551 C 200,00.
- 5 March, paid 1 200,00 by transfer: 5141 D 1 200,00 / 34211 HOTEL C 1 200,00, and the VAT
  cashed 44551 D 200,00 / 4455 C 200,00. The invoice owes 0,00.
- 10 March, credit note 500,00 HT + 100,00 VAT = 600,00 TTC on it: nothing left to settle on
  the invoice (applied 0,00), so 71211 D 500,00 / 4455 D 100,00 / 34211 HOTEL C 600,00.
  34211 FZ HOTEL = 1 200,00 − 1 200,00 − 600,00 = −600,00: a credit of 600,00. The aged
  receivables of 15 March show HOTEL with no open invoice, total 0,00, « Crédit client »
  600,00 (and so do FZ's subtotal and the grand total).
- 20 March, refund 600,00 by transfer: journal BQ, 34211 FZ HOTEL D 600,00 / 5141 FZ
  C 600,00. 34211 FZ HOTEL = 0,00: no credit left, the aged receivables of 31 March are
  empty; those of 15 March still show the 600,00 (the refund came later).
"""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader
from sqlalchemy import func, select

from ecp import api, cli
from ecp.db.models import Entry, Line, Refund
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.units import parse_quantity, parse_rate
from ecp.reports.invoice_pdf import load_templates, payment_method
from ecp.sales.documents import LineInput
from ecp.sales.receivables import AgedRow
from ecp.sales.refunds import CustomerCredit

D = dt.date


def L(desc: str, qty: str, price: str, rate: str = "20", account: str = "71211") -> LineInput:
    return LineInput(desc, parse_quantity(qty, "quantité"), parse_amount(price),
                     parse_rate(rate, "taux"), account)


def invoice(books: api.Books, customer: str, day: D, price: str, member: str = "FZ") -> str:
    draft = api.create_document(books, "facture", member, customer, day,
                                lines=[L("Caftan", "1", price)])
    return api.issue_document(books, draft).number


def lines_of(books: api.Books, entry_id: int) -> list[tuple[str, str, int, str | None]]:
    with books.engine.connect() as conn:
        return [(r.account, r.dimension, r.amount, r.third_party) for r in conn.execute(
            select(Line).where(Line.entry_id == entry_id).order_by(Line.line_no))]


def refund_rows(books: api.Books) -> list[tuple[str, int, str, int, str]]:
    with books.engine.connect() as conn:
        return [(r.member, r.day, r.method, r.amount, r.reference)
                for r in conn.execute(select(Refund).order_by(Refund.id))]


def counts(books: api.Books) -> tuple[int, int, int]:
    with books.engine.connect() as conn:
        return (int(conn.scalar(select(func.count()).select_from(Refund)) or 0),
                int(conn.scalar(select(func.count()).select_from(Entry)) or 0),
                int(conn.scalar(select(func.count()).select_from(Line)) or 0))


@pytest.fixture
def credited(sales: api.Books) -> api.Books:
    """The worked example up to the credit note: HOTEL has a credit of 600,00 on FZ."""
    num = invoice(sales, "HOTEL", D(2026, 3, 2), "1000")
    api.add_payment(sales, [num], 120000, D(2026, 3, 5), "virement")
    api.credit_note(sales, num, lines=[L("Remise", "1", "500")], day=D(2026, 3, 10))
    return sales


def test_worked_example_refund_by_transfer(credited: api.Books) -> None:
    assert api.customer_credits(credited) == [
        CustomerCredit("FZ", "HOTEL", "Hôtel Tanja", 60000)]
    assert api.customer_credits(credited, at=D(2026, 3, 9)) == []  # before the credit note
    before = api.aged_receivables(credited, D(2026, 3, 15))
    assert before == [
        AgedRow("FZ", "HOTEL", "Hôtel Tanja", 0, 0, 0, 0, 0, 0, 0, 60000),
        AgedRow("FZ", None, "", 0, 0, 0, 0, 0, 0, 0, 60000),
        AgedRow(None, None, "", 0, 0, 0, 0, 0, 0, 0, 60000),
    ]

    res = api.refund(credited, "hotel", "fz", 60000, D(2026, 3, 20), "virement",
                     reference="VIR-778")
    assert (res.customer, res.member, res.amount, res.day, res.method, res.reference,
            res.credit_left) == ("HOTEL", "FZ", 60000, D(2026, 3, 20), "virement", "VIR-778", 0)
    assert res.entry.startswith("BQ-2026-")
    with credited.engine.connect() as conn:
        entry_id = conn.scalar(select(Refund.entry_id).where(Refund.id == res.id))
        journal, day, label, ref = conn.execute(select(
            Entry.journal, Entry.day, Entry.label, Entry.reference)
            .where(Entry.id == entry_id)).one()
    assert (journal, day, ref) == ("BQ", 20260320, "VIR-778")
    assert label == "Remboursement avoir client Hôtel Tanja"
    assert entry_id is not None
    assert lines_of(credited, entry_id) == [("34211", "FZ", 60000, "HOTEL"),
                                            ("5141", "FZ", -60000, None)]
    assert refund_rows(credited) == [("FZ", 20260320, "virement", 60000, "VIR-778")]

    assert api.customer_credits(credited) == []
    assert api.customer_credits(credited, at=D(2026, 3, 19)) == [
        CustomerCredit("FZ", "HOTEL", "Hôtel Tanja", 60000)]
    assert api.aged_receivables(credited, D(2026, 3, 31)) == [
        AgedRow(None, None, "", 0, 0, 0, 0, 0, 0, 0, 0)]
    assert api.aged_receivables(credited, D(2026, 3, 15)) == before
    (event,) = [e for e in api.audit_events(credited) if e.action == "remboursement"]
    assert event.subject == res.entry
    assert event.detail == "client HOTEL chez FZ : 600,00 DH le 2026-03-20 (virement), " \
                           "réf. VIR-778"


def test_over_refund_is_refused_and_nothing_is_written(credited: api.Books) -> None:
    before = counts(credited)
    with pytest.raises(InputError) as err:
        api.refund(credited, "HOTEL", "FZ", 60001, D(2026, 3, 20), "virement")
    assert err.value.field == "amount" and err.value.code == "amount.too_much"
    assert err.value.message == ("montant : 600,01 DH dépasse le crédit du client HOTEL chez FZ "
                                 "au 20/03/2026 : 600,00 DH")
    assert counts(credited) == before
    # Before the credit note there was nothing to refund.
    with pytest.raises(InputError, match="au 09/03/2026 : 0,00 DH") as err:
        api.refund(credited, "HOTEL", "FZ", 100, D(2026, 3, 9), "virement")
    assert err.value.field == "amount"
    # A part, then the rest: the second may not take more than what is left.
    assert api.refund(credited, "HOTEL", "FZ", 20000, D(2026, 3, 20)).credit_left == 40000
    with pytest.raises(InputError, match="au 21/03/2026 : 400,00 DH"):
        api.refund(credited, "HOTEL", "FZ", 40001, D(2026, 3, 21))
    # Dated before a refund already made, the later refund still counts.
    with pytest.raises(InputError, match="compte tenu des remboursements déjà enregistrés : "
                                         "400,00 DH"):
        api.refund(credited, "HOTEL", "FZ", 60000, D(2026, 3, 15))
    assert api.refund(credited, "HOTEL", "FZ", 40000, D(2026, 3, 21)).credit_left == 0
    assert api.customer_credits(credited) == []


@pytest.mark.parametrize(("kwargs", "exc", "field", "text"), [
    ({"amount": 0}, InputError, "amount", "montant : doit être positif"),
    ({"amount": -100}, InputError, "amount", "montant : doit être positif"),
    ({"customer": "NOBODY"}, NotFoundError, "customer", "client « NOBODY » inconnu"),
    ({"member": "ZZ"}, NotFoundError, "member", "membre « ZZ » inconnu"),
    ({"method": "effet"}, InputError, "method", "mode de remboursement : « effet »"),
    ({"customer": "AMINA"}, InputError, "amount", "crédit du client AMINA chez FZ"),
    ({"member": "KH"}, InputError, "amount", "crédit du client HOTEL chez KH"),
])
def test_bad_input_names_its_field(credited: api.Books, kwargs: dict[str, object],
                                   exc: type[Exception], field: str, text: str) -> None:
    args: dict[str, object] = {"customer": "HOTEL", "member": "FZ", "amount": 10000,
                               "day": D(2026, 3, 20), "method": "virement"}
    args.update(kwargs)
    before = counts(credited)
    with pytest.raises(exc, match=re.escape(text)) as err:
        api.refund(credited, **args)  # type: ignore[arg-type]
    assert getattr(err.value, "field", None) == field
    assert counts(credited) == before


def test_cash_refund_to_a_professional_from_the_art_193_limit(sales: api.Books) -> None:
    """Invoice 30 000,00 HT + 6 000,00 VAT = 36 000,00 TTC, paid by transfer, then credited
    whole: HOTEL's credit on FZ is 36 000,00. Cash refunds the same day are cumulated as
    receipts are: 20 000,00 at once is refused (≥ 20 000 DH), 19 999,99 passes (journal CA,
    5161), one more centime that day makes 20 000,00: refused; the rest by transfer passes.
    A consumer (AMINA) may be refunded 20 000,00 in cash."""
    num = invoice(sales, "HOTEL", D(2026, 3, 2), "30000")
    api.add_payment(sales, [num], 3_600_000, D(2026, 3, 3), "virement")
    api.credit_note(sales, num, day=D(2026, 3, 4))
    assert api.customer_credits(sales, "FZ") == [
        CustomerCredit("FZ", "HOTEL", "Hôtel Tanja", 3_600_000)]
    before = counts(sales)
    with pytest.raises(InputError) as err:
        api.refund(sales, "HOTEL", "FZ", 2_000_000, D(2026, 3, 6), "especes")
    assert err.value.field == "method" and err.value.code == "cash.limit"
    assert "20 000,00 DH en espèces" in err.value.message and "CGI art. 193" in err.value.message
    assert counts(sales) == before
    res = api.refund(sales, "HOTEL", "FZ", 1_999_999, D(2026, 3, 6), "especes")
    assert res.entry.startswith("CA-2026-")
    with sales.engine.connect() as conn:
        eid = conn.scalar(select(Refund.entry_id).where(Refund.id == res.id))
    assert eid is not None
    assert lines_of(sales, eid) == [("34211", "FZ", 1_999_999, "HOTEL"),
                                    ("5161", "FZ", -1_999_999, None)]
    with pytest.raises(InputError, match=r"20 000,00 DH en espèces le même jour au client "
                                         r"professionnel HOTEL \(dont 19 999,99 DH"):
        api.refund(sales, "HOTEL", "FZ", 1, D(2026, 3, 6), "especes")
    assert api.refund(sales, "HOTEL", "FZ", 1, D(2026, 3, 7), "especes").credit_left == \
        1_600_000
    assert api.refund(sales, "HOTEL", "FZ", 1_600_000, D(2026, 3, 6), "cheque").credit_left == 0

    cash = invoice(sales, "AMINA", D(2026, 3, 2), "20000")  # 24 000,00 TTC
    api.add_payment(sales, [cash], 2_400_000, D(2026, 3, 3), "virement")
    api.credit_note(sales, cash, day=D(2026, 3, 4))
    assert api.refund(sales, "AMINA", "FZ", 2_000_000, D(2026, 3, 6), "especes").credit_left \
        == 400_000


def test_credit_beside_open_invoices_per_member(sales: api.Books) -> None:
    """KH: HOTEL owes an invoice of 120,00 (100,00 HT) issued 1 March, and FZ owes HOTEL
    600,00 (the worked example): two members, one row each; the grand total adds the open
    120,00 and the credit 600,00 in their own columns. The member filter keeps one."""
    invoice(sales, "HOTEL", D(2026, 3, 1), "100", member="KH")
    num = invoice(sales, "HOTEL", D(2026, 3, 2), "1000")
    api.add_payment(sales, [num], 120000, D(2026, 3, 5), "virement")
    api.credit_note(sales, num, lines=[L("Remise", "1", "500")], day=D(2026, 3, 10))
    assert api.aged_receivables(sales, D(2026, 3, 15)) == [
        AgedRow("FZ", "HOTEL", "Hôtel Tanja", 0, 0, 0, 0, 0, 0, 0, 60000),
        AgedRow("FZ", None, "", 0, 0, 0, 0, 0, 0, 0, 60000),
        AgedRow("KH", "HOTEL", "Hôtel Tanja", 1, 12000, 0, 0, 0, 12000, 0, 0),
        AgedRow("KH", None, "", 1, 12000, 0, 0, 0, 12000, 0, 0),
        AgedRow(None, None, "", 1, 12000, 0, 0, 0, 12000, 0, 60000),
    ]
    assert [r.credit for r in api.aged_receivables(sales, D(2026, 3, 15), member="KH")] == [
        0, 0, 0]
    from ecp.reports.render import render_table
    from ecp.reports.tables import aged_table

    t = aged_table(api.aged_receivables(sales, D(2026, 3, 15)), D(2026, 3, 15))
    assert t.columns[-1].label == "Crédit client"
    csv_rows = render_table(t, "csv").splitlines()
    assert csv_rows[0].endswith(",echu,credit_client")
    assert csv_rows[1] == "client,FZ,HOTEL,Hôtel Tanja,0,0.00,0.00,0.00,0.00,0.00,0.00,600.00"
    assert csv_rows[-1] == "total,,,,1,120.00,0.00,0.00,0.00,120.00,0.00,600.00"


def test_cli_refund_credits_and_add(credited: api.Books,
                                    capsys: pytest.CaptureFixture[str]) -> None:
    db = str(credited.engine.url.database)
    credited.engine.dispose()
    capsys.readouterr()
    assert cli.main(["--db", db, "refund", "credits", "--format", "csv"]) == 0
    assert capsys.readouterr().out.splitlines() == ["membre,client,nom,credit",
                                                    "FZ,HOTEL,Hôtel Tanja,600.00"]
    code = cli.main(["--db", db, "refund", "add", "--customer", "HOTEL", "--member", "FZ",
                     "--amount", "600,01", "--date", "2026-03-20"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == ("ecp : --amount : montant : 600,01 DH dépasse le crédit du client "
                           "HOTEL chez FZ au 20/03/2026 : 600,00 DH")
    code = cli.main(["--db", db, "refund", "add", "--customer", "HOTEL", "--member", "FZ",
                     "--amount", "600,00", "--date", "20/03/2026", "--reference", "VIR-1"])
    out = capsys.readouterr().out
    assert code == 0
    assert re.fullmatch(r"Remboursement enregistré \(écriture BQ-2026-\d+\) : 600,00 DH au "
                        r"client HOTEL chez FZ, le 20/03/2026 par virement ; crédit restant "
                        r"0,00 DH\n", out)
    assert cli.main(["--db", db, "refund", "credits"]) == 0
    assert capsys.readouterr().out == "Aucun client n'a de solde créditeur.\n"


# --- the invoice PDF: no cash offered above the limit ------------------------------------------

def pdf_text(books: api.Books, number: str) -> str:
    reader = PdfReader(io.BytesIO(api.document_pdf(books, number).read_bytes()))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def test_invoice_pdf_offers_no_cash_to_a_professional_from_the_limit(sales: api.Books) -> None:
    """20 000,00 HT + 4 000,00 VAT = 24 000,00 TTC to HOTEL (professional), whose method text
    is « virement bancaire, chèque ou espèces »: printed instead « Virement bancaire, chèque
    ou effet (espèces exclues à partir de 20 000 DH, CGI art. 193) ». The same invoice to a
    consumer, and 1 200,00 to HOTEL, keep the method as it is."""
    big = pdf_text(sales, invoice(sales, "HOTEL", D(2026, 3, 2), "20000"))
    assert "24 000,00" in big
    assert ("Virement bancaire, chèque ou effet (espèces exclues à partir de 20 000 DH, "
            "CGI art. 193)") in big
    assert "chèque ou espèces" not in big
    assert "espèces" not in big.replace("espèces exclues", "")
    consumer = pdf_text(sales, invoice(sales, "AMINA", D(2026, 3, 2), "20000"))
    assert "virement bancaire, chèque ou espèces" in consumer
    small = pdf_text(sales, invoice(sales, "HOTEL", D(2026, 3, 2), "1000"))
    assert "virement bancaire, chèque ou espèces" in small and "exclues" not in small


def test_payment_method_at_the_edge_of_the_limit() -> None:
    """19 999,99 TTC keeps cash; 20 000,00 does not; a method without cash stays."""
    from dataclasses import replace

    from tests.reports.test_invoice_pdf import BUSINESS, three_lines

    pay = load_templates()["payment"]
    doc = replace(three_lines(BUSINESS), payment_method="virement bancaire, chèque ou espèces")
    assert payment_method(replace(doc, total_ttc=1_999_999), pay) == doc.payment_method
    assert payment_method(replace(doc, total_ttc=2_000_000), pay) == (
        "Virement bancaire, chèque ou effet (espèces exclues à partir de 20 000 DH, "
        "CGI art. 193)")
    assert payment_method(replace(doc, total_ttc=2_000_000, payment_method="Virement"),
                          pay) == "Virement"
    assert payment_method(replace(doc, total_ttc=2_000_000, kind="devis"), pay) == \
        doc.payment_method
