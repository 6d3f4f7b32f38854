"""Benchmarks of the bookkeeper's terminal, driven headless with Textual's Pilot.

Cold start (``--cold``): fresh processes on a copy of the demo books, each timing the first
visit to every F-key screen (key press → screen mounted and idle), the account search of the
Grand livre opening, and issuing an invoice from the form (confirmation → form closed).

    python bench/tui.py --cold [--runs 3] [--no-warm]

``--no-warm``: without the screens built ahead (``EcpApp(warm=False)``, as in the tests), to
see what the warm-up saves. Start-up is timed to the Tableau de bord's first draw.

Big books (``--db``):

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
import os
import platform
import sqlite3
import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from ecp import api
from ecp.tui.app import EcpApp
from ecp.tui.kit.table import PagedTable


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


async def cold_child(db: str, warm: bool = True) -> dict[str, float]:
    """One fresh process: import, start, first visit of each screen, search, invoice."""
    t0 = time.perf_counter()
    from ecp.tui.kit.dialogs import PickerScreen
    from ecp.tui.kit.palette import SCREENS

    out: dict[str, float] = {}
    books = api.open_books(db)
    app = EcpApp(books, warm=warm)  # warm: as ``ecp tui`` runs it

    def shown(mode: str) -> bool:
        return app.current_mode == mode and app.screen.is_mounted

    async def until(cond: Callable[[], object]) -> None:
        end = time.perf_counter() + 60
        while not cond():
            if time.perf_counter() > end:
                raise SystemExit(f"bloqué sur {type(app.screen).__name__}")
            await pilot.pause()
        await pilot.pause()

    async with app.run_test(size=(160, 45)) as pilot:
        # to the first draw of the Tableau de bord (not to idle: the screens' modules are
        # still loading in a thread)
        drawn: list[float] = []
        while not (app.current_mode == "tableau" and app.screen.is_mounted):
            await asyncio.sleep(0.002)
        def stamp() -> None:
            drawn.append(time.perf_counter())

        app.screen.call_after_refresh(stamp)
        while not drawn:
            await asyncio.sleep(0.002)
        out["démarrage → tableau de bord"] = drawn[0] - t0
        t = time.perf_counter()
        # the screens' modules, loaded in a thread, then the screens built ahead one by one
        if warm:
            await until(lambda: app.warm_done)
        await app.workers.wait_for_complete()
        out["préparation des écrans en arrière-plan (tableau de bord → tous prêts)"] = (
            time.perf_counter() - t)
        for mode, title, key in SCREENS[1:]:
            t = time.perf_counter()
            await pilot.press(key)
            await until(partial(shown, mode))
            out[f"{key.upper()} {title} (1re visite)"] = time.perf_counter() - t
        await pilot.press("f4")
        await until(lambda: app.current_mode == "grandlivre")
        ledger: Any = app.screen
        t = time.perf_counter()
        ledger.action_pick_account()  # c, or Enter on an empty account field
        await until(lambda: isinstance(app.screen, PickerScreen) and app.screen.is_mounted)
        out["recherche de compte (ouverture)"] = time.perf_counter() - t
        await pilot.press("escape")
        await pilot.press("f9")
        await until(lambda: app.current_mode == "ventes")
        sales = app.screen
        await pilot.press("n")
        await until(lambda: type(app.screen).__name__ == "InvoiceFormScreen")
        form: Any = app.screen
        member = api.list_members(books)[0].code
        customer = api.list_parties(books, "customer")[0].code
        form.query_one("#member").value = member
        form.query_one("#customer").value = customer
        line = form.lines()[0]
        for name, value in (("desc", "Caftan brodé"), ("qty", "1"), ("price", "1200"),
                            ("rate", "20")):
            line.input(name).value = value
        await pilot.pause()
        await pilot.press("ctrl+e")
        await until(lambda: type(app.screen).__name__ == "IssueConfirmScreen")
        t = time.perf_counter()
        await pilot.press("o")
        await until(lambda: app.screen is sales)
        out["émettre une facture (confirmation → fait)"] = time.perf_counter() - t
    return out


GOALS = {"recherche": 150, "émettre": 500, "démarrage": 0, "préparation": 0}


def cold(runs: int, warm: bool = True) -> None:
    import json
    import shutil
    import subprocess
    import sys
    import tempfile
    from pathlib import Path

    from ecp.demo import load_demo

    tmp = Path(tempfile.mkdtemp(prefix="ecp-bench-tui-"))
    try:
        demo = tmp / "demo.db"
        books = api.open_books(str(demo), create=True)
        api.init(books)
        load_demo(books)
        books.engine.dispose()
        res: dict[str, list[float]] = {}
        for i in range(runs):
            run = tmp / f"run{i}"  # its own archive of PDFs: each run issues the same number
            run.mkdir()
            db = run / "ecp.db"
            shutil.copy(demo, db)
            done = subprocess.run([sys.executable, __file__, "--child", str(db),
                                   *(() if warm else ("--no-warm",))], check=True,
                                  capture_output=True, text=True)
            for k, v in json.loads(done.stdout.strip().splitlines()[-1]).items():
                res.setdefault(k, []).append(v)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"Démo, {runs} processus neufs, "
          f"{'écrans préparés au démarrage' if warm else 'sans préparation (--no-warm)'}. "
          f"Machine : {platform.machine()}, {os.cpu_count()} cœurs, Python "
          f"{platform.python_version()} ; charge moyenne (1, 5, 15 min) : {load}")
    print("| action | médiane | max | objectif |")
    print("|---|---|---|---|")
    for name, times in res.items():
        goal = next((g for k, g in GOALS.items() if k in name), 250)
        print(f"| {name} | {statistics.median(times) * 1000:.0f} ms | "
              f"{max(times) * 1000:.0f} ms | {f'≤ {goal} ms' if goal else '—'} |")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--db", help="SQLite books to measure (not modified)")
    ap.add_argument("--cold", action="store_true", help="cold start on the demo")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    ap.add_argument("--no-warm", action="store_true", help="no screens built ahead")
    ap.add_argument("--runs", type=int, default=None)
    a = ap.parse_args()
    if a.child:
        import json

        print(json.dumps(asyncio.run(cold_child(a.child, not a.no_warm))))
        return
    if a.cold or not a.db:
        cold(a.runs or 3, not a.no_warm)
        return
    a.runs = a.runs or 7
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
