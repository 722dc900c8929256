"""The answer as a letter: HTML and PDF, German and English."""

from __future__ import annotations

import io

from pypdf import PdfReader

from auskunft.answer.builder import SubjectQuery
from auskunft.answer.render import to_html, to_pdf, to_text
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from tests.conftest import DATA

ERIKA = SubjectQuery(IdentifierKind.EMAIL, "erika.muster@example.de")


def test_german_letter_cites_articles_and_names_the_source_column(erika: Ledger) -> None:
    erika.load_register(DATA / "register.yaml")
    html = to_html(erika.answer(ERIKA, "de", Actor("test")))
    assert '<html lang="de">' in html
    assert "Herkunft" in html
    assert "Art. 15 Abs. 1 lit. g DSGVO" in html
    assert "Adressverlag Beispiel GmbH" in html
    assert "Mietliste 2025-Q1" in html
    assert "Paketdienst Beispiel GmbH" in html
    assert "nl-2026-01" in html
    assert "203.0.113.7" in html
    assert "Max Schutz" in html
    assert "Sehr geehrte Damen und Herren" in html


def test_sections_follow_the_order_of_art15_paragraph_1(erika: Ledger) -> None:
    html = to_html(erika.answer(ERIKA, "de", Actor("test")))
    order = [html.index(f"Art. 15 Abs. 1 lit. {letter} DSGVO") for letter in "abcdgh"]
    assert order == sorted(order)


def test_english_letter_is_english(erika: Ledger) -> None:
    html = to_html(erika.answer(ERIKA, "en", Actor("test")))
    assert '<html lang="en">' in html
    assert "Source" in html
    assert "Art. 15(1)(g) GDPR" in html
    assert "Herkunft" not in html


def test_letter_escapes_markup_in_stored_values(ledger: Ledger) -> None:
    event = (DATA / "erika.jsonl").read_text().splitlines()[0].replace("Erika Muster", "<script>x()</script>")
    assert ledger.ingest_lines([event]).ok
    html = to_html(ledger.answer(ERIKA, "de", Actor("test")))
    assert "<script>x()</script>" not in html
    assert "&lt;script&gt;" in html


def test_pdf_opens_and_reads_as_a_letter(erika: Ledger) -> None:
    erika.load_register(DATA / "register.yaml")
    pdf = to_pdf(erika.answer(ERIKA, "de", Actor("test")))
    assert pdf.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "Beispiel GmbH",
        "Erika Muster",
        "Herkunft",
        "Adressverlag",
        "Paketdienst",
        "Newsletter",
    ):
        assert expected in text


def test_text_answer_lists_data_and_sources(erika: Ledger) -> None:
    text = to_text(erika.answer(ERIKA, "de", Actor("test")))
    assert "Erika Muster" in text
    assert "Adressverlag Beispiel GmbH" in text
