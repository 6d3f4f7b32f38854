"""Clôture: a month's checks, its lock, and the log of closes and reopenings.

The month proposed on arrival is the oldest month before the current one that still has
entries and is not closed: months are closed in order, and a month left open behind is the
one to deal with first. When every past month with entries is closed, it is the previous
month (the one a bookkeeper closes at the start of a month). The current month is never
proposed: it is still being entered. Any month can be typed in.

Verifying the books reads every entry and line: on big books it takes seconds, so it runs in a
worker (the screen stays live, a loading indicator shows it). Closing uses the verification
shown if it was made on the current chain head, and runs a fresh one otherwise.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, DataTable, Input, Label, LoadingIndicator, Static

from ecp import api
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import EcpError
from ecp.kernel.periods import (
    Month,
    month_key,
    month_label,
    month_start,
    next_month,
    parse_month,
)
from ecp.ledger.browse import EntryFilter
from ecp.ledger.integrity import Report
from ecp.ledger.periods import PeriodEventView
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FieldError, FormModal, KeyedInput
from ecp.tui.kit.table import FastTable

ACTIONS_FR = {"close": "clôture", "reopen": "réouverture"}


# Up to this many entries, verify runs in a thread (a fraction of a second). Beyond, in a child
# process: verify is pure Python work that holds the GIL, and a thread would starve the screen
# (keys answered seconds late) for as long as it runs.
THREAD_LIMIT = 5_000
_CHILD = """
import json, os, sys
if hasattr(os, "nice"):
    os.nice(10)  # the bookkeeper's screen comes first
from ecp import api
books = api.open_books(sys.stdin.readline().strip())
rep = api.verify(books)
json.dump({"head": [rep.head.count, rep.head.hash], "entries": rep.entries,
           "lines": rep.lines, "findings": rep.findings}, sys.stdout)
"""


async def verify_in_child(url: str) -> Report:
    """``api.verify`` in another Python process (the URL goes through stdin, not the command
    line, where a PostgreSQL password would show in the process list). Cancelling the worker
    kills it."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-c", _CHILD, stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await proc.communicate((url + "\n").encode())
    except asyncio.CancelledError:
        proc.kill()
        raise
    if proc.returncode != 0:
        lines = err.decode(errors="replace").strip().splitlines()
        raise EcpError(lines[-1] if lines else f"code de sortie {proc.returncode}")
    d = json.loads(out)
    return Report(head=ChainHead(int(d["head"][0]), str(d["head"][1])), entries=int(d["entries"]),
                  lines=int(d["lines"]), findings=[str(f) for f in d["findings"]])


def previous_month(key: int) -> int:
    y, m = divmod(key, 100)
    return (y - 1) * 100 + 12 if m == 1 else key - 1


def default_month(books: api.Books, today_key: int) -> int:
    """The oldest past month with entries still open, else the previous month."""
    oldest = api.entries_page(books, EntryFilter(), after=(0, 0), limit=1)
    if oldest:
        m = oldest[0].day // 100
        while m < today_key:
            if not api.month_is_closed(books, Month.from_key(m)) and entries_in(books, m):
                return m
            m = next_month(m)
    return previous_month(today_key)


def entries_in(books: api.Books, month: int) -> int:
    """How many entries the month holds (the dashboard's indexed count)."""
    return api.dashboard(books, month_start(month)).entries_this_month


def when(at: str) -> str:
    """A stored timestamp (``2026-12-07T06:13:…``) as the screens write it: ``07/12/2026 06:13``."""
    return fr_day(at)


def short(head: ChainHead) -> str:
    return f"{head.count}:{head.hash[:16]}…"


class ConfirmCloseScreen(ModalScreen[bool]):
    """Clôturer ? Enter confirms, Escape cancels."""

    BINDINGS = [Binding("escape", "answer(False)", "Annuler", id="confirm-close.answer-false"),
                Binding("enter", "answer(True)", "Clôturer", id="confirm-close.answer-true")]

    def __init__(self, month: str, entries: int, unfinished: str = "") -> None:
        super().__init__()
        self.month = month
        self.entries = entries
        self.unfinished = unfinished

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Clôturer {self.month} ?", classes="title")
            yield Static(f"{self.entries} écriture(s) dans le mois. Les livres seront vérifiés "
                         "d'abord ; une fois clôturé, plus aucune écriture n'y sera acceptée. "
                         "La tête de chaîne est enregistrée. Rouvrir demandera un motif, "
                         "gardé dans le journal des clôtures.")
            if self.unfinished:
                yield Static(self.unfinished, classes="error")
            with Horizontal(classes="buttons"):
                yield Button("Clôturer (Entrée)", id="ok", variant="warning")
                yield Button("Annuler (Échap)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "ok")

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)


class ReopenScreen(FormModal[ChainHead | None]):
    """Rouvrir a closed month: the reason is required and kept in the log."""

    FIELDS = {"reason": "reason"}

    def __init__(self, month: int, note: str = "") -> None:
        super().__init__()
        self.month = month
        self.note = note

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Rouvrir {month_label(self.month)}", classes="title")
            if self.note:
                yield Static(self.note, classes="error")
            yield Static("Rouvrir un mois clôturé permet d'y saisir à nouveau. Le motif est "
                         "enregistré avec la date, l'auteur et la tête de chaîne.",
                         classes="muted")
            yield from self.field("Motif", Input(id="reason",
                                                 placeholder="ex. facture fournisseur oubliée"))
            yield from self.general_error()
            yield from self.buttons("Rouvrir", "Entrée : rouvrir — Échap : annuler")

    def on_mount(self) -> None:
        self.query_one("#reason", Input).focus()

    def save(self) -> ChainHead:
        app: Any = self.app
        return api.reopen_period(app.books, Month.from_key(self.month), self.value("reason"))


class ClosingScreen(EcpScreen):
    # the month field (KeyedInput: digits and « - ») leaves the letters to these (issue 17)
    BINDINGS = [
        Binding("c", "close", "Clôturer", priority=True, id="closing.close"),
        Binding("o", "reopen", "Rouvrir", priority=True, id="closing.reopen"),
        Binding("v", "verify", "Vérifier", priority=True, id="closing.verify"),
        Binding("m", "month", "Mois", priority=True, id="closing.month"),
        Binding("f", "month_end", "Fin de mois", priority=True, id="closing.month_end"),
        Binding("y", "year_end", "Exercice", priority=True, id="closing.year_end"),
        Binding("d", "draft", "Brouillon", priority=True, id="closing.draft"),
        Binding("escape", "table", "Journal", show=False, id="closing.table"),
    ]
    DEFAULT_CSS = """
    ClosingScreen #checks { height: auto; border: round $primary; padding: 0 1;
                            margin: 0 1; }
    ClosingScreen #verify-row { height: 1; }
    ClosingScreen #verify-row > Static { width: auto; }
    ClosingScreen #verifying { width: 12; height: 1; min-height: 1; }
    ClosingScreen #outcome { height: auto; padding: 0 2; margin-top: 1; }
    ClosingScreen #events-title { margin-top: 1; }
    ClosingScreen #monthbar { height: auto; padding: 0 1; }
    ClosingScreen #monthbar > Label { padding: 1 1 0 0; }
    ClosingScreen #month { width: 15; }
    ClosingScreen #month-error { padding: 1 1 0 1; width: 1fr; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.month: int = 0
        self.report: Report | None = None
        self.verified_at = ""
        self.verifying = False
        self._pending_close: int | None = None
        self._events: list[PeriodEventView] = []
        self._drafts: list[Any] = []

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="monthbar"):
            yield Label("Mois à contrôler (AAAA-MM)")
            yield KeyedInput(id="month", max_length=7, restrict=r"[0-9-]*")
            yield FieldError("", id="month-error")
        with Vertical(id="checks"):
            yield Label("", id="chk-title", classes="title")
            yield Static("", id="chk-state")
            yield Static("", id="chk-entries")
            yield Static("", id="chk-drafts")
            with Horizontal(id="verify-row"):
                yield Static("", id="chk-verify")
                yield LoadingIndicator(id="verifying")
            yield Static("", id="chk-unbalanced")
            yield Static("", id="chk-head")
        yield Static("", id="outcome")
        yield Label("Journal des clôtures et réouvertures (le plus récent en haut)",
                    id="events-title", classes="title")
        yield FastTable(id="events", cursor_type="row", zebra_stripes=True, flex="Motif")
        yield Static("c : clôturer le mois — o : le rouvrir (motif) — v : vérifier les livres — "
                     "m : changer de mois — d : ouvrir le premier brouillon du mois — "
                     "f : fin de mois (contributions, relevés, clôture) — "
                     "y : clôture de l'exercice (contrôles, immobilisations, états, clôture)",
                     classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        t = self.query_one("#events", DataTable)
        for label, width in (("Mois", 8), ("Action", 11), ("Date (UTC)", 16), ("Par", 12),
                             ("Tête de chaîne", 24), ("Motif", 50)):
            t.add_column(label, width=width)
        self.month = default_month(self.books, month_key(self.ecp.today))
        self.query_one("#month", Input).value = month_label(self.month)
        self.query_one("#verifying", LoadingIndicator).display = False
        self.query_one("#chk-title", Label).styles.padding = 0
        self._outcome("")
        self.refresh_month()
        t.focus()
        self.action_verify()

    def on_screen_resume(self) -> None:
        self.refresh_month()
        self.action_verify()

    # --- the month -----------------------------------------------------------------------------

    def _month_from_input(self) -> int | None:
        """The month typed, or None with the French error next to the field."""
        err = self.query_one("#month-error", FieldError)
        try:
            m = parse_month(self.query_one("#month", Input).value)
        except EcpError as exc:
            err.update(Text(str(exc)))
            return None
        err.update("")
        return m

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id != "month":
            return
        try:
            m = parse_month(event.value)
        except EcpError:
            return  # still typing: said on Enter or when leaving the field
        self.query_one("#month-error", FieldError).update("")
        if m != self.month:
            self.month = m
            self._outcome("")
            self.refresh_month()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id == "month" and self._month_from_input() is not None:
            self.action_table()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        if event.input.id == "month":
            self._month_from_input()

    def action_month(self) -> None:
        self.query_one("#month", Input).focus()

    def action_table(self) -> None:
        self.query_one("#events", DataTable).focus()

    def refresh_month(self) -> None:
        """The checks that depend on the month (cheap) and the events table."""
        books, label = self.books, month_label(self.month)
        self._events = api.period_events(books)
        mine = [e for e in self._events if e.month == label]
        self.query_one("#chk-title", Label).update(f"Contrôles de {label}")
        state = self.query_one("#chk-state", Static)
        if api.month_is_closed(books, Month.from_key(self.month)):
            last = mine[-1] if mine else None
            state.update(Text("État du mois : clôturé" + (
                f" le {when(last.at)} par {last.actor}, tête enregistrée {short(last.head)}"
                if last else "")))
            state.set_classes("error")
        else:
            last = mine[-1] if mine else None
            state.update(Text("État du mois : ouvert" + (
                f" (rouvert le {when(last.at)} par {last.actor} — motif : {last.reason})"
                if last else "")))
            state.set_classes("ok")
        n = entries_in(books, self.month)
        self.query_one("#chk-entries", Static).update(
            f"Écritures du mois : {n if n else 'aucune'}")
        self._drafts = api.month_drafts(books, Month.from_key(self.month))
        drafts = self.query_one("#chk-drafts", Static)
        if self._drafts:
            drafts.update(Text(
                f"Brouillons datés dans le mois : {len(self._drafts)} — "
                + " ; ".join(api.draft_line(d) for d in self._drafts[:5])
                + (" ; …" if len(self._drafts) > 5 else "")
                + " — le mois ne se clôture pas avant qu'ils soient émis ou supprimés "
                  "(d : ouvrir le premier)"))
            drafts.set_classes("error")
        else:
            drafts.update("Brouillons datés dans le mois : aucun")
            drafts.set_classes("ok")
        self._fill_events()
        self._show_verify()

    def _fill_events(self) -> None:
        t = self.query_one("#events", DataTable)
        t.clear()
        for i, e in enumerate(reversed(self._events)):
            t.add_row(e.month, ACTIONS_FR.get(e.action, e.action), when(e.at), Text(e.actor),
                      short(e.head), Text(e.reason), key=str(i))

    # --- verification (a worker) ---------------------------------------------------------------

    def action_verify(self) -> None:
        if self.verifying:
            return
        self.verifying = True
        self._show_verify()
        self.run_worker(self._verify(), group="verify", exit_on_error=False)

    async def _verify(self) -> None:
        try:
            if api.chain_head(self.books).count <= THREAD_LIMIT:
                rep = await asyncio.to_thread(api.verify, self.books)
            else:
                rep = await verify_in_child(self.books.url)
        except Exception as exc:  # any failure is shown on the screen, never swallowed
            rep = Report(findings=[f"vérification impossible : {exc}"])
        finally:
            self.verifying = False
        self.report = rep
        last = api.last_verify(self.books)
        self.verified_at = last.at if last else ""
        self._show_verify()
        if self._pending_close is not None:
            month, self._pending_close = self._pending_close, None
            self._close_checked(month, rep)

    def _show_verify(self) -> None:
        self.query_one("#verifying", LoadingIndicator).display = self.verifying
        v = self.query_one("#chk-verify", Static)
        u = self.query_one("#chk-unbalanced", Static)
        rep = self.report
        if self.verifying:
            v.update("Vérification des livres : en cours… ")
            v.set_classes("muted")
            u.update("Écritures déséquilibrées : en attente de la vérification")
            u.set_classes("muted")
        elif rep is None:
            v.update("Vérification des livres : pas encore lancée (v)")
            v.set_classes("muted")
            u.update("Écritures déséquilibrées : en attente de la vérification")
            u.set_classes("muted")
        else:
            at = f", le {when(self.verified_at)}" if self.verified_at else ""
            if rep.ok:
                v.update(f"Vérification des livres : réussie ({rep.entries} écritures, "
                         f"{rep.lines} lignes{at})")
                v.set_classes("ok")
            else:
                v.update(Text(f"Vérification des livres : échouée ({len(rep.findings)} anomalie"
                         f"{'s' if len(rep.findings) > 1 else ''}{at}) — {rep.findings[0]}"))
                v.set_classes("error")
            bad = [f for f in rep.findings if "déséquilibrée" in f]
            if bad:
                u.update(Text(f"Écritures déséquilibrées : {len(bad)} — " + " ; ".join(bad[:3])))
                u.set_classes("error")
            else:
                u.update("Écritures déséquilibrées : aucune")
                u.set_classes("ok")
        head = rep.head if rep is not None and not self.verifying else \
            api.chain_head(self.books)
        self.query_one("#chk-head", Static).update(f"Tête de chaîne : {head}")

    # --- close and reopen ----------------------------------------------------------------------

    def _outcome(self, text: str, ok: bool = True) -> None:
        """The result of the last close or reopen, under the checks (hidden when none)."""
        o = self.query_one("#outcome", Static)
        o.update(Text(text))
        o.set_classes("ok" if ok else "error")
        o.display = bool(text)

    def action_close(self) -> None:
        month = self._month_from_input()
        if month is None:
            self._refuse("Clôture refusée", "le mois saisi n'est pas valide")
            return
        label = month_label(month)
        if api.month_is_closed(self.books, Month.from_key(month)):
            self._refuse("Clôture refusée", f"mois {label} : déjà clôturé")
            return
        n = entries_in(self.books, month)
        today = self.ecp.today
        unfinished = "" if month < month_key(today) else (
            f"Attention : {label} n'est pas terminé (nous sommes le "
            f"{fr_day(today)}) ; ses jours restants seront fermés à la saisie.")

        def confirmed(ok: bool | None) -> None:
            if ok:
                self._close(month)

        self.app.push_screen(ConfirmCloseScreen(label, n, unfinished), confirmed)

    def _close(self, month: int) -> None:
        rep = self.report
        if self.verifying or rep is None or rep.head != api.chain_head(self.books):
            # The books changed since (or were never) verified: verify them first.
            self._pending_close = month
            self._outcome(f"Vérification des livres avant la clôture de {month_label(month)}…",
                          True)
            self.action_verify()
            return
        self._close_checked(month, rep)

    def _close_checked(self, month: int, rep: Report) -> None:
        label = month_label(month)
        if not rep.ok:
            self._refuse("Clôture refusée",
                         f"la vérification des livres a échoué ({len(rep.findings)} "
                         f"anomalie{'s' if len(rep.findings) > 1 else ''}) : {rep.findings[0]}")
            return
        try:
            head = api.close_period(self.books, Month.from_key(month))
        except EcpError as exc:
            self._refuse("Clôture refusée", str(exc))
            return
        self.refresh_month()
        self._outcome(f"{label} clôturé. Tête de chaîne enregistrée : {head}", True)
        self.notify(f"{label} clôturé — tête de chaîne {short(head)}", title="Clôture")

    def _refuse(self, what: str, why: str) -> None:
        self._outcome(f"{what} : {why}", False)
        self.notify(why, title=what, severity="error", markup=False)

    def action_reopen(self) -> None:
        month = self._month_from_input()
        if month is None:
            self._refuse("Réouverture refusée", "le mois saisi n'est pas valide")
            return
        note = shown = ""
        if not api.month_is_closed(self.books, Month.from_key(month)):
            # Reopening is nearly always about the last month closed: offer it (the form
            # names it, Escape leaves).
            closed = self.closed_months()
            if not closed:
                self._refuse("Réouverture refusée", "aucun mois n'est clôturé")
                return
            note = (f"{month_label(month)} n'est pas clôturé ; le dernier mois clôturé est "
                    f"{month_label(closed[-1])}.")
            shown = self.query_one("#month", Input).value
            month = closed[-1]
            self.query_one("#month", Input).value = month_label(month)

        def done(head: ChainHead | None) -> None:
            if head is None:
                if note:  # cancelled: back to the month that was shown
                    self.query_one("#month", Input).value = shown
                return
            self.refresh_month()
            label = month_label(month)
            self._outcome(f"{label} rouvert. Tête de chaîne enregistrée : {head}", True)
            self.notify(f"{label} rouvert", title="Clôture")

        self.app.push_screen(ReopenScreen(month, note), done)

    def action_draft(self) -> None:
        """The month's first draft (by date) in the invoice form: issue it or delete it there,
        the list is read again on return."""
        if not self._drafts:
            self.notify(f"Aucun brouillon daté en {month_label(self.month)}", title="Brouillons")
            return
        d = self._drafts[0]
        self.ecp.open_draft(d.kind, d.id, lambda _result: self.refresh_month())

    def closed_months(self) -> list[int]:
        """Months closed now, oldest first (from the log, checked against the locks)."""
        last: dict[str, str] = {}
        for e in api.period_events(self.books):
            last[e.month] = e.action
        months = sorted(parse_month(m) for m, action in last.items() if action == "close")
        return [m for m in months if api.month_is_closed(self.books, Month.from_key(m))]

    # --- month end (its own screen) ------------------------------------------------------------

    def action_month_end(self, purpose: str = "close") -> None:
        """The month-end checklist for the month shown (contributions, VAT, verify,
        statements, lock), on its own screen."""
        from ecp.tui.screens.month_end import MonthEndScreen

        month = self._month_from_input() or self.month
        self.app.push_screen(MonthEndScreen(month, purpose))

    def action_statements(self) -> None:
        self.action_month_end("statements")

    # --- year end (its own screen) -------------------------------------------------------------

    def action_year_end(self) -> None:
        """Clôture de l'exercice: checklist, fixed assets, depreciation, inventory,
        statements, the close and the allocation, on its own screen."""
        self.action_year("")

    def action_year(self, op: str) -> None:
        """The year-end screen, on one of its operations (the palette's « exercice : … »,
        « immobilisation : … », « états : … » entries)."""
        from ecp.tui.screens.year_end import YearEndScreen

        self.app.push_screen(YearEndScreen(op=op))
