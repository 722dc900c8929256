"""The ledger's storage: SQLAlchemy tables, engine set-up, Alembic migrations."""
