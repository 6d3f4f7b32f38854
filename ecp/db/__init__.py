"""Database access: engine, unit of work, migrations."""

from ecp.db.engine import make_engine, unit_of_work

__all__ = ["make_engine", "unit_of_work"]
