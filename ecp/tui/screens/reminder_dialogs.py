"""Reminders of overdue invoices in Ventes (F9): the dialog behind `R` « Relancer » (level and
date; the letter's PDF archived and logged on the invoice) and the history an invoice's detail
shows (issue, payments, credit notes, bank lines, reminders)."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.tui.kit.format import DAY_PLACEHOLDER, money
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FormModal

LEVEL_CHOICES = [("1 — relance", "1"), ("2 — mise en demeure", "2")]


def history_text(books: api.Books, number: str) -> str:
    """The invoice's events, one line each: « 20/11/2026  règlement  4 000,00  reste 4 640,00
    Règlement par chèque — CHQ 1207 BQ-2026-000041 »."""
    try:
        events = api.invoice_history(books, number)
    except EcpError as exc:
        return f"Historique : {exc}"
    lines = ["Historique :"]
    for e in events:
        ref = " ".join(x for x in (e.reference if e.kind == "règlement" else "", e.entry) if x)
        lines.append(f"{e.day.strftime('%d/%m/%Y')}  {e.kind:<10} {money(e.amount):>13}  "
                     f"reste {money(e.left):>13}  {e.label}" + (f" — {ref}" if ref else ""))
    return "\n".join(lines)


class ReminderScreen(FormModal[Any]):
    """« Relancer » an overdue invoice: level 1 (relance) or 2 (mise en demeure, after a
    relance and the gap of sales.reminder_gap_days), dated today unless typed. Dismisses with
    what ``api.send_reminder`` returns."""

    FIELDS = {"level": "level", "day": "day", "number": "day"}

    def __init__(self, invoice: str, level: int = 1) -> None:
        super().__init__()
        self.invoice = invoice
        self.level = level

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Relancer la facture {self.invoice}", classes="title")
            yield Static("Lettre PDF archivée et notée sur la facture ; la mise en demeure "
                         "suit une relance (paramètre sales.reminder_gap_days).",
                         classes="muted")
            yield from self.field("Niveau", Select(LEVEL_CHOICES, value=str(self.level),
                                                   allow_blank=False, id="level"))
            yield from self.field("Date de la lettre", Input(fr_day(self.today),
                                                             placeholder=DAY_PLACEHOLDER,
                                                             id="day"))
            yield from self.general_error()
            yield from self.buttons("Écrire la lettre")

    def on_mount(self) -> None:
        self.query_one("#day", Input).focus()

    def save(self) -> Any:
        return api.send_reminder(self.books, self.invoice, int(self.select("level") or "1"),
                                 self.date("day", "date"))
