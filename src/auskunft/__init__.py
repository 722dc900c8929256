"""auskunft: privacy-first customer service built on a personal-data ledger with provenance."""

__version__ = "0.1.0"
