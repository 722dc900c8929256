"""Importers of the official legal formats: the samples import to exactly the reference records."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.config import Settings
from auskunft.knowledge.legal import sources
from auskunft.knowledge.legal import store as legal_store
from auskunft.knowledge.legal.errors import LegalImportError, UnknownFormat
from auskunft.knowledge.legal.model import LegalArticle
from auskunft.ledger import Ledger
from auskunft.store.legal_tables import LegalArticleRow
from tests.legal_fixtures import OFFICIAL, SHARED, normalise, official_site, reference, serving

REFERENCES = {
    # reference file: (law, language, exact paragraphs expected of all)
    "bdsg": ("BDSG", "de"),
    "uwg": ("UWG", "de"),
    "tdddg": ("TDDDG", "de"),
    "ddg": ("DDG", "de"),
    "gdpr_de": ("DSGVO", "de"),
    "gdpr_de_recitals": ("DSGVO", "de"),
    "gdpr_en": ("GDPR", "en"),
    "gdpr_en_recitals": ("GDPR", "en"),
}
KNOWN_DIFFERENCES = {("DSGVO", "recital", "155")}
"""The reference keeps the spaces inside ’ Betriebsvereinbarungen ’ that the markup puts around the quotes;
the importer closes them up, as it does for every other quotation."""


@pytest.fixture(scope="module")
def imported() -> list[LegalArticle]:
    documents, skipped = sources.read_paths([OFFICIAL])
    assert all(path.endswith(".json") for path in skipped)
    return sources.load(documents).articles


def _by_key(articles: list[LegalArticle]) -> dict[tuple[str, str, str, str], LegalArticle]:
    return {(a.law, a.language, a.kind, a.number): a for a in articles}


def _reference_number(record: dict[str, object]) -> str:
    return re.sub(r"^§§?\s*", "", str(record["number"]))


@pytest.mark.parametrize("name", sorted(REFERENCES))
def test_official_sample_imports_to_the_reference_records(imported: list[LegalArticle], name: str) -> None:
    law, language = REFERENCES[name]
    records = reference(name)
    by_key = _by_key(imported)
    kinds = {str(record.get("kind", "paragraph")) for record in records}
    mine = [a for a in imported if a.law == law and a.language == language and a.kind in kinds]
    assert len(mine) == len(records)
    exact = 0
    total = 0
    for record in records:
        kind = str(record.get("kind", "paragraph"))
        article = by_key[(law, language, kind, _reference_number(record))]
        assert article.title == record["title"]
        paragraphs = list(record["paragraphs"])
        assert len(article.paragraphs) == len(paragraphs), article.key
        for got, expected in zip(article.paragraphs, paragraphs, strict=True):
            total += 1
            if normalise(got) == normalise(expected):
                exact += 1
            else:
                assert (law, kind, article.number) in KNOWN_DIFFERENCES, article.key
        if "breadcrumb" in record:
            assert list(article.breadcrumb) == record["breadcrumb"]
            assert article.repealed == record["repealed"]
        if record.get("chapter"):
            assert article.breadcrumb == tuple(p for p in (record["chapter"], record["section"]) if p)
    known = sum(1 for d in KNOWN_DIFFERENCES if d[0] == law and d[1] in kinds)
    assert exact == total - known


def test_german_statutes_carry_status_breadcrumb_and_renamed_law(imported: list[LegalArticle]) -> None:
    by_key = _by_key(imported)
    tdddg = by_key[("TDDDG", "de", "paragraph", "25")]  # the file still says jurabk TTDSG
    assert tdddg.stand == "Zuletzt geändert durch Art. 3 G v. 10.3.2026 I Nr. 64"
    uwg7 = by_key[("UWG", "de", "paragraph", "7")]
    assert uwg7.breadcrumb == ("Kapitel 1 Allgemeine Bestimmungen",)
    assert uwg7.source_url == "https://www.gesetze-im-internet.de/uwg_2004/__7.html"
    assert "\n  c) bei der keine gültige Adresse vorhanden ist" in uwg7.paragraphs[1]
    assert by_key[("UWG", "de", "paragraph", "17 u. 18")].repealed
    assert by_key[("UWG", "de", "annex", "Anhang")].title == "(zu § 3 Absatz 3)"


def test_german_dsgvo_has_both_corrigenda_applied(imported: list[LegalArticle]) -> None:
    by_key = _by_key(imported)
    art15 = by_key[("DSGVO", "de", "article", "15")]
    assert art15.paragraphs[3] == (
        "(4) Das Recht auf Erhalt einer Kopie gemäß Absatz 3 darf die Rechte und Freiheiten anderer Personen "
        "nicht beeinträchtigen."
    )
    assert (
        "gemäß Artikel 93 Absatz 2" in by_key[("DSGVO", "de", "article", "28")].paragraphs[6]
    )  # OJ L 314/2016
    assert by_key[("DSGVO", "de", "article", "26")].title == "Gemeinsam Verantwortliche"
    assert by_key[("DSGVO", "de", "article", "64")].title == "Stellungnahme des Ausschusses"
    assert (
        "Erwartungen der betroffenen Personen, die" in by_key[("DSGVO", "de", "recital", "47")].paragraphs[0]
    )
    assert "Der Ausschuss sollte" in by_key[("DSGVO", "de", "recital", "140")].paragraphs[0]
    assert (
        art15.stand
        == "ABl. L 119 S. 1 berichtigt durch ABl. L 314 vom 22.11.2016 und ABl. L 127 vom 23.5.2018"
    )


def test_corrigendum_without_its_act_is_refused() -> None:
    documents, _ = sources.read_paths([OFFICIAL / "gdpr_de_corr2018.xml"])
    with pytest.raises(LegalImportError, match="needs the act it corrects"):
        sources.load(documents)


def test_corrigendum_quoting_a_passage_not_in_the_text_is_refused(tmp_path: Path) -> None:
    original = (OFFICIAL / "gdpr_de_corr2016.xml").read_text("utf-8")
    text = re.sub(r"Artikel\s87\sAbsatz\s2", "Artikel 86 Absatz 9", original)
    assert text != original
    (tmp_path / "corr.xml").write_text(text, "utf-8")
    documents, _ = sources.read_paths([OFFICIAL / "gdpr_de_formex.xml", tmp_path / "corr.xml"])
    with pytest.raises(LegalImportError, match="Artikel 28 Absatz 7"):
        sources.load(documents)


def test_format_is_recognised_by_content_not_by_name(tmp_path: Path) -> None:
    (tmp_path / "law.txt").write_bytes((OFFICIAL / "gii_BJNR141400004.xml").read_bytes())
    documents, _ = sources.read_paths([tmp_path / "law.txt"])
    assert {a.law for a in sources.load(documents).articles} == {"UWG"}


def test_unknown_xml_and_truncated_zip_are_clear_errors(tmp_path: Path) -> None:
    (tmp_path / "other.xml").write_text("<rss><channel/></rss>", "utf-8")
    with pytest.raises(UnknownFormat, match="root <rss>"):
        sources.load(sources.read_paths([tmp_path / "other.xml"])[0])
    site = official_site(tmp_path / "site")
    whole = (site / "uwg_2004" / "xml.zip").read_bytes()
    (tmp_path / "cut.zip").write_bytes(whole[: len(whole) // 2])
    with pytest.raises(LegalImportError, match="not a complete zip"):
        sources.load(sources.read_paths([tmp_path / "cut.zip"])[0])


def test_save_is_an_upsert_and_iter_articles_reads_back(
    settings: Settings, imported: list[LegalArticle]
) -> None:
    uwg = [a for a in imported if a.law == "UWG"]
    with Ledger.open(settings) as ledger:
        with ledger.engine.begin() as connection:
            first = legal_store.save_articles(connection, uwg)
        with ledger.engine.begin() as connection:
            again = legal_store.save_articles(connection, uwg)
            changed = [replace(uwg[0], title="Geänderter Titel"), *uwg[1:]]
            third = legal_store.save_articles(connection, changed)
        with ledger.engine.connect() as connection:
            stored = list(legal_store.iter_articles(connection, law="UWG"))
            one = legal_store.get_article(connection, "UWG", "paragraph", "7")
            rows = connection.execute(select(func.count()).select_from(LegalArticleRow)).scalar_one()
    assert (first.inserted, again.unchanged, third.updated, third.unchanged) == (31, 31, 1, 30)
    assert rows == 31
    assert [a.number for a in stored][:4] == ["1", "2", "3", "3a"]
    assert stored[0].title == "Geänderter Titel"
    assert one == next(a for a in uwg if a.number == "7")


def test_cli_imports_a_folder_in_one_transaction(settings: Settings) -> None:
    result = CliRunner().invoke(app, ["legal", "import", str(OFFICIAL)])
    assert result.exit_code == 0, result.output
    assert "applied corrigendum ABl. L 127 vom 23.5.2018" in result.output
    with Ledger.open(settings) as ledger, ledger.engine.connect() as connection:
        count = connection.execute(select(func.count()).select_from(LegalArticleRow)).scalar_one()
    assert count == 99 + 173 + 99 + 173 + 86 + 31 + 30 + 34


def test_cli_error_stores_nothing(settings: Settings, tmp_path: Path) -> None:
    (tmp_path / "broken.xml").write_text("<dokumente><norm>", "utf-8")
    result = CliRunner().invoke(
        app, ["legal", "import", str(OFFICIAL / "gii_BJNR141400004.xml"), str(tmp_path / "broken.xml")]
    )
    assert result.exit_code == 2
    assert "not well-formed XML" in result.output
    with Ledger.open(settings) as ledger, ledger.engine.connect() as connection:
        assert connection.execute(select(func.count()).select_from(LegalArticleRow)).scalar_one() == 0


@pytest.fixture
def site(tmp_path: Path) -> Iterator[str]:
    with serving(official_site(tmp_path / "official")) as base:
        yield base


def test_download_from_official_addresses_imports_every_law(
    settings: Settings, site: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUSKUNFT_LEGAL_SOURCES_URL", site)
    result = CliRunner().invoke(app, ["legal", "import", "--download"])
    assert result.exit_code == 0, result.output
    with Ledger.open(settings) as ledger, ledger.engine.connect() as connection:
        laws = {(a.law, a.language) for a in legal_store.iter_articles(connection)}
        art15 = legal_store.get_article(connection, "DSGVO", "article", "15", "de")
    assert laws == {
        ("DSGVO", "de"),
        ("GDPR", "en"),
        ("BDSG", "de"),
        ("UWG", "de"),
        ("TDDDG", "de"),
        ("DDG", "de"),
    }
    assert art15 is not None
    assert "gemäß Absatz 3" in art15.paragraphs[3]
    assert (art15.source_url or "").startswith("https://publications.europa.eu/")


def test_download_of_one_law_and_a_failing_address(
    settings: Settings, site: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUSKUNFT_LEGAL_SOURCES_URL", site)
    result = CliRunner().invoke(app, ["legal", "import", "--download", "--law", "UWG"])
    assert result.exit_code == 0, result.output
    assert "UWG (de) 31" in result.output
    (tmp_path / "official" / "ddg" / "xml.zip").unlink()
    result = CliRunner().invoke(app, ["legal", "import", "--download", "--law", "BDSG", "--law", "DDG"])
    assert result.exit_code == 2
    assert "ddg/xml.zip: HTTP 404" in result.output
    with Ledger.open(settings) as ledger, ledger.engine.connect() as connection:
        assert {a.law for a in legal_store.iter_articles(connection)} == {"UWG"}


def test_if_configured_without_folder_explains_how_to_download(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("AUSKUNFT_LEGAL_DIR", raising=False)
    result = CliRunner().invoke(app, ["legal", "import", "--if-configured"])
    assert result.exit_code == 0
    assert "auskunft legal import --download" in result.output


def test_if_configured_imports_the_configured_folder(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AUSKUNFT_LEGAL_DIR", str(OFFICIAL))
    result = CliRunner().invoke(app, ["legal", "import", "--if-configured"])
    assert result.exit_code == 0, result.output
    assert "DSGVO (de) 272" in result.output


def test_product_never_reads_the_reference_jsonl() -> None:
    source = Path(__file__).parents[1] / "src" / "auskunft"
    offenders = [p for p in source.rglob("*.py") if ".jsonl" in p.read_text("utf-8") and "legal" in str(p)]
    assert offenders == []
    assert SHARED.is_dir()
