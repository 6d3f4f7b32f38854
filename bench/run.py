"""The ECP benchmark: one command, a fresh database, a results table.

    python bench/run.py                      # 1,000,000 entries (≈ 2.7 million lines)
    python bench/run.py --entries 100000     # a quicker run while iterating
    python bench/run.py --memory             # also: peak RSS importing 10k vs 1M lines
    python bench/run.py --keep /tmp/ecp-bench  # keep the database and exports there

What it does, in order: creates and initialises a fresh SQLite database, adds the members
(``ecp.api.add_member``), generates the CSV with ``bench/generate.py`` (cached in ``bench/out``
by size and seed), then times

a. ``ecp import postings`` (the CLI, as a child process: wall time, lines/s, peak RSS);
b. the trial balance (``api.trial_balance``: whole period, one year, plus two harder cases);
c. a 50-line page of the busiest account's ledger: first, last, and one in the middle reached
   by keyset (``after``);
d. ``ecp verify`` (the CLI; it must exit 0);
e. ``ecp export hledger`` then ``hledger -f FILE balance`` and ``ledger -f FILE balance``
   against ``ecp report trial-balance`` (all as child processes, start to finish).

In-process timings are medians of ``--repeat`` runs after one warm-up. Results go to the
terminal and to ``bench/out/results.md``. Peak RSS comes from ``os.wait4`` (POSIX).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402  (bench/ is a folder of scripts, not a package)

OUT = HERE / "out"
ECP = [sys.executable, "-m", "ecp"]
GOALS = {
    "import_lps": 100_000,  # lines per second
    "import_rss_mb": 300,
    "trial_balance_ms": 50,
    "ledger_page_ms": 50,
    "verify_s": 10,
}


# --- measuring -------------------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    max_rss_mb: float | None
    code: int
    out: str
    err: str


def run(cmd: Sequence[str], timeout: float | None = None) -> Run:
    """Run a child process for its output (no peak RSS)."""
    t = time.perf_counter()
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8",
                           errors="replace", timeout=timeout)
    except subprocess.TimeoutExpired:
        return Run(time.perf_counter() - t, None, -9, "", "timeout")
    return Run(time.perf_counter() - t, None, r.returncode, r.stdout, r.stderr)


def run_rss(cmd: Sequence[str], timeout: float | None = None, quiet: bool = False) -> Run:
    """Like ``run`` but with this child's own peak RSS, read with ``os.wait4``."""
    if not hasattr(os, "wait4"):
        return run(cmd, timeout)
    out_path = OUT / ".child-stdout"
    err_path = OUT / ".child-stderr"
    with out_path.open("w", encoding="utf-8") as so, err_path.open("w", encoding="utf-8") as se:
        t = time.perf_counter()
        p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL if quiet else so, stderr=se)
        deadline = None if timeout is None else t + timeout
        while True:
            pid, status, usage = os.wait4(p.pid, os.WNOHANG)
            if pid:
                break
            if deadline is not None and time.perf_counter() > deadline:
                p.kill()
                os.wait4(p.pid, 0)
                return Run(time.perf_counter() - t, None, -9, "", "timeout")
            time.sleep(0.01)
        seconds = time.perf_counter() - t
    p.returncode = os.waitstatus_to_exitcode(status)
    rss_kib = usage.ru_maxrss if sys.platform != "darwin" else usage.ru_maxrss / 1024
    out = out_path.read_text(encoding="utf-8", errors="replace")
    err = err_path.read_text(encoding="utf-8", errors="replace")
    return Run(seconds, rss_kib / 1024, p.returncode, out, err)


def median_ms(f: Callable[[], object], repeat: int) -> float:
    f()  # warm-up: first query after opening pays for page cache and statement compilation
    times = []
    for _ in range(repeat):
        t = time.perf_counter()
        f()
        times.append(time.perf_counter() - t)
    return statistics.median(times) * 1000


def machine() -> dict[str, str]:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    except OSError:
        pass
    import sqlalchemy

    info = {
        "CPU": cpu,
        "cores": str(os.cpu_count()),
        "RAM": mem or "?",
        "OS": platform.platform(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "SQLAlchemy": sqlalchemy.__version__,
    }
    for tool in ("hledger", "ledger"):
        if shutil.which(tool):
            r = run([tool, "--version"], timeout=30)
            info[tool] = (r.out.strip().splitlines() or ["?"])[0]
    return info


# --- steps -----------------------------------------------------------------------------------

def fresh_books(db: Path, members: int) -> float:
    """A new database with the chart, the ECP and ``members`` members; seconds taken."""
    from ecp import api
    from ecp.kernel.units import Rate

    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    t = time.perf_counter()
    books = api.open_books(str(db), create=True)
    api.init(books, "ECP Banc d'essai")
    for code in generate.member_codes(members):
        api.add_member(books, code, f"Membre {code}", activity="banc d'essai",
                       contribution_rate=Rate(1000), joined=dt.date(2023, 1, 1))
    books.engine.dispose()  # closes the last connection: WAL checkpointed, file complete
    return time.perf_counter() - t


def csv_for(entries: int, members: int, seed: int) -> tuple[Path, int, float | None]:
    """The cached CSV for these parameters (generated if absent): path, lines, seconds."""
    path = OUT / f"postings-{entries}-{members}-{seed}.csv"
    if path.exists():
        with path.open(encoding="utf-8") as f:
            lines = sum(1 for _ in f) - 1
        return path, lines, None
    t = time.perf_counter()
    lines = generate.generate(path, entries, members, seed)
    return path, lines, time.perf_counter() - t


def busiest_account(db: Path) -> tuple[str, int, tuple[int, int]]:
    """The account with the most lines, its line count and the (day, id) of its middle line."""
    con = sqlite3.connect(db)
    try:
        acc, n = con.execute("SELECT account, count(*) FROM lines GROUP BY account "
                             "ORDER BY 2 DESC LIMIT 1").fetchone()
        day, lid = con.execute("SELECT day, id FROM lines WHERE account = ? ORDER BY day, id "
                               "LIMIT 1 OFFSET ?", (acc, n // 2)).fetchone()
    finally:
        con.close()
    return acc, n, (day, lid)


def import_peak(work: Path, template: Path, csv: Path) -> Run:
    db = work / "memory.sqlite3"
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy(template, db)
    r = run_rss([*ECP, "--db", str(db), "import", "postings", str(csv)])
    if r.code != 0:
        sys.exit(f"import pour le test mémoire en échec :\n{r.err}")
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    return r


# --- report ----------------------------------------------------------------------------------

def fmt_s(s: float) -> str:
    return f"{s:.2f} s"


def fmt_ms(ms: float) -> str:
    return f"{ms:.1f} ms"


def verdict(ok: bool | None) -> str:
    return "" if ok is None else ("yes" if ok else "**no**")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--entries", type=int, default=1_000_000)
    p.add_argument("--members", type=int, default=200)
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--repeat", type=int, default=7, help="runs per in-process timing")
    p.add_argument("--keep", metavar="DIR", help="work in DIR and keep the database, exports")
    p.add_argument("--memory", action="store_true",
                   help="also compare peak RSS importing 10k, 100k and 1M lines")
    p.add_argument("--no-tools", action="store_true", help="skip the hledger/ledger comparison")
    p.add_argument("--tool-timeout", type=float, default=3600,
                   help="seconds before giving up on hledger or ledger")
    a = p.parse_args(argv)

    OUT.mkdir(parents=True, exist_ok=True)
    work = Path(a.keep).resolve() if a.keep else OUT / "work"
    work.mkdir(parents=True, exist_ok=True)
    db = work / "bench.sqlite3"
    template = work / "template.sqlite3"
    os.environ.setdefault("ECP_USER", "banc-d-essai")
    rows: list[tuple[str, str, str, str]] = []  # measure, value, goal, met

    def add(name: str, value: str, goal: str = "", ok: bool | None = None) -> None:
        rows.append((name, value, goal, verdict(ok)))
        print(f"  {name}: {value}" + (f"   (objectif {goal})" if goal else ""), flush=True)

    info = machine()
    if hasattr(os, "getloadavg"):
        info["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    print("Machine : " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)

    setup_s = fresh_books(template, a.members)
    from ecp import api

    tb_books = api.open_books(str(template))
    info["schema"] = str(api.schema_status(tb_books)[0])
    tb_books.engine.dispose()
    print(f"Base vierge avec {a.members} membres : {setup_s:.1f} s", flush=True)
    csv, lines, gen_s = csv_for(a.entries, a.members, a.seed)
    print(f"CSV {csv.name} : {lines} lignes "
          + (f"générées en {gen_s:.1f} s" if gen_s is not None else "(en cache)"), flush=True)
    for suffix in ("", "-wal", "-shm"):
        Path(str(db) + suffix).unlink(missing_ok=True)
    shutil.copy(template, db)

    # a. import
    print("Import…", flush=True)
    r = run_rss([*ECP, "--db", str(db), "import", "postings", str(csv)])
    if r.code != 0:
        sys.exit(f"import en échec ({r.code}) :\n{r.err[-3000:]}")
    lps = lines / r.seconds
    add("import: time", fmt_s(r.seconds))
    add("import: lines/s", f"{lps:,.0f}", f"≥ {GOALS['import_lps']:,}",
        lps >= GOALS["import_lps"])
    if r.max_rss_mb is not None:
        add("import: peak RSS", f"{r.max_rss_mb:.0f} MB", f"< {GOALS['import_rss_mb']} MB",
            r.max_rss_mb < GOALS["import_rss_mb"])

    # d. verify (right after the import: the chain must check)
    print("Vérification…", flush=True)
    v = run_rss([*ECP, "--db", str(db), "verify"])
    if v.code != 0:
        sys.exit(f"ecp verify en échec ({v.code}) :\n{v.out[-3000:]}{v.err[-3000:]}")
    add("verify: time", fmt_s(v.seconds), f"< {GOALS['verify_s']} s",
        v.seconds < GOALS["verify_s"])
    if v.max_rss_mb is not None:
        add("verify: peak RSS", f"{v.max_rss_mb:.0f} MB")

    # b, c. in-process reads
    books = api.open_books(str(db))
    tb_goal = f"< {GOALS['trial_balance_ms']} ms"
    ms = median_ms(lambda: api.trial_balance(books), a.repeat)
    add("trial balance, whole period", fmt_ms(ms), tb_goal, ms < GOALS["trial_balance_ms"])
    ms = median_ms(lambda: api.trial_balance(books, dt.date(2024, 1, 1), dt.date(2024, 12, 31)),
                   a.repeat)
    add("trial balance, year 2024", fmt_ms(ms), tb_goal, ms < GOALS["trial_balance_ms"])
    ms = median_ms(lambda: api.trial_balance(books, dt.date(2024, 1, 15),
                                             dt.date(2024, 12, 20)), a.repeat)
    add("trial balance, 2024-01-15..2024-12-20 (two partial months)", fmt_ms(ms))
    ms = median_ms(lambda: api.trial_balance(books, dimension="M001"), a.repeat)
    add("trial balance, one member (M001)", fmt_ms(ms))

    acc, n_acc, middle = busiest_account(db)
    page_goal = f"< {GOALS['ledger_page_ms']} ms"
    for name, kw in (("first", {}), ("last", {"last": True}),
                     (f"middle (after {middle[0]}/{middle[1]})", {"after": middle})):
        ms = median_ms(lambda kw=kw: api.ledger_page(books, acc, **kw), a.repeat)
        add(f"ledger page {acc} ({n_acc:,} lines), {name}", fmt_ms(ms), page_goal,
            ms < GOALS["ledger_page_ms"])
    books.engine.dispose()

    # e. hledger / ledger
    tools: list[str] = []
    if not a.no_tools:
        journal = work / "bench.journal"
        print("Export hledger…", flush=True)
        ex = run_rss([*ECP, "--db", str(db), "export", "hledger", "--out", str(journal)])
        if ex.code != 0:
            sys.exit(f"export hledger en échec :\n{ex.err[-3000:]}")
        add("export hledger", fmt_s(ex.seconds)
            + (f", {ex.max_rss_mb:.0f} MB" if ex.max_rss_mb else ""))
        tb = run_rss([*ECP, "--db", str(db), "report", "trial-balance"], quiet=True)
        add("`ecp report trial-balance` (process)", fmt_s(tb.seconds))
        for tool in ("hledger", "ledger"):
            if not shutil.which(tool):
                add(f"`{tool} balance`", "not installed")
                continue
            print(f"{tool} balance…", flush=True)
            t = run_rss([tool, "-f", str(journal), "balance"], timeout=a.tool_timeout,
                        quiet=True)
            if t.code != 0:
                add(f"`{tool} -f FILE balance`", f"failed ({t.err.strip()[-200:]})")
                continue
            add(f"`{tool} -f FILE balance`", fmt_s(t.seconds)
                + (f", {t.max_rss_mb:.0f} MB" if t.max_rss_mb else ""))
            ratio = tb.seconds / t.seconds
            tools.append(f"ecp / {tool} = {ratio:.3f} ({tb.seconds:.2f} s / {t.seconds:.2f} s)")
        for line in tools:
            add("balance ratio", line)

    # memory flatness
    if a.memory:
        print("Mémoire : import de 10 000, 100 000 et 1 000 000 lignes…", flush=True)
        peaks = {}
        for label, target in (("10k", 10_000), ("100k", 100_000), ("1M", 1_000_000)):
            path = OUT / f"postings-lines-{label}-{a.members}-{a.seed}.csv"
            if not path.exists():
                generate.generate(path, round(target / 2.67), a.members, a.seed)
            peaks[label] = import_peak(work, template, path).max_rss_mb or 0
            add(f"memory: import {label} lines, peak RSS", f"{peaks[label]:.0f} MB")
        # Flat: the peak stops growing once SQLite's page cache (64 MiB for the import) and
        # the balance-movement buffer are full; the full-size import above must not exceed
        # the 1M-line one by more than 10 %.
        full = r.max_rss_mb or 0
        add(f"memory: import {lines:,} lines vs 1M lines", f"{full:.0f} MB vs "
            f"{peaks['1M']:.0f} MB", f"flat, < {GOALS['import_rss_mb']} MB",
            full < GOALS["import_rss_mb"] and (lines < 1_000_000 or full <= peaks["1M"] * 1.1))

    # report
    if hasattr(os, "getloadavg"):
        info["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    cmd = "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:])
    md = [f"# ECP benchmark — {dt.datetime.now(dt.UTC).date().isoformat()}", "",
          f"Command: `{cmd.strip()}`  ",
          f"Data: {a.entries:,} entries, {lines:,} posting lines, {a.members} members, "
          f"2023-2025, seed {a.seed}", "",
          "| machine | |", "|---|---|", *[f"| {k} | {v} |" for k, v in info.items()], "",
          "| measure | result | goal | met |", "|---|---|---|---|",
          *[f"| {m} | {v} | {g} | {ok} |" for m, v, g, ok in rows], ""]
    text = "\n".join(md)
    (OUT / "results.md").write_text(text, encoding="utf-8")
    print("\n" + text)
    if not a.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
