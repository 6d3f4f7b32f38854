"""Benchmark of the bookkeeper's screen on big books, driven headless with Textual's Pilot.

Opens the Grand livre of the busiest account as a user does (F4, type the code, Enter), then
jumps to its end (End) and back (Home), and reports the median wall time from the key press to
the table showing the new page (SQL, filling the table and the screen update included).

    python bench/tui.py --db PATH_TO_BIG_BOOKS [--runs 7]

Build big books first, e.g. ``python bench/run.py --entries 400000 --keep bench/out/keep``
(1,000,000 posting lines), or ``ecp import postings`` of ``bench/generate.py`` output.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import platform
import sqlite3
import statistics
import time

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.widgets import PagedTable


def busiest_account(path: str) -> tuple[str, int, int]:
    con = sqlite3.connect(path)
    try:
        total = con.execute("SELECT count(*) FROM lines").fetchone()[0]
        acc, n = con.execute(
            "SELECT account, count(*) FROM lines GROUP BY account ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        return acc, n, total
    finally:
        con.close()


async def measure(db: str, runs: int) -> dict[str, list[float]]:
    account, _, _ = busiest_account(db)
    books = api.open_books(db)
    app = EcpApp(books, today=dt.date(2025, 12, 31))
    out: dict[str, list[float]] = {"ouvrir le grand livre": [], "Fin (dernière page)": [],
                                   "Début (première page)": []}
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("f4")
        await pilot.pause()
        screen = app.screen
        table = screen.query_one(PagedTable)
        for _ in range(runs):
            # Type the account code and Enter, as the bookkeeper does.
            screen.query_one("#f-account").focus()
            screen.query_one("#f-account").value = ""  # type: ignore[attr-defined]
            await pilot.pause()
            for ch in account[:-1]:
                await pilot.press(ch)
            await pilot.pause()
            await pilot.press(account[-1])
            t = time.perf_counter()
            await pilot.press("enter")
            await pilot.pause()
            out["ouvrir le grand livre"].append(time.perf_counter() - t)
            assert table.row_count > 0, "le grand livre n'affiche rien"
            table.focus()
            await pilot.pause()
            first = str(table.get_row_at(0))
            t = time.perf_counter()
            await pilot.press("end")
            await pilot.pause()
            out["Fin (dernière page)"].append(time.perf_counter() - t)
            assert str(table.get_row_at(0)) != first, "Fin n'a pas changé de page"
            t = time.perf_counter()
            await pilot.press("home")
            await pilot.pause()
            out["Début (première page)"].append(time.perf_counter() - t)
            assert str(table.get_row_at(0)) == first
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", required=True, help="SQLite books to measure (not modified)")
    ap.add_argument("--runs", type=int, default=7)
    a = ap.parse_args()
    account, n, total = busiest_account(a.db)
    res = asyncio.run(measure(a.db, a.runs))
    print(f"Books: {total:,} posting lines; busiest account {account}: {n:,} lines")
    print(f"Machine: {platform.processor() or platform.machine()}, Python "
          f"{platform.python_version()}, SQLite {sqlite3.sqlite_version}")
    print("| action | median | max | goal |")
    print("|---|---|---|---|")
    for name, times in res.items():
        print(f"| {name} | {statistics.median(times) * 1000:.0f} ms | "
              f"{max(times) * 1000:.0f} ms | < 300 ms |")


if __name__ == "__main__":
    main()
