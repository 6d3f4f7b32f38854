"""Two filings to the DGI drawn from the books, as pure queries (they read, never write; the
files are written by ``ecp.reports.filings_xml``, the formats are in ``docs/formats.md``):

- the **relevé des déductions** of a VAT period (CGI art. 112, SIMPL-TVA): one line per supplier
  bill payment of the period whose VAT became deductible (régime de l'encaissement: the payment
  is the fait générateur of the deduction), so that its VAT column adds up to the period's
  deductible VAT of the return (``vat_report(...).deductible_vat``);
- the **déclaration des délais de paiement** of a quarter (loi 69-21): the invoices paid late in
  the quarter, or still unpaid past their due date at its end.

Relevé, figures of one line (a payment ``paid`` TTC carrying the VAT ``v`` that left the pending
account 34554/34553, of which ``tva`` became deductible on 34552/34551 and ``charged`` went to
the bill's account because of the cash limits, CGI art. 11 and 106):

- ``mht = paid − v`` (``v = tva + charged``): the HT share the payment settled, as the VAT report
  counts it (its deductible base);
- ``tva``: the VAT deducted, never the charged part — the relevé justifies the deduction;
- ``ttc = mht + tva``: so that every line satisfies TTC = HT + TVA (what the DGI's template and
  every public validator check). It equals the amount paid except when part of the VAT was
  charged (cash over the limit), where it is less by ``charged``; the CSV twin shows the amount
  paid and the charged VAT beside it.

Amounts are signed: a supplier credit note (not in the model today) would be a negative line.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Connection, func, select

from ecp import settings as settings_mod
from ecp.db.models import (
    Account,
    Allocation,
    Document,
    DocumentLine,
    Entry,
    Expense,
    ExpensePayment,
    Line,
    Party,
    Payment,
)
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_fr
from ecp.ledger.entry import day_int, entry_ref, int_day
from ecp.sales import company as company_mod
from ecp.sales.delays import term_on
from ecp.sales.parties import FOREIGN_SUPPLIER_ID
from ecp.sales.vat_report import vat_report

# Payment mode codes of the DGI's files (relevé ``mp/id``, délais ``modePaiement``).
PAYMENT_MODES: dict[str, int] = {"especes": 1, "cheque": 2, "prelevement": 3, "virement": 4,
                                 "effet": 5, "compensation": 6}
OTHER_MODE = 7  # « autres »
MODE_LABELS: dict[int, str] = {1: "espèces", 2: "chèque", 3: "prélèvement", 4: "virement",
                               5: "effet", 6: "compensation", 7: "autres"}

# ``regime`` of the relevé's header: the filing frequency, which says how to read ``periode``
# (1..12 or 1..4). See docs/formats.md for why this reading and not « 1 encaissement, 2 débits ».
MONTHLY, QUARTERLY = 1, 2

# ``activite`` of the délais header: 1 = a business in activity (2 would be one under a
# collective procedure, which then also needs the date of the judgment). [?] docs/formats.md
ACTIVITY_NORMAL = 1

# Loi 69-21 applies to businesses whose HT turnover of the last closed year exceeds these
# amounts (centimes), phased in by date [S]: (valid_from, valid_to exclusive or None, centimes).
DELAYS_THRESHOLDS: tuple[tuple[dt.date, dt.date | None, int], ...] = (
    (dt.date(2023, 7, 1), dt.date(2024, 1, 1), 5_000_000_000),
    (dt.date(2024, 1, 1), dt.date(2025, 1, 1), 1_000_000_000),
    (dt.date(2025, 1, 1), None, 200_000_000),
)


def mode_code(method: str | None) -> int | None:
    """The DGI code of an ECP payment method (``virement`` → 4), None without a payment."""
    if method is None:
        return None
    return PAYMENT_MODES.get(method, OTHER_MODE)


# --- the period of a filing ------------------------------------------------------------------

def _months_later(d: dt.date, n: int) -> dt.date:
    m = d.month - 1 + n
    return dt.date(d.year + m // 12, m % 12 + 1, 1)


@dataclass(frozen=True)
class FilingPeriod:
    """A calendar month or quarter as the DGI's headers number it."""

    start: dt.date
    end: dt.date  # exclusive
    year: int  # annee
    number: int  # periode: 1..12 (month) or 1..4 (quarter)
    regime: int  # MONTHLY | QUARTERLY

    @property
    def label(self) -> str:
        return f"{self.year}-{self.number:02d}" if self.regime == MONTHLY \
            else f"{self.year}-Q{self.number}"

    @property
    def last_day(self) -> dt.date:
        return self.end - dt.timedelta(days=1)


def filing_period(start: dt.date, end: dt.date) -> FilingPeriod:
    """``[start, end)`` as a calendar month or quarter; InputError (field ``period``) else."""
    if start.day == 1 and end == _months_later(start, 1):
        return FilingPeriod(start, end, start.year, start.month, MONTHLY)
    if start.day == 1 and start.month % 3 == 1 and end == _months_later(start, 3):
        return FilingPeriod(start, end, start.year, (start.month + 2) // 3, QUARTERLY)
    raise InputError(f"période : du {start.isoformat()} au {(end - dt.timedelta(days=1))}"
                     " n'est ni un mois ni un trimestre civil (AAAA-MM ou AAAA-Qn)",
                     field="period", code="period.shape")


def _company_if(conn: Connection) -> str:
    ident = company_mod.settings(conn).get("company.if", "").strip()
    if not ident:
        raise InputError("identifiant fiscal de l'ECP : à renseigner (ecp settings set "
                         "company.if …), il identifie le déclarant", field="company.if",
                         code="company.if")
    return ident


# --- relevé des déductions -------------------------------------------------------------------

@dataclass(frozen=True)
class ReleveRow:
    """One line of the relevé: one payment of a supplier bill (see the module for the figures)."""

    ord: int
    payment_id: int
    expense_id: int
    member: str
    number: str  # the supplier's invoice number, or « dépense n° ID »
    designation: str
    mht: int
    tva: int  # deductible VAT
    charged: int  # VAT of the payment charged to the bill's account (cash limits)
    paid: int  # TTC paid
    supplier: str  # code
    supplier_if: str
    supplier_name: str
    supplier_ice: str  # FOREIGN_SUPPLIER_ID for a foreign supplier
    vat_bp: int
    method: str
    paid_on: dt.date
    invoice_on: dt.date

    @property
    def ttc(self) -> int:
        return self.mht + self.tva

    @property
    def mode(self) -> int:
        return PAYMENT_MODES.get(self.method, OTHER_MODE)


@dataclass(frozen=True)
class Releve:
    period: FilingPeriod
    identifiant_fiscal: str  # the ECP's IF
    rows: tuple[ReleveRow, ...]
    warnings: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return self.period.label

    @property
    def mht(self) -> int:
        return sum(r.mht for r in self.rows)

    @property
    def tva(self) -> int:
        return sum(r.tva for r in self.rows)

    @property
    def ttc(self) -> int:
        return sum(r.ttc for r in self.rows)

    @property
    def charged(self) -> int:
        return sum(r.charged for r in self.rows)

    @property
    def paid(self) -> int:
        return sum(r.paid for r in self.rows)


def _supplier_problem(if_number: str | None, ice: str | None) -> str | None:
    """Why a supplier cannot appear on the relevé, or None. Foreign: the customs IF and no
    ICE (``sales.parties.FOREIGN_SUPPLIER_ID``); Moroccan: both an IF and an ICE."""
    ident, ice_ = (if_number or "").strip(), (ice or "").strip()
    if ident == FOREIGN_SUPPLIER_ID and not ice_:
        return None
    missing = [w for w, v in (("IF", ident), ("ICE", ice_)) if not v]
    return " et ".join(missing) + " manquant" + ("s" if len(missing) > 1 else "") \
        if missing else None


def releve_deductions(conn: Connection, start: dt.date, end: dt.date) -> Releve:
    """The relevé des déductions of the month or quarter ``[start, end)``.

    One line per supplier-bill payment dated in the period whose deductible VAT is not zero,
    in the order of the payments (day, then recording order). A payment whose whole VAT was
    charged (cash limits) deducts nothing and is not listed. A Moroccan supplier without IF or
    ICE makes the relevé impossible: InputError naming each one (field ``supplier``, code
    ``supplier.ids``). Warnings: deductible VAT of the period posted outside supplier bills
    (entries typed by hand: in the return, absent from the relevé), bills without the
    supplier's invoice number, a period shape other than the ``vat.filing`` setting."""
    period = filing_period(start, end)
    ident = _company_if(conn)
    s, e = day_int(start), day_int(end)
    charged = (select(func.coalesce(func.sum(Line.amount), 0))
               .where(Line.entry_id == ExpensePayment.entry_id,
                      Line.account == Expense.account).scalar_subquery())
    q = (select(ExpensePayment.id, ExpensePayment.day, ExpensePayment.method,
                ExpensePayment.amount, ExpensePayment.vat, charged.label("charged"),
                Expense.id.label("eid"), Expense.member, Expense.day.label("eday"),
                Expense.account, Expense.vat_bp, Expense.reference,
                Account.name.label("aname"), Entry.label.label("elabel"),
                Party.code, Party.name, Party.if_number, Party.ice)
         .join(Expense, Expense.id == ExpensePayment.expense_id)
         .join(Party, Party.id == Expense.supplier_id)
         .join(Entry, Entry.id == Expense.entry_id)
         .outerjoin(Account, Account.code == Expense.account)
         .where(ExpensePayment.day >= s, ExpensePayment.day < e, ExpensePayment.vat != 0)
         .order_by(ExpensePayment.day, ExpensePayment.id))
    found = list(conn.execute(q))
    bad = {}
    for r in found:
        why = _supplier_problem(r.if_number, r.ice)
        if why:
            bad[r.code] = f"{r.code} ({r.name}) : {why}"
    if bad:
        raise InputError("relevé des déductions impossible, fournisseur(s) marocain(s) sans IF "
                         "ou ICE : " + " ; ".join(bad[c] for c in sorted(bad))
                         + " (à compléter : ecp supplier edit CODE --if … --ice …)",
                         field="supplier", code="supplier.ids")
    rows = []
    for i, r in enumerate(found, 1):
        ch = int(r.charged or 0)
        foreign = (r.if_number or "").strip() == FOREIGN_SUPPLIER_ID and not r.ice
        rows.append(ReleveRow(
            ord=i, payment_id=r.id, expense_id=r.eid, member=r.member,
            number=r.reference.strip() or f"dépense n° {r.eid}",
            designation=(r.aname or "").strip() or r.elabel, mht=r.amount - r.vat - ch,
            tva=r.vat, charged=ch, paid=r.amount, supplier=r.code,
            supplier_if=r.if_number.strip(), supplier_name=r.name,
            supplier_ice=FOREIGN_SUPPLIER_ID if foreign else r.ice.strip(), vat_bp=r.vat_bp,
            method=r.method, paid_on=int_day(r.day), invoice_on=int_day(r.eday)))
    rel = Releve(period, ident, tuple(rows))
    return dataclasses.replace(rel, warnings=_releve_warnings(conn, rel))


def _releve_warnings(conn: Connection, rel: Releve) -> tuple[str, ...]:
    out = []
    report = vat_report(conn, rel.period.start, rel.period.end)
    if report.deductible_vat != rel.tva:
        out.append(f"TVA déductible de la déclaration {fmt_fr(report.deductible_vat)} DH, du "
                   f"relevé {fmt_fr(rel.tva)} DH : {fmt_fr(report.deductible_vat - rel.tva)} "
                   "DH passés par des écritures hors factures fournisseurs, absents du relevé")
    unnumbered = [str(r.expense_id) for r in rel.rows if r.number.startswith("dépense n° ")]
    if unnumbered:
        out.append("sans numéro de facture du fournisseur (référence), la dépense est citée "
                   f"par son numéro : dépense(s) {', '.join(unnumbered)}")
    filing = settings_mod.value(company_mod.settings(conn), "vat.filing")
    shape = "mensuel" if rel.period.regime == MONTHLY else "trimestriel"
    if filing != shape:
        out.append(f"périodicité : relevé {shape} alors que vat.filing = {filing}")
    return tuple(out)


# --- délais de paiement (loi 69-21) ----------------------------------------------------------

CLIENT, SUPPLIER = "client", "fournisseur"


@dataclass(frozen=True)
class DelayRow:
    """An invoice paid late in the period, or unpaid past its due date at its end.

    ``paid_late``: what was paid after the due date within the period (several late payments
    are summed; date, method and reference are the last one's); ``unpaid``: what it still owed
    at the end (TTC less payments and credit notes up to then); ``days_late``: from the due
    date to the last late payment, or to the end of the period while unpaid."""

    side: str  # CLIENT | SUPPLIER
    member: str
    number: str
    party: str  # code
    party_name: str
    party_if: str
    party_rc: str
    party_ice: str
    address: str
    issued: dt.date
    nature: str
    due: dt.date
    ttc: int
    unpaid: int
    paid_late: int
    paid_late_on: dt.date | None
    method: str | None
    payment_reference: str
    days_late: int

    @property
    def delivered(self) -> dt.date:
        """The delivery date the DGI asks for: the invoice's date (the ECP invoices what it
        delivered the same day; no delivery date is recorded)."""
        return self.issued

    @property
    def mode(self) -> int | None:
        return mode_code(self.method)


@dataclass(frozen=True)
class _Pay:
    day: int
    amount: int
    method: str
    reference: str


def _cutoff(start: dt.date, end: dt.date, at: dt.date) -> dt.date:
    """The day at whose close the situation is read: the period's last day, or ``at`` while
    the period runs; InputError when the period has not begun."""
    if end <= start:
        raise InputError("période : la fin doit suivre le début", field="period")
    if at < start:
        raise InputError(f"période : commence le {start.isoformat()}, après le "
                         f"{at.isoformat()}", field="period", code="period.future")
    return min(at, end - dt.timedelta(days=1))


def _row(side: str, head: Mapping[str, Any], due: dt.date, ttc: int, settled: int,
         pays: list[_Pay], start: int, last: dt.date) -> DelayRow | None:
    """The row of one invoice, or None when it was neither paid late in the period nor is
    unpaid past due at ``last``. ``settled``: payments and credit notes up to ``last``."""
    due_i, last_i = day_int(due), day_int(last)
    late = [p for p in pays if start <= p.day <= last_i and p.day > due_i]
    unpaid = ttc - settled
    if not late and not (unpaid > 0 and due < last):
        return None
    final = late[-1] if late else None
    until = int_day(final.day) if final and unpaid <= 0 else last
    return DelayRow(
        side=side, member=head["member"], number=head["number"], party=head["code"],
        party_name=head["name"], party_if=(head["if_number"] or "").strip(),
        party_rc=(head["rc"] or "").strip(), party_ice=(head["ice"] or "").strip(),
        address=", ".join(x.strip() for x in (head["address"], head["city"]) if x.strip()),
        issued=int_day(head["day"]), nature=head["nature"], due=due, ttc=ttc,
        unpaid=max(unpaid, 0), paid_late=sum(p.amount for p in late),
        paid_late_on=int_day(final.day) if final else None,
        method=final.method if final else None,
        payment_reference=final.reference if final else "", days_late=(until - due).days)


def _due(day: int, due_day: int | None) -> dt.date:
    issued = int_day(day)
    return int_day(due_day) if due_day else \
        issued + dt.timedelta(days=term_on(issued).default_days)


def _ref(journal: str, year: int, number: int) -> str:
    return entry_ref(journal, year, number)


def delais_paiement(conn: Connection, start: dt.date, end: dt.date, at: dt.date
                    ) -> list[DelayRow]:
    """Customer invoices and supplier bills paid late in ``[start, end)`` or unpaid past due at
    its end, read at the close of ``min(at, last day)`` (``at``: the books' today, so that a
    running quarter reads as it stands). A payment on the due date is on time; an invoice is
    late unpaid from the day after its due date. Customers who are consumers are left out
    (loi 69-21 binds traders). Due dates: the invoice's, the supplier line's (44111), else the
    legal default after the invoice date (``delays.term_on``). Sorted by side, date, number."""
    last = _cutoff(start, end, at)
    s = day_int(start)
    rows = [r for r in (*_client_rows(conn, s, last), *_supplier_rows(conn, s, last))
            if r is not None]
    return sorted(rows, key=lambda r: (r.side, r.issued, r.number))


def _client_rows(conn: Connection, s: int, last: dt.date) -> list[DelayRow | None]:
    last_i = day_int(last)
    settled: dict[int, int] = defaultdict(int)
    pays: dict[int, list[_Pay]] = defaultdict(list)
    for a in conn.execute(
            select(Allocation.invoice_id, Allocation.day, Allocation.amount,
                   Allocation.payment_id, Payment.method, Payment.reference, Entry.journal,
                   Entry.fiscal_year, Entry.number)
            .outerjoin(Payment, Payment.id == Allocation.payment_id)
            .outerjoin(Entry, Entry.id == Payment.entry_id)
            .where(Allocation.day <= last_i).order_by(Allocation.day, Allocation.id)):
        settled[a.invoice_id] += a.amount
        if a.payment_id is not None:
            pays[a.invoice_id].append(_Pay(a.day, a.amount, a.method, a.reference.strip()
                                           or _ref(a.journal, a.fiscal_year, a.number)))
    docs = list(conn.execute(
        select(Document.id, Document.member, Document.number, Document.day, Document.due_day,
               Document.total_ttc, Party.code, Party.name, Party.if_number, Party.rc,
               Party.ice, Party.address, Party.city)
        .join(Party, Party.id == Document.customer_id)
        .where(Document.kind == "facture", Document.day <= last_i, Party.consumer == 0)
        .order_by(Document.day, Document.id)))
    natures: dict[int, list[str]] = defaultdict(list)
    ids = [d.id for d in docs]
    for i in range(0, len(ids), 500):
        for doc_id, desc in conn.execute(
                select(DocumentLine.document_id, DocumentLine.description)
                .where(DocumentLine.document_id.in_(ids[i:i + 500]))
                .order_by(DocumentLine.document_id, DocumentLine.line_no)):
            if desc and desc not in natures[doc_id]:
                natures[doc_id].append(desc)
    out = []
    for d in docs:
        head = {**d._mapping, "nature": ", ".join(natures[d.id])[:300]}
        out.append(_row(CLIENT, head, _due(d.day, d.due_day), d.total_ttc, settled[d.id],
                        pays[d.id], s, last))
    return out


def _supplier_rows(conn: Connection, s: int, last: dt.date) -> list[DelayRow | None]:
    last_i = day_int(last)
    pays: dict[int, list[_Pay]] = defaultdict(list)
    for p in conn.execute(
            select(ExpensePayment.expense_id, ExpensePayment.day, ExpensePayment.amount,
                   ExpensePayment.method, Entry.journal, Entry.fiscal_year, Entry.number)
            .join(Entry, Entry.id == ExpensePayment.entry_id)
            .where(ExpensePayment.day <= last_i)
            .order_by(ExpensePayment.day, ExpensePayment.id)):
        pays[p.expense_id].append(_Pay(p.day, p.amount, p.method,
                                       _ref(p.journal, p.fiscal_year, p.number)))
    due_line = (select(func.max(Line.due_day))
                .where(Line.entry_id == Expense.entry_id, Line.account == "44111")
                .scalar_subquery())
    out = []
    for x in conn.execute(
            select(Expense.id, Expense.member, Expense.day, Expense.reference,
                   Expense.amount_ht, Expense.vat, due_line.label("due_day"),
                   Account.name.label("aname"), Party.code, Party.name, Party.if_number,
                   Party.rc, Party.ice, Party.address, Party.city)
            .join(Party, Party.id == Expense.supplier_id)
            .outerjoin(Account, Account.code == Expense.account)
            .where(Expense.day <= last_i).order_by(Expense.day, Expense.id)):
        head = {**x._mapping, "number": x.reference.strip() or f"dépense n° {x.id}",
                "nature": (x.aname or "").strip()}
        paid = sum(p.amount for p in pays[x.id])
        out.append(_row(SUPPLIER, head, _due(x.day, x.due_day), x.amount_ht + x.vat, paid,
                        pays[x.id], s, last))
    return out


@dataclass(frozen=True)
class Delais:
    """The déclaration des délais de paiement of a quarter: its header and its rows (both
    sides; the DGI's file holds the supplier side, see ``ecp.reports.filings_xml``)."""

    period: FilingPeriod
    identifiant_fiscal: str
    activity: int  # activite
    turnover: int  # chiffreAffaire: HT turnover of the previous year
    as_of: dt.date  # the day at whose close the situation is read
    rows: tuple[DelayRow, ...]
    warnings: tuple[str, ...] = field(default=())

    @property
    def label(self) -> str:
        return self.period.label

    def side(self, side: str) -> tuple[DelayRow, ...]:
        return tuple(r for r in self.rows if r.side == side)

    def totals(self, side: str) -> tuple[int, int, int]:
        """(TTC, not yet paid, paid late) of one side."""
        rows = self.side(side)
        return (sum(r.ttc for r in rows), sum(r.unpaid for r in rows),
                sum(r.paid_late for r in rows))


def turnover(conn: Connection, year: int) -> int:
    """HT turnover of ``year`` (centimes), all members: invoices less credit notes."""
    rows = conn.execute(select(Document.kind, func.sum(Document.total_ht))
                        .where(Document.day >= year * 10000, Document.day < (year + 1) * 10000,
                               Document.kind.in_(("facture", "avoir")))
                        .group_by(Document.kind)).all()
    by_kind = {k: int(v or 0) for k, v in rows}
    return by_kind.get("facture", 0) - abs(by_kind.get("avoir", 0))


def delays_threshold(day: dt.date) -> int | None:
    """The turnover above which loi 69-21's declaration is due on ``day`` (None before)."""
    for start, stop, cents in DELAYS_THRESHOLDS:
        if start <= day and (stop is None or day < stop):
            return cents
    return None


def delais_declaration(conn: Connection, start: dt.date, end: dt.date, at: dt.date) -> Delais:
    """The declaration of the quarter ``[start, end)`` read at ``at`` (see ``delais_paiement``);
    InputError (field ``period``) for anything but a calendar quarter. Warnings: the period
    not over yet, the previous year's turnover at or under the legal threshold."""
    period = filing_period(start, end)
    if period.regime != QUARTERLY:
        raise InputError(f"période : {period.label}, la déclaration des délais de paiement est "
                         "trimestrielle (AAAA-Qn)", field="period", code="period.quarter")
    ident = _company_if(conn)
    rows = delais_paiement(conn, start, end, at)
    as_of = min(at, period.last_day)
    ca = turnover(conn, period.year - 1)
    warnings = []
    if as_of < period.last_day:
        warnings.append(f"trimestre en cours : situation au {as_of.isoformat()}, à refaire "
                        f"après le {period.last_day.isoformat()}")
    limit = delays_threshold(period.start)
    if limit is not None and ca <= limit:
        warnings.append(f"chiffre d'affaires {period.year - 1} de {fmt_fr(ca)} DH, au plus "
                        f"{fmt_fr(limit)} DH : la déclaration n'est pas obligatoire (loi 69-21)")
    return Delais(period, ident, ACTIVITY_NORMAL, ca, as_of, tuple(rows), tuple(warnings))
