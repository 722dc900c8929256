"""Benchmarks: answer latency and ingest throughput at scale (`make bench`)."""
