"""The member's annual statement (« Attestation de chiffre d'affaires et de revenus »): one
fiscal year of a member's books, the page the member shows a bank, the CNSS or the tax office.

Like the monthly statement, it is the ledger seen through the member's dimension, not a separate
computation. The year's activity (turnover, other products, charges by nature, contribution,
result) and the balances at its end (stock, advances) come from the **trial balance** of the
dimension over the fiscal year, which the caller reads (``ecp.api.trial_balance``: the year's
figures before its closing entries, the à-nouveaux as opening); the remuneration from the
payroll tables (``payouts``, ``payslips``); the fixed assets from the register
(``ecp.sales.assets``); the treasury at the year's end as the monthly statement computes it
(``economy.treasury``).

Rules (docs/year-end.md, « Relevé annuel du membre »):

- turnover HT: the year's movements of 711 and 712 (ventes de marchandises, de biens et
  services produits: the CGNC's chiffre d'affaires), credit − debit, internal accounts left out;
- other products: the rest of class 7, by nature (the CPC's line of each account);
- charges by nature: class 6 but the contribution, debit − credit, by the CPC's line of each
  account (achats revendus, achats consommés, autres charges externes, impôts et taxes, charges
  de personnel, dotations…);
- contribution: 61468 (61461 before issue 14), as the monthly statement reads it;
- result: classes 7 − 6 over the year; it equals turnover + other products − charges −
  contribution, which ``AnnualStatement.check`` asserts.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Connection, func, or_, select

from ecp.db.models import Balance, Dimension, Line, Payout
from ecp.db.models import Payslip as PayslipRow
from ecp.kernel.errors import IntegrityFailure
from ecp.ledger.entry import day_int
from ecp.members import economy, registry
from ecp.members.views import MemberInfo, Treasury
from ecp.sales import assets as assets_mod
from ecp.sales import company as company_mod
from ecp.sales.views import Company

if TYPE_CHECKING:
    from ecp.ledger.trial import TrialBalance

TURNOVER_PREFIXES = ("711", "712")  # the CGNC's chiffre d'affaires
STOCK_PREFIX = "31"
# The CPC's line of an account: (key, French label), None when the mapping has none
Nature = Callable[[str], "tuple[str, str] | None"]


@dataclass(frozen=True)
class NatureLine:
    """The year's movements of the accounts of one nature (a line of the CPC)."""

    key: str  # the CPC's line (``ecp/reports/data/statements.csv``), or the account
    label: str
    amount: int  # a charge: debit − credit; a product: credit − debit
    accounts: tuple[str, ...]


@dataclass(frozen=True)
class AnnualRemuneration:
    """What the ECP paid the member in the year (payouts dated in it), by route."""

    payslips: int  # bulletins de paie of the year
    gross: int  # salaire brut
    social: int  # CNSS and AMO withheld (employee's share)
    ir: int  # IR withheld at source
    net: int  # net salary (gross − social − IR)
    employer: int  # employer's charges (CNSS, AMO, AF, TFP): a cost, not paid to the member
    fees: int  # an independent member's invoices paid (TTC)
    fee_invoices: int
    other: int  # payouts before the remuneration routes (issue 14)
    withheld: int  # advance repayments withheld from these payouts
    paid: int  # what the member received: net + fees + other − withheld

    @property
    def total(self) -> int:
        """Net salary, fees and other payouts, before the advance repayments."""
        return self.net + self.fees + self.other


@dataclass(frozen=True)
class AnnualAsset:
    """A fixed asset of the member's dimension in the register at the year's end."""

    code: str
    name: str
    account: str
    acquired: dt.date
    cost: int
    cumulated: int  # planned depreciation at the year's end
    net: int  # valeur nette comptable


@dataclass(frozen=True)
class AnnualStatement:
    """The attestation of one member for one fiscal year; every amount in centimes."""

    company: Company
    member: MemberInfo
    route: str | None  # « salarié » | « indépendant » at the year's end, None: none chosen
    cnss: str | None  # the member's CNSS number, when salaried
    year: int
    start: dt.date
    end: dt.date  # last day, inclusive
    turnover: int
    products: tuple[NatureLine, ...]  # class 7 other than the turnover
    charges: tuple[NatureLine, ...]  # class 6 other than the contribution
    contribution: int
    result: int  # classes 7 − 6 over the year, profit positive
    remuneration: AnnualRemuneration
    advances_paid: int  # solidarity advances paid in the year
    advances_owed: int  # 3431 at the year's end
    stock: int  # 31x at the year's end
    assets: tuple[AnnualAsset, ...]
    treasury: Treasury  # at the year's end

    @property
    def products_total(self) -> int:
        return sum(p.amount for p in self.products)

    @property
    def charges_total(self) -> int:
        return sum(c.amount for c in self.charges)

    @property
    def assets_cost(self) -> int:
        return sum(a.cost for a in self.assets)

    @property
    def assets_net(self) -> int:
        return sum(a.net for a in self.assets)

    def check(self) -> None:
        """The parts add up to the result (classes 7 − 6), or IntegrityFailure."""
        parts = self.turnover + self.products_total - self.charges_total - self.contribution
        if parts != self.result:
            raise IntegrityFailure(
                f"relevé annuel {self.member.code} {self.year} : chiffre d'affaires, produits, "
                f"charges et contribution font {parts}, le résultat {self.result} (centimes)",
                field="member", code="annual.unbalanced")


def year_members(conn: Connection, start: dt.date, end: dt.date) -> list[str]:
    """The members of the year: active and joined by its end, or with movements in it (a
    member who left during the year gets the attestation of the months worked)."""
    m0, m1 = start.year * 100 + start.month, end.year * 100 + end.month
    moved = select(Balance.dimension).where(Balance.month >= m0, Balance.month <= m1)
    return list(conn.scalars(select(Dimension.code).where(
        Dimension.kind == "member",
        or_((Dimension.status == "actif")
            & (Dimension.joined_on.is_(None) | (Dimension.joined_on <= day_int(end))),
            Dimension.code.in_(moved))).order_by(Dimension.code)))


def _by_nature(rows: list[tuple[str, str, int]], nature: Nature) -> tuple[NatureLine, ...]:
    """(account, name, amount) summed by the account's nature, in the order of their first
    account (the CPC's order); an account the mapping does not know stands alone."""
    labels: dict[str, str] = {}
    amounts: dict[str, int] = {}
    accounts: dict[str, list[str]] = {}
    for account, name, amount in sorted(rows):
        key, label = nature(account) or (account, name)
        labels.setdefault(key, label)
        amounts[key] = amounts.get(key, 0) + amount
        accounts.setdefault(key, []).append(account)
    return tuple(NatureLine(k, labels[k], amounts[k], tuple(accounts[k]))
                 for k in labels if amounts[k])


def remuneration(conn: Connection, member: str, start: dt.date, end: dt.date
                 ) -> tuple[AnnualRemuneration, int]:
    """The year's remuneration of the member, and the solidarity advances paid in it."""
    s, e = day_int(start), day_int(end)
    rows = conn.execute(
        select(Payout.kind, Payout.amount, Payout.entry_id, PayslipRow.gross,
               PayslipRow.employee_total, PayslipRow.ir, PayslipRow.net,
               PayslipRow.employer_total)
        .outerjoin(PayslipRow, PayslipRow.payout_id == Payout.id)
        .where(Payout.member == member, Payout.day >= s, Payout.day <= e)).all()
    # an advance repayment withheld from a payout: 3431 credited in the payout's entry
    withheld_by_entry = dict(conn.execute(
        select(Line.entry_id, -func.sum(Line.amount)).where(
            Line.dimension == member, Line.account == economy.ADVANCES, Line.amount < 0,
            Line.entry_id.in_([r.entry_id for r in rows if r.kind != "avance"]))
        .group_by(Line.entry_id)).all())
    n = gross = social = ir = net = employer = fees = invoices = other = withheld = paid = 0
    advances = 0
    for r in rows:
        if r.kind == "avance":
            advances += int(r.amount)
            continue
        held = int(withheld_by_entry.get(r.entry_id, 0))
        withheld += held
        paid += int(r.amount)
        if r.kind == "salaire" and r.gross is not None:
            n += 1
            gross += int(r.gross)
            social += int(r.employee_total)
            ir += int(r.ir)
            net += int(r.net)
            employer += int(r.employer_total)
        elif r.kind == "honoraires":
            invoices += 1
            fees += int(r.amount) + held
        else:
            other += int(r.amount) + held
    return AnnualRemuneration(n, gross, social, ir, net, employer, fees, invoices, other,
                              withheld, paid), advances


def annual_statement(conn: Connection, member: str, year: int, start: dt.date, end: dt.date,
                     tb: TrialBalance, nature: Nature) -> AnnualStatement:
    """The attestation of ``member`` for fiscal year ``year`` ([start, end]), from ``tb``, the
    trial balance of the member's dimension over the year; ``nature`` names the CPC's line of
    an account (the shipped mapping)."""
    info = economy.member_info(conn, member)
    code = info.code
    if tb.dimension != code or tb.date_from != start or tb.date_to != end:
        raise ValueError("the trial balance of the member's dimension over the year is expected")
    turnover = result = contribution = stock = advances_owed = 0
    products: list[tuple[str, str, int]] = []
    charges: list[tuple[str, str, int]] = []
    for r in tb.rows:
        moved = r.debit - r.credit
        closing = r.closing_debit - r.closing_credit
        if r.account.startswith("7"):
            result -= moved
            if r.account.startswith(TURNOVER_PREFIXES) and not r.internal:
                turnover -= moved
            else:
                products.append((r.account, r.name, -moved))
        elif r.account.startswith("6"):
            result -= moved
            if r.account in economy.CONTRIBUTION_CHARGES:
                contribution += moved
            else:
                charges.append((r.account, r.name, moved))
        elif r.account.startswith(STOCK_PREFIX):
            stock += closing
        elif r.account == economy.ADVANCES:
            advances_owed += closing
    pay, advances_paid = remuneration(conn, code, start, end)
    assets = tuple(
        AnnualAsset(a.asset.code, a.asset.name, a.asset.account, a.asset.day, a.asset.cost,
                    a.cumulated, a.net)
        for a in assets_mod.asset_rows(conn, end.year)
        if a.asset.dimension == code and not (a.asset.disposed and a.asset.disposed <= end))
    route = registry.route_on(conn, code, end)
    view = AnnualStatement(
        company_mod.company(conn), info,
        registry.ROUTE_LABELS[route.route] if route else None,
        route.cnss if route and route.route == "salarie" else None,
        year, start, end, turnover, _by_nature(products, nature), _by_nature(charges, nature),
        contribution, result, pay, advances_paid, advances_owed, stock, assets,
        economy.treasury(conn, code, end))
    view.check()
    return view
