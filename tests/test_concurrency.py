"""Two processes posting at once: BEGIN IMMEDIATE makes the second wait, never fail, and the
numbering and the chain stay whole."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

from ecp import api

WRITER = textwrap.dedent("""
    import datetime as dt, sys
    from ecp import api
    from ecp.ledger import LineSpec
    books = api.open_books(sys.argv[1])
    for i in range(40):
        # one day for all: the two writers interleave, and OD is kept day by day
        api.post_entry(books, "OD", dt.date(2026, 5, 15), f"{sys.argv[2]} {i}", [
            LineSpec("5141", "ECP", 100 + i), LineSpec("1111", "ECP", -100 - i)])
""")


def test_concurrent_writers_keep_numbering_and_chain(tmp_path: Path) -> None:
    db = tmp_path / "c.db"
    books = api.open_books(str(db), create=True)
    api.init(books)
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), name],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for name in ("poste A", "poste B")]
    for p in procs:
        _out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
    rep = api.verify(books)
    assert rep.ok, rep.findings
    assert rep.entries == 80
    with api.postings(books, journal="OD") as rows:
        numbers = sorted({r.entry for r in rows})
    assert numbers == [f"OD-2026-{n:06d}" for n in range(1, 81)]
