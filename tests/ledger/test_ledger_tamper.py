"""Tamper evidence: someone edits the database file with the bare ``sqlite3`` module, around
the triggers. ``verify`` says what is wrong and where; the chain head recorded at a month close
(or kept by an auditor, ``--expect``) catches what a chain alone cannot."""

from __future__ import annotations

import datetime as dt
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from ecp import api, cli
from ecp.kernel.chain import ChainHead
from ecp.kernel.periods import Month
from ecp.ledger.chain import GENESIS, digest
from tests.fixture_types import MakeLines, SaleOf

D = dt.date
TRIGGERS = [f"{t}_no_{e}" for t in ("entries", "lines", "period_events")
            for e in ("update", "delete")]


@contextmanager
def raw(path: Path) -> Iterator[sqlite3.Connection]:
    con = sqlite3.connect(str(path))
    try:
        yield con
        con.commit()
    finally:
        con.close()


def drop_triggers(con: sqlite3.Connection) -> None:
    for t in TRIGGERS:
        con.execute(f"DROP TRIGGER IF EXISTS {t}")


def rebuild_balances(con: sqlite3.Connection) -> None:
    """What a careful forger does after editing lines: make the monthly balances agree."""
    con.execute("DELETE FROM balances")
    for dim in ("dimension", "'*'"):
        con.execute(
            f"INSERT INTO balances (dimension, account, month, debit, credit) "
            f"SELECT {dim}, account, day / 100, "
            "sum(CASE WHEN amount > 0 THEN amount ELSE 0 END), "
            "sum(CASE WHEN amount < 0 THEN -amount ELSE 0 END) "
            f"FROM lines GROUP BY {dim}, account, day / 100")


def rechain(con: sqlite3.Connection) -> ChainHead:
    """Recompute every hash from scratch, as a forger with the source code would."""
    prev = GENESIS
    last = ChainHead(0, GENESIS)
    entries = con.execute(
        "SELECT id, journal, fiscal_year, number, day, label, reference, posted_by, posted_at, "
        "reverses FROM entries ORDER BY id").fetchall()
    for e in entries:
        lines = con.execute(
            "SELECT line_no, account, dimension, amount, third_party, due_day FROM lines "
            "WHERE entry_id = ? ORDER BY line_no", (e[0],)).fetchall()
        h = digest(prev, tuple(e), [tuple(x) for x in lines])
        con.execute("UPDATE entries SET prev_hash = ?, hash = ? WHERE id = ?", (prev, h, e[0]))
        prev = h
        last = ChainHead(e[0], h)
    return last


@pytest.fixture
def three(books: api.Books, sale_of: SaleOf) -> api.Books:
    """Three sales in January 2026: VT-2026-000001..3, clean books."""
    for day, cents in ((5, 100000), (12, 250000), (20, 75000)):
        sale_of(books, D(2026, 1, day), cents)
    # Not recorded: the head of a recorded intact verify is one more head a forger must
    # match (tests/ledger/test_verify_more.py); these tests hold the others alone.
    rep = api.verify(books, record=False)
    assert rep.ok and rep.entries == 3, rep.findings
    return books


def _verify_cli(
        books: api.Books, capsys: pytest.CaptureFixture[str], *extra: str) -> tuple[int, str]:
    code = cli.main(["--db", str(books.path), "verify", *extra])
    out, err = capsys.readouterr()
    return code, out + err


def test_clean_books_verify_exit_0(three: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    head = api.chain_head(three)
    code, out = _verify_cli(three, capsys)
    assert code == 0
    assert "ERREUR" not in out
    assert "Vérification réussie" in out and f"Tête de chaîne : {head}" in out
    assert "3 écritures, 6 lignes vérifiées" in out
    code, out = _verify_cli(three, capsys, "--expect", str(head))
    assert code == 0, out


def test_expect_must_be_well_formed(three: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = _verify_cli(three, capsys, "--expect", "3:abc")
    assert code == 2 and "--expect" in out


def test_a_modified_line_amount_is_named(
        three: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    assert three.path is not None
    with raw(three.path) as con:
        con.execute("DROP TRIGGER lines_no_update")
        con.execute("UPDATE lines SET amount = amount + 100 "
                    "WHERE entry_id = 2 AND line_no = 1")
    rep = api.verify(three)
    assert not rep.ok
    text = "\n".join(rep.findings)
    assert "trigger de protection lines_no_update absent" in text
    named = [f for f in rep.findings if "VT-2026-000002" in f]
    assert any("empreinte" in f for f in named), rep.findings
    assert any("déséquilibrée de 100 centimes" in f for f in named), rep.findings
    assert not any("VT-2026-000001" in f or "VT-2026-000003" in f for f in rep.findings)
    code, out = _verify_cli(three, capsys)
    assert code == 1
    assert "ERREUR" in out and "VT-2026-000002" in out and "lines_no_update" in out
    assert "Vérification ÉCHOUÉE" in out


def test_a_balanced_modification_is_still_named(three: api.Books) -> None:
    """Both lines changed so the entry still balances, balances rebuilt: the hash tells."""
    assert three.path is not None
    with raw(three.path) as con:
        drop_triggers(con)
        con.execute("UPDATE lines SET amount = amount / 10 WHERE entry_id = 2")
        con.execute("UPDATE entries SET label = 'Vente (corrigée)' WHERE id = 3")
        rebuild_balances(con)
    rep = api.verify(three)
    chain = [f for f in rep.findings if "empreinte" in f]
    assert any("VT-2026-000002" in f for f in chain) and any("VT-2026-000003" in f for f in chain)
    assert not any("VT-2026-000001" in f for f in rep.findings)


def test_deleted_last_entry_caught_by_close_head_and_expect(
        three: api.Books, sale_of: SaleOf, capsys: pytest.CaptureFixture[str]) -> None:
    assert three.path is not None
    head_at_close = api.close_period(three, Month(2026, 1))
    assert head_at_close.count == 3
    sale_of(three, D(2026, 2, 2), 5000)  # VT-2026-000004, after the close
    kept = api.chain_head(three)  # what the auditor took away: 4:…
    with raw(three.path) as con:
        drop_triggers(con)
        con.execute("DELETE FROM lines WHERE entry_id = 4")
        con.execute("DELETE FROM entries WHERE id = 4")
        rebuild_balances(con)
    # The chain that is left is whole: only the kept head can tell.
    rep = api.verify(three)
    assert [f for f in rep.findings if "trigger" not in f] == [], rep.findings
    rep = api.verify(three, expect=kept)
    assert any("tête de chaîne attendue 4:" in f for f in rep.findings), rep.findings
    code, out = _verify_cli(three, capsys, "--expect", str(kept))
    assert code == 1 and "tête de chaîne attendue 4:" in out

    # Now remove an entry the month close had seen: the recorded head catches it alone.
    with raw(three.path) as con:
        con.execute("DELETE FROM lines WHERE entry_id = 3")
        con.execute("DELETE FROM entries WHERE id = 3")
        rebuild_balances(con)
    rep = api.verify(three)
    text = "\n".join(rep.findings)
    assert "(close 2026-01) 3:" in text and "ne se retrouve pas" in text
    assert "moins que lors d'une clôture" in text
    code, out = _verify_cli(three, capsys)
    assert code == 1 and "ne se retrouve pas" in out


def test_deleted_middle_entry_is_a_hole(three: api.Books) -> None:
    assert three.path is not None
    with raw(three.path) as con:
        drop_triggers(con)
        con.execute("DELETE FROM lines WHERE entry_id = 2")
        con.execute("DELETE FROM entries WHERE id = 2")
        rebuild_balances(con)
    rep = api.verify(three)
    text = "\n".join(rep.findings)
    assert "VT-2026-000003" in text and "saute de 1 à 3" in text
    assert "trou(s) dans la série : VT-2026-000002" in text


def test_inserted_line_is_named(three: api.Books) -> None:
    """INSERT needs no trigger dropped: appending a line to a posted entry is caught by hash,
    balance and the monthly balances."""
    assert three.path is not None
    with raw(three.path) as con:
        con.execute("INSERT INTO lines (id, entry_id, line_no, day, account, dimension, amount) "
                    "VALUES (1000, 2, 3, 20260112, '5141', 'FZ', 5000)")
    rep = api.verify(three)
    named = [f for f in rep.findings if "VT-2026-000002" in f]
    assert any("empreinte" in f for f in named), rep.findings
    assert any("déséquilibrée de 5000 centimes" in f for f in named), rep.findings
    assert any("solde mensuel 5141 / FZ / 2026-01" in f for f in rep.findings), rep.findings
    assert not any("trigger" in f for f in rep.findings)


def test_balanced_inserted_pair_still_named(three: api.Books) -> None:
    assert three.path is not None
    with raw(three.path) as con:
        con.execute("INSERT INTO lines (id, entry_id, line_no, day, account, dimension, amount) "
                    "VALUES (1000, 1, 3, 20260105, '5141', 'FZ', 5000), "
                    "(1001, 1, 4, 20260105, '7111', 'FZ', -5000)")
        rebuild_balances(con)
    rep = api.verify(three)
    assert len(rep.findings) == 1, rep.findings
    assert "VT-2026-000001" in rep.findings[0] and "empreinte" in rep.findings[0]


def test_chain_recomputed_from_scratch_caught_by_close_head_and_expect(
        three: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    assert three.path is not None
    head = api.close_period(three, Month(2026, 1))
    with raw(three.path) as con:
        drop_triggers(con)
        con.execute("UPDATE lines SET amount = amount / 100 WHERE entry_id = 2")
        rebuild_balances(con)
        forged = rechain(con)
        con.execute("CREATE TRIGGER lines_no_update BEFORE UPDATE ON lines "
                    "BEGIN SELECT RAISE(ABORT, 'x'); END")
    assert forged.count == 3 and forged.hash != head.hash
    # Without any head held outside the chain, the forgery is self-consistent...
    rep = api.verify(three)
    assert not any("empreinte" in f for f in rep.findings)
    # ...but the head recorded at the month close no longer matches,
    recorded = [f for f in rep.findings if "ne se retrouve pas" in f]
    assert len(recorded) == 1 and f"{head.count}:{head.hash[:16]}" in recorded[0]
    # and neither does the auditor's copy.
    rep = api.verify(three, expect=head)
    assert any(f"tête de chaîne attendue {head.count}:{head.hash[:16]}" in f
               for f in rep.findings)
    code, out = _verify_cli(three, capsys, "--expect", str(head))
    assert code == 1 and "ERREUR" in out and "tête de chaîne attendue" in out
    assert f"Tête de chaîne : {forged}" in out


def test_forged_chain_without_any_recorded_head_needs_expect(three: api.Books) -> None:
    """No close yet: only the auditor's copy (--expect) tells the forgery."""
    assert three.path is not None
    head = api.chain_head(three)
    with raw(three.path) as con:
        drop_triggers(con)
        con.execute("UPDATE lines SET amount = -amount WHERE entry_id = 1")
        rebuild_balances(con)
        rechain(con)
    assert [f for f in api.verify(three).findings if "trigger" not in f] == []
    rep = api.verify(three, expect=head)
    assert any("tête de chaîne attendue" in f for f in rep.findings)


def test_text_moved_between_label_and_reference_is_caught(books: api.Books, L: MakeLines) -> None:
    """The canonical form joins fields with control characters: a text holding one of them
    could be split differently (label "A<US>B", reference "C" → label "A", reference "B<US>C")
    with the same hash. Such text is refused at posting, so no forgery can start from it."""
    from ecp.kernel.errors import ValidationError

    for label, ref in (("Vente\x1fFA-1", "X"), ("Vente", "FA\x1e1"), ("Vente\x1b", "")):
        with pytest.raises(ValidationError, match="caractère de contrôle"):
            api.post_entry(books, "VT", D(2026, 1, 5), label,
                           L(("342111", "FZ", 100), ("7111", "FZ", -100)), reference=ref)
    assert api.chain_head(books).count == 0
    # Tabs and line breaks are text, not separators: accepted.
    p = api.post_entry(books, "VT", D(2026, 1, 5), "Vente\n2e ligne\tcol",
                       L(("342111", "FZ", 100), ("7111", "FZ", -100)))
    assert p.ref == "VT-2026-000001" and api.verify(books).ok


def test_expect_the_empty_head_is_always_found(
        books: api.Books, sale_of: SaleOf, capsys: pytest.CaptureFixture[str]) -> None:
    """``0:000…0`` is what verify prints for empty books; it is a prefix of every chain."""
    empty = api.chain_head(books)
    assert empty == ChainHead(0, GENESIS)
    code, out = _verify_cli(books, capsys, "--expect", str(empty))
    assert code == 0, out
    sale_of(books, D(2026, 1, 5), 100)
    assert api.verify(books, expect=empty).ok
    assert not api.verify(books, expect=ChainHead(0, "1" * 64)).ok
