"""Reminders of overdue invoices (issue 17, item 9): what is due at a date, the penalty, the
refusals (each naming its field), the insert-only log, the level-2 gap, the archived letter,
an invoice's history and the dunning list.

The invoice of these tests (``_overdue``): FZ to HOTEL on 10/01/2026, 10 000,00 HT at 20 %,
TTC 12 000,00, due 60 days later = 11/03/2026 (21 days to 31 January, 28 in February, 11 in
March). Paid 3 000,33 on 20/02/2026; a credit note of 1 000,00 HT (TTC 1 200,00) on
01/03/2026. Due after both: 12 000,00 − 3 000,33 − 1 200,00 = 7 799,67.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import sqlite3
from pathlib import Path

import pytest
from pypdf import PdfReader

from ecp import api
from ecp.kernel.errors import InputError, NotFoundError
from ecp.kernel.units import Quantity, Rate
from ecp.sales import reminders
from ecp.sales.documents import LineInput

D = dt.date


def _line(price: int, desc: str = "Caftan brodé") -> LineInput:
    return LineInput(desc, Quantity(1000), price, Rate(2000), "71211")


def _overdue(books: api.Books) -> str:
    inv = api.create_and_issue(books, "facture", "FZ", "HOTEL", D(2026, 1, 10),
                               [_line(1_000_000)])
    assert inv.view.due_date == D(2026, 3, 11) and inv.view.total_ttc == 1_200_000
    api.add_payment(books, [inv.number], 300_033, D(2026, 2, 20), "virement", "VIR 77")
    api.credit_note(books, inv.number, [_line(100_000, "Remise")], D(2026, 3, 1))
    return inv.number


def _text(path: Path) -> str:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages)
                  ).replace("\u202f", " ").replace("\u00a0", " ")


def test_penalty_is_computed_by_months_begun_half_up() -> None:
    """7 799,67 DH due, 45 days late at 2,25 % per month: 45 days = 2 months begun (30 + 15);
    779 967 × 225 × 2 / 10 000 = 35 098,515 centimes → 35 099 (half-up) = 350,99 DH.
    61 days = 3 months: 779 967 × 225 × 3 / 10 000 = 52 647,7725 → 52 648 = 526,48 DH.
    30 days is one month (30 / 30), 31 two. Without a rate: no amount."""
    assert reminders.penalty(779_967, 45, 225, "m").amount == 35_099
    assert reminders.penalty(779_967, 45, 225, "m").months == 2
    assert reminders.penalty(779_967, 61, 225, "m").amount == 52_648
    assert reminders.penalty(100_000, 30, 100, "m").months == 1
    assert reminders.penalty(100_000, 31, 100, "m").months == 2
    nothing = reminders.penalty(779_967, 45, None, "loi")
    assert nothing.amount is None and nothing.mention == "loi"


def test_bands_of_days_late() -> None:
    assert [reminders.band_of(n)[0] for n in (1, 30, 31, 60, 61, 90, 91, 400)] == [
        "1-30", "1-30", "31-60", "31-60", "61-90", "61-90", "plus-90", "plus-90"]


def test_first_reminder_states_what_is_due_and_the_penalty(sales: api.Books) -> None:
    """On 25/04/2026: 45 days late (20 days to 31 March + 25), due 7 799,67 (the module's
    docstring), penalty at 2,25 %: 350,99 (test above); to pay within 15 days: by 10/05/2026.
    The PDF is archived and verify knows it."""
    api.settings_set(sales, "sales.penalty_rate", "2,25")
    num = _overdue(sales)
    sent = api.send_reminder(sales, num, 1, D(2026, 4, 25))
    v = sent.view
    assert (v.total_ttc, v.paid, v.credited, v.left) == (1_200_000, 300_033, 120_000, 779_967)
    assert v.days_late == 45 and v.penalty.amount == 35_099 and v.penalty.months == 2
    assert v.pay_by == D(2026, 5, 10)
    assert sent.path.name == f"{num}-relance1-20260425.pdf" and sent.path.is_file()
    text = _text(sent.path)
    for want in ("Relance", num, "7 799,67", "45 jours de retard", "2,25 %", "350,99",
                 "10/05/2026", "190 640 0000000000000000 12".replace(" ", ""),
                 "Hôtel Tanja", "Fatima Zahra"):
        assert want in text, want
    assert api.verify(sales).ok
    log = reminders.reminders_of  # the log, read back
    with sales.engine.connect() as conn:
        rows = log(conn, num)
    assert [(r.level, r.day, r.amount_due, r.days_late, r.penalty) for r in rows] == [
        (1, D(2026, 4, 25), 779_967, 45, 35_099)]
    assert any(e.action == "facture.relance" and e.subject == num
               for e in api.audit_events(sales))


def test_mise_en_demeure_after_the_gap(sales: api.Books) -> None:
    """Level 2 needs a level 1 at least 15 days earlier (sales.reminder_gap_days): the relance
    of 25/04/2026 allows it from 10/05/2026 (25/04 + 15 days); on 05/05 it is refused naming
    the day; on 11/05 (61 days late: 20 + 30 + 11) the penalty is 526,48 (3 months begun)."""
    api.settings_set(sales, "sales.penalty_rate", "2,25")
    num = _overdue(sales)
    with pytest.raises(InputError) as e:
        api.send_reminder(sales, num, 2, D(2026, 4, 25))
    assert e.value.field == "level" and e.value.code == "reminder.no_first"
    api.send_reminder(sales, num, 1, D(2026, 4, 25))
    with pytest.raises(InputError) as e:
        api.send_reminder(sales, num, 2, D(2026, 5, 5))
    assert e.value.field == "day" and e.value.code == "reminder.gap"
    assert "10/05/2026" in e.value.message and "sales.reminder_gap_days" in e.value.message
    sent = api.send_reminder(sales, num, 2, D(2026, 5, 11))
    assert sent.view.days_late == 61 and sent.view.penalty.amount == 52_648
    assert sent.view.pay_by == D(2026, 5, 19)  # 8 days for a mise en demeure
    text = _text(sent.path)
    assert "Mise en demeure" in text and "relance du 25/04/2026" in text and "526,48" in text
    # a shorter gap, set by the bookkeeper, is the rule from then on
    num2 = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 1, 12),
                                [_line(50_000)]).number
    api.settings_set(sales, "sales.reminder_gap_days", "5")
    api.send_reminder(sales, num2, 1, D(2026, 4, 25))
    assert api.send_reminder(sales, num2, 2, D(2026, 4, 30)).view.level == 2


def test_refusals_name_their_field(sales: api.Books) -> None:
    """Not yet overdue on its due date (11/03/2026), settled, unknown, a level 3, a date before
    the invoice: nothing written for any of them. The same letter asked twice the same day is
    the archived one, logged once."""
    paid = api.create_and_issue(sales, "facture", "FZ", "HOTEL", D(2026, 1, 5),
                                [_line(10_000)])  # issued first: the series in date order
    api.add_payment(sales, [paid.number], 12_000, D(2026, 1, 6), "virement")
    num = _overdue(sales)
    cases = [((num, 1, D(2026, 3, 11)), "day", "reminder.not_due"),
             ((paid.number, 1, D(2026, 6, 1)), "number", "reminder.settled"),
             ((num, 3, D(2026, 6, 1)), "level", "level.unknown"),
             ((num, 1, D(2026, 1, 1)), "day", "day.before_invoice")]
    for args, field, code in cases:
        with pytest.raises(InputError) as e:
            api.send_reminder(sales, *args)
        assert (e.value.field, e.value.code) == (field, code), args
    with pytest.raises(NotFoundError) as nf:
        api.send_reminder(sales, "F-2026-999999", 1, D(2026, 6, 1))
    assert nf.value.field == "number"
    first = api.send_reminder(sales, num, 1, D(2026, 6, 1))
    again = api.send_reminder(sales, num, 1, D(2026, 6, 1))  # the archived letter, again
    assert again.again and not first.again and (again.id, again.sha256) == (first.id,
                                                                             first.sha256)
    with sales.engine.connect() as conn:
        with pytest.raises(InputError) as e:
            reminders.prepare(conn, num, 1, D(2026, 6, 1))
        assert (e.value.field, e.value.code) == ("day", "reminder.duplicate")
        assert len(reminders.reminders_of(conn, num)) == 1
    assert api.verify(sales).ok  # no PDF left behind by the refusals


def test_the_log_is_insert_only(sales: api.Books) -> None:
    num = _overdue(sales)
    api.send_reminder(sales, num, 1, D(2026, 4, 25))
    assert sales.path is not None
    con = sqlite3.connect(str(sales.path))
    try:
        for sql in ("UPDATE invoice_reminders SET amount_due = 1",
                    "DELETE FROM invoice_reminders"):
            with pytest.raises(sqlite3.IntegrityError, match="journal des relances"):
                con.execute(sql)
    finally:
        con.close()


def test_an_altered_letter_is_found_by_verify(sales: api.Books) -> None:
    num = _overdue(sales)
    sent = api.send_reminder(sales, num, 1, D(2026, 4, 25))
    sent.path.chmod(0o600)
    sent.path.write_bytes(sent.path.read_bytes() + b"%")
    findings = api.verify(sales).findings
    assert any("relance 1 de " + num in f and "modifié" in f for f in findings), findings


def test_without_a_rate_the_letter_recalls_the_law(sales: api.Books) -> None:
    num = _overdue(sales)
    v = api.reminder_preview(sales, num, 1, D(2026, 4, 25))
    assert v.penalty.amount is None and "69-21" in v.penalty.mention
    from ecp.reports.reminder import render_reminder
    reader = PdfReader(io.BytesIO(render_reminder(v, invariant=True)))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert "69-21" in text and "non calculé" in text


def test_history_lists_payments_credit_notes_bank_lines_and_reminders(
        sales: api.Books, tmp_path: Path) -> None:
    """In date order, each with what was left after it: issued 12 000,00; paid 3 000,33 on
    20/02 (8 999,67 left); credit note 1 200,00 on 01/03 (7 799,67); the bank line of the
    payment (matched to its entry) on 20/02; the relance of 25/04."""
    num = _overdue(sales)
    pay_entry = next(e.entry for e in api.invoice_history(sales, num) if e.kind == "règlement")
    statement = tmp_path / "releve.csv"
    statement.write_bytes("Date opération;Libellé;Débit;Crédit\n"
                          "20/02/2026;VIR RECU HOTEL TANJA;;3 000,33\n".encode("cp1252"))
    api.bank_import(sales, statement)
    line = api.bank_lines(sales)[0]
    api.bank_accept(sales, line.id, "écriture", pay_entry)
    api.send_reminder(sales, num, 1, D(2026, 4, 25))
    got = [(e.day, e.kind, e.amount, e.left) for e in api.invoice_history(sales, num)]
    assert got == [(D(2026, 1, 10), "émission", 1_200_000, 1_200_000),
                   (D(2026, 2, 20), "règlement", 300_033, 899_967),
                   (D(2026, 2, 20), "relevé", 300_033, 899_967),
                   (D(2026, 3, 1), "avoir", 120_000, 779_967),
                   (D(2026, 4, 25), "relance", 779_967, 779_967)]
    events = api.invoice_history(sales, num)
    assert events[0].entry.startswith("VT-") and events[1].entry == pay_entry
    assert events[1].method == "virement" and events[1].reference == "VIR 77"
    assert events[3].reference.startswith("AV-") and events[3].entry.startswith("VT-")


def test_dunning_lists_overdue_invoices_with_the_next_step(sales: api.Books) -> None:
    """At 11/05/2026: the invoice due 11/03 is 61 days late (61–90), 7 799,67 left; a second
    invoice of 15/02/2026 (TTC 600,00, due 16/04/2026) is 25 days late (1–30), never reminded:
    next step a relance. Once the first has a relance of 25/04 and the gap has run (from
    10/05), its next step is the mise en demeure; after it, the courts."""
    num = _overdue(sales)
    other = api.create_and_issue(sales, "facture", "FZ", "AMINA", D(2026, 2, 15),
                                 [_line(50_000)]).number
    at = D(2026, 5, 11)
    rows = {r.invoice: r for r in api.dunning(sales, at)}
    assert set(rows) == {num, other}
    a, b = rows[num], rows[other]
    assert (a.days_late, a.band, a.left, a.next_key) == (61, "61-90", 779_967, "relance")
    assert (b.days_late, b.band, b.left, b.last_level) == (25, "1-30", 60_000, None)
    api.send_reminder(sales, num, 1, D(2026, 4, 25))
    a = next(r for r in api.dunning(sales, at) if r.invoice == num)
    assert (a.last_level, a.last_day, a.next_key) == (1, D(2026, 4, 25), "mise-en-demeure")
    early = next(r for r in api.dunning(sales, D(2026, 5, 1)) if r.invoice == num)
    assert early.next_key == "attendre" and "10/05/2026" in early.next_step
    api.send_reminder(sales, num, 2, at)
    a = next(r for r in api.dunning(sales, at) if r.invoice == num)
    assert a.next_key == "contentieux" and a.last_level == 2
    # before the relance was sent, the report does not see it
    assert next(r for r in api.dunning(sales, D(2026, 4, 24))
                if r.invoice == num).last_level is None
    # paid in full: off the list
    api.add_payment(sales, [other], 60_000, D(2026, 5, 11), "virement")
    assert other not in {r.invoice for r in api.dunning(sales, at)}
