"""Impact du programme (issue 18, the twin of ``ecp report impact``): the indicators of a period
— headline figures, members by stage and by sex × age band, entries and exits, turnover and
contribution by activity, each member's progression — as ``api.impact_report`` computes them
and the command line prints them (``ecp.reports.impact.impact_tables``).

From the palette (« rapport : impact du programme »). ``d`` the period (Du / Au, JJ/MM/AAAA;
Enter shows it), ``p`` the one-page PDF for a programme officer, ``c`` the anonymised CSV for
the observatory (no name, no birth date, no commune) — both into the current folder, like the
VAT screen's exports; Escape closes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.periods import parse_date
from ecp.reports.impact import Impact, impact_tables, period_text
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FieldError, KeyedInput
from ecp.tui.kit.report_table import add_columns, fill
from ecp.tui.kit.table import FastTable

EXPORT_DIR = Path.cwd()

# the report's sections (ecp.reports.impact.impact_tables' keys), in reading order
SECTIONS = ("synthese", "etapes", "sexe_age", "sorties", "activites", "parcours")
KEYS = ("d : période (Du / Au, Entrée pour afficher) — p : PDF d'une page — c : CSV anonymisé "
        "pour l'observatoire — Tab : tableau suivant — Échap : fermer")


class ImpactScreen(EcpScreen):
    """Impact du programme over a period."""

    BINDINGS = [
        Binding("d", "period", "Période", id="impact.period"),
        Binding("p", "pdf", "PDF", id="impact.pdf"),
        Binding("c", "csv", "CSV anonymisé", id="impact.csv"),
        Binding("escape", "close", "Fermer", id="impact.close"),
    ]
    DEFAULT_CSS = """
    ImpactScreen #periodbar { height: 1; padding: 0 1; }
    ImpactScreen #periodbar > Label { padding: 0 1; }
    ImpactScreen #periodbar > KeyedInput { width: 12; }
    ImpactScreen #err-period { padding: 0 1; height: auto; }
    ImpactScreen #message { height: auto; padding: 0 1; }
    ImpactScreen #sections { height: 1fr; padding: 0 1; }
    ImpactScreen #sections > Label { text-style: bold; margin-top: 1; }
    """

    def __init__(self, start: dt.date | None = None, end: dt.date | None = None) -> None:
        super().__init__()
        self.start = start
        self.end = end
        self.report: Impact | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(id="periodbar"):
            yield Label("Du")
            yield KeyedInput(id="date_from", placeholder=DAY_PLACEHOLDER, restrict=r"[0-9/-]*",
                             max_length=10, compact=True)
            yield Label("Au")
            yield KeyedInput(id="date_to", placeholder=DAY_PLACEHOLDER, restrict=r"[0-9/-]*",
                             max_length=10, compact=True)
        yield FieldError("", id="err-period")
        yield Static("", id="message")
        with VerticalScroll(id="sections"):
            for key in SECTIONS:
                yield Label("", id=f"title-{key}")
                yield FastTable(id=f"s-{key}", cursor_type="row", zebra_stripes=True)
        yield Label(KEYS, classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = "Impact du programme"
        today = self.today
        start = self.start or dt.date(today.year, 1, 1)
        end = self.end or today
        self.query_one("#date_from", KeyedInput).value = fr_day(start)
        self.query_one("#date_to", KeyedInput).value = fr_day(end)
        self.query_one("#message", Static).display = False
        self.query_one("#err-period", FieldError).display = False
        for key in SECTIONS:  # each table as tall as its rows (the app's style: 1fr)
            t = self.query_one(f"#s-{key}", DataTable)
            t.styles.height = "auto"
            t.styles.max_height = None
            t.styles.max_width = 110
        self.compute()
        self.query_one("#s-synthese", DataTable).focus()

    # --- the period ----------------------------------------------------------------------------

    def period(self) -> tuple[dt.date, dt.date]:
        return (parse_date(self.query_one("#date_from", KeyedInput).value, "du",
                           field="date_from"),
                parse_date(self.query_one("#date_to", KeyedInput).value, "au", field="date_to"))

    def compute(self) -> bool:
        """Read the indicators of the period typed; a refusal goes under the period bar, the
        cursor to the field it names."""
        err = self.query_one("#err-period", FieldError)
        try:
            start, end = self.period()
            report = api.impact_report(self.books, start, end)
        except EcpError as exc:
            err.update(Text(str(exc)))
            err.display = True
            if exc.field in ("date_from", "date_to"):
                self.query_one(f"#{exc.field}", KeyedInput).focus()
            return False
        err.update("")
        err.display = False
        self.start, self.end, self.report = start, end, report
        self.sub_title = f"Impact du programme {period_text(report)}"
        for key, table in impact_tables(report):
            if key not in SECTIONS:
                continue
            t = self.query_one(f"#s-{key}", DataTable)
            if not t.columns:
                add_columns(t, table)
            fill(t, table)
            self.query_one(f"#title-{key}", Label).update(table.title)
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.input.id == "date_from":
            self.query_one("#date_to", KeyedInput).focus()
        elif self.compute():
            self.query_one("#s-synthese", DataTable).focus()

    def action_period(self) -> None:
        self.query_one("#date_from", KeyedInput).focus()

    def action_close(self) -> None:
        if isinstance(self.focused, KeyedInput):  # leave the field first, as elsewhere
            self.query_one("#s-synthese", DataTable).focus()
            return
        self.dismiss(None)

    # --- the exports ---------------------------------------------------------------------------

    def say(self, text: str, ok: bool = True) -> None:
        msg = self.query_one("#message", Static)
        msg.update(Text(text))
        msg.set_classes("ok" if ok else "error")
        msg.display = bool(text)

    def _write(self, what: str, name: str,
                write: Callable[[api.Books, dt.date, dt.date, Path], Path]) -> Path | None:
        """Write ``EXPORT_DIR/name-<du>-<au>.…`` for the period shown (replaced when there)."""
        if self.report is None:
            return None
        start, end = self.report.start, self.report.end
        out = EXPORT_DIR / name.format(f"{start.isoformat()}-{end.isoformat()}")
        try:
            return write(self.books, start, end, out)
        except EcpError as exc:
            self.say(f"{what} non écrit : {exc}", ok=False)
        except OSError as exc:
            self.say(f"{what} non écrit : {exc.strerror} ({exc.filename})", ok=False)
        return None

    def action_pdf(self) -> None:
        """The one-page PDF of the period shown (``ecp report impact --out``)."""
        path = self._write("PDF", "impact-{}.pdf", lambda b, d0, d1, out: api.impact_pdf(
            b, d0, d1, out, force=True))
        if path is not None and self.report is not None:
            self.say(f"PDF de l'impact {period_text(self.report)} écrit : {path}")
            self.notify(str(path), title="Impact (PDF)", markup=False)

    def action_csv(self) -> None:
        """The anonymised CSV for the observatory (``ecp report impact --anonymised-csv``)."""
        path = self._write("CSV anonymisé", "impact-anonymise-{}.csv",
                           lambda b, d0, d1, out: api.impact_anonymised_csv(
                               b, d0, d1, out, force=True))
        if path is not None:
            self.say(f"CSV anonymisé pour l'observatoire écrit : {path} "
                     f"({api.ANONYMISED_NOTICE})")
            self.notify(f"{path}\n{api.ANONYMISED_NOTICE}", title="CSV anonymisé",
                        markup=False)
