"""Layering rules of DESIGN.md §1, checked by reading the imports of every module.

Domain packages never render or draw (no textual, reportlab, babel); the ledger knows no
documents and no caller (nothing from sales, production, members, reports, tui, api, cli).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import ecp

ROOT = Path(ecp.__file__).parent
DOMAIN = ("ledger", "sales", "production", "members")
DRAWING = {"textual", "reportlab", "babel"}
LEDGER_FORBIDDEN = {f"ecp.{p}" for p in ("sales", "production", "members", "reports", "tui",
                                         "api", "cli")}


def _module_name(path: Path) -> str:
    rel = path.relative_to(ROOT.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(path: Path) -> set[str]:
    return imports_in(path.read_text(encoding="utf-8"), _module_name(path),
                      path.name == "__init__.py")


def imports_in(src: str, module: str, is_package: bool = False) -> set[str]:
    """Absolute names of every module ``src`` imports, wherever in the file (lazy ones too)."""
    tree = ast.parse(src)
    package = module if is_package else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            found.add(mod)
            # ``from ecp import api`` imports the module ecp.api
            found.update(f"{mod}.{a.name}" for a in node.names)
    return found


def _files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _hits(names: set[str], forbidden: set[str]) -> set[str]:
    return {n for n in names for f in forbidden if n == f or n.startswith(f + ".")}


def test_domain_packages_exist_and_are_scanned() -> None:
    for p in DOMAIN:
        assert (ROOT / p / "__init__.py").exists(), p
    assert len(_files("ledger")) >= 8  # the scan really sees the ledger's modules


@pytest.mark.parametrize("package", DOMAIN)
def test_domain_never_draws_or_renders(package: str) -> None:
    bad = {str(f.relative_to(ROOT.parent)): sorted(_hits(imports_of(f), DRAWING))
           for f in _files(package)}
    assert {k: v for k, v in bad.items() if v} == {}


def test_ledger_knows_no_documents_nor_callers() -> None:
    bad = {str(f.relative_to(ROOT.parent)): sorted(_hits(imports_of(f), LEDGER_FORBIDDEN))
           for f in _files("ledger")}
    assert {k: v for k, v in bad.items() if v} == {}


def test_scanner_sees_forbidden_imports() -> None:
    """The checker itself: it would catch the imports it is meant to catch."""
    src = ("import babel.numbers\nfrom textual.app import App\n"
           "def f():\n    from ecp import api\n    from ..reports import render\n"
           "    from ecp.sales.invoices import x\n    from . import chain\n")
    names = imports_in(src, "ecp.ledger.probe")
    assert _hits(names, DRAWING) == {"babel.numbers", "textual.app", "textual.app.App"}
    assert _hits(names, LEDGER_FORBIDDEN) == {"ecp.api", "ecp.reports", "ecp.reports.render",
                                              "ecp.sales.invoices", "ecp.sales.invoices.x"}
    assert "ecp.ledger.chain" in names


# --- the TUI: no import cycle, feature screens import the kit, never each other -----------------
#
# Rule: a module of ``ecp.tui.screens`` may import ``ecp.tui.kit.*`` and the modules of its own
# feature (below: a job screen and its dialogs), nothing else of ``ecp.tui``; the kit imports
# no screen and not the app; only the app (the shell) knows every screen, and a screen reaches
# another feature's screen through it (``self.ecp.open_ledger(...)``, ``run_on``...).

TUI_FEATURES = (
    {"accounts"},
    {"bank", "bank_dialogs"},
    {"closing", "month_end", "year_end", "year_end_dialogs"},
    {"dashboard"},
    {"entries", "entry_form"},
    {"members", "member_page", "journey_dialogs"},
    {"impact"},
    {"network"},
    {"production", "production_dialogs", "workshop_dialogs"},
    {"reports"},
    {"sales", "sales_dialogs", "invoice_form", "reminder_dialogs"},
    {"settings", "file_ops"},
    {"vat"},
)


def tui_graph() -> dict[str, set[str]]:
    """Module of ``ecp.tui`` → the modules of ``ecp.tui`` it imports (lazy imports too)."""
    files = {_module_name(f): f for f in _files("tui")}
    graph: dict[str, set[str]] = {}
    for mod, path in files.items():
        deps: set[str] = set()
        for name in imports_of(path):
            while name and name not in files:  # ``ecp.tui.kit.forms.FormModal``: the module
                name = name.rpartition(".")[0]
            if name.startswith("ecp.tui") and name not in (mod, "ecp.tui", "ecp.tui.kit",
                                                            "ecp.tui.screens"):
                deps.add(name)
        graph[mod] = deps
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}  # 1: on the current path, 2: done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for dep in sorted(graph.get(node, ())):
            if state.get(dep) == 1:
                return [*path[path.index(dep):], dep]
            if dep not in state and (found := visit(dep)):
                return found
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (found := visit(node)):
            return found
    return None


def test_tui_has_no_import_cycle() -> None:
    graph = tui_graph()
    assert "ecp.tui.app" in graph and len(graph) > 20  # the scan sees the TUI
    assert find_cycle(graph) is None


def test_tui_screens_import_the_kit_never_another_feature() -> None:
    screens = {m.rpartition(".")[2] for m in tui_graph() if m.startswith("ecp.tui.screens.")}
    assert screens == set().union(*TUI_FEATURES)  # a new screen module joins a feature here
    feature = {name: group for group in TUI_FEATURES for name in group}
    bad: dict[str, list[str]] = {}
    for mod, deps in tui_graph().items():
        if mod.startswith("ecp.tui.screens."):
            own = feature[mod.rpartition(".")[2]]
            wrong = [d for d in deps if not d.startswith("ecp.tui.kit.")
                     and d.rpartition(".")[2] not in own]
        elif mod.startswith("ecp.tui.kit"):
            wrong = [d for d in deps if not d.startswith("ecp.tui.kit.")]
        else:
            continue
        if wrong:
            bad[mod] = sorted(wrong)
    assert bad == {}


def test_cycle_finder_finds_cycles() -> None:
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b", "c"}, "b": {"c"}, "c": set()}) is None
