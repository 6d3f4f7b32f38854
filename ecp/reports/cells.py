"""CSV cells a spreadsheet shows and never evaluates: the one neutralisation every CSV ECP
writes goes through — the auditor exports (``exports``) and every ``--format csv`` (``render``).

Kept apart and light on purpose: the command line imports it while building its parser.
"""

from __future__ import annotations

import re

# A spreadsheet reads a cell starting with one of these as a formula (or, for tab and CR, may
# drop the character and then read one). The apostrophe is listed too, so that neutralising is
# reversible: remove one leading apostrophe from any text cell that starts with one.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "'")

# A plain decimal number (``-1234.50``, ``2.5``, ``12``): a spreadsheet reads it as a number,
# never as a formula, so it is written as is (amounts stay numbers).
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


def neutralise(text: str) -> str:
    """A text cell a spreadsheet will show as text, never evaluate (CSV formula injection)."""
    return "'" + text if text.startswith(FORMULA_START) else text


def csv_cell(cell: str | int | None) -> str | int:
    """One cell of a CSV whose amounts are already plain strings: integers and plain decimal
    numbers as they are, None empty, every other text neutralised."""
    if cell is None:
        return ""
    if isinstance(cell, int) or _NUMBER.fullmatch(cell):
        return cell
    return neutralise(cell)
