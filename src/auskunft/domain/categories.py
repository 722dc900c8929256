"""Data categories: the fideslang taxonomy keys with German and English labels."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import yaml


@dataclass(frozen=True, slots=True)
class Category:
    key: str
    parent: str | None
    label_de: str
    label_en: str
    description_de: str
    description_en: str
    special: bool
    """A special category of personal data (Art. 9 GDPR)."""
    criminal: bool
    """Data relating to criminal convictions and offences (Art. 10 GDPR)."""

    def label(self, lang: str) -> str:
        return self.label_de if lang == "de" else self.label_en

    def description(self, lang: str) -> str:
        return self.description_de if lang == "de" else self.description_en


@lru_cache(maxsize=1)
def taxonomy() -> dict[str, Category]:
    """All categories by key, read once from the packaged taxonomy file."""
    text = resources.files("auskunft.domain").joinpath("data/categories.yaml").read_text("utf-8")
    raw = yaml.safe_load(text)
    return {
        item["key"]: Category(
            key=item["key"],
            parent=item.get("parent"),
            label_de=item["label"]["de"],
            label_en=item["label"]["en"],
            description_de=item["description"]["de"],
            description_en=item["description"]["en"],
            special=bool(item.get("special", False)),
            criminal=bool(item.get("criminal", False)),
        )
        for item in raw["categories"]
    }


def is_known(key: str) -> bool:
    return key in taxonomy()


def get(key: str) -> Category:
    """The category with this key; KeyError if it is not in the taxonomy."""
    return taxonomy()[key]


def label(key: str, lang: str) -> str:
    """The label of a category, or the key itself for a category no longer in the taxonomy."""
    category = taxonomy().get(key)
    return category.label(lang) if category else key
