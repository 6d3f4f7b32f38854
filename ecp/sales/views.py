"""View-models of the sales documents: what a PDF, a screen or an export needs, and nothing of
the database. Amounts are integer centimes, rates basis points (2000 = 20 %), quantities
thousandths (2500 = 2,5)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Literal

DocKind = Literal["facture", "avoir", "devis"]


@dataclass(frozen=True)
class Company:
    """The ECP, seller of record on every document (settings ``company.*``)."""

    name: str
    legal_form: str
    capital: str  # as typed in the settings, e.g. "100 000 DH"
    address: str
    city: str
    if_number: str  # identifiant fiscal
    tp: str  # taxe professionnelle
    ice: str
    rc: str
    court: str  # tribunal of the RC
    cnss: str
    bank: str
    rib: str
    logo: str | None = None  # path of an image file, or None


@dataclass(frozen=True)
class PartyView:
    """A customer (or supplier) as printed on a document."""

    code: str
    name: str
    name_ar: str | None = None
    address: str = ""
    city: str = ""
    ice: str | None = None
    if_number: str | None = None
    rc: str | None = None
    consumer: bool = False
    language: str = "fr"  # of the documents the customer receives: fr | ar


@dataclass(frozen=True)
class DocLine:
    description: str
    quantity_milli: int  # 2500 = 2,5
    unit: str
    unit_price: int  # HT, centimes
    vat_bp: int  # 2000 = 20 %; 0 = exonéré
    total_ht: int  # quantity × unit price, rounded half-up to the centime
    exemption: str | None = None  # a 0 % line's exemption code (views before 0013: None)
    exemption_basis: str = ""  # its legal basis as printed, e.g. "art. 91-I-A-1° du CGI"


@dataclass(frozen=True)
class VatLine:
    """VAT of one rate: computed on the document's HT total at that rate, half-up."""

    vat_bp: int
    base_ht: int
    vat: int


@dataclass(frozen=True)
class DocumentView:
    """An invoice, credit note or quote, ready to print."""

    kind: DocKind
    number: str  # e.g. "F-2026-000012", "AV-2026-000003", "D-2026-000004"
    issue_date: dt.date
    operation_date: dt.date  # date of the sale or service (the issue date unless typed)
    seller: Company
    member_code: str
    member_name: str  # the member entrepreneur who made the sale
    member_name_ar: str | None
    customer: PartyView
    lines: tuple[DocLine, ...]
    vat: tuple[VatLine, ...]
    total_ht: int
    total_vat: int
    total_ttc: int
    due_date: dt.date | None = None  # invoices
    valid_until: dt.date | None = None  # quotes
    payment_terms: str = ""  # e.g. "60 jours à compter de la date de facture"
    payment_method: str = ""  # e.g. "virement bancaire"
    related: str | None = None  # a credit note: the invoice it credits; an invoice: its quote
    notes: tuple[str, ...] = field(default_factory=tuple)
    order_ref: str | None = None  # the customer's order reference (invoices)
    agreed_terms: bool = False  # due date agreed in writing beyond 60 days (loi 69-21)
    late_penalty: str = ""  # the late-payment mention, from settings at issue (invoices)
    # The document's language (fr | ar): the customer's at issue, frozen so that a reprint is
    # the same document; views issued before it print in French.
    language: str = "fr"
