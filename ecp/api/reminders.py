"""An invoice's history, reminders of overdue invoices (relance, mise en demeure) and the
dunning list (``ecp.sales.reminders``)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from ecp.api.archive import _archived, archiving
from ecp.api.session import Books, _read
from ecp.api.trail import _audit
from ecp.kernel.money import fmt_plain
from ecp.sales import reminders as sales_reminders
from ecp.sales.reminders import DunningRow, HistoryEvent, ReminderView

__all__ = ["DunningRow", "HistoryEvent", "ReminderView"]

REMINDER_SENT = "facture.relance"  # the audit event of a reminder letter


def invoice_history(books: Books, number: str) -> list[HistoryEvent]:
    """The invoice's events in date order: issue, payments, credit notes, matched bank lines,
    reminders, each with what it still owed after it."""
    with _read(books) as conn:
        return sales_reminders.invoice_history(conn, number)


def reminder_preview(books: Books, number: str, level: int = 1,
                     day: dt.date | None = None) -> ReminderView:
    """The letter a reminder would be (every rule checked), without writing anything."""
    with _read(books) as conn:
        return sales_reminders.prepare(conn, number, level, day or books.today(),
                                       today=books.today())


@dataclass(frozen=True)
class ReminderSent:
    id: int
    view: ReminderView
    path: Path  # the archived PDF (or the copy at ``out``)
    sha256: str
    again: bool = False  # already sent that day: the archived letter, nothing written


def send_reminder(books: Books, number: str, level: int = 1, day: dt.date | None = None,
                  out: Path | None = None, user: str | None = None) -> ReminderSent:
    """Write the reminder letter of an overdue invoice (``level`` 1: relance, 2: mise en
    demeure) dated ``day`` (today by default): its PDF archived with its SHA-256 beside the
    invoices (``AAAA/F-…-relanceN-AAAAMMJJ.pdf``, checked by ``verify``), the letter logged on
    the invoice (``invoice_reminders``, insert-only) and in the audit trail, all in one unit of
    work; with ``out``, a copy is written there too. The same letter (invoice, level, day)
    asked again is the archived one: nothing new is written or logged (``again``)."""
    from ecp.reports.reminder import render_reminder

    on = day or books.today()
    with _read(books) as conn:
        done = sales_reminders.sent_on(conn, number, level, on)
        if done is not None:  # the same letter asked again: the archived one, nothing new
            view = sales_reminders.prepare(conn, number, level, on, again=True)
    if done is not None:
        return ReminderSent(done.id, view, reminder_pdf(books, view.invoice, done.id, out),
                            done.pdf_sha256, again=True)
    with archiving(books) as (conn, store):
        view = sales_reminders.prepare(conn, number, level, on, today=books.today())
        name, sha = store(sales_reminders.pdf_name(view), render_reminder(view))
        rid = sales_reminders.record(conn, view, (name, sha), books.who(user))
        penalty = (f", pénalités {fmt_plain(view.penalty.amount)} DH"
                   if view.penalty.amount is not None else "")
        _audit(conn, books, REMINDER_SENT, view.invoice,
               f"niveau {level} le {on.isoformat()} : {fmt_plain(view.left)} DH dus, "
               f"{view.days_late} jours de retard{penalty} ; {name} sha256 {sha}", user)
    path = reminder_pdf(books, view.invoice, rid, out)
    return ReminderSent(rid, view, path, sha)


def reminder_pdf(books: Books, number: str, reminder_id: int | None = None,
                 out: Path | None = None) -> Path:
    """An archived reminder letter of the invoice (the last one, or ``reminder_id``), checked
    against its SHA-256; or a copy of it at ``out``."""
    from sqlalchemy import select

    from ecp.db.models import InvoiceReminder
    from ecp.kernel.errors import NotFoundError

    with _read(books) as conn:
        q = select(InvoiceReminder.__table__).where(
            InvoiceReminder.invoice == number.strip().upper())
        if reminder_id is not None:
            q = q.where(InvoiceReminder.id == reminder_id)
        found = conn.execute(q.order_by(InvoiceReminder.id.desc())).first()
    if found is None:
        raise NotFoundError(f"facture {number} : aucune relance", field="number")
    row = found

    class _Row:  # what ``_archived`` reads
        number = f"relance {row.level} de {row.invoice}"
        pdf_name = row.pdf_name
        pdf_sha256 = row.pdf_sha256

    return _archived(books, _Row, "courrier", out)


def dunning(books: Books, at: dt.date | None = None, member: str | None = None
            ) -> list[DunningRow]:
    """The invoices overdue at ``at`` (today by default): days late, band, what is left, the
    last reminder and the next step."""
    with _read(books) as conn:
        return sales_reminders.dunning(conn, at or books.today(), member)
