"""Production: materials and stock, bills of materials, resources, orders, the plan."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ecp.api.session import Books, _read, _write
from ecp.kernel.errors import InputError
from ecp.kernel.units import parse_quantity
from ecp.production import service as production
from ecp.production.plan import Plan


def add_material(books: Books, code: str, member: str, name: str, unit: str,
                 cost: str | None = None) -> str:
    from ecp.kernel.money import parse
    cents = parse(cost, "coût") if cost else 0
    with _write(books) as conn:
        return production.add_material(conn, code, member, name, unit, cents)


def stock_receive(books: Books, material: str, qty: str, day: dt.date,
                  cost: str | None = None, user: str | None = None) -> None:
    from ecp.kernel.money import parse
    with _write(books) as conn:
        production.receive(conn, material, parse_quantity(qty, "quantité"), day,
                           books.who(user), parse(cost, "coût") if cost else None)


def stock_adjust(books: Books, material: str, qty: str, day: dt.date, reason: str,
                 user: str | None = None) -> None:
    neg = qty.strip().startswith("-")
    q = parse_quantity(qty.strip().lstrip("+-"), "quantité")
    with _write(books) as conn:
        production.adjust(conn, material, -q if neg else q, day, reason, books.who(user))


def stock_report(books: Books, member: str | None = None, at: dt.date | None = None
                 ) -> list[production.StockRow]:
    with _read(books) as conn:
        return production.stock_report(conn, member, at or books.today())


def set_bom(books: Books, product: str, materials: Sequence[str], hours: str | None = None,
            resources: Sequence[str] = ()) -> None:
    def pairs(specs: Sequence[str], what: str) -> list[tuple[str, int]]:
        out: list[tuple[str, int]] = []
        for s in specs:
            code, sep, q = s.partition(":")
            if not sep:
                raise InputError(f"{what} : « {s} » attendu CODE:QTÉ")
            out.append((code.strip().upper(), parse_quantity(q, f"{what} {code}")))
        return out
    h = parse_quantity(hours, "heures") if hours else None
    with _write(books) as conn:
        production.set_bom(conn, product, pairs(materials, "--material"), h,
                           pairs(resources, "--resource"))


def add_resource(books: Books, code: str, name: str, hours: str) -> str:
    with _write(books) as conn:
        return production.add_resource(conn, code, name, parse_quantity(hours, "heures"))


def set_capacity(books: Books, member: str, hours: str, off: Sequence[str] = ()) -> None:
    from ecp.kernel.periods import parse_date
    spans = []
    for o in off:
        a, sep, b = o.partition(":")
        if not sep:
            raise InputError(f"--off : « {o} » attendu AAAA-MM-JJ:AAAA-MM-JJ")
        spans.append((parse_date(a, "--off"), parse_date(b, "--off")))
    with _write(books) as conn:
        production.set_capacity(conn, member, parse_quantity(hours, "heures"), spans)


def add_order(books: Books, member: str, product: str, qty: str, due: dt.date,
              customer: str | None = None, quote: str | None = None,
              user: str | None = None) -> str:
    with _write(books) as conn:
        return production.add_order(conn, member, product, parse_quantity(qty, "quantité"), due,
                                    books.who(user), customer, quote)


def start_order(books: Books, number: str, day: dt.date | None = None) -> None:
    with _write(books) as conn:
        production.start_order(conn, number, day or books.today())


def cancel_order(books: Books, number: str) -> None:
    with _write(books) as conn:
        production.cancel_order(conn, number)


def complete_order(books: Books, number: str, day: dt.date | None = None,
                   qty: str | None = None, user: str | None = None) -> str | None:
    with _write(books) as conn:
        return production.complete_order(conn, number, day or books.today(),
                                         books.who(user),
                                         parse_quantity(qty, "quantité") if qty else None)


def list_orders(books: Books, member: str | None = None) -> list[production.OrderRow]:
    with _read(books) as conn:
        return production.list_orders(conn, member)


def production_plan(books: Books, start: dt.date | None = None, weeks: int = 12,
                    member: str | None = None) -> Plan:
    with _read(books) as conn:
        return production.build_plan(conn, start or books.today(), weeks, member)


def order_resources(books: Books) -> dict[str, set[str]]:
    """Which shared resources each open order uses (``""`` is the member's own hours)."""
    with _read(books) as conn:
        return {o.number: {r for r, h in o.work.items() if h > 0}
                for o in production.open_orders(conn)}


def material_needs(books: Books, until: dt.date, member: str | None = None
                   ) -> list[production.NeedRow]:
    with _read(books) as conn:
        return production.needs(conn, until, member)


def earliest_date(books: Books, member: str, product: str, qty: str,
                  start: dt.date | None = None) -> dt.date | None:
    with _read(books) as conn:
        return production.earliest_date(conn, member, product,
                                        parse_quantity(qty, "quantité"),
                                        start or books.today())
