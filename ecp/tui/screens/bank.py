"""Banque (F12): the statement lines with the best match the books suggest for each open one.
Enter (or a) accepts it after a confirmation that says what will be posted; s searches a match
by hand; r makes a rule from the line; m accepts every exact, unambiguous match; i imports a
statement; c shows the reconciliation with the ledger. Nothing is posted by guess: a line left
open waits here."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Label, Static

from ecp import api
from ecp.kernel.errors import EcpError
from ecp.sales.bank_match import LineView
from ecp.tui.kit.base import EcpScreen
from ecp.tui.kit.format import day as fr_day
from ecp.tui.kit.format import money
from ecp.tui.kit.table import FastTable
from ecp.tui.screens.bank_dialogs import (
    AcceptScreen,
    BankProfileFormScreen,
    ImportScreen,
    Match,
    MatchSearchScreen,
    ReconciliationScreen,
    RuleFormScreen,
    signed,
)

HINT = ("Entrée ou a : accepter la suggestion (= exacte, ~ à vérifier) — s : chercher à la main "
        "— r : règle depuis la ligne — m : automatique (exactes seulement)")
COLUMNS = (("Date", 10), ("Compte", 6), ("Libellé", 40), ("Montant", 13), ("État", 12),
           ("Rapprochement ou suggestion", 56))


class BankScreen(EcpScreen):
    BINDINGS = [
        Binding("a", "accept", "Accepter", id="bank.accept"),
        Binding("s", "search", "Chercher", id="bank.search"),
        Binding("r", "rule", "Règle", id="bank.rule"),
        Binding("m", "auto", "Automatique", id="bank.auto"),
        Binding("u", "toggle_unmatched", "À rapprocher/toutes", id="bank.toggle_unmatched"),
        Binding("i", "import_statement", "Importer", id="bank.import_statement"),
        Binding("c", "reconciliation", "Rapprochement", id="bank.reconciliation"),
        Binding("p", "profile", "Profil d'import", id="bank.profile"),
    ]
    DEFAULT_CSS = """
    BankScreen #bank-info { height: 1; padding: 0 1; text-style: bold; }
    BankScreen #message { height: auto; padding: 0 1; color: $success; }
    BankScreen #message.-error { color: $error; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.unmatched = False
        self.lines: dict[str, LineView] = {}
        self.best: dict[int, list[Match]] = {}
        self.last_path = ""

    def compose(self) -> ComposeResult:
        yield from self.compose_header()
        yield Static("", id="bank-info", markup=False)
        yield FastTable(id="bank-lines", cursor_type="row", zebra_stripes=True, flex="Libellé",
                        shrink=("Rapprochement ou suggestion",))
        yield Static("", id="message", markup=False)
        yield Label(HINT, id="hint", classes="status")
        yield from self.compose_footer()

    def on_mount(self) -> None:
        t = self.table
        for name, width in COLUMNS:
            t.add_column(name, width=width)
        self.load()
        t.focus()

    def on_screen_resume(self) -> None:
        self.load()

    @property
    def table(self) -> DataTable[Any]:
        return self.query_one("#bank-lines", DataTable)

    # -- loading ------------------------------------------------------------------------------

    def load(self, select: int | None = None) -> None:
        t = self.table
        keep = str(select) if select is not None else self.current_key()
        every = api.bank_lines(self.books)
        shown = [ln for ln in every if ln.status == "open" or not self.unmatched]
        self.lines = {str(ln.id): ln for ln in shown}
        self.best = {ln.id: [Match.of(s) for s in api.bank_suggestions(self.books, ln.id)]
                     for ln in shown if ln.status == "open"}
        t.clear()
        for ln in shown:
            t.add_row(fr_day(ln.day), ln.account, Text(ln.label), signed(ln.amount),
                      *self._state(ln), key=str(ln.id))
        if keep is not None and keep in t.rows:
            t.move_cursor(row=t.get_row_index(keep))
        opened = sum(1 for ln in every if ln.status == "open")
        inflow = sum(ln.amount for ln in every if ln.amount > 0)
        outflow = -sum(ln.amount for ln in every if ln.amount < 0)
        what = "lignes à rapprocher" if self.unmatched else "toutes les lignes"
        self.query_one("#bank-info", Static).update(
            f"Relevé : {len(every)} lignes, {opened} à rapprocher — entrées {money(inflow)} DH, "
            f"sorties {money(outflow)} DH — affichage : {what} (u)")
        self.sub_title = f"Banque : {opened} ligne{'s' if opened > 1 else ''} à rapprocher"
        if not every:
            self.say("Aucun relevé importé : i pour importer le fichier CSV de la banque")

    def _state(self, ln: LineView) -> tuple[Text, Text]:
        if ln.status != "open":
            return Text("rapprochée", style="green"), Text(ln.match, style="dim")
        cands = self.best.get(ln.id, [])
        if not cands:
            return (Text("à rapprocher", style="yellow"),
                    Text("— aucune suggestion (s : chercher, r : règle)", style="dim"))
        m = cands[0]
        more = f"  (+{len(cands) - 1})" if len(cands) > 1 else ""
        exacts = sum(1 for c in cands if c.exact)
        mark = "=" if m.exact else "~"
        style = "bold" if m.exact and exacts == 1 else ""
        return (Text("à rapprocher", style="yellow"),
                Text(f"{mark} {m.short()}{more}", style=style))

    def current_key(self) -> str | None:
        t = self.table
        if t.row_count == 0:
            return None
        key = t.coordinate_to_cell_key(t.cursor_coordinate).row_key.value
        return str(key) if key is not None else None

    def current(self) -> LineView | None:
        key = self.current_key()
        return self.lines.get(key) if key else None

    def say(self, text: str, error: bool = False) -> None:
        msg = self.query_one("#message", Static)
        msg.update(text)
        msg.set_class(error, "-error")

    def _open_line(self, action: str) -> LineView | None:
        ln = self.current()
        if ln is None:
            self.say("Aucune ligne de relevé : i pour importer un relevé", error=True)
            return None
        if ln.status != "open":
            self.say(f"Ligne du {ln.day:%d/%m/%Y} déjà rapprochée ({ln.match}) : rien à "
                     f"{action}", error=True)
            return None
        return ln

    def _next_open(self, after: LineView) -> int | None:
        """The open line after ``after`` (else the first open one), for the cursor."""
        ids = [ln for ln in api.bank_lines(self.books, unmatched=True)]
        later = [ln for ln in ids if (ln.day, ln.id) > (after.day, after.id)]
        nxt = later[0] if later else (ids[0] if ids else None)
        return nxt.id if nxt else None

    # -- actions ------------------------------------------------------------------------------

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_accept()

    def action_accept(self) -> None:
        ln = self._open_line("accepter")
        if ln is None:
            return
        cands = self.best.get(ln.id, [])
        if not cands:
            self.say("Aucune suggestion pour cette ligne : s pour chercher à la main, r pour "
                     "créer une règle", error=True)
            return
        self.confirm(ln, cands[0])

    def confirm(self, ln: LineView, m: Match, title: str = "") -> None:
        def done(entry: str | None) -> None:
            if entry is None:
                return
            self.load(self._next_open(ln))
            self.say(f"Ligne du {ln.day:%d/%m/%Y} « {ln.label} » rapprochée : {m.kind} {m.ref} "
                     f"(écriture {entry})")

        self.app.push_screen(AcceptScreen(ln, m.kind, m.ref, title), done)

    def action_search(self) -> None:
        ln = self._open_line("chercher")
        if ln is None:
            return
        screen = MatchSearchScreen(self.books, ln)

        def picked(key: str | None) -> None:
            if key and key in screen.found:
                self.confirm(ln, screen.found[key])

        self.app.push_screen(screen, picked)

    def action_rule(self) -> None:
        ln = self._open_line("régler par une règle")
        if ln is None:
            return

        def made(rule_id: int | None) -> None:
            if rule_id is None:
                return
            self.load()
            m = next((c for c in self.best.get(ln.id, [])
                      if c.kind == "règle" and c.ref == str(rule_id)), None)
            if m is None:  # the pattern is not in this line's label
                self.say(f"Règle n° {rule_id} enregistrée ; son motif n'est pas dans le libellé "
                         "de cette ligne : elle servira aux prochaines")
                return
            self.say(f"Règle n° {rule_id} enregistrée")
            others = sum(1 for lid, cands in self.best.items() if lid != ln.id
                         and any(c.kind == "règle" and c.ref == str(rule_id) for c in cands))
            title = f"Appliquer la règle n° {rule_id} à cette ligne ?"
            if others:
                title += f" ({others} autre{'s' if others > 1 else ''} ligne" \
                         f"{'s' if others > 1 else ''} : m)"
            self.confirm(ln, m, title)

        self.app.push_screen(RuleFormScreen(ln), made)

    def action_auto(self) -> None:
        try:
            res = api.bank_auto(self.books)
        except EcpError as exc:
            self.say(f"Rapprochement automatique interrompu : {exc}",
                     error=True)
            self.load()
            return
        self.load()
        n = len(res.accepted)
        self.say(f"Rapprochement automatique : {n} ligne{'s' if n > 1 else ''} "
                 f"rapprochée{'s' if n > 1 else ''} (correspondances exactes et uniques), "
                 f"{res.left} restent à rapprocher")
        self.notify(f"{n} rapprochée{'s' if n > 1 else ''}, {res.left} restent",
                    title="Rapprochement automatique")

    def action_toggle_unmatched(self) -> None:
        self.unmatched = not self.unmatched
        self.load()

    def action_import_statement(self) -> None:
        ln = self.current()

        def done(res: Any) -> None:
            if res is None:
                return
            result, name, account = res
            self.last_path = name
            self.load()
            self.say(f"Relevé {name} importé sur {account} : {result.read} lignes lues, "
                     f"{result.added} ajoutées, {result.duplicates} déjà présentes")
            if result.added:
                self.notify(f"{result.added} lignes ajoutées (m : rapprochement automatique)",
                            title="Import du relevé")

        self.app.push_screen(ImportScreen(account=ln.account if ln else "5141"), done)

    def action_reconciliation(self) -> None:
        ln = self.current()
        account = ln.account if ln else "5141"
        days = [x.day for x in api.bank_lines(self.books) if x.account == account]
        at = max(days) if days else self.ecp.today
        self.app.push_screen(ReconciliationScreen(account, at))

    def action_profile(self) -> None:
        """Nouveau profil d'import (colonnes du CSV de la banque): then i can use it."""
        def done(name: str | None) -> None:
            if name:
                self.say(f"Profil d'import {name} enregistré — i : importer un relevé avec")

        self.app.push_screen(BankProfileFormScreen(), done)
