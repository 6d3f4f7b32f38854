"""``ecp import postings`` does not hold the writer lock while it reads and checks the file
(issue 12, item 4: « long imports commit in steps that let interactive writers in, or hold the
lock only for the final write »). Phase 1 reads and checks the whole file in a read
transaction; phase 2 takes the lock, re-checks what may have changed and writes. All or
nothing stays."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from ecp import api
from ecp.kernel.errors import PeriodLockedError, ValidationError
from ecp.kernel.periods import Month
from ecp.ledger import importer
from ecp.ledger.entry import LineSpec

HEADER = "entry_ref,date,journal,label,account,dimension,debit,credit\n"


def _csv(tmp_path: Path, entries: int, bad_last: bool = False) -> Path:
    """``entries`` sales of January 2026 (3 lines each) in date order, as a journal is kept;
    the last one unbalanced if asked."""
    rows = [HEADER]
    order = sorted(range(1, entries + 1), key=lambda i: i % 28)
    for i in order:
        vat = "201.00" if bad_last and i == order[-1] else "200.00"
        rows.append(f"F{i},2026-01-{1 + i % 28:02d},VT,Vente {i},342111,FZ,1200.00,\n"
                    f"F{i},2026-01-{1 + i % 28:02d},VT,Vente {i},7111,FZ,,1000.00\n"
                    f"F{i},2026-01-{1 + i % 28:02d},VT,Vente {i},4455,FZ,,{vat}\n")
    p = tmp_path / "ecritures.csv"
    p.write_text("".join(rows), encoding="utf-8")
    return p


def _during_check(monkeypatch: pytest.MonkeyPatch, hook: Callable[[], None]) -> list[bool]:
    """Run ``hook`` once the importer has read the file's last row (while it checks)."""
    ran: list[bool] = []
    real = importer._read

    def reading(path: Path) -> Iterator[list[str]]:
        yield from real(path)
        hook()
        ran.append(True)

    monkeypatch.setattr(importer, "_read", reading)
    return ran


def _counts(books: api.Books) -> tuple[int, int]:
    assert books.path is not None
    with sqlite3.connect(books.path) as c:
        n_entries = c.execute("SELECT count(*) FROM entries").fetchone()[0]
        n_balances = c.execute("SELECT count(*) FROM balances").fetchone()[0]
    return int(n_entries), int(n_balances)


def test_writer_gets_in_while_the_file_is_checked(
        books: api.Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failure 4: a writer meeting an import waited (then died): now, while the import reads
    and checks its file, another connection takes the writer lock at once (BEGIN IMMEDIATE,
    no wait) and posts; the import then numbers its entries after that posting."""
    assert books.path is not None
    path = books.path
    other = api.open_books(str(path))

    def write_meanwhile() -> None:
        c = sqlite3.connect(path, timeout=0, isolation_level=None)
        try:
            c.execute("BEGIN IMMEDIATE")  # "database is locked" if the import held the lock
            c.execute("ROLLBACK")
        finally:
            c.close()
        monkeypatch.setenv("ECP_LOCK_WAIT", "0")
        api.post_entry(other, "OD", dt.date(2026, 1, 3), "Écriture pendant l'import",
                       [LineSpec("5141", "ECP", 500), LineSpec("7180", "ECP", -500)])

    ran = _during_check(monkeypatch, write_meanwhile)
    try:
        result = api.import_file(books, _csv(tmp_path, 50))
    finally:
        other.engine.dispose()
    assert ran == [True]
    assert (result.entries, result.lines) == (50, 150)
    assert (result.first, result.last) == ("VT-2026-000001", "VT-2026-000050")
    assert _counts(books)[0] == 51
    assert api.verify(books, record=False).ok


def test_file_with_an_error_writes_nothing(
        books: api.Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """All or nothing stays (item 4 must not break it): an error on the last entry of the
    file, found in phase 1, refuses the whole file; no entry, no balance is written, and the
    writer lock is never taken (a writer holding it does not make the refusal wait)."""
    assert books.path is not None
    before = _counts(books)
    blocker = sqlite3.connect(books.path, timeout=0, isolation_level=None)
    blocker.execute("BEGIN IMMEDIATE")
    monkeypatch.setenv("ECP_LOCK_WAIT", "0")
    try:
        with pytest.raises(ValidationError) as err:
            api.import_file(books, _csv(tmp_path, 30, bad_last=True))
    finally:
        blocker.execute("ROLLBACK")
        blocker.close()
    assert "lignes 89-91 (écriture « F27 ») : écriture déséquilibrée" in str(err.value)
    assert _counts(books) == before


def test_month_closed_during_the_check_refuses_cleanly(
        books: api.Books, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failure 4 (its other half): a month closed by another user between phase 1 (checked
    open) and phase 2 makes the import refuse with one clear message naming the month, and
    write nothing; the close itself got in without waiting for the import."""
    assert books.path is not None
    other = api.open_books(str(books.path))

    def close_meanwhile() -> None:
        monkeypatch.setenv("ECP_LOCK_WAIT", "0")
        api.close_period(other, Month(2026, 1))

    _during_check(monkeypatch, close_meanwhile)
    before: tuple[int, int] | None = None
    try:
        before = _counts(books)
        with pytest.raises(PeriodLockedError) as err:
            api.import_file(books, _csv(tmp_path, 20))
    finally:
        other.engine.dispose()
    assert str(err.value) == ("ecritures.csv : le mois 2026-01 (20 écritures) a été "
                              "clôturé pendant la vérification du fichier : rien n'est importé")
    assert err.value.errors[0].code == "date.closed"
    assert _counts(books) == before
    assert api.month_is_closed(books, Month(2026, 1))
    assert api.verify(books, record=False).ok


def test_spool_spans_chunks(books: api.Books, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """The checked entries go to the temporary spool in several chunks and come back whole,
    in file order (a small chunk size stands for a big file)."""
    monkeypatch.setattr(importer, "SPOOL_LINES", 7)
    result = api.import_file(books, _csv(tmp_path, 25))
    assert (result.entries, result.lines, result.last) == (25, 75, "VT-2026-000025")
    with api.postings(books) as rows:
        refs = [r.reference for r in rows if r.entry.startswith("VT")]
    assert refs[::3] == [f"F{i}" for i in range(1, 26)]
    assert api.verify(books, record=False).ok
