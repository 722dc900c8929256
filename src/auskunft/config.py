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
    contact_form_file: Path | None = Field(
        None,
        description="YAML file describing the contact form (fields, topics, consent; docs/form.md); "
        "unset: the demo company's form.",
    )
    legal_dir: Path | None = Field(
        None,
        description="Folder with the official legal texts (gesetze-im-internet.de XML/zip, EUR-Lex Formex "
        "and XHTML) that `auskunft legal import --if-configured` (and `make run`) imports.",
    )
    legal_sources_url: str | None = Field(
        None,
        description="Replaces scheme and host of every official download address of `auskunft legal import "
        "--download` (a mirror, or a local server in tests); the paths stay those of the official sites.",
    )
    legal_download_timeout: float = Field(
        30.0, gt=0, description="Seconds to wait for each official legal-text download before giving up."
    )

    imap_host: str | None = Field(None, description="IMAP server the email channel fetches from.")
    imap_port: int | None = Field(
        None, description="Port of the IMAP server; default 993 with imap_ssl, else 143."
    )
    imap_user: str | None = Field(None, description="User name at the IMAP server.")
    imap_password: SecretStr | None = Field(None, description="Password at the IMAP server.")
    imap_folder: str = Field("INBOX", description="Mailbox folder that is fetched.")
    imap_ssl: bool = Field(True, description="Connect to the IMAP server over TLS (IMAPS).")
    imap_starttls: bool = Field(
        False, description="Without imap_ssl: upgrade the IMAP connection with STARTTLS (required then)."
    )
    imap_processed_folder: str | None = Field(
        None, description="Move fetched messages into this folder (created if missing); unset: leave them."
    )
    imap_state_file: Path = Field(
        Path("auskunft-imap.json"),
        description="JSON file remembering the last fetched UID per mailbox and UIDVALIDITY.",
    )
    smtp_host: str | None = Field(None, description="SMTP server replies are sent through.")
    smtp_port: int | None = Field(
        None,
        description="Port of the SMTP server; default 465 with smtp_ssl, 587 with smtp_starttls, else 25.",
    )
    smtp_user: str | None = Field(None, description="User name at the SMTP server; unset: no login.")
    smtp_password: SecretStr | None = Field(None, description="Password at the SMTP server.")
    smtp_ssl: bool = Field(False, description="Connect to the SMTP server over TLS (SMTPS, port 465).")
    smtp_starttls: bool = Field(
        True, description="Without smtp_ssl: upgrade the SMTP connection with STARTTLS."
    )
    mail_from: str | None = Field(
        None, description="Sender address of outgoing email; unset: the controller's address (register)."
    )
    email_max_message_bytes: int = Field(
        25 * 1024 * 1024,
        ge=1024,
        description="A larger email is flagged oversized (and kept whole as raw evidence up to "
        "email_max_raw_bytes); attachments beyond this total are not kept.",
    )
    email_max_attachment_bytes: int = Field(
        10 * 1024 * 1024, ge=0, description="A larger attachment is not kept: only its name, type and size."
    )
    email_max_raw_bytes: int = Field(
        100 * 1024 * 1024,
        ge=1024,
        description="Hard cap on the raw evidence kept of one email (only its first bytes beyond it).",
    )

    opendsr_signing_key: SecretStr | None = Field(
        None,
        min_length=32,
        description="Secret (at least 32 characters) with which OpenDSR responses and status callbacks are "
        "signed (HMAC-SHA256, docs/opendsr.md), shared with the controllers; unset: the OpenDSR "
        "endpoints answer 503.",
    )
    opendsr_domain: str | None = Field(
        None,
        description="The processor domain sent as X-OpenDSR-Processor-Domain (e.g. opendsr.example.de); "
        "unset: the host name the request was sent to.",
    )
    opendsr_certificate_url: str | None = Field(
        None,
        description="URL published as processor_certificate by GET /opendsr/v2/discovery; unset: the "
        "processor's own /opendsr/v2/signing page, which describes the HMAC signing.",
    )
    opendsr_callback_attempts: int = Field(
        12, ge=1, description="Attempts to deliver one status callback before it is given up."
    )
    opendsr_callback_timeout: float = Field(
        10.0, gt=0, description="Seconds to wait for a controller's callback endpoint to answer."
    )
    opendsr_callback_allow_http: bool = Field(
        False,
        description="Accept status_callback_urls over plain http (tests, a local network); "
        "by default only https URLs are accepted.",
    )

    cookie_secure: bool = Field(
        True,
        description="Send the console's session cookie only over HTTPS (Secure; cookie name "
        "__Host-auskunft_session). Browsers accept it on http://127.0.0.1 and http://localhost too; "
        "false only for plain HTTP on another host (the cookie is then named auskunft_session).",
    )
    session_idle_minutes: int = Field(
        30, ge=1, description="A console session ends after this many minutes without a request."
    )
    session_max_hours: int = Field(
        10, ge=1, description="A console session ends this many hours after login, however active."
    )
    login_failures_per_name: int = Field(
        5, ge=1, description="Failed console logins per login name within login_window_minutes before 429."
    )
    login_failures_per_ip: int = Field(
        20,
        ge=1,
        description="Failed console logins per client address within login_window_minutes before "
        "429 (addresses are kept in memory for the window only, never stored).",
    )
    login_window_minutes: int = Field(
        15, ge=1, description="Sliding window of the console's login rate limit, in minutes."
    )

    portal_code_minutes: int = Field(
        15, ge=1, le=1440, description="A customer portal sign-in code is valid for this many minutes."
    )
    portal_idle_minutes: int = Field(
        15, ge=1, description="A customer portal session ends after this many minutes without a request."
    )
    portal_session_max_minutes: int = Field(
        60,
        ge=1,
        description="A customer portal session ends this many minutes after sign-in, however active.",
    )
    portal_codes_per_address: int = Field(
        3,
        ge=1,
        description="Sign-in codes sent to one address within portal_window_minutes; further "
        "requests get the same answer but send nothing.",
    )
    portal_failures_per_address: int = Field(
        10,
        ge=1,
        description="Wrong sign-in codes for one address within portal_window_minutes before 429.",
    )
    portal_failures_per_ip: int = Field(
        30,
        ge=1,
        description="Wrong sign-in codes from one client address within portal_window_minutes "
        "before 429 (held in memory for the window only, never stored).",
    )
    portal_window_minutes: int = Field(
        15, ge=1, description="Sliding window of the customer portal's rate limits, in minutes."
    )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (read once)."""
    return Settings()
