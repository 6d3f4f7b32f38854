"""The hash chain: each posted entry stores SHA-256(canonical content + previous hash)."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

GENESIS = "0" * 64
_US, _RS = "\x1f", "\x1e"

EntryFields = tuple[int, str, int, int, int, str, str, str, str, int | None]
LineFields = tuple[int, str, str, int, str | None, int | None]


def canonical(entry: EntryFields, lines: Sequence[LineFields]) -> str:
    """One unambiguous string for an entry: fields joined by unit separators, lines by record
    separators. Everything that makes the entry what it is goes in; nothing else does."""
    eid, journal, year, number, day, label, ref, by, at, reverses = entry
    head = _US.join(
        (str(eid), journal, str(year), str(number), str(day), label, ref, by, at,
         "" if reverses is None else str(reverses))
    )
    body = _RS.join(
        _US.join((str(n), acc, dim, str(amt), tp or "", "" if due is None else str(due)))
        for n, acc, dim, amt, tp, due in lines
    )
    return head + _RS + body


def digest(prev_hash: str, entry: EntryFields, lines: Sequence[LineFields]) -> str:
    return hashlib.sha256((canonical(entry, lines) + _RS + prev_hash).encode()).hexdigest()
