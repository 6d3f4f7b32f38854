"""The trial balance, the façade's one-shot read that must start fast.

Kept apart from ``ecp.api.ledger`` (which loads SQLAlchemy, the models and every ledger
module): ``ecp report trial-balance`` on SQLite books imports neither SQLAlchemy nor the
ORM — the query is plain SQL on the ``sqlite3`` driver (``ecp.db.lite``). With an engine
already made (the terminal UI) or on PostgreSQL, the same SQL runs on a SQLAlchemy connection.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ecp.api.session import Books, _read_light
from ecp.kernel.errors import NotFoundError
from ecp.ledger import trial


def check_dimension(conn: Any, dimension: str | None) -> None:
    """A dimension filter must name a known member (or the ECP); ``conn`` as ``trial``'s."""
    if dimension and not trial.dimension_exists(conn, dimension):
        raise NotFoundError(f"dimension : « {dimension} » inconnue", field="dimension")


def trial_balance(books: Books, date_from: dt.date | None = None,
                  date_to: dt.date | None = None,
                  dimension: str | None = None) -> trial.TrialBalance:
    with _read_light(books) as conn:
        check_dimension(conn, dimension)
        return trial.trial_balance(conn, date_from, date_to, dimension)
