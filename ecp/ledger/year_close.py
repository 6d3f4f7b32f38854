"""The year-close engine, pure: the lines of the closing entries and of the à-nouveaux.

Nothing here posts or writes. ``closing_lines`` brings classes 6 and 7 to zero per dimension
into 1191 (profit, credit) or 1199 (loss, debit); ``opening_lines`` carries classes 1 to 5 into
the next year (journal AN), per account and dimension, third-party accounts per open item
(account, dimension, third party, due date), and the year's result into 1181 / 1189 awaiting
allocation. Every dimension (the ECP and each member) closes and reopens on its own books, so
each set of lines is balanced per dimension. Internal accounts (44881, 61468, 71248) are closed
and carried like the others: each member's books have their own result.

Balance window of ``opening_lines``: from the day of the latest AN entry on or before ``end``
(the previous year's à-nouveaux, which carried everything before it) to ``end``; from the
first entry when no AN was ever posted. A reopened close is expected to reverse its AN entry on
the same day, so the window still starts there.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import Connection, func, select

from ecp.db.models import Account, Entry, Line
from ecp.kernel.errors import InputError
from ecp.ledger.entry import LineSpec, int_day

PROFIT, LOSS = "1191", "1199"
OPENING_JOURNAL = "AN"

_Key = tuple[str, str, str | None, int | None]  # account, dimension, third party, due day


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
        if classes.get(account) in (6, 7) and int(total) != 0:
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


def _window_start(conn: Connection, end: int) -> int | None:
    """Day of the latest AN entry on or before ``end`` (None: no AN yet)."""
    day = conn.scalar(select(func.max(Entry.day))
                      .where(Entry.journal == OPENING_JOURNAL, Entry.day <= end))
    return int(day) if day is not None else None


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
    since = _window_start(conn, end)
    q = (select(Line.dimension, Line.account, Line.third_party, Line.due_day,
                func.sum(Line.amount))
         .where(Line.day <= end)
         .group_by(Line.dimension, Line.account, Line.third_party, Line.due_day))
    if since is not None:
        q = q.where(Line.day >= since)
    carried: dict[_Key, int] = defaultdict(int)
    result: dict[str, int] = defaultdict(int)
    for dim, account, third, due, total in conn.execute(q).all():
        cls = classes.get(account)
        if account in (PROFIT, LOSS) or cls in (6, 7):
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
