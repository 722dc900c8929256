"""A FAQ entry, and the schema every new or changed entry is checked against at the boundary."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from auskunft.errors import InvalidInput
from auskunft.knowledge.search import citations


class InvalidFaq(InvalidInput):
    """A FAQ entry or FAQ file breaks the format."""


@dataclass(frozen=True, slots=True)
class FaqArticle:
    id: int
    slug: str
    language: Literal["de", "en"]
    category: str
    title: str
    body: str
    """Markdown; `render.html` makes it safe to show."""
    citations: tuple[str, ...]
    published: bool
    created_at: datetime
    updated_at: datetime


class FaqInput(BaseModel):
    """A new entry or the new version of one (validated at the boundary: CLI, file import, console)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    slug: str = Field(pattern=r"^[a-z0-9]+(?:-[a-z0-9]+)*$", max_length=120)
    language: Literal["de", "en"] = "de"
    category: str = Field(min_length=1, max_length=50)
    title: str = Field(min_length=3, max_length=300)
    body: str = Field(min_length=1, max_length=50_000)
    citations: tuple[str, ...] = ()
    published: bool = False

    @field_validator("citations")
    @classmethod
    def _citations_resolve(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for citation in value:
            if citations.key_of(citation) is None:
                raise ValueError(
                    f"not a citation of a known law: {citation!r} (e.g. 'Art. 15 DSGVO', '§ 7 UWG')"
                )
        return value


def validated(data: object, where: str = "entry") -> FaqInput:
    """`data` as a `FaqInput`, or `InvalidFaq` naming the fields that are wrong."""
    try:
        return FaqInput.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in error['loc']) or 'entry'}: {error['msg']}" for error in exc.errors()
        )
        raise InvalidFaq(f"{where}: {problems}") from None
