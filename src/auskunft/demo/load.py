"""Loading the demo company into a ledger: its register, then its events (idempotent)."""

from __future__ import annotations

from importlib import resources
from itertools import chain

from auskunft.demo import conversations, generator, marketing_cases, users
from auskunft.demo.faq import load_faq
from auskunft.ingest.report import IngestReport
from auskunft.ledger import Ledger
from auskunft.register import store as register_store
from auskunft.register.model import Register

DEFAULT_CUSTOMERS = 200


def demo_register() -> Register:
    with resources.as_file(resources.files("auskunft.demo").joinpath("register.yaml")) as path:
        return register_store.parse(path)


def load_demo(
    ledger: Ledger, customers: int = DEFAULT_CUSTOMERS
) -> tuple[register_store.LoadReport, IngestReport]:
    """Load register and events; running it again stores nothing new."""
    with ledger.engine.begin() as connection:
        loaded = register_store.save(connection, demo_register())
        load_faq(connection)
        users.load(connection)
    report = ledger.ingest_objects(chain(generator.events(customers=customers), marketing_cases.events()))
    if report.ok:
        conversations.load(ledger)
    return loaded, report
