"""Files: import postings from a CSV, export the hledger journal, back up the books — the TUI
twins of ``ecp import postings``, ``ecp export hledger`` and ``ecp backup``. Each dialog asks
for a path, runs the operation in a thread (a LoadingIndicator meanwhile) and says where the
file is, or lists what was refused."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, LoadingIndicator, Static

from ecp import api
from ecp.kernel.errors import EcpError, ValidationError
from ecp.kernel.files import private_dir
from ecp.tui.kit.forms import FieldError


class FileDialog(ModalScreen[None]):
    """A path, Entrée to run, the outcome shown in the dialog (Échap closes)."""

    TITLE_FR = ""
    OK = "Lancer"
    BINDINGS = [Binding("escape", "close", "Fermer", id="file-dialog.close")]
    DEFAULT_CSS = """
    FileDialog .field { height: auto; margin-top: 1; }
    FileDialog .field > Label { width: 12; }
    FileDialog .field > Input { width: 1fr; }
    FileDialog #problems { height: auto; max-height: 16; border: round $error; }
    FileDialog #result { height: auto; padding-top: 1; }
    FileDialog LoadingIndicator { height: 1; }
    FileDialog .hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.running = False

    def default_path(self) -> str:
        return ""

    def run_op(self, books: api.Books, path: Path) -> str:
        raise NotImplementedError

    @property
    def today(self) -> dt.date:
        app: Any = self.app
        today: dt.date = app.today
        return today

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(self.TITLE_FR, classes="title")
            with Horizontal(classes="field"):
                yield Label("Fichier")
                yield Input(self.default_path(), id="path", compact=True)
            err = FieldError("", id="err-path")
            err.display = False
            yield err
            busy = LoadingIndicator(id="busy")
            busy.display = False
            yield busy
            yield Static("", id="result")
            problems = VerticalScroll(Static("", id="problem-list"), id="problems")
            problems.display = False
            yield problems
            yield Static("Entrée : lancer — Échap : fermer", classes="hint")
            with Horizontal(classes="buttons"):
                yield Button(f"{self.OK} (Entrée)", id="ok", variant="primary")
                yield Button("Fermer (Échap)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#path", Input).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.start()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "ok":
            self.start()
        else:
            self.dismiss(None)

    def action_close(self) -> None:
        if not self.running:
            self.dismiss(None)

    def start(self) -> None:
        if self.running:
            return
        text = self.query_one("#path", Input).value.strip()
        err = self.query_one("#err-path", FieldError)
        if not text:
            err.update("fichier : obligatoire")
            err.display = True
            return
        err.display = False
        self.query_one("#result", Static).update("")
        self.query_one("#problems").display = False
        self.query_one("#busy").display = True
        self.running = True
        app: Any = self.app
        self._in_thread(app.books, Path(text).expanduser())

    @work(thread=True, exclusive=True, group="file-op", exit_on_error=False)
    def _in_thread(self, books: api.Books, path: Path) -> None:
        call: Callable[..., Any] = self.app.call_from_thread
        try:
            msg = self.run_op(books, path)
        except ValidationError as exc:
            call(self.finish, None, None, exc.problems)
        except (EcpError, OSError) as exc:
            call(self.finish, None, str(exc), None)
        else:
            call(self.finish, msg, None, None)

    def finish(self, msg: str | None, error: str | None, problems: list[str] | None) -> None:
        self.running = False
        self.query_one("#busy").display = False
        if msg is not None:
            self.query_one("#result", Static).update(Text(msg))
        if error is not None:
            err = self.query_one("#err-path", FieldError)
            err.update(Text(error))
            err.display = True
        if problems is not None:
            self.query_one("#result", Static).update(Text(
                f"{len(problems)} erreur(s), rien n'a été écrit :"))
            self.query_one("#problem-list", Static).update(Text("\n".join(problems)))
            self.query_one("#problems").display = True


class ImportDialog(FileDialog):
    TITLE_FR = "Import : écritures CSV (tout ou rien)"
    OK = "Importer"

    def run_op(self, books: api.Books, path: Path) -> str:
        res = api.import_file(books, path)
        span = f" ({res.first} … {res.last})" if res.first else ""
        return f"{res.entries} écritures, {res.lines} lignes importées{span} depuis {path}"


class ExportHledgerDialog(FileDialog):
    TITLE_FR = "Export : journal hledger / ledger-cli"
    OK = "Exporter"

    def default_path(self) -> str:
        return f"~/ecp-exports/hledger-{self.today.isoformat()}.journal"

    def run_op(self, books: api.Books, path: Path) -> str:
        private_dir(path.parent)
        res = api.export_hledger(books, path)
        return f"{res.rows} écritures exportées, écrit : {res.path}"


class BackupDialog(FileDialog):
    """``ecp backup``'s twin: a folder holding the database and the archived PDFs it records
    (private files); the problems met in the archive, if any, are listed."""

    TITLE_FR = "Sauvegarde : copie cohérente de la base et de ses archives (dossier)"
    OK = "Sauvegarder"

    def default_path(self) -> str:
        return f"~/ecp-sauvegardes/ecp-{self.today.isoformat()}"

    def run_op(self, books: api.Books, path: Path) -> str:
        res = api.backup(books, path)
        said = f"Sauvegarde écrite : {res.folder} (base {res.database.name} et {res.pdfs} " \
            "PDF archivés dans archives/)"
        if res.problems:
            said += f"\nattention, {len(res.problems)} PDF à examiner :\n" \
                + "\n".join(res.problems)
        return said
