"""The year-close engine, pure: the lines of the closing entries and of the à-nouveaux.

Nothing here posts or writes. ``closing_lines`` brings classes 6 and 7 to zero per dimension
into 1191 (profit, credit) or 1199 (loss, debit); ``opening_lines`` carries classes 1 to 5 into
the next year (journal AN), per account and dimension, third-party accounts per open item
(account, dimension, third party, due date), and the year's result into 1181 / 1189 awaiting
allocation. Every dimension (the ECP and each member) closes and reopens on its own books, so
each set of lines is balanced per dimension. Internal accounts (44881, 61468, 71248) are closed
and carried like the others: each member's books have their own result.

Every account is closed at year end (journal CL): classes 6-7 into 1191/1199, then classes 1-5
(per open item) to zero; the à-nouveaux reopen classes 1-5. So a balance read from the first
entry to any day is right on either side of a close, and a reopened close (every CL and AN
entry reversed) gives back every balance; ``balance_closing_lines`` and ``opening_lines`` read
cumulative balances from the first entry for that reason.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy import Connection, func, select

from ecp.db.models import Account, Entry, Line
from ecp.kernel.errors import InputError
from ecp.ledger.entry import LineSpec, int_day

PROFIT, LOSS = "1191", "1199"
# Closed into the result: charges, products and the CGNC's class 8 (comptes de résultats)
RESULT_CLASSES = (6, 7, 8)
OPENING_JOURNAL = "AN"
CLOSING_JOURNAL = "CL"

_Key = tuple[str, str, str | None, int | None]  # account, dimension, third party, due day


CLOSE_REFERENCE = "CLOTURE-"  # + the year: the reference of every entry a close posts


def year_end_entries() -> Any:
    """Ids of the entries a year close posted (CL, and the AN it opened the next year with)
    and of their reversals: what operational readers (treasury, statements' movements, VAT,
    bank matching) leave out. They net to zero per open item once both are posted, and
    leaving them out also keeps the year's last day (after CL, before AN) as it was."""
    closing = select(Entry.id).where(Entry.journal.in_((CLOSING_JOURNAL, OPENING_JOURNAL)),
                                     Entry.reference.like(CLOSE_REFERENCE + "%"))
    return closing.union_all(select(Entry.id).where(Entry.reverses.in_(closing)))


def _check_day(value: int, field: str) -> None:
    try:
        int_day(value)
    except (ValueError, TypeError):
        raise InputError(f"{field} : {value} n'est pas une date AAAAMMJJ", field=field,
                         code="date.invalid") from None


def _classes(conn: Connection) -> dict[str, int]:
    return {code: int(cls) for code, cls in conn.execute(select(Account.code, Account.cls))}


def _result_line(dimension: str, net: int) -> LineSpec | None:
    """The line that balances ``net`` (debit +) of classes 6-7 being brought to zero."""
    if net == 0:
        return None
    return LineSpec(PROFIT if net < 0 else LOSS, dimension, net)


def closing_lines(conn: Connection, start: int, end: int) -> tuple[LineSpec, ...]:
    """Lines closing classes 6 and 7 over [start, end] (YYYYMMDD, inclusive), per dimension.

    Each class 6 or 7 account with a non-zero balance over the period gets the opposite amount;
    the dimension's difference goes to 1191 (profit: credit) or 1199 (loss: debit). Sorted by
    dimension, then account, the result line last in each dimension."""
    _check_day(start, "start")
    _check_day(end, "end")
    if start > end:
        raise InputError(f"période : début {start} après la fin {end}", field="start",
                         code="period.order")
    classes = _classes(conn)
    rows = conn.execute(
        select(Line.dimension, Line.account, func.sum(Line.amount))
        .where(Line.day >= start, Line.day <= end)
        .group_by(Line.dimension, Line.account)
    ).all()
    per_dim: dict[str, list[tuple[str, int]]] = defaultdict(list)
    for dim, account, total in rows:
        if classes.get(account) in RESULT_CLASSES and int(total) != 0:
            per_dim[dim].append((account, int(total)))
    out: list[LineSpec] = []
    for dim in sorted(per_dim):
        net = 0
        for account, balance in sorted(per_dim[dim]):
            out.append(LineSpec(account, dim, -balance))
            net += balance
        result = _result_line(dim, net)
        if result is not None:
            out.append(result)
    return tuple(out)


def _debit_twin(result_to: str) -> str:
    """1181 → 1189: the CGNC debit-balance twin of a class 1 result account."""
    return result_to[:-1] + "9"


def opening_lines(conn: Connection, end: int, result_to: str = "1181"
                  ) -> tuple[LineSpec, ...]:
    """The à-nouveaux after the year ending ``end`` (YYYYMMDD), balanced per dimension.

    Classes 1 to 5 carried per (account, dimension, third party, due date), zero groups left
    out; 1191/1199 and any class 6/7 balance not yet closed make the year's result, carried to
    ``result_to`` (credit, profit) or its debit twin (1181 → 1189: loss). Sorted by dimension,
    account, third party, due date."""
    _check_day(end, "end")
    classes = _classes(conn)
    loss_to = _debit_twin(result_to)
    if not (len(result_to) >= 2 and result_to.endswith("1") and classes.get(result_to) == 1
            and classes.get(loss_to) == 1):
        raise InputError(f"compte de résultat en instance : « {result_to} » n'est pas un compte "
                         "de classe 1 en …1 avec son jumeau débiteur en …9 (1181/1189)",
                         field="result_to", code="account.result")
    carried: dict[_Key, int] = defaultdict(int)
    result: dict[str, int] = defaultdict(int)
    for dim, account, third, due, total in _open_items(conn, end):
        cls = classes.get(account)
        if account in (PROFIT, LOSS) or cls in RESULT_CLASSES:
            result[dim] += int(total)
        elif cls is not None and 1 <= cls <= 5:
            carried[(account, dim, third or None, int(due) if due else None)] += int(total)
    for dim, net in result.items():
        if net != 0:
            carried[(result_to if net < 0 else loss_to, dim, None, None)] += net
    keys = sorted((k for k, v in carried.items() if v != 0),
                  key=lambda k: (k[1], k[0], k[2] or "", k[3] or 0))
    return tuple(LineSpec(a, d, carried[(a, d, t, due)], t, int_day(due) if due else None)
                 for a, d, t, due in keys)


def _open_items(conn: Connection, end: int) -> list[tuple[str, str, str | None, int | None, int]]:
    """Cumulative balances up to ``end`` per (dimension, account, third party, due day), the
    open items of each third party once its undated lines (payments carry no due date) are
    set against its dated ones, oldest due first; what they leave (an advance, an overpayment)
    stays undated."""
    q = (select(Line.dimension, Line.account, Line.third_party, Line.due_day,
                func.sum(Line.amount))
         .where(Line.day <= end)
         .group_by(Line.dimension, Line.account, Line.third_party, Line.due_day))
    groups: dict[tuple[str, str, str | None], dict[int | None, int]] = defaultdict(dict)
    for d, a, t, due, total in conn.execute(q).all():
        items = groups[(d, a, t or None)]
        key = int(due) if due else None
        items[key] = items.get(key, 0) + int(total)
    out: list[tuple[str, str, str | None, int | None, int]] = []
    for (d, a, t), items in groups.items():
        undated = items.pop(None, 0)
        dated = sorted((due, v) for due, v in items.items() if due is not None)
        if t is None:  # no third party: one balance, its due days kept apart as posted
            out += [(d, a, None, due, v) for due, v in dated]
            out.append((d, a, None, None, undated))
            continue
        for due, v in dated:
            if undated and v and (v > 0) != (undated > 0):
                take = min(abs(v), abs(undated))
                v += take if v < 0 else -take
                undated += take if undated < 0 else -take
            out.append((d, a, t, due, v))
        out.append((d, a, t, None, undated))
    return out


def balance_closing_lines(conn: Connection, end: int) -> tuple[LineSpec, ...]:
    """Lines bringing classes 1 to 5 to zero at ``end``, per open item and dimension — to be
    computed once the result entry (``closing_lines``) is posted, so that 1191/1199 close too.

    Refused while a class 6 or 7 balance is left: the dimension would not balance."""
    _check_day(end, "end")
    classes = _classes(conn)
    out: dict[_Key, int] = defaultdict(int)
    for dim, account, third, due, total in _open_items(conn, end):
        cls = classes.get(account)
        if cls in RESULT_CLASSES and total != 0:
            raise InputError(f"clôture : le compte {account} ({dim}) n'est pas soldé au {end}",
                             field="year", code="year.unclosed_result")
        if cls is not None and 1 <= cls <= 5:
            out[(account, dim, third, due)] -= total
    keys = sorted((k for k, v in out.items() if v != 0),
                  key=lambda k: (k[1], k[0], k[2] or "", k[3] or 0))
    return tuple(LineSpec(a, d, out[(a, d, t, due)], t, int_day(due) if due else None)
                 for a, d, t, due in keys)
