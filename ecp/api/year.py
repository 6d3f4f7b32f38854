"""The fiscal year's close (issue 15): ``ecp year close|reopen|allocate|events``.

The checklist stops at the first failure, in the order a bookkeeper works at year end: the
year before closed, every month of the year closed in order, every VAT period declared, the
depreciation and the inventory posted, no draft dated in the year, ``ecp verify`` clean. Then
the close (``ecp.ledger.year_ops``) in one unit of work.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from ecp.api.closing import Checklist, CloseStep, verify
from ecp.api.session import Books, _read, _write
from ecp.api.trail import _audit
from ecp.db.models import Draft, Entry, Period, YearEvent
from ecp.kernel.errors import EcpError
from ecp.kernel.money import fmt_fr
from ecp.kernel.periods import month_label
from ecp.ledger import year_ops
from ecp.ledger.entry import int_day
from ecp.ledger.years import YearView, check_year
from ecp.production import inventory as inventory_mod
from ecp.sales import assets as assets_mod
from ecp.sales import vat_return as vr

CloseOutcome = year_ops.CloseOutcome
Allocation = year_ops.Allocation


@dataclass(frozen=True)
class YearEventView:
    year: int
    action: str  # close | reopen | final | allocate
    reason: str
    entries: int
    actor: str
    at: str


def _months(view: YearView, first_day: int | None) -> list[int]:
    """The months (YYYYMM) from the year's first entry (or its start) to its end."""
    start = max(view.start, first_day or view.start)
    m, last = start // 100, view.end // 100
    out = []
    while m <= last:
        out.append(m)
        m = m + 1 if m % 100 < 12 else (m // 100 + 1) * 100 + 1
    return out


def _checks(conn: Connection, view: YearView) -> list[tuple[str, str | None, str]]:
    """(step, failure or None, detail when it passes) in order; stops after a failure."""
    out: list[tuple[str, str | None, str]] = []
    year = view.year
    earlier = year_ops.previous_year_open(conn, view)
    out.append(("exercice précédent",
                None if earlier is None else f"l'exercice {earlier} n'est pas clôturé",
                "clôturé ou sans écritures"))
    if earlier is not None:
        return out
    first = conn.scalar(select(func.min(Entry.day)).where(
        Entry.day >= view.start, Entry.day <= view.end))
    months = _months(view, int(first) if first is not None else None)
    closed = set(conn.scalars(select(Period.month).where(Period.status == "closed")))
    open_ = [m for m in months if m not in closed]
    out.append(("mois", f"{len(open_)} mois ouvert(s), le premier : {month_label(open_[0])} "
                f"(ecp month close {month_label(open_[0])} ; un mois où des brouillons sont "
                "datés ne se clôture pas : les émettre ou les supprimer)" if open_ else None,
                f"{len(months)} mois clôturés ({month_label(months[0])} à "
                f"{month_label(months[-1])})" if months else "aucun mois à clôturer"))
    if open_:
        return out
    end = int_day(view.end)
    todo = [p.period for p in vr.pending(conn, end + dt.timedelta(days=1))
            if p.state == "à déclarer"]
    out.append(("TVA", f"période(s) à déclarer : {', '.join(todo)} (ecp vat declare)"
                if todo else None, "toutes les périodes de l'exercice déclarées"))
    if todo:
        return out
    missing = []
    for a in assets_mod.list_assets(conn):
        if a.day.year > year:
            continue
        due = assets_mod.plan(a, year)[year]
        if due != assets_mod._posted(conn, a.code, year):
            missing.append(a.code)
    out.append(("amortissements", f"dotations {year} non passées : {', '.join(missing)} "
                f"(ecp depreciation run {year})" if missing else None,
                "dotations de l'exercice passées"))
    if missing:
        return out
    on = inventory_mod.closing_date(conn, year, None)
    stock = [f"{x.dimension} {x.kind} ({fmt_fr(x.posted)} DH)"
             for x in inventory_mod.valuation(conn, year, on) if x.posted]
    out.append(("inventaire", f"variations de stock à passer : {', '.join(stock)} "
                f"(ecp inventory run {year})" if stock else None,
                "stocks de fin d'exercice passés (ou aucun stock)"))
    if stock:
        return out
    drafts = list(conn.scalars(select(Draft.id).where(Draft.day >= view.start,
                                                      Draft.day <= view.end)))
    out.append(("brouillons", f"{len(drafts)} brouillon(s) daté(s) dans l'exercice : "
                f"{', '.join(f'n° {d}' for d in drafts[:10])} (émettre ou supprimer)"
                if drafts else None, "aucun brouillon dans l'exercice"))
    return out


def year_checklist(books: Books, year: int,
                   on_step: Callable[[CloseStep], None] | None = None) -> list[CloseStep]:
    """The close's checklist, nothing written: each step's state, up to the first failure
    (``ecp verify`` last)."""
    check_year(year)
    steps = Checklist(on_step)
    step = steps.step

    with _read(books) as conn:
        view = _view(conn, year)
        if view.status != "open":
            step("exercice", False, f"exercice {year} déjà clôturé ({view.status})")
            return steps
        found = _checks(conn, view)
    for name, failure, detail in found:
        if not step(name, failure is None, failure or detail):
            return steps
    rep = verify(books)
    step("vérification", rep.ok, "chaîne intacte, soldes exacts" if rep.ok else
         f"{len(rep.findings)} anomalie(s), la première : {rep.findings[0]}")
    return steps


def _view(conn: Connection, year: int) -> YearView:
    from ecp.ledger.years import fiscal_years
    for v in fiscal_years(conn):
        if v.year == year:
            return v
    return YearView(year, year * 10000 + 101, year * 10000 + 1231, "open", 0)


def close_year(books: Books, year: int, final: bool = False, user: str | None = None,
               on_step: Callable[[CloseStep], None] | None = None
               ) -> tuple[list[CloseStep], CloseOutcome | None]:
    """The checklist, then the close (provisional, or final with ``final``). A provisionally
    closed year given ``final`` is locked for good without a new close."""
    with _read(books) as conn:
        status = _view(conn, year).status
    if status == "provisional" and final:
        with _write(books) as conn:
            out = year_ops.finalize_year(conn, year, books.who(user))
            _audit(conn, books, "exercice.definitif", str(year), "clôture définitive", user)
        s = CloseStep("clôture", True, f"exercice {year} clôturé définitivement")
        if on_step is not None:
            on_step(s)
        return [s], out
    steps = year_checklist(books, year, on_step)
    if not steps or not all(s.ok for s in steps):
        return steps, None
    try:
        with _write(books) as conn:
            out = year_ops.close_year(conn, year, books.who(user), final=final)
            _audit(conn, books, "exercice.cloture", str(year),
                   f"{'définitive' if final else 'provisoire'} ; {len(out.entries)} écritures ; "
                   f"résultat {fmt_fr(sum(out.result.values()))} DH", user)
    except EcpError as exc:
        steps.append(CloseStep("clôture", False, str(exc)))
        if on_step is not None:
            on_step(steps[-1])
        return steps, None
    s = CloseStep("clôture", True,
                  f"exercice {year} : clôture {'définitive' if final else 'provisoire'}, "
                  f"{len(out.entries)} écritures (CL et AN), résultat "
                  f"{fmt_fr(sum(out.result.values()))} DH")
    steps.append(s)
    if on_step is not None:
        on_step(s)
    return steps, out


def reopen_year(books: Books, year: int, reason: str, user: str | None = None
                ) -> CloseOutcome:
    """Reverse a provisional close (every CL and AN entry), with the reason logged."""
    with _write(books) as conn:
        out = year_ops.reopen_year(conn, year, reason, books.who(user))
        _audit(conn, books, "exercice.reouverture", str(year),
               f"motif : {reason.strip()} ; {len(out.entries)} contre-passations", user)
        return out


def allocate_result(books: Books, year: int, legal_reserve: int, retained: int,
                    dividends: int = 0, day: dt.date | None = None,
                    user: str | None = None) -> Allocation:
    """Post the members' meeting's allocation of the year's result (after the close)."""
    with _write(books) as conn:
        out = year_ops.allocate(conn, year, legal_reserve, retained, dividends,
                                books.who(user), day)
        _audit(conn, books, "exercice.affectation", str(year),
               f"réserve légale {fmt_fr(legal_reserve)}, report {fmt_fr(retained)}, "
               f"dividendes {fmt_fr(dividends)} DH", user)
        return out


def define_first_year(books: Books, year: int, start: dt.date, user: str | None = None
                      ) -> YearView:
    """Make ``year`` the books' first fiscal year, from ``start`` to 31 December (shorter
    than twelve months, as loi 9-88 art. 7 allows; never longer)."""
    from ecp.ledger.entry import day_int
    from ecp.ledger.years import define_first_year as define

    with _write(books) as conn:
        view = define(conn, year, day_int(start), books.who(user))
        _audit(conn, books, "exercice.definition", str(year),
               f"premier exercice du {start.isoformat()} au {year}-12-31", user)
        return view


AllocationPreview = year_ops.AllocationPreview


def allocation_preview(books: Books, year: int) -> AllocationPreview:
    """The result awaiting allocation, the capital, the reserve and the legal-reserve minimum
    that ``allocate_result`` checks."""
    with _read(books) as conn:
        return year_ops.allocation_preview(conn, year)


def year_events(books: Books, year: int | None = None) -> list[YearEventView]:
    """The log of closes, reopenings, final locks and allocations."""
    with _read(books) as conn:
        q = select(YearEvent).order_by(YearEvent.id)
        if year is not None:
            q = q.where(YearEvent.year == year)
        return [YearEventView(r.year, r.action, r.reason, len(r.entries.split()), r.by, r.at)
                for r in conn.execute(q)]


__all__ = ["Allocation", "AllocationPreview", "CloseOutcome", "YearEventView",
           "allocate_result", "allocation_preview", "close_year", "define_first_year",
           "reopen_year",
           "year_checklist", "year_events"]
