"""Bulk import of postings from CSV, all or nothing, streamed.

Columns ``entry_ref,date,journal,label,account,dimension,debit,credit``; consecutive lines with
the same ``entry_ref`` form one entry. Every line is checked; the first error stops writing but
not checking, so the user gets every error with its line number, and the caller rolls back.
Memory stays flat: rows are read one at a time and written in batches.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection
from sqlalchemy.exc import SQLAlchemyError

from ecp.kernel.errors import InputError, ValidationError
from ecp.kernel.money import MAX_AMOUNT, fmt_fr, parse_csv_amount
from ecp.kernel.periods import date_problem
from ecp.kernel.text import LABEL, REFERENCE, has_control, text_problem
from ecp.ledger.entry import JournalEntry, LineSpec, day_int, entry_ref
from ecp.ledger.posting import Poster

COLUMNS = ["entry_ref", "date", "journal", "label", "account", "dimension", "debit", "credit"]
MAX_ERRORS = 200
IMPORT_CACHE_KIB = -65536  # negative: KiB, i.e. 64 MiB


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


def import_postings(conn: Connection, path: Path, user: str) -> ImportResult:
    """Import ``path`` into the open transaction; raise ValidationError listing every error."""
    rows = _read(path)
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path.name} : fichier vide")
    if [h.strip().lower() for h in header] != COLUMNS:
        raise InputError(f"{path.name}, ligne 1 : en-tête attendu {','.join(COLUMNS)}")
    if conn.dialect.name != "sqlite":
        return _import_rows(Poster(conn, user), rows)
    # A bigger page cache for this transaction only: the insertion points of the lines'
    # (dimension, account) index stay in memory instead of spilling to the WAL and back.
    before = conn.exec_driver_sql("PRAGMA cache_size").scalar_one()
    conn.exec_driver_sql(f"PRAGMA cache_size={IMPORT_CACHE_KIB}")
    try:
        return _import_rows(Poster(conn, user), rows)
    finally:
        with suppress(SQLAlchemyError):  # never hide the import's own error behind this one
            conn.exec_driver_sql(f"PRAGMA cache_size={int(before)}")


def _import_rows(poster: Poster, rows: Iterator[list[str]]) -> ImportResult:
    """The hot loop: plain tuples, cached dates, and the checks of ``Poster.problems`` done
    inline; an entry that fails them goes through ``problems`` for the exact messages."""
    errors: list[str] = []
    journals, accounts, dimensions = poster.journals, poster.accounts, poster.dimensions
    locked = poster.locked
    dates: dict[str, tuple[dt.date, int, int, int]] = {}  # text: (date, day, year, month)
    counts = [0, 0]
    first: list[tuple[str, int, int]] = []
    last: list[tuple[str, int, int]] = []
    parse = parse_csv_amount

    def flush_entry(ref: str, start: int, journal: str, label: str,
                    when: tuple[dt.date, int, int, int], specs: list[_Spec]) -> None:
        date, day, year, month = when
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
            return  # keep checking, write nothing more: the whole file will be refused
        number = poster.append(journal, year, day, label, ref, None, specs)
        counts[0] += 1
        counts[1] += len(specs)
        if not first:
            first.append((journal, year, number))
        last[:] = [(journal, year, number)]

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
    poster.flush()
    return ImportResult(counts[0], counts[1], entry_ref(*first[0]) if first else None,
                        entry_ref(*last[0]) if last else None)
