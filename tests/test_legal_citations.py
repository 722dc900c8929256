"""Citations: every common form parses, running text yields the links between articles, look-ups resolve."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.config import Settings
from auskunft.errors import InvalidInput, NotFound
from auskunft.knowledge.legal import sources
from auskunft.knowledge.legal import store as legal_store
from auskunft.knowledge.legal.citation import Citation, find_citations, parse_citation
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.ledger import Ledger
from tests.legal_fixtures import OFFICIAL


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Art. 15 DSGVO", Citation("DSGVO", "article", "15")),
        ("Art. 15 Abs. 1 lit. g DSGVO", Citation("DSGVO", "article", "15", paragraph="1", point="g")),
        ("Artikel 6 (1) f GDPR", Citation("DSGVO", "article", "6", paragraph="1", point="f")),
        ("Art. 6 Abs. 1 S. 1 lit. f DS-GVO", Citation("DSGVO", "article", "6", "1", sentence="1", point="f")),
        ("§ 7 Abs. 3 UWG", Citation("UWG", "paragraph", "7", paragraph="3")),
        ("§7 UWG", Citation("UWG", "paragraph", "7")),
        ("§ 7 Abs. 2 Nr. 2 UWG", Citation("UWG", "paragraph", "7", paragraph="2", item="2")),
        ("Erwägungsgrund 47", Citation("DSGVO", "recital", "47")),
        ("ErwGr. 47 DSGVO", Citation("DSGVO", "recital", "47")),
        ("recital 47", Citation("DSGVO", "recital", "47")),
        ("Article 15(1)(g) GDPR", Citation("DSGVO", "article", "15", paragraph="1", point="g")),
        ("§ 26 BDSG", Citation("BDSG", "paragraph", "26")),
        ("§ 25 TTDSG", Citation("TDDDG", "paragraph", "25")),
        ("Art. 4 Nr. 11 EU-DSGVO", Citation("DSGVO", "article", "4", item="11")),
        ("Artikel 17 Datenschutz-Grundverordnung", Citation("DSGVO", "article", "17")),
        ("Art. 21 Verordnung (EU) 2016/679", Citation("DSGVO", "article", "21")),
        ("§ 5a UWG", Citation("UWG", "paragraph", "5a")),
    ],
)
def test_every_common_form_parses(text: str, expected: Citation) -> None:
    assert parse_citation(text) == expected


def test_text_that_is_no_citation_is_refused() -> None:
    with pytest.raises(InvalidInput, match="name an article"):
        parse_citation("DSGVO")
    with pytest.raises(InvalidInput):
        parse_citation("Wie lange speichern Sie meine Daten?")


def test_label_writes_the_citation_out() -> None:
    citation = parse_citation("Article 15(1)(g) GDPR")
    assert citation.label("de") == "Art. 15 Abs. 1 lit. g DSGVO"
    assert citation.label("en") == "Article 15(1)(g) GDPR"


def test_running_text_cites_the_same_law_unless_it_names_another() -> None:
    found = find_citations(
        "die Informationen gemäß Artikel 13 und 14 sowie nach Artikel 6 Absatz 1 Buchstabe a; "
        "Artikel 8 Absatz 1 der Charta; Artikel 4 Nummer 18 der Verordnung (EU) 2016/679",
        default_law="DSGVO",
    )
    assert [(c.law, c.number, c.paragraph, c.point, c.item) for c in found] == [
        ("DSGVO", "13", None, None, None),
        ("DSGVO", "14", None, None, None),
        ("DSGVO", "6", "1", "a", None),
        ("DSGVO", "4", None, None, "18"),
    ]
    uwg = find_citations(
        "gegen § 6 Absatz 1 des Digitale-Dienste-Gesetzes; § 797a der Zivilprozessordnung", "UWG"
    )
    assert [(c.law, c.number) for c in uwg] == [("DDG", "6")]
    assert [c.number for c in find_citations("in den Artikeln 15 bis 18", "DSGVO")] == [
        "15",
        "16",
        "17",
        "18",
    ]


@pytest.fixture(scope="module")
def imported() -> list[LegalArticle]:
    return sources.load(sources.read_paths([OFFICIAL])[0]).articles


def test_import_fills_the_links_between_articles(imported: list[LegalArticle]) -> None:
    by_key = {(a.key, a.language): a for a in imported}
    art15 = by_key[("DSGVO:article:15", "de")]
    assert {"DSGVO:article:22", "DSGVO:article:46"} <= set(art15.cites)
    assert "GDPR:article:46" in by_key[("GDPR:article:15", "en")].cites
    assert "DDG:paragraph:6" in by_key[("UWG:paragraph:7", "de")].cites
    assert "DSGVO:article:88" in by_key[("BDSG:paragraph:26", "de")].cites
    assert "DSGVO:article:15" not in art15.cites


@pytest.fixture
def stored(settings: Settings, imported: list[LegalArticle]) -> Ledger:
    ledger = Ledger.open(settings)
    with ledger.engine.begin() as connection:
        legal_store.save_articles(connection, imported)
    ledger.close()
    return ledger


def test_citations_resolve_to_the_stored_article_in_the_language_asked(
    settings: Settings, stored: Ledger
) -> None:
    with Ledger.open(settings) as ledger, ledger.engine.connect() as connection:
        assert legal_store.resolve(connection, "Art. 15 Abs. 1 lit. g DSGVO").key == "DSGVO:article:15"
        assert legal_store.resolve(connection, "Article 15(1)(g) GDPR").key == "GDPR:article:15"
        assert legal_store.resolve(connection, "Art. 15 DSGVO", language="en").key == "GDPR:article:15"
        assert legal_store.resolve(connection, "Art. 15 GDPR", "de").law == "DSGVO"
        assert legal_store.resolve(connection, "Erwägungsgrund 47").kind == "recital"
        assert legal_store.resolve(connection, "§ 25 TTDSG").law == "TDDDG"
        assert legal_store.resolve(connection, "§7 UWG").title == "Unzumutbare Belästigungen"
        with pytest.raises(NotFound, match="not stored"):
            legal_store.resolve(connection, "Art. 100 DSGVO")


def test_legal_show_prints_the_article_with_status_and_notice(stored: Ledger) -> None:
    result = CliRunner().invoke(app, ["legal", "show", "Art. 15 DSGVO"])
    assert result.exit_code == 0, result.output
    assert "Art. 15 DSGVO – Auskunftsrecht der betroffenen Person" in result.output
    assert "(4) Das Recht auf Erhalt einer Kopie gemäß Absatz 3" in result.output
    assert "Stand: ABl. L 119 S. 1 berichtigt durch" in result.output
    assert "Verbindlich ist nur die amtliche Veröffentlichung" in result.output
    english = CliRunner().invoke(app, ["legal", "show", "Art. 15 DSGVO", "--lang", "en", "--format", "json"])
    data = json.loads(english.output)
    assert data["key"] == "GDPR:article:15"
    assert data["notice"].startswith("Only the official publication is authentic")
    assert "GDPR:article:46" in data["cites"]
    missing = CliRunner().invoke(app, ["legal", "show", "Art. 15"])
    assert missing.exit_code == 2
    assert "names no law" in missing.output
