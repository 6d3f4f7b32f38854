"""A worked year, computed by hand, closed through the API — shared by the SQLite test
(tests/ledger/test_worked_year.py) and the PostgreSQL one (tests/pg/test_year_end_pg.py).

Year 2026, calendar; the ECP's dimension and the member FZ; no VAT (exempt sales, purchases
without VAT) so that no VAT period is to declare. Amounts in centimes.

1. 05/01 BQ  ECP capital 20 000,00: 5141 ECP +2 000 000 / 1111 ECP -2 000 000.
2. 10/03     invoice F-2026-000001 FZ → HOTEL, 1 × 1 000,00 HT exempt, 7111, due 09/04:
             34211 FZ HOTEL (09/04) +100 000 / 7111 FZ -100 000.
3. 15/04     HOTEL pays it, 1 000,00 by transfer: 5141 FZ +100 000 / 34211 FZ HOTEL -100 000.
4. 20/05 AC  FZ buys fabric from TISSUS on credit 400,00, due 19/06, still unpaid at year end:
             6111 FZ +40 000 / 44111 FZ TISSUS (19/06) -40 000.
5. 01/07 AC  ECP buys a sewing machine 12 000,00 (no VAT): 23321 ECP +1 200 000 /
             5141 ECP -1 200 000; registered as asset MAC1, 5 years, straight line.
6. 30/09 OD  FZ's contribution 100,00 (internal): 61468 FZ +10 000 / 44881 FZ -10 000 /
             44881 ECP +10 000 / 71248 ECP -10 000.
7. 15/11 BQ  fees paid to FZ 300,00: 61365 FZ +30 000 / 5141 FZ -30 000.
8. 20/11     invoice F-2026-000002 FZ → HOTEL, 1 × 500,00 HT exempt, 7111, due 20/12, unpaid:
             34211 FZ HOTEL (20/12) +50 000 / 7111 FZ -50 000.
9. Depreciation 2026 of MAC1: annuity 12 000,00 / 5 = 2 400,00; in use 01/07–31/12 = 184 days
   of 365: 2 400,00 × 184 / 365 = 1 209,8630… → 1 209,86: OD 31/12 61933 ECP +120 986 /
   28332 ECP -120 986.
10. Inventory: FZ's materials counted at 150,00 (set by hand), book value 0: OD 31/12
    3121 FZ +15 000 / 61241 FZ -15 000.

Results (classes 6-7, debit +):
- ECP: 61933 +120 986, 71248 -10 000 → +110 986: loss 1 109,86 → 1199 ECP +110 986;
- FZ: 7111 -150 000, 6111 +40 000, 61468 +10 000, 61365 +30 000, 61241 -15 000 → -85 000:
  profit 850,00 → 1191 FZ -85 000.
- Entity (internal 61468/71248 left out): products 150 000; charges 40 000 - 15 000 + 30 000
  + 120 986 = 175 986; result -25 986 (loss 259,86) = 85 000 - 110 986.

Balance sheet at 31/12/2026 (classes 1-5, debit +) = the 2027 à-nouveaux:
- ECP: 1111 -2 000 000; 23321 +1 200 000; 28332 -120 986; 44881 +10 000;
  5141 2 000 000 - 1 200 000 = +800 000; result → 1189 +110 986. Sum 0.
- FZ: 3121 +15 000; 34211 HOTEL (20/12) +50 000 (the 09/04 item is settled, not carried);
  44111 TISSUS (19/06) -40 000; 44881 -10 000; 5141 100 000 - 30 000 = +70 000;
  result → 1181 -85 000. Sum 0.

Bilan 2026 of the entity (internal 44881 left out): actif — immobilisations corporelles brut
1 200 000, amortissements 120 986, net 1 079 014; stocks 15 000; créances 50 000; trésorerie
870 000; total net 2 014 014. Passif — capital 2 000 000; résultat -25 986; dettes 40 000;
total 2 014 014 = actif.
"""

from __future__ import annotations

import datetime as dt

from ecp import api
from ecp.kernel.periods import Month
from ecp.kernel.units import Quantity, Rate
from ecp.ledger.entry import LineSpec
from ecp.sales.documents import DocumentSpec, LineInput

D = dt.date
COMPANY = {
    "company.name": "ECP Tanger Coop", "company.legal_form": "SARL",
    "company.capital": "20 000 DH", "company.address": "12 rue de Fès",
    "company.city": "Tanger", "company.if": "12345678", "company.tp": "50123456",
    "company.ice": "002345678000031", "company.rc": "98765", "company.court": "Tanger",
    "company.cnss": "1234567", "company.bank": "Banque Populaire",
    "company.rib": "190 640 0000000000000000 12",
}
ICE_OK = "001561191000066"


def _L(account: str, dim: str, amount: int, third: str | None = None,
       due: dt.date | None = None) -> LineSpec:
    return LineSpec(account, dim, amount, third, due)


CLOSING_RESULT = {  # the CL result entries, per dimension
    "ECP": {_L("61933", "ECP", -120_986), _L("71248", "ECP", 10_000),
            _L("1199", "ECP", 110_986)},
    "FZ": {_L("6111", "FZ", -40_000), _L("61241", "FZ", 15_000), _L("61365", "FZ", -30_000),
           _L("61468", "FZ", -10_000), _L("7111", "FZ", 150_000), _L("1191", "FZ", -85_000)},
}
OPENING_2027 = {  # the AN entries, per dimension
    "ECP": {_L("1111", "ECP", -2_000_000), _L("1189", "ECP", 110_986),
            _L("23321", "ECP", 1_200_000), _L("28332", "ECP", -120_986),
            _L("44881", "ECP", 10_000), _L("5141", "ECP", 800_000)},
    "FZ": {_L("1181", "FZ", -85_000), _L("3121", "FZ", 15_000),
           _L("34211", "FZ", 50_000, "HOTEL", D(2026, 12, 20)),
           _L("44111", "FZ", -40_000, "TISSUS", D(2026, 6, 19)),
           _L("44881", "FZ", -10_000), _L("5141", "FZ", 70_000)},
}
ENTITY_RESULT = -25_986


def _line(desc: str, price: int) -> LineInput:
    return LineInput(desc, Quantity(1000), price, Rate(0), "7111")


def prepare(books: api.Books) -> None:
    """Identity, the member FZ (when missing), the customer and the supplier."""
    for k, v in COMPANY.items():
        api.settings_set(books, k, v)
    if "FZ" not in {m.code for m in api.list_members(books)}:
        api.add_member(books, "FZ", "Fatima Zahra", activity="couture",
                       joined=D(2025, 1, 1))
    api.add_customer(books, "HOTEL", "Hôtel Tanja", ice=ICE_OK, address="Av. Mohammed V",
                     city="Tanger")
    api.add_supplier(books, "TISSUS", "Tissus du Nord", if_number="40100001",
                     ice="001234567000062")


def build(books: api.Books) -> None:
    """The year's operations, 1 to 10 of the module's docstring, then every month closed."""
    prepare(books)
    api.post_entry(books, "BQ", D(2026, 1, 5), "Apport en capital",
                   [_L("5141", "ECP", 2_000_000), _L("1111", "ECP", -2_000_000)])
    f1 = api.issue_new(books, DocumentSpec("facture", "FZ", "HOTEL", D(2026, 3, 10),
                                           (_line("Caftan", 100_000),), due=D(2026, 4, 9)))
    api.add_payment(books, [f1.number], 100_000, D(2026, 4, 15), "virement")
    api.post_entry(books, "AC", D(2026, 5, 20), "Tissus à crédit",
                   [_L("6111", "FZ", 40_000), _L("44111", "FZ", -40_000, "TISSUS",
                                                 D(2026, 6, 19))])
    api.post_entry(books, "AC", D(2026, 7, 1), "Machine à coudre",
                   [_L("23321", "ECP", 1_200_000), _L("5141", "ECP", -1_200_000)])
    api.add_asset(books, "MAC1", "23321", "Machine à coudre", D(2026, 7, 1), 1_200_000,
                  years=5)
    api.post_entry(books, "OD", D(2026, 9, 30), "Contribution FZ", [
        _L("61468", "FZ", 10_000), _L("44881", "FZ", -10_000),
        _L("44881", "ECP", 10_000), _L("71248", "ECP", -10_000)])
    api.post_entry(books, "BQ", D(2026, 11, 15), "Honoraires versés à FZ",
                   [_L("61365", "FZ", 30_000), _L("5141", "FZ", -30_000)])
    api.issue_new(books, DocumentSpec("facture", "FZ", "HOTEL", D(2026, 11, 20),
                                      (_line("Robe", 50_000),), due=D(2026, 12, 20)))
    api.depreciation_run(books, 2026)
    api.inventory_set(books, 2026, "FZ", "matieres", 15_000)
    api.inventory_run(books, 2026)
    for m in range(1, 13):
        api.close_period(books, Month(2026, m))
