"""Benchmark of the month end for members: the statement PDFs of 200 members for one month.

    python bench/statements.py [--members 200] [--keep DIR]

Builds fresh books (seeded): 200 members, 20 customers, each member with three invoices at
20 % and 10 %, two payments (one partial), an expense paid, the month's contribution and a
payout, all through the sales and member modules (invoice PDFs are not rendered for the set-up,
only the statements are timed). Then times ``api.write_statements`` for the month — the same
call ``ecp statement 2026-03`` and the month-end checklist make — and checks one statement's
closing treasury against the ledger. A quarter of the members (every fourth) get their documents
in Arabic (issue 16: right-to-left layout, Arabic wording and figures). Goal: under 15 s for 200
members on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ecp import api  # noqa: E402
from ecp.kernel.periods import Month  # noqa: E402
from ecp.members import economy  # noqa: E402
from ecp.sales import documents, payments  # noqa: E402

D = dt.date
MONTH = Month(2026, 3)
COMPANY = {
    "company.name": "ECP Bench", "company.legal_form": "SARL", "company.capital": "100 000 DH",
    "company.address": "12 rue de Fès", "company.city": "Tanger", "company.if": "12345678",
    "company.tp": "50123456", "company.ice": "002345678000031", "company.rc": "98765",
    "company.court": "Tanger", "company.cnss": "1234567", "company.bank": "Banque Populaire",
    "company.rib": "190640000000000000000012",
}
ICES = ["001561191000066", "001520369000049", "002441118000053", "001995532000062",
        "002587413000025"]


def build(path: Path, members: int, seed: int = 42) -> None:
    rnd = random.Random(seed)
    books = api.open_books(str(path), create=True)
    api.init(books, "ECP Bench")
    for k, v in COMPANY.items():
        api.settings_set(books, k, v)
    for i in range(1, members + 1):
        api.add_member(books, f"M{i:03d}", f"Membre {i:03d}",
                       name_ar="فاطمة الزهراء" if i % 3 == 0 else None, activity="couture",
                       language="ar" if i % 4 == 0 else "fr", joined=D(2026, 1, 1))
        # paid on their own invoices (a payout needs a remuneration route, issue 14)
        api.set_route(books, f"M{i:03d}", "independant", D(2026, 1, 1))
    for c in range(20):
        api.add_customer(books, f"C{c:02d}", f"Client {c:02d}", ice=ICES[c % len(ICES)],
                         city="Tanger")
    api.add_supplier(books, "TISSUS", "Tissus du Nord", if_number="40100001",
                     ice="001234567000062")
    with books.engine.begin() as conn:
        user = "bench"
        for i in range(1, members + 1):
            m = f"M{i:03d}"
            nums = []
            for k in range(3):
                lines = [documents.LineInput("Caftan brodé", 1000 * rnd.randint(1, 3),
                                             rnd.randrange(50_000, 300_000, 100), 2000, "71211"),
                         documents.LineInput("Traiteur", 1000, rnd.randrange(10_000, 80_000, 100),
                                             1000, "7111")]
                draft = documents.create_draft(conn, "facture", m, f"C{rnd.randrange(20):02d}",
                                               D(2026, 3, 2 + 7 * k), lines, user)
                nums.append(documents.issue(conn, draft, user).number)
            for k, num in enumerate(nums[:2]):
                owed = documents.settlement(conn, documents._doc(conn, num).id).remaining
                payments.add_payment(conn, [num], owed if k == 0 else owed // 2,
                                     D(2026, 3, 20 + k), "virement", user)
            eid = payments.add_expense(conn, m, "TISSUS", D(2026, 3, 4), "6111",
                                       rnd.randrange(10_000, 60_000, 100), 2000, user)
            payments.pay_expense(conn, eid, D(2026, 3, 10), "virement", user)
        economy.run_contribution(conn, 202603, user)
        for i in range(1, members + 1):
            m = f"M{i:03d}"
            avail = economy.treasury(conn, m, D(2026, 3, 31)).available
            if avail > 10_000:
                economy.add_payout(conn, m, avail // 2, D(2026, 3, 31), "virement", user,
                                   invoice_ref=f"{m}-2026-03")
    books.engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--members", type=int, default=200)
    ap.add_argument("--keep", type=Path)
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="ecp-statements-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "books.sqlite3"
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    build(db, a.members)
    built = time.perf_counter() - t0
    books = api.open_books(str(db))
    out = work / "releves"
    shutil.rmtree(out, ignore_errors=True)
    t = time.perf_counter()
    paths = api.write_statements(books, MONTH, out)
    took = time.perf_counter() - t
    view = api.member_statement(books, "M001", MONTH)
    con = sqlite3.connect(str(db))
    cash = con.execute("SELECT sum(amount) FROM lines WHERE dimension = 'M001' AND account IN "
                       "('5141', '5161') AND day <= 20260331").fetchone()[0]
    con.close()
    assert view.closing.cash == cash, "statement and ledger disagree"
    size = sum(p.stat().st_size for p in paths)
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    arabic = sum(1 for i in range(1, a.members + 1) if i % 4 == 0)
    print(f"Books: {a.members} members ({arabic} in Arabic), month {MONTH}, "
          f"set-up {built:.1f} s")
    print("| measure | result | goal |")
    print("|---|---|---|")
    print(f"| statements of {len(paths)} members ({MONTH}) | {took:.2f} s "
          f"({1000 * took / len(paths):.0f} ms each, {size / len(paths) / 1024:.0f} KiB each) "
          f"| < 15 s for 200 |")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
