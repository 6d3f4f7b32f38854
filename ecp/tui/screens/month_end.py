"""Fin de mois (from Clôture, key f): the month-end checklist of ``api.month_close`` —
mois précédents, brouillons, contributions, TVA, déclarations TVA, vérification, relevés,
clôture — each step shown as it completes (✓ or ✗ with its detail), the statements' progress
on a bar, stopping at the first failure. The TVA line says from the start which ended periods
are still to declare or to pay, and the next line which are not declared (informative).

It runs in a worker thread: the screen stays live while the books are verified and the
statements rendered; the thread touches the widgets only through ``app.call_from_thread``.
The statements alone (key r) can be produced without closing the month."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, ProgressBar, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.periods import Month, month_label, parse_month
from ecp.reports.vat_pending import pending_text
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.forms import FieldError, KeyedInput

STEPS = (("mois précédents", "Mois antérieurs avec des écritures clôturés (dans l'ordre)"),
         ("brouillons", "Aucun brouillon (facture, devis) daté dans le mois"),
         ("contributions", "Contributions du mois calculées et passées"),
         ("TVA", "TVA du mois : exigible, en attente ; périodes à déclarer ou à payer"),
         ("déclarations TVA", "Périodes de TVA terminées non déclarées (n'empêche pas)"),
         ("vérification", "Vérification des livres (chaîne, soldes)"),
         ("relevés", "Relevés mensuels des membres (PDF)"),
         ("clôture", "Clôture du mois (verrou)"))
NAMES = [n for n, _ in STEPS]
TVA, STATEMENTS = NAMES.index("TVA"), NAMES.index("relevés")


class ConfirmMonthEndScreen(ModalScreen[bool]):
    """Lancer la fin de mois ? Enter confirms, Escape cancels."""

    BINDINGS = [Binding("escape", "answer(False)", "Annuler", id="confirm-month-end.answer-false"),
                Binding("enter", "answer(True)", "Lancer", id="confirm-month-end.answer-true")]

    def __init__(self, month: str) -> None:
        super().__init__()
        self.month = month

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Label(f"Fin de mois {self.month} ?", classes="title")
            yield Static("Les contributions du mois seront passées, les livres vérifiés, les "
                         "relevés des membres produits, puis le mois clôturé : plus aucune "
                         "écriture n'y sera acceptée (rouvrir demandera un motif). La liste "
                         "s'arrête à la première étape en échec.")
            with Horizontal(classes="buttons"):
                yield Button("Lancer (Entrée)", id="ok", variant="warning")
                yield Button("Annuler (Échap)", id="cancel")

    def on_mount(self) -> None:
        self.query_one("#ok", Button).focus()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        event.stop()
        self.dismiss(event.button.id == "ok")

    def action_answer(self, ok: bool) -> None:
        self.dismiss(ok)


class MonthEndScreen(EcpScreen):
    """La fin de mois, pas à pas."""

    # priority, and the month field leaves letters to them (KeyedInput): it has the focus
    BINDINGS = [
        Binding("l", "launch", "Lancer la fin de mois", priority=True, id="month-end.launch"),
        Binding("r", "statements", "Relevés seulement", priority=True,
                id="month-end.statements"),
        Binding("m", "month", "Mois", priority=True, id="month-end.month"),
        Binding("escape", "back", "Retour", id="month-end.back"),
    ]
    DEFAULT_CSS = """
    MonthEndScreen #monthbar { height: 1; padding: 0 1; margin-bottom: 1; }
    MonthEndScreen #monthbar > Label { padding: 0 1 0 0; }
    MonthEndScreen #month { width: 10; }
    MonthEndScreen #month-error { padding: 0 1; width: 1fr; }
    MonthEndScreen #steps { height: auto; border: round $primary; padding: 0 1; margin: 0 1; }
    MonthEndScreen .step { height: auto; }
    MonthEndScreen #progress-row { height: auto; padding: 1 1 0 1; }
    MonthEndScreen #progress-label { width: 1fr; padding-left: 2; }
    MonthEndScreen #outcome { height: auto; padding: 1 2; }
    """

    def __init__(self, month: int, purpose: str = "close") -> None:
        """``purpose``: what Enter in the month field does, ``close`` or ``statements``."""
        super().__init__()
        self.month = month
        self.purpose = purpose
        self.running = False

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="monthbar"):
            yield Label("Mois (AAAA-MM)")
            yield KeyedInput(month_label(self.month), id="month", max_length=7,
                             restrict=r"[0-9-]*", compact=True)
            yield FieldError("", id="month-error")
        with Vertical(id="steps"):
            yield Label("", id="steps-title", classes="title")
            for i in range(len(STEPS)):
                yield Static("", id=f"step-{i}", classes="step")
        with Horizontal(id="progress-row"):
            yield ProgressBar(id="progress", show_eta=False)
            yield Static("", id="progress-label")
        yield Static("", id="outcome")
        yield Label("", id="hint", classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.query_one("#steps-title", Label).styles.padding = 0
        self.query_one("#hint", Label).update(
            "Entrée dans le mois : " + ("les relevés" if self.purpose == "statements"
                                        else "la fin de mois")
            + " — l : fin de mois — r : relevés seulement (sans clôturer) — m : mois — "
              "Échap : retour")
        self.reset()
        self.query_one("#month", Input).focus()

    def reset(self) -> None:
        self.query_one("#steps-title", Label).update(
            f"Fin de mois {month_label(self.month)} : liste de contrôle"
            + (" (mois déjà clôturé)"
               if api.month_is_closed(self.books, Month.from_key(self.month)) else ""))
        for i, (_, text) in enumerate(STEPS):
            self.step_line(i, "·", text, "", "muted")
        # what is still to declare or pay, shown before the run (informative: it does not
        # stop the close)
        status = api.vat_status(self.books, self.ecp.today)
        self.step_line(TVA, "·", STEPS[TVA][1], f"TVA : {pending_text(status)}", "muted")
        undeclared = [p.period for p in status if p.state == "à déclarer"]
        if undeclared:
            self.step_line(TVA + 1, "·", STEPS[TVA + 1][1], ", ".join(undeclared), "muted")
        self.query_one("#progress", ProgressBar).update(total=100, progress=0)
        self.query_one("#progress-label", Static).update("Relevés : pas encore produits")
        self.outcome("")

    def step_line(self, i: int, mark: str, text: str, detail: str, cls: str) -> None:
        w = self.query_one(f"#step-{i}", Static)
        w.update(Text(f"{mark} {text}" + (f" — {detail}" if detail else "")))
        w.set_classes(f"step {cls}")

    def outcome(self, text: str, ok: bool = True) -> None:
        o = self.query_one("#outcome", Static)
        o.update(Text(text))
        o.set_classes("ok" if ok else "error")
        o.display = bool(text)

    # --- the month -----------------------------------------------------------------------------

    def _month_from_input(self) -> int | None:
        err = self.query_one("#month-error", FieldError)
        try:
            m = parse_month(self.query_one("#month", Input).value)
        except EcpError as exc:
            err.update(Text(str(exc)))
            return None
        err.update("")
        return m

    def on_input_changed(self, event: Input.Changed) -> None:
        try:
            m = parse_month(event.value)
        except EcpError:
            return
        self.query_one("#month-error", FieldError).update("")
        if m != self.month and not self.running:
            self.month = m
            self.reset()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.purpose == "statements":
            self.action_statements()
        else:
            self.action_launch()

    def action_month(self) -> None:
        self.query_one("#month", Input).focus()

    def action_back(self) -> None:
        if self.running:
            self.notify("La fin de mois est en cours : attendez la fin de l'étape.",
                        severity="warning")
            return
        self.dismiss(None)

    # --- running -------------------------------------------------------------------------------

    def _ready(self) -> int | None:
        if self.running:
            self.notify("Déjà en cours", severity="warning")
            return None
        month = self._month_from_input()
        if month is None:
            self.outcome("Le mois saisi n'est pas valide (AAAA-MM).", ok=False)
            return None
        if month != self.month:
            self.month = month
        self.reset()
        return month

    def action_launch(self) -> None:
        month = self._ready()
        if month is None:
            return
        label = month_label(month)
        if api.month_is_closed(self.books, Month.from_key(month)):
            self.outcome(f"Fin de mois refusée : {label} est déjà clôturé.", ok=False)
            return

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.start(label, close=True)

        self.app.push_screen(ConfirmMonthEndScreen(label), confirmed)

    def action_statements(self) -> None:
        month = self._ready()
        if month is not None:
            self.start(month_label(month), close=False)

    def start(self, label: str, close: bool) -> None:
        self.running = True
        self.query_one("#month", Input).disabled = True
        if close:
            self.step_line(0, "…", STEPS[0][1], "en cours", "")
        else:
            self.step_line(STATEMENTS, "…", STEPS[STATEMENTS][1], "en cours", "")
        self.outcome(("Fin de mois" if close else "Relevés") + f" de {label} en cours…")
        self.run_checklist(label, close)

    @work(thread=True, exclusive=True, group="month-end", exit_on_error=False)
    def run_checklist(self, label: str, close: bool) -> None:
        call = self.app.call_from_thread
        try:
            if close:
                steps = api.month_close(
                    self.books, Month.parse(label),
                    progress=lambda d, t, m: call(self.on_progress, d, t, m),
                    on_step=lambda s: call(self.on_step, s))
                ok = all(s.ok for s in steps) and len(steps) == len(STEPS)
                failed = next((s for s in steps if not s.ok), None)
                text = (f"{label} clôturé : les {len(STEPS)} étapes sont passées." if ok else
                        f"Fin de mois arrêtée à l'étape « {failed.name} » : {failed.detail}"
                        if failed else "Fin de mois interrompue.")
            else:
                paths = api.write_statements(
                    self.books, Month.parse(label),
                    progress=lambda d, t, m: call(self.on_progress, d, t, m))
                ok = True
                folder = paths[0].parent if paths else \
                    api.statements_dir(self.books, Month.parse(label))
                text = f"{len(paths)} relevés de {label} dans {folder}"
                call(self.step_line, STATEMENTS, "✓", STEPS[STATEMENTS][1], text, "ok")
        except Exception as exc:  # any failure is shown on the screen, never swallowed
            ok, text = False, f"Erreur : {exc}"
        call(self.finished, text, ok)

    def on_step(self, step: Any) -> None:
        i = NAMES.index(step.name) if step.name in NAMES else len(STEPS) - 1
        self.step_line(i, "✓" if step.ok else "✗", STEPS[i][1], step.detail,
                       "ok" if step.ok else "error")
        if step.ok and i + 1 < len(STEPS):
            self.step_line(i + 1, "…", STEPS[i + 1][1], "en cours", "")

    def on_progress(self, done: int, total: int, member: str) -> None:
        self.query_one("#progress", ProgressBar).update(total=total, progress=done)
        self.query_one("#progress-label", Static).update(
            Text(f"Relevés : {done}/{total} (dernier : {member})"))

    def finished(self, text: str, ok: bool) -> None:
        self.running = False
        self.query_one("#month", Input).disabled = False
        self.outcome(text, ok)
        title = self.query_one("#steps-title", Label)
        if api.month_is_closed(self.books, Month.from_key(self.month)):
            title.update(f"Fin de mois {month_label(self.month)} : liste de contrôle "
                         "(mois clôturé)")
        self.notify(text, title="Fin de mois", severity="information" if ok else "error",
                    markup=False)
