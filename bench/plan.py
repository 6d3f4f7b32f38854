"""Benchmark of the production plan: 5,000 orders of 200 members over 52 weeks.

    python bench/plan.py [--orders 5000] [--members 200] [--weeks 52] [--runs 5]

Builds fresh books (seeded): 200 members with 25 to 40 hours a week, a few days off, two
products each (labour hours and one or two of three shared resources: four, machine à coudre,
métier à tisser), 5,000 orders due over the year. Then times ``api.production_plan`` — reading
the orders, capacities and resources from the database and scheduling them — as
``ecp production plan --weeks 52`` does. Goal: under 2 s on the 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import platform
import random
import shutil
import sqlite3
import statistics
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from ecp import api  # noqa: E402
from ecp.db.models import Product  # noqa: E402
from ecp.production import service  # noqa: E402

START = dt.date(2026, 1, 5)  # a Monday
# The ECP's shared workshop for 200 members: several ovens, machines and looms per resource.
RESOURCES = [("FOUR", "Fours", 400_000), ("MACHINE", "Machines à coudre", 500_000),
             ("METIER", "Métiers à tisser", 300_000)]


def build(path: Path, members: int, orders: int, seed: int = 7) -> None:
    rnd = random.Random(seed)
    books = api.open_books(str(path), create=True)
    api.init(books, "ECP Bench")
    with books.engine.begin() as conn:
        from sqlalchemy import insert

        from ecp.db.models import Dimension
        conn.execute(insert(Dimension), [{
            "code": f"M{i:03d}", "kind": "member", "name": f"Membre {i:03d}",
            "status": "actif"} for i in range(1, members + 1)])
        for code, name, hours in RESOURCES:
            service.add_resource(conn, code, name, hours)
        products = []
        for i in range(1, members + 1):
            m = f"M{i:03d}"
            off = [(START + dt.timedelta(days=rnd.randrange(300)),) * 2 for _ in range(3)]
            service.set_capacity(conn, m, rnd.randrange(25, 41) * 1000, off)
            for k in range(2):
                code = f"P{i:03d}{k}"
                conn.execute(insert(Product).values(
                    code=code, member=m, name=f"Produit {code}", unit="pièce",
                    price_ht=10_000, vat_bp=2000, account="71211"))
                res = rnd.sample(RESOURCES, rnd.randint(1, 2))
                service.set_bom(conn, code, [], rnd.randrange(500, 6000, 500),
                                [(r[0], rnd.randrange(250, 1000, 250)) for r in res])
                products.append((m, code))
        for _ in range(orders):
            m, code = rnd.choice(products)
            due = START + dt.timedelta(days=rnd.randrange(7, 364))
            service.add_order(conn, m, code, rnd.randint(1, 12) * 1000, due, "bench")
    books.engine.dispose()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--orders", type=int, default=5000)
    ap.add_argument("--members", type=int, default=200)
    ap.add_argument("--weeks", type=int, default=52)
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--keep", type=Path)
    a = ap.parse_args()
    work = a.keep or Path(tempfile.mkdtemp(prefix="ecp-plan-"))
    work.mkdir(parents=True, exist_ok=True)
    db = work / "books.sqlite3"
    db.unlink(missing_ok=True)
    t0 = time.perf_counter()
    build(db, a.members, a.orders)
    built = time.perf_counter() - t0
    books = api.open_books(str(db))
    api.production_plan(books, START, a.weeks)  # warm-up
    times = []
    for _ in range(a.runs):
        t = time.perf_counter()
        plan = api.production_plan(books, START, a.weeks)
        times.append(time.perf_counter() - t)
    placed = sum(1 for o in plan.orders if o.weeks)
    print(f"Machine: {platform.machine()}, Python {platform.python_version()}, "
          f"SQLite {sqlite3.sqlite_version}")
    print(f"Books: {a.members} members, {a.orders} orders, {a.weeks} weeks "
          f"(set-up {built:.1f} s); {placed} orders placed, {len(plan.late)} late")
    print("| measure | median | max | goal |")
    print("|---|---|---|---|")
    print(f"| plan of {a.orders} orders, {a.members} members, {a.weeks} weeks | "
          f"{statistics.median(times):.2f} s | {max(times):.2f} s | < 2 s |")
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
