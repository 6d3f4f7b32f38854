"""The VAT return to the DGI: its lines with their codes, the declaration that settles the VAT
accounts against 4456 (due) or 3456 (credit), its reversal and its payment.

The return of a period comes from the VAT report of that period (``vat_report``): turnover
and VAT collected by rate, credit-note regularisations folded into their rate's line (as the
DGI form nets them), deductions on charges (34552) and on fixed assets (34551), the credit
carried from the previous declaration (3456), VAT due or credit.

What a declaration posts, per dimension (each member's books carry their own VAT position),
journal OD, on the declaration date:

- 4455 debited by its balance (VAT collected, net of credit notes), 34552 and 34551 credited
  by theirs (deductible VAT), 3456 credited by the credit carried;
- the result R = collected − deductible − carried goes to 4456 (credit, R > 0) or 3456
  (debit, R < 0).

Balances are read "as declared": every line dated before the period's end, plus the lines of
every declaration and reversal whatever their date (a declaration of August dated 15 October
must not be counted again by September's). So a line posted late into an already declared
period is swept into the next declaration, shown on its own line (« régularisations de
périodes déjà déclarées »), and nothing is stranded on 4455.

The ECP is one taxable person: when, in one declaration, some dimensions end in credit while
the ECP as a whole owes VAT (or the reverse), the smaller side is imputed on the larger
through the members' liaison account (44881) with the ECP's dimension: a member in credit is
paid its credit by the ECP (its liaison debited), the ECP's dimension takes the credit on its
4456. The sums over dimensions then equal the return: Σ 4456 = VAT due, Σ 3456 = credit.
When the whole nets to exactly zero, every member's result is imputed that way and the ECP's
dimension's lines on 4456 cancel out: nothing is left that a payment would have to clear.
A dimension whose only VAT is a credit carried that stays a credit posts nothing (3456 would
be credited and debited by the same amount); when that is all, the declaration posts no
entry, like a « néant » one.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, exists, func, insert, or_, select

from ecp.db.models import (
    Allocation,
    AllocationVat,
    Document,
    DocumentLine,
    DocumentVat,
    Entry,
    Line,
    VatDeclaration,
    VatPayment,
    VatReversal,
)
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.money import check_amount, fmt_fr
from ecp.kernel.periods import Period, parse_month_or_quarter
from ecp.kernel.text import LABEL, REFERENCE, check_text
from ecp.kernel.units import fmt_rate, half_up_div
from ecp.ledger.entry import ECP_DIMENSION, JournalEntry, LineSpec, day_int, entry_ref, int_day
from ecp.ledger.posting import now_iso, post, reverse
from ecp.sales import company as company_mod
from ecp.sales.documents import VAT_DUE
from ecp.sales.vat_report import OTHER, VatReport, vat_report
from ecp.settings import value as setting_value

VAT_DECLARED_DUE = "4456"  # État – TVA due (suivant déclarations)
VAT_CREDIT = "3456"  # État – crédit de TVA (suivant déclarations)
DEDUCTIBLE_CHARGES = "34552"
DEDUCTIBLE_ASSETS = "34551"
LIAISON = "44881"  # members ↔ ECP (the same account the contribution uses)
PENALTY = "65831"  # Pénalités et amendes fiscales
BANK = "5141"
SETTLED = (VAT_DUE, DEDUCTIBLE_CHARGES, DEDUCTIBLE_ASSETS, VAT_CREDIT)
METHODS = {"virement": "virement", "cheque": "chèque"}

# DGI line codes of the return (reference file, « Return layout, line codes », [S]; sales
# and purchase sub-lines as Odoo's l10n_ma tags them, [P]). Data, not logic: a change of form
# is a change of these rows. Sales at 10 % fall in sub-lines 76–118 according to the nature
# of the goods, which ECP does not record: they are declared under the section « B10 » and the
# bookkeeper picks the sub-line on SIMPL-TVA (docs/vat-cycle.md). Purchases: « achats à
# l'intérieur » by rate (146 / 148 / 150 / 152) and « immobilisations » (163 at 20 %, « autres
# immobilisations » 168 / 160 / 169 at 14 / 10 / 7 %), as Odoo's l10n_ma tax report has them.
SALES_CODES: dict[tuple[int, str], str] = {
    (2000, "biens"): "80", (2000, "services"): "81",
    (1000, "biens"): "B10", (1000, "services"): "B10",
}
PURCHASE_CODES: dict[tuple[int, str], str] = {
    (2000, "charges"): "146", (1400, "charges"): "148", (1000, "charges"): "150",
    (700, "charges"): "152",
    (2000, "immobilisations"): "163", (1400, "immobilisations"): "168",
    (1000, "immobilisations"): "160", (700, "immobilisations"): "169",
}
SERVICE_ACCOUNTS = ("7124", "7125", "7126")  # ventes de services produits; others are goods


@dataclass(frozen=True)
class ReturnLine:
    """One line of the return: its DGI code, wording, base HT and VAT (None where the form
    has no such column)."""

    code: str
    label: str
    base: int | None = None
    vat: int | None = None


@dataclass(frozen=True)
class Position:
    """One dimension's VAT as declared: the balances settled and the result."""

    dimension: str
    collected: int  # credit balance of 4455 (net of credit notes)
    deductible_charges: int  # debit balance of 34552
    deductible_assets: int  # debit balance of 34551
    carried: int  # debit balance of 3456 before the declaration (credit carried)

    @property
    def result(self) -> int:
        """Positive: VAT due; negative: credit."""
        return self.collected - self.deductible_charges - self.deductible_assets - self.carried


@dataclass(frozen=True)
class VatReturn:
    period: str
    start: dt.date
    end: dt.date  # exclusive
    report: VatReport
    lines: tuple[ReturnLine, ...]
    positions: tuple[Position, ...]
    earlier: int  # VAT of lines posted into periods already declared, swept into this one

    @property
    def collected(self) -> int:
        return sum(p.collected for p in self.positions)

    @property
    def deductible_charges(self) -> int:
        return sum(p.deductible_charges for p in self.positions)

    @property
    def deductible_assets(self) -> int:
        return sum(p.deductible_assets for p in self.positions)

    @property
    def carried(self) -> int:
        return sum(p.carried for p in self.positions)

    @property
    def balance(self) -> int:
        return sum(p.result for p in self.positions)

    @property
    def due(self) -> int:
        return max(self.balance, 0)

    @property
    def credit(self) -> int:
        return max(-self.balance, 0)

    def figures(self) -> dict[str, Any]:
        """What is stored with the declaration and exported as JSON (centimes)."""
        return {"periode": self.period, "debut": self.start.isoformat(),
                "fin": (self.end - dt.timedelta(days=1)).isoformat(),
                "lignes": [{"code": ln.code, "libelle": ln.label, "base_ht": ln.base,
                            "tva": ln.vat} for ln in self.lines],
                "tva_due": self.due, "credit": self.credit, "anterieur": self.earlier,
                "positions": [{"dimension": p.dimension, "tva_facturee": p.collected,
                               "deductible_charges": p.deductible_charges,
                               "deductible_immobilisations": p.deductible_assets,
                               "credit_reporte": p.carried, "resultat": p.result}
                              for p in self.positions]}


@dataclass(frozen=True)
class DeclarationView:
    id: int
    period: str
    start: dt.date
    end: dt.date  # exclusive
    day: dt.date
    due: int
    credit: int
    entry: str | None  # None: a « néant » return
    figures: dict[str, Any]
    reversed_on: dt.date | None
    reason: str
    reversal_entry: str | None
    paid_on: dt.date | None
    paid: int
    penalty: int
    payment_entry: str | None

    @property
    def active(self) -> bool:
        return self.reversed_on is None

    @property
    def status(self) -> str:
        if not self.active:
            return "annulée"
        if self.due == 0:
            return "crédit reporté" if self.credit else "néant"
        return "payée" if self.paid_on else "à payer"


# --- the return --------------------------------------------------------------------------

def _declaration_entries() -> Any:
    return select(VatDeclaration.entry_id).where(VatDeclaration.entry_id.is_not(None)) \
        .union_all(select(VatReversal.entry_id).where(VatReversal.entry_id.is_not(None)))


def _as_declared(conn: Connection, end: int) -> dict[tuple[str, str], int]:
    """(dimension, account) → balance of the settled accounts "as declared" at ``end``."""
    rows = conn.execute(
        select(Line.dimension, Line.account, func.sum(Line.amount))
        .where(Line.account.in_(SETTLED),
               or_(Line.day < end, Line.entry_id.in_(_declaration_entries())))
        .group_by(Line.dimension, Line.account))
    return {(d, a): int(v or 0) for d, a, v in rows}


def _nature_shares(conn: Connection, doc_ids: Iterable[int]
                   ) -> dict[tuple[int, int], tuple[int, int]]:
    """(document, rate) → (HT of service lines, HT of all lines) at that rate."""
    ids = sorted(set(doc_ids))
    out: dict[tuple[int, int], tuple[int, int]] = {}
    for i in range(0, len(ids), 500):
        service = or_(*(DocumentLine.account.like(f"{p}%") for p in SERVICE_ACCOUNTS))
        rows = conn.execute(
            select(DocumentLine.document_id, DocumentLine.vat_bp,
                   func.sum(DocumentLine.total_ht).filter(service),
                   func.sum(DocumentLine.total_ht))
            .where(DocumentLine.document_id.in_(ids[i:i + 500]))
            .group_by(DocumentLine.document_id, DocumentLine.vat_bp))
        for doc, bp, serv, total in rows:
            out[(int(doc), int(bp))] = (int(serv or 0), int(total or 0))
    return out


def _sales_by_nature(conn: Connection, s: int, e: int) -> dict[tuple[int, str], tuple[int, int]]:
    """(rate, biens|services) → (base, VAT) collected in ``[s, e)`` net of credit notes: the
    rows of the VAT report, per document, split by the nature of the document's lines at
    that rate (pro rata of their HT, half-up; services take the remainder)."""
    rows: list[tuple[int, int, int, int]] = []  # (document, rate, base, VAT), signed
    on_payment = company_mod.vat_on_payment(conn, s)
    rows += [(int(d), int(bp), int(b), int(v)) for d, bp, b, v in conn.execute(
        select(Allocation.invoice_id, AllocationVat.vat_bp, func.sum(AllocationVat.base_ht),
               func.sum(AllocationVat.vat))
        .join(Allocation, Allocation.id == AllocationVat.allocation_id)
        .where(Allocation.payment_id.is_not(None), Allocation.day >= s, Allocation.day < e)
        .group_by(Allocation.invoice_id, AllocationVat.vat_bp))]
    on_4455 = exists().where(Line.entry_id == Document.entry_id, Line.account == VAT_DUE)
    at_issue = on_4455 if on_payment else or_(on_4455, Document.total_vat == 0)
    rows += [(int(d), int(bp), int(b), int(v)) for d, bp, b, v in conn.execute(
        select(Document.id, DocumentVat.vat_bp, DocumentVat.base_ht, DocumentVat.vat)
        .join(Document, Document.id == DocumentVat.document_id)
        .where(Document.kind == "facture", Document.day >= s, Document.day < e, at_issue))]
    rows += [(int(d), int(bp), -int(b), -int(v)) for d, bp, b, v in conn.execute(
        select(Document.id, DocumentVat.vat_bp, DocumentVat.base_ht, DocumentVat.vat)
        .join(Document, Document.id == DocumentVat.document_id)
        .where(Document.kind == "avoir", Document.day >= s, Document.day < e))]
    rows += [(int(d or 0), int(bp), int(b), int(v)) for d, bp, b, v in conn.execute(
        select(Allocation.credit_note_id, AllocationVat.vat_bp,
               func.sum(AllocationVat.base_ht), func.sum(AllocationVat.vat))
        .join(Allocation, Allocation.id == AllocationVat.allocation_id)
        .join(Document, Document.id == Allocation.credit_note_id)
        .where(Document.kind == "avoir", Document.day >= s, Document.day < e)
        .group_by(Allocation.credit_note_id, AllocationVat.vat_bp))]
    shares = _nature_shares(conn, (r[0] for r in rows))
    out: dict[tuple[int, str], tuple[int, int]] = defaultdict(lambda: (0, 0))
    for doc, bp, base, vat in rows:
        serv, total = shares.get((doc, bp), (0, 0))
        sb = half_up_div(base * serv, total) if total else 0
        sv = half_up_div(vat * serv, total) if total else 0
        for nature, b, v in (("services", sb, sv), ("biens", base - sb, vat - sv)):
            ob, ov = out[(bp, nature)]
            out[(bp, nature)] = (ob + b, ov + v)
    return dict(out)


def _sales_code(bp: int, nature: str) -> str:
    return SALES_CODES.get((bp, nature), f"B{bp // 100}")


def compute_return(conn: Connection, period: Period) -> VatReturn:
    """The return of ``period`` as it would be declared now."""
    s, e = day_int(period.start), day_int(period.end)
    rep = vat_report(conn, period.start, period.end, period.label)
    lines: list[ReturnLine] = []
    by_nature = _sales_by_nature(conn, s, e)
    exempt = by_nature.get((0, "biens"), (0, 0))[0] + by_nature.get((0, "services"), (0, 0))[0]
    taxable = {k: v for k, v in by_nature.items() if k[0] and (v[0] or v[1])}
    taxable_base = sum(b for b, _v in taxable.values())
    lines += [
        ReturnLine("10", "Chiffre d'affaires réalisé, y compris les opérations non imposables "
                   "(HT)", exempt + taxable_base),
        ReturnLine("20", "Opérations hors champ d'application de la TVA", 0),
        ReturnLine("30", "Opérations exonérées sans droit à déduction (art. 91 du CGI)",
                   exempt),
        ReturnLine("40", "Opérations exonérées avec droit à déduction (art. 92 du CGI)", 0),
        ReturnLine("50", "Opérations en suspension de la TVA (art. 94 du CGI)", 0),
        ReturnLine("60", "Chiffre d'affaires imposable (HT)", taxable_base),
    ]
    for (bp, nature), (b, v) in sorted(taxable.items(), key=lambda kv: (-kv[0][0], kv[0][1])):
        what = "Prestations de services" if nature == "services" else \
            "Opérations de production et de distribution"
        lines.append(ReturnLine(_sales_code(bp, nature), f"{what} ({fmt_rate(bp)})", b, v))
    other_sales = sum(r.vat for r in rep.collected if r.vat_bp == OTHER) \
        - sum(r.vat for r in rep.regularised if r.vat_bp == OTHER)
    if other_sales:
        lines.append(ReturnLine("REG", "Régularisations (écritures hors factures)", None,
                                other_sales))

    balances = _as_declared(conn, e)
    dims = sorted({d for d, _a in balances})
    positions = tuple(Position(d, -balances.get((d, VAT_DUE), 0),
                               balances.get((d, DEDUCTIBLE_CHARGES), 0),
                               balances.get((d, DEDUCTIBLE_ASSETS), 0),
                               balances.get((d, VAT_CREDIT), 0)) for d in dims)
    positions = tuple(p for p in positions if p.collected or p.deductible_charges
                      or p.deductible_assets or p.carried)
    collected = sum(p.collected for p in positions)
    earlier = collected - rep.net_collected
    if earlier:
        lines.append(ReturnLine("REG-ANT", "Régularisations de périodes déjà déclarées",
                                None, earlier))
    lines.append(ReturnLine("130", "Total de la TVA exigible", None, collected))
    for r in rep.deductible:
        if r.vat_bp != OTHER:
            lines.append(ReturnLine(PURCHASE_CODES.get((r.vat_bp, "charges"),
                                                       f"D{r.vat_bp // 100}"),
                                    f"Achats non immobilisés ({fmt_rate(r.vat_bp)})",
                                    r.base_ht, r.vat))
    for r in rep.deductible_assets:
        if r.vat_bp != OTHER:
            lines.append(ReturnLine(PURCHASE_CODES.get((r.vat_bp, "immobilisations"),
                                                       f"D{r.vat_bp // 100}-IMMO"),
                                    f"Immobilisations ({fmt_rate(r.vat_bp)})",
                                    r.base_ht, r.vat))
    charges = sum(p.deductible_charges for p in positions)
    assets = sum(p.deductible_assets for p in positions)
    other_ded = charges + assets - sum(r.vat for r in rep.deductible if r.vat_bp != OTHER) \
        - sum(r.vat for r in rep.deductible_assets if r.vat_bp != OTHER)
    if other_ded:
        lines.append(ReturnLine("DED-REG", "Déductions : autres écritures et périodes "
                                "antérieures", None, other_ded))
    carried = sum(p.carried for p in positions)
    total = sum(p.result for p in positions)
    lines += [
        ReturnLine("170", "Crédit de TVA de la période précédente", None, carried),
        ReturnLine("190", "Total des déductions (crédit reporté compris)", None,
                   carried + charges + assets),
        ReturnLine("200", "TVA due", None, max(total, 0)),
        ReturnLine("201", "Crédit de TVA", None, max(-total, 0)),
    ]
    return VatReturn(period.label, period.start, period.end, rep, tuple(lines), positions,
                     earlier)


def return_of(conn: Connection, period: Period) -> VatReturn:
    """The return of ``period``: as declared when it is (the stored figures), else as it
    would be declared now."""
    done = [d for d in declarations(conn, period.label) if d.active]
    if not done:
        return compute_return(conn, period)
    f = done[-1].figures
    rep = vat_report(conn, period.start, period.end, period.label)
    return VatReturn(
        period.label, period.start, period.end, rep,
        tuple(ReturnLine(x["code"], x["libelle"], x["base_ht"], x["tva"]) for x in f["lignes"]),
        tuple(Position(p["dimension"], p["tva_facturee"], p["deductible_charges"],
                       p["deductible_immobilisations"], p["credit_reporte"])
              for p in f["positions"]), int(f.get("anterieur", 0)))


def postings(ret: VatReturn) -> tuple[LineSpec, ...]:
    """The declaration's lines, per dimension (see the module docstring)."""
    total = ret.balance
    # the ECP's dimension carries the ECP's side: 4456 when it owes (or nets to zero), else 3456
    ecp_side = VAT_DECLARED_DUE if total >= 0 else VAT_CREDIT
    specs: list[LineSpec] = []
    imputed: list[tuple[str, int]] = []  # (dimension, amount moved to the ECP's dimension)
    for p in ret.positions:
        d = p.dimension
        if total < 0 and not (p.collected or p.deductible_charges or p.deductible_assets) \
                and (p.carried > 0 or d == ECP_DIMENSION):
            continue  # only a credit carried, which stays where it is: nothing to post
        for account, amount in ((VAT_DUE, p.collected), (DEDUCTIBLE_CHARGES,
                                                          -p.deductible_charges),
                                (DEDUCTIBLE_ASSETS, -p.deductible_assets),
                                (VAT_CREDIT, -p.carried)):
            if amount:
                specs.append(LineSpec(account, d, amount))
        r = p.result
        if r == 0:
            continue
        # A total of exactly zero leaves nothing to pay: every member is then imputed, so
        # that no 4456 stays on a member's books that no payment would ever clear.
        against_total = (r < 0 <= total) or (r > 0 > total) or total == 0
        if against_total and d != ECP_DIMENSION:
            # imputed on the ECP as a whole through the liaison account
            specs.append(LineSpec(LIAISON, d, -r))
            imputed.append((d, r))
        elif d == ECP_DIMENSION:
            specs.append(LineSpec(ecp_side, d, -r))
        else:
            specs.append(LineSpec(VAT_DECLARED_DUE if r > 0 else VAT_CREDIT, d, -r))
    for _d, r in imputed:
        specs.append(LineSpec(LIAISON, ECP_DIMENSION, r))
        specs.append(LineSpec(ecp_side, ECP_DIMENSION, -r))
    return tuple(specs)


# --- declarations ------------------------------------------------------------------------

def declarations(conn: Connection, period: str | None = None) -> list[DeclarationView]:
    q = select(VatDeclaration.__table__).order_by(VatDeclaration.start, VatDeclaration.id)
    if period:
        q = q.where(VatDeclaration.period == period)
    out = []
    for d in conn.execute(q):
        rev = conn.execute(select(VatReversal.__table__)
                           .where(VatReversal.declaration_id == d.id)).first()
        pay = conn.execute(select(VatPayment.__table__)
                           .where(VatPayment.declaration_id == d.id)).first()
        out.append(DeclarationView(
            d.id, d.period, int_day(d.start), int_day(d.end), int_day(d.day), d.due, d.credit,
            _ref(conn, d.entry_id), json.loads(d.figures),
            int_day(rev.day) if rev else None, rev.reason if rev else "",
            _ref(conn, rev.entry_id) if rev else None,
            int_day(pay.day) if pay else None, pay.amount if pay else 0,
            pay.penalty if pay else 0, _ref(conn, pay.entry_id) if pay else None))
    return out


def _ref(conn: Connection, entry_id: int | None) -> str | None:
    if entry_id is None:
        return None
    row = conn.execute(select(Entry.journal, Entry.fiscal_year, Entry.number)
                       .where(Entry.id == entry_id)).one()
    return entry_ref(*row)


def active(conn: Connection) -> list[DeclarationView]:
    return [d for d in declarations(conn) if d.active]


def _filing(conn: Connection) -> str:
    return setting_value(company_mod.settings(conn), "vat.filing")


def next_period(conn: Connection) -> Period | None:
    """The period to declare next: the one after the last declared, in the filing setting's
    length; None before any declaration."""
    done = active(conn)
    if not done:
        return None
    start = done[-1].end
    if _filing(conn) == "trimestriel":
        if start.month not in (1, 4, 7, 10):
            # after monthly declarations, finish the quarter month by month
            return Period(*parse_month_or_quarter(f"{start.year}-{start.month:02d}"))
        return Period(*parse_month_or_quarter(f"{start.year}-Q{(start.month + 2) // 3}"))
    return Period(*parse_month_or_quarter(f"{start.year}-{start.month:02d}"))


def _check_order(conn: Connection, period: Period) -> None:
    quarterly = period.label[5] == "Q"
    filing = _filing(conn)
    if quarterly != (filing == "trimestriel"):
        want = "un trimestre (AAAA-Qn)" if filing == "trimestriel" else "un mois (AAAA-MM)"
        raise InputError(f"période : {period.label} ne correspond pas à la périodicité "
                         f"« {filing} » (vat.filing) : attendu {want}", field="period",
                         code="period.filing")
    for d in active(conn):
        if d.start < period.end and period.start < d.end:
            raise InputError(f"période : {d.period} est déjà déclarée le {d.day.isoformat()} ; "
                             "pour la refaire, annuler d'abord la déclaration avec un motif",
                             field="period", code="period.declared")
    nxt = next_period(conn)
    if nxt is not None and nxt.start != period.start:
        raise InputError(f"période : les périodes se déclarent dans l'ordre ; la prochaine "
                         f"est {nxt.label}", field="period", code="period.order")
    if nxt is None:
        first = conn.scalar(select(func.min(Line.day)).join(Entry, Entry.id == Line.entry_id)
                            .where(Line.account.in_(SETTLED), Entry.journal != "AN"))
        if first is not None and first < day_int(period.start):
            f = int_day(int(first))
            shown = f"{f.year}-Q{(f.month + 2) // 3}" if quarterly else f"{f.year}-{f.month:02d}"
            raise InputError(f"période : de la TVA est comptabilisée dès le {f.isoformat()} ; "
                             f"déclarer d'abord {shown}", field="period", code="period.order")


@dataclass(frozen=True)
class Declared:
    declaration: DeclarationView
    vat_return: VatReturn


def declare(conn: Connection, period: Period, on: dt.date, user: str) -> Declared:
    """Declare ``period`` on ``on``: checks, the return, one OD entry, the declaration row."""
    if on < period.end:
        raise InputError(f"date : la déclaration de {period.label} ne peut précéder la fin de "
                         f"la période ({(period.end - dt.timedelta(days=1)).isoformat()})",
                         field="day", code="day.before_end")
    _check_order(conn, period)
    ret = compute_return(conn, period)
    specs = postings(ret)
    entry_id = None
    if specs:  # a « néant » return (nothing collected, deducted or carried) posts nothing
        entry_id = post(conn, JournalEntry(
            "OD", on, f"Déclaration de TVA {period.label}", specs,
            reference=f"TVA-{period.label}"), user).id
    conn.execute(insert(VatDeclaration).values(
        period=period.label, start=day_int(period.start), end=day_int(period.end),
        day=day_int(on), due=ret.due, credit=ret.credit,
        figures=json.dumps(ret.figures(), ensure_ascii=False), entry_id=entry_id,
        at=now_iso(), by=user))
    return Declared(declarations(conn, period.label)[-1], ret)


def declaration(conn: Connection, period: Period) -> DeclarationView:
    found = [d for d in declarations(conn, period.label) if d.active]
    if not found:
        raise NotFoundError(f"période {period.label} : aucune déclaration de TVA en vigueur",
                            field="period")
    return found[-1]


def reverse_declaration(conn: Connection, period: Period, reason: str, on: dt.date,
                        user: str) -> DeclarationView:
    """Cancel the last declaration with a reason: its entry is reversed on ``on``."""
    why = reason.strip()
    if not why:
        raise InputError("motif : obligatoire pour annuler une déclaration", field="reason",
                         code="reason.required")
    check_text(why, "motif", LABEL, field="reason")
    d = declaration(conn, period)
    last = active(conn)[-1]
    if last.id != d.id:
        raise InputError(f"période : {last.period} a été déclarée après {d.period} ; annuler "
                         "d'abord la plus récente", field="period", code="period.order")
    if d.paid_on is not None:
        raise InputError(f"période {d.period} : TVA payée le {d.paid_on.isoformat()} "
                         f"({d.payment_entry}) ; une déclaration payée ne s'annule pas, la "
                         "rectification passe par la déclaration suivante", field="period",
                         code="period.paid")
    if on < d.day:
        raise InputError(f"date : l'annulation ne peut précéder la déclaration "
                         f"({d.day.isoformat()})", field="day", code="day.before_declaration")
    rev_id = reverse(conn, d.entry, on, user).id if d.entry else None
    conn.execute(insert(VatReversal).values(
        declaration_id=d.id, day=day_int(on), reason=why, entry_id=rev_id, at=now_iso(),
        by=user))
    return next(x for x in declarations(conn, period.label) if x.id == d.id)


def pay(conn: Connection, period: Period, on: dt.date, method: str, penalty: int, user: str,
        reference: str = "") -> DeclarationView:
    """Pay the VAT declared for ``period``: 4456 → 5141 per dimension (journal BQ), the
    penalty (if any) charged to 65831 on the ECP's dimension."""
    m = method.strip().lower().replace("è", "e")
    if m not in METHODS:
        raise InputError(f"mode : « {method} » (virement ou cheque)", field="method")
    if penalty < 0:
        raise InputError("pénalité : ne peut être négative", field="penalty")
    check_amount(penalty, "pénalité", field="penalty")
    check_text(reference, "référence", REFERENCE, field="reference")
    d = declaration(conn, period)
    if d.paid_on is not None:
        raise InputError(f"période {d.period} : déjà payée le {d.paid_on.isoformat()} "
                         f"({d.payment_entry})", field="period", code="period.paid")
    if d.due == 0:
        raise InputError(f"période {d.period} : rien à payer (crédit de TVA de "
                         f"{fmt_fr(d.credit)} DH reporté sur la déclaration suivante)",
                         field="period", code="period.credit")
    if on < d.day:
        raise InputError(f"date : le paiement ne peut précéder la déclaration "
                         f"({d.day.isoformat()})", field="day", code="day.before_declaration")
    decl_entry = conn.scalar(select(VatDeclaration.entry_id).where(VatDeclaration.id == d.id))
    per_dim = conn.execute(select(Line.dimension, func.sum(Line.amount))
                           .where(Line.entry_id == decl_entry,
                                  Line.account == VAT_DECLARED_DUE)
                           .group_by(Line.dimension).order_by(Line.dimension)).all()
    specs: list[LineSpec] = []
    for dim, amount in per_dim:
        a = -int(amount)
        if a:
            specs += [LineSpec(VAT_DECLARED_DUE, dim, a), LineSpec(BANK, dim, -a)]
    if penalty:
        specs += [LineSpec(PENALTY, ECP_DIMENSION, penalty),
                  LineSpec(BANK, ECP_DIMENSION, -penalty)]
    paid = sum(-int(a) for _d, a in per_dim)
    posted = post(conn, JournalEntry("BQ", on, f"Paiement TVA {d.period} ({METHODS[m]})",
                                     tuple(specs), reference=(reference or
                                                              f"TVA-{d.period}")[:100]), user)
    conn.execute(insert(VatPayment).values(
        declaration_id=d.id, day=day_int(on), method=m, amount=paid, penalty=penalty,
        reference=reference, entry_id=posted.id, at=now_iso(), by=user))
    return next(x for x in declarations(conn, period.label) if x.id == d.id)


@dataclass(frozen=True)
class PendingPeriod:
    """A period whose VAT is not declared yet, or declared and not paid."""

    period: str
    state: str  # "à déclarer" | "à payer"
    amount: int  # VAT due when declared (to pay); 0 when not declared


def pending(conn: Connection, today: dt.date) -> list[PendingPeriod]:
    """Ended periods not declared (from the first period with VAT, or after the last
    declaration), and declared periods not paid — what the month end and the dashboard show."""
    out: list[PendingPeriod] = [PendingPeriod(d.period, "à payer", d.due)
                                for d in active(conn) if d.due and d.paid_on is None]
    nxt = next_period(conn)
    if nxt is None:
        first = conn.scalar(select(func.min(Line.day)).join(Entry, Entry.id == Line.entry_id)
                            .where(Line.account.in_(SETTLED), Entry.journal != "AN"))
        if first is None:
            return out
        f = int_day(int(first))
        label = f"{f.year}-Q{(f.month + 2) // 3}" if _filing(conn) == "trimestriel" \
            else f"{f.year}-{f.month:02d}"
        nxt = Period(*parse_month_or_quarter(label))
    quarterly = _filing(conn) == "trimestriel"
    while nxt.end <= today and len(out) < 60:
        out.append(PendingPeriod(nxt.label, "à déclarer", 0))
        start = nxt.end
        label = f"{start.year}-Q{(start.month + 2) // 3}" if quarterly and \
            start.month in (1, 4, 7, 10) else f"{start.year}-{start.month:02d}"
        nxt = Period(*parse_month_or_quarter(label))
    return out
