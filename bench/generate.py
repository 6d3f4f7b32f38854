"""Seeded generator of synthetic ECP books, as a CSV in the ``ecp import postings`` format.

    python bench/generate.py --entries 1000000 --members 200 --seed 42 --out books.csv

Columns ``entry_ref,date,journal,label,account,dimension,debit,credit``; consecutive rows with
the same ``entry_ref`` form one entry; amounts are positive with two decimals, exactly one of
debit / credit per row. Every entry balances in total *and* per dimension: flows between a
member and the ECP go through the liaison account 44881.

Entries are spread evenly over 2023-01-01 .. 2025-12-31, in date order, and are drawn from
this mix (≈ 2.6 lines per entry):

====================  ====  =============================================================
kind                  lines  postings (dimension)
====================  ====  =============================================================
sale, with VAT          3   34211 D / 7111|71211|71243 C / 44551 C (member)
sale, exempt            2   34211 D / 7111|71211|71243 C (member)
customer payment        4   5141 D / 34211 C, VAT now due: 44551 D / 4455 C (member)
payment, exempt sale    2   5141 D / 34211 C (member)
purchase                3   6111|612xx|61xxx D / 34554 D / 44111 C (member or ECP)
supplier payment        4   44111 D / 5141 C, VAT now deductible: 34552 D / 34554 C
contribution            4   61365 D / 44881 C (member); 44881 D / 71243 C (ECP)
payout                  2   61711 D / 5141 C (member)
====================  ====  =============================================================

Payments settle earlier invoices of the same member when there are some (a small bounded queue
per member), so the books look like books; memory stays flat whatever ``--entries``.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from collections import deque
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

HEADER = ["entry_ref", "date", "journal", "label", "account", "dimension", "debit", "credit"]
START = dt.date(2023, 1, 1)
END = dt.date(2025, 12, 31)

SALES_ACCOUNTS = ("7111", "71211", "71243")
VAT_RATES_BP = (2000, 2000, 2000, 1400, 1000, 700)  # sales and purchases, weighted towards 20 %
MEMBER_PURCHASES = ("6111", "61211", "61221", "61231", "61241", "61251")
ECP_PURCHASES = ("61312", "61331", "61341", "61425", "61451", "61455", "61461", "61473")
ACTIVITIES = ("couture", "cuisine", "artisanat", "services", "broderie", "poterie", "traiteur")
CUSTOMERS = ("Hôtel Mirage", "Riad Tanja", "Café Hafa", "Dar Sultan", "Mme Bennani",
             "Association Al Amal", "Restaurant Le Détroit", "M. El Idrissi", "Boutique Zellige")
SUPPLIERS = ("Tissus du Nord", "Souk Casabarata", "Marjane Tanger", "Quincaillerie Tétouan",
             "Emballages Atlas", "Droguerie Socco")

# (kind, weight): the weights give ≈ 2.6 lines per entry.
MIX = (
    ("sale", 19), ("sale_exempt", 12), ("receipt", 9), ("receipt_exempt", 20),
    ("purchase", 10), ("supplier_payment", 6), ("contribution", 4), ("payout", 20),
)
QUEUE = 8  # open invoices remembered per member and kind


def member_codes(n: int) -> list[str]:
    return [f"M{i:03d}" for i in range(1, n + 1)]


def member_name(code: str, rng: random.Random) -> tuple[str, str]:
    return f"Membre {code}", rng.choice(ACTIVITIES)


def cents(c: int) -> str:
    return f"{c // 100}.{c % 100:02d}"


class Books:
    """Yields entries as lists of CSV rows; one instance, one seed, deterministic."""

    def __init__(self, entries: int, members: int, seed: int) -> None:
        self.n = entries
        self.rng = random.Random(seed)
        self.members = member_codes(members)
        self.sales: dict[str, deque[tuple[int, int]]] = {m: deque(maxlen=QUEUE)
                                                         for m in self.members}
        self.purchases: dict[str, deque[tuple[int, int]]] = {m: deque(maxlen=QUEUE)
                                                             for m in [*self.members, "ECP"]}
        kinds, weights = zip(*MIX, strict=True)
        self.kinds = kinds
        self.cum = []
        acc = 0
        for w in weights:
            acc += w
            self.cum.append(acc)
        self.days = (END - START).days + 1
        self.invoice_no = 0

    def _kind(self) -> str:
        r = self.rng.random() * self.cum[-1]
        for k, c in zip(self.kinds, self.cum, strict=True):
            if r < c:
                return k
        return self.kinds[-1]

    def _amount(self, lo: int, hi: int) -> int:
        # Log-uniform-ish amounts in centimes between lo and hi dirhams.
        return int(lo * 100 * (hi / lo) ** self.rng.random())

    def rows(self) -> Iterator[list[list[str]]]:
        rng = self.rng
        date_str = ""
        last_day = -1
        for i in range(self.n):
            day = i * self.days // self.n
            if day != last_day:
                date_str = (START + dt.timedelta(days=day)).isoformat()
                last_day = day
            ref = f"B{i + 1:07d}"
            m = self.members[int(rng.random() * len(self.members))]
            yield getattr(self, "_" + self._kind())(ref, date_str, m)

    # --- entry kinds: each returns the rows of one balanced entry -------------------------

    def _sale(self, ref: str, d: str, m: str, exempt: bool = False) -> list[list[str]]:
        rng = self.rng
        ht = self._amount(50, 20_000)
        rate = 0 if exempt else rng.choice(VAT_RATES_BP)
        vat = (ht * rate + 5000) // 10000
        self.invoice_no += 1
        self.sales[m].append((ht + vat, vat))
        label = f"Facture {m}-{self.invoice_no:07d} {rng.choice(CUSTOMERS)}"
        out = [[ref, d, "VT", label, "34211", m, cents(ht + vat), ""],
               [ref, d, "VT", label, rng.choice(SALES_ACCOUNTS), m, "", cents(ht)]]
        if vat:
            out.append([ref, d, "VT", label, "44551", m, "", cents(vat)])
        return out

    def _sale_exempt(self, ref: str, d: str, m: str) -> list[list[str]]:
        return self._sale(ref, d, m, exempt=True)

    def _receipt(self, ref: str, d: str, m: str, exempt: bool = False) -> list[list[str]]:
        q = self.sales[m]
        if q and (q[0][1] == 0) == exempt:
            ttc, vat = q.popleft()
        else:
            ttc = self._amount(50, 20_000)
            vat = 0 if exempt else ttc * 2000 // 12000
        label = f"Encaissement client {m} virement"
        out = [[ref, d, "BQ", label, "5141", m, cents(ttc), ""],
               [ref, d, "BQ", label, "34211", m, "", cents(ttc)]]
        if vat:
            out += [[ref, d, "BQ", label, "44551", m, cents(vat), ""],
                    [ref, d, "BQ", label, "4455", m, "", cents(vat)]]
        return out

    def _receipt_exempt(self, ref: str, d: str, m: str) -> list[list[str]]:
        return self._receipt(ref, d, m, exempt=True)

    def _purchase(self, ref: str, d: str, m: str) -> list[list[str]]:
        rng = self.rng
        ecp = rng.random() < 0.2
        dim = "ECP" if ecp else m
        acc = rng.choice(ECP_PURCHASES if ecp else MEMBER_PURCHASES)
        ht = self._amount(20, 8_000)
        vat = (ht * rng.choice(VAT_RATES_BP) + 5000) // 10000
        self.purchases[dim].append((ht + vat, vat))
        label = f"Facture fournisseur {rng.choice(SUPPLIERS)}"
        return [[ref, d, "AC", label, acc, dim, cents(ht), ""],
                [ref, d, "AC", label, "34554", dim, cents(vat), ""],
                [ref, d, "AC", label, "44111", dim, "", cents(ht + vat)]]

    def _supplier_payment(self, ref: str, d: str, m: str) -> list[list[str]]:
        dim = "ECP" if self.rng.random() < 0.2 else m
        q = self.purchases[dim]
        if q:
            ttc, vat = q.popleft()
        else:
            ttc = self._amount(20, 8_000)
            vat = ttc * 2000 // 12000
        label = f"Règlement fournisseur {dim} chèque"
        return [[ref, d, "BQ", label, "44111", dim, cents(ttc), ""],
                [ref, d, "BQ", label, "5141", dim, "", cents(ttc)],
                [ref, d, "BQ", label, "34552", dim, cents(vat), ""],
                [ref, d, "BQ", label, "34554", dim, "", cents(vat)]]

    def _contribution(self, ref: str, d: str, m: str) -> list[list[str]]:
        c = self._amount(20, 2_000)
        label = f"Contribution aux services partagés {m}"
        return [[ref, d, "OD", label, "61365", m, cents(c), ""],
                [ref, d, "OD", label, "44881", m, "", cents(c)],
                [ref, d, "OD", label, "44881", "ECP", cents(c), ""],
                [ref, d, "OD", label, "71243", "ECP", "", cents(c)]]

    def _payout(self, ref: str, d: str, m: str) -> list[list[str]]:
        c = self._amount(200, 6_000)
        label = f"Versement rémunération {m}"
        return [[ref, d, "BQ", label, "61711", m, cents(c), ""],
                [ref, d, "BQ", label, "5141", m, "", cents(c)]]


def write(out: TextIO, entries: int, members: int, seed: int) -> int:
    """Write the CSV to ``out``; return the number of posting lines."""
    w = csv.writer(out, lineterminator="\n")
    w.writerow(HEADER)
    lines = 0
    buf: list[list[str]] = []
    for rows in Books(entries, members, seed).rows():
        buf.extend(rows)
        if len(buf) >= 10_000:
            w.writerows(buf)
            lines += len(buf)
            buf = []
    w.writerows(buf)
    return lines + len(buf)


def generate(path: Path, entries: int, members: int, seed: int) -> int:
    """Write to ``path`` atomically (a cached file is always complete); return the lines."""
    tmp = path.with_suffix(path.suffix + ".part")
    path.parent.mkdir(parents=True, exist_ok=True)
    with tmp.open("w", encoding="utf-8", newline="") as f:
        lines = write(f, entries, members, seed)
    tmp.replace(path)
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, default=1_000_000)
    p.add_argument("--members", type=int, default=200)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--out", help="CSV file (default: standard output)")
    a = p.parse_args(argv)
    if a.out:
        lines = generate(Path(a.out), a.entries, a.members, a.seed)
    else:
        lines = write(sys.stdout, a.entries, a.members, a.seed)
    print(f"{a.entries} écritures, {lines} lignes", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
