"""Start-up time of the command line, against hledger reading the same books.

    python bench/startup.py                     # 15 runs of each command
    python bench/startup.py --runs 31 --keep /tmp/ecp-startup

Builds (or reuses, with ``--keep DIR``) the demo books (``ecp init --demo``), exports them to
hledger (``ecp export hledger``), then times, interleaved so that the load of a shared machine
falls on every command alike:

- ``ecp --help`` (builds the whole parser: must not import the database layer);
- ``ecp --db DEMO report trial-balance`` (opens the books, one query, prints);
- ``hledger -f DEMO.journal balance`` (when hledger is on PATH).

With ``--floors``, also ``python -c pass`` (the interpreter alone) and ``python -c "import
sqlalchemy"`` (what any command that touches the ORM or Core pays before its first query: the
trial balance on SQLite books does not import it at all).

For each: the median and the best wall time of the child process, and its median CPU time
(user + system, from ``os.wait4`` where it exists — less sensitive to other jobs than the wall
time), then the ratios ecp / hledger. The goals: ``--help`` ≤ 0.15 s, trial balance ≤ 0.35 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

GOALS = {"ecp --help": 0.15, "ecp report trial-balance": 0.35}


def ecp_cmd() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m ecp``."""
    here = Path(sys.executable).parent
    for name in ("ecp", "ecp.exe"):
        if (here / name).exists():
            return [str(here / name)]
    return [sys.executable, "-m", "ecp"]


# As installed, Python reads its compiled bytecode from __pycache__ (pip writes it): a
# PYTHONDONTWRITEBYTECODE left in the environment would recompile every module of ecp at every
# start and measure the compiler, not the start-up.
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed(cmd: Sequence[str]) -> tuple[float, float | None]:
    """Wall time and CPU time (user + system) of one run of ``cmd``; it must succeed."""
    start = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=ENV)
    if hasattr(os, "wait4"):
        _, status, usage = os.wait4(p.pid, 0)
        wall = time.perf_counter() - start
        p.returncode = os.waitstatus_to_exitcode(status)
        cpu: float | None = usage.ru_utime + usage.ru_stime
        err = p.stderr.read() if p.stderr else b""
    else:  # pragma: no cover - Windows
        _, err = p.communicate()
        wall, cpu = time.perf_counter() - start, None
    if p.returncode != 0:
        raise SystemExit(f"échec ({p.returncode}) : {' '.join(cmd)}\n"
                         f"{err.decode(errors='replace')}")
    return wall, cpu


def prepare(work: Path, ecp: list[str]) -> tuple[Path, Path]:
    db, journal = work / "demo.sqlite3", work / "demo.journal"
    if not db.exists():
        subprocess.run([*ecp, "--db", str(db), "init", "--demo"], check=True,
                       stdout=subprocess.DEVNULL, env=ENV)
    if not journal.exists():
        subprocess.run([*ecp, "--db", str(db), "export", "hledger", "--out", str(journal)],
                       check=True, stdout=subprocess.DEVNULL, env=ENV)
    return db, journal


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    ap.add_argument("--runs", type=int, default=15)
    ap.add_argument("--keep", type=Path, help="directory for the demo books, kept and reused")
    ap.add_argument("--floors", action="store_true",
                    help="also time the bare interpreter and `import sqlalchemy`")
    args = ap.parse_args(argv)

    ecp = ecp_cmd()
    tmp = None if args.keep else tempfile.TemporaryDirectory(prefix="ecp-startup-")
    work = args.keep or Path(tmp.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    try:
        db, journal = prepare(work, ecp)
        commands = {
            "ecp --help": [*ecp, "--help"],
            "ecp report trial-balance": [*ecp, "--db", str(db), "report", "trial-balance"],
        }
        hledger = shutil.which("hledger")
        if hledger:
            commands["hledger balance"] = [hledger, "-f", str(journal), "balance"]
        if args.floors:
            commands["python -c pass"] = [sys.executable, "-c", "pass"]
            commands["python -c 'import sqlalchemy'"] = [sys.executable, "-c",
                                                         "import sqlalchemy"]
        for cmd in commands.values():  # warm the file cache and write the bytecode once
            timed(cmd)
        load0 = os.getloadavg() if hasattr(os, "getloadavg") else None
        walls: dict[str, list[float]] = {k: [] for k in commands}
        cpus: dict[str, list[float]] = {k: [] for k in commands}
        for _ in range(args.runs):
            for name, cmd in commands.items():  # interleaved: the load falls on all alike
                w, c = timed(cmd)
                walls[name].append(w)
                if c is not None:
                    cpus[name].append(c)
        load1 = os.getloadavg() if hasattr(os, "getloadavg") else None
    finally:
        if tmp is not None:
            tmp.cleanup()

    print(f"machine : {platform.machine()}, {os.cpu_count()} cœurs, Python "
          f"{platform.python_version()}, {args.runs} essais chacun, charge "
          + (f"{load0[0]:.2f} → {load1[0]:.2f}" if load0 and load1 else "inconnue"))
    print(f"commande ecp : {' '.join(ecp)}")
    print()
    print("| commande | médiane | meilleur | CPU (médiane) | objectif |")
    print("|---|---|---|---|---|")
    med = {k: statistics.median(v) for k, v in walls.items()}
    for name in commands:
        cpu = f"{statistics.median(cpus[name]):.3f} s" if cpus[name] else "—"
        goal = GOALS.get(name)
        verdict = "" if goal is None else \
            f"≤ {goal:.2f} s — {'atteint' if med[name] <= goal else 'non atteint'}"
        print(f"| `{name}` | {med[name]:.3f} s | {min(walls[name]):.3f} s | {cpu} | {verdict} |")
    if "hledger balance" in med:
        print()
        for name in GOALS:
            print(f"{name} / hledger balance : {med[name] / med['hledger balance']:.2f}")
    else:
        print("\n(hledger absent du PATH : pas de comparaison)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
