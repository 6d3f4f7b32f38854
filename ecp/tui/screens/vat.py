"""TVA et créances: the VAT return of a month or a quarter and the aged receivables, with
their CSV export (the same files as ``ecp report vat`` / ``aged-receivables --format csv``)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from ecp import api
from ecp.cli.reports_sales import render_aged, render_vat
from ecp.kernel.errors import EcpError
from ecp.kernel.money import fmt_fr
from ecp.kernel.periods import parse_date
from ecp.sales.receivables import AgedRow
from ecp.sales.vat_report import VatRateRow, VatReport
from ecp.tui.app import EcpScreen

EXPORT_DIR = Path.cwd()


def _m(cents: int | None) -> Text:
    return Text("" if cents is None else fmt_fr(cents), justify="right")


class VatScreen(EcpScreen):
    """The VAT of a period (what was cashed, credited and deducted) and who still owes."""

    BINDINGS = [
        Binding("x", "export", "Exporter en CSV", show=True),
        Binding("f", "focus_period", "Période", show=True),
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

    def __init__(self) -> None:
        super().__init__()
        self.report: VatReport | None = None
        self.aged: list[AgedRow] = []
        self.at = dt.date.today()

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
            yield DataTable(id="vat-table", cursor_type="row", zebra_stripes=True)
            yield Static(id="aged-title")
            yield DataTable(id="aged-table", cursor_type="row", zebra_stripes=True)
        yield from self.compose_footer()

    def on_mount(self) -> None:
        today = self.ecp.today
        self.at = today
        self.query_one("#f-period", Input).value = f"{today.year}-{today.month:02d}"
        self.query_one("#f-at", Input).value = today.isoformat()
        vat = self.query_one("#vat-table", DataTable)
        vat.add_column("Rubrique", width=30)
        vat.add_column("Taux", width=10)
        vat.add_column("Base HT (DH)", width=16)
        vat.add_column("TVA (DH)", width=16)
        aged = self.query_one("#aged-table", DataTable)
        for name, width in (("Membre", 8), ("Client", 10), ("Nom", 22), ("Fact.", 5),
                            ("0-30 j", 12), ("31-60 j", 12), ("61-90 j", 12), ("> 90 j", 12),
                            ("Total", 13), ("Échu", 12)):
            aged.add_column(name, width=width)
        self.load()
        vat.focus()

    def on_screen_resume(self) -> None:
        self.load()

    def _say(self, text: str, error: bool = False) -> None:
        self.query_one("#vat-msg", Static).update(Text(text, style="bold red" if error else ""))

    def load(self) -> None:
        period = self.query_one("#f-period", Input).value.strip()
        at_text = self.query_one("#f-at", Input).value.strip()
        try:
            self.report = api.vat_report(self.books, period)
            self.at = parse_date(at_text, "créances au") if at_text else self.ecp.today
            self.aged = api.aged_receivables(self.books, self.at)
        except EcpError as exc:
            self._say(str(exc), error=True)
            return
        self._say("")
        self.show()

    def show(self) -> None:
        rep = self.report
        assert rep is not None
        regime = "encaissement" if rep.regime == "encaissement" else "débits"
        self.query_one("#vat-title", Static).update(
            f"TVA {rep.label} — du {rep.start:%d/%m/%Y} au {rep.last_day:%d/%m/%Y}, "
            f"régime de l'{regime}" if regime == "encaissement" else
            f"TVA {rep.label} — du {rep.start:%d/%m/%Y} au {rep.last_day:%d/%m/%Y}, "
            "régime des débits")
        t = self.query_one("#vat-table", DataTable)
        t.clear()

        def part(rows: tuple[VatRateRow, ...], label: str) -> None:
            for r in rows:
                t.add_row(label, r.rate, _m(r.base_ht), _m(r.vat))

        def total(label: str, base: int | None, vat: int, bold: bool = False) -> None:
            style = "bold" if bold else ""
            t.add_row(Text(label, style=style), "", _m(base),
                      Text(fmt_fr(vat), justify="right", style=style))

        part(rep.collected, "TVA collectée")
        total("Total TVA collectée", rep.collected_base, rep.collected_vat)
        part(rep.regularised, "Avoirs (régularisation)")
        total("TVA collectée nette", rep.collected_base - rep.regularised_base,
              rep.net_collected, bold=True)
        part(rep.deductible, "TVA déductible")
        total("Total TVA déductible", rep.deductible_base, rep.deductible_vat, bold=True)
        if rep.credit:
            total("Crédit de TVA", None, rep.credit, bold=True)
        else:
            total("TVA due", None, rep.due, bold=True)
        self.query_one("#aged-title", Static).update(
            f"Créances clients au {self.at:%d/%m/%Y}, par ancienneté depuis la date de facture")
        a = self.query_one("#aged-table", DataTable)
        a.clear()
        for r in self.aged:
            bold = "bold" if r.kind != "customer" else ""
            who: list[Any] = [r.member or "", r.customer or "", r.customer_name]
            if r.kind == "member":
                who = [Text(r.member or "", style=bold), Text("Sous-total", style=bold), ""]
            elif r.kind == "total":
                who = [Text("TOTAL", style=bold), "", ""]
            a.add_row(*who, Text(str(r.invoices), justify="right"),
                      *(_m(v) for v in (r.days_0_30, r.days_31_60, r.days_61_90, r.over_90,
                                        r.total)),
                      Text(fmt_fr(r.overdue), justify="right",
                           style="red" if r.overdue else ""))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.load()
        self.query_one("#vat-table", DataTable).focus()

    def action_focus_period(self) -> None:
        self.query_one("#f-period", Input).focus()

    def action_export(self) -> None:
        if self.report is None:
            return
        stem = f"tva-{self.report.label}"
        vat_path = EXPORT_DIR / f"{stem}.csv"
        aged_path = EXPORT_DIR / f"creances-{self.at.isoformat()}.csv"
        try:
            vat_path.write_text(render_vat(self.report, "csv") + "\n", encoding="utf-8")
            aged_path.write_text(render_aged(self.aged, self.at, "csv") + "\n",
                                 encoding="utf-8")
        except OSError as exc:
            self._say(f"export impossible : {exc.strerror} ({exc.filename})", error=True)
            return
        self._say(f"Export écrit : {vat_path} et {aged_path}")
        self.notify(f"{vat_path}\n{aged_path}", title="Exports CSV écrits")
