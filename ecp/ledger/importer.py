"""Bulk import of postings from CSV, all or nothing, streamed, in two phases.

Columns ``entry_ref,date,journal,label,account,dimension,debit,credit``; consecutive lines with
the same ``entry_ref`` form one entry.

1. ``check_postings``, in a READ transaction (no writer lock: other writers go on): every line
   is parsed and checked; the first error stops spooling but not checking, so the user gets
   every error with its line number and nothing is ever written. The valid entries are spooled
   in compact form (arrays of indexes and centimes) to a private temporary file, chunk by
   chunk, so memory stays flat.
2. ``write_postings``, in the WRITE transaction: re-checks what may have changed meanwhile (a
   month closed, an account, a dimension or a journal gone), then numbers, chains, inserts and
   moves the balances. All or nothing: the caller commits or rolls back.
"""

from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import pickle
import tempfile
from array import array
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from ecp.kernel.errors import InputError, PeriodLockedError, ValidationError
from ecp.kernel.money import MAX_AMOUNT, fmt_fr, parse_csv_amount
from ecp.kernel.periods import date_problem, month_label
from ecp.kernel.text import LABEL, REFERENCE, has_control, text_problem
from ecp.ledger.entry import JournalEntry, LineSpec, day_int, entry_ref
from ecp.ledger.posting import Checker, Poster

COLUMNS = ["entry_ref", "date", "journal", "label", "account", "dimension", "debit", "credit"]
MAX_ERRORS = 200
IMPORT_CACHE_KIB = -65536  # negative: KiB, i.e. 64 MiB
SPOOL_LINES = 65_536  # lines per chunk of the spool (kept in memory, then pickled)


@dataclass(frozen=True)
class ImportResult:
    entries: int
    lines: int
    first: str | None
    last: str | None


def _read(path: Path) -> Iterator[list[str]]:
    reader = None
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            reader = csv.reader(f)
            yield from reader
    except csv.Error as exc:
        # a cell over csv.field_size_limit() (128 Kio), a NUL byte in old Pythons…
        where = f", ligne {reader.line_num}" if reader is not None else ""
        raise InputError(f"{path.name}{where} : fichier CSV illisible ({_csv_reason(exc)})",
                         field="path") from None
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} : le fichier n'est pas en UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise InputError(f"{path} : lecture impossible ({exc.strerror})") from None


def _shown(cell: str) -> str:
    """A cell quoted in a message: short, on one line (control characters escaped)."""
    cell = cell if len(cell) <= 40 else cell[:40] + "…"
    return repr(cell)[1:-1] if has_control(cell) else cell


def _csv_reason(exc: csv.Error) -> str:
    if "field larger than field limit" in str(exc):
        return f"une cellule dépasse {csv.field_size_limit() // 1024} Kio"
    return str(exc)


_Spec = tuple[str, str, int, None, None]  # account, dimension, centimes, third party, due day
_Head = tuple[str, int, str, str, int]  # journal, day, label, reference, number of lines
_Chunk = tuple[list[_Head], "array[int]", "array[int]", "array[int]"]


@dataclass
class CheckedImport:
    """A file checked whole (phase 1): its entries, spooled compactly to a private temporary
    file (0600, unlinked at once), and what phase 2 must find unchanged."""

    name: str
    entries: int = 0
    lines: int = 0
    accounts: dict[str, int] = dataclasses.field(default_factory=dict)  # code: index in the spool
    dimensions: dict[str, int] = dataclasses.field(default_factory=dict)
    journals: set[str] = dataclasses.field(default_factory=set)
    months: dict[int, int] = dataclasses.field(default_factory=dict)  # YYYYMM: entries
    _file: IO[bytes] | None = None
    _heads: list[_Head] = dataclasses.field(default_factory=list)
    _acc: array[int] = dataclasses.field(default_factory=lambda: array("I"))
    _dim: array[int] = dataclasses.field(default_factory=lambda: array("I"))
    _amt: array[int] = dataclasses.field(default_factory=lambda: array("q"))

    def add(self, journal: str, day: int, month: int, label: str, ref: str,
            specs: list[_Spec]) -> None:
        accounts, dimensions = self.accounts, self.dimensions
        acc, dim, amt = self._acc, self._dim, self._amt
        for account, dimension, amount, _tp, _due in specs:
            i = accounts.get(account)
            if i is None:
                i = accounts[account] = len(accounts)
            acc.append(i)
            i = dimensions.get(dimension)
            if i is None:
                i = dimensions[dimension] = len(dimensions)
            dim.append(i)
            amt.append(amount)
        self._heads.append((journal, day, label, ref, len(specs)))
        self.journals.add(journal)
        self.months[month] = self.months.get(month, 0) + 1
        self.entries += 1
        self.lines += len(specs)
        if len(amt) >= SPOOL_LINES:
            self._dump()

    def _dump(self) -> None:
        if self._file is None:
            self._file = tempfile.TemporaryFile(prefix="ecp-import-")  # noqa: SIM115
        pickle.dump((self._heads, self._acc, self._dim, self._amt), self._file,
                    protocol=pickle.HIGHEST_PROTOCOL)
        self._heads, self._acc, self._dim, self._amt = [], array("I"), array("I"), array("q")

    def chunks(self) -> Iterator[_Chunk]:
        """The spooled entries in file order, one chunk at a time."""
        if self._file is not None:
            f = self._file
            f.flush()
            f.seek(0)
            while True:
                try:
                    chunk: _Chunk = pickle.load(f)
                except EOFError:
                    break
                yield chunk
        if self._heads:
            yield self._heads, self._acc, self._dim, self._amt

    def close(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
        self._heads = []

    def changed(self, now: Checker) -> list[InputError]:
        """What changed since phase 1 and refuses the import (checked under the lock)."""
        out: list[InputError] = []
        after = "pendant la vérification du fichier : rien n'est importé"
        for m in sorted(set(self.months) & now.locked):
            n = self.months[m]
            out.append(InputError(
                f"{self.name} : le mois {month_label(m)} ({n} écriture{'s' if n > 1 else ''}) "
                f"a été clôturé {after}", field="path", code="date.closed"))
        for what, used, known in (("compte", self.accounts, now.accounts),
                                  ("dimension", self.dimensions, now.dimensions),
                                  ("journal", self.journals, now.journals)):
            for code in sorted(c for c in used if c not in known):
                out.append(InputError(f"{self.name} : {what} « {code} » supprimé {after}",
                                      field="path"))
        return out


def check_postings(conn: Connection, path: Path) -> CheckedImport:
    """Phase 1: parse and check the whole of ``path`` against the books as ``conn`` (a read
    transaction is enough) sees them; raise ValidationError listing every error."""
    rows = _read(path)
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path.name} : fichier vide")
    if [h.strip().lower() for h in header] != COLUMNS:
        raise InputError(f"{path.name}, ligne 1 : en-tête attendu {','.join(COLUMNS)}")
    checked = CheckedImport(path.name)
    try:
        _check_rows(Checker(conn), rows, checked)
    except BaseException:
        checked.close()
        raise
    return checked


def write_postings(conn: Connection, checked: CheckedImport, user: str) -> ImportResult:
    """Phase 2, in the writer transaction: refuse if a month was closed (or an account, a
    dimension, a journal removed) since phase 1, else post every spooled entry."""
    poster = Poster(conn, user)
    changed = checked.changed(poster)
    if changed:
        found = [str(x) for x in changed]
        if any(x.code == "date.closed" for x in changed):
            raise PeriodLockedError(found, changed)
        raise ValidationError(found, changed)
    if conn.dialect.name != "sqlite":
        return _write_rows(poster, checked)
    # A bigger page cache for this transaction only: the insertion points of the lines'
    # (dimension, account) index stay in memory instead of spilling to the WAL and back.
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")
    try:
        return _write_rows(poster, checked)
    finally:
        with suppress(SQLAlchemyError):  # never hide the import's own error behind this one
            conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def import_postings(conn: Connection, path: Path, user: str) -> ImportResult:
    """Both phases in the one open transaction of ``conn`` (the façade runs phase 1 in a read
    transaction instead, so that the writer lock is held only for phase 2)."""
    checked = check_postings(conn, path)
    try:
        return write_postings(conn, checked, user)
    finally:
        checked.close()


def _write_rows(poster: Poster, checked: CheckedImport) -> ImportResult:
    accounts = list(checked.accounts)  # index: code (dicts keep insertion order)
    dimensions = list(checked.dimensions)
    append = poster.append
    first: tuple[str, int, int] | None = None
    last: tuple[str, int, int] | None = None
    for heads, acc, dim, amt in checked.chunks():
        k = 0
        for journal, day, label, ref, n in heads:
            e = k + n
            specs = [(accounts[acc[j]], dimensions[dim[j]], amt[j], None, None)
                     for j in range(k, e)]
            k = e
            year = day // 10000
            number = append(journal, year, day, label, ref, None, specs)
            last = (poster.journal, year, number)
            if first is None:
                first = last
    poster.flush()
    return ImportResult(checked.entries, checked.lines, entry_ref(*first) if first else None,
                        entry_ref(*last) if last else None)


def _check_rows(poster: Checker, rows: Iterator[list[str]], out: CheckedImport) -> None:
    """The hot loop: plain tuples, cached dates, and the checks of ``Checker.problems`` done
    inline; an entry that fails them goes through ``problems`` for the exact messages."""
    errors: list[str] = []
    journals, accounts, dimensions = poster.journals, poster.accounts, poster.dimensions
    locked = poster.locked
    dates: dict[str, tuple[dt.date, int, int, int]] = {}  # text: (date, day, year, month)
    add = out.add
    parse = parse_csv_amount

    def flush_entry(ref: str, start: int, journal: str, label: str,
                    when: tuple[dt.date, int, int, int], specs: list[_Spec]) -> None:
        date, day, _year, month = when
        ok = journal in journals and month not in locked and len(specs) >= 2 \
            and bool(label.strip()) and text_problem(label, LABEL) is None \
            and text_problem(ref, REFERENCE) is None
        if ok:
            total = debits = 0
            dim0 = specs[0][1]
            mixed = False
            for account, dim, amount, _tp, _due in specs:
                if account not in accounts or dim not in dimensions or not amount \
                        or not -MAX_AMOUNT <= amount <= MAX_AMOUNT:
                    ok = False
                    break
                total += amount
                if amount > 0:
                    debits += amount
                if dim != dim0:
                    mixed = True
            if total or debits > MAX_AMOUNT:
                ok = False
            elif ok and mixed:
                per_dim: dict[str, int] = {}
                for _a, dim, amount, _tp, _due in specs:
                    per_dim[dim] = per_dim.get(dim, 0) + amount
                ok = not any(per_dim.values())
        if not ok:
            e = JournalEntry(journal, date, label,
                             tuple(LineSpec(a, d, m) for a, d, m, _tp, _due in specs),
                             reference=ref)
            found = poster.problems(e, first_line=start)
            end = start + len(specs) - 1
            where = f"ligne {start}" if end == start else f"lignes {start}-{end}"
            errors.extend(
                f"écriture « {ref} » : {p}" if p.startswith("ligne") else
                f"{where} (écriture « {ref} ») : {p}" for p in found)
            return
        if errors:
            return  # keep checking, spool nothing more: the whole file will be refused
        add(journal, day, month, label, ref, specs)

    cur_ref: str | None = None
    cur_start = 0
    cur_date = cur_journal = cur_label = ""
    cur_when: tuple[dt.date, int, int, int] | None = None
    cur_specs: list[_Spec] = []
    cur_bad = False
    lineno = 1
    for row in rows:
        lineno += 1
        if len(errors) >= MAX_ERRORS:
            break
        if len(row) != 8:
            if not row or (len(row) == 1 and not row[0].strip()):
                continue
            errors.append(f"ligne {lineno} : {len(row)} colonnes au lieu de 8")
            # The row's entry is incomplete: mark it, so it earns no second message.
            if row[0] != cur_ref:
                if cur_ref is not None and not cur_bad and cur_when is not None:
                    flush_entry(cur_ref, cur_start, cur_journal, cur_label, cur_when,
                                cur_specs)
                cur_ref, cur_start, cur_specs = row[0], lineno, []
            cur_bad = True
            continue
        ref, date_s, journal, label, account, dim, deb_s, cre_s = row
        if ref != cur_ref:
            if cur_ref is not None and not cur_bad and cur_when is not None:
                flush_entry(cur_ref, cur_start, cur_journal, cur_label, cur_when, cur_specs)
            cur_ref, cur_start, cur_specs, cur_bad = ref, lineno, [], False
            cur_date, cur_journal, cur_label = date_s, journal, label
            if not ref.strip():
                errors.append(f"ligne {lineno} : entry_ref vide")
                cur_bad = True
            cur_when = dates.get(date_s)
            if cur_when is None:
                try:
                    d = dt.date.fromisoformat(date_s)
                except ValueError:
                    errors.append(f"ligne {lineno}, date : « {_shown(date_s)} » n'est pas une date "
                                  "AAAA-MM-JJ qui existe")
                    cur_bad = True
                else:
                    problem = date_problem(d)
                    if problem is not None:
                        errors.append(f"ligne {lineno}, date : {problem}")
                        cur_bad = True
                    else:
                        cur_when = dates[date_s] = (d, day_int(d), d.year,
                                                    d.year * 100 + d.month)
        elif not cur_bad and (date_s != cur_date or journal != cur_journal
                              or label != cur_label):
            errors.append(f"ligne {lineno} : date, journal ou libellé différent de la ligne "
                          f"{cur_start} pour la même écriture « {ref} »")
            cur_bad = True
        # Fast path for what machines write: one cell empty, the other ``123.45`` in ASCII
        # digits; anything else goes through parse_csv_amount (every accepted form, errors).
        if not cre_s and len(deb_s) > 3 and deb_s[-3] == ".":
            digits = deb_s[:-3] + deb_s[-2:]
            if digits.isascii() and digits.isdigit():
                amount = int(digits)
                if amount:
                    cur_specs.append((account.strip(), dim.strip(), amount, None, None))
                    continue
        elif not deb_s and len(cre_s) > 3 and cre_s[-3] == ".":
            digits = cre_s[:-3] + cre_s[-2:]
            if digits.isascii() and digits.isdigit():
                amount = int(digits)
                if amount:
                    cur_specs.append((account.strip(), dim.strip(), -amount, None, None))
                    continue
        deb = cre = None
        bad_cell = False
        for field, cell in (("debit", deb_s), ("credit", cre_s)):
            try:
                value = parse(cell.strip())
            except ValueError as exc:
                if exc.args[1:] == ("too_large",):
                    errors.append(f"ligne {lineno}, {field} : au-delà de "
                                  f"{fmt_fr(MAX_AMOUNT)} DH, le maximum accepté")
                else:
                    errors.append(f"ligne {lineno}, {field} : « {_shown(cell.strip())} » "
                                  "n'est pas un montant à deux décimales au plus")
                bad_cell = True
                continue
            if field == "debit":
                deb = value
            else:
                cre = value
        if bad_cell:
            cur_bad = True
            continue
        if deb is None:
            if cre is None:
                errors.append(f"ligne {lineno} : renseigner soit debit soit credit, pas les "
                              "deux ni aucun")
                cur_bad = True
                continue
            if cre <= 0:
                errors.append(f"ligne {lineno}, credit : montant négatif ou nul")
                cur_bad = True
                continue
            amount = -cre
        else:
            if cre is not None:
                errors.append(f"ligne {lineno} : renseigner soit debit soit credit, pas les "
                              "deux ni aucun")
                cur_bad = True
                continue
            if deb <= 0:
                errors.append(f"ligne {lineno}, debit : montant négatif ou nul")
                cur_bad = True
                continue
            amount = deb
        cur_specs.append((account.strip(), dim.strip(), amount, None, None))
    if cur_ref is not None and not cur_bad and cur_when is not None:
        flush_entry(cur_ref, cur_start, cur_journal, cur_label, cur_when, cur_specs)
    if errors:
        raise ValidationError(errors)
