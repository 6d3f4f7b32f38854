"""Closing: month locks, the chain head, verify and the month-end checklist."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, select

from ecp.api.archive import _check_archive, statements_dir
from ecp.api.ledger import trial_balance
from ecp.api.members import _contribution_run, check_statements, write_statements
from ecp.api.session import Books, _read, _write
from ecp.api.settings import get_setting
from ecp.api.trail import _audit
from ecp.api.vat import vat_status
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import EcpError, InputError
from ecp.kernel.money import fmt_fr
from ecp.kernel.periods import Month, month_key, month_label
from ecp.ledger import integrity
from ecp.ledger import periods as ledger_periods
from ecp.members import economy as member_economy
from ecp.reports.vat_pending import pending_text
from ecp.sales import documents as sales_docs
from ecp.sales import integrity as sales_integrity


def close_period(books: Books, month: Month, user: str | None = None) -> ChainHead:
    with _write(books) as conn:
        return _close(conn, books, month, user)


def _close(conn: Connection, books: Books, month: Month, user: str | None) -> ChainHead:
    """Lock ``month`` in the open unit of work ``conn``: refused while drafts are dated in it
    (they could no longer be issued) or an earlier month with entries is open (the ledger's
    rule)."""
    drafts = _drafts_in(conn, month)
    if drafts:
        raise InputError(f"mois {month} : {drafts_text(drafts)}", field="month",
                         code="month.drafts")
    head = ledger_periods.close_month(conn, month.key, books.who(user))
    # The chain head at close goes into the trail: heads recorded at close are chained.
    _audit(conn, books, "cloture", str(month), f"tête de chaîne {head}", user)
    return head


def reopen_period(books: Books, month: Month, reason: str, user: str | None = None
                  ) -> ChainHead:
    with _write(books) as conn:
        head = ledger_periods.reopen_month(conn, month.key, reason, books.who(user))
        _audit(conn, books, "reouverture", str(month),
               f"tête de chaîne {head} ; motif : {reason.strip()}", user)
        return head


def _drafts_in(conn: Connection, month: Month) -> list[sales_docs.DraftView]:
    from ecp.db.models import Draft
    ids = conn.scalars(select(Draft.id).where(Draft.day >= month.key * 100,
                                              Draft.day < month.key * 100 + 100)
                       .order_by(Draft.day, Draft.id))
    return [sales_docs.draft_view(conn, i) for i in ids]


def month_drafts(books: Books, month: Month) -> list[sales_docs.DraftView]:
    """The drafts (invoices and quotes) dated in ``month``, by date: the month does not close
    while there are any."""
    with _read(books) as conn:
        return _drafts_in(conn, month)


def draft_line(d: sales_docs.DraftView) -> str:
    """« n° 3 (facture, membre FZ, client C001, 25/11/2026) »"""
    return (f"n° {d.id} ({d.kind}, membre {d.member}, client {d.customer}, "
            f"{d.day.strftime('%d/%m/%Y')})")


def drafts_text(drafts: list[sales_docs.DraftView]) -> str:
    shown = " ; ".join(draft_line(d) for d in drafts[:10]) + (" ; …" if len(drafts) > 10 else "")
    return (f"{len(drafts)} brouillon(s) daté(s) dans le mois : {shown} — les émettre ou les "
            "supprimer d'abord (ecp invoice edit-draft N / ecp invoice issue N / ecp invoice "
            "delete-draft N)")


def open_months(books: Books, today: dt.date | None = None) -> list[Month]:
    """Open months, oldest first: those with entries not closed, and the current month unless
    it is closed (the header shows the oldest and how many)."""
    with _read(books) as conn:
        keys = ledger_periods.open_months(conn, month_key(today or books.today()))
    return [Month.from_key(k) for k in keys]


def period_events(books: Books) -> list[ledger_periods.PeriodEventView]:
    with _read(books) as conn:
        return ledger_periods.period_events(conn)


def chain_head(books: Books) -> ChainHead:
    with _read(books) as conn:
        return ledger_periods.chain_head(conn)


def verify(books: Books, expect: ChainHead | None = None,
           record: bool = True) -> integrity.Report:
    """Check the books; the outcome is recorded (``verify.last``) for the dashboard and the
    month close — when that costs no wait: never on read-only books, and skipped when another
    process holds the write lock (verify itself only reads)."""
    with _read(books) as conn:
        rep = integrity.verify(conn, expect, _heads_verified(conn))
        rep.findings.extend(sales_integrity.check_documents(conn))
        rep.findings.extend(_check_archive(books, conn))
        rep.findings.extend(check_statements(books, conn))
    if record:
        outcome = {"at": books.now().isoformat(timespec="seconds"), "ok": rep.ok,
                   "findings": len(rep.findings), "head": str(rep.head),
                   "first": rep.findings[0] if rep.findings else ""}
        _record_verify(books, json.dumps(outcome, ensure_ascii=False))
    return rep


def _heads_verified(conn: Connection) -> list[tuple[str, ChainHead]]:
    """The head of the last verify that found the books intact: a chain rewritten since
    (with its month-close heads) no longer passes through it."""
    from ecp.db.models import Setting
    raw = conn.scalar(select(Setting.value).where(Setting.key == "verify.last"))
    try:
        d = json.loads(raw) if raw else None
        if isinstance(d, dict) and d.get("ok") is True:
            return [(f"vérification sans anomalie du {str(d.get('at', ''))[:10]}",
                     ChainHead.parse(str(d["head"])))]
    except (ValueError, KeyError, EcpError):
        pass
    return []


def _record_verify(books: Books, value: str) -> bool:
    """Store ``verify.last`` without waiting for the lock; False when it was skipped."""
    from sqlalchemy import insert, select, update

    from ecp.db.engine import BusyError
    from ecp.db.models import Setting

    if books.read_only:
        return False
    try:
        with _write(books, wait=0) as conn:
            if conn.scalar(select(Setting.key).where(Setting.key == "verify.last")) is None:
                conn.execute(insert(Setting), [{"key": "verify.last", "value": value}])
            else:
                conn.execute(update(Setting).where(Setting.key == "verify.last")
                             .values(value=value))
    except BusyError:
        return False
    return True


@dataclass(frozen=True)
class VerifyOutcome:
    at: str
    ok: bool
    findings: int
    head: str
    first: str


def last_verify(books: Books) -> VerifyOutcome | None:
    raw = get_setting(books, "verify.last")
    if not raw:
        return None
    d = json.loads(raw)
    return VerifyOutcome(d["at"], bool(d["ok"]), int(d["findings"]), d["head"],
                         d.get("first", ""))


def month_is_closed(books: Books, month: Month) -> bool:
    with _read(books) as conn:
        return ledger_periods.is_closed(conn, month.key)


@dataclass(frozen=True)
class CloseStep:
    name: str
    ok: bool
    detail: str


class Checklist(list[CloseStep]):
    """The steps of a checklist as they are done, each told to ``on_step`` (the CLI prints
    it, the TUI ticks it) the moment it is known."""

    def __init__(self, on_step: Callable[[CloseStep], None] | None = None) -> None:
        super().__init__()
        self.on_step = on_step

    def step(self, name: str, ok: bool, detail: str) -> bool:
        s = CloseStep(name, ok, detail)
        self.append(s)
        if self.on_step is not None:
            self.on_step(s)
        return ok


def month_close(books: Books, month: Month, user: str | None = None,
                progress: Callable[[int, int, str], None] | None = None,
                on_step: Callable[[CloseStep], None] | None = None) -> list[CloseStep]:
    """The month-end checklist, in order, stopping at the first failure: earlier months
    (an earlier month with entries still open stops it, named: months close in order),
    drafts (any invoice or quote draft dated in the month stops it, listed), contributions,
    VAT pending (and, for information, the ended periods not declared or declared and not
    paid: they do not stop the close), the ended VAT periods not declared on their own line
    (informative too), verify, statements, lock.

    The figures are read in several snapshots (the statements are drawn outside any lock),
    so the chain head is taken in the contribution run's transaction and the lock's
    transaction refuses if an entry dated in the month (or before) was posted since: the
    locked month is always the one the checks and statements were computed from."""
    steps = Checklist(on_step)
    step = steps.step
    m = month.key
    label = str(month)

    with _read(books) as conn:
        earlier = ledger_periods.open_months_with_entries(conn, before=m)
        drafts = _drafts_in(conn, month)
    if not step("mois précédents", not earlier,
                f"{len(earlier)} mois antérieur(s) ouvert(s) avec des écritures, le premier : "
                f"{month_label(earlier[0])} — les mois se clôturent dans l'ordre, clôturer "
                f"{month_label(earlier[0])} d'abord" if earlier else
                "tous les mois antérieurs avec des écritures sont clôturés"):
        return steps
    if not step("brouillons", not drafts,
                drafts_text(drafts) if drafts else "aucun brouillon daté dans le mois"):
        return steps
    try:
        with _write(books) as conn:
            lines = _contribution_run(conn, books, month, user)
            base = ledger_periods.chain_head(conn)
    except EcpError as exc:
        step("contributions", False, str(exc))
        return steps
    posted = sum(c.posted_now for c in lines)
    if not step("contributions", True,
                f"{len(lines)} membres, {fmt_fr(sum(c.due for c in lines))} DH dus pour le mois"
                + (f", {fmt_fr(posted)} DH passés maintenant" if posted else
                   ", rien de nouveau à passer")):
        return steps
    start, end = member_economy.month_bounds(m)
    tb = trial_balance(books, start, end)
    rows = {r.account: r for r in tb.rows}
    pending = rows["44551"].closing_credit - rows["44551"].closing_debit if "44551" in rows else 0
    due = (rows["4455"].credit - rows["4455"].debit) if "4455" in rows else 0
    status = vat_status(books)
    cycle = pending_text(status)
    if not step("TVA", True, f"TVA exigible du mois {fmt_fr(due)} DH ; TVA en attente "
                f"d'encaissement {fmt_fr(pending)} DH (passe en exigible au règlement). "
                f"TVA : {cycle}"):
        return steps
    undeclared = [p.period for p in status if p.state == "à déclarer"]
    step("déclarations TVA", True,
         f"{len(undeclared)} période(s) terminée(s) non déclarée(s) : {', '.join(undeclared)} "
         "(ecp vat declare ; n'empêche pas la clôture)" if undeclared else
         "toutes les périodes terminées sont déclarées")
    rep = verify(books)
    if not step("vérification", rep.ok, "chaîne intacte, soldes exacts" if rep.ok else
                f"{len(rep.findings)} anomalie(s), la première : {rep.findings[0]}"):
        return steps
    try:
        paths = write_statements(books, month, progress=progress)
    except (EcpError, OSError) as exc:
        step("relevés", False, str(exc))
        return steps
    folder = paths[0].parent if paths else statements_dir(books, month)
    if not step("relevés", True, f"{len(paths)} relevés dans {folder}"):
        return steps
    try:
        with _write(books) as conn:  # the write lock: nobody posts between check and lock
            _nothing_posted_since(conn, month, base)
            head = _close(conn, books, month, user)
    except EcpError as exc:
        step("clôture", False, str(exc))
        return steps
    step("clôture", True, f"mois {label} verrouillé, tête de chaîne {head}")
    return steps


def _nothing_posted_since(conn: Connection, month: Month, base: ChainHead) -> None:
    """Refuse the lock when entries dated in ``month`` or before were posted after ``base``
    (another process posting while the statements were drawn)."""
    from ecp.db.models import Entry
    from ecp.ledger.entry import day_int, entry_ref

    _start, end = member_economy.month_bounds(month.key)
    late = conn.execute(select(Entry.journal, Entry.fiscal_year, Entry.number)
                        .where(Entry.id > base.count, Entry.day <= day_int(end))
                        .order_by(Entry.id)).all()
    if late:
        refs = ", ".join(entry_ref(*r) for r in late[:3]) + (", …" if len(late) > 3 else "")
        raise InputError(f"mois {month} : {len(late)} écriture(s) du mois ou d'avant passée(s) "
                         f"pendant la clôture ({refs}), absente(s) des relevés et des contrôles "
                         "; mois non clôturé, relancer la clôture", field="month",
                         code="month.moved")
