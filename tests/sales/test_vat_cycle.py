"""The VAT cycle (issue 13): a worked quarter declared and paid, figure by figure, and the rules
of the declaration, its reversal and its payment.

THE QUARTER — April, May, June 2026, régime de l'encaissement, filing mensuel (the defaults).
Two members, M1 (couture) and M2 (cuisine), and the ECP's own dimension. Every amount in DH;
every share rounded half-up to the centime (``prorata``: base and VAT of each rate, each
``half_up(x × paid / TTC still due)``, the last payment taking exactly what is left).

1 April, the start-up fund: the ECP advances 30 000,00 to each member (5141 M D / 44881 M C,
44881 ECP D / 5141 ECP C). Each month the ECP rents the shared workshop: 1 000,00 HT + 200,00
VAT, typed by hand (61312 + 34554 / 44111), paid a few days later (44111 / 5141 and
34554 → 34552): the ECP's deductible VAT is 200,00 a month, shown on the return as
« DED-REG » (an entry outside expenses, the ECP not being a member who records bills).

F1, M1 → HOTEL, 3 April: 3 caftans × 2 800,00 (71211, goods) + 4 h of alterations × 150,00
(71243, services), all at 20 %: HT 9 000,00, VAT 1 800,00, TTC 10 800,00 (44551).
  - 20 April, 8 000,00 by transfer: base 9 000 × 8 000 / 10 800 = 6 666,666… → 6 666,67;
    VAT 1 800 × 8 000 / 10 800 = 1 333,333… → 1 333,33 (44551 → 4455).
  - 20 May, the rest 2 800,00: base 2 333,33, VAT 1 800,00 − 1 333,33 = 466,67.
  - 10 June, credit note AV1 on F1 (paid in full, nothing pending): « Remise » 500,00 HT at
    20 % (71211): VAT 100,00 regularised on 4455 (debit); the customer has a credit of 600,00.
F2, M2 → HOTEL, 8 April: dishes rental 600,00 at 20 % (71243, services) + catering, 40 guests
× 180,00 = 7 200,00 at 10 % (71211, goods): HT 7 800,00, VAT 120,00 + 720,00 = 840,00, TTC
8 640,00.
  - 25 April, 1 500,00 by cheque: 20 %: base 600 × 1 500 / 8 640 = 104,166… → 104,17, VAT
    120 × 1 500 / 8 640 = 20,833… → 20,83; 10 %: base 1 250,00, VAT 125,00. VAT 145,83.
  - 20 May, 3 000,00 by cheque, of the 7 140,00 still due (20 %: base 495,83, VAT 99,17;
    10 %: base 5 950,00, VAT 595,00): 20 % base 495,83 × 3 000 / 7 140 = 208,331… → 208,33,
    VAT 99,17 × 3 000 / 7 140 = 41,668… → 41,67; 10 %: base 2 500,00, VAT 250,00. VAT 291,67.
  - 25 June, the rest 4 140,00: 20 %: base 287,50, VAT 57,50; 10 %: base 3 450,00, VAT
    345,00. VAT 402,50.
F4, M1 → HOTEL, 5 June: 5 caftans × 2 800,00 at 20 % (71211): HT 14 000,00, VAT 2 800,00,
TTC 16 800,00. 20 June, 12 500,00 by transfer: base 14 000 × 12 500 / 16 800 = 10 416,666…
→ 10 416,67, VAT 2 800 × 12 500 / 16 800 = 2 083,333… → 2 083,33.
E1, M2 ← MARCHE, 10 April: 10 000,00 HT at 20 % on 61211 (VAT 2 000,00, TTC 12 000,00), paid
the same day in cash: over the 5 000,00 a day per supplier (CGI art. 11 / 106), deductible
2 000 × 5 000 / 12 000 = 833,333… → 833,33, the rest 1 166,67 charged to 61211.
E2, M2 ← MARCHE, 11 May: 2 500,00 HT at 10 % on 61211 (VAT 250,00, TTC 2 750,00).
  - 14 May, 2 000,00 by cheque: VAT 250 × 2 000 / 2 750 = 181,818… → 181,82 (half-up, not
    the 181,81 a floor would give); the base shown is 2 000,00 − 181,82 = 1 818,18.
  - 12 June, the rest 750,00: VAT 250,00 − 181,82 = 68,18; base 681,82.
E3, M1 ← SINGER, 18 May: a sewing machine, 12 000,00 HT at 20 % on 23321 (Matériel, a fixed
asset: VAT 2 400,00 on 34553), paid 25 May by transfer (14 400,00): 2 400,00 → 34551.

Each dimension's result R = collected (4455) − deductible (34552, 34551) − credit carried
(3456), and the ECP's (the sum) decides who is imputed on whom (``postings``):

| month | ECP        | M1                          | M2                      | total            |
|-------|------------|-----------------------------|-------------------------|------------------|
| April | −200,00    | 1 333,33                    | 145,83 − 833,33 =       | 445,83 due       |
|       |            |                             | −687,50                 |                  |
| May   | −200,00    | 466,67 − 2 400,00 =         | 291,67 − 181,82 =       | 2 023,48 credit  |
|       |            | −1 933,33                   | 109,85                  |                  |
| June  | −200,00 −  | 2 083,33 − 100,00 −         | 402,50 − 68,18 =        | 94,17 due        |
|       | 90,15 =    | 1 933,33 = 50,00            | 334,32                  |                  |
|       | −290,15    |                             |                         |                  |

April: M2 is in credit while the ECP owes — M2's credit is imputed through 44881 (the ECP
pays it to M2: 44881 M2 D 687,50 / 44881 ECP C 687,50, the ECP's 4456 takes it). May: the ECP
is in credit (the machine) while M2 owes 109,85 — imputed the other way (44881 M2 C, 44881
ECP D, 3456 ECP C). The credit of May, 2 023,48, is carried into June on line 170: 3456 M1
1 933,33 and 3456 ECP 200,00 − 109,85 = 90,15. Over the quarter the State gets 445,83 + 94,17 =
540,00 = VAT collected 1 479,16 + 758,34 + 2 385,83 = 4 623,33 less deductions 1 033,33 +
2 781,82 + 268,18 = 4 083,33.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import func, select

from ecp import api
from ecp.db.models import (
    Entry,
    Line,
    Payment,
    VatDeclaration,
    VatPayment,
    VatReversal,
)
from ecp.kernel.errors import InputError
from ecp.kernel.periods import Period
from ecp.kernel.units import Quantity, Rate
from ecp.ledger.entry import LineSpec, parse_entry_ref
from ecp.sales.documents import LineInput
from ecp.sales.vat_report import OTHER, VatRateRow

D = dt.date
APR, MAY, JUN = (Period.parse(p) for p in ("2026-04", "2026-05", "2026-06"))
SETTLED = ("4455", "34552", "34551", "3456", "4456")
Lines = list[tuple[str, str, int]]


def L(desc: str, qty: int, price: int, rate: int, account: str) -> LineInput:
    """A document line: ``qty`` whole units at ``price`` centimes HT."""
    return LineInput(desc, Quantity(qty * 1000), price, Rate(rate), account)


def entry_lines(books: api.Books, ref: str) -> Lines:
    journal, year, number = parse_entry_ref(ref)
    with books.engine.connect() as conn:
        return [(r.account, r.dimension, r.amount) for r in conn.execute(
            select(Line.account, Line.dimension, Line.amount).join(Entry, Entry.id == Line.entry_id)
            .where(Entry.journal == journal, Entry.fiscal_year == year, Entry.number == number)
            .order_by(Line.line_no))]


def lines_of_id(books: api.Books, entry_id: int) -> Lines:
    with books.engine.connect() as conn:
        return [(r.account, r.dimension, r.amount) for r in conn.execute(
            select(Line.account, Line.dimension, Line.amount).where(Line.entry_id == entry_id)
            .order_by(Line.line_no))]


def payment_lines(books: api.Books, payment_id: int) -> Lines:
    with books.engine.connect() as conn:
        eid = conn.scalar(select(Payment.entry_id).where(Payment.id == payment_id))
    assert eid is not None
    return lines_of_id(books, int(eid))


def counts(books: api.Books) -> tuple[int, ...]:
    """Entries, lines, declarations, reversals, VAT payments: what a refusal must not add."""
    with books.engine.connect() as conn:
        return tuple(int(conn.scalar(select(func.count()).select_from(t)) or 0) for t in (
            Entry, Line, VatDeclaration, VatReversal, VatPayment))


def refused(books: api.Books, call: Callable[[], Any], field: str, code: str,
            match: str | None = None) -> InputError:
    before = counts(books)
    with pytest.raises(InputError, match=match) as err:
        call()
    assert (err.value.field, err.value.code) == (field, code), err.value.message
    assert counts(books) == before  # nothing written
    return err.value


def balances(books: api.Books, accounts: tuple[str, ...] = SETTLED) -> dict[tuple[str, str], int]:
    """(dimension, account) → balance, zero balances left out."""
    with books.engine.connect() as conn:
        rows = conn.execute(select(Line.dimension, Line.account, func.sum(Line.amount))
                            .where(Line.account.in_(accounts))
                            .group_by(Line.dimension, Line.account))
        return {(d, a): int(v) for d, a, v in rows if v}


def left_on(books: api.Books, period: Period) -> dict[tuple[str, str], int]:
    """What a declaration of ``period`` leaves on 4455, 34552, 34551 "as declared": lines dated
    before its end, and the lines of every declaration (zero balances left out)."""
    declared = select(VatDeclaration.entry_id).where(VatDeclaration.entry_id.is_not(None))
    with books.engine.connect() as conn:
        rows = conn.execute(
            select(Line.dimension, Line.account, func.sum(Line.amount))
            .where(Line.account.in_(("4455", "34552", "34551")),
                   (Line.day < period.end.year * 10000 + period.end.month * 100 + 1)
                   | Line.entry_id.in_(declared))
            .group_by(Line.dimension, Line.account))
        return {(d, a): int(v) for d, a, v in rows if v}


def returned(ret: api.VatReturn) -> list[tuple[str, int | None, int | None]]:
    return [(ln.code, ln.base, ln.vat) for ln in ret.lines]


def position(books: api.Books, member: str, day: D) -> tuple[int, int, int, int]:
    """A member's treasury: (cash, VAT due, owed to the ECP, available)."""
    t = api.member_treasury(books, member, day)
    assert t.reserve == 0
    return t.cash, t.vat_due, t.owed, t.available  # owed: contribution and the rest (44881)


# --- the quarter's operations ------------------------------------------------------------------

class Quarter:
    """What the quarter's operations returned, for the assertions on their entries."""

    def __init__(self) -> None:
        self.payments: dict[str, int] = {}  # name → customer payment id
        self.expense_entries: dict[str, str] = {}  # name → entry ref of the bill's payment
        self.invoices: dict[str, str] = {}  # F1, F2, F4 → number


def rent(books: api.Books, month: int, billed: int, paid: int) -> None:
    """The ECP's workshop rent, typed by hand: 1 000,00 HT + 200,00 VAT."""
    api.post_entry(books, "AC", D(2026, month, billed), f"Loyer atelier {month:02d}/2026", [
        LineSpec("61312", "ECP", 100000), LineSpec("34554", "ECP", 20000),
        LineSpec("44111", "ECP", -120000, "IMMO")], reference=f"LOYER-{month:02d}")
    api.post_entry(books, "BQ", D(2026, month, paid), f"Règlement loyer {month:02d}/2026", [
        LineSpec("44111", "ECP", 120000, "IMMO"), LineSpec("5141", "ECP", -120000),
        LineSpec("34552", "ECP", 20000), LineSpec("34554", "ECP", -20000)])


@pytest.fixture
def quarter(sales: api.Books) -> tuple[api.Books, Quarter]:
    """Books with the quarter's operations (module docstring), nothing declared yet."""
    b = sales
    q = Quarter()
    api.add_member(b, "M1", "Meryem Alami", activity="couture", joined=D(2026, 1, 1))
    api.add_member(b, "M2", "Mehdi Bennis", activity="cuisine", joined=D(2026, 1, 1))
    api.add_supplier(b, "MARCHE", "Marché de gros", if_number="40100002",
                     ice="001555123000069")
    api.add_supplier(b, "SINGER", "Singer Maroc", if_number="40100003", ice="002000001000067")
    for m in ("M1", "M2"):
        api.post_entry(b, "OD", D(2026, 4, 1), f"Fonds de démarrage {m}", [
            LineSpec("44881", "ECP", 3000000), LineSpec("5141", "ECP", -3000000),
            LineSpec("5141", m, 3000000), LineSpec("44881", m, -3000000)])
    # April
    rent(b, 4, 2, 6)
    q.invoices["F1"] = api.create_and_issue(b, "facture", "M1", "HOTEL", D(2026, 4, 3), [
        L("Caftan brodé", 3, 280000, 2000, "71211"),
        L("Retouches (heures)", 4, 15000, 2000, "71243")]).number
    q.invoices["F2"] = api.create_and_issue(b, "facture", "M2", "HOTEL", D(2026, 4, 8), [
        L("Location de vaisselle", 1, 60000, 2000, "71243"),
        L("Service traiteur (convives)", 40, 18000, 1000, "71211")]).number
    e1 = api.add_expense(b, "M2", "MARCHE", D(2026, 4, 10), "61211", 1000000, Rate(2000),
                         "MG-401")
    q.expense_entries["E1"] = api.settle_expense(b, e1, D(2026, 4, 10), "especes").entry
    q.payments["F1a"] = api.add_payment(b, [q.invoices["F1"]], 800000, D(2026, 4, 20),
                                        "virement").id
    q.payments["F2a"] = api.add_payment(b, [q.invoices["F2"]], 150000, D(2026, 4, 25),
                                        "cheque").id
    # May
    rent(b, 5, 4, 6)
    e2 = api.add_expense(b, "M2", "MARCHE", D(2026, 5, 11), "61211", 250000, Rate(1000),
                         "MG-517")
    q.expense_entries["E2a"] = api.settle_expense(b, e2, D(2026, 5, 14), "cheque",
                                                  200000).entry
    e3 = api.add_expense(b, "M1", "SINGER", D(2026, 5, 18), "23321", 1200000, Rate(2000),
                         "SG-88")
    q.payments["F1b"] = api.add_payment(b, [q.invoices["F1"]], 280000, D(2026, 5, 20),
                                        "virement").id
    q.payments["F2b"] = api.add_payment(b, [q.invoices["F2"]], 300000, D(2026, 5, 20),
                                        "cheque").id
    q.expense_entries["E3"] = api.settle_expense(b, e3, D(2026, 5, 25), "virement").entry
    # June
    rent(b, 6, 2, 5)
    q.invoices["F4"] = api.create_and_issue(b, "facture", "M1", "HOTEL", D(2026, 6, 5), [
        L("Caftan brodé", 5, 280000, 2000, "71211")]).number
    q.invoices["AV1"] = api.credit_note(b, q.invoices["F1"], [
        L("Remise", 1, 50000, 2000, "71211")], day=D(2026, 6, 10)).number
    q.expense_entries["E2b"] = api.settle_expense(b, e2, D(2026, 6, 12), "cheque").entry
    q.payments["F4a"] = api.add_payment(b, [q.invoices["F4"]], 1250000, D(2026, 6, 20),
                                        "virement").id
    q.payments["F2c"] = api.add_payment(b, [q.invoices["F2"]], 414000, D(2026, 6, 25),
                                        "cheque").id
    return b, q


def declare_and_pay_april(b: api.Books) -> None:
    api.vat_declare(b, APR, D(2026, 5, 12))
    api.vat_pay(b, APR, D(2026, 5, 12))


def declare_may(b: api.Books) -> None:
    api.vat_declare(b, MAY, D(2026, 6, 12))


# --- the quarter, month by month --------------------------------------------------------------

def test_operations_post_the_vat_the_docstring_computes(
        quarter: tuple[api.Books, Quarter]) -> None:
    """The payments' entries: the share of VAT each one moves (module docstring), customer side
    44551 → 4455, supplier side 34554 → 34552 and 34553 → 34551, the cash excess charged."""
    b, q = quarter
    assert payment_lines(b, q.payments["F1a"]) == [
        ("5141", "M1", 800000), ("34211", "M1", -800000),
        ("44551", "M1", 133333), ("4455", "M1", -133333)]
    assert payment_lines(b, q.payments["F2a"]) == [
        ("5141", "M2", 150000), ("34211", "M2", -150000),
        ("44551", "M2", 14583), ("4455", "M2", -14583)]
    assert payment_lines(b, q.payments["F1b"]) == [
        ("5141", "M1", 280000), ("34211", "M1", -280000),
        ("44551", "M1", 46667), ("4455", "M1", -46667)]
    assert payment_lines(b, q.payments["F2b"]) == [
        ("5141", "M2", 300000), ("34211", "M2", -300000),
        ("44551", "M2", 29167), ("4455", "M2", -29167)]
    assert payment_lines(b, q.payments["F4a"]) == [
        ("5141", "M1", 1250000), ("34211", "M1", -1250000),
        ("44551", "M1", 208333), ("4455", "M1", -208333)]
    assert payment_lines(b, q.payments["F2c"]) == [
        ("5141", "M2", 414000), ("34211", "M2", -414000),
        ("44551", "M2", 40250), ("4455", "M2", -40250)]
    assert entry_lines(b, q.expense_entries["E1"]) == [
        ("44111", "M2", 1200000), ("5161", "M2", -1200000), ("34552", "M2", 83333),
        ("61211", "M2", 116667), ("34554", "M2", -200000)]
    assert entry_lines(b, q.expense_entries["E2a"]) == [
        ("44111", "M2", 200000), ("5141", "M2", -200000), ("34552", "M2", 18182),
        ("34554", "M2", -18182)]
    assert entry_lines(b, q.expense_entries["E2b"]) == [
        ("44111", "M2", 75000), ("5141", "M2", -75000), ("34552", "M2", 6818),
        ("34554", "M2", -6818)]
    assert entry_lines(b, q.expense_entries["E3"]) == [
        ("44111", "M1", 1440000), ("5141", "M1", -1440000), ("34551", "M1", 240000),
        ("34553", "M1", -240000)]
    # the credit note on the paid F1: nothing pending, its VAT regularised on 4455
    docs = {d.number: d for d in api.list_documents(b, "avoir")}
    assert (docs[q.invoices["AV1"]].total_ht, docs[q.invoices["AV1"]].total_vat) == \
        (50000, 10000)


def test_april_member_in_credit_while_the_ecp_owes(quarter: tuple[api.Books, Quarter]) -> None:
    """April's return (nothing declared before):

    Sales cashed in April, by DGI line (a document's share of each rate is split between goods
    and services pro rata of its lines' HT, half-up, services first):
    - F1, 20 %: base 6 666,67, VAT 1 333,33; services are 600 / 9 000 of F1: base
      6 666,67 × 600 / 9 000 = 444,444… → 444,44, VAT 1 333,33 × 600 / 9 000 = 88,888… →
      88,89; goods 6 222,23 and 1 244,44.
    - F2, 20 % (services only): 104,17 and 20,83; 10 % (goods): 1 250,00 and 125,00.
    Line 80 (goods 20 %) 6 222,23 / 1 244,44; line 81 (services 20 %) 444,44 + 104,17 =
    548,61 / 88,89 + 20,83 = 109,72; line B10 (10 %) 1 250,00 / 125,00. Lines 10 and 60:
    6 222,23 + 548,61 + 1 250,00 = 8 020,84. Line 130: 1 244,44 + 109,72 + 125,00 = 1 479,16
    (= 1 333,33 + 145,83, 4455's April credits).
    Deductions: line 146 (charges 20 %): E1, base 12 000,00 − 833,33 − 1 166,67 = 10 000,00,
    VAT 833,33; « DED-REG »: the ECP's rent, 200,00 (typed by hand). Line 170: 0. Line 190:
    833,33 + 200,00 = 1 033,33. Line 200: 1 479,16 − 1 033,33 = 445,83.

    The declaration, OD, 12 May, per dimension (ECP, M1, M2, then the imputation):
    ECP: 34552 C 200,00; its R = −200,00 against a total that is due: 4456 ECP D 200,00.
    M1: 4455 D 1 333,33; R = 1 333,33: 4456 M1 C 1 333,33.
    M2: 4455 D 145,83, 34552 C 833,33; R = −687,50 against the total: 44881 M2 D 687,50;
    then 44881 ECP C 687,50 and 4456 ECP D 687,50. Σ 4456 = −1 333,33 + 200,00 + 687,50 =
    −445,83 (due).
    The payment, BQ, 12 May: per dimension the 4456 of the declaration: 4456 ECP C 887,50 /
    5141 ECP D 887,50; 4456 M1 D 1 333,33 / 5141 M1 C 1 333,33: 445,83 leave the bank.

    Treasuries on 12 May (cash 5141 + 5161, VAT due = −(4455 + 34552 + 34551 + 4456 + 3456),
    owed = −44881, available = cash − VAT due − owed):
    - M1: cash 30 000,00 + 8 000,00 = 38 000,00; VAT due 1 333,33 (4455); owed 30 000,00;
      available 6 666,67. Declared: VAT due 1 333,33 on 4456 instead, nothing changes. Paid:
      cash 36 666,67, VAT due 0, available 6 666,67.
    - M2: cash 30 000,00 − 12 000,00 + 1 500,00 = 19 500,00; VAT due 145,83 − 833,33 =
      −687,50; owed 30 000,00; available 19 500,00 + 687,50 − 30 000,00 = −9 812,50.
      Declared: VAT due 0, owed 30 000,00 − 687,50 = 29 312,50, available −9 812,50. The
      payment does not touch M2."""
    b, _q = quarter
    ret = api.vat_return(b, APR)
    assert returned(ret) == [
        ("10", 802084, None), ("20", 0, None), ("30", 0, None), ("40", 0, None),
        ("50", 0, None), ("60", 802084, None), ("80", 622223, 124444), ("81", 54861, 10972),
        ("B10", 125000, 12500), ("130", None, 147916), ("146", 1000000, 83333),
        ("DED-REG", None, 20000), ("170", None, 0), ("190", None, 103333),
        ("200", None, 44583), ("201", None, 0)]
    assert [(p.dimension, p.collected, p.deductible_charges, p.deductible_assets, p.carried,
             p.result) for p in ret.positions] == [
        ("ECP", 0, 20000, 0, 0, -20000), ("M1", 133333, 0, 0, 0, 133333),
        ("M2", 14583, 83333, 0, 0, -68750)]
    day = D(2026, 5, 12)
    before = {m: position(b, m, day) for m in ("M1", "M2")}
    assert before == {"M1": (3800000, 133333, 3000000, 666667),
                      "M2": (1950000, -68750, 3000000, -981250)}

    done = api.vat_declare(b, APR, day)
    d = done.declaration
    assert (d.period, d.day, d.due, d.credit, d.status) == ("2026-04", day, 44583, 0, "à payer")
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [
        ("34552", "ECP", -20000), ("4456", "ECP", 20000),
        ("4455", "M1", 133333), ("4456", "M1", -133333),
        ("4455", "M2", 14583), ("34552", "M2", -83333), ("44881", "M2", 68750),
        ("44881", "ECP", -68750), ("4456", "ECP", 68750)]
    assert {m: position(b, m, day) for m in ("M1", "M2")} == {
        "M1": (3800000, 133333, 3000000, 666667), "M2": (1950000, 0, 2931250, -981250)}
    assert balances(b, ("4456",)) == {("ECP", "4456"): 88750, ("M1", "4456"): -133333}
    assert left_on(b, APR) == {}
    assert returned(api.vat_return(b, APR)) == returned(ret)  # the stored figures

    paid = api.vat_pay(b, APR, day)
    assert (paid.paid_on, paid.paid, paid.penalty, paid.status) == (day, 44583, 0, "payée")
    assert paid.payment_entry is not None
    assert entry_lines(b, paid.payment_entry) == [
        ("4456", "ECP", -88750), ("5141", "ECP", 88750),
        ("4456", "M1", 133333), ("5141", "M1", -133333)]
    assert {m: position(b, m, day) for m in ("M1", "M2")} == {
        "M1": (3666667, 0, 3000000, 666667), "M2": (1950000, 0, 2931250, -981250)}
    assert balances(b, ("4456",)) == {}
    assert api.verify(b).ok


def test_may_the_ecp_in_credit_while_a_member_owes(quarter: tuple[api.Books, Quarter]) -> None:
    """May's return, April declared and paid:

    Sales cashed: F1's rest, 20 %, base 2 333,33, VAT 466,67; services 600 / 9 000: base
    2 333,33 / 15 = 155,555… → 155,56, VAT 466,67 / 15 = 31,111… → 31,11; goods 2 177,77 and
    435,56. F2: 20 % (services) 208,33 / 41,67; 10 % (goods) 2 500,00 / 250,00.
    Line 80: 2 177,77 / 435,56; line 81: 155,56 + 208,33 = 363,89 / 31,11 + 41,67 = 72,78;
    B10: 2 500,00 / 250,00; lines 10 and 60: 5 041,66; line 130: 466,67 + 291,67 = 758,34.
    Deductions: line 150 (charges 10 %): E2's first payment, base 1 818,18, VAT 181,82;
    line 163 (fixed assets 20 %): the machine, base 12 000,00, VAT 2 400,00; DED-REG: the
    ECP's rent 200,00. Line 190: 181,82 + 2 400,00 + 200,00 = 2 781,82. Line 201 (credit):
    2 781,82 − 758,34 = 2 023,48.

    The declaration, OD, 12 June (the total is a credit):
    ECP: 34552 C 200,00; R = −200,00, on the total's side: 3456 ECP D 200,00.
    M1: 4455 D 466,67, 34551 C 2 400,00; R = −1 933,33: 3456 M1 D 1 933,33.
    M2: 4455 D 291,67, 34552 C 181,82; R = 109,85 against the total: 44881 M2 C 109,85
    (M2 owes it to the ECP), then 44881 ECP D 109,85 and 3456 ECP C 109,85.
    Σ 3456 = 200,00 + 1 933,33 − 109,85 = 2 023,48. Nothing to pay (refused, period.credit).

    Treasuries on 12 June (the June operations to that day included: the credit note on F1,
    4455 M1 D 100,00, and E2's rest, 34552 M2 D 68,18, cash −750,00):
    - M1: cash 36 666,67 + 2 800,00 − 14 400,00 = 25 066,67; VAT due −(−466,67 + 100,00 +
      2 400,00) = −2 033,33 (a credit); owed 30 000,00; available 25 066,67 + 2 033,33 −
      30 000,00 = −2 900,00. Declared: 3456 M1 1 933,33 + 4455 M1 100,00, the same.
    - M2: cash 19 500,00 − 2 000,00 + 3 000,00 − 750,00 = 19 750,00; VAT due −(181,82 +
      68,18 − 291,67) = 41,67; owed 29 312,50; available −9 604,17. Declared: VAT due
      −68,18 (E2's rest, a June deduction), owed 29 312,50 + 109,85 = 29 422,35, available
      19 750,00 + 68,18 − 29 422,35 = −9 604,17.

    May's VAT report after April's declaration and payment shows May's operations only: no
    regularisation, no « autres écritures » collected, the April entries left out."""
    b, _q = quarter
    declare_and_pay_april(b)
    rep = api.vat_report(b, MAY)
    assert rep.collected == (VatRateRow(2000, 254166, 50834), VatRateRow(1000, 250000, 25000))
    assert rep.regularised == ()
    assert rep.deductible == (VatRateRow(1000, 181818, 18182), VatRateRow(OTHER, 0, 20000))
    assert rep.deductible_assets == (VatRateRow(2000, 1200000, 240000),)
    assert (rep.net_collected, rep.deductible_vat, rep.credit) == (75834, 278182, 202348)

    ret = api.vat_return(b, MAY)
    assert returned(ret) == [
        ("10", 504166, None), ("20", 0, None), ("30", 0, None), ("40", 0, None),
        ("50", 0, None), ("60", 504166, None), ("80", 217777, 43556), ("81", 36389, 7278),
        ("B10", 250000, 25000), ("130", None, 75834), ("150", 181818, 18182),
        ("163", 1200000, 240000), ("DED-REG", None, 20000), ("170", None, 0),
        ("190", None, 278182), ("200", None, 0), ("201", None, 202348)]
    day = D(2026, 6, 12)
    assert {m: position(b, m, day) for m in ("M1", "M2")} == {
        "M1": (2506667, -203333, 3000000, -290000), "M2": (1975000, 4167, 2931250, -960417)}

    d = api.vat_declare(b, MAY, day).declaration
    assert (d.due, d.credit, d.status) == (0, 202348, "crédit reporté")
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [
        ("34552", "ECP", -20000), ("3456", "ECP", 20000),
        ("4455", "M1", 46667), ("34551", "M1", -240000), ("3456", "M1", 193333),
        ("4455", "M2", 29167), ("34552", "M2", -18182), ("44881", "M2", -10985),
        ("44881", "ECP", 10985), ("3456", "ECP", -10985)]
    assert {m: position(b, m, day) for m in ("M1", "M2")} == {
        "M1": (2506667, -203333, 3000000, -290000), "M2": (1975000, -6818, 2942235, -960417)}
    assert {k: v for k, v in balances(b).items() if k[1] == "3456"} == {
        ("ECP", "3456"): 9015, ("M1", "3456"): 193333}
    assert left_on(b, MAY) == {}
    refused(b, lambda: api.vat_pay(b, MAY, D(2026, 6, 15)), "period", "period.credit",
            "rien à payer")
    assert api.verify(b).ok


def test_june_uses_the_credit_carried(quarter: tuple[api.Books, Quarter]) -> None:
    """June's return, April and May declared:

    Sales cashed: F4, 20 % goods, 10 416,67 / 2 083,33, less the credit note AV1 (goods,
    20 %) 500,00 / 100,00: line 80 9 916,67 / 1 983,33; F2's rest: line 81 287,50 / 57,50,
    B10 3 450,00 / 345,00. Lines 10 and 60: 9 916,67 + 287,50 + 3 450,00 = 13 654,17. Line
    130: 1 983,33 + 57,50 + 345,00 = 2 385,83.
    Deductions: line 150: E2's rest, base 681,82, VAT 68,18; DED-REG the rent 200,00; line
    170, the credit carried from May: 2 023,48. Line 190: 2 023,48 + 68,18 + 200,00 =
    2 291,66. Line 200: 2 385,83 − 2 291,66 = 94,17.

    The declaration, OD, 10 July:
    ECP: 34552 C 200,00, 3456 C 90,15; R = −290,15 against a total due: 4456 ECP D 290,15.
    M1: 4455 D 1 983,33, 3456 C 1 933,33; R = 50,00: 4456 M1 C 50,00.
    M2: 4455 D 402,50, 34552 C 68,18; R = 334,32: 4456 M2 C 334,32.
    Σ 4456 = 290,15 − 50,00 − 334,32 = −94,17.
    The payment, BQ, 10 July: 4456 ECP C 290,15 / 5141 ECP D 290,15; 4456 M1 D 50,00 / 5141
    M1 C 50,00; 4456 M2 D 334,32 / 5141 M2 C 334,32: 94,17 leave the bank.

    Treasuries on 10 July (every operation of the quarter):
    - M1: cash 25 066,67 + 12 500,00 = 37 566,67; VAT due −(100,00 − 2 083,33 + 1 933,33) =
      50,00; owed 30 000,00; available 7 516,67. Declared: the same (4456 M1 C 50,00). Paid:
      cash 37 516,67, VAT due 0, available 7 516,67.
    - M2: cash 19 750,00 + 4 140,00 = 23 890,00; VAT due −(68,18 − 402,50) = 334,32; owed
      29 422,35; available 23 890,00 − 334,32 − 29 422,35 = −5 866,67. Paid: cash
      23 555,68, VAT due 0, the same available.

    June's VAT report after May's declaration: June's own operations (the credit note is a real
    regularisation: 500,00 / 100,00 at 20 %), nothing from May's declaration."""
    b, _q = quarter
    declare_and_pay_april(b)
    declare_may(b)
    rep = api.vat_report(b, JUN)
    assert rep.collected == (VatRateRow(2000, 1070417, 214083), VatRateRow(1000, 345000, 34500))
    assert rep.regularised == (VatRateRow(2000, 50000, 10000),)
    assert rep.deductible == (VatRateRow(1000, 68182, 6818), VatRateRow(OTHER, 0, 20000))
    assert rep.deductible_assets == ()

    ret = api.vat_return(b, JUN)
    assert returned(ret) == [
        ("10", 1365417, None), ("20", 0, None), ("30", 0, None), ("40", 0, None),
        ("50", 0, None), ("60", 1365417, None), ("80", 991667, 198333), ("81", 28750, 5750),
        ("B10", 345000, 34500), ("130", None, 238583), ("150", 68182, 6818),
        ("DED-REG", None, 20000), ("170", None, 202348), ("190", None, 229166),
        ("200", None, 9417), ("201", None, 0)]
    assert [(p.dimension, p.carried, p.result) for p in ret.positions] == [
        ("ECP", 9015, -29015), ("M1", 193333, 5000), ("M2", 0, 33432)]
    day = D(2026, 7, 10)
    expected = {"M1": (3756667, 5000, 3000000, 751667),
                "M2": (2389000, 33432, 2942235, -586667)}
    assert {m: position(b, m, day) for m in ("M1", "M2")} == expected

    d = api.vat_declare(b, JUN, day).declaration
    assert (d.due, d.credit) == (9417, 0)
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [
        ("34552", "ECP", -20000), ("3456", "ECP", -9015), ("4456", "ECP", 29015),
        ("4455", "M1", 198333), ("3456", "M1", -193333), ("4456", "M1", -5000),
        ("4455", "M2", 40250), ("34552", "M2", -6818), ("4456", "M2", -33432)]
    assert {m: position(b, m, day) for m in ("M1", "M2")} == expected

    p = api.vat_pay(b, JUN, day, "cheque", reference="CHQ 4410")
    assert p.payment_entry is not None and p.paid == 9417
    assert entry_lines(b, p.payment_entry) == [
        ("4456", "ECP", -29015), ("5141", "ECP", 29015),
        ("4456", "M1", 5000), ("5141", "M1", -5000),
        ("4456", "M2", 33432), ("5141", "M2", -33432)]
    assert {m: position(b, m, day) for m in ("M1", "M2")} == {
        "M1": (3751667, 0, 3000000, 751667), "M2": (2355568, 0, 2942235, -586667)}
    # the quarter is settled: nothing left on 4455, 34552, 34551, 3456, 4456 in any dimension
    assert balances(b) == {}
    assert api.verify(b).ok


def test_the_quarter_listed_and_nothing_left_to_do(quarter: tuple[api.Books, Quarter]) -> None:
    """After the three declarations and the two payments: the list, the statuses, the bank:
    445,83 + 94,17 = 540,00 paid to the State, the VAT netted over the quarter."""
    b, _q = quarter
    assert [(p.period, p.state) for p in api.vat_status(b, D(2026, 5, 10))] == [
        ("2026-04", "à déclarer")]
    declare_and_pay_april(b)
    declare_may(b)
    api.vat_declare(b, JUN, D(2026, 7, 10))
    assert [(p.period, p.state, p.amount) for p in api.vat_status(b, D(2026, 7, 11))] == [
        ("2026-06", "à payer", 9417)]
    api.vat_pay(b, JUN, D(2026, 7, 15))
    assert api.vat_status(b, D(2026, 7, 31)) == []
    assert [(p.period, p.state) for p in api.vat_status(b, D(2026, 8, 1))] == [
        ("2026-07", "à déclarer")]
    assert [(d.period, d.due, d.credit, d.status, d.paid) for d in api.vat_declarations(b)] == [
        ("2026-04", 44583, 0, "payée", 44583), ("2026-05", 0, 202348, "crédit reporté", 0),
        ("2026-06", 9417, 0, "payée", 9417)]
    with b.engine.connect() as conn:
        paid = conn.scalar(select(func.sum(Line.amount)).join(VatPayment, VatPayment.entry_id
                                                               == Line.entry_id)
                           .where(Line.account == "5141"))
    assert paid == -54000
    assert api.verify(b).ok


# --- the rules ------------------------------------------------------------------------------------

def cashed(b: api.Books, day: D, ht: int, paid: D | None = None, member: str = "FZ") -> str:
    """An invoice of ``ht`` at 20 % to HOTEL, paid in full on ``paid`` (VAT = ht / 5)."""
    num = api.create_and_issue(b, "facture", member, "HOTEL", day,
                               [L("Caftan", 1, ht, 2000, "71211")]).number
    if paid:
        api.add_payment(b, [num], ht * 6 // 5, paid, "virement")
    return num


def test_periods_in_order_filing_and_dates(sales: api.Books) -> None:
    """VAT from April (F, 1 000,00 + 200,00 paid 10 April) and May (the same, 10 May):
    - May first: refused, April must be declared first (period.order);
    - 2026-Q2 while vat.filing is mensuel: refused (period.filing); with trimestriel set,
      2026-04 is refused the same way;
    - April dated 30 April, before the period's end: refused (day.before_end);
    - April on 12 May, posting 4455 FZ D 200,00 / 4456 FZ C 200,00; April again:
      period.declared; June before May: period.order."""
    b = sales
    cashed(b, D(2026, 4, 2), 100000, D(2026, 4, 10))
    cashed(b, D(2026, 5, 2), 100000, D(2026, 5, 10))
    refused(b, lambda: api.vat_declare(b, MAY, D(2026, 6, 10)), "period", "period.order",
            "déclarer d'abord 2026-04")
    refused(b, lambda: api.vat_declare(b, Period.parse("2026-Q2"), D(2026, 7, 10)), "period",
            "period.filing", "mensuel")
    refused(b, lambda: api.vat_declare(b, APR, D(2026, 4, 30)), "day", "day.before_end",
            "2026-04-30")
    d = api.vat_declare(b, APR, D(2026, 5, 1)).declaration  # the first day after is fine
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [("4455", "FZ", 20000), ("4456", "FZ", -20000)]
    refused(b, lambda: api.vat_declare(b, APR, D(2026, 5, 12)), "period", "period.declared")
    refused(b, lambda: api.vat_declare(b, JUN, D(2026, 7, 10)), "period", "period.order",
            "la prochaine est 2026-05")
    api.settings_set(b, "vat.filing", "trimestriel")
    refused(b, lambda: api.vat_declare(b, MAY, D(2026, 6, 10)), "period", "period.filing",
            "trimestriel")


def test_quarterly_filing_declares_a_quarter(sales: api.Books) -> None:
    """vat.filing trimestriel: 2026-Q2 gathers April (200,00) and May (200,00): 4455 FZ D
    400,00 / 4456 FZ C 400,00, one declaration; the next period is 2026-Q3."""
    b = sales
    api.settings_set(b, "vat.filing", "trimestriel")
    cashed(b, D(2026, 4, 2), 100000, D(2026, 4, 10))
    cashed(b, D(2026, 5, 2), 100000, D(2026, 5, 10))
    q2 = Period.parse("2026-Q2")
    d = api.vat_declare(b, q2, D(2026, 7, 15)).declaration
    assert (d.period, d.due) == ("2026-Q2", 40000)
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [("4455", "FZ", 40000), ("4456", "FZ", -40000)]
    assert [p.period for p in api.vat_status(b, D(2026, 10, 1))] == ["2026-Q2", "2026-Q3"]


def test_reverse_and_pay_rules(sales: api.Books) -> None:
    """April 200,00 due, declared 12 May; May 200,00 due, declared 10 June.
    - paying April on 11 May, before its declaration: refused (day.before_declaration);
    - April paid 15 May (4456 FZ D 200,00 / 5141 FZ C 200,00, penalty 12,50 to 65831 on the
      ECP: 65831 ECP D 12,50 / 5141 ECP C 12,50); paid twice: period.paid;
    - reversing April: it is not the last declaration (period.order); a reason is required
      (reason.required), blank is no reason;
    - reversing May before its declaration date: refused (day.before_declaration); on 11 June
      with a reason: the contre-passation 4455 FZ C 200,00 / 4456 FZ D 200,00; May is
      « annulée » and may be declared again, with the same figures;
    - May paid, then reversing it: period.paid."""
    b = sales
    cashed(b, D(2026, 4, 2), 100000, D(2026, 4, 10))
    cashed(b, D(2026, 5, 2), 100000, D(2026, 5, 10))
    api.vat_declare(b, APR, D(2026, 5, 12))
    refused(b, lambda: api.vat_pay(b, APR, D(2026, 5, 11)), "day", "day.before_declaration")
    p = api.vat_pay(b, APR, D(2026, 5, 15), "virement", penalty=1250)
    assert p.payment_entry is not None
    assert entry_lines(b, p.payment_entry) == [
        ("4456", "FZ", 20000), ("5141", "FZ", -20000),
        ("65831", "ECP", 1250), ("5141", "ECP", -1250)]
    refused(b, lambda: api.vat_pay(b, APR, D(2026, 5, 20)), "period", "period.paid",
            "déjà payée")
    refused(b, lambda: api.vat_reverse(b, APR, "erreur", D(2026, 5, 20)), "period",
            "period.paid", "payée")
    d = api.vat_declare(b, MAY, D(2026, 6, 10)).declaration
    refused(b, lambda: api.vat_reverse(b, APR, "erreur", D(2026, 6, 11)), "period",
            "period.order", "2026-05")
    refused(b, lambda: api.vat_reverse(b, MAY, "", D(2026, 6, 11)), "reason",
            "reason.required")
    refused(b, lambda: api.vat_reverse(b, MAY, "   ", D(2026, 6, 11)), "reason",
            "reason.required")
    refused(b, lambda: api.vat_reverse(b, MAY, "erreur", D(2026, 6, 9)), "day",
            "day.before_declaration")
    r = api.vat_reverse(b, MAY, "facture oubliée", D(2026, 6, 11))
    assert (r.status, r.reason, r.reversed_on) == ("annulée", "facture oubliée", D(2026, 6, 11))
    assert r.reversal_entry is not None and d.entry is not None
    assert entry_lines(b, r.reversal_entry) == [("4455", "FZ", -20000), ("4456", "FZ", 20000)]
    assert balances(b) == {("FZ", "4455"): -20000}
    again = api.vat_declare(b, MAY, D(2026, 6, 12)).declaration
    assert again.entry is not None
    assert entry_lines(b, again.entry) == [("4455", "FZ", 20000), ("4456", "FZ", -20000)]
    api.vat_pay(b, MAY, D(2026, 6, 12))
    refused(b, lambda: api.vat_reverse(b, MAY, "erreur", D(2026, 6, 13)), "period",
            "period.paid")
    refused(b, lambda: api.vat_pay(b, JUN, D(2026, 7, 13)), "period", "period.invalid",
            "aucune déclaration")
    assert [(x.period, x.status) for x in api.vat_declarations(b)] == [
        ("2026-04", "payée"), ("2026-05", "annulée"), ("2026-05", "payée")]
    assert api.verify(b).ok


def test_a_month_without_vat_is_declared_with_no_entry(sales: api.Books) -> None:
    """April: 200,00 due, declared and paid. May: no VAT at all: declared « néant », every
    line 0, no entry (the entry count does not move). June: 200,00, declared as usual."""
    b = sales
    cashed(b, D(2026, 4, 2), 100000, D(2026, 4, 10))
    cashed(b, D(2026, 6, 2), 100000, D(2026, 6, 10))
    api.vat_declare(b, APR, D(2026, 5, 12))
    api.vat_pay(b, APR, D(2026, 5, 12))
    before = counts(b)
    d = api.vat_declare(b, MAY, D(2026, 6, 1)).declaration
    assert (d.entry, d.due, d.credit, d.status) == (None, 0, 0, "néant")
    assert counts(b)[:2] == before[:2]  # no entry, no line
    assert counts(b)[2] == before[2] + 1  # the declaration is recorded
    assert all(not ln.base and not ln.vat for ln in api.vat_return(b, MAY).lines)
    refused(b, lambda: api.vat_pay(b, MAY, D(2026, 6, 2)), "period", "period.credit")
    assert api.vat_declare(b, JUN, D(2026, 7, 10)).declaration.due == 20000


def test_a_month_in_credit_carries_it_with_nothing_else(sales: api.Books) -> None:
    """April: a purchase of 1 000,00 + 200,00 paid in April, nothing sold: credit 200,00
    (34552 FZ C 200,00 / 3456 FZ D 200,00). May: nothing at all, the credit carried: lines
    170 and 201 at 200,00, line 200 at 0, and no entry (it would only credit and debit 3456 by
    200,00; before the fix it did); June: 300,00 of VAT cashed less the 200,00 carried:
    100,00 due (4455 FZ D 300,00 / 3456 FZ C 200,00 / 4456 FZ C 100,00)."""
    b = sales
    api.add_expense(b, "FZ", "TISSUS", D(2026, 4, 3), "6111", 100000, Rate(2000),
                    paid_on=D(2026, 4, 8), method="virement")
    cashed(b, D(2026, 6, 2), 150000, D(2026, 6, 10))
    d = api.vat_declare(b, APR, D(2026, 5, 12)).declaration
    assert (d.due, d.credit) == (0, 20000)
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [("34552", "FZ", -20000), ("3456", "FZ", 20000)]
    before = counts(b)
    may = api.vat_declare(b, MAY, D(2026, 6, 1))
    lines = {ln.code: ln.vat for ln in may.vat_return.lines}
    assert (lines["170"], lines["200"], lines["201"]) == (20000, 0, 20000)
    assert (may.declaration.due, may.declaration.credit, may.declaration.entry,
            may.declaration.status) == (0, 20000, None, "crédit reporté")
    assert counts(b)[:3] == (before[0], before[1], before[2] + 1)
    assert balances(b, ("3456", "4456")) == {("FZ", "3456"): 20000}
    jun = api.vat_declare(b, JUN, D(2026, 7, 10)).declaration
    assert jun.entry is not None and jun.due == 10000
    assert entry_lines(b, jun.entry) == [
        ("4455", "FZ", 30000), ("3456", "FZ", -20000), ("4456", "FZ", -10000)]


def test_a_line_posted_late_into_a_declared_month_is_swept_into_the_next(
        sales: api.Books) -> None:
    """April: F1 1 000,00 + 200,00 paid 10 April; declared 12 May (200,00) and paid. Then,
    on 20 May, a payment of F2 (500,00 + 100,00, issued 20 April) is recorded with its real
    date, 28 April: 100,00 reaches 4455 in April, already declared. April's return stays as
    declared (200,00). May (F3, 2 000,00 + 400,00, paid 12 May): May's VAT report shows May's
    400,00 only; the return adds « REG-ANT » 100,00, line 130 = 500,00, and the declaration
    settles 4455 FZ D 500,00 / 4456 FZ C 500,00: nothing stays on 4455."""
    b = sales
    cashed(b, D(2026, 4, 2), 100000, D(2026, 4, 10))
    f2 = cashed(b, D(2026, 4, 20), 50000)
    api.vat_declare(b, APR, D(2026, 5, 12))
    api.vat_pay(b, APR, D(2026, 5, 12))
    cashed(b, D(2026, 5, 4), 200000, D(2026, 5, 12))
    api.add_payment(b, [f2], 60000, D(2026, 4, 28), "virement")
    assert {ln.code: ln.vat for ln in api.vat_return(b, APR).lines}["130"] == 20000
    assert api.vat_report(b, MAY).net_collected == 40000
    ret = api.vat_return(b, MAY)
    vat = {ln.code: ln.vat for ln in ret.lines}
    assert (vat["REG-ANT"], vat["130"], vat["200"]) == (10000, 50000, 50000)
    assert ret.earlier == 10000
    d = api.vat_declare(b, MAY, D(2026, 6, 10)).declaration
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [("4455", "FZ", 50000), ("4456", "FZ", -50000)]
    assert balances(b, ("4455",)) == {}


def test_a_total_of_zero_leaves_nothing_on_4456(sales: api.Books) -> None:
    """April: FZ cashes 1 000,00 + 200,00 (owes 200,00), KH pays a bill of 1 000,00 + 200,00
    (a credit of 200,00): the ECP owes nothing and has no credit. Nothing will be paid, so
    both go through the liaison account: 4455 FZ D 200,00 / 44881 FZ C 200,00 (FZ owes it to
    the ECP); 34552 KH C 200,00 / 44881 KH D 200,00 (the ECP owes it to KH); on the ECP's
    dimension 44881 D 200,00 / 4456 C 200,00 and 44881 C 200,00 / 4456 D 200,00, which
    cancel. No 4456 is left on FZ's books (before the fix FZ kept 4456 C 200,00 for ever, its
    treasury showing 200,00 of VAT that nobody would pay). Treasuries on 12 May: FZ cash
    1 200,00, VAT due 200,00 → 0, owed 0 → 200,00, available 1 000,00 throughout; KH cash
    −1 200,00, VAT due −200,00 → 0, owed 0 → −200,00, available −1 000,00 throughout."""
    b = sales
    cashed(b, D(2026, 4, 2), 100000, D(2026, 4, 10))
    api.add_expense(b, "KH", "TISSUS", D(2026, 4, 3), "6111", 100000, Rate(2000),
                    paid_on=D(2026, 4, 8), method="virement")
    day = D(2026, 5, 12)
    assert {m: position(b, m, day) for m in ("FZ", "KH")} == {
        "FZ": (120000, 20000, 0, 100000), "KH": (-120000, -20000, 0, -100000)}
    d = api.vat_declare(b, APR, day).declaration
    assert (d.due, d.credit, d.status) == (0, 0, "néant")
    assert d.entry is not None
    assert entry_lines(b, d.entry) == [
        ("4455", "FZ", 20000), ("44881", "FZ", -20000),
        ("34552", "KH", -20000), ("44881", "KH", 20000),
        ("44881", "ECP", 20000), ("4456", "ECP", -20000),
        ("44881", "ECP", -20000), ("4456", "ECP", 20000)]
    assert balances(b) == {}
    assert {m: position(b, m, day) for m in ("FZ", "KH")} == {
        "FZ": (120000, 0, 20000, 100000), "KH": (-120000, 0, -20000, -100000)}
    refused(b, lambda: api.vat_pay(b, APR, day), "period", "period.credit")
    assert api.vat_status(b, D(2026, 5, 31)) == []
    assert api.verify(b).ok


def test_purchase_lines_by_rate_and_kind(sales: api.Books) -> None:
    """April's deductions, each bill paid in full in April by transfer: a charge at 20 %
    (1 000,00 + 200,00, line 146), a fixed asset at 10 % (23321, 2 000,00 + 200,00, line 160,
    « autres immobilisations (10 %) »), and a bill of December 2025 at 14 % (500,00 + 70,00,
    line 148, « achats à l'intérieur (14 %) »: the right to deduct arises with the payment).
    Line 190: 200,00 + 200,00 + 70,00 = 470,00; line 201: a credit of 470,00."""
    b = sales
    for day, account, ht, bp in ((D(2026, 4, 2), "6111", 100000, 2000),
                                 (D(2026, 4, 3), "23321", 200000, 1000),
                                 (D(2025, 12, 10), "6111", 50000, 1400)):
        api.add_expense(b, "FZ", "TISSUS", day, account, ht, Rate(bp),
                        paid_on=D(2026, 4, 8), method="virement")
    got = returned(api.vat_return(b, APR))
    assert got[-8:] == [
        ("130", None, 0), ("146", 100000, 20000), ("148", 50000, 7000), ("160", 200000, 20000),
        ("170", None, 0), ("190", None, 47000), ("200", None, 0), ("201", None, 47000)]
