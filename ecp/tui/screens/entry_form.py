"""Saisie d'une écriture: journal, date, référence, libellé, then lines (account, dimension,
debit, credit) under a live balance, in total and per dimension. Posting (ctrl+s) goes through
``api.post_entry`` only when the entry balances and every field reads; whatever is wrong is
said in French next to its field, and nothing is written.

Keys: Tab / Shift+Tab move between fields, Enter moves on (and adds a line after the last
amount), F2 searches the account or dimension under the cursor, ``=`` in an amount fills what
balances the line's dimension, ctrl+n adds a line, ctrl+d deletes the current one, ctrl+s
posts, Escape cancels (asking first when something was typed).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Header, Input, Label, Select, Static

from ecp import api
from ecp.kernel.errors import EcpError, ValidationError
from ecp.kernel.money import parse as parse_amount
from ecp.kernel.periods import Month, month_key, month_label, parse_date
from ecp.ledger.chart import POSTABLE_JOURNALS
from ecp.ledger.entry import ECP_DIMENSION, LineSpec
from ecp.tui.kit.dialogs import ConfirmScreen, PickerScreen
from ecp.tui.kit.footer import Footer
from ecp.tui.kit.format import DAY_PLACEHOLDER, day, long_date, money
from ecp.tui.kit.forms import FieldError
from ecp.tui.kit.lines import LinesScroll

DEFAULT_JOURNAL = "OD"
LIAISON = "44881"
FIELDS = ("acct", "dim", "debit", "credit")
# post_entry's line fields -> the line's input ("" : debit or credit, by the amount's side)
LINE_WIDGETS = {"lines.account": "acct", "lines.dimension": "dim", "lines.amount": "",
                "lines.third_party": "acct"}
AMOUNT_CHARS = r"[0-9 ,.\u00a0\u202f=+-]*"
HELP = ("Entrée : champ suivant — F2 : chercher le compte ou la dimension — "
        "« = » dans un montant : le solde — ctrl+n : ligne — ctrl+d : supprimer la ligne — "
        "ctrl+s : valider — Échap : annuler")


# --- reading a line ---------------------------------------------------------------------------

@dataclass
class ParsedLine:
    """What one line of the form says: its values when they read, its problems otherwise,
    each problem with the fields it concerns (acct, dim, debit, credit)."""

    account: str
    dimension: str
    amount: int | None  # signed centimes (debit +), None when no valid amount
    empty: bool
    problems: list[tuple[frozenset[str], str]] = field(default_factory=list)

    def add(self, message: str, *fields: str) -> None:
        self.problems.append((frozenset(fields), message))

    @property
    def errors(self) -> list[str]:
        return [m for _, m in self.problems]

    @property
    def bad(self) -> set[str]:
        return {f for fs, _ in self.problems for f in fs}


def read_amount(text: str, what: str) -> tuple[int | None, str | None]:
    """(centimes, None) or (None, French message); an empty field is (None, None)."""
    if not text.strip():
        return None, None
    try:
        cents = parse_amount(text, what)
    except EcpError as exc:
        return None, str(exc)
    if cents < 0:
        other = "crédit" if what == "débit" else "débit"
        return None, f"{what} : montant négatif, le saisir au {other}"
    return cents, None


def read_line(account: str, dimension: str, debit: str, credit: str,
              accounts: dict[str, str], dimensions: dict[str, str]) -> ParsedLine:
    account, dimension = account.strip(), dimension.strip().upper()
    empty = not (account or debit.strip() or credit.strip())
    p = ParsedLine(account, dimension, None, empty)
    if empty:
        return p
    if not account:
        p.add("compte : obligatoire", "acct")
    elif account not in accounts:
        p.add(f"compte « {account} » inconnu (F2 : chercher)", "acct")
    elif len(account) == 1:
        p.add(f"compte {account} : compte de classe, choisir un compte de détail", "acct")
    if not dimension:
        p.add("dimension : obligatoire (ECP ou un membre)", "dim")
    elif dimension not in dimensions:
        p.add(f"dimension « {dimension} » inconnue (ECP ou un membre, F2 : chercher)", "dim")
    d, d_err = read_amount(debit, "débit")
    c, c_err = read_amount(credit, "crédit")
    if d_err:
        p.add(d_err, "debit")
    if c_err:
        p.add(c_err, "credit")
    if d_err or c_err:
        return p
    if d is not None and c is not None and (d or c):
        p.add("saisir le débit ou le crédit, pas les deux", "debit", "credit")
    elif d is None and c is None:
        p.add("montant : saisir un débit ou un crédit", "debit", "credit")
    elif not (d or c):
        p.add("montant nul", "debit" if d is not None else "credit")
    else:
        p.amount = d if d else -(c or 0)
    return p


@dataclass
class Balance:
    debit: int = 0
    credit: int = 0
    per_dim: dict[str, int] = field(default_factory=dict)  # debit - credit
    counted: int = 0  # lines with a valid amount

    @property
    def gap(self) -> int:
        return self.debit - self.credit

    def unbalanced_dims(self) -> list[tuple[str, int]]:
        return [(d, s) for d, s in sorted(self.per_dim.items()) if s]

    @property
    def balanced(self) -> bool:
        return self.counted >= 2 and self.gap == 0 and not self.unbalanced_dims()


def balance_of(lines: list[ParsedLine]) -> Balance:
    b = Balance()
    per: dict[str, int] = defaultdict(int)
    for p in lines:
        if p.amount is None:
            continue
        b.counted += 1
        if p.amount > 0:
            b.debit += p.amount
        else:
            b.credit -= p.amount
        per[p.dimension or "?"] += p.amount
    b.per_dim = dict(per)
    return b


# --- widgets ----------------------------------------------------------------------------------

class FormInput(Input):
    """A compact field whose Enter moves to the next field of the form."""

    BINDINGS = [Binding("enter", "next_field", "Suivant", show=False, id="form-input.next_field")]

    def __init__(self, value: str = "", **kw: Any) -> None:
        super().__init__(value, compact=True, **kw)

    async def action_next_field(self) -> None:
        screen = self.screen
        if isinstance(screen, EntryFormScreen):
            await screen.enter_from(self)


class EntryLine(Vertical):
    """One line of the entry: account, its name, dimension, its name, debit, credit; the
    line's problems under it."""

    def __init__(self, dimension: str = ECP_DIMENSION) -> None:
        super().__init__(classes="line")
        self._dimension = dimension
        # Fields the bookkeeper has left: their problems are shown (all of them after ctrl+s).
        self.touched: set[str] = set()

    def compose(self) -> ComposeResult:
        with Horizontal(classes="row"):
            yield Label("", classes="no")
            yield FormInput(placeholder="compte", classes="acct")
            yield Static("", classes="acct-name", markup=False)
            yield FormInput(self._dimension, placeholder="dim.", classes="dim")
            yield Static("", classes="dim-name", markup=False)
            yield FormInput(placeholder="débit", classes="debit", restrict=AMOUNT_CHARS)
            yield FormInput(placeholder="crédit", classes="credit", restrict=AMOUNT_CHARS)
        yield FieldError("", classes="line-error", markup=False)

    @property
    def acct(self) -> Input:
        return self.query_one(".acct", Input)

    @property
    def dim(self) -> Input:
        return self.query_one(".dim", Input)

    @property
    def debit(self) -> Input:
        return self.query_one(".debit", Input)

    @property
    def credit(self) -> Input:
        return self.query_one(".credit", Input)

    def input(self, name: str) -> Input:
        return self.query_one(f".{name}", Input)

    @staticmethod
    def field_of(inp: Input) -> str:
        return next((f for f in FIELDS if inp.has_class(f)), "")

    def set_number(self, n: int) -> None:
        for no in self.query(".no").results(Label):
            no.update(f"{n:>2}")

    @property
    def is_composed(self) -> bool:
        return bool(self.query(".credit"))

    def has_content(self) -> bool:
        if not self.is_composed:
            return False
        return bool(self.acct.value.strip() or self.debit.value.strip()
                    or self.credit.value.strip())


# --- the form ---------------------------------------------------------------------------------

class EntryFormScreen(Screen[str | None]):
    """Nouvelle écriture. Dismisses with the posted entry's number, or None when cancelled."""

    BINDINGS = [
        Binding("ctrl+s", "post", "Valider", priority=True, id="entry-form.post"),
        Binding("ctrl+n", "add_line", "Ajouter une ligne", priority=True, id="entry-form.add_line"),
        Binding("ctrl+d", "delete_line", "Supprimer la ligne", priority=True,
                id="entry-form.delete_line"),
        Binding("f2", "pick", "Chercher", id="entry-form.pick"),
        Binding("escape", "cancel", "Annuler", id="entry-form.cancel"),
    ]

    DEFAULT_CSS = """
    EntryFormScreen #form { padding: 0 1; height: 1fr; }
    EntryFormScreen .head { height: 1; margin-top: 1; }
    EntryFormScreen .head .lbl { width: 10; color: $text-muted; }
    EntryFormScreen .head .lbl2 { width: auto; color: $text-muted; margin: 0 1 0 3; }
    EntryFormScreen #journal { width: 30; }
    EntryFormScreen #date { width: 12; }
    EntryFormScreen #date-hint { width: 1fr; margin-left: 2; color: $text-muted; }
    EntryFormScreen #date-hint.-error { color: $error; }
    EntryFormScreen #reference { width: 18; }
    EntryFormScreen #label { width: 1fr; }
    EntryFormScreen #head-error { margin-left: 10; }
    EntryFormScreen Input.-textual-compact { background: $boost; }
    EntryFormScreen Input.-textual-compact:focus { background: $primary 35%; }
    EntryFormScreen Input.-textual-compact.-invalid { background: $error 25%; }
    EntryFormScreen #columns { height: 1; margin-top: 1; color: $text-muted;
                               text-style: bold; padding-right: 1; }
    EntryFormScreen #lines { height: 1fr; width: 100%; scrollbar-size-vertical: 1;
                             scrollbar-gutter: stable; }
    EntryFormScreen .line { height: auto; }
    EntryFormScreen .row { height: 1; }
    EntryFormScreen .no { width: 4; color: $text-muted; }
    EntryFormScreen .acct { width: 10; margin-right: 1; }
    EntryFormScreen .acct-name { width: 1fr; margin-right: 1; }
    EntryFormScreen .acct-name.-unknown { color: $error; }
    EntryFormScreen .acct-name.-prefix { color: $text-muted; }
    EntryFormScreen .acct-name.-class { color: $warning; }
    EntryFormScreen .dim { width: 8; margin-right: 1; }
    EntryFormScreen .dim-name { width: 22; margin-right: 1; }
    EntryFormScreen .row Static { text-wrap: nowrap; text-overflow: ellipsis; }
    EntryFormScreen .dim-name.-unknown { color: $error; }
    EntryFormScreen .debit, EntryFormScreen .credit { width: 16; margin-right: 1; }
    EntryFormScreen .line-error { margin-left: 4; display: none; }
    EntryFormScreen .line-error.-shown { display: block; }
    EntryFormScreen #totals { height: 1; border-top: solid $primary 50%; height: 2;
                              padding-right: 1; text-style: bold; }
    EntryFormScreen #totals .sum { width: 16; margin-right: 1; }
    EntryFormScreen #totals .fill { width: 1fr; text-align: right; margin-right: 1;
                                    color: $text-muted; }
    EntryFormScreen #balance { height: auto; margin-top: 1; text-style: bold; }
    EntryFormScreen #balance.-ok { color: $success; }
    EntryFormScreen #balance.-gap { color: $warning; }
    EntryFormScreen #dims { height: auto; color: $warning; }
    EntryFormScreen #post-error { height: auto; margin-top: 1; }
    EntryFormScreen #help { height: auto; margin-top: 1; color: $text-muted; }
    """

    def __init__(self, journal: str = DEFAULT_JOURNAL, date: dt.date | None = None) -> None:
        super().__init__()
        self._journal = journal
        self._date = date
        self.accounts: dict[str, str] = {}
        self.dimensions: dict[str, str] = {}
        self._month_closed: dict[int, bool] = {}
        self._attempted = False

    # -- access -------------------------------------------------------------------------------

    @property
    def _app(self) -> Any:
        return self.app

    @property
    def books(self) -> api.Books:
        books: api.Books = self._app.books
        return books

    def lines(self) -> list[EntryLine]:
        return list(self.query(EntryLine))

    def _line_of(self, widget: Widget | None) -> EntryLine | None:
        node: Any = widget
        while node is not None and not isinstance(node, EntryLine):
            node = node.parent
        return node

    # -- layout -------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        today: dt.date = self._date or self._app.today
        yield Header()
        with Vertical(id="form"):
            with Horizontal(classes="head"):
                yield Label("Journal", classes="lbl")
                yield Select([(f"{c}  {n}", c) for c, n in POSTABLE_JOURNALS.items()],
                             value=self._journal, allow_blank=False, compact=True,
                             id="journal")
                yield Label("Date", classes="lbl2")
                yield FormInput(day(today), placeholder=DAY_PLACEHOLDER, id="date")
                yield Label("Référence", classes="lbl2")
                yield FormInput(placeholder="n° de pièce", id="reference")
                yield Static("", id="date-hint", markup=False)
            with Horizontal(classes="head"):
                yield Label("Libellé", classes="lbl")
                yield FormInput(placeholder="libellé de l'écriture", id="label")
            yield FieldError("", id="head-error", markup=False)
            with Horizontal(id="columns"):
                yield Label("N°", classes="no")
                yield Label("Compte", classes="acct")
                yield Label("Intitulé", classes="acct-name")
                yield Label("Dim.", classes="dim")
                yield Label("Nom", classes="dim-name")
                yield Label("Débit", classes="debit")
                yield Label("Crédit", classes="credit")
            with LinesScroll(id="lines"):
                yield EntryLine()
                yield EntryLine()
            with Horizontal(id="totals"):
                yield Label("Totaux", classes="fill")
                yield Label("0,00", id="sum-debit", classes="sum")
                yield Label("0,00", id="sum-credit", classes="sum")
            yield Static("", id="balance", markup=False)
            yield Static("", id="dims", markup=False)
            yield FieldError("", id="post-error", markup=False)
            yield Static(HELP, id="help", markup=False)
        yield Footer()

    def on_mount(self) -> None:
        self.sub_title = "Nouvelle écriture"
        self.accounts = {a.code: a.name for a in api.list_accounts(self.books)}
        self.dimensions = {
            m.code: m.name + ("" if m.status == "actif" else f" ({m.status})")
            for m in api.list_members(self.books, include_ecp=True)}
        self._renumber()
        for line in self.lines():
            self._refresh_line(line)
        self._refresh_date()
        self._refresh_balance()
        self.query_one("#date", Input).focus()

    def _renumber(self) -> None:
        for i, line in enumerate(self.lines(), 1):
            line.set_number(i)

    # -- live refresh -------------------------------------------------------------------------

    def _parse(self, line: EntryLine) -> ParsedLine:
        if not line.is_composed:  # mounted a moment ago: blank
            return ParsedLine("", "", None, True)
        return read_line(line.acct.value, line.dim.value, line.debit.value, line.credit.value,
                         self.accounts, self.dimensions)

    def _refresh_line(self, line: EntryLine) -> ParsedLine:
        p = self._parse(line)
        if not line.is_composed:
            return p
        code = line.acct.value.strip()
        name = line.query_one(".acct-name", Static)
        name.remove_class("-unknown", "-class", "-prefix")
        if not code:
            name.update("")
        elif code in self.accounts:
            name.update(self.accounts[code])
            name.set_class(len(code) == 1, "-class")
        elif not code.isdigit():
            name.update(f"Entrée ou F2 : chercher « {code} »")
            name.add_class("-prefix")
        else:
            n = sum(1 for c in self.accounts if c.startswith(code))
            if n:  # still typing, most likely: say where it leads, quietly
                name.update(f"compte inconnu — {n} compte{'s' if n > 1 else ''} "
                            f"commence{'nt' if n > 1 else ''} par {code} (Entrée : choisir)")
                name.add_class("-prefix")
            else:
                name.update("compte inconnu")
                name.add_class("-unknown")
        dim = line.dim.value.strip().upper()
        dname = line.query_one(".dim-name", Static)
        dname.update(self.dimensions.get(dim, "inconnue" if dim else ""))
        dname.set_class(bool(dim) and dim not in self.dimensions, "-unknown")
        shown = [(fs, m) for fs, m in p.problems if fs <= line.touched]
        bad = {f for fs, _ in shown for f in fs}
        for f in FIELDS:
            line.input(f).set_class(f in bad, "-invalid")
        err = line.query_one(".line-error", FieldError)
        err.update(" — ".join(m for _, m in shown))
        err.set_class(bool(shown), "-shown")
        return p

    def _refresh_date(self) -> dt.date | None:
        hint = self.query_one("#date-hint", Static)
        date_in = self.query_one("#date", Input)
        try:
            day = parse_date(date_in.value, "date")
        except EcpError as exc:
            hint.update(str(exc))
            hint.add_class("-error")
            date_in.add_class("-invalid")
            return None
        month = month_key(day)
        if month not in self._month_closed:
            self._month_closed[month] = api.month_is_closed(self.books, Month.from_key(month))
        closed = self._month_closed[month]
        date_in.set_class(closed, "-invalid")
        hint.set_class(closed, "-error")
        hint.update(f"date : le mois {month_label(month)} est clôturé" if closed
                    else long_date(day))
        return day

    def _refresh_balance(self) -> Balance:
        parsed = [self._parse(line) for line in self.lines()]
        b = balance_of(parsed)
        self.query_one("#sum-debit", Label).update(money(b.debit))
        self.query_one("#sum-credit", Label).update(money(b.credit))
        text = f"Débit {money(b.debit)} — Crédit {money(b.credit)} — Écart {money(b.gap)}"
        bal = self.query_one("#balance", Static)
        bal.remove_class("-ok", "-gap")
        if b.gap > 0:
            text += f" : il manque {money(b.gap)} au crédit"
        elif b.gap < 0:
            text += f" : il manque {money(-b.gap)} au débit"
        elif b.balanced:
            text += " — équilibrée"
            if not any(p.problems for p in parsed):
                text += " (ctrl+s : valider)"
        if b.balanced:
            bal.add_class("-ok")
        elif b.counted:
            bal.add_class("-gap")
        bal.update(text)
        dims = b.unbalanced_dims()
        dtext = ""
        if dims:
            dtext = "Par dimension : " + " — ".join(f"{d} : écart {money(s)}" for d, s in dims)
            if b.gap == 0:
                dtext += f" (passer par le compte de liaison {LIAISON})"
        self.query_one("#dims", Static).update(dtext)
        return b

    async def on_input_changed(self, event: Input.Changed) -> None:
        inp = event.input
        if inp.has_focus:  # an edit (not a reformat on leaving): the refusal is stale
            self.query_one("#post-error", FieldError).update("")
        if inp.id == "date":
            self._refresh_date()
            return
        line = self._line_of(inp)
        if line is None:
            if self._attempted:
                self._check_head()
            return
        if event.value.strip() == "=" and (inp.has_class("debit") or inp.has_class("credit")):
            await self._fill_balance(line)
            return
        if inp.has_class("dim"):
            self._carry_dimension(line)
        self._refresh_line(line)
        self._refresh_balance()
        await self._ensure_blank_tail()

    def on_input_blurred(self, event: Input.Blurred) -> None:
        line = self._line_of(event.input)
        if line is None:
            return
        inp = event.input
        if inp.has_class("dim") and inp.value != inp.value.strip().upper():
            inp.value = inp.value.strip().upper()
        if inp.has_class("debit") or inp.has_class("credit"):
            cents, err = read_amount(inp.value, "montant")
            if cents and not err and inp.value != money(cents):
                inp.value = money(cents)
        if line.has_content():
            line.touched.add(EntryLine.field_of(inp))
        self._refresh_line(line)

    async def _fill_balance(self, line: EntryLine) -> None:
        """``=`` typed in an amount: the amount that balances the line's dimension (or the
        whole entry when that dimension already balances)."""
        others = [self._parse(ln) for ln in self.lines() if ln is not line]
        b = balance_of(others)
        dim = line.dim.value.strip().upper()
        gap = b.per_dim.get(dim, 0) or b.gap
        line.debit.value = money(-gap) if gap < 0 else ""
        line.credit.value = money(gap) if gap > 0 else ""
        if gap:
            target = line.debit if gap < 0 else line.credit
            self.set_focus(target)
            target.cursor_position = len(target.value)
        self._refresh_line(line)
        self._refresh_balance()
        await self._ensure_blank_tail()

    def _carry_dimension(self, line: EntryLine) -> None:
        """A dimension typed on a line is proposed on the blank lines that follow it."""
        lines = self.lines()
        dim = line.dim.value.strip().upper()
        if dim not in self.dimensions:
            return
        for nxt in lines[lines.index(line) + 1:]:
            if nxt.has_content() or not nxt.is_composed:
                break
            nxt.dim.value = dim

    async def _ensure_blank_tail(self) -> None:
        """One blank line always waits at the end: Enter after the last amount goes there
        at once (blank lines are left out when posting)."""
        last = self.lines()[-1]
        if last.is_composed and last.has_content():
            await self._mount_line(EntryLine(last.dim.value.strip().upper() or ECP_DIMENSION))

    async def _mount_line(self, new: EntryLine, after: EntryLine | None = None,
                          focus: bool = False) -> None:
        await self.query_one("#lines", LinesScroll).mount(new, after=after)
        self._renumber()
        self._refresh_line(new)
        if focus:
            self.set_focus(new.acct)

    # -- moving around ------------------------------------------------------------------------

    def _go(self, line: EntryLine, name: str) -> None:
        """Focus a field of a line now (a line still composing gets it right after)."""
        if line.is_composed:
            self.set_focus(line.input(name))
        else:
            self.call_after_refresh(lambda: line.input(name).focus())

    async def enter_from(self, inp: Input) -> None:
        """Enter in a field: move on (called by the field itself, after the keys typed
        before Enter, and at once rather than through a bubbling message)."""
        line = self._line_of(inp)
        if line is None:
            if inp.id == "label":
                self._go(self.lines()[0], "acct")
            else:
                self.focus_next()
            return
        if inp.has_class("acct"):
            code = inp.value.strip()
            if code and code in self.accounts:
                self._go(line, "dim")
            else:
                self._pick_account(line)
        elif inp.has_class("dim"):
            if inp.value.strip().upper() in self.dimensions:
                self._go(line, "debit")
            else:
                self._pick_dimension(line)
        elif inp.has_class("debit") and not inp.value.strip():
            self._go(line, "credit")
        else:
            lines = self.lines()
            i = lines.index(line)
            if i + 1 < len(lines):
                self._go(lines[i + 1], "acct")
            else:
                await self._mount_line(
                    EntryLine(line.dim.value.strip().upper() or ECP_DIMENSION), focus=True)

    async def action_add_line(self) -> None:
        """A line inserted after the current one (or at the end)."""
        line = self._line_of(self.focused) or self.lines()[-1]
        await self._mount_line(EntryLine(line.dim.value.strip().upper() or ECP_DIMENSION),
                         after=line, focus=True)

    async def action_delete_line(self) -> None:
        line = self._line_of(self.focused)
        if line is None:  # the cursor in the head: say so rather than do nothing
            self.notify("ctrl+d supprime la ligne où est le curseur : aller sur une ligne",
                        severity="warning")
            return
        lines = self.lines()
        if len(lines) <= 2:
            # Two lines stay on screen: this one is cleared instead.
            for f in ("acct", "debit", "credit"):
                line.input(f).value = ""
            line.touched = set()
            self._refresh_line(line)
            self._refresh_balance()
            self._go(line, "acct")
            return
        i = lines.index(line)
        self._go(lines[i + 1] if i + 1 < len(lines) else lines[i - 1], "acct")
        await line.remove()
        self._renumber()
        self._refresh_balance()
        await self._ensure_blank_tail()

    # -- pickers ------------------------------------------------------------------------------

    def action_pick(self) -> None:
        line = self._line_of(self.focused)
        if line is None:
            return
        if line.dim.has_focus:
            self._pick_dimension(line)
        else:
            self._pick_account(line)

    def _pick_account(self, line: EntryLine) -> None:
        def search(text: str) -> list[tuple[str, str]]:
            return api.search_accounts(self.books, text, limit=60)

        def picked(code: str | None) -> None:
            if code:
                line.acct.value = code
                line.dim.focus()
            else:
                line.acct.focus()

        typed = line.acct.value.strip()
        self.app.push_screen(PickerScreen("Choisir un compte", search,
                                          "" if typed in self.accounts else typed,
                                          "aucun compte ne correspond"), picked)

    def _pick_dimension(self, line: EntryLine) -> None:
        dims = self.dimensions

        def search(text: str) -> list[tuple[str, str]]:
            t = text.strip().casefold()
            return [(c, n) for c, n in dims.items()
                    if not t or c.casefold().startswith(t) or t in n.casefold()]

        def picked(code: str | None) -> None:
            if code:
                line.dim.value = code
                line.debit.focus()
            else:
                line.dim.focus()

        typed = line.dim.value.strip()
        self.app.push_screen(PickerScreen("Choisir une dimension (ECP ou un membre)", search,
                                          "" if typed.upper() in dims else typed,
                                          "aucune dimension ne correspond"), picked)

    # -- posting ------------------------------------------------------------------------------

    def _check_head(self) -> tuple[list[tuple[Widget, str]], str, dt.date | None]:
        """Problems of journal, date and label, each with the widget to focus."""
        out: list[tuple[Widget, str]] = []
        journal = self.query_one("#journal", Select).value
        if not isinstance(journal, str):
            out.append((self.query_one("#journal", Select), "journal : obligatoire"))
        label_in = self.query_one("#label", Input)
        day = self._refresh_date()
        date_in = self.query_one("#date", Input)
        if day is None:
            out.append((date_in, str(self.query_one("#date-hint", Static).content)))
        elif self._month_closed.get(month_key(day)):
            out.append((date_in, f"date : le mois {month_label(month_key(day))} est clôturé"))
        if not label_in.value.strip():
            out.append((label_in, "libellé : obligatoire"))
        label_in.set_class(not label_in.value.strip(), "-invalid")
        head = [m for w, m in out if w is not date_in]
        self.query_one("#head-error", FieldError).update(" — ".join(head))
        return out, journal if isinstance(journal, str) else "", day

    def _problems(self) -> tuple[list[tuple[Widget, str]], list[LineSpec], str, dt.date | None]:
        problems, journal, day = self._check_head()
        specs: list[LineSpec] = []
        for line in self.lines():
            line.touched = set(FIELDS) if line.has_content() else set()
            p = self._refresh_line(line)
            if p.empty:
                continue
            if p.errors:
                first = next(f for f in FIELDS if f in p.bad)
                problems.append((line.input(first), p.errors[0]))
            elif p.amount is not None:
                specs.append(LineSpec(p.account, p.dimension, p.amount))
        b = self._refresh_balance()
        if len([ln for ln in self.lines() if ln.has_content()]) < 2:
            problems.append((self.lines()[0].acct, "une écriture a au moins deux lignes"))
        elif b.gap:
            problems.append((self.lines()[-1].acct,
                             f"écriture déséquilibrée : écart {money(b.gap)}"))
        else:
            for d, s in b.unbalanced_dims():
                problems.append((self.lines()[-1].acct,
                                 f"écriture déséquilibrée pour la dimension {d} : écart "
                                 f"{money(s)} (passer par le compte de liaison {LIAISON})"))
        return problems, specs, journal, day

    def action_post(self) -> None:
        self._attempted = True
        problems, specs, journal, day = self._problems()
        err = self.query_one("#post-error", FieldError)
        if problems or day is None:
            n = len(problems)
            err.update(f"Écriture non validée, {n} problème{'s' if n > 1 else ''} : "
                       + " ; ".join(m for _, m in problems[:4])
                       + (" ; …" if n > 4 else ""))
            self.set_focus(problems[0][0])
            return
        try:
            posted = api.post_entry(self.books, journal, day,
                                    self.query_one("#label", Input).value, specs,
                                    self.query_one("#reference", Input).value)
        except ValidationError as exc:
            self._show_refusal(exc.errors or [exc])
            return
        except EcpError as exc:
            self._show_refusal([exc])
            return
        self.dismiss(posted.ref)

    def _show_refusal(self, errors: Sequence[EcpError]) -> None:
        """What the books refused (a month closed meanwhile, an account just removed…), each
        error placed by the ``post_entry`` parameter it is about: ``date`` on the date,
        ``lines.account`` / ``lines.dimension`` / ``lines.amount`` with its ``line`` on that
        line of the form (the n-th line posted), the rest in the refusal line."""
        posted = [ln for ln in self.lines() if not self._parse(ln).empty]
        focus: Widget | None = None
        per_line: dict[int, list[str]] = {}
        for e in errors:
            target: Widget | None = None
            if e.field == "date":
                self._month_closed.clear()
                self._refresh_date()
                target = self.query_one("#date", Input)
            elif e.field in LINE_WIDGETS and e.line is not None and 0 < e.line <= len(posted):
                line = posted[e.line - 1]
                amount = self._parse(line).amount or 0
                name = LINE_WIDGETS[e.field] or ("debit" if amount >= 0 else "credit")
                target = line.input(name)
                target.add_class("-invalid")
                per_line.setdefault(e.line, []).append(e.message or str(e))
            elif e.field in ("journal", "label", "reference"):
                target = self.query_one(f"#{e.field}")
            focus = focus or target
        for n, msgs in per_line.items():
            err = posted[n - 1].query_one(".line-error", FieldError)
            err.update(" — ".join(msgs))
            err.set_class(True, "-shown")
        self.query_one("#post-error", FieldError).update(
            "Écriture refusée : " + " ; ".join(e.message or str(e) for e in errors))
        if focus is not None:
            self.set_focus(focus)

    # -- leaving ------------------------------------------------------------------------------

    def _typed(self) -> bool:
        return bool(self.query_one("#label", Input).value.strip()
                    or self.query_one("#reference", Input).value.strip()
                    or any(line.has_content() for line in self.lines()))

    def action_cancel(self) -> None:
        if not self._typed():
            self.dismiss(None)
            return

        def answered(yes: bool | None) -> None:
            if yes:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen("Abandonner cette écriture ?",
                                           "Rien n'a été enregistré ; ce qui a été saisi "
                                           "sera perdu."), answered)

