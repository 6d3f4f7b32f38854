"""The kill harness of issuing (issue 12, failure 2): an invoice, or a payout voucher, is
issued in a child process that dies on the spot — ``os._exit`` at the named points of
``ecp/api/archive.py`` (hook ``ECP_TEST_CRASH_AT``: number taken / PDF written, not committed /
committed, PDF not in place / in place), and real SIGKILLs at random moments of a loop of
issues. After each kill the books and the archive are consistent — ``verify`` is ok, or
reports exactly the pending PDF it has just put in place and is ok the next time — and the
next issue works: 0 of N blocked (before the fix, a kill between writing the PDF and the
commit left an orphan that blocked every later issue with « existe déjà »)."""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from ecp import api
from ecp.api.session import _read
from ecp.db.models import Payout
from ecp.kernel.errors import EcpError
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput

D = dt.date
ROOT = Path(__file__).resolve().parents[1]

CHILD = """
import datetime as dt, sys
from ecp import api
from ecp.kernel.units import Quantity, Rate
from ecp.sales.documents import LineInput
books = api.open_books(sys.argv[1])
kind, loops = sys.argv[2], int(sys.argv[3])
# the drawing's imports, fonts, catalogs and locale data loaded before « prêt »: the kills must
# fall among the issues, not in the first one's start-up
from ecp.reports import i18n, invoice_pdf
invoice_pdf.warm_up()
i18n.money(100, "fr"), i18n.money(100, "ar"), i18n.catalog("ar")
print("prêt", flush=True)
for i in range(loops):
    if kind == "facture":
        api.create_and_issue(books, "facture", "FZ", "HOTEL", dt.date(2026, 3, 2),
                             [LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211")])
    else:
        api.add_payout(books, "FZ", 1000, dt.date(2026, 3, 6))
"""


def _line() -> LineInput:
    return LineInput("Caftan", Quantity(1000), 100000, Rate(2000), "71211")


def _child(db: Path, kind: str, loops: int, crash_at: str | None) -> subprocess.Popen[str]:
    env = dict(os.environ)
    env.pop("ECP_TEST_CRASH_AT", None)
    if crash_at is not None:
        env["ECP_TEST_CRASH_AT"] = crash_at
    env["PYTHONPATH"] = str(ROOT)
    return subprocess.Popen([sys.executable, "-c", CHILD, str(db), kind, str(loops)],
                            cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)


def _numbers(books: api.Books) -> tuple[list[str], list[str]]:
    docs = [d.number for d in api.list_documents(books, "facture")]
    with _read(books) as conn:  # the voucher numbers, straight from the table
        vouchers = [str(n) for n in conn.scalars(select(Payout.number).order_by(Payout.id))]
    return docs, vouchers


def _consistent_after_kill(books: api.Books, committed_pending: set[str]) -> None:
    """``verify`` is ok, or names exactly the pending PDFs of committed issues (which it puts
    in place); then it is ok."""
    rep = api.verify(books, record=False)
    if committed_pending:
        assert len(rep.findings) == len(committed_pending), rep.findings
        for f in rep.findings:
            assert "remis en place" in f, f
            assert any(n in f for n in committed_pending), f
        rep = api.verify(books, record=False)
    assert rep.ok, rep.findings


def _issue_next(books: api.Books, kind: str) -> str:
    """The next issue, in this process: it must work (never « existe déjà »). Dated as the
    child's issues: a series stays in date order, and the child issues again after it."""
    if kind == "facture":
        return api.create_and_issue(books, "facture", "FZ", "HOTEL", D(2026, 3, 2),
                                    [_line()]).number
    return api.add_payout(books, "FZ", 1000, D(2026, 3, 6)).number


@pytest.mark.timeout(120)
def test_killed_at_every_point_of_issuing_books_and_archive_stay_consistent(
        sales: api.Books, db_path: Path) -> None:
    paid = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 3, 2), [_line()])
    api.add_payment(sales, [paid.number], 120000, D(2026, 3, 5), "virement")
    pending = api.archive_dir(sales) / ".pending"
    points = [("facture", "store"), ("facture", "written"), ("facture", "committed"),
              ("facture", "placed"), ("payout", "written"), ("payout", "committed")]
    blocked = 0
    for kind, point in points:
        docs0, vouchers0 = _numbers(sales)
        child = _child(db_path, kind, 1, point)
        out, err = child.communicate(timeout=60)
        assert child.returncode == 9, (kind, point, out, err)
        assert "Traceback" not in err
        docs1, vouchers1 = _numbers(sales)
        new = [n for n in (*docs1, *vouchers1) if n not in (*docs0, *vouchers0)]
        # Committed at "committed" and "placed" only; nothing at all before.
        assert len(new) == (1 if point in ("committed", "placed") else 0), (point, new)
        left = sorted(pending.iterdir()) if pending.exists() else []
        assert len(left) == (1 if point in ("written", "committed") else 0), (point, left)
        _consistent_after_kill(sales, set(new) if point == "committed" else set())
        try:
            nxt = _issue_next(sales, kind)
        except EcpError:
            blocked += 1
            continue
        pdf = (api.document_pdf if kind == "facture" else api.payout_pdf)(sales, nxt)
        assert pdf.read_bytes()[:4] == b"%PDF"
        assert list(pending.iterdir()) == []  # what the kill left pending is settled
        assert api.verify(sales, record=False).ok
    assert blocked == 0
    docs, vouchers = _numbers(sales)
    assert docs == [f"F-2026-{i:06d}" for i in range(1, len(docs) + 1)]  # gap-free
    assert vouchers == [f"VR-2026-{i:06d}" for i in range(1, len(vouchers) + 1)]


@pytest.mark.timeout(120)
def test_real_sigkills_during_a_loop_of_issues_never_block_the_next(
        sales: api.Books, db_path: Path) -> None:
    rnd = random.Random(12)
    blocked = 0
    kills = 3
    for _ in range(kills):
        child = _child(db_path, "facture", 1000, None)
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "prêt"
        time.sleep(rnd.uniform(0.2, 1.2))  # several issues in, one of them in progress
        child.send_signal(signal.SIGKILL)
        child.communicate(timeout=30)
        rep = api.verify(sales, record=False)  # puts a committed pending PDF in place
        assert all("remis en place" in f for f in rep.findings), rep.findings
        assert api.verify(sales, record=False).ok
        try:
            _issue_next(sales, "facture")
        except EcpError:
            blocked += 1
    assert blocked == 0
    docs, _vouchers = _numbers(sales)
    assert len(docs) > kills
    assert docs == [f"F-2026-{i:06d}" for i in range(1, len(docs) + 1)]
