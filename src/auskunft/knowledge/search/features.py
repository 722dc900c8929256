"""The parts of the analysis that can be switched off: to measure what each one is worth (bench/search.py)
and to prove in the tests that each one decides a search."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Features:
    fold: bool = True
    """Umlauts as two letters, ß as ss, other diacritics removed (fold.py)."""
    stem: bool = True
    """Snowball stemming (analysis.py); off: the folded word itself is the term."""
    compounds: bool = True
    """German compounds split against the vocabulary (compounds.py)."""
    variants: bool = True
    """Verb forms and longer stems that begin with the query's stem ("speichern" finds "Speicherung")."""
    fuzzy: bool = True
    """Words unknown to the index matched to the nearest known words (typos)."""
    synonyms: bool = True
    """Synonym groups (data/synonyms.yaml)."""
    citations: bool = True
    """"Art. 15 DSGVO" or "§ 7 UWG" puts the cited article first."""
    coverage: bool = True
    """Documents that match more of the query's words rank higher than the sum of scores says."""


ALL = Features()
