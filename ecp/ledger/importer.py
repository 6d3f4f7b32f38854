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
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection

from ecp.errors import InputError, ValidationError
from ecp.ledger.entry import JournalEntry, LineSpec
from ecp.ledger.posting import Poster
from ecp.money import parse_csv_amount

COLUMNS = ["entry_ref", "date", "journal", "label", "account", "dimension", "debit", "credit"]
MAX_ERRORS = 200


@dataclass(frozen=True)
class ImportResult:
    entries: int
    lines: int
    first: str | None
    last: str | None


def _read(path: Path) -> Iterator[list[str]]:
    try:
        with path.open(encoding="utf-8-sig", newline="") as f:
            yield from csv.reader(f)
    except UnicodeDecodeError as exc:
        raise InputError(f"{path.name} : le fichier n'est pas en UTF-8 ({exc.reason})") from None
    except OSError as exc:
        raise InputError(f"{path} : lecture impossible ({exc.strerror})") from None


def import_postings(conn: Connection, path: Path, user: str) -> ImportResult:
    """Import ``path`` into the open transaction; raise ValidationError listing every error."""
    rows = _read(path)
    header = next(rows, None)
    if header is None:
        raise InputError(f"{path.name} : fichier vide")
    if [h.strip().lower() for h in header] != COLUMNS:
        raise InputError(f"{path.name}, ligne 1 : en-tête attendu {','.join(COLUMNS)}")
    poster = Poster(conn, user)
    errors: list[str] = []
    counts = [0, 0]
    first: list[str] = []
    last: list[str] = []
    date_cache: dict[str, dt.date] = {}

    def flush_entry(ref: str, start: int, head: list[str], specs: list[LineSpec],
                    bad: bool) -> None:
        if bad:
            return
        date = date_cache[head[1]]
        e = JournalEntry(head[2], date, head[3], tuple(specs), reference=ref)
        found = poster.problems(e, first_line=start)
        if found:
            end = start + len(specs) - 1
            where = f"ligne {start}" if end == start else f"lignes {start}-{end}"
            errors.extend(
                f"écriture « {ref} » : {p}" if p.startswith("ligne") else
                f"{where} (écriture « {ref} ») : {p}" for p in found)
            return
        if errors:
            return  # keep checking, write nothing more: the whole file will be refused
        posted = poster.add(e, checked=True)
        counts[0] += 1
        counts[1] += len(specs)
        if not first:
            first.append(posted.ref)
        last[:] = [posted.ref]

    cur_ref: str | None = None
    cur_start = 0
    cur_head: list[str] = []
    cur_specs: list[LineSpec] = []
    cur_bad = False
    lineno = 1
    for row in rows:
        lineno += 1
        if len(errors) >= MAX_ERRORS:
            break
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != 8:
            errors.append(f"ligne {lineno} : {len(row)} colonnes au lieu de 8")
            continue
        ref, date_s, journal, label, account, dim, deb_s, cre_s = row
        if ref != cur_ref:
            if cur_ref is not None:
                flush_entry(cur_ref, cur_start, cur_head, cur_specs, cur_bad)
            cur_ref, cur_start, cur_head, cur_specs, cur_bad = ref, lineno, row, [], False
            if not ref.strip():
                errors.append(f"ligne {lineno} : entry_ref vide")
                cur_bad = True
            if date_s not in date_cache:
                try:
                    date_cache[date_s] = dt.date.fromisoformat(date_s)
                except ValueError:
                    errors.append(f"ligne {lineno}, date : « {date_s} » n'est pas une date "
                                  "AAAA-MM-JJ qui existe")
                    cur_bad = True
        elif (date_s, journal, label) != (cur_head[1], cur_head[2], cur_head[3]):
            errors.append(f"ligne {lineno} : date, journal ou libellé différent de la ligne "
                          f"{cur_start} pour la même écriture « {ref} »")
            cur_bad = True
        try:
            deb = parse_csv_amount(deb_s.strip())
            cre = parse_csv_amount(cre_s.strip())
        except ValueError as exc:
            field = "debit" if deb_s.strip() == str(exc) else "credit"
            errors.append(f"ligne {lineno}, {field} : « {exc} » n'est pas un montant "
                          "à deux décimales au plus")
            cur_bad = True
            continue
        if (deb is None) == (cre is None):
            errors.append(f"ligne {lineno} : renseigner soit debit soit credit, pas les deux "
                          "ni aucun")
            cur_bad = True
            continue
        if (deb is not None and deb <= 0) or (cre is not None and cre <= 0):
            field = "debit" if deb is not None else "credit"
            errors.append(f"ligne {lineno}, {field} : montant négatif ou nul")
            cur_bad = True
            continue
        amount = deb if deb is not None else -(cre or 0)
        cur_specs.append(LineSpec(account.strip(), dim.strip(), amount))
    if cur_ref is not None:
        flush_entry(cur_ref, cur_start, cur_head, cur_specs, cur_bad)
    if errors:
        raise ValidationError(errors)
    poster.flush()
    return ImportResult(counts[0], counts[1], first[0] if first else None,
                        last[0] if last else None)
