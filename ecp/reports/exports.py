"""Auditor exports: journal, general ledger and trial balance as CSV, the books as an hledger
journal, and the manifest that ties each file to the chain head.

Every writer streams: rows go from the query cursor to the file one at a time, so an export of
millions of lines needs no more memory than one of ten. A file is written under a temporary
name and renamed when complete: an export that fails leaves no half-written file behind.

Rows come from the ledger's read side (``ecp.ledger.queries``: ``iter_postings``,
``trial_balance``, ``iter_chain``) as view rows; this module reads no table itself.

Formats are described for the auditor in ``docs/formats.md``; change both together.
"""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import os
import re
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from ecp import __version__
from ecp.kernel.chain import ChainHead
from ecp.kernel.errors import InputError
from ecp.kernel.money import fmt_excel, fmt_plain
from ecp.ledger.audit import AuditEvent
from ecp.ledger.queries import ChainEntry, PostingRow, TrialBalance
from ecp.reports.cells import neutralise as neutralise  # the one rule, render.py too

KINDS = ("journal", "ledger", "trial-balance")

_POSTING_COLUMNS = ("journal", "numero_ecriture", "date", "libelle", "reference", "compte",
                    "intitule_compte", "dimension", "tiers", "debit", "credit", "empreinte")
# The journal ends with who posted each line's entry and when (chained with the entry).
JOURNAL_COLUMNS = (*_POSTING_COLUMNS, "posted_by", "posted_at")
LEDGER_COLUMNS = (*_POSTING_COLUMNS, "solde")
AUDIT_COLUMNS = ("numero", "date_heure", "utilisateur", "action", "libelle_action", "objet",
                 "detail", "empreinte_precedente", "empreinte")
TRIAL_BALANCE_COLUMNS = ("compte", "intitule", "ouverture_debit", "ouverture_credit",
                         "mouvements_debit", "mouvements_credit", "cloture_debit",
                         "cloture_credit")

COMMODITY = "MAD"  # ISO 4217 code of the dirham, understood by hledger and ledger alike

_TITLES = {"journal": "journal", "ledger": "grand livre", "trial-balance": "balance générale",
           "hledger": "journal hledger"}


@dataclass(frozen=True)
class ExportResult:
    path: Path
    rows: int  # data rows written (entries for the hledger journal)
    debit: int  # centimes
    credit: int  # centimes
    head: ChainHead
    manifest: Path | None


@dataclass(frozen=True)
class _Variant:
    delimiter: str
    encoding: str
    amount: Callable[[int], str]
    description: str


_PLAIN = _Variant(",", "utf-8", fmt_plain,
                  "CSV RFC 4180 : séparateur virgule, point décimal, UTF-8 sans BOM, fin de "
                  "ligne CRLF")
_EXCEL = _Variant(";", "utf-8-sig", fmt_excel,
                  "CSV pour Excel : séparateur point-virgule, virgule décimale, UTF-8 avec BOM, "
                  "fin de ligne CRLF")


def check_target(out: Path, protected: Sequence[Path] = (), *, dirs: Sequence[Path] = (),
                 force: bool = True, manifest: bool = True, make_parent: bool = False) -> None:
    """Refuse an output path that would destroy something: a directory, a symbolic link, the
    books (or their ``-wal``/``-shm``/``-journal``), anything under ``dirs`` (the archive);
    an existing file unless ``force`` (code ``out.exists``). ``manifest``: ``<out>.manifest.txt``
    is written too and checked the same way; ``make_parent``: a missing folder will be created
    (otherwise refused)."""
    if out.is_symlink():
        raise InputError(f"fichier : {out} est un lien symbolique, donner le fichier lui-même",
                         field="out")
    if out.is_dir():
        raise InputError(f"fichier : {out} est un dossier, donner un nom de fichier",
                         field="out")
    if not make_parent and not out.parent.is_dir():
        raise InputError(f"fichier : le dossier {out.parent} n'existe pas", field="out")
    outputs = [out, manifest_path(out)] if manifest else [out]
    targets = {o.resolve() for o in outputs}
    for p in protected:
        for q in (p, *(p.with_name(p.name + s) for s in ("-wal", "-shm", "-journal"))):
            if q.resolve() in targets:
                raise InputError(f"fichier : {out} écraserait la base elle-même", field="out")
    for d in dirs:
        root = d.resolve()
        if any(t == root or root in t.parents for t in targets):
            raise InputError(f"fichier : {out} est sous {d}, où ECP garde ses archives",
                             field="out")
    for o in outputs:
        if o.is_symlink():
            raise InputError(f"fichier : {o} est un lien symbolique, donner le fichier "
                             "lui-même", field="out")
        if not force and o.exists():
            raise InputError(f"fichier : {o} existe déjà",
                             field="out", code="out.exists")


def manifest_path(out: Path) -> Path:
    return out.with_name(out.name + ".manifest.txt")


@contextmanager
def _atomic(out: Path, encoding: str, newline: str | None = "") -> Iterator[IO[str]]:
    """A text file written under a temporary name next to ``out``, renamed when complete."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    except OSError as exc:
        raise InputError(f"fichier : écriture impossible dans {out.parent} ({exc.strerror})",
                         field="out") from None
    try:
        with os.fdopen(fd, "w", encoding=encoding, newline=newline) as f:
            yield f
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, out)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def sha256_of(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as f:
        while chunk := f.read(1 << 20):
            h.update(chunk)
    return h.hexdigest()


# --- CSV -------------------------------------------------------------------------------------

def write_postings(rows: Iterable[PostingRow], out: Path, excel: bool = False,
                   openings: Mapping[str, int] | None = None) -> tuple[int, int, int]:
    """Write the journal (``openings`` None) or the general ledger (rows in account order,
    with a running ``solde`` starting from each account's opening balance).

    Returns (rows, total debit, total credit) in centimes.
    """
    v = _EXCEL if excel else _PLAIN
    ledger = openings is not None
    n = debit = credit = 0
    account: str | None = None
    running = 0
    with _atomic(out, v.encoding) as f:
        w = csv.writer(f, delimiter=v.delimiter, lineterminator="\r\n")
        w.writerow(LEDGER_COLUMNS if ledger else JOURNAL_COLUMNS)
        for r in rows:
            a = r.amount
            if a >= 0:
                debit += a
                d, c = v.amount(a), ""
            else:
                credit -= a
                d, c = "", v.amount(-a)
            cells = [neutralise(r.journal), neutralise(r.entry), neutralise(r.day),
                     neutralise(r.label), neutralise(r.reference), neutralise(r.account),
                     neutralise(r.account_name), neutralise(r.dimension),
                     neutralise(r.third_party or ""), d, c, neutralise(r.hash)]
            if openings is not None:
                if r.account != account:
                    account = r.account
                    running = openings.get(account, 0)
                running += a
                cells.append(v.amount(running))
            else:
                cells += [neutralise(r.posted_by), neutralise(r.posted_at)]
            w.writerow(cells)
            n += 1
    return n, debit, credit


def write_trial_balance(tb: TrialBalance, out: Path, excel: bool = False) -> tuple[int, int, int]:
    """One row per account, every amount cell a number (``0.00`` when nothing).

    Returns (rows, movements debit, movements credit) in centimes.
    """
    v = _EXCEL if excel else _PLAIN
    with _atomic(out, v.encoding) as f:
        w = csv.writer(f, delimiter=v.delimiter, lineterminator="\r\n")
        w.writerow(TRIAL_BALANCE_COLUMNS)
        for r in tb.rows:
            w.writerow([neutralise(r.account), neutralise(r.name),
                        v.amount(r.opening_debit), v.amount(r.opening_credit),
                        v.amount(r.debit), v.amount(r.credit),
                        v.amount(r.closing_debit), v.amount(r.closing_credit)])
    return len(tb.rows), tb.total("debit"), tb.total("credit")


def trail_path(out: Path) -> Path:
    """The audit trail's CSV written beside a journal export: ``journal.csv`` →
    ``journal.audit.csv``."""
    return out.with_name(f"{out.stem}.audit{out.suffix}")


def write_trail(events: Iterable[AuditEvent], out: Path, excel: bool = False) -> int:
    """The audit trail (who did what when, with each event's chained hash); returns the
    number of events written."""
    v = _EXCEL if excel else _PLAIN
    n = 0
    with _atomic(out, v.encoding) as f:
        w = csv.writer(f, delimiter=v.delimiter, lineterminator="\r\n")
        w.writerow(AUDIT_COLUMNS)
        for e in events:
            w.writerow([e.id, neutralise(e.at), neutralise(e.by), neutralise(e.action),
                        neutralise(e.what), neutralise(e.subject), neutralise(e.detail),
                        e.prev_hash, e.hash])
            n += 1
    return n


@dataclass(frozen=True)
class TrailFile:
    """The audit trail exported beside a journal, as its manifest names it."""

    path: Path
    events: int
    head: ChainHead  # of the whole trail when exported


# --- manifest --------------------------------------------------------------------------------

def _period(date_from: dt.date | None, date_to: dt.date | None) -> str:
    if date_from and date_to:
        return f"du {date_from.isoformat()} au {date_to.isoformat()}"
    if date_from:
        return f"à partir du {date_from.isoformat()}"
    if date_to:
        return f"jusqu'au {date_to.isoformat()}"
    return "toutes dates"


def _stamp(created: dt.datetime | None) -> str:
    when = created if created is not None else dt.datetime.now(dt.UTC)
    return when.astimezone().isoformat(timespec="seconds")


def write_manifest(out: Path, kind: str, fmt: str, date_from: dt.date | None,
                   date_to: dt.date | None, dimension: str | None, rows: int, debit: int,
                   credit: int, head: ChainHead, rows_label: str = "Lignes", *,
                   account: str | None = None, journal: str | None = None,
                   created: dt.datetime | None = None, trail: TrailFile | None = None) -> Path:
    """``<out>.manifest.txt``: what the file holds, its SHA-256 and the chain head.

    ``Compte`` / ``Journal`` lines appear only when the export kept one account / journal.
    ``created``: the books' clock (local wall time when naive); now when not given."""
    digest = sha256_of(out)
    created_at = _stamp(created)
    fields = [
        ("Export ECP", _TITLES.get(kind, kind)),
        ("Type", kind),
        ("Fichier", out.name),
        ("Format", fmt),
        ("Période", _period(date_from, date_to)),
        ("Dimension", dimension or "toutes (ECP et membres)"),
        *([("Compte", account)] if account else []),
        *([("Journal", journal)] if journal else []),
        ("Créé le", created_at),
        ("Logiciel", f"ecp {__version__}"),
        (rows_label, str(rows)),
        ("Total débit", fmt_plain(debit)),
        ("Total crédit", fmt_plain(credit)),
        ("Tête de chaîne", str(head)),
        ("SHA-256", digest),
        ("Contrôle du fichier", f"sha256sum {out.name}  (doit redonner le SHA-256 ci-dessus)"),
        ("Contrôle de la base", f"ecp verify --expect {head}"),
        *([("Piste d'audit", trail.path.name),
           ("Événements de la piste", str(trail.events)),
           ("Tête de la piste d'audit", str(trail.head)),
           ("SHA-256 de la piste", sha256_of(trail.path))] if trail is not None else []),
    ]
    path = manifest_path(out)
    with _atomic(path, "utf-8", newline="\n") as f:
        for k, val in fields:
            f.write(f"{k}: {val}\n")
    return path


def export_postings(rows: Iterable[PostingRow], out: Path, kind: str, excel: bool,
                    head: ChainHead, date_from: dt.date | None, date_to: dt.date | None,
                    dimension: str | None,
                    openings: Mapping[str, int] | None = None, *, account: str | None = None,
                    journal: str | None = None, created: dt.datetime | None = None,
                    trail: Iterable[AuditEvent] | None = None,
                    trail_head: ChainHead | None = None) -> ExportResult:
    """``trail``: the audit trail's events, written beside the file (``trail_path``) and
    named in the manifest with ``trail_head``."""
    n, debit, credit = write_postings(rows, out, excel, openings)
    fmt = (_EXCEL if excel else _PLAIN).description
    tf = None
    if trail is not None:
        tpath = trail_path(out)
        tf = TrailFile(tpath, write_trail(trail, tpath, excel),
                       trail_head or ChainHead(0, "0" * 64))
    man = write_manifest(out, kind, fmt, date_from, date_to, dimension, n, debit, credit, head,
                         account=account, journal=journal, created=created, trail=tf)
    return ExportResult(out, n, debit, credit, head, man)


def export_trial_balance(tb: TrialBalance, out: Path, excel: bool, head: ChainHead, *,
                         created: dt.datetime | None = None) -> ExportResult:
    n, debit, credit = write_trial_balance(tb, out, excel)
    fmt = (_EXCEL if excel else _PLAIN).description
    man = write_manifest(out, "trial-balance", fmt, tb.date_from, tb.date_to, tb.dimension,
                         n, debit, credit, head, created=created)
    return ExportResult(out, n, debit, credit, head, man)


# --- hledger ---------------------------------------------------------------------------------

_CONTROL = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]")


def _one_line(text: str) -> str:
    """No control character (newline, tab...), no run of spaces, no edge spaces."""
    return " ".join(_CONTROL.sub(" ", text).split())


def hledger_description(label: str) -> str:
    """A label hledger and ledger read back whole: ``;`` would start a comment and ``|``
    split payee from note, so they become ``,`` and ``/``."""
    s = _one_line(label.replace(";", ",").replace("|", "/"))
    return s or "(sans libellé)"


def _hl_amount(cents: int) -> str:
    return f"{fmt_plain(cents)} {COMMODITY}"


def write_hledger(entries: Iterable[ChainEntry], out: Path, head: ChainHead, *,
                  created: dt.datetime | None = None) -> tuple[int, int, int]:
    """The books as a plain-text journal hledger and ledger-cli both read.

    Returns (entries, total debit, total credit) in centimes.
    """
    n = debit = credit = 0
    created_at = _stamp(created)
    with _atomic(out, "utf-8", newline="\n") as f:
        f.write(f"; Tête de chaîne: {head}\n"
                f"; Contrôle de la base: ecp verify --expect {head}\n"
                f"; Export ECP: journal hledger, ecp {__version__}, créé le {created_at}\n"
                f"; Toutes les écritures validées, dans l'ordre de la chaîne. Montants en "
                f"dirhams ({COMMODITY}), débit positif, crédit négatif.\n"
                "; Étiquettes : ref (référence), empreinte (SHA-256 de l'écriture), "
                "dim (dimension), tiers.\n")
        for e in entries:
            f.write(f"\n{e.day} ({e.ref}) {hledger_description(e.label)}\n")
            ref = _one_line(e.reference)
            if ref:
                f.write(f"    ; ref: {ref}\n")
            f.write(f"    ; empreinte: {e.hash}\n")
            for ln in e.lines:
                if ln.amount >= 0:
                    debit += ln.amount
                else:
                    credit -= ln.amount
                f.write(f"    {_one_line(ln.account)}  {_hl_amount(ln.amount)}"
                        f"  ; dim: {_one_line(ln.dimension)}\n")
                tiers = _one_line(ln.third_party or "")
                if tiers:
                    f.write(f"    ; tiers: {tiers}\n")
            n += 1
    return n, debit, credit


def export_hledger(entries: Iterable[ChainEntry], out: Path, head: ChainHead, *,
                   created: dt.datetime | None = None) -> ExportResult:
    n, debit, credit = write_hledger(entries, out, head, created=created)
    man = write_manifest(out, "hledger", f"journal hledger / ledger-cli, UTF-8, montants en "
                         f"{COMMODITY} avec point décimal", None, None, None, n, debit, credit,
                         head, rows_label="Écritures", created=created)
    return ExportResult(out, n, debit, credit, head, man)
