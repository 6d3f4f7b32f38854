"""Closing, reopening, locking and allocating a fiscal year: the postings and the log.

``close_year`` posts, in journal CL on the year's last day and per dimension, the result entry
(classes 6-7 into 1191/1199) and the balance-sheet entry (classes 1-5, per open item, to zero),
then in journal AN on the next day the à-nouveaux (classes 1-5 reopened, the result carried to
1181/1189). Every account is thus at zero between the two days and a balance summed from the
first entry stays right on both sides. ``reopen_year`` reverses every entry of the last close on
its own day; ``finalize_year`` locks for good. Each act is one ``year_events`` row naming the
entries it posted and the chain head after them: ``ecp verify`` accepts those entries in closed
months (they are the close) and checks them against the balances they claim to carry
(``check_closes``).

Checks that need other domains (VAT, drafts, depreciation, inventory) are the caller's
(``ecp.api.year``); here: the year, its state and the order of years.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from dataclasses import dataclass

from sqlalchemy import Connection, func, insert, select, update

from ecp.db.models import Entry, FiscalYear, Line, YearEvent
from ecp.kernel.errors import InputError
from ecp.ledger.entry import (
    JournalEntry,
    LineSpec,
    PostedEntry,
    day_int,
    day_iso,
    entry_ref,
    int_day,
)
from ecp.ledger.periods import chain_head
from ecp.ledger.posting import Poster, now_iso
from ecp.ledger.year_close import (
    CLOSE_REFERENCE,
    CLOSING_JOURNAL,
    LOSS,
    OPENING_JOURNAL,
    PROFIT,
    balance_closing_lines,
    closing_lines,
    opening_lines,
)
from ecp.ledger.years import YearView, ensure_year, fiscal_years

RESULT_CARRIED = "1181"  # résultats nets en instance d'affectation (1189: its debit twin)
LEGAL_RESERVE, RETAINED, RETAINED_LOSS, DIVIDENDS = "1140", "1161", "1169", "4465"


@dataclass(frozen=True)
class CloseOutcome:
    year: int
    status: str
    entries: tuple[str, ...]  # references, in posting order
    result: dict[str, int]  # dimension → result (profit +), centimes


def _year_poster(conn: Connection, user: str) -> Poster:
    """A poster for the close itself: it writes into the year's closed months and its own
    closed year — that is what closing them means; nothing else may."""
    p = Poster(conn, user)
    p.locked = set()
    p.closed_years = []
    p.closing = True
    return p


def _post_each(p: Poster, journal: str, day: dt.date, label: str,
               lines: tuple[LineSpec, ...], reference: str = "") -> list[PostedEntry]:
    """One entry per dimension (each balances on its own)."""
    per_dim: dict[str, list[LineSpec]] = defaultdict(list)
    for ln in lines:
        per_dim[ln.dimension].append(ln)
    return [p.add(JournalEntry(journal, day, f"{label} — {dim}", tuple(per_dim[dim]),
                               reference=reference))
            for dim in sorted(per_dim)]


def _log(conn: Connection, year: int, action: str, reason: str, posted: list[int],
         detail: dict[str, object], user: str) -> None:
    head = chain_head(conn)
    conn.execute(insert(YearEvent).values(
        year=year, action=action, reason=reason, entries=" ".join(map(str, posted)),
        detail=json.dumps(detail, sort_keys=True), head_count=head.count, head_hash=head.hash,
        at=now_iso(), by=user))


def _set_status(conn: Connection, year: int, status: str) -> None:
    conn.execute(update(FiscalYear).where(FiscalYear.year == year).values(status=status))


def previous_year_open(conn: Connection, view: YearView) -> int | None:
    """The year before ``view`` when it has entries and is not closed, else None."""
    before = conn.execute(select(Entry.fiscal_year).where(Entry.day < view.start)
                          .order_by(Entry.day.desc()).limit(1)).first()
    if before is None:
        return None
    row = conn.execute(select(FiscalYear.status).where(FiscalYear.year == before[0])).first()
    return None if row is not None and row[0] != "open" else int(before[0])


def close_year(conn: Connection, year: int, user: str, final: bool = False) -> CloseOutcome:
    """Post the close of ``year`` (open) and mark it provisional, or final with ``final``."""
    view = ensure_year(conn, year, user)
    if view.status != "open":
        if final and view.status == "provisional":
            return finalize_year(conn, year, user)
        raise InputError(f"exercice {year} : déjà clôturé ({view.status})", field="year",
                         code="year.closed")
    earlier = previous_year_open(conn, view)
    if earlier is not None:
        raise InputError(f"exercice {year} : l'exercice {earlier} n'est pas clôturé, il doit "
                         "l'être d'abord", field="year", code="year.order")
    end = int_day(view.end)
    p = _year_poster(conn, user)
    ref = f"{CLOSE_REFERENCE}{year}"
    result_lines = closing_lines(conn, view.start, view.end)
    posted = _post_each(p, CLOSING_JOURNAL, end, f"Clôture {year} : résultat", result_lines,
                        ref)
    p.flush()
    carried = opening_lines(conn, view.end, RESULT_CARRIED)
    posted += _post_each(p, CLOSING_JOURNAL, end, f"Clôture {year} : comptes de bilan",
                         balance_closing_lines(conn, view.end), ref)
    posted += _post_each(p, OPENING_JOURNAL, end + dt.timedelta(days=1),
                         f"À-nouveaux {year + 1} (exercice {year})", carried, ref)
    p.flush()
    result = {ln.dimension: -ln.amount for ln in result_lines
              if ln.account in (PROFIT, LOSS)}
    status = "final" if final else "provisional"
    _set_status(conn, year, status)
    ids = [e.id for e in posted]
    _log(conn, year, "close", "", ids, {"final": final, "result": result}, user)
    if final:
        _log(conn, year, "final", "", [], {}, user)
    return CloseOutcome(year, status, tuple(e.ref for e in posted), result)


def _last_close(conn: Connection, year: int) -> list[int] | None:
    """Entry ids of the year's close still in force (the last close not reopened; empty when
    it had nothing to post), None when no close is in force."""
    events = conn.execute(select(YearEvent.action, YearEvent.entries)
                          .where(YearEvent.year == year).order_by(YearEvent.id)).all()
    ids: list[int] | None = None
    for action, entries in events:
        if action == "close":
            ids = [int(x) for x in entries.split()]
        elif action == "reopen":
            ids = None
    return ids


def reopen_year(conn: Connection, year: int, reason: str, user: str) -> CloseOutcome:
    """Reverse every entry of the provisional close of ``year``, each on its own day."""
    if not reason.strip():
        raise InputError("motif : obligatoire pour rouvrir un exercice", field="reason",
                         code="reason.required")
    view = ensure_year(conn, year, user)
    if view.status == "final":
        raise InputError(f"exercice {year} : clôturé définitivement, il ne se rouvre pas",
                         field="year", code="year.final")
    if view.status != "provisional":
        raise InputError(f"exercice {year} : n'est pas clôturé", field="year",
                         code="year.open")
    if conn.scalar(select(func.count()).select_from(YearEvent).where(
            YearEvent.year == year, YearEvent.action == "allocate")):
        raise InputError(f"exercice {year} : son résultat est affecté (décision de "
                         "l'assemblée) : la clôture ne se rouvre plus", field="year",
                         code="year.allocated")
    later = conn.scalar(select(FiscalYear.year).where(FiscalYear.year > year,
                                                      FiscalYear.status != "open"))
    if later is not None:
        raise InputError(f"exercice {year} : l'exercice {later} est clôturé, rouvrez-le d'abord",
                         field="year", code="year.order")
    p = _year_poster(conn, user)
    posted: list[PostedEntry] = []
    for eid in reversed(_last_close(conn, year) or []):
        e = conn.execute(select(Entry).where(Entry.id == eid)).one()
        lines = conn.execute(select(Line).where(Line.entry_id == eid)
                             .order_by(Line.line_no)).all()
        shown = entry_ref(e.journal, e.fiscal_year, e.number)
        posted.append(p.add(JournalEntry(
            e.journal, int_day(e.day), f"Contre-passation {shown} : {e.label}"[:200],
            tuple(LineSpec(ln.account, ln.dimension, -ln.amount, ln.third_party,
                           int_day(ln.due_day) if ln.due_day else None) for ln in lines),
            reference=shown, reverses=eid)))
    p.flush()
    _set_status(conn, year, "open")
    _log(conn, year, "reopen", reason.strip(), [e.id for e in posted], {}, user)
    return CloseOutcome(year, "open", tuple(e.ref for e in posted), {})


def finalize_year(conn: Connection, year: int, user: str) -> CloseOutcome:
    """Lock a provisionally closed year for good."""
    view = ensure_year(conn, year, user)
    if view.status != "provisional":
        raise InputError(f"exercice {year} : la clôture définitive suit une clôture provisoire "
                         f"(état : {view.status})", field="year", code="year.not_provisional")
    _set_status(conn, year, "final")
    _log(conn, year, "final", "", [], {}, user)
    return CloseOutcome(year, "final", (), {})


@dataclass(frozen=True)
class Allocation:
    year: int
    result: int  # the entity's result carried (profit +)
    legal_reserve: int
    retained: int
    dividends: int
    reserve_minimum: int
    entries: tuple[str, ...]


def _carried(conn: Connection, day: int) -> dict[str, int]:
    """Per dimension, the result awaiting allocation (profit +) after the AN of ``day``."""
    rows = conn.execute(select(Line.dimension, func.sum(Line.amount))
                        .where(Line.account.in_((RESULT_CARRIED, "1189")), Line.day <= day)
                        .group_by(Line.dimension)).all()
    return {d: -int(t) for d, t in rows if int(t) != 0}


def legal_reserve_minimum(profit: int, reserve: int, capital: int) -> int:
    """5 % of the profit (half-up), until the reserve reaches 10 % of the capital."""
    if profit <= 0:
        return 0
    ceiling = (capital + 5) // 10  # 10 % of the capital, half-up
    room = max(ceiling - reserve, 0)
    return min((profit * 5 + 50) // 100, room)


@dataclass(frozen=True)
class AllocationPreview:
    year: int
    result: int  # the entity's result awaiting allocation (profit +); 0 before the close
    capital: int
    reserve: int  # the legal reserve (1140) already made
    reserve_minimum: int


def allocation_preview(conn: Connection, year: int) -> AllocationPreview:
    """What ``allocate`` would check: the result carried (once the year is closed), the
    capital, the reserve, the legal-reserve minimum. Nothing written."""
    view = next((v for v in fiscal_years(conn) if v.year == year),
                YearView(year, year * 10000 + 101, year * 10000 + 1231, "open", 0))
    day = day_int(int_day(view.end) + dt.timedelta(days=1))
    total = sum(_carried(conn, day).values()) if view.status != "open" else 0
    capital = -int(conn.scalar(select(func.sum(Line.amount)).where(
        Line.account.like("111%"), Line.day <= day)) or 0)
    reserve = -int(conn.scalar(select(func.sum(Line.amount)).where(
        Line.account == LEGAL_RESERVE, Line.day <= day)) or 0)
    return AllocationPreview(year, total, capital, reserve,
                             legal_reserve_minimum(total, reserve, capital))


def allocate(conn: Connection, year: int, legal_reserve: int, retained: int, dividends: int,
             user: str, day: dt.date | None = None) -> Allocation:
    """Post the members' meeting's allocation of ``year``'s result.

    The members keep their own results: each member dimension's 1181/1189 goes to its report à
    nouveau (1161/1169). The legal reserve (1140) and the dividends (4465) come from the ECP's
    dimension, whose report à nouveau takes the rest; so ``legal_reserve + retained +
    dividends`` must equal the entity's result and ``retained`` counts the members' results."""
    view = ensure_year(conn, year, user)
    if view.status == "open":
        raise InputError(f"exercice {year} : à clôturer avant l'affectation du résultat",
                         field="year", code="year.open")
    if conn.scalar(select(func.count()).select_from(YearEvent).where(
            YearEvent.year == year, YearEvent.action == "allocate")):
        raise InputError(f"exercice {year} : résultat déjà affecté", field="year",
                         code="year.allocated")
    for value, field in ((legal_reserve, "legal_reserve"), (dividends, "dividends")):
        if value < 0:
            raise InputError(f"{field} : montant négatif", field=field, code="amount.negative")
    an_day = int_day(view.end) + dt.timedelta(days=1)
    on = day or an_day
    if on < an_day:
        raise InputError(f"date : l'affectation suit la clôture ({an_day.isoformat()})",
                         field="date", code="date.before_close")
    carried = _carried(conn, day_int(on))
    total = sum(carried.values())
    if legal_reserve + retained + dividends != total:
        raise InputError(
            f"affectation : réserve légale + report à nouveau + dividendes = "
            f"{_fr(legal_reserve + retained + dividends)} ≠ résultat en instance "
            f"{_fr(total)}", field="retained", code="allocation.total")
    capital = -int(conn.scalar(select(func.sum(Line.amount)).where(
        Line.account.like("111%"), Line.day <= day_int(on))) or 0)
    reserve = -int(conn.scalar(select(func.sum(Line.amount)).where(
        Line.account == LEGAL_RESERVE, Line.day <= day_int(on))) or 0)
    minimum = legal_reserve_minimum(total, reserve, capital)
    if legal_reserve < minimum:
        raise InputError(
            f"réserve légale : {_fr(legal_reserve)} < {_fr(minimum)}, le minimum (5 % du "
            f"bénéfice tant que la réserve n'atteint pas 10 % du capital {_fr(capital)})",
            field="legal_reserve", code="allocation.legal_reserve")
    if total <= 0 and (legal_reserve or dividends):
        raise InputError("affectation : pas de réserve ni de dividendes sur une perte",
                         field="dividends", code="allocation.loss")
    lines: list[LineSpec] = []
    ecp = "ECP"
    for dim, r in sorted(carried.items()):
        lines.append(LineSpec(RESULT_CARRIED if r > 0 else "1189", dim, r))
        if dim != ecp:
            lines.append(LineSpec(RETAINED if r > 0 else RETAINED_LOSS, dim, -r))
    own = carried.get(ecp, 0)
    rest = own - legal_reserve - dividends
    for account, amount in ((LEGAL_RESERVE, legal_reserve), (DIVIDENDS, dividends)):
        if amount:
            lines.append(LineSpec(account, ecp, -amount))
    if rest:
        lines.append(LineSpec(RETAINED if rest > 0 else RETAINED_LOSS, ecp, -rest))
    p = Poster(conn, user)
    posted = []
    if lines:
        posted = _post_each(p, "OD", on, f"Affectation du résultat {year}", tuple(lines))
        p.flush()
    _log(conn, year, "allocate", "", [e.id for e in posted],
         {"legal_reserve": legal_reserve, "retained": retained, "dividends": dividends,
          "result": total}, user)
    return Allocation(year, total, legal_reserve, retained, dividends, minimum,
                      tuple(e.ref for e in posted))


def _fr(cents: int) -> str:
    from ecp.kernel.money import fmt_fr
    return f"{fmt_fr(cents)} DH"


def year_event_entries(conn: Connection) -> set[int]:
    """Ids of every entry a year event posted (closes, their reversals, allocations)."""
    out: set[int] = set()
    for (entries,) in conn.execute(select(YearEvent.entries)):
        out.update(int(x) for x in entries.split())
    return out


def check_closes(conn: Connection) -> list[str]:
    """Findings: each close in force must carry what the books held — its CL entries bring
    every account to zero at the year's end and its AN entries give back what the balance-sheet
    entry closed (1191/1199 carried to 1181/1189), per open item; its years' states must follow
    the log."""
    out: list[str] = []
    years = {r.year: r for r in conn.execute(select(FiscalYear))}
    for year, row in sorted(years.items()):
        ids = _last_close(conn, year)
        if ids is None:
            if row.status != "open":
                out.append(f"exercice {year} : état « {row.status} » sans clôture en vigueur "
                           "au journal des clôtures")
            continue
        if row.status == "open":
            out.append(f"exercice {year} : ouvert alors que le journal des clôtures tient une "
                       "clôture en vigueur")
        rows = conn.execute(select(Entry.id, Entry.journal, Entry.day).where(
            Entry.id.in_(ids))).all()
        if len(rows) != len(ids):
            out.append(f"exercice {year} : écritures de clôture introuvables")
            continue
        ends = {r.day for r in rows if r.journal == CLOSING_JOURNAL}
        if ends != {row.end} and ends:
            out.append(f"exercice {year} : écritures de clôture hors du dernier jour")
        # after the close, every account is at zero at the year's end
        left = conn.execute(select(Line.dimension, Line.account, Line.third_party,
                                   func.sum(Line.amount))
                            .where(Line.day <= row.end)
                            .group_by(Line.dimension, Line.account, Line.third_party)
                            .having(func.sum(Line.amount) != 0)).all()
        for d, a, t, total in left[:10]:
            out.append(f"exercice {year} : après clôture, {a} / {d}"
                       f"{' / ' + t if t else ''} garde {_fr(int(total))} au "
                       f"{day_iso(row.end)} : clôture altérée ou écriture passée depuis")
        # the AN gives back what the CL balance-sheet entries took, result to 1181/1189
        cl: dict[tuple[str, str, str | None, int | None], int] = defaultdict(int)
        an: dict[tuple[str, str, str | None, int | None], int] = defaultdict(int)
        q = (select(Entry.journal, Entry.label, Line.dimension, Line.account, Line.third_party,
                    Line.due_day, Line.amount).join(Entry, Entry.id == Line.entry_id)
             .where(Entry.id.in_(ids)))
        for journal, label, d, a, t, due, amount in conn.execute(q):
            if journal == OPENING_JOURNAL:
                an[(d, a, t, due)] += amount
            elif label.startswith(f"Clôture {year} : comptes de bilan"):
                cl[(d, a, t, due)] -= amount
        net: dict[tuple[str, str, str | None, int | None], int] = defaultdict(int)
        result = (PROFIT, LOSS, RESULT_CARRIED, "1189")  # the result and where it is carried
        for k, v in cl.items():
            net[(k[0], "118/119" if k[1] in result else k[1], k[2], k[3])] += v
        for k, v in an.items():
            net[(k[0], "118/119" if k[1] in result else k[1], k[2], k[3])] -= v
        for (d, a, t, _due), v in sorted(net.items(), key=lambda kv: str(kv[0])):
            if v != 0:
                out.append(f"exercice {year} : à-nouveaux {a} / {d}{' / ' + t if t else ''} "
                           f"≠ solde clôturé (écart {_fr(v)})")
    return out
