"""Legal bases of processing (Art. 6(1) and Art. 9(2) GDPR) with their citations."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class LegalBasis:
    code: str
    article: int
    paragraph: int
    letter: str

    def citation(self, lang: str) -> str:
        if lang == "de":
            return f"Art. {self.article} Abs. {self.paragraph} lit. {self.letter} DSGVO"
        return f"Art. {self.article}({self.paragraph})({self.letter}) GDPR"


LEGAL_BASES: dict[str, LegalBasis] = {
    basis.code: basis
    for basis in [
        *(LegalBasis(f"art6_1_{letter}", 6, 1, letter) for letter in "abcdef"),
        *(LegalBasis(f"art9_2_{letter}", 9, 2, letter) for letter in "abcdefghij"),
    ]
}


def is_known(code: str) -> bool:
    return code in LEGAL_BASES


def citation(code: str, lang: str) -> str:
    basis = LEGAL_BASES.get(code)
    return basis.citation(lang) if basis else code
