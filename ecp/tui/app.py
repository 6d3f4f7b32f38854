"""The bookkeeper's terminal: a Textual app over the same façade as the CLI (``ecp.api``)."""

from __future__ import annotations

import datetime as dt
import gc
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any, cast

from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import Button, Footer, Header, Label, Static

from ecp import api
from ecp.config import resolve_db_url
from ecp.db.engine import sqlite_path

SCREENS_FR = {
    "tableau": "Tableau de bord",
    "ecritures": "Écritures",
    "balance": "Balance",
    "grandlivre": "Grand livre",
    "journaux": "Journaux",
    "membres": "Membres",
    "plan": "Plan comptable",
    "cloture": "Clôture",
    "ventes": "Ventes",
    "tva": "TVA et créances",
    "production": "Production",
    "banque": "Banque",
}


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
    BINDINGS = [
        Binding("f1", "go('tableau')", "Tableau"),
        Binding("f2", "go('ecritures')", "Écritures"),
        Binding("f3", "go('balance')", "Balance"),
        Binding("f4", "go('grandlivre')", "Grand livre"),
        Binding("f5", "go('journaux')", "Journaux"),
        Binding("f6", "go('membres')", "Membres"),
        Binding("f7", "go('plan')", "Plan"),
        Binding("f8", "go('cloture')", "Clôture"),
        Binding("f9", "go('ventes')", "Ventes"),
        Binding("f10", "go('tva')", "TVA"),
        Binding("f11", "go('production')", "Production"),
        Binding("f12", "go('banque')", "Banque"),
        Binding("ctrl+q", "quit", "Quitter", priority=True),
        Binding("ctrl+p", "command_palette", "Commandes", show=True, priority=True),
    ]

    def __init__(self, books: api.Books | None, db_url: str | None = None,
                 today: dt.date | None = None) -> None:
        self._books = books
        self.db_url = db_url or (books.url if books else resolve_db_url(None))
        self.today = today or dt.date.today()
        super().__init__()

    @property
    def books(self) -> api.Books:
        assert self._books is not None, "books not opened yet"
        return self._books

    def on_mount(self) -> None:
        for name, factory in _modes().items():
            self.add_mode(name, factory)
        if self._books is None:
            self.push_screen(WelcomeScreen(self.db_url), self._after_welcome)
        else:
            self._start()
        # Everything built so far (Textual, SQLAlchemy, the screens) lives as long as the app:
        # taking it out of the collector's full passes keeps those from pausing a keystroke.
        gc.freeze()

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

    def refresh_title(self) -> None:
        d = api.dashboard(self.books, self.today)
        self.title = d.ecp_name
        self.sub_title = f"Mois ouvert : {d.month}"

    def action_go(self, mode: str) -> None:
        if self._books is None:
            return
        self.switch_mode(mode)

    def run_on(self, mode: str, action: str) -> None:
        """Switch to a screen, then run one of its actions (palette commands)."""
        async def go() -> None:
            await self.switch_mode(mode)
            await self.screen.run_action(action)

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

    def open_entries(self, flt: Any) -> None:
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

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        if self._books is None:
            yield SystemCommand("Quitter", "Quitter ECP", self.action_quit)
            return
        for mode, title in SCREENS_FR.items():
            yield SystemCommand(f"aller : {title.lower()}", f"Ouvrir l'écran {title}",
                                lambda m=mode: self.action_go(m))
        cmds = [
            ("écriture : nouvelle", "Saisir une écriture équilibrée", "ecritures", "new"),
            ("écriture : rechercher", "Filtrer les écritures", "ecritures", "filter"),
            ("écriture : contre-passer", "Contre-passer l'écriture sélectionnée", "ecritures",
             "reverse"),
            ("période : clôturer", "Vérifier puis clôturer un mois", "cloture", "close"),
            ("période : rouvrir", "Rouvrir un mois clôturé (motif obligatoire)", "cloture",
             "reopen"),
            ("vérifier les livres", "Recalculer la chaîne et les invariants", "cloture",
             "verify"),
            ("export : balance CSV", "Exporter la balance affichée", "balance", "export"),
            ("export : grand livre CSV", "Exporter le grand livre affiché", "grandlivre",
             "export"),
            ("export : journal CSV", "Exporter le journal affiché", "journaux", "export"),
            ("membre : ajouter", "Inscrire un membre entrepreneur", "membres", "add"),
            ("membre : modifier", "Modifier le membre sélectionné", "membres", "edit"),
            ("membre : fiche du mois", "Trésorerie, factures, versements du membre sélectionné",
             "membres", "page"),
            ("membre : versement", "Verser au membre sélectionné (ou avance de solidarité)",
             "membres", "payout"),
            ("fin de mois : lancer la clôture", "Contributions, TVA, vérification, relevés, "
             "clôture", "cloture", "month_end"),
            ("relevés : générer pour le mois", "Relevés mensuels PDF de tous les membres",
             "cloture", "statements"),
            ("compte : ajouter", "Ouvrir un sous-compte", "plan", "add"),
            ("facture : nouvelle", "Saisir une facture (brouillon, puis émission)", "ventes",
             "new_invoice"),
            ("facture : enregistrer un règlement", "Règlement de la facture sélectionnée",
             "ventes", "payment"),
            ("facture : avoir", "Avoir sur la facture sélectionnée", "ventes", "credit_note"),
            ("facture : chemin du PDF", "Où est archivé le PDF de la facture sélectionnée",
             "ventes", "show_pdf"),
            ("devis : nouveau", "Saisir un devis", "ventes", "new_quote"),
            ("brouillon : émettre", "Émettre le brouillon sélectionné", "ventes",
             "issue_draft"),
            ("client : nouveau", "Créer un client (ICE vérifié)", "ventes", "new_customer"),
            ("fournisseur : nouveau", "Créer un fournisseur", "ventes", "new_supplier"),
            ("produit : nouveau", "Ajouter au catalogue d'un membre", "ventes",
             "new_product"),
            ("dépense : nouvelle", "Saisir une facture fournisseur", "ventes", "new_expense"),
            ("export : déclaration de TVA CSV", "TVA de la période et créances par ancienneté",
             "tva", "export"),
            ("production : nouvel ordre", "Ordre de fabrication, avec sa date au plus tôt",
             "production", "new_order"),
            ("production : plan", "Charge par semaine des membres et des ressources",
             "production", "show_plan"),
            ("production : besoins en matières", "Matières requises, en stock et manquantes",
             "production", "show_needs"),
            ("banque : importer un relevé", "Relevé CSV de la banque (profil, sans doublons)",
             "banque", "import_statement"),
            ("banque : rapprochement automatique", "Accepter les correspondances exactes et "
             "uniques", "banque", "auto"),
            ("banque : état de rapprochement", "Solde du relevé et du grand livre à une date",
             "banque", "reconciliation"),
            ("atelier : nouvelle matière", "Matière au stock d'un membre", "production",
             "ws('new_material')"),
            ("stock : entrée", "Entrée de matière en stock", "production", "ws('receive')"),
            ("stock : ajustement", "Ajustement signé du stock, avec motif", "production",
             "ws('adjust')"),
            ("atelier : nomenclature d'un produit", "Matières, heures et ressources d'un "
             "produit", "production", "ws('bom')"),
            ("atelier : ressource partagée", "Nouvelle ressource (heures par semaine)",
             "production", "ws('new_resource')"),
            ("atelier : capacité d'un membre", "Heures par semaine et congés", "production",
             "ws('capacity')"),
            ("banque : profil d'import", "Colonnes du relevé CSV d'une banque", "banque",
             "profile"),
        ]
        for title, help_, mode, action in cmds:
            yield SystemCommand(title, help_, lambda m=mode, a=action: self.run_on(m, a))
        from ecp.tui.screens.file_ops import file_commands

        yield from file_commands(self)
        yield SystemCommand("thème : changer", "Changer les couleurs", self.action_change_theme)
        yield SystemCommand("Quitter", "Quitter ECP", self.action_quit)


class EcpScreen(Screen[Any]):
    """Base of the job screens: the shared header and footer, access to the books."""

    @property
    def ecp(self) -> EcpApp:
        return cast(EcpApp, self.app)

    @property
    def books(self) -> api.Books:
        return self.ecp.books

    def compose_header(self) -> ComposeResult:
        yield Header()

    def compose_footer(self) -> ComposeResult:
        yield Footer()


class WelcomeScreen(Screen[str | None]):
    """First run: say where the books will be created and offer the demo."""

    BINDINGS = [
        Binding("d", "choose('demo')", "Avec la démo"),
        Binding("v", "choose('empty')", "Base vide"),
        Binding("escape", "choose(None)", "Quitter"),
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
        if not api.is_initialised(books):
            api.init(books)
    EcpApp(books, url).run()
    return 0
