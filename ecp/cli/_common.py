"""What every command shares: the French argument parser, ``--format``, ``--from/--to``, the
date and month argument types, amounts for output, opening the books.

Cheap to import on purpose: building the whole parser (``ecp --help``) imports neither the
database layer nor the façade. A command imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from ecp.kernel.errors import EcpError, InputError, ValidationError
from ecp.kernel.money import fmt_fr, fmt_plain
from ecp.kernel.periods import Month, parse_date

if TYPE_CHECKING:
    from ecp.api import Books

FORMATS = ("table", "csv", "json")

# --- argparse in French ----------------------------------------------------------------------
#
# argparse passes every text it prints through ``argparse._`` (gettext) and names arguments
# with ``argparse._get_action_name``. Both are swapped while one of our parsers builds, parses
# or prints, so what the user reads is French and never an internal ``dest``.

_FR = {
    "usage: ": "usage : ",
    "positional arguments": "arguments",
    "options": "options",
    "optional arguments": "options",
    "show this help message and exit": "afficher cette aide et quitter",
    "argument %(argument_name)s: %(message)s": "%(argument_name)s : %(message)s",
    "the following arguments are required: %s": "obligatoire(s) : %s",
    "one of the arguments %s is required": "requis, l'un de : %s",
    "expected one argument": "une valeur est attendue",
    "expected at most one argument": "une valeur au plus est attendue",
    "expected at least one argument": "au moins une valeur est attendue",
    "ambiguous option: %(option)s could match %(matches)s":
        "option %(option)s ambiguë (%(matches)s)",
    "unrecognized arguments: %s": "argument(s) non reconnu(s) : %s",
    "invalid %(type)s value: %(value)r": "valeur %(value)r invalide",
    "invalid choice: %(value)r (choose from %(choices)s)":
        "choix %(value)r invalide (parmi %(choices)s)",
    "not allowed with argument %s": "incompatible avec %s",
    "ignored explicit argument %r": "valeur %r inattendue",
    "unexpected option string: %s": "option inattendue : %s",
    "expected %s argument": "%s valeur attendue",
    "expected %s arguments": "%s valeurs attendues",
}

SUBCOMMAND = "sous-commande"


def _translate(text: str) -> str:
    return _FR.get(text, text)


def _action_name(action: argparse.Action | None) -> str | None:
    """What the user calls an argument: its flag, its metavar, never a ``dest``."""
    if action is None:
        return None
    if action.option_strings:
        return "/".join(action.option_strings)
    if isinstance(action, argparse._SubParsersAction):
        return SUBCOMMAND
    if action.metavar not in (None, argparse.SUPPRESS):
        return str(action.metavar)
    if action.choices:
        return None  # the message lists the choices
    if action.dest not in (None, argparse.SUPPRESS):
        return action.dest.upper()
    return None


@contextmanager
def french() -> Iterator[None]:
    """argparse speaks French inside (nestable: each exit restores what it found)."""
    saved = (getattr(argparse, "_"), argparse._get_action_name)  # noqa: B009
    setattr(argparse, "_", _translate)  # noqa: B010 - argparse's gettext hook
    setattr(argparse, "_get_action_name", _action_name)  # noqa: B010
    try:
        yield
    finally:
        setattr(argparse, "_", saved[0])  # noqa: B010
        setattr(argparse, "_get_action_name", saved[1])  # noqa: B010


class _HelpFormatter(argparse.HelpFormatter):
    """Positionals without a metavar show in capitals (``CODE``), as the errors name them."""

    def _metavar_formatter(self, action: argparse.Action, default_metavar: str
                           ) -> Callable[[int], tuple[str, ...]]:
        if not action.option_strings and action.metavar is None and not action.choices:
            default_metavar = action.dest.upper()
        return super()._metavar_formatter(action, default_metavar)


class _Parser(argparse.ArgumentParser):
    """argparse that speaks French and exits 2 with one line instead of its usage dump."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", _HelpFormatter)
        with french():
            super().__init__(*args, **kwargs)

    def parse_known_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                         namespace: argparse.Namespace | None = None
                         ) -> tuple[argparse.Namespace, list[str]]:
        with french():
            return super().parse_known_args(args, namespace)

    def format_help(self) -> str:
        with french():
            return super().format_help()

    def format_usage(self) -> str:
        with french():
            return super().format_usage()

    def add_subparsers(self, **kwargs: Any) -> Any:
        kwargs.setdefault("parser_class", _Parser)
        kwargs.setdefault("title", "commandes" if self.prog == "ecp" else "sous-commandes")
        with french():
            return super().add_subparsers(**kwargs)

    def _subcommands(self) -> list[str]:
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                return list(action.choices)
        return []

    def error(self, message: str) -> NoReturn:
        choices = self._subcommands()
        required = _FR["the following arguments are required: %s"] % ""
        see = f"(voir « {self.prog} --help »)"
        if choices and message.startswith(required) and SUBCOMMAND in message:
            # « ecp member : sous-commande obligatoire (add, edit, list) »
            self.exit(2, f"{self.prog} : {SUBCOMMAND} obligatoire ({', '.join(choices)}) "
                         f"{see}\n")
        if choices and message.startswith(f"{SUBCOMMAND} : "):
            bad = message.split("'")[1] if "'" in message else ""
            word = "commande" if " " not in self.prog else SUBCOMMAND
            self.exit(2, f"{self.prog} : {word} « {bad} » inconnue "
                         f"({', '.join(choices)}) {see}\n")
        self.exit(2, f"ecp : {message} {see}\n")


Register = Callable[..., None]


# --- argument types and common options -------------------------------------------------------

def id_arg(text: str) -> int:
    """``type=`` for a number that names a row (draft, expense, bank line): a positive
    integer that fits the database's 64 bits."""
    s = text.strip()
    if not (s.isascii() and s.isdigit()) or len(s) > 18 or int(s) == 0:
        raise argparse.ArgumentTypeError(f"« {text[:40]} » n'est pas un numéro")
    return int(s)


def date_arg(text: str) -> dt.date:
    """``type=`` for a date option: ISO or JJ/MM/AAAA, French message when it is not one."""
    try:
        return parse_date(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def month_arg(text: str) -> Month:
    """``type=`` for a month: ``AAAA-MM``."""
    try:
        return Month.parse(text)
    except InputError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_format(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--format", choices=FORMATS, default="table",
                    help="table (lecture), csv ou json (machines)")


def add_period(sp: argparse.ArgumentParser) -> None:
    sp.add_argument("--from", dest="date_from", type=date_arg, metavar="D",
                    help="à partir de cette date (incluse)")
    sp.add_argument("--to", dest="date_to", type=date_arg, metavar="D",
                    help="jusqu'à cette date (incluse)")


# --- output ----------------------------------------------------------------------------------

def amt(cents: int, fmt: str) -> str:
    """An amount for a report: ``1 234,50`` to read, ``1234.50`` for machines."""
    return fmt_fr(cents) if fmt == "table" else fmt_plain(cents)


def dc(cents: int, fmt: str) -> str:
    """A debit or credit cell: empty when zero."""
    return "" if cents == 0 else amt(cents, fmt)


_amt = amt
_dc = dc


def add_out(sp: argparse.ArgumentParser, metavar: str = "FICHIER", *,
            required: bool = False) -> None:
    """``--out`` and its ``--force``: an output never replaces an existing file unasked."""
    sp.add_argument("--out", metavar=metavar, required=required,
                    help="où écrire (jamais la base ni les archives)")
    sp.add_argument("--force", action="store_true",
                    help="remplacer le fichier s'il existe déjà")


def _forced(exc: InputError) -> InputError:
    if exc.code == "out.exists":
        return InputError(f"{exc.message} (ajouter --force pour le remplacer)",
                          field=exc.field, code=exc.code)
    return exc


def out_path(books: Books, a: argparse.Namespace, *, manifest: bool = False,
             make_parent: bool = True) -> Path | None:
    """The command's ``--out`` once checked (see ``api.check_output``): never the books,
    their ``-wal``/``-shm``, the archive, the statements or a link; an existing file only
    with ``--force``. None when no ``--out`` was given."""
    if a.out is None:
        return None
    from ecp import api

    path = Path(a.out)
    try:
        api.check_output(books, path, force=a.force, manifest=manifest,
                         make_parent=make_parent)
    except InputError as exc:
        raise _forced(exc) from None
    return path


def out_dir(books: Books, a: argparse.Namespace, names: list[str] | None,
            pattern: str) -> Path | None:
    """A ``--out DOSSIER`` several files go into, checked like ``out_path`` for each of them
    (``names``, or every existing file matching ``pattern`` when not known in advance)."""
    if a.out is None:
        return None
    from ecp import api

    path = Path(a.out)
    try:
        api.check_output_dir(books, path, names, pattern, force=a.force)
    except InputError as exc:
        raise _forced(exc) from None
    return path


def open_books(a: argparse.Namespace) -> Books:
    """The books named by ``--db`` (or ECP_DB, or the default place), migrated if need be."""
    from ecp import api

    return api.open_books(a.db)


# --- errors ----------------------------------------------------------------------------------

def flag_for(parser: argparse.ArgumentParser | None, field: str | None) -> str | None:
    """The option (or positional) of ``parser`` whose ``dest`` is the error's ``field``.

    ``lines.amount`` is about one line of ``lines``: the ``--line`` option (dest ``line``)."""
    if parser is None or not field:
        return None
    head = field.split(".", 1)[0]
    wanted = [field, head]
    if head.endswith("s"):
        wanted.append(head[:-1])
    for name in wanted:
        for action in parser._actions:
            if action.dest != name or action.dest == "help":
                continue
            if action.option_strings:
                return max(action.option_strings, key=len)
            return _action_name(action) or action.dest.upper()
    return None


def error_line(exc: EcpError, parser: argparse.ArgumentParser | None) -> str:
    """``<flag>[ n°<line>] : <message>`` when the field is one of the command's options."""
    flag = flag_for(parser, exc.field)
    if flag is None:
        return exc.message or str(exc)
    message = exc.message or str(exc)
    # A domain message may already say « ligne 2 » (the TUI shows it as is): no second number.
    where = f"{flag} n°{exc.line}" if exc.line and f"ligne {exc.line}" not in message else flag
    return f"{where} : {message}"


def _one(exc: InputError, problem: str, parser: argparse.ArgumentParser | None) -> str:
    """One problem of a validation: by its flag when known, else as the domain wrote it."""
    return error_line(exc, parser) if flag_for(parser, exc.field) else problem


def wait_notice(limit: float) -> None:
    """A writer waits for another process's lock: one line, once (``ecp.db.engine``)."""
    print(f"ecp : base occupée, attente… (au plus {limit:.0f} s, ECP_LOCK_WAIT)",
          file=sys.stderr, flush=True)


def lock_error(exc: BaseException) -> EcpError | None:
    """A lock wait that ended outside the writer's own loop (PostgreSQL's ``lock_timeout``, a
    reader during a checkpoint) as the refusal the user reads; None for anything else."""
    text = f"{type(exc).__name__} {exc}"
    if not any(k in text for k in ("database is locked", "lock timeout", "LockNotAvailable")):
        return None
    from ecp.config import lock_wait
    from ecp.db.engine import BusyError

    try:
        return BusyError(lock_wait())
    except EcpError as bad:  # ECP_LOCK_WAIT itself is wrong
        return bad


def report_error(exc: EcpError, parser: argparse.ArgumentParser | None) -> int:
    """Print an error as the user reads it, on stderr; the exit code."""
    if isinstance(exc, ValidationError) and exc.problems:
        paired = len(exc.errors) == len(exc.problems)
        texts = [_one(e, p, parser) for e, p in zip(exc.errors, exc.problems, strict=True)] \
            if paired else list(exc.problems)
        if len(texts) == 1:
            print(f"ecp : {texts[0]}", file=sys.stderr)
        else:
            print(f"ecp : {len(texts)} erreurs, rien n'a été enregistré :", file=sys.stderr)
            for t in texts:
                print(f"  {t}", file=sys.stderr)
        return exc.exit_code
    print(f"ecp : {error_line(exc, parser)}", file=sys.stderr)
    return exc.exit_code
