"""The bookkeeper's terminal: a Textual app over the same façade as the CLI (``ecp.api``)."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import gc
import importlib
import threading
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.dom import DOMNode
from textual.screen import Screen
from textual.widget import AwaitMount
from textual.widgets import Button, Footer, Label, Static
from textual.worker import WorkerCancelled, WorkerFailed

from ecp import api
from ecp.config import resolve_db_url
from ecp.db.engine import set_wait_notice, sqlite_path
from ecp.tui.kit.palette import (
    FOOTER_FR,
    ORDERED,
    SCREENS,
    SCREENS_FR,
    Command,
    EcpCommands,
    EcpPalette,
)

if TYPE_CHECKING:
    from ecp.ledger.browse import EntryFilter

__all__ = ["SCREENS_FR", "EcpApp", "WelcomeScreen", "run"]

# What the first visit to a job screen would otherwise import: loaded in a thread while the
# bookkeeper reads the Tableau de bord, so that no F-key waits for Python to import a module.
PRELOAD = ("ecp.tui.screens.accounts", "ecp.tui.screens.bank", "ecp.tui.screens.closing",
           "ecp.tui.screens.entries", "ecp.tui.screens.entry_form", "ecp.tui.screens.members",
           "ecp.tui.screens.member_page", "ecp.tui.screens.month_end",
           "ecp.tui.screens.production", "ecp.tui.screens.reports", "ecp.tui.screens.sales",
           "ecp.tui.screens.invoice_form", "ecp.tui.screens.vat", "ecp.tui.screens.settings",
           "ecp.tui.screens.file_ops")

# The job screens built ahead, in this order, while the bookkeeper reads the Tableau de bord
# (see EcpApp._warm_up); the busiest first. WARM_DELAY: seconds after the Tableau de bord is
# drawn before the first; WARM_PAUSE: seconds left to the keyboard between two.
WARM = ("ventes", "ecritures", "grandlivre", "balance", "membres", "tva", "banque",
        "production", "plan", "journaux", "cloture")
WARM_DELAY = 0.3
WARM_PAUSE = 0.02

YEAR_OPS = ("add_asset", "dispose", "depreciation", "inventory_set", "inventory_run", "close",
            "final", "reopen", "allocate", "define")  # the year-end screen's writes
YEAR_WRITES = tuple(f"year('{op}')" for op in YEAR_OPS)  # the same, from the palette

# The actions that change the books (or write into their archive), by the binding namespace
# of the screen or dialog they run on (its bindings' id prefix; ``app`` for the app): on
# read-only books (the auditor's mode) the footer and the palette do not offer them, and a key
# pressed anyway is refused with a notice before anything opens.
WRITE_ACTIONS: dict[str, frozenset[str]] = {k: frozenset(v) for k, v in {
    "app": ("file('import')", "workshop('add')", "workshop('attend')"),
    "entries": ("new", "reverse"),
    "entry-detail": ("reverse",),
    "entry-form": ("post",),
    "accounts": ("add",),
    "bank": ("accept", "rule", "auto", "import_statement", "profile"),
    "accept": ("answer(True)",),
    "closing": ("close", "reopen", "month_end", "statements", "draft", *YEAR_WRITES),
    "confirm-close": ("answer(True)",),
    "year-end": (*YEAR_OPS, *YEAR_WRITES),
    "confirm-year-close": ("answer(True)",),
    "month-end": ("launch", "statements"),
    "confirm-month-end": ("answer(True)",),
    "members": ("add", "edit", "payout", "contribution", "social_pay", "ir_pay",
                "repay_advance"),
    "member-page": ("payout", "profile", "stage", "exit", "meeting", "attend"),
    "confirm-exit": ("answer(True)",),
    "sales": ("new", "pay", "credit", "accept", "invoice_quote", "issue", "edit", "delete",
              "new_invoice", "payment", "credit_note", "new_quote", "issue_draft",
              "new_customer", "new_supplier", "new_product", "new_expense", "refund",
              "refund_customer", "remind", "remind_invoice"),
    "document": ("choose('pay')", "choose('credit')", "choose('remind')"),
    "invoice-form": ("save", "issue"),
    "production": ("new_order", "start", "complete", "cancel", "new_material", "receive",
                   "adjust", "bom", "new_resource", "capacity", "ws('new_material')",
                   "ws('receive')", "ws('adjust')", "ws('bom')", "ws('new_resource')",
                   "ws('capacity')"),
    "order": ("act('start')", "act('complete')", "act('cancel')"),
    "vat": ("declare", "pay", "reverse"),
}.items()}
READ_ONLY_TITLE = "lecture seule"


def _namespace_key(node: object) -> str:
    """The binding namespace of a screen or dialog: the prefix of its bindings' ids."""
    if isinstance(node, App):
        return "app"
    return _class_namespace(type(node))


def _class_namespace(cls: object) -> str:
    """The binding namespace of a screen or dialog class."""
    for b in getattr(cls, "BINDINGS", ()):
        if isinstance(b, Binding) and b.id:
            return b.id.partition(".")[0]
    return ""


def command_writes(command: Command) -> bool:
    """Whether a palette command would change the books (hidden on read-only books)."""
    ns = "app" if command.mode is None else _class_namespace(_modes()[command.mode])
    return command.action in WRITE_ACTIONS.get(ns, frozenset())


def is_write_action(node: object, action: str, params: tuple[object, ...] = ()) -> bool:
    """Whether running ``action`` (with ``params``) on ``node`` would change the books."""
    key = f"{action}({', '.join(repr(p) for p in params)})" if params else action
    return key in WRITE_ACTIONS.get(_namespace_key(node), frozenset())


def _modes() -> dict[str, Callable[[], Screen[Any]]]:
    from ecp.tui.screens.accounts import AccountsScreen
    from ecp.tui.screens.bank import BankScreen
    from ecp.tui.screens.closing import ClosingScreen
    from ecp.tui.screens.dashboard import DashboardScreen
    from ecp.tui.screens.entries import EntriesScreen
    from ecp.tui.screens.members import MembersScreen
    from ecp.tui.screens.production import ProductionScreen
    from ecp.tui.screens.reports import BalanceScreen, JournalScreen, LedgerScreen
    from ecp.tui.screens.sales import SalesScreen
    from ecp.tui.screens.vat import VatScreen

    return {
        "tableau": DashboardScreen,
        "ecritures": EntriesScreen,
        "balance": BalanceScreen,
        "grandlivre": LedgerScreen,
        "journaux": JournalScreen,
        "membres": MembersScreen,
        "plan": AccountsScreen,
        "cloture": ClosingScreen,
        "ventes": SalesScreen,
        "tva": VatScreen,
        "production": ProductionScreen,
        "banque": BankScreen,
    }


class EcpApp(App[None]):
    """ECP: one screen per job, F-keys to move between them, Ctrl+P for every action."""

    CSS_PATH = "app.tcss"
    TITLE = "ECP"
    COMMANDS = {EcpCommands}
    BINDINGS = [
        # shown by the F-key strip of the footer (ecp.tui.kit.footer), not among the keys
        *(Binding(key, f"go('{mode}')", FOOTER_FR.get(mode, title), show=False,
                  id=f"app.go-{mode}")
          for mode, title, key in SCREENS),
        Binding("ctrl+q", "quit", "Quitter", priority=True, id="app.quit"),
        Binding("ctrl+p", "command_palette", "Commandes", show=True, priority=True,
                id="app.command_palette"),
    ]

    def __init__(self, books: api.Books | None, db_url: str | None = None,
                 today: dt.date | None = None, warm: bool = False) -> None:
        """``warm``: build the job screens ahead once the Tableau de bord shows (``run`` and
        the benchmarks; tests leave it off so that every screen starts as they drive it)."""
        self._books = books
        self.db_url = db_url or (books.url if books else resolve_db_url(None))
        self._today = today
        self.warm = warm
        self.warmed: list[str] = []  # the modes built ahead, in order
        self.warm_done = False
        self._previous_notice: Callable[[float], None] | None = None
        super().__init__()

    @property
    def books(self) -> api.Books:
        assert self._books is not None, "books not opened yet"
        return self._books

    @property
    def today(self) -> dt.date:
        """The date the screens work as of: the one given (tests, demos), else the books'."""
        return self._today or self.books.today()

    @property
    def read_only(self) -> bool:
        """The books are the auditor's: read-only (``--read-only``, a read-only file…)."""
        return self._books is not None and self._books.read_only

    async def _dispatch_action(self, namespace: Any, action_name: str, params: Any) -> bool:
        """Every action, from a key or the palette: on read-only books, the ones that would
        change the books are refused with a notice (Textual's one path to action methods)."""
        if self.read_only and is_write_action(namespace, action_name, tuple(params)):
            self.notify("Base en lecture seule (" + self.books.read_only_why + ") : cette "
                        "opération modifierait les livres, elle est refusée. Vérification, "
                        "rapports et exports restent disponibles.",
                        title="Lecture seule", severity="warning")
            return True
        return await super()._dispatch_action(namespace, action_name, params)

    def _check_action_state(self, action: str, default_namespace: DOMNode) -> bool | None:
        """Whether a binding is shown (Textual asks it for the footer and the keys panel of
        every screen): on read-only books the bindings that would change the books are not."""
        if self.read_only:
            target, name, params = self._parse_action(action, default_namespace)
            if is_write_action(target, name, tuple(params)):
                return False
        return super()._check_action_state(action, default_namespace)

    def _lock_notice(self, limit: float) -> None:
        """A writer waits for another process's lock (``ecp.db.engine``): say so."""
        def show() -> None:
            self.notify(f"Base occupée par une autre opération (une importation ?) : attente "
                        f"au plus {limit:.0f} s…", title="Base occupée", severity="warning")

        if self._thread_id == threading.get_ident():
            show()
        else:
            self.call_from_thread(show)

    def on_unmount(self) -> None:
        set_wait_notice(self._previous_notice)

    def on_mount(self) -> None:
        self._previous_notice = set_wait_notice(self._lock_notice)
        for name, factory in _modes().items():
            self.add_mode(name, factory)
        if self._books is None:
            self.push_screen(WelcomeScreen(self.db_url), self._after_welcome)
        else:
            self._start()
        # Everything built so far (Textual, SQLAlchemy, the screens) lives as long as the app:
        # taking it out of the collector's full passes keeps those from pausing a keystroke.
        gc.freeze()
        self._preloading = self.run_worker(self._preload, thread=True, group="preload",
                                           exit_on_error=False)

    def _preload(self) -> None:
        for name in PRELOAD:
            importlib.import_module(name)

    async def _warm_up(self) -> None:
        """Build the job screens ahead, one at a time, so that a first visit is as quick as a
        return: the screen is composed, styled, mounted (its data read) and laid out at the
        terminal's size, and F-key only resumes it (refresh of its data, then the draw).

        Textual builds a mode's screen on its first switch, and then restyles the whole app
        (``refresh_css``: every stylesheet parsed again) because a new screen has not seen
        the current CSS yet: that was most of a first visit. Here each screen is registered
        as ``App._init_mode`` does and marked as styled with the current CSS (it just was;
        a later change of theme still restyles it on its visit). Between two screens the
        keyboard gets the loop back; a screen the bookkeeper reaches first is left as
        Textual built it. Relies on Textual 8.2 internals (``_screen_stacks``,
        ``_register``, ``_load_screen_css``, ``_css_update_count``); tests/tui check the
        screens built ahead show and work."""
        with contextlib.suppress(WorkerCancelled, WorkerFailed):
            await self._preloading.wait()
        factories = _modes()
        for mode in WARM:
            await asyncio.sleep(WARM_PAUSE)
            if mode in self._screen_stacks:
                continue
            screen = factories[mode]()
            self._load_screen_css(screen)
            self._screen_stacks[mode] = [screen]  # from here, F-key finds it (even mounting)
            screen._css_update_count = self._css_update_count
            await AwaitMount(screen, self._register(self, screen))
            if screen is not self.screen and screen.is_attached:
                screen._refresh_layout(self.size)
            self.warmed.append(mode)
        await asyncio.to_thread(self._warm_books)
        # what was built lives as long as the app: out of the collector's full passes too
        gc.freeze()
        self.warm_done = True

    def _warm_books(self) -> None:
        """Off the event loop: what the first invoice and the first account search would pay
        (ReportLab, the fonts, a first layout; the search's query)."""
        from ecp.reports.invoice_pdf import warm_up

        warm_up()
        api.search_accounts(self.books, "", 1)

    def _after_welcome(self, choice: str | None) -> None:
        if choice is None:
            self.exit()
            return
        books = api.open_books(self.db_url, create=True)
        api.init(books)
        if choice == "demo":
            from ecp.demo import load_demo

            self.notify(load_demo(books), title="Démo")
        self._books = books
        self._start()

    def _start(self) -> None:
        self.refresh_title()
        self.switch_mode("tableau")
        if self.warm:
            self.call_after_refresh(self.set_timer, WARM_DELAY, lambda: self.run_worker(
                self._warm_up(), group="warm-up", exit_on_error=False))

    def refresh_title(self) -> None:
        d = api.dashboard(self.books, self.today)
        self.title = d.ecp_name + (f" — {READ_ONLY_TITLE}" if self.read_only else "")
        months = api.open_months(self.books, self.today)
        self.sub_title = f"Mois ouvert : {months[0] if months else d.month}" + (
            f" ({len(months)} ouverts)" if len(months) > 1 else "") + (
            f" · {READ_ONLY_TITLE} ({self.books.read_only_why})" if self.read_only else "")

    def action_go(self, mode: str) -> None:
        if self._books is None:
            return
        self.switch_mode(mode)

    def run_on(self, mode: str, action: str) -> None:
        """Switch to a screen, then run one of its actions (palette commands)."""
        async def go() -> None:
            await self.switch_mode(mode)
            # after the screen's first refresh: its widgets (tabs...) have their initial state
            self.screen.call_after_refresh(self.screen.run_action, action)

        self.run_worker(go(), exclusive=False)

    def open_ledger(self, account: str, dimension: str | None) -> None:
        """Drill down: the Grand livre of one account (and dimension)."""
        async def go() -> None:
            from ecp.tui.screens.reports import LedgerScreen

            await self.switch_mode("grandlivre")
            for screen in reversed(self.screen_stack):
                if isinstance(screen, LedgerScreen):
                    screen.show(account, dimension)
                    break

        self.run_worker(go())

    def open_entries(self, flt: EntryFilter) -> None:
        async def go() -> None:
            from ecp.tui.screens.entries import EntriesScreen

            await self.switch_mode("ecritures")
            # The list may be under a form or a dialog: filter it, leave what is on top.
            for screen in reversed(self.screen_stack):
                if isinstance(screen, EntriesScreen):
                    screen.set_filter(flt)
                    break
            if not isinstance(self.screen, EntriesScreen):
                self.notify("Une écriture est en cours de saisie : ctrl+s pour la valider ou "
                            "Échap pour l'abandonner, puis la liste filtrée s'affichera.",
                            title="Écritures", severity="warning")

        self.run_worker(go())

    def open_entry(self, entry_id: int) -> None:
        """One entry's detail over the current screen (from a report's line)."""
        from ecp.tui.screens.entries import EntryDetailScreen

        self.push_screen(EntryDetailScreen(entry_id))

    def open_draft(self, kind: str, draft_id: int, then: Callable[[Any], None]) -> None:
        """A draft in the invoice form over the current screen (from month-end's list)."""
        from ecp.tui.screens.invoice_form import InvoiceFormScreen

        self.push_screen(InvoiceFormScreen(kind, draft_id), then)

    def open_settings(self) -> None:
        from ecp.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def action_settings(self) -> None:
        self.open_settings()

    def action_file(self, kind: str) -> None:
        """The file dialogs: import of postings, hledger export, backup."""
        from ecp.tui.screens import file_ops

        dialogs = {"import": file_ops.ImportDialog, "hledger": file_ops.ExportHledgerDialog,
                   "backup": file_ops.BackupDialog}
        self.push_screen(dialogs[kind]())

    def action_impact(self) -> None:
        """Impact du programme: the indicators of a period, PDF and anonymised CSV."""
        from ecp.tui.screens.impact import ImpactScreen

        self.push_screen(ImpactScreen())

    def action_network(self) -> None:
        """Réseau d'ECP: the books open and others, read-only, side by side."""
        from ecp.tui.screens.network import NetworkScreen

        self.push_screen(NetworkScreen())

    def action_workshop(self, kind: str) -> None:
        """The collective workshops (issue 18): a new one, who came, the list."""
        from ecp.tui.screens.journey_dialogs import workshop_dialog

        self.push_screen(workshop_dialog(kind))

    def action_command_palette(self) -> None:
        """The palette, in French (Textual's placeholder is « Search for commands… »)."""
        if self.use_command_palette and self.screen.id != "--command-palette":
            self.push_screen(EcpPalette())

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        """The palette's commands, grouped by screen in F-key order (see palette_order)."""
        if self._books is None:
            yield SystemCommand("Quitter", "Quitter ECP", self.action_quit)
            return
        hide = self.read_only  # the auditor is not offered what would change the books
        for c in ORDERED:
            if hide and command_writes(c):
                continue
            run: Callable[[], Any] = (partial(self.run_on, c.mode, c.action) if c.mode
                                      else partial(self.run_action, c.action))
            yield SystemCommand(c.title, c.help, run)


class WelcomeScreen(Screen[str | None]):
    """First run: say where the books will be created and offer the demo."""

    BINDINGS = [
        Binding("d", "choose('demo')", "Avec la démo", id="welcome.choose-demo"),
        Binding("v", "choose('empty')", "Base vide", id="welcome.choose-empty"),
        Binding("escape", "choose(None)", "Quitter", id="welcome.choose-none"),
    ]

    def __init__(self, url: str) -> None:
        super().__init__()
        self.url = url

    def compose(self) -> ComposeResult:
        path = sqlite_path(self.url)
        where = str(path) if path else self.url
        with Vertical(classes="dialog"):
            yield Label("Bienvenue dans ECP", classes="title")
            yield Static(f"Aucune base trouvée. Elle sera créée ici :\n  {where}\n\n"
                         "Voulez-vous charger l'ECP de démonstration (Tanger, cinq membres, "
                         "quatre mois d'écritures) ?")
            with Horizontal(classes="buttons"):
                yield Button("Avec la démo (d)", id="demo", variant="primary")
                yield Button("Base vide (v)", id="empty")
                yield Button("Quitter (Échap)", id="quit")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None if event.button.id == "quit" else event.button.id)

    def action_choose(self, choice: str | None) -> None:
        self.dismiss(choice)


def run(db: str | None = None) -> int:
    """Open the app on the configured books (first run: the welcome screen)."""
    url = resolve_db_url(db)
    path = sqlite_path(url)
    books = None
    if path is None or Path(path).exists():
        books = api.open_books(url)
        if not books.read_only and not api.is_initialised(books):
            api.init(books)
    EcpApp(books, url, warm=True).run()
    return 0
