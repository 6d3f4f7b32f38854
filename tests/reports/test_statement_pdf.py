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
    StatementMovement,
    StatementPayment,
    StatementPayout,
    StatementResult,
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
    440,00, contribution owed 250,00, reserve 100,00, available −250,00.

    The ledger's lines of the month (the movements), with their effect on the treasury:
    receipts 5141 D 3 000,00 (+3 000,00) / 34211 C; sales 34211 D 3 600,00 / 71211 C 3 000,00
    (HT 2 000,00 + 1 000,00) ; VAT collected 44551 C 600,00 and D 500,00, 4455 C 500,00
    (−500,00); VAT deductible 34554 D/C 60,00, 34552 D 60,00 (+60,00); expenses 6111 D
    300,00, 44111 C and D 360,00, 5141 C 360,00 (−360,00); contribution 61468 D / 44881 C
    250,00 (−250,00); the payout is an independent member's invoice 61365 D / 44111 C
    1 500,00 paid 44111 D / 5141 C (−1 500,00); the advance 3431 D / 5161 C 1 200,00
    (−1 200,00). 500,00 + 3 000,00 − 500,00 + 60,00 − 360,00 − 250,00 − 1 500,00
    − 1 200,00 = −250,00, the closing treasury.

    Result of the month: 3 000,00 − 300,00 − 250,00 − 1 500,00 = 950,00; of the year (given):
    12 000,00 − 1 500,00 − 1 000,00 − 6 000,00 = 3 500,00."""
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
                       15),
            Receivable("FA-2026-00042", "Riad Zitoun SARL", D(2026, 11, 10), D(2027, 1, 9),
                       60000, -40),
        ),
        notes=("Chaîne des écritures : 1 204 écritures, dernière empreinte 3f9a…c21e.",),
        movements=WORKED_MOVES,
        month_result=StatementResult(300000, 30000, 25000, 150000),
        year_result=StatementResult(1200000, 150000, 100000, 600000),
        advance_outstanding=120000,
    )


def mv(category: str, account: str, name: str, debit: int, credit: int, effect: int = 0,
       label: str = "") -> StatementMovement:
    return StatementMovement(category, account, name, debit, credit, label, effect)


BANK = "Banques (solde débiteurs)"
WORKED_MOVES = (
    mv("receipts", "34211", "Clients", 0, 300000),
    mv("receipts", "5141", BANK, 300000, 0, 300000),
    mv("sales", "34211", "Clients", 360000, 0),
    mv("sales", "71211", "Ventes de produits finis", 0, 300000),
    mv("vat_collected", "4455", "État - TVA facturée", 0, 50000, -50000),
    mv("vat_collected", "44551", "État - TVA facturée (transitoire)", 50000, 60000),
    mv("vat_deductible", "34552", "État - TVA récupérable sur les charges", 6000, 0, 6000),
    mv("vat_deductible", "34554", "État - TVA récupérable (transitoire)", 6000, 6000),
    mv("expenses", "44111", "Fournisseurs", 36000, 36000),
    mv("expenses", "5141", BANK, 0, 36000, -36000),
    mv("expenses", "6111", "Achats de marchandises", 30000, 0),
    mv("contribution", "44881", "Liaison interne ECP - membres", 0, 25000, -25000),
    mv("contribution", "61468", "Contribution aux services partagés", 25000, 0),
    mv("remuneration", "44111", "Fournisseurs", 150000, 150000),
    mv("remuneration", "5141", BANK, 0, 150000, -150000),
    mv("remuneration", "61365", "Honoraires", 150000, 0),
    mv("advances", "3431", "Avances et acomptes au personnel", 120000, 0),
    mv("advances", "5161", "Caisse", 0, 120000, -120000),
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
    # 4 × 120,00 cashed (+480,00), their VAT 4 × 20,00 (−80,00), the contribution +40,00:
    # the treasury +360,00
    moves = (mv("receipts", "5141", BANK, 48000, 0, 48000),
             mv("vat_collected", "4455", "État - TVA facturée", 0, 8000, -8000),
             mv("contribution", "44881", "Liaison interne ECP - membres", 0, 4000, -4000))
    return replace(
        v, movements=v.movements + moves,
        invoices=v.invoices + extra + (credit,), payments=v.payments + paid,
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
        "− TVA collectée, à reverser à l'État 500,00 DH",
        "+ TVA récupérable sur les dépenses 60,00 DH",
        "− Dépenses (TTC) 360,00 DH",
        "− Contribution aux services partagés (10 % de 2 500,00 DH) 250,00 DH",
        "− Votre rémunération : net, retenues et charges sociales 1 500,00 DH",
        "− Avances de solidarité et remboursements 1 200,00 DH",
        "= Trésorerie disponible au 30/11/2026 (clôture) -250,00 DH",
        # closing treasury's detail, and what is outside it
        "Banque et caisse 540,00 DH", "− TVA à reverser à l'État 440,00 DH",
        "− Contribution restant due 250,00 DH", "− Réserve 100,00 DH",
        "= Disponible -250,00 DH",
        "Créances à recevoir (TTC) 2 400,00 DH", "Fournisseurs à payer (TTC) 0,00 DH",
        "Avance de solidarité restant à rembourser 1 200,00 DH",
        # the result, next to the treasury
        "Chiffre d'affaires (HT) 3 000,00 DH 12 000,00 DH", "− Charges 300,00 DH 1 500,00 DH",
        "− Contribution aux services partagés 250,00 DH 1 000,00 DH",
        "− Votre rémunération (coût total) 1 500,00 DH 6 000,00 DH",
        "= Résultat 950,00 DH 3 500,00 DH",
    ]
    for part in expected:
        assert part in worked, part
    # no command line, no VAT « reversée » while it is not paid
    assert "ecp " not in worked and "reversée" not in worked


def test_summary_adds_up_to_the_closing_treasury() -> None:
    """500,00 + 3 000,00 − 500,00 + 60,00 − 360,00 − 250,00 − 1 500,00 − 1 200,00
    = −250,00: every row a kind of the ledger's movements, nothing left over."""
    v = worked_month()
    rows = summary_lines(v, load_templates()["statement"])
    assert [(label.split(" ")[0], cents) for label, cents, _ in rows] == [
        ("Trésorerie", 50000), ("+", 300000), ("−", 50000), ("+", 6000), ("−", 36000),
        ("−", 25000), ("−", 150000), ("−", 120000), ("=", -25000)]
    signed = sum(c if label.startswith("+") else -c for label, c, _ in rows[1:-1])
    assert rows[0][1] + signed == rows[-1][1] == v.closing.available


def test_vat_reversee_once_paid_and_other_entries_by_label() -> None:
    """The month's VAT paid on 04/12/2026: « reversée ». A hand-typed entry « Frais de
    tenue de compte » (6147 D 10,00 / 5141 C 10,00) shows under its own label, and the
    closing treasury moves by −10,00: −250,00 − 10,00 = −260,00."""
    v = worked_month()
    other = (mv("other", "5141", BANK, 0, 1000, -1000, "Frais de tenue de compte"),
             mv("other", "6147", "Services bancaires", 1000, 0, 0,
                "Frais de tenue de compte"))
    v = replace(v, vat_paid_on=D(2026, 12, 4), movements=v.movements + other,
                closing=replace(v.closing, cash=53000, available=-26000))
    rows = summary_lines(v, load_templates()["statement"])
    assert ("− TVA collectée, reversée à l'État le 04/12/2026", 50000, False) in rows
    assert ("− Frais de tenue de compte", 1000, False) in rows
    assert rows[-1][1] == -26000
    text = text_of(render_statement(v, invariant=True))[0]
    assert "TVA collectée, reversée à l'État le 04/12/2026 500,00 DH" in text
    assert "Frais de tenue de compte 5141 Banques (solde débiteurs) 10,00 DH" in text


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
        # late from the due date: 15/11 -> 30/11 = 15 days; the other one not yet due
        "Créances à recevoir", "FA-2026-00030 Café Hafa 16/09/2026 15/11/2026 1 800,00 DH 15",
        "FA-2026-00042 Riad Zitoun SARL 10/11/2026 09/01/2027 600,00 DH à échoir",
        "Mouvements du mois, par nature", "Encaissements des clients (TTC) 34211 Clients "
        "3 000,00 DH 5141 Banques (solde débiteurs) 3 000,00 DH",
        "Votre rémunération : net, retenues et charges sociales 44111 Fournisseurs "
        "1 500,00 DH 1 500,00 DH",
        # debits 3 000 + 3 600 + 500 + 120 + 660 + 250 + 3 000 + 1 200 = 12 330,00 = credits
        "Total 12 330,00 DH 12 330,00 DH",
        "Remarques", "dernière empreinte 3f9a…c21e",
    ):
        assert part in worked, part


def test_legal_mentions_and_page_numbers(worked: str) -> None:
    assert "IF : 40123456 – TP : 50212345" in worked
    assert "Relevé mensuel M007 – Novembre 2026" in worked
    assert "page 1 / 3" in worked and "page 3 / 3" in worked


def test_member_without_activity() -> None:
    text, pages = text_of(render_statement(quiet_month(), invariant=True))
    assert pages == 2  # the result box and the movements' section take the second
    assert "M012 — Youssef El Idrissi" in text and "Activité" not in text
    for empty in ("Aucune facture émise ce mois-ci.", "Aucun règlement reçu ce mois-ci.",
                  "Aucune dépense ce mois-ci.", "Aucune contribution ce mois-ci.",
                  "Aucun versement ni avance ce mois-ci.",
                  "Aucune créance à recevoir à la fin du mois."):
        assert empty in text
    assert "= Trésorerie disponible au 30/11/2026 (clôture) 0,00 DH" in text
    assert "Aucun mouvement ce mois-ci." in text


def test_two_pages_with_credit_note() -> None:
    text, pages = text_of(render_statement(busy_month(), invariant=True))
    assert pages == 4
    assert "page 1 / 4" in text and "page 4 / 4" in text
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
