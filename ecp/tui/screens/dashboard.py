"""Tableau de bord: the books at a glance, every figure opens its detail."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Label

from ecp import api
from ecp.kernel.periods import parse_month
from ecp.ledger.browse import EntryFilter
from ecp.reports.vat_pending import periods_text, to_declare, to_pay
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import day, money
from ecp.tui.kit.table import FastTable, right


class DashboardScreen(EcpScreen):
    BINDINGS = [
        Binding("enter", "open", "Détail", id="dashboard.open"),
        Binding("r", "refresh", "Actualiser", id="dashboard.refresh"),
        Binding("p", "settings", "Paramètres", id="dashboard.settings"),
        Binding("tab", "app.focus_next", "Tableau suivant", show=False,
                id="dashboard.focus_next"),
    ]

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        with Horizontal():
            with Vertical():
                yield Label("Indicateurs (Entrée : détail)", classes="title")
                yield FastTable(id="figures", cursor_type="row", flex="Indicateur")
            with Vertical():
                yield Label("Trésorerie (banque + caisse) par dimension (Entrée : grand "
                            "livre)", classes="title")
                yield FastTable(id="cash", cursor_type="row", zebra_stripes=True,
                                flex="Nom")
        yield Label("", id="verify", classes="status")
        yield from self.compose_footer()

    def action_settings(self) -> None:
        self.ecp.open_settings()

    def on_mount(self) -> None:
        f = self.query_one("#figures", DataTable)
        f.add_column("Indicateur")
        f.add_column("Montant (DH)")
        c = self.query_one("#cash", DataTable)
        c.add_column("Dimension")
        c.add_column("Nom")
        c.add_column("Banque + caisse (DH)")
        self.load()

    def on_screen_resume(self) -> None:
        self.load()

    def load(self) -> None:
        d = api.dashboard(self.books, self.ecp.today)
        last = api.last_verify(self.books)
        self._targets: dict[str, tuple[str, Any]] = {}
        f = self.query_one("#figures", DataTable)
        f.clear()

        def row(key: str, label: str, value: str, target: tuple[str, Any]) -> None:
            f.add_row(label, right(value), key=key)
            self._targets[key] = target

        # every 51… balance, the ECP's and the members': not what a member may be paid (F6
        # « Disponible pour versement » also takes off VAT due, sums owed, payroll, reserve)
        row("cash", "Trésorerie (banque + caisse), ECP et membres", money(d.cash_total),
            ("ledger", "5141"))
        row("recv", "Créances clients", money(d.receivables), ("ledger", "34211"))
        row("pay", "Dettes fournisseurs", money(d.payables), ("ledger", "44111"))
        row("vat", "TVA facturée exigible (4455)", money(d.vat_collected), ("ledger", "4455"))
        row("vatp", "TVA sur factures non encaissées (44551)", money(d.vat_pending),
            ("ledger", "44551"))
        row("vatd", "TVA récupérable (34552, 34554)", money(d.vat_deductible),
            ("ledger", "34552"))
        row("vatn", "TVA nette (exigible - récupérable)",
            money(d.vat_collected - d.vat_deductible), ("balance", None))
        # the VAT cycle: ended periods not declared, declared periods not paid (F10)
        pending = api.vat_status(self.books, self.ecp.today)
        unpaid = to_pay(pending)
        row("vatdecl", "TVA à déclarer : " + (periods_text(to_declare(pending)) or "aucune"),
            "", ("tva", None))
        row("vatpay", "TVA à payer : " + (periods_text([p.period for p in unpaid]) or "rien"),
            money(sum(p.amount for p in unpaid)), ("tva", None))
        row("month", f"Écritures de {d.month}", str(d.entries_this_month),
            ("entries", d.month))
        row("all", "Écritures au total", str(d.entries_total), ("entries", None))
        if last is None:
            vtxt = "jamais lancée"
        elif last.ok:
            vtxt = f"réussie le {day(last.at)}"
        else:
            vtxt = f"ÉCHEC ({last.findings} anomalies) le {day(last.at)}"
        row("verify", f"Dernière vérification : {vtxt}", "", ("closing", None))
        c = self.query_one("#cash", DataTable)
        c.clear()
        for code, name, bal in d.cash_by_dimension:
            c.add_row(code, name, right(money(bal)), key=code)
        self.query_one("#verify", Label).update(
            f"{d.ecp_name} — {d.entries_total} écritures — F2 saisir une écriture, "
            "Ctrl+P toutes les commandes")

    def action_refresh(self) -> None:
        self.load()
        self.ecp.refresh_title()

    def action_open(self) -> None:
        focused = self.focused
        if not isinstance(focused, DataTable) or focused.row_count == 0:
            return
        key = focused.coordinate_to_cell_key(focused.cursor_coordinate).row_key.value
        if focused.id == "cash":
            self.ecp.open_ledger("5141", key)
            return
        kind, arg = self._targets[str(key)]
        if kind == "ledger":
            self.ecp.open_ledger(arg, None)
        elif kind == "entries":
            flt = EntryFilter(month=parse_month(arg)) if arg else EntryFilter()
            self.ecp.open_entries(flt)
        elif kind == "balance":
            self.ecp.action_go("balance")
        elif kind == "tva":
            self.ecp.action_go("tva")
        else:
            self.ecp.action_go("cloture")

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        self.action_open()
