"""The archive of issued PDFs, written in one place (ecp/api/archive.py) for invoices and
payout vouchers: written under ``.pending`` before the commit, renamed into place after it,
removed when the transaction fails; a file the books do not know, found where a new PDF goes,
is set aside in ``.strays`` (never overwritten, never blocking); ``verify`` finishes what an
interrupted issue left pending and reports every file the books do not know.

Issue 12, failure 2: an orphan PDF left by a crash between writing and committing blocked
every later issue (« existe déjà ») and ``verify`` did not report it."""

from __future__ import annotations

import datetime as dt
import logging
import os
from pathlib import Path

import pytest

from ecp import api
from ecp.api import archive as archive_mod
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput

D = dt.date


def _line() -> LineInput:
    return LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211")


def test_a_file_in_the_way_is_set_aside_not_overwritten_and_never_blocks_the_issue(
        sales: api.Books, caplog: pytest.LogCaptureFixture) -> None:
    """Failure 2: a file where the next invoice goes (books restored without their archive, or
    an orphan of a crash) blocked every later issue; now it is set aside, with a message."""
    first = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    assert first.number == "F-2026-000001"
    squatter = api.archive_dir(sales) / "2026" / "F-2026-000002.pdf"
    squatter.write_bytes(b"not ours")
    with caplog.at_level(logging.WARNING, logger="ecp.archive"):
        second = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 3),
                                      [_line()])
    assert second.number == "F-2026-000002"
    assert api.document_pdf(sales, second.number).read_bytes()[:4] == b"%PDF"
    strays = list((api.archive_dir(sales) / ".strays").iterdir())
    assert [f.read_bytes() for f in strays] == [b"not ours"]  # kept, not overwritten
    assert any("inconnu des livres" in r.getMessage() and str(strays[0]) in r.getMessage()
               for r in caplog.records)
    # verify names the file set aside until someone has looked at it and removed it.
    rep = api.verify(sales, record=False)
    assert len(rep.findings) == 1 and "mis à l'écart" in rep.findings[0]
    assert str(strays[0]) in rep.findings[0]
    strays[0].unlink()
    assert api.verify(sales, record=False).ok


def test_a_payout_voucher_goes_through_the_same_archive(sales: api.Books) -> None:
    """Failure 2, payout vouchers: the same archiving() code path."""
    api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    inv = api.list_documents(sales, "facture")[0].number
    api.add_payment(sales, [inv], 120000, D(2026, 3, 5), "virement")
    paid = api.add_payout(sales, "FZ", 10000, D(2026, 3, 6))
    pdf = api.payout_pdf(sales, paid.number)
    assert pdf.parent == api.archive_dir(sales) / "2026" and pdf.read_bytes()[:4] == b"%PDF"
    # The next voucher's place is taken: it is set aside and the payout goes through.
    nxt = pdf.with_name(pdf.name.replace(paid.number[-6:], f"{int(paid.number[-6:]) + 1:06d}"))
    assert nxt != pdf
    nxt.write_bytes(b"not ours")
    entries_before = api.chain_head(sales).count
    second = api.add_payout(sales, "FZ", 10000, D(2026, 3, 7))
    # FZ is salaried: the payroll's OD entry and the payment's (the bulletin is the document)
    assert api.chain_head(sales).count == entries_before + 2
    assert api.payout_pdf(sales, second.number) == nxt and nxt.read_bytes()[:4] == b"%PDF"
    assert [f.read_bytes() for f in (api.archive_dir(sales) / ".strays").iterdir()] == \
        [b"not ours"]


def test_a_failed_issue_leaves_nothing_pending_nor_archived(
        sales: api.Books, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failure 2: the transaction fails after the PDF was written: no file anywhere, no
    document, and the next issue takes the same number."""
    def boom(point: str) -> None:
        if point == "written":
            raise RuntimeError("disque arraché")
    monkeypatch.setattr(archive_mod, "_crash_point", boom)
    with pytest.raises(RuntimeError):
        api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    arch = api.archive_dir(sales)
    assert [f for f in arch.rglob("*") if f.is_file()] == []
    assert api.list_documents(sales, "facture") == [] and api.list_drafts(sales) == []
    monkeypatch.undo()
    issued = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    assert issued.number == "F-2026-000001"
    assert api.verify(sales, record=False).ok


def test_a_pdf_left_pending_after_the_commit_is_put_in_place_by_verify(
        sales: api.Books, monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    """Failure 2: the rename after the commit did not happen (crash, full disk): the issue
    stands, verify finds the pending PDF by its SHA-256, puts it in place and says so."""
    def fail(*_a: object) -> str | None:
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(archive_mod, "_place", fail)
    with caplog.at_level(logging.WARNING, logger="ecp.archive"):
        issued = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    assert any("reste en attente" in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    pending = list((api.archive_dir(sales) / ".pending").iterdir())
    assert len(pending) == 1
    rep = api.verify(sales, record=False)
    assert len(rep.findings) == 1, rep.findings
    assert issued.number in rep.findings[0] and "remis en place" in rep.findings[0]
    assert list((api.archive_dir(sales) / ".pending").iterdir()) == []
    assert api.verify(sales, record=False).ok
    assert api.document_pdf(sales, issued.number).read_bytes()[:4] == b"%PDF"


def test_the_next_issue_also_puts_a_pending_pdf_in_place(
        sales: api.Books, monkeypatch: pytest.MonkeyPatch) -> None:
    """Failure 2: without a verify in between, the next issue completes the interrupted one."""
    def fail(*_a: object) -> str | None:
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(archive_mod, "_place", fail)
    first = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    monkeypatch.undo()
    second = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 3), [_line()])
    for n in (first.number, second.number):
        assert api.document_pdf(sales, n).read_bytes()[:4] == b"%PDF"
    assert list((api.archive_dir(sales) / ".pending").iterdir()) == []
    assert api.verify(sales, record=False).ok


def test_a_pending_file_no_document_records_is_removed(sales: api.Books) -> None:
    """Failure 2: a crash between writing the PDF and the commit leaves a pending file no
    document records. verify leaves a fresh one alone (it may be an issue in progress) and
    removes an old one, saying so; the next issue (writer lock held) removes it at once."""
    api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    pend = api.archive_dir(sales) / ".pending"
    pend.mkdir(exist_ok=True)
    fresh, old = pend / "fresh.pdf", pend / "old.pdf"
    fresh.write_bytes(b"%PDF never committed")
    old.write_bytes(b"%PDF never committed either")
    past = old.stat().st_mtime - archive_mod.ORPHAN_AGE_S - 60
    os.utime(old, (past, past))
    rep = api.verify(sales, record=False)
    assert len(rep.findings) == 1 and str(old) in rep.findings[0], rep.findings
    assert "supprimé" in rep.findings[0]
    assert sorted(p.name for p in pend.iterdir()) == ["fresh.pdf"]
    assert api.verify(sales, record=False).ok
    api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 3), [_line()])
    assert list(pend.iterdir()) == []
    assert api.verify(sales, record=False).ok


def test_verify_reports_a_file_the_books_do_not_know(sales: api.Books) -> None:
    """Failure 2 (``verify`` does not report it): any file in the archive that no document
    or voucher names is reported."""
    api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    stray: Path = api.archive_dir(sales) / "2026" / "F-2026-000099.pdf"
    stray.write_bytes(b"%PDF whose?")
    rep = api.verify(sales, record=False)
    assert len(rep.findings) == 1 and str(stray) in rep.findings[0]
    assert "inconnu des livres" in rep.findings[0]
