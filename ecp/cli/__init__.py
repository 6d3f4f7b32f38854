"""The command line: every operation of the application, for scripts, cron and auditors.

Exit codes: 0 success; 1 a check failed (verify) or an unexpected refusal; 2 bad input, with
one line naming the flag (or the line) and the reason, and nothing written.

This module only assembles the parser and runs a command. Each core command lives in its own
module (``init``, ``member``, ``account``, ``entry``, ``period``, ``report``, ``export``,
``imports``, ``verify``, ``backup``, ``tui``); the domain modules (``sales``, ``members``,
``production``, ``bank``, ``reports_sales``) register theirs. What every command shares is in
``_common`` (the French parser, ``--format``, ``--from/--to``, argument types, amounts) and
``_parse`` (entry lines, ``CODE:QTÉ``). Building the parser imports neither the database layer
nor the façade's modules: ``ecp --help`` starts at once, a command pays for what it uses.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator, Sequence

from ecp import __version__
from ecp.cli import (
    account,
    audit,
    backup,
    entry,
    export,
    imports,
    init,
    member,
    period,
    refund,
    report,
    restore,
    tui,
    verify,
)
from ecp.cli import assets as cli_assets
from ecp.cli import bank as cli_bank
from ecp.cli import dunning as cli_dunning
from ecp.cli import impact as cli_impact
from ecp.cli import inventory as cli_inventory
from ecp.cli import journey as cli_journey
from ecp.cli import members as cli_members
from ecp.cli import network as cli_network
from ecp.cli import payroll as cli_payroll
from ecp.cli import production as cli_production
from ecp.cli import reports_sales as cli_reports_sales
from ecp.cli import sales as cli_sales
from ecp.cli import statutory as cli_statutory
from ecp.cli import vat as cli_vat
from ecp.cli._common import (
    FORMATS,
    _Parser,
    add_format,
    date_arg,
    french,
    lock_error,
    report_error,
    wait_notice,
)
from ecp.kernel.errors import EcpError

__all__ = ["FORMATS", "build_parser", "main"]


def build_parser() -> argparse.ArgumentParser:
    p = _Parser(prog="ecp", description="Comptabilité, factures et production d'une ECP.")
    p.add_argument("--version", action="version", version=f"ecp {__version__}",
                   help="afficher la version et quitter")
    p.add_argument("--db", help="chemin de la base SQLite ou URL SQLAlchemy (sinon ECP_DB)")
    p.add_argument("--read-only", action="store_true",
                   help="mode auditeur : lecture seule, toute modification refusée "
                        "(aussi ECP_READ_ONLY=1)")
    p.set_defaults(func=tui.cmd_tui, _cmd_parser=p)
    sub = p.add_subparsers(dest="command", metavar="COMMANDE")

    tui.register(sub)
    init.register(sub)
    m = member.register(sub)
    account.register(sub)
    entry.register(sub)
    period.register(sub)
    rp = report.register(sub)
    cli_reports_sales.register(rp)
    cli_dunning.register_reports(rp)
    cli_impact.register_reports(rp)
    cli_statutory.register(rp)
    report.register_ledger_reports(rp)
    export.register(sub)
    cli_vat.register(sub)
    imports.register(sub)
    verify.register(sub)
    audit.register(sub)
    refund.register(sub)
    cli_assets.register(sub)

    cli_sales.register(sub, _Parser, add_format, date_arg)
    cli_members.register(sub, _Parser, add_format, date_arg)
    cli_members.register_reports(rp, add_format, date_arg)
    cli_production.register(sub, _Parser, add_format, date_arg)
    cli_production.register_member(m, date_arg)
    cli_production.register_reports(rp, add_format, date_arg)
    cli_bank.register(sub, _Parser, add_format, date_arg)
    cli_bank.register_reports(rp, add_format, date_arg)
    cli_payroll.register(sub, rp)
    cli_inventory.register(sub)
    cli_journey.register(sub)
    cli_journey.register_member(m)
    cli_network.register(sub)

    backup.register(sub)
    restore.register(sub)
    for sp in _all_parsers(p):
        # Each command knows its own parser: an error about a field names the command's flag.
        sp.set_defaults(_cmd_parser=sp)
    return p


def _all_parsers(p: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield p
    for action in p._actions:
        if isinstance(action, argparse._SubParsersAction):
            seen: set[int] = set()
            for sp in action.choices.values():
                if id(sp) not in seen:  # aliases share a parser
                    seen.add(id(sp))
                    yield from _all_parsers(sp)


def _utf8_output() -> None:
    """Output goes out in UTF-8 wherever it goes. A Windows pipe or file defaults to the ANSI
    code page, which cannot write an Arabic name (nor « DH » in every code page)."""
    for stream in (sys.stdout, sys.stderr):
        enc = (getattr(stream, "encoding", None) or "").lower().replace("_", "-")
        if enc not in ("utf-8", "utf8") and hasattr(stream, "reconfigure"):
            stream.reconfigure(encoding="utf-8")


def _not_utf8(argv: Sequence[str]) -> str | None:
    """The refusal of the first argument that is not valid UTF-8 (POSIX hands such bytes over
    as lone surrogates), None when every argument is text."""
    for n, arg in enumerate(argv, 1):
        try:
            arg.encode("utf-8")
        except UnicodeEncodeError:
            try:
                shown = arg.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")
            except UnicodeEncodeError:
                shown = arg.encode("utf-8", "backslashreplace").decode("ascii")
            return (f"ecp : argument n°{n} « {shown} » : ce n'est pas du texte UTF-8 valide, "
                    "rien n'a été fait")
    return None


def _quiet_stdout() -> None:
    """The reader of our output went away (``ecp … | head``): what is left goes nowhere, and
    the interpreter's last flush finds nothing to complain about."""
    import contextlib
    import os

    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; its exit code. A closed pipe on stdout ends quietly (141, as a shell
    reports SIGPIPE), an argument that is not UTF-8 is refused before anything runs (2)."""
    try:
        try:
            return _run(sys.argv[1:] if argv is None else argv)
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _quiet_stdout()
        return 141


def _run(argv: Sequence[str]) -> int:
    _utf8_output()
    bad = _not_utf8(argv)
    if bad is not None:
        print(bad, file=sys.stderr)
        return 2
    with french():
        parser = build_parser()
        a = parser.parse_args(argv)
    from ecp.config import force_read_only
    from ecp.db.engine import set_wait_notice

    was_read_only = force_read_only(bool(getattr(a, "read_only", False)))
    was_notice = set_wait_notice(wait_notice)
    try:
        return int(a.func(a))
    except EcpError as exc:
        return report_error(exc, getattr(a, "_cmd_parser", None))
    except KeyboardInterrupt:
        print("ecp : interrompu, rien n'a été enregistré", file=sys.stderr)
        return 130
    except Exception as exc:
        busy = lock_error(exc)
        if busy is None:
            raise
        return report_error(busy, None)
    finally:
        set_wait_notice(was_notice)
        force_read_only(was_read_only)


if __name__ == "__main__":
    raise SystemExit(main())
