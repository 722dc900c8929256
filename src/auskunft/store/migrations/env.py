"""Alembic environment: runs migrations on the engine handed over by `auskunft.store.db.migrate`."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Engine

from auskunft.config import get_settings
from auskunft.store.db import make_engine
from auskunft.store.tables import Base

engine = context.config.attributes.get("engine")
if not isinstance(engine, Engine):
    engine = make_engine(get_settings().database_url)

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
    )
    with context.begin_transaction():
        context.run_migrations()
