"""The base of every job screen and dialog: typed access to the shell (the app) that holds the
books, the clock and the ways to reach another feature's screen.

Feature screens never import each other: to open the Grand livre, the entry list, one entry or
the Paramètres, they ask the shell (``self.ecp.open_ledger(...)``), which knows every screen.
``Shell`` is the Protocol of what screens need from the app; ``EcpApp`` implements it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Protocol, TypeGuard, TypeVar

from textual.app import ComposeResult
from textual.color import Color
from textual.dom import DOMNode
from textual.screen import ModalScreen, Screen
from textual.widgets import Header

from ecp.tui.kit.footer import Footer

if TYPE_CHECKING:
    from ecp.api import Books
    from ecp.ledger.browse import EntryFilter

T = TypeVar("T")


class Shell(Protocol):
    """What a screen may ask of the app."""

    @property
    def books(self) -> Books: ...

    @property
    def today(self) -> dt.date: ...

    def action_go(self, mode: str) -> None:
        """Show the job screen ``mode`` (``"balance"``, ``"ventes"``…: the F-key screens)."""

    def run_on(self, mode: str, action: str) -> None:
        """Show the screen ``mode``, then run one of its actions."""

    def open_ledger(self, account: str, dimension: str | None) -> None:
        """The Grand livre of one account (and dimension)."""

    def open_entries(self, flt: EntryFilter) -> None:
        """The list of entries, filtered."""

    def open_entry(self, entry_id: int) -> None:
        """One entry's detail, over the current screen."""

    def open_draft(self, kind: str, draft_id: int, then: Callable[[Any], None]) -> None:
        """A draft (invoice or quote) in the invoice form; ``then`` gets its result."""

    def open_settings(self) -> None:
        """The Paramètres dialog."""

    def refresh_title(self) -> None:
        """Read the ECP's name and the open month again for the title bar."""


SHELL_MEMBERS = ("books", "today", "action_go", "run_on", "open_ledger", "open_entries",
                 "open_entry", "open_draft", "open_settings", "refresh_title")
_shell_classes: dict[type, bool] = {}


def is_shell(app: object) -> TypeGuard[Shell]:
    """Whether ``app``'s class provides every member of ``Shell`` (checked on the class, once:
    no property is evaluated)."""
    cls = type(app)
    known = _shell_classes.get(cls)
    if known is None:
        known = _shell_classes[cls] = all(hasattr(cls, m) for m in SHELL_MEMBERS)
    return known


def shell_of(node: DOMNode) -> Shell:
    app = node.app
    if not is_shell(app):
        raise TypeError(f"{type(app).__name__} is not an ECP shell")
    return app


def see_through(screen: Screen[Any]) -> None:
    """A dialog lets the screen under it show, dimmed (the app's stylesheet gives every
    screen an opaque background)."""
    bg = screen.app.theme_variables.get("background", "#000000")
    screen.styles.background = Color.parse(bg).with_alpha(0.6)


class EcpScreen(Screen[Any]):
    """Base of the job screens: the shared header and footer, access to the books."""

    @property
    def ecp(self) -> Shell:
        return shell_of(self)

    @property
    def books(self) -> Books:
        return self.ecp.books

    @property
    def today(self) -> dt.date:
        return self.ecp.today

    def compose_header(self) -> ComposeResult:
        yield Header()

    def compose_footer(self) -> ComposeResult:
        yield Footer()


class Dialog(ModalScreen[T]):
    """Base of the modal dialogs: access to the books and the clock, like a job screen."""

    @property
    def ecp(self) -> Shell:
        return shell_of(self)

    @property
    def books(self) -> Books:
        return self.ecp.books

    @property
    def today(self) -> dt.date:
        return self.ecp.today
