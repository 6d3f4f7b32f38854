"""Entry values built by callers and handed to ``post``: frozen, in integer centimes."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from ecp.kernel.errors import InputError

ECP_DIMENSION = "ECP"


@dataclass(frozen=True)
class LineSpec:
    account: str
    dimension: str
    amount: int  # centimes, debit +, credit -
    third_party: str | None = None
    due_date: dt.date | None = None


@dataclass(frozen=True)
class JournalEntry:
    journal: str
    date: dt.date
    label: str
    lines: tuple[LineSpec, ...]
    reference: str = ""
    reverses: int | None = None


@dataclass(frozen=True)
class PostedEntry:
    id: int
    journal: str
    fiscal_year: int
    number: int
    hash: str

    @property
    def ref(self) -> str:
        return entry_ref(self.journal, self.fiscal_year, self.number)


def entry_ref(journal: str, year: int, number: int) -> str:
    """``VT-2026-000123``: what the bookkeeper and the auditor read."""
    return f"{journal}-{year}-{number:06d}"


def parse_entry_ref(text: str) -> tuple[str, int, int]:
    m = re.fullmatch(r"([A-Z]{2})-(\d{4})-(\d{1,9})", text.strip().upper())
    if not m:
        raise InputError(f"numéro d'écriture : « {text} » attendu sous la forme VT-2026-000123")
    return m.group(1), int(m.group(2)), int(m.group(3))


def day_int(d: dt.date) -> int:
    return d.year * 10000 + d.month * 100 + d.day


def int_day(v: int) -> dt.date:
    return dt.date(v // 10000, v // 100 % 100, v % 100)


def day_iso(v: int) -> str:
    return f"{v // 10000:04d}-{v // 100 % 100:02d}-{v % 100:02d}"
