"""Production on the books: materials and stock, bills of materials, capacities, production
orders and their completion (stock and a costing entry on the member's dimension), the plan
and the material needs read from the database."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, delete, func, insert, select, update

from ecp.db.models import (
    BomLine,
    Capacity,
    DayOff,
    Material,
    Product,
    ProductionOrder,
    ProductWork,
    Resource,
    StockMove,
)
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.text import CODE, LABEL, NAME, check_text
from ecp.kernel.units import Quantity, fmt_qty, half_up_div
from ecp.ledger import chart
from ecp.ledger.entry import JournalEntry, LineSpec, day_int, int_day
from ecp.ledger.posting import now_iso, post
from ecp.production.plan import MEMBER, OrderIn, Plan, earliest, monday, schedule
from ecp.production.specs import BomItem, DateSpan
from ecp.sales.parties import get_product, member_exists, party_row

MATERIALS_STOCK = "3121"  # Matières premières
MATERIALS_VARIATION = "61241"  # Variation des stocks des matières premières
GOODS_STOCK = "3151"  # Produits finis
GOODS_VARIATION = "71321"  # Variation des stocks de produits finis
DEFAULT_WEEKS = 12
UNIT = 20  # materials.unit
ITEM = 30  # codes of materials, products, resources; numbers of orders and documents
# The reason of an adjustment is stored whole (Text) and goes into the entry's label
# (« Ajustement de stock CODE : reason », 300 characters): within the label, code included.
REASON = LABEL - len("Ajustement de stock  : ") - 30


def _code(text: str, what: str, field: str = "code") -> str:
    c = text.strip().upper()
    if not c or len(c) > 30 or not c.replace("-", "").replace("_", "").isalnum():
        raise InputError(f"{what} : « {text} » (lettres, chiffres, - ou _)", field=field)
    return c


# --- materials and stock ---------------------------------------------------------------------

def add_material(conn: Connection, code: str, member: str, name: str, unit: str,
                 cost: int = 0) -> str:
    c = _code(code, "matière")
    m = member_exists(conn, member)
    if not name.strip():
        raise InputError(f"matière {c}, nom : obligatoire", field="name")
    if not unit.strip():
        raise InputError(f"matière {c}, unité : obligatoire", field="unit")
    check_text(name.strip(), f"matière {c}, nom", NAME, field="name")
    check_text(unit.strip(), f"matière {c}, unité", UNIT, field="unit")
    if cost < 0:
        raise InputError(f"matière {c}, coût : ne peut être négatif", field="cost")
    if conn.scalar(select(Material.code).where(Material.code == c)):
        raise InputError(f"matière {c} existe déjà", field="code", code="code.exists")
    conn.execute(insert(Material).values(code=c, member=m, name=name.strip(),
                                         unit=unit.strip(), cost=cost))
    return c


def material(conn: Connection, code: str, field: str = "material",
             line: int | None = None) -> Any:
    check_text(code, "matière", ITEM, field=field, line=line)
    r = conn.execute(select(Material.__table__).where(Material.code == code.strip().upper())
                     ).first()
    if r is None:
        raise NotFoundError(f"matière « {code} » inconnue", field=field, line=line)
    return r


def _move(conn: Connection, member: str, kind_item: str, item: str, day: int, qty: int,
          cost: int, kind: str, user: str, reason: str = "", order_id: int | None = None,
          document_id: int | None = None) -> None:
    conn.execute(insert(StockMove).values(
        member=member, item_kind=kind_item, item=item, day=day, qty_milli=qty, unit_cost=cost,
        kind=kind, reason=reason, order_id=order_id, document_id=document_id, at=now_iso(),
        by=user))


def on_hand(conn: Connection, kind_item: str, item: str, at: dt.date | None = None) -> int:
    q = select(func.coalesce(func.sum(StockMove.qty_milli), 0)).where(
        StockMove.item_kind == kind_item, StockMove.item == item)
    if at is not None:
        q = q.where(StockMove.day <= day_int(at))
    return int(conn.scalar(q) or 0)


def receive(conn: Connection, code: str, qty: int, on: dt.date, user: str,
            cost: int | None = None) -> None:
    """Material in (bought outside the sales module, or counted in): stock at its cost."""
    mat = material(conn, code)
    if qty <= 0:
        raise InputError("quantité : doit être positive", field="qty")
    if cost is not None and cost < 0:
        raise InputError("coût : ne peut être négatif", field="cost")
    unit = mat.cost if cost is None else cost
    _move(conn, mat.member, "material", mat.code, day_int(on), qty, unit, "receipt", user)
    _stock_entry(conn, mat, half_up_div(qty * unit, 1000), on, f"Entrée en stock {mat.code}",
                 user)


def adjust(conn: Connection, code: str, qty: int, on: dt.date, reason: str, user: str) -> None:
    """A count that differs: signed quantity, with a reason."""
    mat = material(conn, code)
    if not reason.strip():
        raise InputError("motif : obligatoire pour un ajustement de stock", field="reason")
    check_text(reason.strip(), "motif", REASON, field="reason")
    if qty == 0:
        raise InputError("quantité : un ajustement nul ne change rien", field="qty")
    if on_hand(conn, "material", mat.code, on) + qty < 0:
        raise InputError(f"quantité : le stock de {mat.code} deviendrait négatif", field="qty",
                         code="qty.negative_stock")
    _move(conn, mat.member, "material", mat.code, day_int(on), qty, mat.cost, "adjustment",
          user, reason.strip())
    _stock_entry(conn, mat, half_up_div(qty * mat.cost, 1000), on,
                 f"Ajustement de stock {mat.code} : {reason.strip()}", user)


def _stock_entry(conn: Connection, mat: Any, value: int, on: dt.date, label: str,
                 user: str) -> None:
    """Materials into (or out of) stock at cost: 3121 against the stock variation 61241, on
    the member's dimension (the purchase itself was charged when the bill was booked)."""
    if not value:
        return
    chart.seed(conn)  # 3121 on books created before it existed
    post(conn, JournalEntry("OD", on, label[:300], (
        LineSpec(MATERIALS_STOCK, mat.member, value),
        LineSpec(MATERIALS_VARIATION, mat.member, -value)), reference=mat.code), user)


@dataclass(frozen=True)
class StockRow:
    member: str
    kind: str  # matière | produit
    code: str
    name: str
    unit: str
    qty_milli: int
    unit_cost: int
    value: int


def stock_report(conn: Connection, member: str | None, at: dt.date) -> list[StockRow]:
    d = day_int(at)
    q = (select(StockMove.member, StockMove.item_kind, StockMove.item,
                func.sum(StockMove.qty_milli))
         .where(StockMove.day <= d).group_by(StockMove.member, StockMove.item_kind,
                                              StockMove.item)
         .order_by(StockMove.member, StockMove.item_kind, StockMove.item))
    if member:
        q = q.where(StockMove.member == member.strip().upper())
    mats = {r.code: r for r in conn.execute(select(Material.__table__))}
    prods = {r.code: r for r in conn.execute(select(Product.__table__))}
    out = []
    for m, kind, item, qty in conn.execute(q):
        if kind == "material":
            r = mats[item]
            cost, name, unit = r.cost, r.name, r.unit
        else:
            p = prods[item]
            cost, name, unit = unit_cost(conn, item), p.name, p.unit
        out.append(StockRow(m, "matière" if kind == "material" else "produit", item, name,
                            unit, int(qty), cost, half_up_div(int(qty) * cost, 1000)))
    return out


@dataclass(frozen=True)
class MaterialRow:
    code: str
    member: str
    name: str
    unit: str
    cost: int  # standard cost of one unit, centimes
    qty_milli: int  # on hand today


def list_materials(conn: Connection, member: str | None = None,
                   at: dt.date | None = None) -> list[MaterialRow]:
    """Every material, with or without a stock movement, and what is on hand."""
    q = select(Material.__table__).order_by(Material.member, Material.code)
    if member:
        q = q.where(Material.member == member.strip().upper())
    return [MaterialRow(r.code, r.member, r.name, r.unit, r.cost,
                        on_hand(conn, "material", r.code, at)) for r in conn.execute(q)]


# --- bills of materials, resources, capacity -------------------------------------------------

def set_bom(conn: Connection, product: str, materials: Sequence[BomItem],
            hours: int | None, resources: Sequence[BomItem]) -> None:
    """The product's bill of materials, its member's hours and the shared resources' hours
    per unit; an error about one item carries ``field`` (materials, resources) and ``line``."""
    p = get_product(conn, check_text(product, "produit", ITEM, field="product"))
    seen: set[str] = set()
    for n, item in enumerate(materials, 1):
        mat = material(conn, item.code, "materials", n)
        if mat.member != p.member:
            raise InputError(f"matière {mat.code} : au stock de {mat.member}, "
                             f"pas de {p.member}", field="materials", line=n,
                             code="materials.member")
        if item.qty <= 0:
            raise InputError(f"matière {mat.code} : quantité positive attendue",
                             field="materials", line=n)
        if mat.code in seen:
            raise InputError(f"matière {mat.code} : figure deux fois",
                             field="materials", line=n, code="materials.duplicate")
        seen.add(mat.code)
    seen = set()
    for n, item in enumerate(resources, 1):
        code = check_text(item.code.strip().upper(), "ressource", ITEM, field="resources",
                          line=n)
        if conn.scalar(select(Resource.code).where(Resource.code == code)) is None:
            raise NotFoundError(f"ressource « {item.code} » inconnue",
                                field="resources", line=n)
        if item.qty <= 0:
            raise InputError(f"ressource {code} : heures positives attendues",
                             field="resources", line=n)
        if code in seen:
            raise InputError(f"ressource {code} : figure deux fois",
                             field="resources", line=n, code="resources.duplicate")
        seen.add(code)
    if hours is not None and hours < 0:
        raise InputError("heures : ne peuvent être négatives", field="hours")
    conn.execute(delete(BomLine).where(BomLine.product == p.code))
    if materials:
        conn.execute(insert(BomLine), [{"product": p.code, "material": i.code.strip().upper(),
                                        "qty_milli": i.qty} for i in materials])
    conn.execute(delete(ProductWork).where(ProductWork.product == p.code))
    work = [{"product": p.code, "resource": i.code.strip().upper(), "hours_milli": i.qty}
            for i in resources]
    if hours:
        work.append({"product": p.code, "resource": MEMBER, "hours_milli": hours})
    if work:
        conn.execute(insert(ProductWork), work)


def bom(conn: Connection, product: str) -> list[tuple[str, int]]:
    return [(m, q) for m, q in conn.execute(select(BomLine.material, BomLine.qty_milli).where(
        BomLine.product == product).order_by(BomLine.material))]


@dataclass(frozen=True)
class BomView:
    product: str
    materials: tuple[BomItem, ...]  # per unit
    hours: Quantity | None  # the member's hours per unit
    resources: tuple[BomItem, ...]  # shared resources' hours per unit


def bom_view(conn: Connection, product: str) -> BomView:
    p = get_product(conn, product)
    work = work_of(conn, p.code)
    h = work.pop(MEMBER, None)
    return BomView(p.code, tuple(BomItem(m, Quantity(q)) for m, q in bom(conn, p.code)),
                   Quantity(h) if h else None,
                   tuple(BomItem(r, Quantity(q)) for r, q in sorted(work.items())))


def work_of(conn: Connection, product: str) -> dict[str, int]:
    return {r: h for r, h in conn.execute(select(ProductWork.resource, ProductWork.hours_milli)
                                          .where(ProductWork.product == product))}


def unit_cost(conn: Connection, product: str) -> int:
    """Material cost of one unit, from its bill of materials at standard costs."""
    costs = dict(conn.execute(select(Material.code, Material.cost)).all())
    return sum(half_up_div(q * int(costs.get(m, 0)), 1000) for m, q in bom(conn, product))


def add_resource(conn: Connection, code: str, name: str, hours: int) -> str:
    c = _code(code, "ressource")
    if conn.scalar(select(Resource.code).where(Resource.code == c)):
        raise InputError(f"ressource {c} existe déjà", field="code", code="code.exists")
    if hours <= 0:
        raise InputError("heures par semaine : positives", field="hours")
    check_text(name.strip(), f"ressource {c}, nom", NAME, field="name")
    conn.execute(insert(Resource).values(code=c, name=name.strip() or c, hours_milli=hours))
    return c


@dataclass(frozen=True)
class ResourceRow:
    code: str
    name: str
    hours_milli: int  # a week


def list_resources(conn: Connection) -> list[ResourceRow]:
    return [ResourceRow(r.code, r.name, r.hours_milli) for r in conn.execute(
        select(Resource.code, Resource.name, Resource.hours_milli).order_by(Resource.code))]


@dataclass(frozen=True)
class CapacityRow:
    member: str
    hours_milli: int  # a week
    off: tuple[DateSpan, ...]


def list_capacities(conn: Connection) -> list[CapacityRow]:
    offs: dict[str, list[DateSpan]] = defaultdict(list)
    for m, a, b in conn.execute(select(DayOff.member, DayOff.first_day, DayOff.last_day)
                                .order_by(DayOff.member, DayOff.first_day)):
        offs[m].append(DateSpan(int_day(a), int_day(b)))
    return [CapacityRow(m, h, tuple(offs[m])) for m, h in conn.execute(
        select(Capacity.member, Capacity.hours_milli).order_by(Capacity.member))]


def set_capacity(conn: Connection, member: str, hours: int, off: Sequence[DateSpan]) -> None:
    m = member_exists(conn, check_text(member, "membre", CODE, field="member"))
    if hours < 0:
        raise InputError("heures par semaine : ne peuvent être négatives", field="hours")
    for n, span in enumerate(off, 1):
        if span.end < span.start:
            raise InputError(f"congé du {span.start:%d/%m/%Y} au {span.end:%d/%m/%Y} : la fin "
                             "précède le début", field="off", line=n)
    conn.execute(delete(Capacity).where(Capacity.member == m))
    conn.execute(insert(Capacity).values(member=m, hours_milli=hours))
    for span in off:
        conn.execute(insert(DayOff).values(member=m, first_day=day_int(span.start),
                                           last_day=day_int(span.end)))


def member_week_hours(conn: Connection, weeks: list[dt.date], start: dt.date | None = None
                      ) -> dict[str, dict[dt.date, int]]:
    """Hours per member and week: weekly hours spread over five working days, less days off
    and less the days of the first week already gone (before ``start``)."""
    offs: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for m, a, b in conn.execute(select(DayOff.member, DayOff.first_day, DayOff.last_day)):
        offs[m].append((a, b))
    out: dict[str, dict[dt.date, int]] = {}
    for m, h in conn.execute(select(Capacity.member, Capacity.hours_milli)):
        per = {}
        for w in weeks:
            days = [day_int(w + dt.timedelta(days=i)) for i in range(5)
                    if start is None or w + dt.timedelta(days=i) >= start]
            worked = sum(1 for d in days if not any(a <= d <= b for a, b in offs[m]))
            per[w] = h * worked // 5
        out[m] = per
    return out


# --- orders ----------------------------------------------------------------------------------

def add_order(conn: Connection, member: str, product: str, qty: int, due: dt.date, user: str,
              customer: str | None = None, quote: str | None = None) -> str:
    # What the order names is looked up: bounded and without control characters first (a NUL
    # is a database error on PostgreSQL, a text past the column never matches anyway).
    check_text(member, "membre", CODE, field="member")
    check_text(product, "produit", ITEM, field="product")
    check_text(customer or "", "client", CODE, field="customer")
    check_text(quote or "", "devis", ITEM, field="quote")
    m = member_exists(conn, member)
    p = get_product(conn, product)
    if p.member != m:
        raise InputError(f"produit {p.code} : au catalogue de {p.member}, pas de {m}",
                         field="product", code="product.member")
    if qty <= 0:
        raise InputError("quantité : doit être positive", field="qty")
    cust_id = party_row(conn, "customer", customer).id if customer else None
    quote_id = None
    if quote:
        from ecp.sales.documents import document_row
        try:
            q = document_row(conn, quote)
        except NotFoundError as exc:
            raise NotFoundError(exc.message, field="quote") from None
        if q.kind != "devis":
            raise InputError(f"{q.number} n'est pas un devis", field="quote")
        quote_id = q.id
    year = due.year
    n = int(conn.scalar(select(func.count()).select_from(ProductionOrder).where(
        ProductionOrder.number.like(f"OF-{year}-%"))) or 0) + 1
    number = f"OF-{year}-{n:05d}"
    conn.execute(insert(ProductionOrder).values(
        number=number, member=m, product=p.code, qty_milli=qty, due_day=day_int(due),
        customer_id=cust_id, quote_id=quote_id, status="planned", created_at=now_iso(),
        created_by=user))
    return number


def order(conn: Connection, number: str) -> Any:
    check_text(number, "ordre de fabrication", ITEM, field="number")
    r = conn.execute(select(ProductionOrder.__table__).where(
        ProductionOrder.number == number.strip().upper())).first()
    if r is None:
        raise NotFoundError(f"ordre de fabrication « {number} » introuvable", field="number")
    return r


def start_order(conn: Connection, number: str, on: dt.date) -> None:
    o = order(conn, number)
    if o.status != "planned":
        raise InputError(f"{o.number} : {STATUS_FR[o.status]}, ne peut être commencé",
                         field="number", code="order.status")
    conn.execute(update(ProductionOrder).where(ProductionOrder.id == o.id).values(
        status="in_progress", started_day=day_int(on)))


def cancel_order(conn: Connection, number: str) -> None:
    o = order(conn, number)
    if o.status in ("done", "cancelled"):
        raise InputError(f"{o.number} : déjà {STATUS_FR[o.status]}", field="number",
                         code="order.status")
    conn.execute(update(ProductionOrder).where(ProductionOrder.id == o.id).values(
        status="cancelled"))


def complete_order(conn: Connection, number: str, on: dt.date, user: str,
                   qty: int | None = None,
                   consumed: dict[str, int] | None = None) -> str | None:
    """Record the work done: materials consumed (the BOM by default), goods produced; stock
    follows, and a costing entry moves the consumed materials into production cost and the
    goods into stock, on the member's dimension. Returns the entry's reference."""
    o = order(conn, number)
    if o.status in ("done", "cancelled"):
        raise InputError(f"{o.number} : déjà {STATUS_FR[o.status]}", field="number",
                         code="order.status")
    made = o.qty_milli if qty is None else qty
    if made <= 0:
        raise InputError("quantité produite : doit être positive", field="qty")
    use = consumed if consumed is not None else {
        m: q * made // 1000 for m, q in bom(conn, o.product)}
    costs = {r.code: r for r in conn.execute(select(Material.__table__))}
    d = day_int(on)
    total = 0
    for code, q in sorted(use.items()):
        mat = costs.get(code.upper())
        if mat is None:
            raise NotFoundError(f"matière « {code} » inconnue", field="qty")
        have = on_hand(conn, "material", mat.code, on)
        if q > have:
            raise InputError(f"matière {mat.code} : {fmt_qty(q)} {mat.unit} à consommer, "
                             f"{fmt_qty(have)} en stock au {on.isoformat()}", field="qty",
                             code="stock.short")
        _move(conn, o.member, "material", mat.code, d, -q, mat.cost, "consumption", user,
              order_id=o.id)
        total += half_up_div(q * mat.cost, 1000)
    _move(conn, o.member, "product", o.product, d, made,
          half_up_div(total * 1000, made) if made else 0, "production", user, order_id=o.id)
    ref = None
    entry_id = None
    if total:
        chart.seed(conn)  # 3121 on books created before it existed
        posted = post(conn, JournalEntry("OD", on, f"Production {o.number} ({o.product})", (
            LineSpec(MATERIALS_VARIATION, o.member, total),
            LineSpec(MATERIALS_STOCK, o.member, -total),
            LineSpec(GOODS_STOCK, o.member, total),
            LineSpec(GOODS_VARIATION, o.member, -total)), reference=o.number), user)
        ref, entry_id = posted.ref, posted.id
    conn.execute(update(ProductionOrder).where(ProductionOrder.id == o.id).values(
        status="done", done_day=d, qty_done_milli=made, entry_id=entry_id,
        started_day=o.started_day or d))
    return ref


STATUS_FR = {"planned": "planifié", "in_progress": "en cours", "done": "terminé",
             "cancelled": "annulé"}


@dataclass(frozen=True)
class OrderRow:
    number: str
    member: str
    product: str
    qty_milli: int
    due: dt.date
    status: str


def order_row(conn: Connection, number: str) -> OrderRow:
    r = order(conn, number)
    return OrderRow(r.number, r.member, r.product, r.qty_milli, int_day(r.due_day),
                    STATUS_FR[r.status])


def list_orders(conn: Connection, member: str | None = None) -> list[OrderRow]:
    q = select(ProductionOrder.__table__).order_by(ProductionOrder.due_day,
                                                   ProductionOrder.number)
    if member:
        q = q.where(ProductionOrder.member == member.strip().upper())
    return [OrderRow(r.number, r.member, r.product, r.qty_milli, int_day(r.due_day),
                     STATUS_FR[r.status]) for r in conn.execute(q)]


# --- plan and needs --------------------------------------------------------------------------

def open_orders(conn: Connection, member: str | None = None) -> list[OrderIn]:
    q = select(ProductionOrder.number, ProductionOrder.member, ProductionOrder.product,
               ProductionOrder.qty_milli, ProductionOrder.due_day).where(
        ProductionOrder.status.in_(("planned", "in_progress")))
    if member:
        q = q.where(ProductionOrder.member == member.strip().upper())
    works: dict[str, dict[str, int]] = defaultdict(dict)
    for p, r, h in conn.execute(select(ProductWork.product, ProductWork.resource,
                                       ProductWork.hours_milli)):
        works[p][r] = h
    return [OrderIn(n, m, q_, int_day(d), works.get(p, {})) for n, m, p, q_, d in conn.execute(q)]


def build_plan(conn: Connection, start: dt.date, weeks: int = DEFAULT_WEEKS,
               member: str | None = None) -> Plan:
    wk = [monday(start) + dt.timedelta(weeks=i) for i in range(weeks)]
    hours = member_week_hours(conn, wk, start)
    # This week's working days already gone (a plan made on Wednesday has three left).
    left = sum(1 for i in range(5) if wk[0] + dt.timedelta(days=i) >= start)
    resources: dict[str, int | dict[dt.date, int]] = {
        code: {w: (h * left // 5 if w == wk[0] else h) for w in wk}
        for code, h in conn.execute(select(Resource.code, Resource.hours_milli))}
    # Shared resources are shared: plan every member's orders, then show the one asked for.
    return schedule(open_orders(conn), start, weeks, hours, resources) if member is None \
        else _only(schedule(open_orders(conn), start, weeks, hours, resources), member)


def _only(plan: Plan, member: str) -> Plan:
    m = member.strip().upper()
    plan.orders = [o for o in plan.orders if o.member == m]
    return plan


def earliest_date(conn: Connection, member: str, product: str, qty: int,
                  start: dt.date, weeks: int = 52) -> dt.date | None:
    m = member_exists(conn, check_text(member, "membre", CODE, field="member"))
    p = get_product(conn, check_text(product, "produit", ITEM, field="product"))
    if qty <= 0:
        raise InputError("quantité : doit être positive", field="qty")
    if p.member != m:
        raise InputError(f"produit {p.code} : au catalogue de {p.member}, pas de {m}",
                         field="product", code="product.member")
    plan = build_plan(conn, start, weeks)
    return earliest(OrderIn("nouveau", m, qty, start, work_of(conn, p.code)), plan)


@dataclass(frozen=True)
class NeedRow:
    member: str
    material: str
    name: str
    unit: str
    required_milli: int
    on_hand_milli: int
    missing_milli: int
    missing_cost: int


def needs(conn: Connection, until: dt.date, member: str | None = None) -> list[NeedRow]:
    """Materials the open orders due up to ``until`` require, against the stock on hand."""
    req: dict[str, int] = defaultdict(int)
    q = select(ProductionOrder.product, ProductionOrder.qty_milli).where(
        ProductionOrder.status.in_(("planned", "in_progress")),
        ProductionOrder.due_day <= day_int(until))
    if member:
        q = q.where(ProductionOrder.member == member.strip().upper())
    for product, qty in conn.execute(q):
        for mat, per in bom(conn, product):
            req[mat] += per * qty // 1000
    out = []
    for code in sorted(req):
        m = material(conn, code)
        have = on_hand(conn, "material", code)
        missing = max(req[code] - have, 0)
        out.append(NeedRow(m.member, code, m.name, m.unit, req[code], have, missing,
                           half_up_div(missing * m.cost, 1000)))
    return sorted(out, key=lambda r: (r.member, r.material))


# --- finished goods sold ---------------------------------------------------------------------

def take_out_sold(conn: Connection, document_id: int, user: str) -> list[str]:
    """An issued invoice's lines of stocked products (those with a bill of materials, or
    ever in stock) leave the stock at their unit cost; the stock variation follows in the
    ledger. Selling more than the stock is allowed — the goods may be made after — and warned."""
    from ecp.db.models import Document, DocumentLine
    doc = conn.execute(select(Document.number, Document.member, Document.day, Document.kind)
                       .where(Document.id == document_id)).one()
    if doc.kind != "facture":
        return []
    stocked = set(conn.scalars(select(BomLine.product))) | set(conn.scalars(
        select(StockMove.item).where(StockMove.item_kind == "product")))
    warnings = []
    value = 0
    on = int_day(doc.day)
    for product, qty in conn.execute(select(DocumentLine.product, DocumentLine.quantity_milli)
                                     .where(DocumentLine.document_id == document_id,
                                            DocumentLine.product.is_not(None))):
        if product not in stocked:
            continue
        have = on_hand(conn, "product", product, on)
        if qty > have:
            warnings.append(f"{product} : {fmt_qty(qty)} facturé(s), {fmt_qty(max(have, 0))} "
                            "en stock — à produire (ordre de fabrication)")
        cost = unit_cost(conn, product)
        _move(conn, doc.member, "product", product, doc.day, -qty, cost, "sale", user,
              document_id=document_id)
        value += half_up_div(qty * cost, 1000)
    if value:
        post(conn, JournalEntry("OD", on, f"Sortie de stock {doc.number}", (
            LineSpec(GOODS_VARIATION, doc.member, value),
            LineSpec(GOODS_STOCK, doc.member, -value)), reference=doc.number), user)
    return warnings
