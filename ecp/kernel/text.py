"""Text the user or a file gives ECP: bounded length, no control characters.

One check for every label, reference, description and name, on every path (CLI, TUI, import,
bank statements, documents, members, parties), so the same text is accepted or refused the same
way everywhere and on every database. The limits are the sizes of the columns that store the
text (``ecp/db/models.py``): PostgreSQL enforces ``VARCHAR(n)`` and would crash on a longer
text, SQLite would silently keep it — checking before writing gives both the same behaviour and
a clear message instead.

Control characters (C0: NUL to U+001F, and DEL) are refused, except tab and line breaks, which
are text (a label pasted from a spreadsheet): the hash chain of the ledger
separates fields with U+001F and U+001E, so a text holding one could move between fields without
changing an entry's hash; NUL is refused by PostgreSQL; the others are never typed on purpose.
"""

from __future__ import annotations

import re

from ecp.kernel.errors import InputError

# Column sizes of ecp/db/models.py, by what the text is.
LABEL = 300  # entries.label, document lines' description, bank lines' label, parties' address
REFERENCE = 100  # entries.reference, payments.reference, lines.third_party
NAME = 200  # members', parties', products' names
SHORT = 100  # activity, city, bank rules' pattern
CODE = 20  # member / party codes

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def has_control(text: str) -> bool:
    """True when ``text`` holds a control character (C0 other than tab and line breaks, DEL)."""
    return _CONTROL.search(text) is not None


def text_problem(text: str, limit: int) -> str | None:
    """Why ``text`` cannot be stored in a column of ``limit`` characters, or None."""
    if len(text) > limit:
        return f"{len(text)} caractères, {limit} au plus"
    if has_control(text):
        return "caractère de contrôle interdit"
    return None


def check_text(text: str, label: str, limit: int, *, field: str,
               line: int | None = None) -> str:
    """``text`` unchanged when it fits ``limit`` characters and holds no control character;
    otherwise an ``InputError`` naming ``label`` (the French word the user knows), carrying
    ``field`` (the façade parameter) and ``line``."""
    problem = text_problem(text, limit)
    if problem is not None:
        where = f"ligne {line} : " if line is not None else ""
        code = f"{field}.too_long" if len(text) > limit else f"{field}.control"
        raise InputError(f"{where}{label} : {problem}", field=field, line=line, code=code)
    return text


def check_optional(text: str | None, label: str, limit: int, *, field: str,
                   line: int | None = None) -> str | None:
    """``check_text`` for a text that may be absent."""
    return None if text is None else check_text(text, label, limit, field=field, line=line)
