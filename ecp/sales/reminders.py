"""What happened to an invoice (its history), reminders of overdue invoices (relance, mise en
demeure) and the dunning list.

An invoice's **history**, in date order: its issue, each payment allocated to it (date, amount,
method, reference, entry), each credit note on it, each bank statement line matched to one of
its payments' entries, each reminder sent.

**What is due at a date** is its TTC less the payments and credit notes allocated to it on or
before that date (``Allocation.day``); it is **overdue** at that date when something is due
and its due date is before it. Days late = date − due date.

**Reminders**: level 1 (« Relance ») for an overdue invoice; level 2 (« Mise en demeure »)
only once a level 1 was sent at least ``sales.reminder_gap_days`` days earlier (default 15).
The same invoice is not reminded twice at the same level on the same day. Each letter is
logged (``invoice_reminders``, insert-only) with what was due that day and the penalty.

**Penalty** (``sales.penalty_rate``, « par mois de retard, sur le montant TTC restant dû »):
a month of delay is 30 days, a month begun counts whole (loi 69-21 counts « par mois ou
fraction de mois »): months = ⌈days late / 30⌉, penalty = amount due × rate × months,
rounded half-up to the centime. Without a rate set, the letter recalls the loi 69-21 fine and
computes no amount (the policy rate of Bank Al-Maghrib is not data of the books).

Nothing here commits: ``ecp.api`` owns the transaction.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, func, insert, select

from ecp import settings as settings_mod
from ecp.db.models import (
    Allocation,
    BankLine,
    Dimension,
    Document,
    Entry,
    InvoiceReminder,
    Payment,
)
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import fmt_fr
from ecp.kernel.periods import check_date
from ecp.kernel.units import fmt_rate, half_up_div, parse_percent
from ecp.ledger.entry import day_int, entry_ref, int_day
from ecp.ledger.posting import now_iso
from ecp.sales import company as company_mod
from ecp.sales.documents import check_document_day
from ecp.sales.parties import party_by_id
from ecp.sales.views import Company, PartyView

LEVELS = {1: "Relance", 2: "Mise en demeure"}
DAYS_PER_MONTH = 30  # a month of delay, for the penalty
PAY_WITHIN = {1: 15, 2: 8}  # days the letter gives to pay
BANDS = ((1, 30, "1-30", "1 à 30 j"), (31, 60, "31-60", "31 à 60 j"),
         (61, 90, "61-90", "61 à 90 j"), (91, None, "plus-90", "plus de 90 j"))
METHOD_LABELS = {"virement": "virement", "cheque": "chèque", "especes": "espèces",
                 "effet": "effet"}


def _fr(d: dt.date) -> str:
    return d.strftime("%d/%m/%Y")


# --- reading an invoice ----------------------------------------------------------------------

def _invoice(conn: Connection, number: str) -> Any:
    num = number.strip().upper()
    r = conn.execute(select(Document.__table__).where(Document.number == num)).first()
    if r is None or r.kind != "facture":
        raise NotFoundError(f"facture « {number} » introuvable", field="number",
                            code="number.unknown")
    return r


def _refs(conn: Connection, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    return {i: entry_ref(j, y, n) for i, j, y, n in conn.execute(
        select(Entry.id, Entry.journal, Entry.fiscal_year, Entry.number)
        .where(Entry.id.in_(ids)))}


@dataclass(frozen=True)
class Due:
    """What an invoice owes at a date."""

    total_ttc: int
    paid: int  # by payments allocated on or before the date
    credited: int  # by credit notes on or before the date
    left: int


def due_at(conn: Connection, invoice_id: int, total_ttc: int, day: int) -> Due:
    paid = credited = 0
    for pay_id, amt in conn.execute(select(Allocation.payment_id, Allocation.amount).where(
            Allocation.invoice_id == invoice_id, Allocation.day <= day)):
        if pay_id is None:
            credited += amt
        else:
            paid += amt
    return Due(total_ttc, paid, credited, total_ttc - paid - credited)


@dataclass(frozen=True)
class HistoryEvent:
    """One event of an invoice's life. ``amount``: the TTC for the issue, what a payment or a
    credit note settled of this invoice, a bank line's amount, what was due for a reminder;
    ``left``: what the invoice still owed after the event."""

    day: dt.date
    kind: str  # émission | règlement | avoir | relevé | relance
    label: str  # French, what the reader sees
    amount: int
    left: int
    reference: str = ""  # payment reference, credit note number, bank label, letter level
    entry: str = ""  # the ledger entry (VT-…, BQ-…)
    method: str = ""  # a payment's method


_RANK = {"émission": 0, "avoir": 1, "règlement": 2, "relevé": 3, "relance": 4}


def invoice_history(conn: Connection, number: str) -> list[HistoryEvent]:
    """The invoice's events in date order (same day: issue, credit notes, payments, bank
    lines, reminders), each with what the invoice still owed after it."""
    inv = _invoice(conn, number)
    raw: list[tuple[int, str, int, str, str, int | None, str, int]] = []
    # (day, kind, amount, label, reference, entry id, method, effect on what is left)
    raw.append((inv.day, "émission", inv.total_ttc, f"Facture {inv.number} émise", inv.number,
                inv.entry_id, "", 0))
    pay_entries: dict[int, str] = {}
    for day, amount, method, ref, entry_id in conn.execute(
            select(Allocation.day, Allocation.amount, Payment.method, Payment.reference,
                   Payment.entry_id).join(Payment, Payment.id == Allocation.payment_id)
            .where(Allocation.invoice_id == inv.id).order_by(Allocation.id)):
        how = METHOD_LABELS.get(method, method)
        raw.append((day, "règlement", amount, f"Règlement par {how}", ref, entry_id, method,
                    -amount))
        pay_entries[entry_id] = ref
    applied = dict(conn.execute(select(Allocation.credit_note_id, Allocation.amount).where(
        Allocation.invoice_id == inv.id, Allocation.credit_note_id.is_not(None))).all())
    for cid, cnum, cday, cttc, centry in conn.execute(
            select(Document.id, Document.number, Document.day, Document.total_ttc,
                   Document.entry_id).where(Document.kind == "avoir",
                                            Document.related_id == inv.id)
            .order_by(Document.id)):
        used = int(applied.get(cid, 0))
        label = f"Avoir {cnum} de {fmt_fr(cttc)} DH" + (
            f" (dont {fmt_fr(used)} DH sur cette facture)" if used != cttc else "")
        raw.append((cday, "avoir", cttc, label, cnum, centry, "", -used))
    if pay_entries:
        for bday, bamount, blabel, bentry in conn.execute(
                select(BankLine.day, BankLine.amount, BankLine.label, BankLine.entry_id)
                .where(BankLine.entry_id.in_(set(pay_entries))).order_by(BankLine.id)):
            raw.append((bday, "relevé", bamount, f"Ligne de relevé rapprochée : {blabel}",
                        blabel, bentry, "", 0))
    for r in conn.execute(select(InvoiceReminder.__table__).where(
            InvoiceReminder.invoice == inv.number).order_by(InvoiceReminder.id)):
        pen = (f", pénalités {fmt_fr(r.penalty)} DH" if r.penalty is not None else "")
        raw.append((r.day, "relance", r.amount_due,
                    f"{LEVELS[r.level]} (niveau {r.level}) : {r.days_late} jours de retard"
                    + pen, f"niveau {r.level}", None, "", 0))
    refs = _refs(conn, {e for *_x, e, _m, _d in raw if e is not None})
    raw.sort(key=lambda x: (x[0], _RANK[x[1]]))
    left = 0
    out = []
    for day, kind, amount, label, ref, eid, method, effect in raw:
        left = inv.total_ttc if kind == "émission" else left + effect
        out.append(HistoryEvent(int_day(day), kind, label, amount, left, ref,
                                refs.get(eid, "") if eid is not None else "", method))
    return out


# --- reminders -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Penalty:
    rate_bp: int | None  # None: no rate set (the loi 69-21 mention only)
    months: int  # months of delay begun (30 days each)
    amount: int | None  # centimes, half-up; None without a rate
    mention: str  # the settings' mention, as the invoices print it


def penalty(amount_due: int, days_late: int, rate_bp: int | None, mention: str) -> Penalty:
    """amount due × rate × ⌈days late / 30⌉, half-up to the centime (see the module)."""
    months = -(-days_late // DAYS_PER_MONTH) if days_late > 0 else 0
    if rate_bp is None:
        return Penalty(None, months, None, mention)
    return Penalty(rate_bp, months, half_up_div(amount_due * rate_bp * months, 10000), mention)


def penalty_rate(stored: dict[str, str]) -> int | None:
    rate = (stored.get("sales.penalty_rate") or "").strip()
    if not rate:
        return None
    return int(parse_percent(rate, "sales.penalty_rate", field="sales.penalty_rate"))


@dataclass(frozen=True)
class SentReminder:
    level: int
    day: dt.date
    amount_due: int
    days_late: int
    penalty: int | None
    pdf_name: str | None


@dataclass(frozen=True)
class ReminderView:
    """A reminder letter, ready to print."""

    level: int  # 1 relance, 2 mise en demeure
    day: dt.date  # the letter's date
    seller: Company
    member_code: str
    member_name: str
    member_name_ar: str | None
    customer: PartyView
    invoice: str
    invoice_date: dt.date
    due_date: dt.date
    total_ttc: int
    paid: int
    credited: int
    left: int
    days_late: int
    penalty: Penalty
    pay_by: dt.date  # the date the letter asks payment by
    earlier: tuple[SentReminder, ...] = ()  # the reminders sent before this one

    @property
    def title(self) -> str:
        return LEVELS[self.level]


def reminders_of(conn: Connection, number: str) -> list[SentReminder]:
    return [SentReminder(r.level, int_day(r.day), r.amount_due, r.days_late, r.penalty,
                         r.pdf_name)
            for r in conn.execute(select(InvoiceReminder.__table__).where(
                InvoiceReminder.invoice == number).order_by(InvoiceReminder.day,
                                                           InvoiceReminder.id))]


def sent_on(conn: Connection, number: str, level: int, on: dt.date) -> Any:
    """The reminder of ``level`` already sent for the invoice on ``on`` (its row), or None."""
    return conn.execute(select(InvoiceReminder.__table__).where(
        InvoiceReminder.invoice == number.strip().upper(), InvoiceReminder.level == level,
        InvoiceReminder.day == day_int(on))).first()


def prepare(conn: Connection, number: str, level: int, on: dt.date,
            again: bool = False, today: dt.date | None = None) -> ReminderView:
    """The letter of a reminder of ``level`` dated ``on``, or InputError naming the field:
    ``level`` (1 or 2; a level 2 without a first reminder), ``number`` (unknown, settled),
    ``day`` (not yet overdue, too soon after the first reminder, already sent that day —
    unless ``again``: the letter of that day, read again)."""
    if level not in LEVELS:
        raise InputError(f"niveau : « {level} » (1 : relance, 2 : mise en demeure)",
                         field="level", code="level.unknown")
    check_date(on, field="day")
    inv = _invoice(conn, number)
    day = day_int(on)
    if not again:  # a letter is a document: not in a closed year, not far in the future
        check_document_day(conn, day, today)
    if day < inv.day:
        raise InputError(f"date : le {_fr(on)} précède la facture {inv.number} "
                         f"({_fr(int_day(inv.day))})", field="day", code="day.before_invoice")
    due = due_at(conn, inv.id, inv.total_ttc, day)
    if due.left <= 0:
        raise InputError(f"facture {inv.number} : soldée au {_fr(on)}, rien à relancer",
                         field="number", code="reminder.settled")
    if inv.due_day is None or inv.due_day >= day:
        shown = _fr(int_day(inv.due_day)) if inv.due_day else "aucune"
        raise InputError(f"date : la facture {inv.number} n'est pas échue au {_fr(on)} "
                         f"(échéance {shown})", field="day", code="reminder.not_due")
    sent = reminders_of(conn, inv.number)
    if not again and any(s.level == level and s.day == on for s in sent):
        raise InputError(f"date : {LEVELS[level].lower()} de {inv.number} déjà envoyée le "
                         f"{_fr(on)}", field="day", code="reminder.duplicate")
    stored = company_mod.settings(conn)
    if level == 2:
        gap = settings_mod.reminder_gap_days(stored)
        firsts = [s.day for s in sent if s.level == 1 and s.day <= on]
        if not firsts:
            raise InputError(f"niveau : mise en demeure de {inv.number} refusée, aucune "
                             "relance (niveau 1) envoyée avant", field="level",
                             code="reminder.no_first")
        earliest = min(firsts) + dt.timedelta(days=gap)
        if earliest > on:
            raise InputError(f"date : mise en demeure de {inv.number} au plus tôt le "
                             f"{_fr(earliest)}, {gap} jours après la relance du "
                             f"{_fr(min(firsts))} (sales.reminder_gap_days)", field="day",
                             code="reminder.gap")
    due_date = int_day(inv.due_day)
    late = (on - due_date).days
    customer = party_by_id(conn, inv.customer_id)
    names = conn.execute(select(Dimension.name, Dimension.name_ar).where(
        Dimension.code == inv.member)).one()
    return ReminderView(
        level=level, day=on, seller=company_mod.company(conn), member_code=inv.member,
        member_name=names.name, member_name_ar=names.name_ar, customer=customer,
        invoice=inv.number, invoice_date=int_day(inv.day), due_date=due_date,
        total_ttc=inv.total_ttc, paid=due.paid, credited=due.credited, left=due.left,
        days_late=late,
        penalty=penalty(due.left, late, penalty_rate(stored),
                        settings_mod.penalty_mention(stored)),
        pay_by=on + dt.timedelta(days=PAY_WITHIN[level]),
        earlier=tuple(s for s in sent if s.day < on or (s.day == on and s.level < level)))


def record(conn: Connection, view: ReminderView, pdf: tuple[str | None, str | None],
           user: str) -> int:
    """Log the letter (insert-only); returns its id."""
    res = conn.execute(insert(InvoiceReminder).values(
        invoice=view.invoice, level=view.level, day=day_int(view.day), amount_due=view.left,
        days_late=view.days_late, penalty=view.penalty.amount, pdf_name=pdf[0],
        pdf_sha256=pdf[1], at=now_iso(), by=user))
    return int(res.inserted_primary_key[0])  # type: ignore[index]


def pdf_name(view: ReminderView) -> str:
    """Where the letter is archived: ``AAAA/F-2026-000012-relance1-20270215.pdf``."""
    return (f"{view.day.year}/{view.invoice}-relance{view.level}-"
            f"{view.day.strftime('%Y%m%d')}.pdf")


# --- dunning ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class DunningRow:
    invoice: str
    member: str
    customer: str
    customer_name: str
    invoice_date: dt.date
    due: dt.date
    days_late: int
    band: str  # 1-30 | 31-60 | 61-90 | plus-90
    band_label: str
    left: int
    last_level: int | None
    last_day: dt.date | None
    next_step: str  # French: what to do next
    next_key: str  # relance | mise-en-demeure | attendre | contentieux


def band_of(days_late: int) -> tuple[str, str]:
    for low, high, key, label in BANDS:
        if days_late >= low and (high is None or days_late <= high):
            return key, label
    raise ValueError(days_late)


def next_step(sent: list[SentReminder], at: dt.date, gap: int) -> tuple[str, str]:
    """(key, French text) of what to do next for an overdue invoice at ``at``."""
    if any(s.level == 2 for s in sent):
        return "contentieux", "recouvrement judiciaire (injonction de payer)"
    firsts = [s.day for s in sent if s.level == 1]
    if not firsts:
        return "relance", "relance (niveau 1)"
    earliest = min(firsts) + dt.timedelta(days=gap)
    if earliest <= at:
        return "mise-en-demeure", "mise en demeure (niveau 2)"
    return "attendre", f"mise en demeure à partir du {_fr(earliest)}"


def dunning(conn: Connection, at: dt.date, member: str | None = None) -> list[DunningRow]:
    """The invoices overdue at ``at`` (issued on or before it, something left at that date,
    due before it), most late first; reminders sent after ``at`` are not seen."""
    a = day_int(at)
    gap = settings_mod.reminder_gap_days(company_mod.settings(conn))
    settled = (select(Allocation.invoice_id, func.sum(Allocation.amount).label("amount"))
               .where(Allocation.day <= a).group_by(Allocation.invoice_id).subquery())
    q = (select(Document.id, Document.number, Document.member, Document.customer_id,
                Document.day, Document.due_day,
                (Document.total_ttc - func.coalesce(settled.c.amount, 0)).label("left"))
         .outerjoin(settled, settled.c.invoice_id == Document.id)
         .where(Document.kind == "facture", Document.day <= a, Document.due_day.is_not(None),
                Document.due_day < a))
    if member:
        q = q.where(Document.member == member.strip().upper())
    out = []
    for r in conn.execute(q.order_by(Document.due_day, Document.year, Document.seq)):
        if r.left <= 0:
            continue
        cust = party_by_id(conn, r.customer_id)
        sent = [s for s in reminders_of(conn, r.number) if s.day <= at]
        last = sent[-1] if sent else None
        due = int_day(r.due_day)
        late = (at - due).days
        key, label = band_of(late)
        nkey, ntext = next_step(sent, at, gap)
        out.append(DunningRow(r.number, r.member, cust.code, cust.name, int_day(r.day), due,
                              late, key, label, int(r.left), last.level if last else None,
                              last.day if last else None, ntext, nkey))
    return out


def rate_text(bp: int | None) -> str:
    return fmt_rate(bp) if bp is not None else ""
