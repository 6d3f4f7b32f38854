"""Small fixed vocabularies the command line offers as choices, importable without the
database layer (``ecp --help`` builds every option without importing SQLAlchemy)."""

from __future__ import annotations

MEMBER_STATUSES = ("actif", "suspendu", "sorti")
# how a member leaves the ECP (issue 18): emploi salarié, création de sa propre entreprise,
# formation, abandon, autre
EXIT_TYPES = ("emploi", "creation", "formation", "abandon", "autre")
