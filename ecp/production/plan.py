"""The production plan, pure: orders scheduled backwards from their due dates into weeks,
within each member's hours and each shared resource's hours.

A unit of product needs ``hours`` of its member and some hours of shared resources. In each
week, from the due week backwards, an order takes as many units as the member's and the
resources' free hours allow (fractions of a unit allowed: work spreads over weeks). What does
not fit before the due date goes to the weeks after it, and the order is late by the time the
last part ends after the due date. Orders are placed by due date (then by number), so earlier
commitments are served first. Loads never exceed capacity: a week is *saturated* at 100 %,
and *overloaded* when the work that wanted it (its due orders) was more than it could hold.

All quantities are integers: hours and units in thousandths.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

MEMBER = ""  # the resource key of the member's own hours


def monday(d: dt.date) -> dt.date:
    return d - dt.timedelta(days=d.weekday())


@dataclass(frozen=True)
class OrderIn:
    number: str
    member: str
    qty_milli: int
    due: dt.date
    work: Mapping[str, int]  # resource ("" = member) -> hours (milli) per unit


@dataclass
class Scheduled:
    number: str
    member: str
    due: dt.date
    qty_milli: int
    weeks: dict[dt.date, int] = field(default_factory=dict)  # week (Monday) -> units (milli)
    unplaced_milli: int = 0  # beyond the horizon

    @property
    def finish_week(self) -> dt.date | None:
        return max(self.weeks) if self.weeks else None

    @property
    def late_days(self) -> int:
        """Days after the due date by which the work ends (the end of its last week)."""
        if self.unplaced_milli:
            return -1  # cannot be placed within the horizon
        last = self.finish_week
        if last is None or last <= monday(self.due):
            return 0
        # The last week's work is taken as ending on its Friday, the due date's week included.
        end = last + dt.timedelta(days=4)
        return max((end - self.due).days, 0)


@dataclass
class Plan:
    start: dt.date  # Monday of the first week
    weeks: list[dt.date]
    capacity: dict[tuple[str, str], dict[dt.date, int]]  # (member|"", resource|"") -> week -> h
    load: dict[tuple[str, str], dict[dt.date, int]]
    demand: dict[tuple[str, str], dict[dt.date, int]]  # what the due orders asked of each week
    orders: list[Scheduled]

    def pct(self, key: tuple[str, str], week: dt.date) -> int:
        cap = self.capacity.get(key, {}).get(week, 0)
        used = self.load.get(key, {}).get(week, 0)
        if cap == 0:
            return 0 if used == 0 else 999
        return (used * 100 + cap // 2) // cap

    def overloaded(self, key: tuple[str, str], week: dt.date) -> bool:
        return self.demand.get(key, {}).get(week, 0) > self.capacity.get(key, {}).get(week, 0)

    @property
    def late(self) -> list[Scheduled]:
        return [o for o in self.orders if o.late_days != 0]


def _key(order: OrderIn, resource: str) -> tuple[str, str]:
    return (order.member, "") if resource == MEMBER else ("", resource)


def schedule(orders: Sequence[OrderIn], start: dt.date, weeks: int,
             member_hours: Mapping[str, Mapping[dt.date, int]],
             resource_hours: Mapping[str, int | Mapping[dt.date, int]]) -> Plan:
    """Place ``orders`` in the ``weeks`` weeks from the Monday of ``start``.

    ``member_hours``: member -> week -> hours (milli) available that week (days off taken out);
    ``resource_hours``: resource -> hours (milli) per week, or per week -> hours."""
    first = monday(start)
    wk = [first + dt.timedelta(weeks=i) for i in range(weeks)]
    free: dict[tuple[str, str], dict[dt.date, int]] = {}
    capacity: dict[tuple[str, str], dict[dt.date, int]] = {}
    for m, per_week in member_hours.items():
        capacity[(m, "")] = {w: int(per_week.get(w, 0)) for w in wk}
    for r, h in resource_hours.items():
        capacity[("", r)] = {w: int(h) if isinstance(h, int) else int(h.get(w, 0)) for w in wk}
    for k, v in capacity.items():
        free[k] = dict(v)
    load: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    demand: dict[tuple[str, str], dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    out = []
    index = {w: i for i, w in enumerate(wk)}
    for o in sorted(orders, key=lambda x: (x.due, x.number)):
        s = Scheduled(o.number, o.member, o.due, o.qty_milli)
        out.append(s)
        keys = [(_key(o, r), h) for r, h in o.work.items() if h > 0]
        due_week = monday(o.due)
        di = index.get(due_week, len(wk) - 1 if due_week > wk[-1] else -1)
        if di >= 0:
            for k, h in keys:
                demand[k][wk[di]] += h * o.qty_milli // 1000
        remaining = o.qty_milli
        order_weeks = list(range(di, -1, -1)) + list(range(di + 1, len(wk)))
        for i in order_weeks:
            if remaining <= 0:
                break
            w = wk[i]
            units = remaining
            for k, h in keys:
                avail = free.get(k, {}).get(w, 0)
                units = min(units, avail * 1000 // h)
            if units <= 0:
                continue
            for k, h in keys:
                used = -(-h * units // 1000)  # round up: never more units than the hours
                free[k][w] -= min(used, free[k][w])
                load[k][w] += used
            s.weeks[w] = s.weeks.get(w, 0) + units
            remaining -= units
        s.unplaced_milli = max(remaining, 0)
    return Plan(first, wk, capacity, {k: dict(v) for k, v in load.items()},
                {k: dict(v) for k, v in demand.items()}, out)


def earliest(order: OrderIn, plan: Plan) -> dt.date | None:
    """The earliest date a new order could be ready, on top of ``plan``: forwards from the
    first week, in the hours the plan left free. None if it does not fit in the horizon."""
    keys = [(_key(order, r), h) for r, h in order.work.items() if h > 0]
    remaining = order.qty_milli
    for w in plan.weeks:
        units = remaining
        for k, h in keys:
            cap = plan.capacity.get(k, {}).get(w, 0)
            avail = cap - plan.load.get(k, {}).get(w, 0)
            units = min(units, max(avail, 0) * 1000 // h)
        if units <= 0:
            continue
        remaining -= units
        if remaining <= 0:
            return w + dt.timedelta(days=4)  # that week's Friday
    return None
