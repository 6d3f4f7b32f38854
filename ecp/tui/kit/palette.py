"""The command palette (ctrl+p) and the F-keys, as one table.

Every entry names the action it runs: an action of the job screen ``mode`` (the app switches
to that screen first), or an action of the app itself when ``mode`` is None. A test checks each
action exists where it is said to, and that every job screen is on an F-key and in the palette.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import ClassVar

from rich.align import Align
from rich.text import Text
from textual.binding import Binding, BindingType
from textual.command import CommandList, CommandPalette, DiscoveryHit, Hit, Hits, Provider
from textual.content import Content
from textual.widgets.option_list import Option


@dataclass(frozen=True)
class Command:
    title: str
    help: str
    action: str  # ``name`` or ``name('arg')``: runs ``action_name`` on the screen or the app
    mode: str | None = None  # the job screen it runs on; None: the app

    @property
    def action_name(self) -> str:
        return self.action.partition("(")[0]


# The job screens: mode name, French title, F-key. Their classes are known to the app only.
SCREENS: tuple[tuple[str, str, str], ...] = (
    ("tableau", "Tableau de bord", "f1"),
    ("ecritures", "Écritures", "f2"),
    ("balance", "Balance", "f3"),
    ("grandlivre", "Grand livre", "f4"),
    ("journaux", "Journaux", "f5"),
    ("membres", "Membres", "f6"),
    ("plan", "Plan comptable", "f7"),
    ("cloture", "Clôture", "f8"),
    ("ventes", "Ventes", "f9"),
    ("tva", "TVA et créances", "f10"),
    ("production", "Production", "f11"),
    ("banque", "Banque", "f12"),
)
SCREENS_FR = {mode: title for mode, title, _ in SCREENS}
FOOTER_FR = {"tableau": "Tableau", "plan": "Plan", "tva": "TVA"}  # short names on the F-keys
FOOTER_TIGHT = {"production": "Prod."}  # shorter still when the F-keys strip is narrow

_GO = tuple(Command(f"aller : {title.lower()}", f"Ouvrir l'écran {title}", f"go('{mode}')")
            for mode, title, _ in SCREENS)

_ON_SCREENS = tuple(Command(title, help_, action, mode) for title, help_, mode, action in (
    ("écriture : nouvelle", "Saisir une écriture équilibrée", "ecritures", "new"),
    ("écriture : rechercher", "Filtrer les écritures", "ecritures", "filter"),
    ("écriture : contre-passer", "Contre-passer l'écriture sélectionnée", "ecritures",
     "reverse"),
    ("période : clôturer", "Vérifier puis clôturer un mois", "cloture", "close"),
    ("période : rouvrir", "Rouvrir un mois clôturé (motif obligatoire)", "cloture", "reopen"),
    ("vérifier les livres", "Recalculer la chaîne et les invariants", "cloture", "verify"),
    ("export : balance CSV", "Exporter la balance affichée", "balance", "export"),
    ("export : grand livre CSV", "Exporter le grand livre affiché", "grandlivre", "export"),
    ("export : journal CSV", "Exporter le journal affiché", "journaux", "export"),
    ("membre : ajouter", "Inscrire un membre entrepreneur", "membres", "add"),
    ("membre : modifier", "Modifier le membre sélectionné", "membres", "edit"),
    ("membre : fiche du mois", "Trésorerie, factures, versements du membre sélectionné",
     "membres", "page"),
    ("membre : versement", "Verser au membre sélectionné (ou avance de solidarité)",
     "membres", "payout"),
    ("paie : payer la CNSS du mois", "Cotisations CNSS/AMO/AF et TFP des paies du mois : "
     "4441 → banque, par dimension", "membres", "social_pay"),
    ("paie : payer l'IR retenu du mois", "IR retenu à la source sur les paies du mois : "
     "44525 → banque, par dimension", "membres", "ir_pay"),
    ("paie : état du mois", "Paie du mois par salarié (CNSS, IR, net), export CSV",
     "membres", "payroll_report"),
    ("avance : remboursement par le membre", "Le membre sélectionné rembourse son avance de "
     "solidarité : banque ou caisse → 3431", "membres", "repay_advance"),
    ("fin de mois : lancer la clôture", "Contributions, TVA, vérification, relevés, clôture",
     "cloture", "month_end"),
    ("relevés : générer pour le mois", "Relevés mensuels PDF de tous les membres", "cloture",
     "statements"),
    ("exercice : contrôles de clôture", "Clôture de l'exercice : liste de contrôle (mois, "
     "TVA, amortissements, inventaire, brouillons, vérification)", "cloture", "year('checks')"),
    ("exercice : clôturer (provisoire)", "Contrôles, puis écritures de clôture CL et "
     "à-nouveaux AN", "cloture", "year('close')"),
    ("exercice : clôture définitive", "Clôturer l'exercice sans réouverture possible",
     "cloture", "year('final')"),
    ("exercice : rouvrir", "Rouvrir une clôture provisoire (motif obligatoire)", "cloture",
     "year('reopen')"),
    ("exercice : affecter le résultat", "Réserve légale (minimum affiché), report à nouveau, "
     "dividendes", "cloture", "year('allocate')"),
    ("exercice : définir le premier", "Les livres commencent en cours d'année : du jour "
     "choisi au 31/12", "cloture", "year('define')"),
    ("exercice : journal des clôtures", "Clôtures, réouvertures et affectations d'exercice",
     "cloture", "year('journal')"),
    ("immobilisation : ajouter", "Nouvelle immobilisation au registre (durée ou taux)",
     "cloture", "year('add_asset')"),
    ("immobilisation : céder", "Cession ou mise au rebut d'une immobilisation", "cloture",
     "year('dispose')"),
    ("immobilisation : registre", "Brut, amortissements cumulés et net au 31/12", "cloture",
     "year('assets')"),
    ("amortissements : passer les dotations", "Dotations de l'exercice (OD par dimension, "
     "idempotent)", "cloture", "year('depreciation')"),
    ("inventaire : stock compté à la main", "Stock de fin d'exercice d'une dimension",
     "cloture", "year('inventory_set')"),
    ("inventaire : passer les variations", "Variations des stocks de l'exercice (OD par "
     "dimension)", "cloture", "year('inventory_run')"),
    ("états : bilan", "Bilan de l'exercice, N et N-1", "cloture", "year('bilan')"),
    ("états : CPC", "Compte de produits et charges, N et N-1", "cloture", "year('cpc')"),
    ("états : ESG", "État des soldes de gestion, N et N-1", "cloture", "year('esg')"),
    ("états : tableau de financement", "Tableau de financement, N et N-1", "cloture",
     "year('tf')"),
    ("états : ETIC", "Immobilisations, amortissements, stocks, TVA de l'exercice", "cloture",
     "year('etic')"),
    ("export : état de synthèse CSV", "L'état affiché (Bilan, CPC, ESG, TF, ETIC) en CSV",
     "cloture", "year('export')"),
    ("export : état de synthèse PDF", "L'état affiché, mis en page comme le modèle officiel",
     "cloture", "year('pdf')"),
    ("export : liasse de l'exercice", "Un CSV par tableau de la liasse, dans son ordre",
     "cloture", "year('liasse')"),
    ("compte : ajouter", "Ouvrir un sous-compte", "plan", "add"),
    ("facture : nouvelle", "Saisir une facture (brouillon, puis émission)", "ventes",
     "new_invoice"),
    ("facture : enregistrer un règlement", "Règlement de la facture sélectionnée", "ventes",
     "payment"),
    ("facture : avoir", "Avoir sur la facture sélectionnée", "ventes", "credit_note"),
    ("facture : relancer", "Lettre de relance ou de mise en demeure de la facture sélectionnée",
     "ventes", "remind_invoice"),
    ("client : rembourser", "Rembourser à un client son solde créditeur (avoir sur facture "
     "payée)", "ventes", "refund_customer"),
    ("facture : chemin du PDF", "Où est archivé le PDF de la facture sélectionnée", "ventes",
     "show_pdf"),
    ("devis : nouveau", "Saisir un devis", "ventes", "new_quote"),
    ("brouillon : émettre", "Émettre le brouillon sélectionné", "ventes", "issue_draft"),
    ("client : nouveau", "Créer un client (ICE vérifié)", "ventes", "new_customer"),
    ("fournisseur : nouveau", "Créer un fournisseur", "ventes", "new_supplier"),
    ("produit : nouveau", "Ajouter au catalogue d'un membre", "ventes", "new_product"),
    ("dépense : nouvelle", "Saisir une facture fournisseur", "ventes", "new_expense"),
    ("export : déclaration de TVA CSV", "TVA de la période et créances par ancienneté", "tva",
     "export"),
    ("TVA : déclarer la période", "Déclaration de TVA : 4455/34552/34551 soldés vers 4456 ou "
     "3456, journal OD", "tva", "declare"),
    ("TVA : payer la déclaration", "Paiement de la TVA déclarée : 4456 → banque", "tva", "pay"),
    ("TVA : annuler la déclaration", "Contre-passer la dernière déclaration non payée, avec un "
     "motif", "tva", "reverse"),
    ("TVA : relevé des déductions XML", "Relevé des déductions de la période (XML et CSV)",
     "tva", "releve"),
    ("TVA : PDF de la déclaration", "La déclaration de la période en PDF", "tva", "pdf"),
    ("production : nouvel ordre", "Ordre de fabrication, avec sa date au plus tôt",
     "production", "new_order"),
    ("production : plan", "Charge par semaine des membres et des ressources", "production",
     "show_plan"),
    ("production : besoins en matières", "Matières requises, en stock et manquantes",
     "production", "show_needs"),
    ("banque : importer un relevé", "Relevé CSV de la banque (profil, sans doublons)",
     "banque", "import_statement"),
    ("banque : rapprochement automatique", "Accepter les correspondances exactes et uniques",
     "banque", "auto"),
    ("banque : état de rapprochement", "Solde du relevé et du grand livre à une date",
     "banque", "reconciliation"),
    ("atelier : nouvelle matière", "Matière au stock d'un membre", "production",
     "ws('new_material')"),
    ("stock : entrée", "Entrée de matière en stock", "production", "ws('receive')"),
    ("stock : ajustement", "Ajustement signé du stock, avec motif", "production",
     "ws('adjust')"),
    ("atelier : nomenclature d'un produit", "Matières, heures et ressources d'un produit",
     "production", "ws('bom')"),
    ("atelier : ressource partagée", "Nouvelle ressource (heures par semaine)", "production",
     "ws('new_resource')"),
    ("atelier : capacité d'un membre", "Heures par semaine et congés", "production",
     "ws('capacity')"),
    ("banque : profil d'import", "Colonnes du relevé CSV d'une banque", "banque", "profile"),
))

_ON_APP = (
    Command("paramètres : identité de l'ECP", "Raison sociale, IF, ICE, RIB, options",
            "settings"),
    Command("import : écritures CSV", "Importer des écritures d'un fichier CSV (tout ou rien)",
            "file('import')"),
    Command("export : journal hledger", "Toutes les écritures au format hledger / ledger-cli",
            "file('hledger')"),
    Command("sauvegarde : copie de la base", "Copie cohérente de la base SQLite",
            "file('backup')"),
    Command("thème : changer", "Changer les couleurs", "change_theme"),
    Command("rapport : impact du programme", "Indicateurs d'une période (parcours, emplois, "
            "chiffre d'affaires, accompagnement), PDF et CSV anonymisé", "impact"),
    Command("rapport : réseau d'ECP", "Les indicateurs anonymisés de plusieurs ECP côte à "
            "côte et leur total, chaque base en lecture seule", "network"),
    Command("atelier collectif : nouveau", "Atelier d'accompagnement des membres (code, titre, "
            "date, durée)", "workshop('add')"),
    Command("atelier collectif : présence", "Marquer un membre présent à un atelier "
            "d'accompagnement", "workshop('attend')"),
    Command("atelier collectif : liste", "Les ateliers d'accompagnement et leurs présents",
            "workshop('list')"),
)

COMMANDS: tuple[Command, ...] = (*_GO, *_ON_SCREENS, *_ON_APP,
                                 Command("Quitter", "Quitter ECP", "quit"))

APP_GROUP = "Général"  # the commands of the app itself, after the screens' (then « Quitter »)


def _fold(text: str) -> str:
    """The sort key of a title in French: accents and case ignored (« écriture » with « e »)."""
    return "".join(c for c in unicodedata.normalize("NFD", text.casefold())
                   if not unicodedata.combining(c))


def group_of(command: Command) -> tuple[str, str]:
    """The palette group of a command: its screen's (title, F-key), or the app's ("…", "")."""
    mode = command.mode
    if mode is None and command.action_name == "go":
        mode = command.action.split("'")[1]
    for m, title, key in SCREENS:
        if m == mode:
            return title, key
    return APP_GROUP, ""


def palette_order(commands: Iterable[Command]) -> list[Command]:
    """The palette's order: by screen in F-key order, then the app's commands, sorted by
    title within each group, « Quitter » last."""
    rank = {key: i for i, (_, _, key) in enumerate(SCREENS)}
    return sorted(commands, key=lambda c: (c.action == "quit", rank.get(group_of(c)[1], 99),
                                           _fold(c.title)))


ORDERED: tuple[Command, ...] = tuple(palette_order(COMMANDS))
GROUPS: dict[str, tuple[str, str]] = {c.title: group_of(c) for c in COMMANDS}

PLACEHOLDER = "Rechercher une commande…"
_GROUP_WIDTH = max(len(t) for _, t, _ in SCREENS) + 2


def _shown(title: str, text: Content | None = None) -> Content:
    """A command as the palette lists it: its F-key and screen, dimmed, then its title."""
    group, key = GROUPS.get(title, (APP_GROUP, ""))
    prefix = f"{key.upper():<4}{group:<{_GROUP_WIDTH}}"
    return Content.assemble((prefix, "dim"), text if text is not None else title)


class EcpCommands(Provider):
    """The app's commands (``App.get_system_commands``, in the palette's order), each shown
    with its screen; Textual's own provider sorts them by title (« Quitter » first)."""

    async def discover(self) -> Hits:
        for title, help_, callback, discover in self.app.get_system_commands(self.screen):
            if discover:
                yield DiscoveryHit(_shown(title), callback, text=title, help=help_)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for title, help_, callback, *_ in self.app.get_system_commands(self.screen):
            if (score := matcher.match(title)) > 0:
                yield Hit(score, _shown(title, matcher.highlight(title)), callback,
                          text=title, help=help_)


NO_MATCH = "Aucune commande ne correspond"


class EcpPalette(CommandPalette):
    """Textual's command palette, in French."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+end, shift+end", "command_list('last')", "Aller à la fin", show=False,
                id="palette.last"),
        Binding("ctrl+home, shift+home", "command_list('first')", "Aller au début",
                show=False, id="palette.first"),
        Binding("down", "cursor_down", "Commande suivante", show=False, id="palette.down"),
        Binding("escape", "escape", "Fermer la palette", id="palette.escape"),
        Binding("pagedown", "command_list('page_down')", "Page suivante", show=False,
                id="palette.page-down"),
        Binding("pageup", "command_list('page_up')", "Page précédente", show=False,
                id="palette.page-up"),
        Binding("up", "command_list('cursor_up')", "Commande précédente", show=False,
                id="palette.up"),
    ]

    def __init__(self) -> None:
        super().__init__(id="--command-palette", placeholder=PLACEHOLDER)

    def _start_no_matches_countdown(self, search_value: str) -> None:
        """Textual's « No matches found », in French (same countdown, same option id)."""
        self._stop_no_matches_countdown()

        def show() -> None:
            if search_value:
                self.query_one(CommandList).add_option(Option(
                    Align.center(Text(NO_MATCH, style="not bold")), disabled=True,
                    id=self._NO_MATCHES))
                self._list_visible = True
            else:
                self._list_visible = False

        self._no_matches_timer = self.set_timer(self._NO_MATCHES_COUNTDOWN, show)
