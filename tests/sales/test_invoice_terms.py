"""Invoices that state their own terms (issue 16): payment terms from the real due date, the
loi 69-21 limits (60 days, 120 agreed), the late-payment mention, exemption bases, line order
as typed, a free line's unit and nature, the operation date, the quote and the customer's order
reference on the invoice, and the ECP's identity settings checked when set."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from ecp import api
from ecp import settings as settings_mod
from ecp.cli import build_parser
from ecp.cli.sales import _as_typed, _doc_line, _doc_lines
from ecp.kernel.errors import InputError
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import Issued, LineInput, Terms, check_due_terms, terms_text

D = dt.date


def line(desc: str = "Caftan", price: int = 100_000, bp: int = 2000,
         exemption: str | None = None) -> LineInput:
    return LineInput(desc, Quantity(1000), price, Rate(bp), "71211", exemption=exemption)


def pdf_text(books: api.Books, number: str) -> str:
    reader = PdfReader(io.BytesIO(api.document_pdf(books, number).read_bytes()))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))


def invoice(books: api.Books, day: D, due: D | None = None, terms: Terms | None = None,
            lines: list[LineInput] | None = None) -> Issued:
    return api.create_and_issue(books, "facture", "FZ", "HOTEL", day, lines or [line()], due,
                                terms=terms)


# --- 1. terms from the real due date; loi 69-21 -------------------------------------------------

def test_terms_text_from_the_real_due_date(sales: api.Books) -> None:
    """2026-12-16 → 2027-01-15: 15 days of December (17…31) + 15 of January = 30 days; the
    printed terms say 30, not the 60 of the default."""
    inv = invoice(sales, D(2026, 12, 16), D(2027, 1, 15))
    want = "Paiement à 30 jours à compter de la date de facture (échéance le 15/01/2027)"
    assert inv.view.payment_terms == want
    text = pdf_text(sales, inv.number)
    assert want in text and "60 jours" not in text


def test_default_due_is_sixty_days_and_says_so(sales: api.Books) -> None:
    """No due date: 2026-03-02 + 60 days = 2026-05-01 (29 days to 31 March, 30 in April, 1)."""
    inv = invoice(sales, D(2026, 3, 2))
    assert inv.view.due_date == D(2026, 5, 1)
    assert inv.view.payment_terms == ("Paiement à 60 jours à compter de la date de facture "
                                      "(échéance le 01/05/2026)")


def test_beyond_sixty_days_needs_agreed_terms_and_120_is_the_most(sales: api.Books) -> None:
    """From 2026-03-02: day 61 is 2026-05-02 (refused without agreement, rule named, nothing
    written); agreed, day 120 is 2026-06-30 (1 May = 60, 31 May = 90, 30 June = 120) and is
    printed as the agreed date; day 121 (2026-07-01) is refused even agreed."""
    with pytest.raises(InputError) as err:
        invoice(sales, D(2026, 3, 2), D(2026, 5, 2))
    e = err.value
    assert (e.field, e.code) == ("due", "due.needs_agreement")
    assert "61 jours" in e.message and "loi 69-21" in e.message and "art. 78-2" in e.message
    assert "--agreed-terms" in e.message
    assert api.list_documents(sales, "facture", today=D(2026, 3, 2)) == []
    assert api.list_drafts(sales) == []

    agreed = Terms(agreed_terms=True)
    inv = invoice(sales, D(2026, 3, 2), D(2026, 6, 30), agreed)
    assert inv.view.agreed_terms is True
    assert inv.view.payment_terms == ("Paiement à l'échéance convenue le 30/06/2026 (120 jours, "
                                      "délai convenu par écrit, loi 69-21)")
    assert "échéance convenue le 30/06/2026" in pdf_text(sales, inv.number)
    with pytest.raises(InputError) as err:
        invoice(sales, D(2026, 3, 2), D(2026, 7, 1), agreed)
    assert (err.value.field, err.value.code) == ("due", "due.over_max")
    assert "121 jours" in err.value.message and "au plus 120 jours" in err.value.message
    # a draft is checked when saved too
    with pytest.raises(InputError) as err:
        api.create_document(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [line()],
                            D(2026, 5, 2))
    assert err.value.code == "due.needs_agreement"


def test_check_due_terms_counts_from_the_operation_date() -> None:
    """Operation 2026-01-10, invoice 2026-02-01, due 2026-03-12: 21 + 28 + 12 = 61 days after
    the operation (refused unaided) although only 39 after the invoice."""
    assert check_due_terms(D(2026, 2, 1), D(2026, 3, 12), None, False) == 39
    with pytest.raises(InputError) as err:
        check_due_terms(D(2026, 2, 1), D(2026, 3, 12), D(2026, 1, 10), False)
    assert err.value.field == "due" and "après l'opération" in err.value.message
    assert check_due_terms(D(2026, 2, 1), D(2026, 3, 12), D(2026, 1, 10), True) == 61
    assert terms_text(D(2026, 2, 1), D(2026, 2, 1), None, False) == (
        "Paiement à réception de la facture (échéance le 01/02/2026)")


def test_due_days_setting_stays_within_sixty(sales: api.Books) -> None:
    with pytest.raises(InputError) as err:
        api.settings_set(sales, "sales.due_days", "90")
    assert err.value.field == "value" and "loi 69-21" in err.value.message
    api.settings_set(sales, "sales.due_days", "30")
    inv = invoice(sales, D(2026, 3, 2))  # 2026-03-02 + 30 = 2026-04-01
    assert inv.view.due_date == D(2026, 4, 1)


def test_late_payment_mention_from_the_settings(sales: api.Books) -> None:
    """Unset: the loi 69-21 fine; set: « Pénalités de retard : 2,25 % par mois de retard, sur
    le montant TTC restant dû. » (rate and basis from sales.penalty_rate / _basis)."""
    inv = invoice(sales, D(2026, 3, 2))
    assert inv.view.late_penalty == settings_mod.PENALTY_LAW
    assert "taux directeur de Bank Al-Maghrib" in pdf_text(sales, inv.number)
    api.settings_set(sales, "sales.penalty_rate", "2,25")
    inv = invoice(sales, D(2026, 3, 3))
    want = "Pénalités de retard : 2,25 % par mois de retard, sur le montant TTC restant dû."
    assert inv.view.late_penalty == want
    assert want in pdf_text(sales, inv.number)
    api.settings_set(sales, "sales.penalty_basis", "par mois, sur le TTC")
    assert invoice(sales, D(2026, 3, 4)).view.late_penalty == (
        "Pénalités de retard : 2,25 % par mois, sur le TTC.")


# --- 2. exemptions --------------------------------------------------------------------------------

def test_exempt_lines_print_their_legal_basis(sales: api.Books) -> None:
    """A 0 % line coded PAIN prints « Exonéré — art. 91-I-A-1° du CGI » (the data file); one
    typed without a code takes ART91 (« Exonéré — art. 91 du CGI »). Totals: 20 % line
    1 000,00 HT + 200,00 VAT; 0 % lines 50,00 + 30,00 HT; TTC 1 280,00."""
    inv = invoice(sales, D(2026, 3, 2), lines=[
        line(), line("Pain", 5000, 0, exemption="pain"), line("Farine", 3000, 0)])
    assert [x.exemption for x in inv.view.lines] == [None, "PAIN", "ART91"]
    assert inv.view.total_ttc == 128_000
    text = pdf_text(sales, inv.number)
    assert "Exonéré — art. 91-I-A-1° du CGI" in text
    assert "Exonéré — art. 91 du CGI" in text


def test_exemption_codes_refused(sales: api.Books) -> None:
    with pytest.raises(InputError) as err:
        invoice(sales, D(2026, 3, 2), lines=[line(), line("Pain", 5000, 0, exemption="XX")])
    assert (err.value.field, err.value.line, err.value.code) == (
        "lines.exemption", 2, "exemption.unknown")
    with pytest.raises(InputError) as err:
        invoice(sales, D(2026, 3, 2), lines=[line(exemption="PAIN")])
    assert (err.value.field, err.value.code) == ("lines.exemption", "exemption.taxed")


# --- 3. line order as typed; 4. unit and nature -------------------------------------------------

def test_lines_keep_the_order_typed(sales: api.Books) -> None:
    """--product, --line, --product: the document's lines come in that order, and a refusal
    about the third names the second --product."""
    api.add_product(sales, "CAF", "FZ", "Caftan", "pièce", 150_000, Rate(2000), "71211")
    api.add_product(sales, "TIS", "FZ", "Tissu", "m", 8_000, Rate(2000), "7111")
    argv = ["invoice", "create", "--member", "FZ", "--customer", "HOTEL", "--date",
            "2026-03-02", "--product", "CAF:1", "--line", "Retouche|2|50|20",
            "--product", "TIS:2,5"]
    a = build_parser().parse_args(argv)
    lines = _doc_lines(a)
    draft = api.create_document(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), lines)
    d = api.draft(sales, draft)
    assert [x.description for x in d.lines] == ["Caftan", "Retouche", "Tissu"]
    # 1 500,00 + 2 × 50,00 + 2,5 × 80,00 = 1 800,00 HT
    assert d.total_ht == 180_000
    exc = _as_typed(a, InputError("x", field="lines.qty", line=3))
    assert (exc.field, exc.line) == ("products", 2)
    exc = _as_typed(a, InputError("x", field="lines.qty", line=2))
    assert (exc.field, exc.line) == ("lines.qty", 1)


def test_free_line_unit_and_nature() -> None:
    """Nature picks the account (biens 7111, produits 71211, services 71243); an account
    typed wins; neither: 71243."""
    assert _doc_line("Tissu|2|150|20|biens|unite=m", 1).account == "7111"
    assert _doc_line("Tissu|2|150|20|biens|unite=m", 1).unit == "m"
    assert _doc_line("Caftan|1|1500|20|nature=produits", 1).account == "71211"
    assert _doc_line("Cours|1|500|20", 1).account == "71243"
    assert _doc_line("Cours|1|500|20|7111", 1).account == "7111"
    assert _doc_line("Pain|1|5|0|exo=PAIN", 1).exemption == "PAIN"
    with pytest.raises(InputError) as err:
        _doc_line("Tissu|2|150|20|nature=outils", 3)
    assert (err.value.field, err.value.line, err.value.code) == ("lines.nature", 3,
                                                                 "lines.nature")
    with pytest.raises(InputError) as err:
        _doc_line("Tissu|2|150|20|couleur=bleu", 1)
    assert err.value.code == "line.format"


# --- 5. operation date, quote, order reference ---------------------------------------------------

def test_operation_date_order_ref_and_quote_on_the_invoice(sales: api.Books) -> None:
    """Delivered 2026-02-20, invoiced 2026-03-02: the default due counts from the delivery,
    2026-02-20 + 60 = 2026-04-21 (8 days of February, 31 of March, 21 of April)."""
    inv = invoice(sales, D(2026, 3, 2), terms=Terms(D(2026, 2, 20), " BC-778 "))
    v = inv.view
    assert (v.operation_date, v.order_ref, v.due_date) == (D(2026, 2, 20), "BC-778",
                                                          D(2026, 4, 21))
    assert v.payment_terms == ("Paiement à 60 jours à compter de la date de l'opération "
                               "(échéance le 21/04/2026)")
    text = pdf_text(sales, inv.number)
    assert "Date de l'opération 20 février 2026" in text
    assert "Votre commande BC-778" in text

    quote = api.create_and_issue(sales, "devis", "FZ", "HOTEL", D(2026, 3, 5), [line()])
    assert "Date de l'opération" not in pdf_text(sales, quote.number)
    with pytest.raises(InputError) as err:
        api.create_and_issue(sales, "devis", "FZ", "HOTEL", D(2026, 3, 5), [line()],
                             terms=Terms(D(2026, 3, 5)))
    assert (err.value.field, err.value.code) == ("operation_date", "operation_date.quote")
    api.accept_quote(sales, quote.number, D(2026, 3, 6))
    from_quote = api.invoice_quote(sales, quote.number, D(2026, 3, 9))
    assert from_quote.view.related == quote.number
    assert f"Devis n° {quote.number}" in pdf_text(sales, from_quote.number)


def test_draft_keeps_its_terms_when_edited(sales: api.Books) -> None:
    draft = api.create_document(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [line()],
                                D(2026, 6, 1), terms=Terms(D(2026, 3, 1), "BC-1", True))
    api.save_draft(sales, draft, "HOTEL", D(2026, 3, 3), [line(price=50_000)], D(2026, 6, 1))
    assert api.draft(sales, draft).terms == Terms(D(2026, 3, 1), "BC-1", True)
    inv = api.issue_document(sales, draft)
    assert inv.view.order_ref == "BC-1" and inv.view.agreed_terms


# --- 6. identity settings ----------------------------------------------------------------------

@pytest.mark.parametrize(("key", "value", "code"), [
    ("company.if", "12AB", "company.if.digits"),
    ("company.if", "123456", "company.if.digits"),
    ("company.cnss", "12", "company.cnss.digits"),
    ("company.rc", "RC abc", "company.rc.digits"),
    ("company.capital", "beaucoup", None),
    ("company.capital", "0", "company.capital.amount"),
    ("company.ice", "001561191000067", "ice.checksum"),
])
def test_identity_settings_refused_naming_the_key(key: str, value: str, code: str | None
                                                  ) -> None:
    with pytest.raises(InputError) as err:
        settings_mod.check(key, value)
    assert err.value.field == "value" and key in err.value.message
    if code:
        assert err.value.code == code


def test_capital_is_a_number_printed_formatted(sales: api.Books) -> None:
    """« 150 000 DH » typed is stored 150000 and printed « 150 000 DH »; an old value typed as
    text before the rule still prints as typed."""
    assert settings_mod.check("company.capital", "150 000 DH") == "150000"
    assert settings_mod.check("company.capital", "1 234,50") == "1234.50"
    assert settings_mod.capital_text("150000") == "150 000 DH"
    assert settings_mod.capital_text("1234.50") == "1 234,50 DH"
    assert settings_mod.capital_text("cent mille DH") == "cent mille DH"
    api.settings_set(sales, "company.capital", "150 000")
    inv = invoice(sales, D(2026, 3, 2))
    assert inv.view.seller.capital == "150 000 DH"
    assert "au capital de 150 000 DH" in pdf_text(sales, inv.number)
    assert settings_mod.check("company.if", "1234 5678") == "12345678"


# --- 7. the demo, consistent with itself ------------------------------------------------------

def test_demo_is_consistent_with_itself(demo_path: Path) -> None:
    """Capital in the settings = the credit of 1111 (15 000 000 centimes, 150 000 DH, the
    founders' contribution of 1 August 2026); invoice numbers in date order; M005 speaks
    Arabic, and so does a customer (ATTAR, Arabic name and address), quoted by M003."""
    import sqlite3

    books = api.open_books(str(demo_path))
    con = sqlite3.connect(str(demo_path))
    try:
        capital = -con.execute("SELECT sum(amount) FROM lines WHERE account = '1111'"
                               ).fetchone()[0]
        languages = dict(con.execute("SELECT code, language FROM dimensions"))
        customers = {r[0]: r[1:] for r in con.execute(
            "SELECT code, language, name_ar, address FROM parties WHERE kind = 'customer'")}
        stored = con.execute("SELECT value FROM settings WHERE key = 'company.capital'"
                             ).fetchone()[0]
    finally:
        con.close()
    assert capital == 15_000_000
    assert settings_mod.capital_text(stored) == "150 000 DH"
    rows = api.list_documents(books, "facture", today=D(2026, 12, 7))
    assert [r.number for r in rows] == [r.number for r in sorted(rows, key=lambda r: r.day)]
    assert languages["M005"] == "ar" and languages["M001"] == languages["M003"] == "fr"
    assert customers["ATTAR"] == ("ar", "أحمد العطار", "14، زنقة ابن بطوطة")
    quotes = api.list_documents(books, "devis", today=D(2026, 12, 7))
    assert ("M003", "ATTAR") in {(q.member, q.customer) for q in quotes}


# --- 8. the TUI's invoice form: the same fields ----------------------------------------------

async def test_invoice_form_terms_unit_exemption_and_nature(sales: api.Books) -> None:
    """The form's terms row (operation date, order reference, agreed terms) and its lines'
    compact cells: « 2,5 m » (quantity and unit), « 0 PAIN » (rate 0 and exemption), « biens »
    (nature → 7111). Saved: line 1 2,5 × 80,00 = 200,00 HT at 20 % (VAT 40,00), line 2
    3 × 10,00 = 30,00 HT exempt; TTC 270,00. Without the agreement, a due date 61 days after
    the operation is refused (field due)."""
    from textual.widgets import Input

    from ecp.tui.app import EcpApp
    from ecp.tui.screens.invoice_form import DocLine, InvoiceFormScreen
    from tests.tui.pilot import until

    app = EcpApp(sales, today=D(2026, 3, 20))
    async with app.run_test(size=(150, 45)) as pilot:
        await pilot.press("f9", "n")
        await until(pilot, lambda: isinstance(app.screen, InvoiceFormScreen))
        form = app.screen
        assert isinstance(form, InvoiceFormScreen)

        def put(selector: str, value: str, root: object = None) -> None:
            node: object = root or form
            inp = node.query_one(selector, Input)  # type: ignore[attr-defined]
            inp.value = value

        for sel, value in (("#member", "FZ"), ("#customer", "HOTEL"), ("#day", "2026-03-02"),
                           ("#operation", "2026-02-20"), ("#order_ref", "BC-42"),
                           ("#agreed", "oui"), ("#due", "2026-05-15")):
            put(sel, value)
        await pilot.pause()
        first = form.query(DocLine).first()
        for cls, value in ((".desc", "Tissu"), (".qty", "2,5 m"), (".price", "80"),
                           (".rate", "20"), (".account", "biens")):
            put(cls, value, first)
        await pilot.pause()
        second = form.query(DocLine).last()
        for cls, value in ((".desc", "Pain"), (".qty", "3"), (".price", "10"),
                           (".rate", "0 PAIN"), (".account", "71211")):
            put(cls, value, second)
        await pilot.pause()
        await pilot.press("ctrl+s")
        await until(pilot, lambda: not isinstance(app.screen, InvoiceFormScreen))
    d = api.list_drafts(sales)[0]
    # 2026-02-20 → 2026-05-15: 8 + 31 + 30 + 15 = 84 days, agreed
    assert d.terms == Terms(D(2026, 2, 20), "BC-42", True)
    assert [(x.unit, x.account, x.exemption) for x in d.lines] == [
        ("m", "7111", None), ("", "71211", "PAIN")]
    assert (d.total_ht, d.total_vat, d.total_ttc) == (23_000, 4_000, 27_000)
    with pytest.raises(InputError) as err:
        api.save_draft(sales, d.id, "HOTEL", d.day, list(d.lines), D(2026, 4, 22),
                       Terms(D(2026, 2, 20)))
    # 2026-02-20 → 2026-04-22: 8 + 31 + 22 = 61 days, not agreed
    assert (err.value.field, err.value.code) == ("due", "due.needs_agreement")
