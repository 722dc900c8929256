"""Translations: gettext catalogues (Babel .po files in auskunft/locale), English source strings.

Catalogues are read from the .po files with Babel and compiled in memory, so a fresh checkout needs
no compile step and can never run with a stale .mo file.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from importlib import resources
from typing import Literal

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

Language = Literal["de", "en"]
LANGUAGES: tuple[Language, ...] = ("de", "en")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalogue for `lang`; English (the source language) and unknown languages translate nothing."""
    if lang == "en":
        return gettext.NullTranslations()
    po = resources.files("auskunft").joinpath(f"locale/{lang}/LC_MESSAGES/messages.po")
    if not po.is_file():
        return gettext.NullTranslations()
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=lang)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


def language(value: str | None) -> Language:
    """A supported language for `value`, German when unknown."""
    return "en" if value == "en" else "de"
