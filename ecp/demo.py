"""A demo ECP in Tanger: five members and a few months of plausible books.

Deterministic (seeded), posted through the ledger like any other entry, so the demo's books
verify. Later issues extend it (invoices, statements, production).
"""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import insert, select, update

from ecp.api import Books
from ecp.config import current_user
from ecp.db.engine import unit_of_work
from ecp.db.models import Dimension, Setting
from ecp.ledger.entry import ECP_DIMENSION, JournalEntry, LineSpec
from ecp.ledger.periods import close_month
from ecp.ledger.posting import Poster

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
    user = current_user()
    with unit_of_work(books.engine) as s:
        conn = s.connection()
        if conn.scalar(select(Dimension.code).where(Dimension.code == "M001")):
            return "Démo déjà chargée : rien d'ajouté"
        conn.execute(update(Dimension).where(Dimension.code == ECP_DIMENSION)
                     .values(name="ECP Tanger Entreprendre"))
        conn.execute(insert(Dimension), [{
            "code": c, "kind": "member", "name": n, "name_ar": ar, "activity": act,
            "joined_on": j.year * 10000 + j.month * 100 + j.day, "status": "actif",
            "contribution_bp": bp} for c, n, ar, act, bp, j, _ in MEMBERS])
        conn.execute(insert(Setting), [
            {"key": "company.name", "value": "ECP Tanger Entreprendre"},
            {"key": "company.city", "value": "Tanger"},
            {"key": "company.address", "value": "12, rue de Fès, Tanger"},
        ])
        p = Poster(conn, user)
        n = 0

        def post(journal: str, day: dt.date, label: str, lines: list[LineSpec],
                 ref: str = "") -> None:
            nonlocal n
            p.add(JournalEntry(journal, day, label, tuple(lines), reference=ref))
            n += 1

        E = ECP_DIMENSION
        post("AN", START, "Apport initial des fondateurs",
             [LineSpec("5141", E, 15_000_000), LineSpec("1111", E, -15_000_000)])
        for c, *_ in MEMBERS:
            post("OD", START, f"Fonds de démarrage avancé par l'ECP à {c}",
                 [LineSpec("44881", E, 500_000), LineSpec("5141", E, -500_000),
                  LineSpec("5141", c, 500_000), LineSpec("44881", c, -500_000)])
        inv = 0
        for year, month in MONTHS:
            last_day = 28
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
                for k in range(rnd.randint(2, 3)):
                    inv += 1
                    ht = rnd.randrange(lo, hi, 500)
                    tva = _vat(ht)
                    cust = rnd.choice(CUSTOMERS)
                    day = dt.date(year, month, 3 + 7 * k + rnd.randint(0, 4))
                    ref = f"FA-{year}-{inv:05d}"
                    due = day + dt.timedelta(days=60)
                    post("VT", day, f"{what} - {cust}",
                         [LineSpec("34211", code, ht + tva, cust, due),
                          LineSpec(acc, code, -ht), LineSpec("44551", code, -tva)], ref)
                    if (year, month) != MONTHS[-1] or k == 0:
                        pay = day + dt.timedelta(days=rnd.randint(3, 12))
                        pay = min(pay, dt.date(year, month, last_day))
                        post("BQ", pay, f"Encaissement {ref} - {cust}",
                             [LineSpec("5141", code, ht + tva),
                              LineSpec("34211", code, -(ht + tva), cust),
                              LineSpec("44551", code, tva), LineSpec("4455", code, -tva)], ref)
                        cashed += ht
                supplier, charge = SUPPLIERS[act]
                buy = rnd.randrange(lo // 4, lo, 100)
                bday = dt.date(year, month, rnd.randint(6, 14))
                post("AC", bday, f"Achat matières - {supplier}",
                     [LineSpec(charge, code, buy), LineSpec("34554", code, _vat(buy)),
                      LineSpec("44111", code, -(buy + _vat(buy)), supplier)])
                post("BQ", bday + dt.timedelta(days=5), f"Règlement {supplier}",
                     [LineSpec("44111", code, buy + _vat(buy), supplier),
                      LineSpec("5141", code, -(buy + _vat(buy))),
                      LineSpec("34552", code, _vat(buy)), LineSpec("34554", code, -_vat(buy))])
                contrib = (cashed * bp + 5000) // 10000
                if contrib:
                    post("OD", dt.date(year, month, last_day),
                         f"Contribution services partagés {month:02d}/{year} - {code}",
                         [LineSpec("61461", code, contrib), LineSpec("44881", code, -contrib),
                          LineSpec("44881", E, contrib), LineSpec("71243", E, -contrib)])
                payout = (cashed // 2) // 10000 * 10000
                if payout and (year, month) != MONTHS[-1]:
                    post("BQ", dt.date(year, month, last_day),
                         f"Rémunération {month:02d}/{year} - {code}",
                         [LineSpec("61711", code, payout), LineSpec("5141", code, -payout)])
            post("BQ", dt.date(year, month, last_day), f"Frais bancaires {month:02d}/{year}",
                 [LineSpec("61473", E, 12_000), LineSpec("5141", E, -12_000)])
        p.flush()
        for year, month in MONTHS[:2]:
            close_month(conn, year * 100 + month, user)
    return (f"Démo chargée : ECP Tanger Entreprendre, {len(MEMBERS)} membres, {n} écritures "
            "d'août à novembre 2026 (août et septembre clôturés)")
