"""Alembic environment: always runs on a connection the application hands over.

The caller (``ecp.db.migrate.upgrade``) has already opened a ``BEGIN IMMEDIATE`` transaction, so
every migration of one upgrade commits together or not at all.
"""

from alembic import context

from ecp.db.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
