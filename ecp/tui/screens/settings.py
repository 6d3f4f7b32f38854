"""Paramètres: the ECP's identity (raison sociale, IF, ICE, RIB, …) and its options, the TUI
twin of ``ecp settings show | set``. Every key on its own row, grouped as the settings are
(identité, TVA, ventes, contribution, réserves): its label, its value in a field, « obligatoire »
while a required one is empty, its key. The value is edited in place: Entrée saves that key by
the CLI's rule (``store``), the refusal shown under its row; ↑/↓ move from key to key; Échap
closes (issue 17: the values were behind a dialog, one key at a time)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.events import DescendantFocus
from textual.widgets import Input, Label, Static

from ecp import api
from ecp import settings as settings_mod
from ecp.kernel.errors import EcpError
from ecp.tui.kit.base import Dialog
from ecp.tui.kit.forms import FieldError

# The groups of the screen, by the key's prefix, in the order of ``ecp.settings``.
GROUPS = (("company.", "Identité de l'ECP (imprimée sur chaque document)"),
          ("vat.", "TVA"),
          ("sales.", "Ventes : délai de paiement et pénalités de retard"),
          ("contribution.", "Contribution des membres aux services partagés"),
          ("reserve.", "Réserves sur la trésorerie des membres"))
HINT = ("↑/↓ : paramètre précédent ou suivant — Entrée : enregistrer la valeur — "
        "Échap : fermer (une valeur non enregistrée est abandonnée)")
MODIFIED = "modifié (Entrée)"


def all_keys() -> list[tuple[str, str, bool]]:
    """(key, label, required) for every declared setting, in the screen's order."""
    return [(s.key, s.label, s.required) for s in settings_mod.SETTINGS.values()]


def store(books: api.Books, key: str, value: str) -> str:
    """Check and store one setting by the rule of ``ecp.settings`` (the CLI's too); what to
    tell the user: the key stored (``vat.regime.AAAA`` for a regime) = value, then any
    warning (filing frequency against last year's turnover), one per line."""
    res = api.settings_apply(books, key, value)
    return "\n".join((f"{res.key} = {res.value}", *res.warnings))


def setting_rows(books: api.Books) -> list[settings_mod.SettingView]:
    """What the screen lists: every setting of ``api.settings_list`` (the declared keys, then
    the regimes and members' reserves set), plus ``reserve.CODE`` of each active member whose
    reserve is not set yet, so that it can be typed in place; in the screen's order."""
    rows = api.settings_list(books)
    known = {v.key for v in rows}
    for m in api.list_members(books):
        key = f"{settings_mod.RESERVE_PREFIX}{m.code}"
        if m.status == "actif" and key not in known:
            s = settings_mod.spec(key)
            rows.append(settings_mod.SettingView(s.key, s.label, s.description, "", s.default,
                                                 s.required))
    return [v for _, views in grouped(rows) for v in views]  # in the order shown


def grouped(rows: list[settings_mod.SettingView]
            ) -> list[tuple[str, list[settings_mod.SettingView]]]:
    """The rows under their group's title, groups in ``GROUPS`` order; within a group, the
    order of ``rows``; a key of no group last, under « Autres »."""
    out: list[tuple[str, list[settings_mod.SettingView]]] = []
    taken: set[str] = set()
    for prefix, title in GROUPS:
        mine = [v for v in rows if v.key.startswith(prefix)]
        taken.update(v.key for v in mine)
        if mine:
            out.append((title, mine))
    rest = [v for v in rows if v.key not in taken]
    if rest:
        out.append(("Autres", rest))
    return out


def placeholder(v: settings_mod.SettingView) -> str:
    """What an empty field shows: the choices, and the default that applies."""
    choices = settings_mod.spec(v.key).choices
    text = " ou ".join(choices)
    if v.default:
        text = (text + " ; " if text else "") + f"{v.default} par défaut"
    return text or ("à saisir" if v.required else "facultatif")


class SettingsScreen(Dialog[None]):
    """Paramètres : identité de l'ECP et options, modifiables sur place."""

    BINDINGS = [
        Binding("escape", "close", "Fermer", id="settings.close"),
        # priority: the scrolling list of keys would take ↑/↓ to scroll
        Binding("down", "move(1)", "Suivant", show=False, priority=True,
                id="settings.move-next"),
        Binding("up", "move(-1)", "Précédent", show=False, priority=True,
                id="settings.move-previous"),
    ]
    DEFAULT_CSS = """
    SettingsScreen > .dialog { width: 132; max-width: 100%; }
    SettingsScreen #settings { height: auto; max-height: 30; }
    SettingsScreen .group { text-style: bold; color: $accent; margin-top: 1; }
    SettingsScreen .setting { height: 1; }
    SettingsScreen .setting > .label { width: 40; padding: 0 1 0 2; }
    SettingsScreen .setting > Input { width: 1fr; }
    SettingsScreen .setting > .mark { width: 18; padding: 0 0 0 1; color: $warning; }
    SettingsScreen .setting > .key { width: 28; color: $text-muted; }
    SettingsScreen FieldError { padding-left: 42; }
    SettingsScreen #description { color: $text-muted; padding-top: 1; height: auto; }
    SettingsScreen .hint { color: $text-muted; padding-top: 1; }
    """

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[settings_mod.SettingView] = []
        self._ids: dict[str, str] = {}  # key → the id of its field (keys hold dots)

    def compose(self) -> ComposeResult:
        self.rows = setting_rows(self.books)
        self._ids = {}
        with Vertical(classes="dialog"):
            yield Label("Paramètres : identité de l'ECP et options", classes="title")
            with VerticalScroll(id="settings"):
                for title, views in grouped(self.rows):
                    yield Label(title, classes="group")
                    for v in views:
                        yield from self.row(v)
            yield Static("", id="description", markup=False)
            yield Static(HINT, classes="hint", markup=False)

    def row(self, v: settings_mod.SettingView) -> ComposeResult:
        wid = self._ids[v.key] = f"value-{len(self._ids)}"
        field = Input(v.value, placeholder=placeholder(v), id=wid, compact=True,
                      select_on_focus=False)
        with Horizontal(classes="setting"):
            yield Label(v.label, classes="label", markup=False)
            yield field
            yield Static("obligatoire" if v.missing else "", id=f"mark-{wid}", classes="mark")
            yield Label(v.key, classes="key", markup=False)
        err = FieldError("", id=f"err-{wid}", markup=False)
        err.display = False
        yield err

    def on_mount(self) -> None:
        first = next((v for v in self.rows if v.missing), self.rows[0] if self.rows else None)
        if first is not None:
            self.field(first.key).focus()

    # --- one key ---------------------------------------------------------------------------

    def field(self, key: str) -> Input:
        """The field of ``key`` (its value as typed)."""
        return self.query_one(f"#{self._ids[key]}", Input)

    def error_of(self, key: str) -> str:
        """The refusal shown under the row of ``key`` ('' when none)."""
        err = self.query_one(f"#err-{self._ids[key]}", FieldError)
        return str(err.content) if err.display else ""

    def view_of(self, wid: str | None) -> settings_mod.SettingView | None:
        return next((v for v in self.rows if self._ids.get(v.key) == wid), None)

    def mark(self, v: settings_mod.SettingView, typed: str) -> None:
        text = MODIFIED if typed != v.value else "obligatoire" if v.missing else ""
        self.query_one(f"#mark-{self._ids[v.key]}", Static).update(text)

    def on_input_changed(self, event: Input.Changed) -> None:
        v = self.view_of(event.input.id)
        if v is not None:
            self.mark(v, event.value)

    def on_descendant_focus(self, event: DescendantFocus) -> None:
        v = self.view_of(event.widget.id)
        if v is not None:
            self.query_one("#description", Static).update(f"{v.label} ({v.key}) : "
                                                          f"{v.description}")

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        v = self.view_of(event.input.id)
        if v is not None:
            await self.save(v, event.value)

    async def save(self, v: settings_mod.SettingView, typed: str) -> None:
        """Store ``typed`` for ``v.key`` (the CLI's rule); refused, the message under its row
        and the cursor stays; stored, the row shows what was stored and the cursor goes to the
        next key."""
        wid = self._ids[v.key]
        err = self.query_one(f"#err-{wid}", FieldError)
        try:
            said = store(self.books, v.key, typed)
        except EcpError as exc:
            err.update(str(exc))
            err.display = True
            self.field(v.key).focus()
            return
        err.update("")
        err.display = False
        warned = "\n" in said
        self.notify(said, title="Paramètres", severity="warning" if warned else "information",
                    timeout=12 if warned else 5, markup=False)
        stored = {s.key: s for s in setting_rows(self.books)}
        keys = [r.key for r in self.rows]
        nxt = keys[keys.index(v.key) + 1] if keys.index(v.key) + 1 < len(keys) else v.key
        if set(stored) != set(keys):  # a regime recorded for a year: a row more
            await self.recompose()
            self.field(nxt if nxt in self._ids else v.key).focus()
            return
        self.rows = [stored[k] for k in keys]
        now = stored[v.key]
        self.field(v.key).value = now.value
        self.mark(now, now.value)
        self.field(nxt).focus()

    # --- keys ------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        fields = [self.field(v.key) for v in self.rows]
        here = next((i for i, f in enumerate(fields) if f.has_focus), -1)
        if fields:
            fields[max(0, min(len(fields) - 1, here + step))].focus()

    def action_close(self) -> None:
        self.dismiss(None)
