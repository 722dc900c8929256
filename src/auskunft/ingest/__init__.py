"""The single write path into the ledger: events in, records with provenance out."""
