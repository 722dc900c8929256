"""Typed settings, read from the environment (prefix ``AUSKUNFT_``) and an optional ``.env`` file."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All settings of auskunft. Each field is documented in docs/configuration.md."""

    model_config = SettingsConfigDict(env_prefix="AUSKUNFT_", env_file=".env", extra="ignore")

    database_url: str = Field(
        "sqlite:///auskunft.db",
        description="SQLAlchemy URL of the ledger. SQLite file by default; "
        "postgresql+psycopg://user@host/db for PostgreSQL.",
    )
    index_key: SecretStr | None = Field(
        None,
        description="Secret key (at least 32 hex characters) for the blind index of identifiers. "
        "If unset, the key is read from (or created in) index_key_file.",
    )
    index_key_file: Path = Field(
        Path("auskunft.key"),
        description="File holding the blind-index key when index_key is unset; created with mode 0600.",
    )
    sqlite_cache_mb: int = Field(
        512,
        ge=2,
        description="Upper bound of SQLite's page cache per connection, in MB (ingestion speed at scale).",
    )
    default_region: str = Field(
        "DE", description="ISO 3166 region used to read phone numbers written without a country code."
    )
    timezone: str = Field("Europe/Berlin", description="Time zone in which letters show dates and times.")
    language: str = Field("de", description="Default language of answers and letters (de or en).")


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
