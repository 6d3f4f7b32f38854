"""The member's monthly statement and the payout voucher PDFs, built from hand-made view-models:
text extracted with pypdf, figures of the summary box, page numbering, byte-stable output."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace
from pathlib import Path

import pytest
from pypdf import PdfReader

from ecp.members.views import (
    MemberInfo,
    PayoutVoucher,
    Receivable,
    StatementExpense,
    StatementInvoice,
    StatementPayment,
    StatementPayout,
    StatementView,
    Treasury,
)
from ecp.reports.invoice_pdf import load_templates
from ecp.reports.payout_pdf import render_payout
from ecp.reports.statement_pdf import render_statement, summary_lines
from ecp.sales.views import Company

ECP = Company(
    name="Amal Entreprendre", legal_form="SARL", capital="100 000 DH",
    address="12, rue Ibn Battouta, quartier Iberia", city="90000 Tanger",
    if_number="40123456", tp="50212345", ice="002345678000031", rc="98765",
    court="Tribunal de commerce de Tanger", cnss="1234567", bank="Banque Populaire",
    rib="190 640 0001234567890123 45")

FATIMA = MemberInfo(code="M007", name="Fatima Zahra Bennani", name_ar="فاطمة الزهراء بنعلي",
                    activity="Couture et broderie", contribution_bp=1000)

REASON = "Achat urgent de tissu pour la commande du mariage Alami"

D = dt.date


def worked_month() -> StatementView:
    """November 2026 for M007. Two invoices (2 400,00 and 1 200,00 TTC at 20 %), the first
    paid in full and 600,00 of the second: 3 000,00 TTC cashed, 500,00 VAT due, 2 500,00 HT;
    an expense of 300,00 HT paid (360,00 TTC, 60,00 VAT recoverable); contribution 10 % of
    2 500,00 = 250,00; a payout of 1 500,00 and an advance of 1 200,00.

    Opening: cash 600,00, reserve 100,00, available 500,00. Closing: cash 540,00, VAT due
    440,00, contribution owed 250,00, reserve 100,00, available −250,00."""
    opening = Treasury(at=D(2026, 10, 31), cash=60000, vat_due=0, contribution_owed=0,
                       reserve=10000, available=50000, receivables=180000, payables=0)
    closing = Treasury(at=D(2026, 11, 30), cash=54000, vat_due=44000, contribution_owed=25000,
                       reserve=10000, available=-25000, receivables=240000, payables=0)
    return StatementView(
        company=ECP, member=FATIMA, month="2026-11", start=D(2026, 11, 1), end=D(2026, 11, 30),
        opening=opening, closing=closing,
        invoices=(
            StatementInvoice("FA-2026-00041", D(2026, 11, 3), "Hôtel Tanja", 200000, 240000),
            StatementInvoice("FA-2026-00042", D(2026, 11, 10), "Riad Zitoun SARL", 100000,
                             120000),
        ),
        payments=(
            StatementPayment(D(2026, 11, 12), "FA-2026-00041", "Hôtel Tanja", "virement",
                             240000, 40000),
            StatementPayment(D(2026, 11, 20), "FA-2026-00042", "Riad Zitoun SARL", "espèces",
                             60000, 10000),
        ),
        expenses=(
            StatementExpense(D(2026, 11, 15), "Tissus du Nord", "F-778", 30000, 6000, 36000),
        ),
        contribution_base=250000, contribution_bp=1000, contribution=25000,
        payouts=(
            StatementPayout("VR-2026-000012", D(2026, 11, 25), "virement", 150000, False),
            StatementPayout("VR-2026-000013", D(2026, 11, 28), "espèces", 120000, True,
                            REASON),
        ),
        receivables=(
            Receivable("FA-2026-00030", "Café Hafa", D(2026, 9, 16), D(2026, 11, 15), 180000,
                       75),
            Receivable("FA-2026-00042", "Riad Zitoun SARL", D(2026, 11, 10), D(2027, 1, 9),
                       60000, 20),
        ),
        notes=("Chaîne des écritures : 1 204 écritures, dernière empreinte 3f9a…c21e.",),
    )


def quiet_month() -> StatementView:
    """A member with no activity at all in the month: every section is empty."""
    t = Treasury(at=D(2026, 11, 30), cash=0, vat_due=0, contribution_owed=0, reserve=0,
                 available=0, receivables=0, payables=0)
    member = MemberInfo(code="M012", name="Youssef El Idrissi", name_ar=None, activity=None,
                        contribution_bp=1000)
    return StatementView(
        company=ECP, member=member, month="2026-11", start=D(2026, 11, 1), end=D(2026, 11, 30),
        opening=replace(t, at=D(2026, 10, 31)), closing=t, invoices=(), payments=(),
        expenses=(), contribution_base=0, contribution_bp=1000, contribution=0, payouts=(),
        receivables=())


def busy_month() -> StatementView:
    """The worked month with a credit note and 20 more invoices, 4 of them paid (120,00 TTC,
    20,00 VAT, 100,00 HT each): the invoices' table runs over two pages."""
    v = worked_month()
    extra = tuple(
        StatementInvoice(f"FA-2026-{100 + i:05d}", D(2026, 11, 1 + i % 28),
                         f"Client de passage n° {i}", 10000, 12000) for i in range(20))
    paid = tuple(
        StatementPayment(D(2026, 11, 1 + i % 28), inv.number, inv.customer, "espèces", 12000,
                         2000) for i, inv in enumerate(extra[:4]))
    credit = StatementInvoice("AV-2026-00003", D(2026, 11, 29), "Hôtel Tanja", -5000, -6000,
                              "avoir")
    return replace(
        v, invoices=v.invoices + extra + (credit,), payments=v.payments + paid,
        contribution_base=v.contribution_base + 40000, contribution=v.contribution + 4000,
        closing=replace(v.closing, cash=v.closing.cash + 48000,
                        vat_due=v.closing.vat_due + 8000,
                        contribution_owed=v.closing.contribution_owed + 4000,
                        available=v.closing.available + 36000))


def text_of(data: bytes) -> tuple[str, int]:
    """Extracted text with whitespace normalised (amounts use no-break spaces), page count."""
    reader = PdfReader(io.BytesIO(data))
    raw = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(raw.split()), len(reader.pages)


@pytest.fixture(scope="module")
def worked() -> str:
    return text_of(render_statement(worked_month(), invariant=True))[0]


def test_header_member_and_period(worked: str) -> None:
    for part in ("RELEVÉ MENSUEL", "Amal Entreprendre", "12, rue Ibn Battouta",
                 "ICE : 002345678000031", "M007 — Fatima Zahra Bennani",
                 "Activité : Couture et broderie",
                 "Novembre 2026, du 01/11/2026 au 30/11/2026"):
        assert part in worked, part


def test_summary_box_every_figure(worked: str) -> None:
    expected = [
        "Trésorerie disponible au 31/10/2026 (ouverture) 500,00 DH",
        "+ Encaissements des clients (TTC) 3 000,00 DH",
        "− TVA devenue exigible (due à l'État) 500,00 DH",
        "− Dépenses payées (TTC) 360,00 DH",
        "− Contribution aux services partagés (10 % de 2 500,00 DH) 250,00 DH",
        "− Versements et avances 2 700,00 DH",
        "+ TVA récupérable sur dépenses et autres mouvements 60,00 DH",
        "= Trésorerie disponible au 30/11/2026 (clôture) -250,00 DH",
        # closing treasury's detail, and what is outside it
        "Banque et caisse 540,00 DH", "− TVA due à l'État 440,00 DH",
        "− Contribution restant due 250,00 DH", "− Réserve 100,00 DH",
        "= Disponible -250,00 DH",
        "Créances à recevoir (TTC) 2 400,00 DH", "Fournisseurs à payer (TTC) 0,00 DH",
    ]
    for part in expected:
        assert part in worked, part


def test_summary_adds_up_to_the_closing_treasury() -> None:
    v = worked_month()
    rows = summary_lines(v, load_templates()["statement"])
    opening, receipts, *minus, closing = (r[1] for r in rows)
    other = minus.pop()  # VAT recoverable on the paid bill: 60,00
    assert other == 6000
    assert opening + receipts - sum(minus) + other == closing == v.closing.available


def test_sections(worked: str) -> None:
    for part in (
        "Factures émises", "FA-2026-00041 03/11/2026 Hôtel Tanja 2 000,00 DH 2 400,00 DH",
        "Total 3 000,00 DH 3 600,00 DH",
        "Règlements reçus", "20/11/2026 FA-2026-00042 Riad Zitoun SARL espèces 600,00 DH "
        "100,00 DH",
        "Dépenses", "15/11/2026 Tissus du Nord F-778 300,00 DH 60,00 DH 360,00 DH",
        "Contribution aux services partagés", "10 % 2 500,00 DH 250,00 DH",
        "Versements et avances", "VR-2026-000012 25/11/2026 virement Versement 1 500,00 DH",
        f"Avance de solidarité : {REASON} 1 200,00 DH",
        "Créances à recevoir", "FA-2026-00030 Café Hafa 16/09/2026 15/11/2026 1 800,00 DH 75",
        "Remarques", "dernière empreinte 3f9a…c21e",
    ):
        assert part in worked, part


def test_legal_mentions_and_page_numbers(worked: str) -> None:
    assert "IF : 40123456 – TP : 50212345" in worked
    assert "Relevé mensuel M007 – Novembre 2026" in worked
    assert "page 1 / 2" in worked and "page 2 / 2" in worked


def test_member_without_activity() -> None:
    text, pages = text_of(render_statement(quiet_month(), invariant=True))
    assert pages == 1
    assert "M012 — Youssef El Idrissi" in text and "Activité" not in text
    for empty in ("Aucune facture émise ce mois-ci.", "Aucun règlement reçu ce mois-ci.",
                  "Aucune dépense ce mois-ci.", "Aucune contribution ce mois-ci.",
                  "Aucun versement ni avance ce mois-ci.",
                  "Aucune créance à recevoir à la fin du mois."):
        assert empty in text
    assert "= Trésorerie disponible au 30/11/2026 (clôture) 0,00 DH" in text
    assert "autres mouvements" not in text  # nothing to reconcile


def test_two_pages_with_credit_note() -> None:
    text, pages = text_of(render_statement(busy_month(), invariant=True))
    assert pages == 2
    assert "page 1 / 2" in text and "page 2 / 2" in text
    assert "AV-2026-00003 (avoir) 29/11/2026 Hôtel Tanja -50,00 DH -60,00 DH" in text
    assert "+ Encaissements des clients (TTC) 3 480,00 DH" in text
    assert "= Trésorerie disponible au 30/11/2026 (clôture) 110,00 DH" in text
    # the invoices' header is repeated on the second page
    assert text.count("N° Date Client HT TTC") == 2


def test_statement_is_byte_stable(tmp_path: Path) -> None:
    out = tmp_path / "releve.pdf"
    first = render_statement(worked_month(), out, invariant=True)
    assert out.read_bytes() == first == render_statement(worked_month(), invariant=True)
    assert first.startswith(b"%PDF")


def advance_voucher() -> PayoutVoucher:
    return PayoutVoucher(company=ECP, member=FATIMA, number="VR-2026-000013",
                         day=D(2026, 11, 28), amount=120000, method="espèces", advance=True,
                         reason=REASON, available_before=95000, entry="CA-2026-000045")


def test_payout_voucher() -> None:
    v = replace(advance_voucher(), amount=123450, advance=False, reason="",
                method="virement bancaire", entry="BQ-2026-000031")
    data = render_payout(v, invariant=True)
    text, pages = text_of(data)
    assert pages == 1
    for part in ("BON DE VERSEMENT", "N° VR-2026-000013", "Date 28/11/2026",
                 "M007 — Fatima Zahra Bennani", "Montant versé 1 234,50 DH",
                 "Arrêté le présent bon à la somme de mille deux cent trente-quatre dirhams et "
                 "cinquante centimes.",
                 "Mode de versement virement bancaire",
                 "Trésorerie disponible avant versement 950,00 DH",
                 "Écriture comptable BQ-2026-000031", "Le trésorier de l'ECP", "Le membre",
                 "ICE : 002345678000031", "page 1 / 1"):
        assert part in text, part
    assert "Motif" not in text and "AVANCE" not in text
    assert data == render_payout(v, invariant=True)


def test_advance_voucher_shows_its_reason() -> None:
    text, _ = text_of(render_payout(advance_voucher(), invariant=True))
    assert "AVANCE DE SOLIDARITÉ" in text
    assert "mille deux cents dirhams" in text
    assert f"Motif de l'avance {REASON}" in text
    assert "Avance de solidarité VR-2026-000013" in text  # footer reference
