"""The general ledger: chart, journals, posting, reversal, periods, hash chain, queries, verify.

It knows no documents: sales and production build ``JournalEntry`` values and call ``post``.
"""

from ecp.ledger.entry import JournalEntry, LineSpec, PostedEntry
from ecp.ledger.posting import Poster, post, reverse

__all__ = ["JournalEntry", "LineSpec", "PostedEntry", "Poster", "post", "reverse"]
