"""The general ledger: chart, journals, posting, reversal, periods, hash chain, queries, verify.

It knows no documents: sales and production build ``JournalEntry`` values and call ``post``.
The poster (and with it SQLAlchemy) loads on first use of ``Poster``/``post``/``reverse``: a
read-only command importing ``ecp.ledger.trial`` does not pay for it.
"""

from typing import TYPE_CHECKING, Any

from ecp.ledger.entry import JournalEntry, LineSpec, PostedEntry

if TYPE_CHECKING:
    from ecp.ledger.posting import Poster, post, reverse

__all__ = ["JournalEntry", "LineSpec", "PostedEntry", "Poster", "post", "reverse"]


def __getattr__(name: str) -> Any:
    if name in ("Poster", "post", "reverse"):
        from ecp.ledger import posting

        return getattr(posting, name)
    raise AttributeError(f"module 'ecp.ledger' has no attribute {name!r}")
