"""Issue 17, « Done when »: the README's keys table is true. Each row names keys (`x`, `/`,
`Fin`…) for an F-key screen: every one of them must be a binding of that screen or of the
dialogs and sub-screens it opens, and every letter the screen itself binds must be in its row
(a key the README forgets is as false as one it invents)."""

from __future__ import annotations

import importlib
import inspect
import re
from pathlib import Path

import pytest
from textual.binding import Binding
from textual.dom import DOMNode

from ecp.tui.kit.palette import SCREENS

README = Path(__file__).resolve().parents[2] / "README.md"
# the screen's own modules: the screen first, then the dialogs and sub-screens it opens
MODULES = {
    "tableau": ("dashboard", "settings"),
    "ecritures": ("entries", "entry_form"),
    "balance": ("reports",),
    "grandlivre": ("reports",),
    "journaux": ("reports",),
    "membres": ("members", "member_page", "workshop_dialogs"),
    "plan": ("accounts",),
    "cloture": ("closing", "month_end", "year_end", "year_end_dialogs"),
    "ventes": ("sales", "sales_dialogs", "invoice_form", "reminder_dialogs"),
    "tva": ("vat",),
    "production": ("production", "production_dialogs"),
    "banque": ("bank", "bank_dialogs"),
}
MAIN = {"tableau": "DashboardScreen", "ecritures": "EntriesScreen", "balance": "BalanceScreen",
        "grandlivre": "LedgerScreen", "journaux": "JournalScreen", "membres": "MembersScreen",
        "plan": "AccountsScreen", "cloture": "ClosingScreen", "ventes": "SalesScreen",
        "tva": "VatScreen", "production": "ProductionScreen", "banque": "BankScreen"}
# how the README writes keys that are not a single character
NAMED = {"Fin": "end", "Début": "home", "/": "slash", "Entrée": "enter", "Échap": "escape",
         "Tab": "tab"}


def _rows() -> dict[str, str]:
    out = {}
    for line in README.read_text(encoding="utf-8").splitlines():
        m = re.match(r"\| `(F\d+)` \| (.*) \|$", line)
        if m:
            out[m.group(1).lower()] = m.group(2)
    return out


def _named_keys(text: str) -> set[str]:
    """The keys a row names: `x`, `/`, `Fin`… (backticked; periods like `AAAA-MM` are not)."""
    keys = set()
    for token in re.findall(r"`([^`]+)`", text):
        if token in NAMED:
            keys.add(NAMED[token])
        elif len(token) == 1:
            keys.add(token)
        elif re.fullmatch(r"\d à \d", token):
            continue
    for a, b in re.findall(r"`(\d)` à `(\d)`", text):
        keys |= {str(i) for i in range(int(a), int(b) + 1)}
    return keys


def _bindings(cls: type) -> set[str]:
    keys: set[str] = set()
    for klass in cls.__mro__:
        for b in getattr(klass, "BINDINGS", []) or []:
            if isinstance(b, Binding):
                keys |= {k.strip() for k in b.key.split(",")}
            elif isinstance(b, tuple):
                keys |= {k.strip() for k in b[0].split(",")}
    return keys


def _module_keys(mode: str) -> set[str]:
    keys: set[str] = {"enter", "escape", "tab", "end", "home"}  # tables and forms take these
    for name in MODULES[mode]:
        mod = importlib.import_module(f"ecp.tui.screens.{name}")
        for _n, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, DOMNode) and cls.__module__ == mod.__name__:
                keys |= _bindings(cls)
    return keys


@pytest.mark.parametrize(("mode", "fkey"), [(m, k) for m, _t, k in SCREENS])
def test_each_row_names_only_real_keys(mode: str, fkey: str) -> None:
    row = _rows()[fkey]
    missing = _named_keys(row) - _module_keys(mode)
    assert not missing, f"{fkey} : le README nomme {sorted(missing)}, que l'écran ne connaît pas"


@pytest.mark.parametrize(("mode", "fkey"), [(m, k) for m, _t, k in SCREENS])
def test_each_letter_the_screen_binds_is_in_its_row(mode: str, fkey: str) -> None:
    mod = importlib.import_module(f"ecp.tui.screens.{MODULES[mode][0]}")
    screen = getattr(mod, MAIN[mode])
    own = {k for k in _bindings(screen) if len(k) == 1 and k.isalpha()}
    forgotten = own - _named_keys(_rows()[fkey])
    assert not forgotten, f"{fkey} : la touche {sorted(forgotten)} manque au README"
