"""Consent in practice: double opt-in, withdrawal from every direction, and proof of consent.

Every change is an ingest event (docs/events.md), written through `Ledger.ingest_objects`; this package
only adds what events cannot carry — the single-use confirmation tokens (their hashes) — and reads the
ledger back for the proof document. See docs/consent.md.
"""
