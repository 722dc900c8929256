"""Errors of the legal-text import; all are `InvalidInput`, so the CLI prints them and exits 2."""

from __future__ import annotations

from auskunft.errors import InvalidInput


class LegalImportError(InvalidInput):
    """An official file or download could not be imported; nothing of that import was stored."""


class UnknownFormat(LegalImportError):
    """The content is none of the official formats auskunft reads (gii-norm XML, Formex 4, OJ XHTML)."""


class DownloadFailed(LegalImportError):
    """An official address answered with an error, timed out, or sent something that is not the text."""


class CorrigendumNotApplicable(LegalImportError):
    """A corrigendum quotes a passage that is not in the text it corrects."""
