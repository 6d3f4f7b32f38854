"""Écritures: posted entries, newest first, filtered; an entry in full; its reversal."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Button, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.periods import month_label, parse_date, parse_month
from ecp.ledger.browse import EntryDetail, EntryFilter, EntryRow
from ecp.ledger.chart import JOURNALS
from ecp.tui.kit.base import Dialog, EcpScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER, day, money
from ecp.tui.kit.forms import FieldError
from ecp.tui.kit.table import FastTable, Page, PagedTable, right

PAGE = 100


class EntriesScreen(EcpScreen):
    BINDINGS = [
        Binding("n", "new", "Nouvelle écriture", id="entries.new"),
        Binding("slash", "filter", "Filtrer", id="entries.filter"),
        Binding("r", "reverse", "Contre-passer", id="entries.reverse"),
        Binding("escape", "table", "Liste", show=False, id="entries.table"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.flt = EntryFilter()

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(classes="bar"):
            yield Select([(f"{c} {n}", c) for c, n in JOURNALS.items()], prompt="Journal",
                         id="f-journal")
            yield Input(placeholder="Mois AAAA-MM", id="f-month")
            yield Select([], prompt="Dimension", id="f-dim")
            yield Input(placeholder="/ Texte ou numéro (VT-2026-000012)", id="f-text")
        yield FieldError("", id="f-error")
        yield PagedTable([("Date", 10), ("Numéro", 15), ("Libellé", 40), ("Référence", 14),
                          ("Dimensions", 14), ("Montant DH", 14)],
                         self.fetch, id="entries", flex="Libellé",
                         shrink=("Référence", "Dimensions"))
        yield Label("", id="count", classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#f-dim", Select).set_options(
            [(f"{m.code} {m.name}", m.code) for m in api.list_members(self.books, True)])
        self.reload()
        self.query_one(PagedTable).focus()

    def on_screen_resume(self) -> None:
        self.reload()

    def set_filter(self, flt: EntryFilter) -> None:
        self.flt = flt
        self.query_one("#f-month", Input).value = month_label(flt.month) if flt.month else ""
        self.query_one("#f-journal", Select).value = flt.journal or Select.NULL
        self.query_one("#f-dim", Select).value = flt.dimension or Select.NULL
        self.query_one("#f-text", Input).value = flt.text or ""
        self.reload()

    def reload(self) -> None:
        self.query_one(PagedTable).reload()

    # --- paging ----------------------------------------------------------------------------

    def fetch(self, direction: str, key: Any) -> Page:
        books, flt = self.books, self.flt
        if direction == "first":
            rows = api.entries_page(books, flt, limit=PAGE + 1)
            more = len(rows) > PAGE
            rows, before, after = rows[:PAGE], False, more
        elif direction == "after":  # older
            rows = api.entries_page(books, flt, before=key, limit=PAGE + 1)
            more = len(rows) > PAGE
            rows, before, after = rows[:PAGE], True, more
        elif direction == "before":  # newer
            rows = api.entries_page(books, flt, after=key, limit=PAGE + 1)
            more = len(rows) > PAGE
            rows, before, after = rows[-PAGE:], more, True
        else:  # last = oldest
            rows = api.entries_page(books, flt, after=(0, 0), limit=PAGE + 1)
            more = len(rows) > PAGE
            rows, before, after = rows[-PAGE:], more, False
        self.query_one("#count", Label).update(
            "Entrée : détail — n : nouvelle — / : filtrer — r : contre-passer — "
            "Fin/Début : dernière/première page")
        return Page([self._cells(r) for r in rows], [(r.day, r.id) for r in rows],
                    before, after)

    @staticmethod
    def _cells(r: EntryRow) -> tuple[str | Text, ...]:
        """Date (JJ/MM/AAAA), number, label — followed by its reversal link, the rare entry
        that has one (« ↺ annule … », « ↺ annulée par … »: no column that is empty almost
        always) —, reference, dimensions and the operation's amount (``EntryRow.amount``:
        the treasury line of a BQ/CA entry, the customer's or supplier's line of a VT/AC
        entry, else the total debit)."""
        link = f" ↺ annule {r.reverses}" if r.reverses else (
            f" ↺ annulée par {r.reversed_by}" if r.reversed_by else "")
        return (day(r.day), r.ref, r.label + link, r.reference, r.dimensions,
                right(money(r.amount)))

    # --- filters ---------------------------------------------------------------------------

    def action_filter(self) -> None:
        self.query_one("#f-text", Input).focus()

    def action_table(self) -> None:
        self.query_one(PagedTable).focus()

    def _apply_filters(self) -> None:
        err = self.query_one("#f-error", FieldError)
        month_txt = self.query_one("#f-month", Input).value.strip()
        try:
            month = parse_month(month_txt) if month_txt else None
        except EcpError as exc:
            err.update(str(exc))
            return
        err.update("")
        j = self.query_one("#f-journal", Select).value
        d = self.query_one("#f-dim", Select).value
        text = self.query_one("#f-text", Input).value.strip() or None
        self.flt = EntryFilter(journal=j if isinstance(j, str) else None, month=month,
                               dimension=d if isinstance(d, str) else None, text=text)
        self.reload()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._apply_filters()
        self.query_one(PagedTable).focus()

    def on_select_changed(self, event: Select.Changed) -> None:
        self._apply_filters()

    # --- actions ---------------------------------------------------------------------------

    def on_paged_table_opened(self, event: PagedTable.Opened) -> None:
        self.app.push_screen(EntryDetailScreen(event.key[1]), self._after_detail)

    def _after_detail(self, result: str | None) -> None:
        if result:
            self.reload()

    def action_new(self) -> None:
        from ecp.tui.screens.entry_form import EntryFormScreen

        self.app.push_screen(EntryFormScreen(), self._after_new)

    def _after_new(self, ref: str | None) -> None:
        if ref:
            self.notify(f"Écriture {ref} validée", title="Écritures")
            self.reload()

    def action_reverse(self) -> None:
        key = self.query_one(PagedTable).current_key()
        if key is None:
            return
        detail = api.entry_detail(self.books, key[1])
        self.app.push_screen(ReverseScreen(detail, self.ecp.today), self._after_detail)


class EntryDetailScreen(Dialog[str | None]):
    """An entry as posted: lines, who, when, its hash, its reversal if any."""

    BINDINGS = [
        Binding("escape", "close", "Retour", id="entry-detail.close"),
        Binding("r", "reverse", "Contre-passer", id="entry-detail.reverse"),
    ]

    def __init__(self, entry_id: int) -> None:
        super().__init__()
        self.entry_id = entry_id

    def compose(self) -> ComposeResult:
        self.detail = api.entry_detail(self.books, self.entry_id)
        d = self.detail
        with Vertical(classes="dialog", id="detail"):
            yield Label(f"Écriture {d.ref} — {day(d.date)} — journal {d.journal}",
                        classes="title")
            yield Static(f"{d.label}\nRéférence : {d.reference or '—'}\n"
                         f"Validée par {d.posted_by} le {day(d.posted_at[:19])}\n"
                         f"Empreinte : {d.hash}")
            if d.reverses:
                yield Static(f"Contre-passation de {d.reverses}", classes="muted")
            if d.reversed_by:
                yield Static(f"Contre-passée par {d.reversed_by}", classes="error")
            yield FastTable(id="lines", cursor_type="row", flex="Intitulé")
            with Horizontal(classes="buttons"):
                if not d.reverses and not d.reversed_by:
                    yield Button("Contre-passer (r)", id="reverse", variant="warning")
                yield Button("Retour (Échap)", id="close")

    def on_mount(self) -> None:
        t = self.query_one("#lines", FastTable)
        for label in ("Compte", "Intitulé", "Dim.", "Tiers", "Débit", "Crédit"):
            t.add_column(label)
        for ln in self.detail.lines:
            t.add_row(ln.account, ln.account_name, ln.dimension, ln.third_party or "",
                      right(money(max(ln.amount, 0), True)),
                      right(money(max(-ln.amount, 0), True)))
        t.focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "reverse":
            self.action_reverse()
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)

    def action_reverse(self) -> None:
        if self.detail.reverses or self.detail.reversed_by:
            self.notify("Cette écriture est déjà liée à une contre-passation",
                        severity="warning")
            return
        self.app.push_screen(ReverseScreen(self.detail, self.ecp.today), self._done)

    def _done(self, ref: str | None) -> None:
        if ref:
            self.dismiss(ref)


class ReverseScreen(Dialog[str | None]):
    """Confirm a reversal: its date, then post it."""

    BINDINGS = [Binding("escape", "cancel", "Annuler", id="reverse.cancel")]

    def __init__(self, detail: EntryDetail, today: dt.date) -> None:
        super().__init__()
        self.detail = detail
        self.day = today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Contre-passer {self.detail.ref} ?", classes="title")
            yield Static(f"« {self.detail.label} » sera annulée par une nouvelle écriture du "
                         "même journal, aux montants inversés. L'écriture d'origine reste.")
            yield Label("Date de la contre-passation")
            yield Input(day(self.day), placeholder=DAY_PLACEHOLDER, id="date")
            yield FieldError("", id="error")
            with Horizontal(classes="buttons"):
                yield Button("Contre-passer (Entrée)", id="ok", variant="warning")
                yield Button("Annuler (Échap)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#date", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self._confirm()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self._confirm()
        else:
            self.dismiss(None)

    def action_cancel(self) -> None:
        self.dismiss(None)

    def _confirm(self) -> None:
        err = self.query_one("#error", FieldError)
        try:
            day = parse_date(self.query_one("#date", Input).value, "date")
            posted = api.reverse_entry(self.books, self.detail.ref, day)
        except EcpError as exc:
            err.update(str(exc))
            return
        self.notify(f"{self.detail.ref} contre-passée par {posted.ref}", title="Écritures")
        self.dismiss(posted.ref)
