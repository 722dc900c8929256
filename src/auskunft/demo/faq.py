"""The demo company's FAQ (faq_de.yaml, faq_en.yaml): loaded with the demo, idempotent."""

from __future__ import annotations

from importlib import resources

import yaml
from sqlalchemy import Connection

from auskunft.knowledge.faq import store
from auskunft.knowledge.faq.model import FaqInput

FILES = ("faq_de.yaml", "faq_en.yaml")


def demo_faq() -> list[FaqInput]:
    entries: list[FaqInput] = []
    for name in FILES:
        text = resources.files("auskunft.demo").joinpath(name).read_text("utf-8")
        entries += store.parse_entries(yaml.safe_load(text), name)
    return entries


def load_faq(connection: Connection) -> store.ImportReport:
    """Create the demo FAQ entries that are missing; entries already there (perhaps edited) stay."""
    return store.save_all(connection, demo_faq(), keep_existing=True)
