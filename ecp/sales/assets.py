"""Fixed assets: the register (``assets``), depreciation runs and disposals.

Depreciation rule (documented in docs/year-end.md):

- **linéaire**, prorata temporis **in actual days**: the annual charge is cost ÷ years (or
  cost × rate); a year's charge is annual × days of use in the year ÷ days of the year (365 or
  366), the day of acquisition counted, capped at what remains to depreciate (the last year
  takes the remainder). 12 000,00 bought 1 July 2026 over 5 years: 2 400,00 × 184 / 365 =
  1 209,86 in 2026, 2 400,00 in 2027…2030, 1 190,14 in 2031.
- **dégressif**: the linear rate times the CGI coefficient (1,5 for 3–4 years, 2 for 5–6, 3
  above: ``DEGRESSIVE_COEFFICIENTS``, dated), on the net book value, prorata in **months** from
  the first day of the month of acquisition; a year switches to linear on what remains when the
  linear share of the remaining months is larger.

Runs add up like the contribution's: a run posts, per asset and year, the difference between
the plan and what earlier runs posted, one OD entry per dimension; nothing when nothing
changed. A disposal first posts the disposal year's charge up to the disposal day, then the
disposal entry (28xx D, 23xx C, 6513 D net book value; with a price 3481 D / 7513 C)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from fractions import Fraction

from sqlalchemy import Connection, func, insert, select

from ecp.db.models import Account, Asset, AssetDisposal, DepreciationRun, Dimension, Expense
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import check_amount
from ecp.kernel.text import NAME, check_text
from ecp.ledger.entry import ECP_DIMENSION, JournalEntry, LineSpec, day_int, int_day
from ecp.ledger.posting import now_iso, post
from ecp.ledger.years import require_open

METHODS = ("lineaire", "degressif")
# Asset account prefix → (amortisation account, charge account) — CGNC, classes 28 and 619.
DEPRECIATION_ACCOUNTS: tuple[tuple[str, str, str], ...] = (
    ("2332", "28332", "61933"),
    ("234", "2834", "61934"),
    ("2351", "28351", "61935"),
    ("2355", "28355", "61935"),
)
# CGI art. 10-III-F-1°-b (loi de finances 1994): coefficients of the degressive method by
# useful life in years, dated by the first day they apply: (from, ((min, max|None, ×100), …)).
DEGRESSIVE_COEFFICIENTS: tuple[tuple[dt.date, tuple[tuple[int, int | None, int], ...]], ...] = (
    (dt.date(1994, 1, 1), ((3, 4, 150), (5, 6, 200), (7, None, 300))),
)
DISPOSAL_CHARGE = "6513"  # VNC des immobilisations corporelles cédées
DISPOSAL_RECEIVABLE = "3481"  # créances sur cessions d'immobilisations
DISPOSAL_INCOME = "7513"  # produits des cessions des immobilisations corporelles


@dataclass(frozen=True)
class AssetView:
    code: str
    name: str
    account: str
    dimension: str
    day: dt.date
    cost: int
    method: str
    years: int | None
    rate_bp: int | None
    expense_id: int | None
    disposed: dt.date | None
    price: int | None


@dataclass(frozen=True)
class AssetRow:
    """An asset in ``asset list``: gross, depreciation cumulated at the year end, net."""

    asset: AssetView
    year: int
    cumulated: int
    net: int


@dataclass(frozen=True)
class DepreciationLine:
    asset: str
    dimension: str
    due: int  # the year's charge, all runs together
    posted_now: int
    entry: str | None


@dataclass(frozen=True)
class DisposalResult:
    asset: str
    day: dt.date
    cost: int
    cumulated: int
    net: int
    price: int
    complement: int  # the disposal year's charge posted with it
    entry: str


def accounts_for(account: str) -> tuple[str, str] | None:
    """(amortisation account, charge account) of an asset account, None without mapping."""
    for prefix, amort, charge in DEPRECIATION_ACCOUNTS:
        if account.startswith(prefix):
            return amort, charge
    return None


def degressive_coefficient(years: int, on: dt.date) -> int:
    """The CGI coefficient ×100 for a useful life of ``years`` acquired on ``on``."""
    table = [t for since, t in DEGRESSIVE_COEFFICIENTS if since <= on]
    if not table or years < 3:
        raise InputError("méthode : le dégressif demande une durée d'au moins 3 ans",
                         field="method", code="method.degressive_short")
    for lo, hi, coef in table[-1]:
        if years >= lo and (hi is None or years <= hi):
            return coef
    raise InputError("méthode : durée hors barème", field="method", code="method.degressive")


def _view(conn: Connection, a: Asset) -> AssetView:
    d = conn.execute(select(AssetDisposal).where(AssetDisposal.asset == a.code)).first()
    return AssetView(a.code, a.name, a.account, a.dimension, int_day(a.day), a.cost, a.method,
                     a.years, a.rate_bp, a.expense_id, int_day(d.day) if d else None,
                     d.price if d else None)


def get_asset(conn: Connection, code: str) -> AssetView:
    row = conn.execute(select(Asset).where(Asset.code == code.strip().upper())).first()
    if row is None:
        raise NotFoundError(f"immobilisation : « {code} » inconnue", field="code",
                            code="asset.unknown")
    return _view(conn, row)  # type: ignore[arg-type]


def list_assets(conn: Connection) -> list[AssetView]:
    return [_view(conn, a) for a in conn.execute(select(Asset).order_by(Asset.code)).all()]  # type: ignore[arg-type]


def add_asset(conn: Connection, code: str, account: str, name: str, day: dt.date, cost: int,
              user: str, dimension: str = ECP_DIMENSION, years: int | None = None,
              rate_bp: int | None = None, method: str = "lineaire",
              expense_id: int | None = None) -> AssetView:
    """A new asset; every field checked, by name, before anything is written."""
    code = code.strip().upper()
    if not code or len(code) > 30 or not all(c.isalnum() or c in "-_." for c in code):
        raise InputError(f"code : « {code} » (lettres, chiffres, - _ . ; 30 au plus)",
                         field="code", code="code.format")
    if conn.scalar(select(Asset.code).where(Asset.code == code)) is not None:
        raise InputError(f"code : l'immobilisation {code} existe déjà", field="code",
                         code="code.exists")
    name = check_text(name, "nom", NAME, field="name")
    if not name.strip():
        raise InputError("nom : obligatoire", field="name", code="name.empty")
    acc = conn.execute(select(Account).where(Account.code == account)).first()
    if acc is None:
        raise InputError(f"compte : {account} n'existe pas au plan comptable", field="account",
                         code="account.unknown")
    if acc.cls != 2 or account.startswith(("28", "29")):
        raise InputError(f"compte : {account} n'est pas un compte d'immobilisation (classe 2, "
                         "hors 28 et 29)", field="account", code="account.class")
    if accounts_for(account) is None:
        raise InputError(f"compte : {account} n'a pas de compte d'amortissement prévu ("
                         + ", ".join(p + "…" for p, _, _ in DEPRECIATION_ACCOUNTS) + ")",
                         field="account", code="account.no_depreciation")
    dimension = dimension.strip().upper()
    if conn.scalar(select(Dimension.code).where(Dimension.code == dimension)) is None:
        raise InputError(f"dimension : « {dimension} » inconnue", field="dimension",
                         code="dimension.unknown")
    check_amount(cost, "coût", field="cost")
    if cost <= 0:
        raise InputError("coût : doit être positif", field="cost", code="cost.not_positive")
    if (years is None) == (rate_bp is None):
        raise InputError("durée : donner soit la durée en années, soit le taux", field="years",
                         code="years.choice")
    if years is not None and not 1 <= years <= 100:
        raise InputError(f"durée : {years} ans (1 à 100)", field="years", code="years.range")
    if rate_bp is not None and not 0 < rate_bp <= 10000:
        raise InputError("taux : entre 0 et 100 % exclus de 0", field="rate", code="rate.range")
    if method not in METHODS:
        raise InputError(f"méthode : « {method} » (lineaire ou degressif)", field="method",
                         code="method.unknown")
    if method == "degressif":
        degressive_coefficient(_life(years, rate_bp), day)
    if expense_id is not None:
        exp = conn.execute(select(Expense).where(Expense.id == expense_id)).first()
        if exp is None:
            raise InputError(f"dépense : n° {expense_id} inconnu", field="expense_id",
                             code="expense.unknown")
        if exp.member != dimension:
            raise InputError(f"dépense : n° {expense_id} est de {exp.member}, pas de "
                             f"{dimension}", field="expense_id", code="expense.dimension")
        # Booked on the asset's own account, its VAT waited on 34553 and became deductible on
        # 34551 when paid (ecp.sales.payments): a charge account would have put the cost in the
        # year's charges and its VAT on 34552 — book the purchase again on 23xx instead.
        if exp.account != account:
            raise InputError(f"dépense : n° {expense_id} passée au compte {exp.account}, pas "
                             f"{account} : saisir l'achat sur le compte d'immobilisation "
                             "(expense add --account 23xx), sa TVA va alors en 34553 → 34551",
                             field="expense_id", code="expense.account")
        if cost > exp.amount_ht:
            raise InputError(f"coût : {cost} centimes, plus que la dépense n° {expense_id} "
                             f"({exp.amount_ht} HT)", field="cost", code="cost.expense")
    conn.execute(insert(Asset).values(
        code=code, name=name, account=account, dimension=dimension, day=day_int(day), cost=cost,
        method=method, years=years, rate_bp=rate_bp, expense_id=expense_id, at=now_iso(),
        by=user))
    return get_asset(conn, code)


def _life(years: int | None, rate_bp: int | None) -> int:
    if years is not None:
        return years
    assert rate_bp is not None
    return -(-10000 // rate_bp)  # a 15 % rate: 7 years (rounded up)


def _half_up(x: Fraction) -> int:
    q, r = divmod(x.numerator, x.denominator)
    return q + (1 if 2 * r >= x.denominator else 0)


def _year_days(y: int) -> int:
    return (dt.date(y + 1, 1, 1) - dt.date(y, 1, 1)).days


def plan(a: AssetView, until: int) -> dict[int, int]:
    """The charge of each year from the acquisition to ``until`` (stopping at the disposal
    day), in centimes: see the module's rule."""
    out: dict[int, int] = {}
    cum = 0
    stop = a.disposed
    life = _life(a.years, a.rate_bp)
    for y in range(a.day.year, until + 1):
        left = a.cost - cum
        start = max(a.day, dt.date(y, 1, 1))
        end = min(dt.date(y, 12, 31), stop) if stop else dt.date(y, 12, 31)
        if left <= 0 or end < start:
            out[y] = 0
            continue
        if a.method == "lineaire":
            annual = Fraction(a.cost, a.years) if a.years else Fraction(a.cost * (a.rate_bp or 0),
                                                                       10000)
            charge = _half_up(annual * ((end - start).days + 1) / _year_days(y))
        else:
            coef = degressive_coefficient(life, a.day)
            first = dt.date(a.day.year, a.day.month, 1)
            m_start = max(first, dt.date(y, 1, 1))
            months = (end.year - m_start.year) * 12 + end.month - m_start.month + 1
            elapsed = (m_start.year - first.year) * 12 + m_start.month - first.month
            remaining = life * 12 - elapsed
            rate = Fraction(coef, 100 * life)
            deg = left * rate * Fraction(months, 12)
            lin = Fraction(left * months, remaining) if remaining > 0 else Fraction(left)
            charge = _half_up(max(deg, lin))
        charge = min(charge, left)
        out[y] = charge
        cum += charge
    return out


def _posted(conn: Connection, code: str, year: int | None = None) -> int:
    q = select(func.coalesce(func.sum(DepreciationRun.amount), 0)).where(
        DepreciationRun.asset == code)
    if year is not None:
        q = q.where(DepreciationRun.year == year)
    return int(conn.scalar(q) or 0)


def asset_rows(conn: Connection, year: int) -> list[AssetRow]:
    """Each asset acquired by the end of ``year`` with its planned cumulative depreciation at
    31/12 of the year (nil after a disposal: the asset has left the books)."""
    out = []
    for a in list_assets(conn):
        if a.day.year > year:
            continue
        if a.disposed and a.disposed.year <= year:
            out.append(AssetRow(a, year, 0, 0))
            continue
        cum = sum(plan(a, year).values())
        out.append(AssetRow(a, year, cum, a.cost - cum))
    return out


def _post_charges(conn: Connection, year: int, on: dt.date, dimension: str,
                  deltas: list[tuple[AssetView, int]], user: str, label: str) -> str:
    by_account: dict[str, int] = defaultdict(int)
    for a, delta in deltas:
        mapped = accounts_for(a.account)
        assert mapped is not None
        amort, charge = mapped
        by_account[charge] += delta
        by_account[amort] -= delta
    lines = tuple(LineSpec(acc, dimension, amount)
                  for acc, amount in sorted(by_account.items(), key=lambda kv: (kv[1] < 0, kv[0]))
                  if amount)
    posted = post(conn, JournalEntry("OD", on, label, lines,
                                     reference=f"AMORT-{year}-{dimension}"), user)
    for a, delta in deltas:
        conn.execute(insert(DepreciationRun).values(year=year, asset=a.code, amount=delta,
                                                    entry_id=posted.id, at=now_iso(), by=user))
    return posted.ref


@dataclass(frozen=True)
class DepreciationDue:
    asset: str
    dimension: str
    charge: str  # 6193x
    amort: str  # 28xx
    due: int  # the plan's charge of the year
    posted: int  # what earlier runs (and a disposal) posted for the year
    to_post: int  # what a run would post now


def depreciation_due(conn: Connection, year: int) -> list[DepreciationDue]:
    """What ``run_depreciation`` would post for each asset of the year, nothing written."""
    out = []
    for a in list_assets(conn):
        if a.day.year > year:
            continue
        due = plan(a, year)[year]
        done = _posted(conn, a.code, year)
        mapped = accounts_for(a.account) or ("", "")
        out.append(DepreciationDue(a.code, a.dimension, mapped[1], mapped[0], due, done,
                                   due - done))
    return out


def run_depreciation(conn: Connection, year: int, user: str, on: dt.date | None = None
                     ) -> list[DepreciationLine]:
    """Post the year's depreciation of every asset, or the difference with earlier runs."""
    require_open(conn, year, user)
    on = on or dt.date(year, 12, 31)
    if on.year != year:
        raise InputError(f"date : le {on.strftime('%d/%m/%Y')} n'est pas dans l'exercice "
                         f"{year}", field="day", code="day.year")
    pending: dict[str, list[tuple[AssetView, int, int]]] = defaultdict(list)
    for a in list_assets(conn):
        if a.day.year > year:
            continue
        due = plan(a, year)[year]
        delta = due - _posted(conn, a.code, year)
        pending[a.dimension].append((a, due, delta))
    out = []
    for dim in sorted(pending):
        items = pending[dim]
        moved = [(a, d) for a, _due, d in items if d]
        ref = _post_charges(conn, year, on, dim, moved, user,
                            f"Dotations aux amortissements {year} - {dim}") if moved else None
        out += [DepreciationLine(a.code, dim, due, d, ref if d else None)
                for a, due, d in items]
    return out


def dispose_asset(conn: Connection, code: str, day: dt.date, user: str, price: int = 0
                  ) -> DisposalResult:
    """The disposal: the year's charge up to ``day``, then the disposal entry."""
    a = get_asset(conn, code)
    if a.disposed is not None:
        raise InputError(f"code : {a.code} a déjà été cédée le "
                         f"{a.disposed.strftime('%d/%m/%Y')}", field="code",
                         code="asset.disposed")
    if day < a.day:
        raise InputError(f"date : la cession précède l'acquisition du "
                         f"{a.day.strftime('%d/%m/%Y')}", field="day", code="day.before")
    check_amount(price, "prix", field="price")
    if price < 0:
        raise InputError("prix : ne peut être négatif", field="price", code="price.negative")
    require_open(conn, day.year, user, field="day")
    # later runs posted after the disposal day would be undone: refuse them
    if int(conn.scalar(select(func.count()).select_from(DepreciationRun).where(
            DepreciationRun.asset == a.code, DepreciationRun.year > day.year)) or 0):
        raise InputError(f"date : des amortissements de {a.code} sont passés après "
                         f"{day.year}", field="day", code="day.after_runs")
    gone = AssetView(**{**a.__dict__, "disposed": day})
    complement = plan(gone, day.year)[day.year] - _posted(conn, a.code, day.year)
    if complement:
        _post_charges(conn, day.year, day, a.dimension, [(a, complement)], user,
                      f"Dotation jusqu'à la cession - {a.code}")
    cum = _posted(conn, a.code)
    net = a.cost - cum
    mapped = accounts_for(a.account)
    assert mapped is not None
    lines = [LineSpec(mapped[0], a.dimension, cum), LineSpec(DISPOSAL_CHARGE, a.dimension, net),
             LineSpec(a.account, a.dimension, -a.cost)]
    if price:
        lines += [LineSpec(DISPOSAL_RECEIVABLE, a.dimension, price),
                  LineSpec(DISPOSAL_INCOME, a.dimension, -price)]
    posted = post(conn, JournalEntry("OD", day, f"Cession {a.code} - {a.name}"[:300],
                                     tuple(x for x in lines if x.amount),
                                     reference=f"CESSION-{a.code}"), user)
    conn.execute(insert(AssetDisposal).values(asset=a.code, day=day_int(day), price=price,
                                              entry_id=posted.id, at=now_iso(), by=user))
    return DisposalResult(a.code, day, a.cost, cum, net, price, complement, posted.ref)
