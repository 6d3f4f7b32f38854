"""Réseau d'ECP (issue 18, the twin of ``ecp network report``): the anonymised indicators and
headline figures of several ECPs side by side, one column per ECP and the « Réseau » total,
each database read-only.

From the palette (« rapport : réseau d'ECP »). The books open in the application come first;
``b`` the other databases (paths or URLs, separated by spaces), ``d`` the period, ``t`` toggles
« partiel » (go on without a database that fails, as ``--partial``), Enter in a field shows the
report; Escape closes."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.widgets import DataTable, Input, Label, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.kernel.files import replace_private
from ecp.kernel.periods import parse_date
from ecp.reports.impact import ANONYMISED_NOTICE
from ecp.reports.network import (
    Network,
    network_anonymised_csv,
    network_tables,
    period_text,
    sources_table,
    warnings,
)
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import DAY_PLACEHOLDER
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.forms import FieldError, KeyedInput
from ecp.tui.kit.report_table import add_columns, fill
from ecp.tui.kit.table import FastTable

KEYS = ("b : autres bases (chemins ou URL) — d : période — t : partiel oui/non — c : CSV "
        "anonymisé du réseau — Entrée dans un champ : afficher — Échap : fermer")
EXPORT_DIR = Path.cwd()  # where « c » writes (like the VAT and Impact screens' exports)


class NetworkScreen(EcpScreen):
    """The network report over the books open and the databases typed."""

    BINDINGS = [
        Binding("b", "bases", "Bases", id="network.bases"),
        Binding("d", "period", "Période", id="network.period"),
        Binding("t", "partial", "Partiel", id="network.partial"),
        Binding("c", "csv", "CSV anonymisé", id="network.csv"),
        Binding("escape", "close", "Fermer", id="network.close"),
    ]
    DEFAULT_CSS = """
    NetworkScreen .bar { height: 1; padding: 0 1; }
    NetworkScreen .bar > Label { padding: 0 1; }
    NetworkScreen #dbs { width: 1fr; }
    NetworkScreen .bar > KeyedInput.date { width: 12; }
    NetworkScreen #err, NetworkScreen #warn { padding: 0 1; height: auto; }
    NetworkScreen #sections { height: 1fr; padding: 0 1; }
    NetworkScreen #sections > Label { text-style: bold; margin-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.partial = False
        self.sections: list[str] = []
        self.report: Network | None = None

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal(classes="bar"):
            yield Label("Autres bases")
            yield Input(id="dbs", placeholder="chemins ou URL, séparés par des espaces",
                        compact=True)
        with Horizontal(classes="bar"):
            yield Label("Du")
            yield KeyedInput(id="date_from", placeholder=DAY_PLACEHOLDER, restrict=r"[0-9/-]*",
                             max_length=10, compact=True, classes="date")
            yield Label("Au")
            yield KeyedInput(id="date_to", placeholder=DAY_PLACEHOLDER, restrict=r"[0-9/-]*",
                             max_length=10, compact=True, classes="date")
            yield Label("", id="partial")
        yield FieldError("", id="err")
        yield Static("", id="warn")
        yield VerticalScroll(id="sections")
        yield Label(KEYS, classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        self.sub_title = "Réseau d'ECP"
        today = self.today
        self.query_one("#date_from", KeyedInput).value = fr_day(dt.date(today.year, 1, 1))
        self.query_one("#date_to", KeyedInput).value = fr_day(today)
        self._show_partial()
        if self.compute() and self.sections:  # the keys, not a field, have the focus
            self.query_one(f"#n-{self.sections[0]}", DataTable).focus()

    def _show_partial(self) -> None:
        self.query_one("#partial", Label).update(
            "partiel : oui (une base en échec est laissée de côté)" if self.partial
            else "partiel : non (une base en échec arrête le rapport)")

    def urls(self) -> list[str]:
        own = self.books.url
        return [own, *self.query_one("#dbs", Input).value.split()]

    def compute(self) -> bool:
        """Open every ECP read-only, read their reports and show them side by side."""
        err = self.query_one("#err", FieldError)
        try:
            start = parse_date(self.query_one("#date_from", KeyedInput).value, "du",
                               field="date_from")
            end = parse_date(self.query_one("#date_to", KeyedInput).value, "au",
                             field="date_to")
            with api.open_network(self.urls(), partial=self.partial) as opened:
                net = api.network_report(opened, start, end)
        except EcpError as exc:
            err.update(Text(str(exc)))
            err.display = True
            return False
        err.update("")
        err.display = False
        self.report = net
        self.sub_title = f"Réseau d'ECP {period_text(net.start, net.end)}"
        self.query_one("#warn", Static).update(Text("\n".join(warnings(net)), style="bold red"))
        box = self.query_one("#sections", VerticalScroll)
        tables = [*network_tables(net), ("sources", sources_table(net))]
        self.sections = [key for key, _t in tables]
        for key, table in tables:
            found = box.query(f"#n-{key}")
            if found:  # shown before: its columns follow the ECPs read this time
                t = found.first(FastTable)
                t.clear(columns=True)
                box.query_one(f"#t-{key}", Label).update(table.title)
            else:
                t = FastTable(id=f"n-{key}", cursor_type="row", zebra_stripes=True)
                t.styles.height = "auto"
                box.mount(Label(table.title, id=f"t-{key}"), t)
            add_columns(t, table)
            fill(t, table)
        return True

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self.compute() and self.sections:
            self.query_one(f"#n-{self.sections[0]}", DataTable).focus()

    def action_bases(self) -> None:
        self.query_one("#dbs", Input).focus()

    def action_period(self) -> None:
        self.query_one("#date_from", KeyedInput).focus()

    def action_partial(self) -> None:
        self.partial = not self.partial
        self._show_partial()
        self.compute()

    def action_csv(self) -> None:
        """The network's anonymised CSV for the observatory (``--anonymised-csv``)."""
        if self.report is None:
            return
        net = self.report
        out = EXPORT_DIR / f"reseau-anonymise-{net.start.isoformat()}-{net.end.isoformat()}.csv"
        try:
            replace_private(out, network_anonymised_csv(net).encode("utf-8"))
        except OSError as exc:
            self.notify(f"CSV non écrit : {exc.strerror} ({exc.filename})", severity="error")
            return
        self.query_one("#warn", Static).update(Text(
            f"CSV anonymisé du réseau écrit : {out} ({ANONYMISED_NOTICE})"))
        self.notify(f"{out}\n{ANONYMISED_NOTICE}", title="CSV anonymisé", markup=False)

    def action_close(self) -> None:
        if isinstance(self.focused, Input):  # leave the field first, as elsewhere
            self.set_focus(None)
            return
        self.dismiss(None)
