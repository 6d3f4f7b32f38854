"""TVA et créances: the VAT return of a month or a quarter and the aged receivables, with
their CSV export (the same files as ``ecp report vat`` / ``aged-receivables --format csv``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.files import write_private
from ecp.kernel.periods import Period, parse_date
from ecp.reports.render import render_table
from ecp.reports.tables import AGED_COLUMNS, VAT_COLUMNS, Table, aged_table, vat_table
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.report_table import add_columns, fill
from ecp.tui.kit.table import FastTable

if TYPE_CHECKING:
    from ecp.sales.receivables import AgedRow
    from ecp.sales.vat_report import VatReport

EXPORT_DIR = Path.cwd()


class VatScreen(EcpScreen):
    """The VAT of a period (what was cashed, credited and deducted) and who still owes."""

    BINDINGS = [
        Binding("x", "export", "Exporter en CSV", show=True, id="vat.export"),
        Binding("f", "focus_period", "Période", show=True, id="vat.focus_period"),
    ]
    DEFAULT_CSS = """
    VatScreen #vat-filters { height: 3; }
    VatScreen #vat-filters Input { width: 22; }
    VatScreen #vat-filters Label { padding: 1 1 0 1; }
    VatScreen #vat-title, VatScreen #aged-title { padding: 0 1; text-style: bold; }
    VatScreen #vat-table { height: 14; }
    VatScreen #aged-table { height: 1fr; }
    VatScreen #vat-msg { padding: 0 1; height: auto; }
    """

    # façade fields -> the filter inputs (an error is marked on its input)
    FIELDS = {"period": "f-period", "at": "f-at"}

    def __init__(self) -> None:
        super().__init__()
        self.report: VatReport | None = None
        self.aged: list[AgedRow] = []
        self.at: dt.date | None = None  # the aged receivables' date, read on mount

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Vertical():
            with Horizontal(id="vat-filters"):
                yield Label("Période (AAAA-MM ou AAAA-Qn)")
                yield Input(id="f-period")
                yield Label("Créances au")
                yield Input(id="f-at", placeholder="AAAA-MM-JJ")
            yield Static(id="vat-msg")
            yield Static(id="vat-title")
            yield FastTable(id="vat-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="aged-title")
            yield FastTable(id="aged-table", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        today = self.ecp.today
        self.at = today
        self.query_one("#f-period", Input).value = f"{today.year}-{today.month:02d}"
        self.query_one("#f-at", Input).value = today.isoformat()
        vat = self.query_one("#vat-table", DataTable)
        add_columns(vat, Table("", VAT_COLUMNS, ()))
        add_columns(self.query_one("#aged-table", DataTable), Table("", AGED_COLUMNS, ()))
        self.load()
        vat.focus()

    def on_screen_resume(self) -> None:
        self.load()

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#vat-msg", Static).update(Text(text, style="bold red" if error else ""))

    def load(self) -> bool:
        """Read the filters and show the tables; False (and the error next to its input, the
        figures unchanged) when a filter is refused."""
        period = self.query_one("#f-period", Input).value.strip()
        at_text = self.query_one("#f-at", Input).value.strip()
        for w in self.query("#vat-filters > .-invalid"):
            w.remove_class("-invalid")
        try:
            self.report = api.vat_report(self.books, Period.parse(period))
            self.at = parse_date(at_text, "créances au", field="at") if at_text \
                else self.ecp.today
            self.aged = api.aged_receivables(self.books, self.at)
        except EcpError as exc:
            if exc.field in self.FIELDS:
                self.query_one(f"#{self.FIELDS[exc.field]}").add_class("-invalid")
            self._say(str(exc), error=True)
            return False
        self._say("")
        self.show()
        return True

    def show(self) -> None:
        """The tables ``ecp report vat`` and ``aged-receivables`` print; of the VAT due and the
        credit, only the one that is not zero (the VAT due when both are)."""
        rep, at = self.report, self.at
        assert rep is not None and at is not None
        vat = vat_table(rep)
        self.query_one("#vat-title", Static).update(vat.title)
        fill(self.query_one("#vat-table", DataTable), vat,
             skip={"tva_due" if rep.credit else "credit_de_tva"})
        aged = aged_table(self.aged, at)
        self.query_one("#aged-title", Static).update(aged.title)
        fill(self.query_one("#aged-table", DataTable), aged)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if self.load():  # else the focus stays on the refused input
            self.query_one("#vat-table", DataTable).focus()

    def action_focus_period(self) -> None:
        self.query_one("#f-period", Input).focus()

    def action_export(self) -> None:
        if self.report is None:
            return
        stem = f"tva-{self.report.label}"
        vat_path = EXPORT_DIR / f"{stem}.csv"
        at = self.at or self.ecp.today
        aged_path = EXPORT_DIR / f"creances-{at.isoformat()}.csv"
        try:
            # private files (0600), never written through a symbolic link
            write_private(vat_path, (render_table(vat_table(self.report), "csv") + "\n")
                          .encode("utf-8"))
            write_private(aged_path, (render_table(aged_table(self.aged, at), "csv") + "\n")
                          .encode("utf-8"))
        except OSError as exc:
            self._say(f"export impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self._say(f"Export écrit : {vat_path} et {aged_path}")
        self.notify(f"{vat_path}\n{aged_path}", title="Exports CSV écrits")
