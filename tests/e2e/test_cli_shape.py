"""The shape of the command line: French argparse without internal names, errors printed with
the command's own flag, shared parsers, and a start-up that imports only what a command uses.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ecp import api, cli
from ecp.cli._common import error_line, flag_for
from ecp.cli._parse import code_qty, date_span, entry_line, entry_lines
from ecp.kernel.errors import InputError, NotFoundError, ValidationError
from ecp.kernel.vocab import MEMBER_STATUSES

# --- argparse speaks French and never names a dest -------------------------------------------


def _err(capsys: pytest.CaptureFixture[str], *argv: str) -> str:
    with pytest.raises(SystemExit) as exit_:
        cli.main(list(argv))
    assert exit_.value.code == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.count("\n") == 1, err
    return err.strip()


def test_missing_sub_command_names_the_command_and_its_choices(
        capsys: pytest.CaptureFixture[str]) -> None:
    assert _err(capsys, "member") == (
        "ecp member : sous-commande obligatoire (add, edit, list, show, capacity, stage, exit, "
        "journey) (voir « ecp member --help »)")
    assert _err(capsys, "entry", "frob") == (
        "ecp entry : sous-commande « frob » inconnue (post, reverse, show, list) "
        "(voir « ecp entry --help »)")
    assert _err(capsys, "frob").startswith("ecp : commande « frob » inconnue (tui, init, ")


@pytest.mark.parametrize(("argv", "expected"), [
    (["entry", "post", "--journal", "OD"],
     "ecp : obligatoire(s) : --date, --label, --line (voir « ecp entry post --help »)"),
    (["member", "add"], "ecp : obligatoire(s) : CODE, --name (voir « ecp member add --help »)"),
    (["export", "csv", "--out", "x"],
     "ecp : choix 'csv' invalide (parmi 'journal', 'ledger', 'trial-balance', 'hledger', "
     "'releve-deductions', 'delais-paiement', 'liasse') (voir « ecp export --help »)"),
    (["member", "list", "--format", "xml"],
     "ecp : --format : choix 'xml' invalide (parmi 'table', 'csv', 'json') "
     "(voir « ecp member list --help »)"),
    (["report", "trial-balance", "--from", "2026-02-30"],
     "ecp : --from : date : « 2026-02-30 » n'est pas une date qui existe "
     "(voir « ecp report trial-balance --help »)"),
    (["period", "close", "2026-13"],
     "ecp : AAAA-MM : mois : « 2026-13 » n'est pas un mois (AAAA-MM) "
     "(voir « ecp period close --help »)"),
    (["--frob"], "ecp : argument(s) non reconnu(s) : --frob (voir « ecp --help »)"),
    (["entry", "post", "--date"], "ecp : --date : une valeur est attendue "
     "(voir « ecp entry post --help »)"),
])
def test_argparse_errors_are_french(
        capsys: pytest.CaptureFixture[str], argv: list[str], expected: str) -> None:
    assert _err(capsys, *argv) == expected


def _parsers(p: argparse.ArgumentParser) -> list[argparse.ArgumentParser]:
    out = [p]
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sp in dict.fromkeys(action.choices.values()):
                out += _parsers(sp)
    return out


ENGLISH = ("usage:", "positional arguments", "options:\n  -h, --help            show",
           "show this help", "error:", "required:", "invalid choice", "expected one")


def test_every_help_and_every_missing_sub_command_is_french(
        capsys: pytest.CaptureFixture[str]) -> None:
    parser = cli.build_parser()
    everything = _parsers(parser)
    assert len(everything) > 80  # every command and sub-command of every domain
    for sp in everything:
        text = sp.format_help()
        assert text.startswith("usage : "), sp.prog
        assert not any(e in text for e in ENGLISH), (sp.prog, text)
        assert "afficher cette aide et quitter" in text
        if any(isinstance(a, argparse._SubParsersAction) for a in sp._actions) \
                and sp.prog != "ecp":
            words = sp.prog.split()[1:]
            err = _err(capsys, *words)
            assert err.startswith(f"{sp.prog} : sous-commande obligatoire ("), err
            assert not re.search(r"\b(sub2?|what|func|command|_cmd_parser)\b", err), err


def test_the_parser_leaves_argparse_english_outside(capsys: pytest.CaptureFixture[str]) -> None:
    """French only for our parsers: argparse itself is restored (pytest parses with it)."""
    _err(capsys, "member")
    other = argparse.ArgumentParser(prog="autre")
    assert "show this help message and exit" in other.format_help()


# --- errors printed with the command's flag --------------------------------------------------


def test_an_entry_line_error_names_the_flag_and_the_line(
        books: api.Books, capsys: pytest.CaptureFixture[str]) -> None:
    db = str(books.path)
    code = cli.main(["--db", db, "entry", "post", "--journal", "OD", "--date", "2026-02-03",
                     "--label", "Essai", "--line", "5141:ECP:10", "--line", "1111:ECP:-dix"])
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("ecp : --line n°2 : montant : « -dix » n'est pas un montant")
    assert err.count("\n") == 1
    code = cli.main(["--db", db, "entry", "post", "--journal", "OD", "--date", "2026-02-03",
                     "--label", "Essai", "--line", "5141:ECP:10", "--line", "1111"])
    assert code == 2
    assert capsys.readouterr().err.startswith("ecp : --line n°2 : « 1111 » attendu COMPTE:")
    code = cli.main(["--db", db, "verify", "--expect", "12"])
    assert code == 2
    assert capsys.readouterr().err.startswith("ecp : --expect : tête de chaîne : « 12 »")


def _post_parser() -> argparse.ArgumentParser:
    parser = cli.build_parser()
    ns = parser.parse_args(["entry", "post", "--journal", "OD", "--date", "2026-01-01",
                            "--label", "x", "--line", "1:E:1"])
    assert isinstance(ns._cmd_parser, argparse.ArgumentParser)
    assert ns._cmd_parser.prog == "ecp entry post"
    return ns._cmd_parser


def test_flag_for_a_field() -> None:
    post = _post_parser()
    assert flag_for(post, "lines.amount") == "--line"
    assert flag_for(post, "lines") == "--line"
    assert flag_for(post, "label") == "--label"
    assert flag_for(post, "customer") is None
    assert flag_for(None, "label") is None
    close = cli.build_parser().parse_args(["period", "close", "2026-01"])._cmd_parser
    assert flag_for(close, "month") == "AAAA-MM"
    assert error_line(InputError("montant : faux", field="lines.amount", line=3), post) == \
        "--line n°3 : montant : faux"
    assert error_line(InputError("ligne 3 : compte « 9 » inconnu", field="lines.account",
                                 line=3), post) == "--line : ligne 3 : compte « 9 » inconnu"
    assert error_line(NotFoundError("client « X » inconnu", field="customer"), post) == \
        "client « X » inconnu"


def test_a_validation_error_lists_each_problem_with_its_flag(
        capsys: pytest.CaptureFixture[str]) -> None:
    from ecp.cli._common import report_error

    post = _post_parser()
    exc = ValidationError(["ligne 1 : compte « 9 » inconnu", "libellé : obligatoire"],
                          errors=[InputError("compte « 9 » inconnu", field="lines.account",
                                             line=1),
                                  InputError("libellé : obligatoire", field="nowhere")])
    assert report_error(exc, post) == 2
    assert capsys.readouterr().err.splitlines() == [
        "ecp : 2 erreurs, rien n'a été enregistré :",
        "  --line n°1 : compte « 9 » inconnu",
        "  libellé : obligatoire"]


# --- shared parsers ---------------------------------------------------------------------------


def test_entry_lines_parse_once_and_say_where() -> None:
    (a, b) = entry_lines(["5141:ecp:10,50", "1111:ECP:-10.50:CLIENT:2026-03-31"])
    assert (a.account, a.dimension, a.amount, a.third_party, a.due_date) == \
        ("5141", "ECP", 1050, None, None)
    assert (b.amount, b.third_party, b.due_date) == (-1050, "CLIENT", dt.date(2026, 3, 31))
    with pytest.raises(InputError) as bad:
        entry_line("5141:ECP:1,234", 4)
    assert (bad.value.field, bad.value.line) == ("lines.amount", 4)
    assert "--line" not in bad.value.message
    with pytest.raises(InputError) as bad:
        entry_line("5141:ECP:1:T:2026-02-30", 2)
    assert (bad.value.field, bad.value.line) == ("lines.due", 2)
    with pytest.raises(InputError) as bad:
        entry_line("5141", 1)
    assert (bad.value.field, bad.value.line, bad.value.code) == ("lines", 1, "line.format")


def test_code_qty_and_date_span() -> None:
    assert code_qty("tissu:2,5", 1, "matière 1", "materials") == ("TISSU", 2500)
    with pytest.raises(InputError) as bad:
        code_qty("TISSU", 2, "matière 2", "materials")
    assert (bad.value.field, bad.value.line) == ("materials", 2)
    with pytest.raises(InputError) as bad:
        code_qty("TISSU:-1", 3, "matière 3", "materials")
    assert (bad.value.field, bad.value.line) == ("materials.qty", 3)
    d1, d2 = dt.date(2026, 1, 1), dt.date(2026, 2, 1)
    assert date_span(d1, d2) == (d1, d2)
    with pytest.raises(InputError) as bad:
        date_span(d2, d1)
    assert bad.value.field == "date_to"


# --- start-up: a command imports what it uses ------------------------------------------------

_PROBE = """
import sys
from ecp.cli import main
try:
    code = main(sys.argv[1:])
except SystemExit as exc:
    code = exc.code
heavy = sorted({m.split('.')[0] for m in sys.modules} & {HEAVY})
print('IMPORTED', ' '.join(heavy) or '-', file=sys.stderr)
"""


def _imported(*argv: str) -> set[str]:
    heavy = "{'sqlalchemy', 'alembic', 'textual', 'reportlab', 'babel', 'stdnum', 'rich'}"
    r = subprocess.run([sys.executable, "-c", _PROBE.replace("{HEAVY}", heavy), *argv],
                       capture_output=True, text=True, encoding="utf-8", timeout=120)
    line = next(x for x in r.stderr.splitlines() if x.startswith("IMPORTED"))
    return set(line.split()[1:]) - {"-"}


def test_help_imports_no_database_layer_and_a_report_no_alembic(books: api.Books) -> None:
    assert _imported("--help") == set()
    assert _imported("report", "--help") == set()
    used = _imported("--db", str(books.path), "report", "ledger")
    assert "sqlalchemy" in used  # the probe sees what a command loads
    assert not used & {"alembic", "textual", "reportlab", "babel"}, used
    # The trial balance on SQLite books at head: plain SQL on sqlite3, no SQLAlchemy at all.
    assert _imported("--db", str(books.path), "report", "trial-balance") == set()


def test_lazy_facade_resolves_every_public_name() -> None:
    for name in api.__all__:
        assert getattr(api, name) is not None, name
    assert set(api.__all__) <= set(dir(api))
    with pytest.raises(AttributeError):
        api.no_such_function  # noqa: B018
    assert api.MEMBER_STATUSES == MEMBER_STATUSES


def test_head_revision_is_read_without_alembic() -> None:
    from alembic.script import ScriptDirectory

    from ecp.db.migrate import MIGRATIONS, _config, _scanned_head, head_revision

    assert _scanned_head(MIGRATIONS) == head_revision() \
        == ScriptDirectory.from_config(_config()).get_current_head()


def test_scanned_head_gives_way_to_alembic_on_two_heads(tmp_path: Path) -> None:
    from ecp.db.migrate import _scanned_head

    (tmp_path / "versions").mkdir()
    for rev, down in (("a", "None"), ("b", "'a'"), ("c", "'a'")):
        (tmp_path / "versions" / f"{rev}.py").write_text(
            f"revision: str = '{rev}'\ndown_revision = {down}\n", encoding="utf-8")
    assert _scanned_head(tmp_path) is None
    (tmp_path / "versions" / "d.py").write_text(
        "revision = 'd'\ndown_revision = ('b', 'c')\n", encoding="utf-8")
    assert _scanned_head(tmp_path) == "d"
