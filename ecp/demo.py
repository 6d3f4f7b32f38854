"""A demo ECP in Tanger: five members and a few months of plausible books.

Deterministic (seeded), posted through the ledger like any other entry, so the demo's books
verify. Later issues extend it (invoices, statements, production).
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import func, insert, select, update

from ecp.api import Books
from ecp.db.engine import unit_of_work
from ecp.db.models import Dimension, Entry, MemberRoute, Setting
from ecp.ledger.entry import ECP_DIMENSION, JournalEntry, LineSpec
from ecp.ledger.periods import close_month
from ecp.ledger.posting import Poster, post

if TYPE_CHECKING:
    from ecp.kernel.units import Quantity

# code, name, Arabic name, activity, contribution basis points, joined, what they sell
MEMBERS = [
    ("M001", "Fatima Zahra El Idrissi", "فاطمة الزهراء الإدريسي", "couture", 1000,
     dt.date(2025, 3, 1), ("71211", "Caftan brodé", 180_000, 320_000)),
    ("M002", "Youssef Benali", None, "cuisine", 1000, dt.date(2025, 6, 15),
     ("71211", "Service traiteur", 90_000, 450_000)),
    ("M003", "Khadija Amrani", "خديجة العمراني", "artisanat", 800, dt.date(2025, 9, 1),
     ("71211", "Tapis tissé main", 250_000, 700_000)),
    ("M004", "Omar Tazi", None, "services", 1200, dt.date(2026, 1, 10),
     ("71243", "Maintenance informatique", 40_000, 150_000)),
    ("M005", "Salma Bennani", "سلمى بناني", "cuisine", 1000, dt.date(2026, 4, 1),
     ("71211", "Pâtisserie marocaine", 30_000, 120_000)),
]
# The members whose documents speak Arabic (dimensions.language; the others: fr)
LANGUAGES = {"M005": "ar"}
# code -> (remuneration route, CNSS number, dependants)
ROUTES = {"M001": ("salarie", "112233445", 2), "M002": ("independant", None, 0),
          "M003": ("salarie", "556677889", 0), "M004": ("salarie", None, 0),
          "M005": ("salarie", None, 1)}
CUSTOMERS = ["Riad Tanja", "Hôtel Continental", "Mme Alaoui", "Café Hafa", "Dar Sultan",
             "Association Al Amal", "M. Berrada", "Boutique Kasbah"]
SUPPLIERS = {"couture": ("Tissus du Nord", "61211"), "cuisine": ("Marché central", "61211"),
             "artisanat": ("Laines de l'Atlas", "61211"), "services": ("Info Plus", "6111")}
START = dt.date(2026, 8, 1)
MONTHS = [(2026, 8), (2026, 9), (2026, 10), (2026, 11)]
VAT_BP = 2000


def _vat(ht: int) -> int:
    """VAT at 20 %, half-up to the centime (positive amounts)."""
    return (ht * VAT_BP + 5000) // 10000


def load_demo(books: Books, seed: int = 2026) -> str:
    rnd = random.Random(seed)
    user = books.user
    with unit_of_work(books.engine) as s:
        conn = s.connection()
        if conn.scalar(select(Dimension.code).where(Dimension.code == "M001")):
            return "Démo déjà chargée : rien d'ajouté"
        conn.execute(update(Dimension).where(Dimension.code == ECP_DIMENSION)
                     .values(name="ECP Tanger Entreprendre"))
        conn.execute(insert(Dimension), [{
            "code": c, "kind": "member", "name": n, "name_ar": ar, "activity": act,
            "joined_on": j.year * 10000 + j.month * 100 + j.day, "status": "actif",
            "contribution_bp": bp, "language": LANGUAGES.get(c, "fr")}
            for c, n, ar, act, bp, j, _ in MEMBERS])
        # How each member is paid from joining (issue 14): M002 invoices the ECP, the others
        # are its salariés (M001 and M003 with their CNSS numbers)
        conn.execute(insert(MemberRoute), [{
            "member": c, "valid_from": j.year * 10000 + j.month * 100 + j.day,
            "route": ROUTES[c][0], "cnss": ROUTES[c][1], "dependants": ROUTES[c][2],
            "at": books.now().isoformat(), "by": user} for c, *_r, j, _ in MEMBERS])
        conn.execute(insert(Setting), [{"key": k, "value": v} for k, v in COMPANY.items()])
        p = Poster(conn, user)
        E = ECP_DIMENSION
        p.add(JournalEntry("AN", START, "Apport initial des fondateurs",
                           (LineSpec("5141", E, 15_000_000), LineSpec("1111", E, -15_000_000))))
        for c, *_ in MEMBERS:
            p.add(JournalEntry("OD", START, f"Fonds de démarrage avancé par l'ECP à {c}", (
                LineSpec("44881", E, 500_000), LineSpec("5141", E, -500_000),
                LineSpec("5141", c, 500_000), LineSpec("44881", c, -500_000))))
        p.flush()
    _catalogue(books)
    # Everything is entered in date order, as a bookkeeper keeps her journals day by day
    # (ecp.ledger.posting: a late entry would go to the journal RG): the months' typed entries,
    # the sales module's documents and payments, the pay, the payroll and VAT payments, the
    # month closes and the production are events on one timeline, run by date.
    events: list[Event] = []
    inv = 0
    for year, month in MONTHS:
        inv, typed, entries = _month(books, rnd, year, month, inv)
        events += entries
        _pay_payroll(events, year, month)
        if (year, month) != MONTHS[-1]:  # November's in _sales, after its invoices
            _documents(events, typed)
            _payouts(events, year, month)
    # August and September closed on 1 October, before August's VAT is declared
    for year, month in MONTHS[:2]:
        events.append(Event(dt.date(2026, 10, 1), 0, _closer(year * 100 + month)))
    docs = _sales(events)
    _declare_vat(events)
    _journeys(books, events)
    for ev in sorted(events, key=lambda e: (e.day, e.order)):
        ev.run(books)
    statement = _bank_statement(books)
    with books.engine.connect() as conn:
        n = int(conn.scalar(select(func.count(Entry.id))) or 0)
    return (f"Démo chargée : ECP Tanger Entreprendre, {len(MEMBERS)} membres actifs et une "
            f"sortie vers l'emploi (parcours, rendez-vous, un atelier), {n} écritures "
            f"d'août à novembre 2026 (août et septembre clôturés), {docs}, la paie d'août à "
            "novembre (CNSS et IR payés jusqu'à octobre), la TVA d'août à novembre déclarée "
            f"et payée, {statement}")


# The bank's statement of 5141 from 13 November to 4 December 2026, in the format of the
# supplied profile « maroc » (cp1252, « Date opération;Libellé;Débit;Crédit »): imported by
# the demo, nothing accepted, so that the reconciliation (F12, ecp bank match) can be tried.
# Four lines match what the books hold (the payment of F-2026-000003, the cheque of
# F-2026-000004, M001's salary, November's bank fees: entries already posted, or the payout),
# one pays an open invoice (F-2026-000007, 2 520,00), two match nothing (a fee of the SMS
# pack, an unknown transfer) and wait for the bookkeeper (a rule, or a search).
BANK_STATEMENT = Path(__file__).parent / "demo_data" / "releve-demo-2026-11.csv"


def _bank_statement(books: Books) -> str:
    """Import the demo's statement; a copy is written next to the database (SQLite), to be
    imported again by hand (``ecp bank import releve-demo-2026-11.csv``: nothing doubles)."""
    from ecp import api
    from ecp.kernel.files import write_private

    done = api.bank_import(books, BANK_STATEMENT)
    where = ""
    if books.path is not None:
        copy = write_private(books.path.parent / BANK_STATEMENT.name,
                             BANK_STATEMENT.read_bytes())
        where = f" ({copy})"
    return f"un relevé bancaire de {done.added} lignes à rapprocher{where}"


# A sale typed in a month of the demo: member, day, HT, customer, payment day or None.
Sale = tuple[str, dt.date, int, str, dt.date | None]


@dataclass(frozen=True)
class Event:
    """One thing the demo's bookkeeper does on ``day`` (``order`` among those of the day;
    ties keep the order they were written in)."""

    day: dt.date
    order: int
    run: Callable[[Books], object]


def _closer(month: int) -> Callable[[Books], object]:
    def run(books: Books) -> object:
        with unit_of_work(books.engine) as s:
            return close_month(s.connection(), month, books.user)
    return run


def _poster(entry: JournalEntry) -> Callable[[Books], object]:
    def run(books: Books) -> object:
        with unit_of_work(books.engine) as s:
            return post(s.connection(), entry, books.user)
    return run


def _month(books: Books, rnd: random.Random, year: int, month: int, inv: int
           ) -> tuple[int, list[Sale], list[Event]]:
    """One month of August–November typed as journal entries (rent, sales, purchases, the
    contribution, bank fees); the sales of the members in ``AS_DOCUMENTS`` that month are
    returned instead, to go through the sales module (``_documents``). November's sales and
    expenses are the sales module's (``_sales``). Returns the last FA number, those sales
    and the month's entries as events."""
    typed: list[Sale] = []
    events: list[Event] = []
    E = ECP_DIMENSION
    last_day = 28
    def post(journal: str, day: dt.date, label: str, lines: list[LineSpec],
             ref: str = "") -> None:
        events.append(Event(day, 1, _poster(JournalEntry(journal, day, label, tuple(lines),
                                                          reference=ref))))

    rent = 450_000
    post("AC", dt.date(year, month, 2), f"Loyer atelier partagé {month:02d}/{year}",
         [LineSpec("61312", E, rent), LineSpec("34554", E, _vat(rent)),
          LineSpec("44111", E, -(rent + _vat(rent)), "Immobilière du Détroit")])
    post("BQ", dt.date(year, month, 5), f"Règlement loyer {month:02d}/{year}",
         [LineSpec("44111", E, rent + _vat(rent), "Immobilière du Détroit"),
          LineSpec("5141", E, -(rent + _vat(rent))),
          LineSpec("34552", E, _vat(rent)), LineSpec("34554", E, -_vat(rent))])
    for code, _name, _ar, act, bp, _j, (acc, what, lo, hi) in MEMBERS:
        cashed = 0
        as_documents = (year, month) in AS_DOCUMENTS.get(code, ())
        for k in range(rnd.randint(2, 3) if (year, month) != MONTHS[-1] else 0):
            inv += 1
            ht = rnd.randrange(lo, hi, 500)
            tva = _vat(ht)
            cust = rnd.choice(CUSTOMERS)
            day = dt.date(year, month, 3 + 7 * k + rnd.randint(0, 4))
            ref = f"FA-{year}-{inv:05d}"
            due = day + dt.timedelta(days=60)
            pay = day + dt.timedelta(days=rnd.randint(3, 12))
            pay = min(pay, dt.date(year, month, last_day))
            if as_documents:
                typed.append((code, day, ht, cust, pay))
                continue
            post("VT", day, f"{what} - {cust}",
                 [LineSpec("34211", code, ht + tva, cust, due),
                  LineSpec(acc, code, -ht), LineSpec("44551", code, -tva)], ref)
            post("BQ", pay, f"Encaissement {ref} - {cust}",
                 [LineSpec("5141", code, ht + tva),
                  LineSpec("34211", code, -(ht + tva), cust),
                  LineSpec("44551", code, tva), LineSpec("4455", code, -tva)], ref)
            cashed += ht
        supplier, charge = SUPPLIERS[act]
        buy = rnd.randrange(lo // 4, lo, 100)
        bday = dt.date(year, month, rnd.randint(6, 14))
        if (year, month) != MONTHS[-1]:  # November's: expenses of the sales module
            post("AC", bday, f"Achat matières - {supplier}",
                 [LineSpec(charge, code, buy), LineSpec("34554", code, _vat(buy)),
                  LineSpec("44111", code, -(buy + _vat(buy)), supplier)])
            post("BQ", bday + dt.timedelta(days=5), f"Règlement {supplier}",
                 [LineSpec("44111", code, buy + _vat(buy), supplier),
                  LineSpec("5141", code, -(buy + _vat(buy))),
                  LineSpec("34552", code, _vat(buy)),
                  LineSpec("34554", code, -_vat(buy))])
        contrib = (cashed * bp + 5000) // 10000
        if contrib:  # internal: 61468 / 71248, as the contribution run posts it
            post("OD", dt.date(year, month, last_day),
                 f"Contribution services partagés {month:02d}/{year} - {code}",
                 [LineSpec("61468", code, contrib), LineSpec("44881", code, -contrib),
                  LineSpec("44881", E, contrib), LineSpec("71248", E, -contrib)],
                 f"CONTRIB-{year}-{month:02d}-{code}")
    post("BQ", dt.date(year, month, last_day), f"Frais bancaires {month:02d}/{year}",
         [LineSpec("61473", E, 12_000), LineSpec("5141", E, -12_000)])
    return inv, typed, events


# (member, months) whose sales are issued as invoices and paid through the sales module
# before November: M001's October, so that its statement shows its receipts (issue 14).
AS_DOCUMENTS = {"M001": ((2026, 10),)}
# The rnd customers without a customer record: their sales go to the nearest record.
CUSTOMER_CODES = {"Riad Tanja": "RIAD", "Hôtel Continental": "HOTEL", "Café Hafa": "HAFA",
                  "Mme Alaoui": "ALAOUI", "Dar Sultan": "RIAD", "Association Al Amal": "ALAOUI",
                  "M. Berrada": "ALAOUI", "Boutique Kasbah": "HOTEL"}


def _catalogue(books: Books) -> None:
    """The sales module's customers, suppliers and catalogue, there from the start."""
    from ecp import api
    from ecp.kernel.units import Rate

    for code, name, ar, ice, address, city in SALES_CUSTOMERS:
        api.add_customer(books, code, name, name_ar=ar, ice=ice, city=city, address=address,
                         consumer=ice is None)
    from ecp.db.models import Party
    with unit_of_work(books.engine) as s:
        for code, lang in CUSTOMER_LANGUAGES.items():
            s.connection().execute(update(Party).where(Party.kind == "customer",
                                                       Party.code == code)
                                   .values(language=lang))
    for code, name, if_number, ice in SALES_SUPPLIERS:
        api.add_supplier(books, code, name, city="Tanger", if_number=if_number, ice=ice)
    for code, member, name, unit, price, vat, acc in PRODUCTS:
        api.add_product(books, code, member, name, unit, price, Rate(vat), acc)


def _documents(events: list[Event], sales: list[Sale]) -> None:
    """The sales of ``_month`` kept for the sales module: each an invoice (one line, the
    member's product's wording and account, VAT 20 %) paid by transfer in full, then the
    month's contribution run on them (HT cashed) at the month's end."""
    from ecp import api
    from ecp.kernel.periods import Month
    from ecp.kernel.units import Quantity, Rate
    from ecp.sales.documents import LineInput

    what = {code: (acc, label) for code, *_r, (acc, label, _lo, _hi) in MEMBERS}
    numbers: dict[int, str] = {}  # sale's index -> its invoice's number, once issued
    for i, (code, day, ht, cust, pay) in enumerate(sorted(sales, key=lambda s: s[1])):
        acc, label = what[code]

        def issue(books: Books, i: int = i, code: str = code, day: dt.date = day,
                  ht: int = ht, cust: str = cust, acc: str = acc, label: str = label) -> None:
            numbers[i] = api.create_and_issue(
                books, "facture", code, CUSTOMER_CODES[cust], day,
                [LineInput(label, Quantity(1000), ht, Rate(VAT_BP), acc)]).number

        events.append(Event(day, 1, issue))
        if pay is not None:  # paid in full by transfer, when it comes in
            total = ht + _vat(ht)

            def paid(b: Books, i: int = i, ttc: int = total, d: dt.date = pay) -> object:
                return api.add_payment(b, [numbers[i]], ttc, d, "virement",
                                       f"VIR {numbers[i][-4:]}")
            events.append(Event(pay, 1, paid))
    for month in sorted({Month(d.year, d.month) for _c, d, *_r in sales}):
        def contribute(b: Books, m: Month = month) -> object:
            return api.contribution_run(b, m)
        events.append(Event(month.end - dt.timedelta(days=1), 2, contribute))


# The members' pay, month by month (issue 14), within each one's treasury: M001 (salariée, two
# dependants) is paid her net from September — in August her treasury (4 000,00 DH) could not
# bear the cost of a salary at the SMIG; M003 (salariée) her gross, 4 000,00 in August after
# the advance, 6 500,00 from September (above the CNSS ceiling, IR withheld); M002
# (indépendant, auto-entrepreneur) his own invoice, no VAT. M003's solidarity advance of
# 8 000,00 DH on 3 August is repaid 2 000,00 a month out of her four salaries: the last one, in
# November, repays it.
# (year, month) -> (member, "net" | "brut" | invoice number, amount in centimes)
PAYOUTS: dict[tuple[int, int], tuple[tuple[str, str, int], ...]] = {
    (2026, 8): (("M002", "YB-2026-08", 150_000), ("M003", "brut", 400_000)),
    (2026, 9): (("M001", "net", 350_000), ("M002", "YB-2026-09", 400_000),
                ("M003", "brut", 650_000)),
    (2026, 10): (("M001", "net", 350_000), ("M002", "YB-2026-10", 350_000),
                 ("M003", "brut", 650_000)),
    (2026, 11): (("M001", "net", 350_000), ("M002", "YB-2026-11", 300_000),
                 ("M003", "brut", 650_000)),
}
PAY_DAY = {(2026, 8): 28, (2026, 9): 28, (2026, 10): 28, (2026, 11): 27}
ADVANCE = ("M003", dt.date(2026, 8, 3), 800_000, 200_000, "Réparation du métier à tisser")
# Each month's CNSS and IR withheld, paid on the 10th of the next (or the working day
# before); November's are left due at the demo's writing (CNSS by 10 December).
PAYROLL_PAID = ((dt.date(2026, 9, 1), dt.date(2026, 9, 10)),
                (dt.date(2026, 10, 1), dt.date(2026, 10, 9)),
                (dt.date(2026, 11, 1), dt.date(2026, 11, 10)))


def _payouts(events: list[Event], year: int, month: int) -> None:
    """The month's payouts of ``PAYOUTS``, the advance first (in August)."""
    from ecp import api

    code, on, amount, monthly, reason = ADVANCE
    if (on.year, on.month) == (year, month):
        events.append(Event(on, 1, lambda b: api.add_payout(
            b, code, amount, on, "virement", advance=True, reason=reason,
            repay_monthly=monthly)))
    day = dt.date(year, month, PAY_DAY[(year, month)])
    for member, how, value in PAYOUTS[(year, month)]:
        def run(b: Books, m: str = member, how: str = how, v: int = value) -> object:
            if how == "net":
                return api.add_payout(b, m, v, day, "virement")
            if how == "brut":
                return api.add_payout(b, m, None, day, "virement", gross=v)
            return api.add_payout(b, m, v, day, "virement", invoice_ref=how)
        events.append(Event(day, 1, run))


def _pay_payroll(events: list[Event], year: int, month: int) -> None:
    """The previous month's CNSS (and IR, when some was withheld) paid on ``PAYROLL_PAID``."""
    from ecp import api
    from ecp.kernel.periods import Period

    for first, paid_on in PAYROLL_PAID:
        if (first.year, first.month) != (year, month):
            continue
        before = first - dt.timedelta(days=1)
        period = Period.parse(f"{before.year}-{before.month:02d}")

        def pay(books: Books, period: Period = period, paid_on: dt.date = paid_on) -> None:
            returns = api.payroll_month(books, period)
            api.social_pay(books, period, paid_on, "virement",
                           reference=f"Damancom {period.label}")
            if returns.ir_due:
                api.ir_pay(books, period, paid_on, "virement", reference=f"IR {period.label}")

        events.append(Event(paid_on, 1, pay))


# The ECP's identity, complete: invoices can be issued from the demo at once.
COMPANY = {
    "company.name": "ECP Tanger Entreprendre", "company.legal_form": "SARL",
    "company.capital": "150000", "company.address": "12, rue de Fès",
    "company.city": "Tanger", "company.if": "45218736", "company.tp": "50412398",
    "company.ice": "002587413000025", "company.rc": "112233", "company.court": "Tanger",
    "company.cnss": "8765432", "company.bank": "Banque Populaire Tanger",
    "company.rib": "190640211110000123456789",
}
# code, name, Arabic name, ICE (None: a consumer), address, city
SALES_CUSTOMERS = [
    ("RIAD", "Riad Tanja", None, "001520369000049", "Rue du Portugal, Médina", "Tanger"),
    ("HOTEL", "Hôtel Continental", None, "002441118000053", "36, rue Dar El Baroud", "Tanger"),
    ("HAFA", "Café Hafa", "مقهى الحافة", "001995532000062", "Avenue Hadj Mohamed Tazi",
     "Tanger"),
    ("ALAOUI", "Mme Alaoui", "السيدة العلوي", None, "8, rue Al Jazaïr", "Tétouan"),
    ("ATTAR", "Ahmed El Attar", "أحمد العطار", None, "14، زنقة ابن بطوطة", "طنجة"),
]
# The customers whose documents speak Arabic (parties.language; the others: fr)
CUSTOMER_LANGUAGES = {"ATTAR": "ar"}
# code, name, IF, ICE (professional Moroccan suppliers need both)
SALES_SUPPLIERS = [("TISSUS", "Tissus du Nord", "40100001", "001234567000062"),
                   ("MARCHE", "Marché central", "40100002", "001555123000069"),
                   ("LAINES", "Laines de l'Atlas", "40100003", "002000001000067")]
# code, member, name, unit, price HT, VAT, account
PRODUCTS = [
    ("CAFTAN", "M001", "Caftan brodé main", "pièce", 280000, 2000, "71211"),
    ("RETOUCHE", "M001", "Retouche", "heure", 15000, 2000, "71243"),
    ("TRAITEUR", "M002", "Service traiteur (par convive)", "convive", 18000, 1000, "71211"),
    ("TAPIS", "M003", "Tapis tissé main 2 × 3 m", "pièce", 650000, 2000, "71211"),
    ("MAINT", "M004", "Maintenance informatique", "heure", 35000, 2000, "71243"),
    ("CORNES", "M005", "Cornes de gazelle", "kg", 22000, 1000, "71211"),
]


def _sales(events: list[Event]) -> str:
    """November 2026 through the sales module: customers, catalogue, quotes, invoices with
    their archived PDFs, a credit note, payments and expenses — each on its day."""
    from ecp import api
    from ecp.kernel.periods import Month
    from ecp.kernel.units import Quantity, Rate
    from ecp.sales.documents import LineInput, ProductLine

    def p(code: str, qty_milli: int) -> ProductLine:
        return ProductLine(code, Quantity(qty_milli))

    d = dt.date
    n: dict[str, str] = {}  # the demo's name of a document -> its number once issued
    expenses: dict[str, int] = {}

    def at(day: dt.date, run: Callable[[Books], object]) -> None:
        events.append(Event(day, 1, run))

    def issue(name: str, kind: str, member: str, customer: str, day: dt.date,
              lines: list[LineInput | ProductLine]) -> None:
        def run(books: Books) -> None:
            n[name] = api.create_and_issue(books, kind, member, customer, day, lines).number
        at(day, run)

    issue("f1", "facture", "M001", "RIAD", d(2026, 11, 3), [p("CAFTAN", 2000), p("RETOUCHE", 3000)])
    issue("f2", "facture", "M002", "HOTEL", d(2026, 11, 6),
          [LineInput("Location de vaisselle", Quantity(1000), 60000, Rate(2000)),
           p("TRAITEUR", 40000)])
    issue("f3", "facture", "M003", "HAFA", d(2026, 11, 9), [p("TAPIS", 1000)])
    issue("f4", "facture", "M005", "ALAOUI", d(2026, 11, 12), [p("CORNES", 2500)])
    issue("f5", "facture", "M004", "HOTEL", d(2026, 11, 16), [p("MAINT", 6000)])
    issue("q1", "devis", "M001", "HOTEL", d(2026, 11, 18), [p("CAFTAN", 5000)])
    # an Arabic-speaking customer (its documents in Arabic), quoted by M003
    issue("q2", "devis", "M003", "ATTAR", d(2026, 11, 20), [p("TAPIS", 2000)])
    at(d(2026, 11, 21), lambda b: api.accept_quote(b, n["q1"], d(2026, 11, 21)))
    at(d(2026, 11, 13), lambda b: api.add_payment(b, [n["f1"]], 726000, d(2026, 11, 13),
                                                  "virement", "VIR 88412"))
    at(d(2026, 11, 20), lambda b: api.add_payment(b, [n["f2"]], 400000, d(2026, 11, 20),
                                                  "cheque", "CHQ 1207"))
    at(d(2026, 11, 14), lambda b: api.add_payment(b, [n["f4"]], 60500, d(2026, 11, 14),
                                                  "especes"))
    at(d(2026, 11, 15), lambda b: api.credit_note(
        b, n["f3"], lines=[LineInput("Remise défaut de finition", Quantity(1000), 50000,
                                     Rate(2000), "71211")], day=d(2026, 11, 15)))
    at(d(2026, 11, 25), lambda b: api.create_document(
        b, "facture", "M005", "ALAOUI", d(2026, 11, 25), [p("CORNES", 1000)]))  # a draft

    def tissus(books: Books) -> None:
        expenses["TN-5521"] = api.add_expense(books, "M001", "TISSUS", d(2026, 11, 4), "61211",
                                              145000, Rate(2000), "TN-5521")
    at(d(2026, 11, 4), tissus)
    at(d(2026, 11, 10), lambda b: api.pay_expense(b, expenses["TN-5521"], d(2026, 11, 10),
                                                  "virement"))
    at(d(2026, 11, 5), lambda b: api.add_expense(b, "M002", "MARCHE", d(2026, 11, 5), "61211",
                                                 230000, Rate(2000), "MC-0934"))
    # The member's economy: the month's pay (``PAYOUTS``), then November's contribution.
    _payouts(events, 2026, 11)
    events.append(Event(d(2026, 11, 30), 2, lambda b: api.contribution_run(b, Month(2026, 11))))
    _production(events)
    return ("5 factures, 2 devis, 1 avoir, 3 règlements, 2 dépenses, la contribution "
            "et le plan de production de décembre en novembre 2026")


# The VAT of each month, declared and paid on the 15th of the following month; August's on
# 1 October, the first open day (August and September are closed); November's on 4 December,
# so that the demo, written on 7 December 2026, holds no entry dated after its writing. Each
# declaration settles 4455/34552 against 4456 (or 3456) per dimension, each payment 4456
# against 5141: what is left on 4455 is what is really still due (docs/vat-cycle.md).
VAT_FILED = (("2026-08", dt.date(2026, 10, 1)), ("2026-09", dt.date(2026, 10, 15)),
             ("2026-10", dt.date(2026, 11, 15)), ("2026-11", dt.date(2026, 12, 4)))


def _declare_vat(events: list[Event]) -> None:
    from ecp import api
    from ecp.kernel.periods import Period

    for label, day in VAT_FILED:
        def run(books: Books, label: str = label, day: dt.date = day) -> None:
            period = Period.parse(label)
            done = api.vat_declare(books, period, day)
            if done.declaration.due:
                api.vat_pay(books, period, day, "virement", reference=f"TVA {label}")
        events.append(Event(day, 3, run))


def _production(events: list[Event]) -> None:
    """The shared workshop: materials in stock, bills of materials, capacities, and orders for
    December, one of them too big for its member's hours (late) and short of wool: set up on
    16 November (after the month's sales of TAPIS and CORNES, sold before their bills of
    materials existed), an order made on the 19th, December's planned once the quote is
    accepted."""
    from ecp import api
    from ecp.kernel.units import Quantity

    def q(units: float) -> Quantity:
        return Quantity(round(units * 1000))

    d = dt.date

    def workshop(books: Books) -> None:
        _workshop(books, q)

    def made(books: Books) -> None:
        done = api.add_order(books, "M001", "CAFTAN", q(2), d(2026, 11, 20))
        api.complete_order(books, done, d(2026, 11, 19))

    def planned(books: Books) -> None:
        api.add_order(books, "M001", "CAFTAN", q(5), d(2026, 12, 4), customer="HOTEL",
                      quote="D-2026-000001")
        api.add_order(books, "M003", "TAPIS", q(3), d(2026, 12, 11), customer="RIAD")
        api.add_order(books, "M005", "CORNES", q(15), d(2026, 12, 18))
        api.add_order(books, "M001", "CAFTAN", q(4), d(2026, 12, 18))

    events += [Event(d(2026, 11, 16), 2, workshop), Event(d(2026, 11, 19), 1, made),
               Event(d(2026, 11, 21), 2, planned)]


def _workshop(books: Books, q: Callable[[float], Quantity]) -> None:
    """Resources, materials received on 16 November, bills of materials and capacities."""
    from ecp import api
    from ecp.production.specs import BomItem, DateSpan

    d = dt.date
    for code, name, hours in (("MACHINE", "Machine à coudre", 35), ("FOUR", "Four", 40),
                              ("METIER", "Métier à tisser", 30)):
        api.add_resource(books, code, name, q(hours))
    for code, member, name, unit, cost, qty in (
            ("TISSU", "M001", "Tissu brocart", "m", 8000, 40),
            ("FIL", "M001", "Fil de soie", "bobine", 2500, 30),
            ("LAINE", "M003", "Laine de l'Atlas", "kg", 9500, 30),
            ("AMANDE", "M005", "Amandes émondées", "kg", 11000, 12),
            ("FARINE", "M005", "Farine", "kg", 900, 25)):
        api.add_material(books, code, member, name, unit, cost)
        api.stock_receive(books, code, q(qty), d(2026, 11, 16))
    api.set_bom(books, "CAFTAN", [BomItem("TISSU", q(3)), BomItem("FIL", q(2))], q(6),
                [BomItem("MACHINE", q(1))])
    api.set_bom(books, "TAPIS", [BomItem("LAINE", q(12))], q(40), [BomItem("METIER", q(20))])
    api.set_bom(books, "CORNES", [BomItem("AMANDE", q(0.5)), BomItem("FARINE", q(0.4))], q(2),
                [BomItem("FOUR", q(0.5))])
    for member, hours in (("M001", 30), ("M002", 35), ("M003", 25), ("M004", 20),
                          ("M005", 25)):
        api.set_capacity(books, member, q(hours),
                         [DateSpan(d(2026, 12, 24), d(2026, 12, 25))] if member == "M003"
                         else [])


# The members' journeys (issue 18): social file (sex, birth date, commune, province, studies,
# situation at entry, prescriber, monthly HT target), stages, a few meetings and one workshop;
# and a sixth member, M006, who was accompanied, became active and left for a salaried job in
# October (no entry in the demo's books: her months of activity were before August).
# code -> (sex, birth date, commune, province, studies, situation at entry, prescriber, target DH)
PROFILES = {
    "M001": ("F", dt.date(1988, 5, 14), "Beni Makada", "Tanger-Assilah", "baccalauréat",
             "demandeuse d'emploi inscrite (ANAPEC)", "ANAPEC", 8_000),
    "M002": ("M", dt.date(1995, 11, 2), "Charf", "Tanger-Assilah", "formation professionnelle",
             "auto-entrepreneur", "bouche-à-oreille", 6_000),
    "M003": ("F", dt.date(1976, 2, 20), "Mghogha", "Tanger-Assilah", "primaire",
             "sans activité", "association de quartier", 7_000),
    "M004": ("M", dt.date(2001, 7, 9), "Marshan", "Tanger-Assilah", "licence",
             "demandeur d'emploi non inscrit", "INDH", 5_000),
    "M005": ("F", dt.date(1992, 9, 30), "Martil", "M'diq-Fnideq", "collège",
             "coopérative", "ANAPEC", 4_000),
    "M006": ("F", dt.date(1998, 3, 3), "Assilah", "Tanger-Assilah", "baccalauréat",
             "demandeuse d'emploi inscrite (ANAPEC)", "ANAPEC", 5_000),
}
LEAVER = ("M006", "Hanane Ouazzani", "هناء الوزاني", "couture", dt.date(2026, 5, 4))
# member, date, minutes, subject, advisor
MEETINGS = (("M001", dt.date(2026, 8, 6), 90, "Plan de trésorerie et prix de revient", "Amina"),
            ("M003", dt.date(2026, 8, 20), 60, "Devis et conditions de paiement", "Amina"),
            ("M004", dt.date(2026, 9, 10), 45, "Premiers clients, prospection", "Karim"),
            ("M005", dt.date(2026, 9, 24), 60, "Hygiène et étiquetage", "Karim"),
            ("M002", dt.date(2026, 10, 13), 30, "Facturer l'ECP (auto-entrepreneur)", "Amina"),
            ("M006", dt.date(2026, 10, 6), 60, "Offre d'emploi : entretien", "Karim"),
            ("M001", dt.date(2026, 11, 17), 60, "Commande de l'Hôtel Continental", "Amina"))
WORKSHOP = ("AT-2026-01", "Fixer ses prix et calculer ses marges", dt.date(2026, 10, 8), 180,
            ("M001", "M003", "M005", "M006"))


def _journeys(books: Books, events: list[Event]) -> None:
    """The members' social files and stages (at once: no entry depends on them), then the
    meetings, the workshop and M006's exit on their days."""
    from ecp import api

    code, name, ar, act, joined = LEAVER
    with unit_of_work(books.engine) as s:
        s.connection().execute(insert(Dimension), [{
            "code": code, "kind": "member", "name": name, "name_ar": ar, "activity": act,
            "joined_on": joined.year * 10000 + joined.month * 100 + joined.day,
            "status": "actif", "contribution_bp": 1000, "language": "fr"}])
    joined_on = {c: j for c, *_r, j, _w in MEMBERS} | {code: joined}
    for member, (sex, born, zone, province, studies, situation, prescriber, target) in \
            PROFILES.items():
        api.update_profile(books, member, sex=sex, birth_date=born, zone=zone,
                           province=province, education=studies, entry_situation=situation,
                           prescriber=prescriber, turnover_target=target * 100)
        active = joined_on[member]
        api.member_stage(books, member, "candidat", active - dt.timedelta(days=45))
        api.member_stage(books, member, "convention", active - dt.timedelta(days=30))
        api.member_stage(books, member, "actif", active)
    for member, day, minutes, subject, advisor in MEETINGS:
        def meet(b: Books, m: str = member, d: dt.date = day, n: int = minutes,
                 t: str = subject, a: str = advisor) -> object:
            return api.add_meeting(b, m, d, n, t, a)
        events.append(Event(day, 4, meet))
    wcode, title, wday, wminutes, present = WORKSHOP

    def workshop(b: Books) -> None:
        api.add_workshop(b, wcode, title, wday, wminutes)
        for m in present:
            api.workshop_attend(b, wcode, m)

    events.append(Event(wday, 4, workshop))
    events.append(Event(dt.date(2026, 10, 15), 4, lambda b: api.member_exit(
        b, code, "emploi", dt.date(2026, 10, 15),
        "embauchée comme couturière (CDI) par un atelier de confection")))
