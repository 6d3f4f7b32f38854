"""Quotes, invoices and credit notes: drafts, issue (number, posting, frozen view), quote
acceptance, credit notes, and what each invoice still owes.

Nothing here commits: ``api`` owns the transaction, so a failure at any step leaves no number
used, no entry posted and no document written.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ecp import settings as settings_mod
from ecp.db.models import (
    Account,
    Allocation,
    AllocationVat,
    Dimension,
    Document,
    DocumentEvent,
    DocumentLine,
    DocumentVat,
    Draft,
    DraftLine,
    FiscalYear,
    Party,
    VatRate,
)
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import MAX_AMOUNT, check_amount, fmt_fr
from ecp.kernel.periods import check_date
from ecp.kernel.text import LABEL, check_optional, check_text
from ecp.kernel.units import MAX_QUANTITY, Quantity, Rate, fmt_rate
from ecp.ledger.entry import JournalEntry, LineSpec, day_int, int_day
from ecp.ledger.posting import now_iso, post
from ecp.sales import company as company_mod
from ecp.sales import exemptions as exemptions_mod
from ecp.sales.delays import term_on
from ecp.sales.parties import get_product, member_exists, party_by_id, party_row
from ecp.sales.rules import line_total, number, prorata, vat_by_rate
from ecp.sales.views import Company, DocLine, DocumentView, PartyView, VatLine

RECEIVABLE = "34211"  # Clients
VAT_PENDING = "44551"  # TVA facturée, en attente d'encaissement
VAT_DUE = "4455"  # TVA facturée
QUOTE_DAYS = 30


DEFAULT_ACCOUNT = "71243"  # prestations de services: a free line's account when none is typed
# The nature of a free line chooses its sales account (an account typed wins): goods bought
# for resale 7111, the member's own products 71211, services 71243 (the default).
NATURE_ACCOUNTS = {"biens": "7111", "produits": "71211", "services": "71243"}


def nature_account(nature: str, line: int | None = None, field: str = "lines.nature") -> str:
    """The sales account of a line's ``nature`` (biens, produits, services)."""
    key = nature.strip().lower()
    if key not in NATURE_ACCOUNTS:
        shown = ", ".join(f"{k} → {v}" for k, v in NATURE_ACCOUNTS.items())
        where = f"ligne {line}, nature" if line else "nature"
        raise InputError(f"{where} : « {nature} » inconnue ({shown})", field=field, line=line,
                         code="lines.nature")
    return NATURE_ACCOUNTS[key]


@dataclass(frozen=True)
class LineInput:
    """One line of a document as typed values: what it is, how many (thousandths), the unit
    price HT in centimes, the VAT rate in basis points, the revenue account, the unit and the
    catalogue product it came from, if any."""

    description: str
    quantity_milli: Quantity
    unit_price: int
    vat_bp: Rate
    account: str = DEFAULT_ACCOUNT
    unit: str = ""
    product: str | None = None
    exemption: str | None = None  # a 0 % line's exemption code (ecp/sales/data/exemptions.csv)


@dataclass(frozen=True)
class ProductLine:
    """A line taken whole from the member's catalogue: the product's code and a quantity."""

    code: str
    quantity: Quantity


LineSpecIn = LineInput | ProductLine


@dataclass(frozen=True)
class DocumentSpec:
    """A whole invoice (``facture``) or quote (``devis``) as typed values, lines in order.
    ``due`` is the due date of an invoice, the validity date of a quote."""

    kind: str
    member: str
    customer: str
    day: dt.date
    lines: tuple[LineSpecIn, ...]
    due: dt.date | None = None
    operation: dt.date | None = None  # date of the delivery or service (invoices)
    order_ref: str | None = None  # the customer's order reference
    agreed_terms: bool = False  # a due date beyond 60 days agreed in writing (loi 69-21)

    @property
    def terms(self) -> Terms:
        return Terms(self.operation, self.order_ref, self.agreed_terms)


def resolve_lines(conn: Connection, member: str, lines: Sequence[LineSpecIn]
                  ) -> list[LineInput]:
    """The document's lines in the order given, each catalogue product resolved to its line
    (name, price, rate, account, unit) from the member's catalogue."""
    out: list[LineInput] = []
    for i, ln in enumerate(lines, 1):
        code = ln.code if isinstance(ln, ProductLine) else ln.product
        if code is None:
            assert isinstance(ln, LineInput)
            out.append(_checked_text(ln, i))
            continue
        p = _product(conn, code, i)
        if p.member != member:
            raise InputError(f"produit {p.code} : au catalogue de {p.member}, pas de {member}",
                             field="lines.product", line=i,
                             code="product.member")
        if isinstance(ln, ProductLine):
            out.append(LineInput(p.name, ln.quantity, p.price_ht, Rate(p.vat_bp), p.account,
                                 p.unit, p.code))
        else:
            out.append(dataclasses.replace(_checked_text(ln, i), product=p.code,
                                           unit=ln.unit or p.unit))
    return out


def _product(conn: Connection, code: str, i: int) -> Any:
    try:
        return get_product(conn, code)
    except NotFoundError as exc:
        raise NotFoundError(exc.message, field="lines.product", line=i,
                            code="product.unknown") from None


def _checked_text(ln: LineInput, i: int) -> LineInput:
    desc = ln.description.strip()
    if not desc:
        raise InputError(f"ligne {i}, désignation : obligatoire", field="lines.description",
                         line=i)
    if ln.unit_price < 0:
        raise InputError(f"ligne {i}, prix HT : ne peut être négatif (faire un avoir)",
                         field="lines.price", line=i, code="price.negative")
    # Column sizes of document and draft lines (description 300, unit 20, product 30).
    check_text(desc, "désignation", LABEL, field="lines.description", line=i)
    check_text(ln.unit, "unité", 20, field="lines.unit", line=i)
    check_optional(ln.product, "produit", 30, field="lines.product", line=i)
    exemption = exemptions_mod.check_code(ln.exemption, ln.vat_bp, i)
    check_amount(ln.unit_price, "prix HT", field="lines.price", line=i)
    if ln.quantity_milli > MAX_QUANTITY:
        raise InputError(f"ligne {i}, quantité : au-delà de 1 000 000 000 (le maximum "
                         "accepté)", field="lines.qty", line=i, code="lines.qty.too_large")
    account = ln.account.strip() or DEFAULT_ACCOUNT
    if desc == ln.description and account == ln.account and exemption == ln.exemption:
        return ln
    return dataclasses.replace(ln, description=desc, account=account, exemption=exemption)


def valid_rates(conn: Connection, day: int) -> dict[int, str]:
    rows = conn.execute(select(VatRate.rate_bp, VatRate.label).where(
        VatRate.valid_from <= day, (VatRate.valid_to.is_(None)) | (VatRate.valid_to > day)))
    return dict(rows.all())


def _check_lines(conn: Connection, lines: Sequence[LineInput], day: int) -> None:
    if not lines:
        raise InputError("lignes : au moins une ligne (désignation ou produit du catalogue)",
                         field="lines", code="lines.empty")
    check_date(int_day(day), field="day")
    for i, ln in enumerate(lines, 1):
        _checked_text(ln, i)
        if line_total(ln.quantity_milli, ln.unit_price) > MAX_AMOUNT:
            raise InputError(f"ligne {i} : total HT au-delà de {fmt_fr(MAX_AMOUNT)} DH, le "
                             "maximum accepté", field="lines.qty", line=i,
                             code="lines.total.too_large")
    if totals(lines)[2] > MAX_AMOUNT:
        raise InputError(f"document : total TTC au-delà de {fmt_fr(MAX_AMOUNT)} DH, le maximum "
                         "accepté", field="lines", code="lines.total.too_large")
    rates = valid_rates(conn, day)
    accounts = set(conn.scalars(select(Account.code).where(Account.code.like("7%"))))
    for i, ln in enumerate(lines, 1):
        if ln.vat_bp not in rates:
            shown = ", ".join(fmt_rate(r) for r in sorted(rates, reverse=True))
            raise InputError(f"ligne {i}, taux de TVA : {fmt_rate(ln.vat_bp)} n'est pas "
                             f"applicable au {int_day(day).isoformat()} (taux valides : {shown})",
                             field="lines.vat", line=i, code="vat.not_valid")
        if ln.account not in accounts:
            raise InputError(f"ligne {i}, compte : « {ln.account} » n'est pas un compte de "
                             "produits du plan (ex. 7111, 71211, 71243)",
                             field="lines.account", line=i)
        if ln.quantity_milli <= 0:
            raise InputError(f"ligne {i}, quantité : doit être positive", field="lines.qty",
                             line=i, code="quantity.zero")


@dataclass(frozen=True)
class Terms:
    """What a draft says of its dates and terms besides its lines."""

    operation: dt.date | None = None
    order_ref: str | None = None
    agreed_terms: bool = False


def _checked_terms(kind: str, day: dt.date, due: dt.date | None, terms: Terms) -> Terms:
    """The terms to store: the operation date checked (an invoice's only), the order reference
    trimmed, and the due date of an invoice within loi 69-21 (:func:`check_due_terms`)."""
    ref = (terms.order_ref or "").strip() or None
    check_optional(ref, "référence de commande", 60, field="order_ref")
    if terms.operation is not None:
        if kind != "facture":
            raise InputError("date de l'opération : une facture seulement (un devis n'en a "
                             "pas)", field="operation_date", code="operation_date.quote")
        check_date(terms.operation, "date de l'opération", field="operation_date")
    if kind == "facture" and due is not None:
        check_due_terms(day, due, terms.operation, terms.agreed_terms)
    return Terms(terms.operation, ref, terms.agreed_terms and kind == "facture")


def check_due_terms(day: dt.date, due: dt.date, operation: dt.date | None,
                    agreed: bool) -> int:
    """The days from the start of the terms (the operation date if given, else the invoice
    date) to ``due``, within loi 69-21 (code de commerce art. 78-2): 60 days unless agreed in
    writing (``agreed``), 120 days at most even agreed. InputError about ``due`` naming the rule.

    Worked example: an invoice of 2026-11-15 due on 2027-01-14 is 60 days: accepted; due on
    2027-01-15 (61 days) it needs the agreement; 2027-03-15 (120 days) is the last date agreed
    terms allow, 2027-03-16 (121 days) is refused."""
    start = operation or day
    term = term_on(start)
    days = (due - start).days
    since = "l'opération" if operation and operation != day else "la facture"
    if days > term.max_days:
        raise InputError(f"échéance : {days} jours après {since}, au plus {term.max_days} "
                         f"jours même convenus par écrit ({term.source}, {term.article})",
                         field="due", code="due.over_max")
    if days > term.default_days and not agreed:
        raise InputError(f"échéance : {days} jours après {since} ; au-delà de "
                         f"{term.default_days} jours, un délai convenu par écrit avec le client "
                         f"est requis (délai convenu : --agreed-terms) ({term.source}, "
                         f"{term.article})", field="due", code="due.needs_agreement")
    return days


def terms_text(day: dt.date, due: dt.date, operation: dt.date | None, agreed: bool) -> str:
    """The printed payment terms, from the real due date.

    Worked example: an invoice of 2026-12-16 due 2027-01-15 reads « Paiement à 30 jours à
    compter de la date de facture (échéance le 15/01/2027) »; agreed terms read « Paiement à
    l'échéance convenue le 15/03/2027 (120 jours, délai convenu par écrit, loi 69-21) »."""
    start = operation or day
    days = (due - start).days
    shown = due.strftime("%d/%m/%Y")
    if agreed:
        return (f"Paiement à l'échéance convenue le {shown} ({days} jours, délai convenu par "
                f"écrit, {term_on(start).source})")
    since = "de l'opération" if operation and operation != day else "de facture"
    if days == 0:
        return f"Paiement à réception de la facture (échéance le {shown})"
    return f"Paiement à {days} jours à compter de la date {since} (échéance le {shown})"


# --- drafts --------------------------------------------------------------------------------

def create_draft(conn: Connection, kind: str, member: str, customer: str, day: dt.date,
                 lines: Sequence[LineSpecIn], user: str, due: dt.date | None = None,
                 quote_id: int | None = None, terms: Terms | None = None) -> int:
    """A draft invoice or quote; returns its id. ``due`` is the validity date of a quote;
    ``terms`` an invoice's operation date, the customer's order reference, agreed terms."""
    if kind not in ("facture", "devis"):
        raise InputError(f"type de document : « {kind} » (facture ou devis)", field="kind")
    m = member_exists(conn, member)
    cust = party_row(conn, "customer", customer)
    d = day_int(day)
    _check_due(day, due)
    t = _checked_terms(kind, day, due, terms or Terms())
    lines = resolve_lines(conn, m, lines)
    _check_lines(conn, lines, d)
    res = conn.execute(insert(Draft).values(
        kind=kind, member=m, customer_id=cust.id, day=d,
        due_day=day_int(due) if due else None, quote_id=quote_id, created_at=now_iso(),
        created_by=user, **_terms_columns(t)))
    draft_id = int(res.inserted_primary_key[0])  # type: ignore[index]
    _write_draft_lines(conn, draft_id, lines)
    return draft_id


def _write_draft_lines(conn: Connection, draft_id: int, lines: Sequence[LineInput]) -> None:
    conn.execute(insert(DraftLine), [{
        "draft_id": draft_id, "line_no": i, "description": ln.description,
        "product": ln.product, "quantity_milli": ln.quantity_milli, "unit": ln.unit,
        "unit_price": ln.unit_price, "vat_bp": ln.vat_bp, "account": ln.account,
        "exemption": ln.exemption}
        for i, ln in enumerate(lines, 1)])


def _terms_columns(t: Terms) -> dict[str, Any]:
    return {"operation_day": day_int(t.operation) if t.operation else None,
            "order_ref": t.order_ref, "agreed_terms": int(t.agreed_terms)}


def _check_due(day: dt.date, due: dt.date | None) -> None:
    check_date(day, field="day")
    if due is not None:
        check_date(due, "échéance", field="due")
    if due is not None and due < day:
        raise InputError("échéance : ne peut précéder la date du document", field="due",
                         code="due.before_day")


def replace_draft(conn: Connection, draft_id: int, customer: str, day: dt.date,
                  lines: Sequence[LineSpecIn], due: dt.date | None = None,
                  terms: Terms | None = None) -> None:
    """Edit a draft: its customer, date, due date, terms and lines (a draft has no number
    yet). ``terms`` None keeps the draft's own."""
    draft = _draft(conn, draft_id)
    cust = party_row(conn, "customer", customer)
    d = day_int(day)
    _check_due(day, due)
    t = _checked_terms(draft.kind, day, due, terms if terms is not None else _draft_terms(draft))
    lines = resolve_lines(conn, draft.member, lines)
    _check_lines(conn, lines, d)
    conn.execute(update(Draft).where(Draft.id == draft.id).values(
        customer_id=cust.id, day=d, due_day=day_int(due) if due else None,
        **_terms_columns(t)))
    conn.execute(delete(DraftLine).where(DraftLine.draft_id == draft.id))
    _write_draft_lines(conn, draft.id, lines)


def delete_draft(conn: Connection, draft_id: int) -> None:
    _draft(conn, draft_id)
    conn.execute(delete(DraftLine).where(DraftLine.draft_id == draft_id))
    conn.execute(delete(Draft).where(Draft.id == draft_id))


def _draft(conn: Connection, draft_id: int) -> Any:
    d = conn.execute(select(Draft.__table__).where(Draft.id == draft_id)).first()
    if d is None:
        raise NotFoundError(f"brouillon n° {draft_id} introuvable (déjà émis ou supprimé ?)",
                            field="draft_id")
    return d


def _draft_terms(d: Any) -> Terms:
    return Terms(int_day(d.operation_day) if d.operation_day else None, d.order_ref,
                 bool(d.agreed_terms))


def draft_lines(conn: Connection, draft_id: int) -> list[LineInput]:
    rows = conn.execute(select(DraftLine.__table__).where(DraftLine.draft_id == draft_id)
                        .order_by(DraftLine.line_no))
    return [LineInput(r.description, r.quantity_milli, r.unit_price, r.vat_bp, r.account,
                      r.unit, r.product, r.exemption) for r in rows]


@dataclass(frozen=True)
class DraftView:
    id: int
    kind: str
    member: str
    customer: str
    day: dt.date
    due: dt.date | None
    lines: tuple[LineInput, ...]
    total_ht: int
    total_vat: int
    total_ttc: int
    terms: Terms = Terms()  # operation date, order reference, agreed terms


def draft_view(conn: Connection, draft_id: int) -> DraftView:
    d = _draft(conn, draft_id)
    lines = draft_lines(conn, draft_id)
    ht, vat, ttc = totals(lines)
    cust = party_by_id(conn, d.customer_id)
    return DraftView(d.id, d.kind, d.member, cust.code, int_day(d.day),
                     int_day(d.due_day) if d.due_day else None, tuple(lines), ht, vat, ttc,
                     _draft_terms(d))


def list_drafts(conn: Connection, kind: str | None = None) -> list[DraftView]:
    q = select(Draft.id).order_by(Draft.id)
    if kind:
        q = q.where(Draft.kind == kind)
    return [draft_view(conn, i) for i in conn.scalars(q)]


def totals(lines: Sequence[LineInput]) -> tuple[int, int, int]:
    per = vat_by_rate((line_total(ln.quantity_milli, ln.unit_price), ln.vat_bp) for ln in lines)
    ht = sum(b for _r, b, _v in per)
    vat = sum(v for _r, _b, v in per)
    return ht, vat, ht + vat


# --- issue -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Issued:
    id: int
    number: str
    view: DocumentView
    entry: str | None  # the ledger entry posted, e.g. VT-2026-000012
    warnings: tuple[str, ...] = ()  # e.g. a product invoiced beyond its stock
    pdf_sha256: str | None = None  # the archived PDF's SHA-256 (a quote's is sealed in the trail)


def _next_seq(conn: Connection, kind: str, year: int, day: int,
              today: dt.date | None = None) -> int:
    """The next number of a series, for a document dated ``day``. On PostgreSQL two
    bookkeepers may issue at once: the documents table is locked first, as ``BEGIN
    IMMEDIATE`` serialises writers on SQLite. The series stays in date order (a number's date
    is on or after the previous one's) and ``check_document_day`` applies."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("LOCK TABLE documents IN EXCLUSIVE MODE")
    last = conn.execute(select(Document.number, Document.day).where(
        Document.kind == kind, Document.year == year).order_by(Document.seq.desc()).limit(1)
    ).first()
    check_document_day(conn, day, today)
    if last is not None and day < last.day:
        raise InputError(
            f"date {_fr(day)} : la série des {SERIES_FR[kind]} suit l'ordre des dates et "
            f"{last.number} est du {_fr(last.day)} ; dater au {_fr(last.day)} ou après",
            field="day", code="day.series_order")
    return int(conn.scalar(select(func.coalesce(func.max(Document.seq), 0)).where(
        Document.kind == kind, Document.year == year)) or 0) + 1


SERIES_FR = {"facture": "factures", "avoir": "avoirs", "devis": "devis"}


def _fr(day: int) -> str:
    return f"{day % 100:02d}/{day // 100 % 100:02d}/{day // 10000}"


def check_document_day(conn: Connection, day: int, today: dt.date | None = None) -> None:
    """A document (invoice, credit note, quote, payout voucher) is never dated in a closed
    fiscal year, nor more than ``documents.max_future_days`` after ``today``."""
    closed = conn.execute(select(FiscalYear.year, FiscalYear.status).where(
        FiscalYear.start <= day, FiscalYear.end >= day, FiscalYear.status != "open")).first()
    if closed is not None:
        how = "clôturé définitivement" if closed.status == "final" else \
            "en clôture provisoire (ecp year reopen pour le rouvrir)"
        raise InputError(f"date {_fr(day)} : l'exercice {closed.year} est {how}",
                         field="day", code="day.year_closed")
    today = today or dt.datetime.now().astimezone().date()  # local day (api passes its own)
    ahead = settings_mod.max_future_days(company_mod.settings(conn))
    if int_day(day) > today + dt.timedelta(days=ahead):
        limit = day_int(today + dt.timedelta(days=ahead))
        raise InputError(f"date {_fr(day)} : plus de {ahead} jours après aujourd'hui "
                         f"({today.strftime('%d/%m/%Y')}) ; au plus le {_fr(limit)} "
                         "(paramètre documents.max_future_days)", field="day",
                         code="day.future")


def _member(conn: Connection, code: str) -> tuple[str, str | None]:
    r = conn.execute(select(Dimension.name, Dimension.name_ar).where(Dimension.code == code)
                     ).one()
    return r.name, r.name_ar


def _build_view(kind: str, num: str, day: int, seller: Company, member: str,
                member_names: tuple[str, str | None], customer: PartyView,
                lines: Sequence[LineInput], due_day: int | None,
                related: str | None, payment_terms: str, terms: Terms | None = None,
                late_penalty: str = "") -> DocumentView:
    t = terms or Terms()
    doc_lines = tuple(DocLine(ln.description, ln.quantity_milli, ln.unit, ln.unit_price,
                              ln.vat_bp, line_total(ln.quantity_milli, ln.unit_price),
                              ln.exemption, exemptions_mod.basis(ln.exemption))
                      for ln in lines)
    per = vat_by_rate((dl.total_ht, dl.vat_bp) for dl in doc_lines)
    ht = sum(b for _r, b, _v in per)
    vat = sum(v for _r, _b, v in per)
    d = int_day(day)
    return DocumentView(
        kind=kind,  # type: ignore[arg-type]
        number=num, issue_date=d, operation_date=t.operation or d, seller=seller,
        member_code=member,
        member_name=member_names[0], member_name_ar=member_names[1], customer=customer,
        lines=doc_lines, vat=tuple(VatLine(r, b, v) for r, b, v in per), total_ht=ht,
        total_vat=vat, total_ttc=ht + vat,
        due_date=int_day(due_day) if due_day and kind == "facture" else None,
        valid_until=int_day(due_day) if due_day and kind == "devis" else None,
        payment_terms=payment_terms if kind == "facture" else "",
        payment_method="virement bancaire, chèque ou espèces" if kind == "facture" else "",
        related=related, order_ref=t.order_ref, agreed_terms=t.agreed_terms,
        late_penalty=late_penalty if kind == "facture" else "",
        language=customer.language)


Archiver = Callable[[DocumentView], tuple[str, str]]
Archived = tuple[str | None, str | None]  # the archived PDF's name and SHA-256, if any

# The SHA-256 of a document's PDF is sealed into its entry's reference (« F-2026-000012
# pdf:<32 hex> »): the reference is part of the chained content, so a PDF replaced together
# with the SHA-256 recorded on the document no longer matches its entry. 128 bits of the hash
# keep the reference within its 100 characters; entries posted before this seal keep the bare
# number and hash as they always did.
PDF_SEAL = " pdf:"
PDF_SEAL_HEX = 32


def sealed_reference(num: str, pdf_sha: str | None) -> str:
    """The reference of a document's entry: its number, and its PDF's seal when it has one."""
    return f"{num}{PDF_SEAL}{pdf_sha[:PDF_SEAL_HEX]}" if pdf_sha else num


def reference_seal(reference: str, num: str) -> str | None:
    """The PDF seal an entry's reference carries for document ``num`` (None: unsealed)."""
    prefix = num + PDF_SEAL
    return reference[len(prefix):] if reference.startswith(prefix) else None


# A quote has no entry: the SHA-256 of its PDF is sealed in the detail of its issue's audit
# event (« pdf:<64 hex> »), which the trail chains.
QUOTE_SEAL = "pdf:"


def quote_seal_detail(pdf_sha: str | None) -> str:
    """The detail of a quote's issue event: its PDF's seal (empty without a PDF)."""
    return f"{QUOTE_SEAL}{pdf_sha}" if pdf_sha else ""


def detail_seal(detail: str) -> str | None:
    """The PDF seal an issue event's detail carries (None: unsealed)."""
    for word in detail.split():
        if word.startswith(QUOTE_SEAL):
            return word[len(QUOTE_SEAL):]
    return None


def _archive(view: DocumentView, archive: Archiver | None) -> Archived:
    # The PDF is rendered once, at issue, by the caller's archiver, before the posting that
    # seals its SHA-256 (a failed transaction removes the file).
    return archive(view) if archive is not None else (None, None)


def _store(conn: Connection, kind: str, year: int, seq: int, view: DocumentView,
           member: str, customer_id: int, lines: Sequence[LineInput], due_day: int | None,
           related_id: int | None, entry_id: int | None, user: str,
           pdf: Archived) -> int:
    pdf_name, pdf_sha = pdf
    res = conn.execute(insert(Document).values(
        pdf_name=pdf_name, pdf_sha256=pdf_sha,
        kind=kind, year=year, seq=seq, number=view.number, member=member,
        customer_id=customer_id, day=day_int(view.issue_date), due_day=due_day,
        related_id=related_id, total_ht=view.total_ht, total_vat=view.total_vat,
        total_ttc=view.total_ttc, entry_id=entry_id, issued_at=now_iso(), issued_by=user,
        view_json=view_to_json(view)))
    doc_id = int(res.inserted_primary_key[0])  # type: ignore[index]
    conn.execute(insert(DocumentLine), [{
        "document_id": doc_id, "line_no": i, "description": ln.description,
        "product": ln.product, "quantity_milli": ln.quantity_milli, "unit": ln.unit,
        "unit_price": ln.unit_price, "vat_bp": ln.vat_bp, "account": ln.account,
        "total_ht": line_total(ln.quantity_milli, ln.unit_price)}
        for i, ln in enumerate(lines, 1)])
    conn.execute(insert(DocumentVat), [{"document_id": doc_id, "vat_bp": v.vat_bp,
                                        "base_ht": v.base_ht, "vat": v.vat} for v in view.vat])
    return doc_id


def issue(conn: Connection, draft_id: int, user: str, on: dt.date | None = None,
          archive: Archiver | None = None, today: dt.date | None = None) -> Issued:
    """Give the draft its number, post it (invoices) and freeze it; the draft goes away."""
    d = _draft(conn, draft_id)
    lines = draft_lines(conn, draft_id)
    day = day_int(on) if on else d.day
    _check_lines(conn, lines, day)
    seller = company_mod.company(conn)
    customer = party_by_id(conn, d.customer_id)
    kind = d.kind
    year = day // 10000
    seq = _next_seq(conn, kind, year, day, today)
    num = number(kind, year, seq)
    due_day = d.due_day
    terms = _draft_terms(d)
    start = terms.operation or int_day(day)
    if kind == "facture" and due_day is None:
        due_day = day_int(start + dt.timedelta(days=company_mod.due_days(conn)))
    if kind == "devis" and due_day is None:
        due_day = day_int(int_day(day) + dt.timedelta(days=QUOTE_DAYS))
    if due_day is not None and due_day < day:
        raise InputError("échéance : ne peut précéder la date du document", field="due",
                         code="due.before_day")
    payment_terms = penalty = ""
    if kind == "facture":
        assert due_day is not None
        check_due_terms(int_day(day), int_day(due_day), terms.operation, terms.agreed_terms)
        payment_terms = terms_text(int_day(day), int_day(due_day), terms.operation,
                                   terms.agreed_terms)
        penalty = company_mod.penalty_mention(conn)
    related = None
    if d.quote_id is not None:
        related = conn.scalar(select(Document.number).where(Document.id == d.quote_id))
    view = _build_view(kind, num, day, seller, d.member, _member(conn, d.member), customer,
                       lines, due_day, related, payment_terms, terms, penalty)
    entry_id = None
    entry_ref = None
    pdf = _archive(view, archive)
    if kind == "facture":
        posted = post(conn, _invoice_entry(conn, view, lines, d.member, pdf[1]), user)
        entry_id = posted.id
        entry_ref = posted.ref
    doc_id = _store(conn, kind, year, seq, view, d.member, d.customer_id, lines, due_day,
                    d.quote_id, entry_id, user, pdf)
    if d.quote_id is not None:
        conn.execute(insert(DocumentEvent).values(
            document_id=d.quote_id, action="facturé", day=day, other_id=doc_id,
            at=now_iso(), by=user))
    conn.execute(delete(DraftLine).where(DraftLine.draft_id == draft_id))
    conn.execute(delete(Draft).where(Draft.id == draft_id))
    return Issued(doc_id, num, view, entry_ref, pdf_sha256=pdf[1])


def _invoice_entry(conn: Connection, view: DocumentView, lines: Sequence[LineInput],
                   member: str, pdf_sha: str | None = None) -> JournalEntry:
    """Customer debit TTC; revenue credit per account; VAT credit, pending until paid
    (régime de l'encaissement) or due at once (débits)."""
    per_account: dict[str, int] = defaultdict(int)
    for ln in lines:
        per_account[ln.account] += line_total(ln.quantity_milli, ln.unit_price)
    on_payment = company_mod.vat_on_payment(conn, day_int(view.issue_date))
    vat_account = VAT_PENDING if on_payment else VAT_DUE
    who = view.customer.code
    specs = [LineSpec(RECEIVABLE, member, view.total_ttc, who, view.due_date)]
    specs += [LineSpec(acc, member, -amt) for acc, amt in sorted(per_account.items()) if amt]
    if view.total_vat:
        specs.append(LineSpec(vat_account, member, -view.total_vat))
    return JournalEntry("VT", view.issue_date, f"Facture {view.number} {view.customer.name}"[:300],
                        tuple(specs), reference=sealed_reference(view.number, pdf_sha))


# --- quotes ----------------------------------------------------------------------------------

def _doc(conn: Connection, num: str, kind: str | None = None, field: str = "number") -> Any:
    r = conn.execute(select(Document.__table__).where(Document.number == num.strip().upper())
                     ).first()
    if r is None or (kind is not None and r.kind != kind):
        what = {"facture": "facture", "avoir": "avoir", "devis": "devis"}.get(kind or "",
                                                                               "document")
        raise NotFoundError(f"{what} « {num} » introuvable", field=field)
    return r


def quote_state(conn: Connection, doc_id: int) -> str:
    acts = set(conn.scalars(select(DocumentEvent.action).where(
        DocumentEvent.document_id == doc_id)))
    if "facturé" in acts:
        return "facturé"
    if "accepté" in acts:
        return "accepté"
    return "émis"


def accept_quote(conn: Connection, num: str, on: dt.date, user: str) -> None:
    q = _doc(conn, num, "devis")
    state = quote_state(conn, q.id)
    if state != "émis":
        raise InputError(f"devis {q.number} : déjà {state}", field="number",
                         code="quote.state")
    if q.due_day and day_int(on) > q.due_day:
        raise InputError(f"devis {q.number} : expiré le {int_day(q.due_day).isoformat()}",
                         field="day", code="quote.expired")
    conn.execute(insert(DocumentEvent).values(document_id=q.id, action="accepté",
                                              day=day_int(on), at=now_iso(), by=user))


def invoice_quote(conn: Connection, num: str, on: dt.date, user: str,
                  archive: Archiver | None = None) -> Issued:
    """The invoice of an accepted quote, with its lines (rates valid on the invoice date)."""
    q = _doc(conn, num, "devis")
    state = quote_state(conn, q.id)
    if state != "accepté":
        raise InputError(f"devis {q.number} : {state}, à accepter d'abord"
                         if state == "émis" else f"devis {q.number} : déjà facturé",
                         field="number", code="quote.state")
    lines = _doc_lines(conn, q.id)
    cust = party_by_id(conn, q.customer_id)
    draft_id = create_draft(conn, "facture", q.member, cust.code, on, lines, user,
                            quote_id=q.id)
    return issue(conn, draft_id, user, archive=archive)


def _doc_lines(conn: Connection, doc_id: int) -> list[LineInput]:
    rows = conn.execute(select(DocumentLine.__table__).where(DocumentLine.document_id == doc_id)
                        .order_by(DocumentLine.line_no))
    # document_lines keep no exemption column: a line's code is in the frozen view
    view = view_from_json(conn.execute(select(Document.view_json)
                                       .where(Document.id == doc_id)).scalar_one())
    codes = [x.exemption for x in view.lines]
    return [LineInput(r.description, r.quantity_milli, r.unit_price, r.vat_bp, r.account,
                      r.unit, r.product, codes[i] if i < len(codes) else None)
            for i, r in enumerate(rows)]


# --- what an invoice owes --------------------------------------------------------------------

@dataclass(frozen=True)
class Settlement:
    paid: int  # by payments
    credited: int  # by credit notes
    remaining: int
    vat_taken: dict[int, tuple[int, int]]  # per rate: (base, VAT) already settled


def settlement(conn: Connection, invoice_id: int) -> Settlement:
    inv = conn.execute(select(Document.total_ttc).where(Document.id == invoice_id)).scalar_one()
    paid = credited = 0
    for pay_id, amt in conn.execute(select(Allocation.payment_id, Allocation.amount).where(
            Allocation.invoice_id == invoice_id)):
        if pay_id is None:
            credited += amt
        else:
            paid += amt
    taken: dict[int, tuple[int, int]] = {}
    q = (select(AllocationVat.vat_bp, func.sum(AllocationVat.base_ht), func.sum(AllocationVat.vat))
         .join(Allocation, Allocation.id == AllocationVat.allocation_id)
         .where(Allocation.invoice_id == invoice_id).group_by(AllocationVat.vat_bp))
    for bp, b, v in conn.execute(q):
        taken[bp] = (int(b), int(v))
    return Settlement(paid, credited, inv - paid - credited, taken)


def vat_share(conn: Connection, invoice_id: int, amount: int) -> list[tuple[int, int, int]]:
    """The (rate, base, VAT) settled by ``amount`` of what the invoice still owes."""
    s = settlement(conn, invoice_id)
    parts = [(r.vat_bp, r.base_ht, r.vat) for r in conn.execute(
        select(DocumentVat.vat_bp, DocumentVat.base_ht, DocumentVat.vat)
        .where(DocumentVat.document_id == invoice_id).order_by(DocumentVat.vat_bp.desc()))]
    # Pro rata of what remains: remaining parts over remaining TTC.
    rest = [(bp, base - s.vat_taken.get(bp, (0, 0))[0], vat - s.vat_taken.get(bp, (0, 0))[1])
            for bp, base, vat in parts]
    return prorata(rest, amount, s.remaining, settles=amount == s.remaining)


def record_allocation(conn: Connection, invoice_id: int, amount: int, day: int,
                      shares: list[tuple[int, int, int]], payment_id: int | None = None,
                      credit_note_id: int | None = None) -> None:
    res = conn.execute(insert(Allocation).values(
        payment_id=payment_id, credit_note_id=credit_note_id, invoice_id=invoice_id, day=day,
        amount=amount))
    alloc_id = int(res.inserted_primary_key[0])  # type: ignore[index]
    rows = [{"allocation_id": alloc_id, "vat_bp": bp, "base_ht": b, "vat": v}
            for bp, b, v in shares if b or v]
    if rows:
        conn.execute(insert(AllocationVat), rows)


# --- credit notes ----------------------------------------------------------------------------

def _cap_per_rate(conn: Connection, inv: Any, lines: Sequence[LineInput]) -> None:
    """Refuse a credit note whose base at a rate exceeds that rate's open base on the invoice
    (its base at that rate less what earlier credit notes took at it): otherwise the VAT of the
    other rate would stay pending on 44551 with nothing left to cash it.

    Worked example: invoice HT 1 000,00 at 20 % (VAT 200,00) + 1 000,00 at 10 % (VAT 100,00),
    TTC 2 300,00. A credit note of 1 500,00 HT at 10 % (TTC 1 650,00) stays under the TTC
    still creditable (2 300,00) but exceeds the 10 % base (1 000,00): refused, « taux 10 % :
    base de l'avoir 1 500,00 DH, base restant à créditer 1 000,00 DH ». After a first credit
    note of 400,00 HT at 10 %, the 10 % open base is 600,00: 600,00 passes, 600,01 does not.
    """
    inv_base = {r.vat_bp: r.base_ht for r in conn.execute(
        select(DocumentVat.vat_bp, DocumentVat.base_ht).where(
            DocumentVat.document_id == inv.id))}
    credited: dict[int, int] = defaultdict(int)
    for bp, base in conn.execute(
            select(DocumentVat.vat_bp, DocumentVat.base_ht)
            .join(Document, Document.id == DocumentVat.document_id)
            .where(Document.kind == "avoir", Document.related_id == inv.id)):
        credited[bp] += base
    for bp, base, _vat in vat_by_rate(
            (line_total(ln.quantity_milli, ln.unit_price), ln.vat_bp) for ln in lines):
        open_base = inv_base.get(bp, 0) - credited[bp]
        if base > open_base:
            raise InputError(f"avoir, taux {fmt_rate(bp)} : base de l'avoir {fmt_fr(base)} DH, "
                             f"base restant à créditer à ce taux sur {inv.number} "
                             f"{fmt_fr(max(open_base, 0))} DH", field="lines",
                             code="credit.rate_base")


def credit_note(conn: Connection, invoice_num: str, user: str, on: dt.date,
                lines: Sequence[LineInput] | None = None,
                archive: Archiver | None = None, today: dt.date | None = None) -> Issued:
    """An avoir on an issued invoice: whole (no lines) or partial, at the invoice's rates."""
    inv = _doc(conn, invoice_num, "facture", field="invoice")
    check_date(on, field="day")
    day = day_int(on)
    if day < inv.day:
        raise InputError(f"date : l'avoir ne peut précéder la facture ({int_day(inv.day)})",
                         field="day", code="day.before_invoice")
    inv_lines = _doc_lines(conn, inv.id)
    if lines is None or not lines:
        lines = inv_lines
    else:
        lines = [_checked_text(ln, i) for i, ln in enumerate(lines, 1)]
        inv_rates = {ln.vat_bp for ln in inv_lines}
        for i, ln in enumerate(lines, 1):
            if ln.vat_bp not in inv_rates:
                shown = ", ".join(fmt_rate(r) for r in sorted(inv_rates, reverse=True))
                raise InputError(f"ligne {i}, taux de TVA : {fmt_rate(ln.vat_bp)} ne figure pas "
                                 f"sur la facture {inv.number} ({shown})", field="lines.vat",
                                 line=i, code="vat.not_on_invoice")
    s = settlement(conn, inv.id)
    credited_before = conn.scalar(select(func.coalesce(func.sum(Document.total_ttc), 0)).where(
        Document.kind == "avoir", Document.related_id == inv.id)) or 0
    seller = company_mod.company(conn)
    customer = party_by_id(conn, inv.customer_id)
    year = day // 10000
    seq = _next_seq(conn, "avoir", year, day, today)
    num = number("avoir", year, seq)
    view = _build_view("avoir", num, day, seller, inv.member, _member(conn, inv.member),
                       customer, lines, None, inv.number, "")
    if view.total_ttc + credited_before > inv.total_ttc:
        raise InputError(f"avoir : {fmt_fr(view.total_ttc)} DH dépasse ce qui reste à créditer "
                         f"sur {inv.number} ({fmt_fr(inv.total_ttc - credited_before)} DH)"
                         .replace(".", ","), field="lines", code="credit.too_much")
    _cap_per_rate(conn, inv, lines)
    # The part of the credit that reduces what the invoice still owes takes its VAT off the
    # pending account; any VAT beyond what is pending (already cashed) is regularised on 4455.
    applied = min(view.total_ttc, s.remaining)
    pending_vat: list[tuple[int, int, int]] = []
    if applied and company_mod.vat_on_payment(conn, inv.day):  # the invoice's year's regime
        # Rate by rate: the credit note's own VAT, as far as that rate's VAT is still pending.
        inv_vat = {r.vat_bp: (r.base_ht, r.vat) for r in conn.execute(
            select(DocumentVat.vat_bp, DocumentVat.base_ht, DocumentVat.vat).where(
                DocumentVat.document_id == inv.id))}
        for v in view.vat:
            taken_base, taken_vat = s.vat_taken.get(v.vat_bp, (0, 0))
            base, vat = inv_vat.get(v.vat_bp, (0, 0))
            pending_vat.append((v.vat_bp, min(v.base_ht, max(base - taken_base, 0)),
                                min(v.vat, max(vat - taken_vat, 0))))
    from_pending = sum(v for _bp, _b, v in pending_vat)
    per_account: dict[str, int] = defaultdict(int)
    for ln in lines:
        per_account[ln.account] += line_total(ln.quantity_milli, ln.unit_price)
    m = inv.member
    specs = [LineSpec(acc, m, amt) for acc, amt in sorted(per_account.items()) if amt]
    if from_pending:
        specs.append(LineSpec(VAT_PENDING, m, from_pending))
    if view.total_vat - from_pending:
        specs.append(LineSpec(VAT_DUE, m, view.total_vat - from_pending))
    specs.append(LineSpec(RECEIVABLE, m, -view.total_ttc, customer.code))
    pdf = _archive(view, archive)
    posted = post(conn, JournalEntry("VT", on, f"Avoir {num} sur {inv.number}"[:300],
                                     tuple(specs), reference=sealed_reference(num, pdf[1])),
                  user)
    doc_id = _store(conn, "avoir", year, seq, view, m, inv.customer_id, lines, None, inv.id,
                    posted.id, user, pdf)
    if applied:
        record_allocation(conn, inv.id, applied, day, pending_vat, credit_note_id=doc_id)
    return Issued(doc_id, num, view, posted.ref, pdf_sha256=pdf[1])


# --- reading ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DocumentRow:
    id: int
    kind: str
    number: str
    day: dt.date
    due: dt.date | None
    member: str
    customer: str
    customer_name: str
    total_ht: int
    total_vat: int
    total_ttc: int
    paid: int
    credited: int
    remaining: int
    status: str  # see ``_status``; devis: émis, accepté…
    related: str | None


def _status(kind: str, row: Any, s: Settlement | None, today: int, quote: str) -> str:
    """An invoice's status, exactly: « payée » (nothing left, something paid), « annulée par
    avoir » (nothing left, nothing paid: credit notes settled it), « en retard » (its due date
    passed and something is left), « partiellement payée » (something paid, something left,
    not due), « émise » (nothing paid, not due — a credit note for part of it pays nothing).
    A quote has its own state; a credit note is « émis »."""
    if kind == "devis":
        return quote
    if kind == "avoir":
        return "émis"
    assert s is not None
    if s.remaining <= 0:
        return "payée" if s.paid else "annulée par avoir"
    if row.due_day and row.due_day < today:
        return "en retard"
    return "partiellement payée" if s.paid else "émise"


def list_documents(conn: Connection, kind: str = "facture", member: str | None = None,
                   customer: str | None = None, status: str | None = None, *,
                   today: dt.date) -> list[DocumentRow]:
    """The issued documents of ``kind``; ``today`` (the books' date) tells which are late."""
    t = day_int(today)
    q = (select(Document.__table__, Party.code.label("ccode"), Party.name.label("cname"))
         .join(Party, Party.id == Document.customer_id).where(Document.kind == kind)
         .order_by(Document.year, Document.seq))
    if member:
        q = q.where(Document.member == member.strip().upper())
    if customer:
        q = q.where(Party.code == customer.strip().upper())
    out = []
    related = dict(conn.execute(select(Document.id, Document.number)).all())
    for r in conn.execute(q):
        s = settlement(conn, r.id) if kind == "facture" else None
        st = _status(kind, r, s, t, quote_state(conn, r.id) if kind == "devis" else "")
        out.append(DocumentRow(
            r.id, kind, r.number, int_day(r.day), int_day(r.due_day) if r.due_day else None,
            r.member, r.ccode, r.cname, r.total_ht, r.total_vat, r.total_ttc,
            s.paid if s else 0, s.credited if s else 0, s.remaining if s else 0, st,
            related.get(r.related_id) if r.related_id else None))
    if status:
        wanted = STATUS_ALIASES.get(status, status)
        out = [r for r in out if r.status in wanted]
    return out


STATUS_ALIASES = {"draft": ("brouillon",), "issued": ("émise", "émis"),
                  "partial": ("partiellement payée",), "paid": ("payée", "annulée par avoir"),
                  "overdue": ("en retard",)}


def document_view(conn: Connection, num: str) -> DocumentView:
    """The document exactly as issued."""
    return view_from_json(_doc(conn, num).view_json)


def document_row(conn: Connection, num: str) -> Any:
    return _doc(conn, num)


# --- JSON of a frozen view -------------------------------------------------------------------

def view_to_json(view: DocumentView) -> str:
    def conv(o: Any) -> Any:
        if isinstance(o, dt.date):
            return o.isoformat()
        raise TypeError(type(o))
    return json.dumps(dataclasses.asdict(view), default=conv, ensure_ascii=False,
                      sort_keys=True)


def view_from_json(text: str) -> DocumentView:
    d = json.loads(text)
    for k in ("issue_date", "operation_date", "due_date", "valid_until"):
        if d.get(k):
            d[k] = dt.date.fromisoformat(d[k])
    d["seller"] = Company(**d["seller"])
    d["customer"] = PartyView(**d["customer"])
    d["lines"] = tuple(DocLine(**x) for x in d["lines"])
    d["vat"] = tuple(VatLine(**x) for x in d["vat"])
    d["notes"] = tuple(d.get("notes", ()))
    return DocumentView(**d)
