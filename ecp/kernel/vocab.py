"""Small fixed vocabularies the command line offers as choices, importable without the
database layer (``ecp --help`` builds every option without importing SQLAlchemy)."""

from __future__ import annotations

MEMBER_STATUSES = ("actif", "suspendu", "sorti")
