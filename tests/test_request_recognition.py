"""Request recognition: the shared letters, rendered templates and follow-ups are recognised with the right
kind; ordinary customer-service messages are not taken for requests (tests/request_corpus.py)."""

from __future__ import annotations

import json
from datetime import date

import pytest
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.requests.identity_lines import identity, reference
from auskunft.requests.kinds import RequestKind
from auskunft.requests.letter_dates import find_dates, letter_date, parse_date
from auskunft.requests.recognise import recognise
from tests import request_corpus as corpus

LETTERS = list(corpus.letters())
SAMPLES = list(corpus.samples())
TEMPLATES = list(corpus.templates())
REACTOR = list(corpus.reactor())
HANDWRITTEN = list(corpus.handwritten())
NEGATIVES = corpus.negatives()

# Identity lines exactly as the letters carry them.
LETTER_IDENTITY = {
    "01": {
        "name": "Erika Musterfrau",
        "email": "erika.musterfrau@example.org",
        "customer_number": "K-000123",
    },
    "02": {
        "name": "Max Mustermann",
        "birth_date": "01.01.1980",
        "address": "Musterstraße 1, 12345 Musterstadt, Deutschland",
    },
    "03": {"name": "Erika Musterfrau", "email": "erika.musterfrau@example.org"},
    "04": {"name": "Max Mustermann", "email": "max@example.net"},
    "05": {"name": "Erika Musterfrau", "email": "erika.musterfrau@example.org"},
    "06": {"name": "Erika Musterfrau", "customer_number": "K-000123"},
    "07": {"name": "Jane Doe", "email": "jane.doe@example.com"},
    "08": {"name": "Jane Doe", "email": "jane.doe@example.com"},
    "09": {"name": "John Roe", "email": "john.roe@example.com"},
    "10": {"name": "John Roe"},
}
LETTER_REFERENCE = {
    "01": "2025-4EYJF7M",
    "02": "2025-FTP09PL",
    "03": "2025-DWUBCON",
    "04": "2025-PYCG6V3",
    "05": "2025-14IZWO6",
    "06": "2025-PMKV52N",
    "07": "2025-Z1DXEFL",
    "08": "2025-X7CK75L",
    "09": "2025-TYONQAP",
    "10": "2025-T7US9V2",
}


def _id(sample: corpus.Sample) -> str:
    return sample.name


def test_the_corpus_is_complete() -> None:
    assert len(LETTERS) == 10
    assert len(SAMPLES) == 8
    assert len(TEMPLATES) == 2 * 29
    assert len(NEGATIVES) >= 60
    assert sum(s.language == "de" for s in NEGATIVES) >= 45
    assert sum(s.language == "en" for s in NEGATIVES) >= 15
    assert {s.kind for s in HANDWRITTEN} == set(RequestKind)


@pytest.mark.parametrize("letter", LETTERS, ids=_id)
def test_shared_letter_is_recognised_with_kind_language_reference_and_identity(letter: corpus.Sample) -> None:
    result = recognise(letter.text, letter.subject)
    number = letter.name.split("/")[1][:2]
    assert result.kind is letter.kind
    assert result.kinds[0] is letter.kind
    assert result.language == letter.language
    assert result.reference == LETTER_REFERENCE[number]
    assert result.identity == LETTER_IDENTITY[number]
    assert result.confidence >= 0.9
    assert result.refers_to is None


@pytest.mark.parametrize("sample", SAMPLES, ids=_id)
def test_sample_letter_is_recognised(sample: corpus.Sample) -> None:
    result = recognise(sample.text)
    assert result.kind is sample.kind
    assert result.language == sample.language
    assert result.identity == {}  # the samples leave the identification data to fill in


def test_access_letter_citing_portability_and_threatening_a_complaint_is_an_access_request() -> None:
    letter = next(s for s in LETTERS if s.name.endswith("01-de-access.eml.txt"))
    result = recognise(letter.text, letter.subject)
    assert result.kinds == (RequestKind.ACCESS, RequestKind.PORTABILITY)
    assert RequestKind.COMPLAINT not in result.kinds


def test_erasure_letter_lists_the_objection_restriction_and_withdrawal_it_contains() -> None:
    letter = next(s for s in LETTERS if s.name.endswith("03-de-erasure.eml.txt"))
    result = recognise(letter.text, letter.subject)
    assert result.kind is RequestKind.ERASURE
    assert set(result.kinds) == {
        RequestKind.ERASURE,
        RequestKind.OBJECTION,
        RequestKind.RESTRICTION,
        RequestKind.WITHDRAWAL,
    }
    assert not result.direct_marketing


@pytest.mark.parametrize("name", ["05-de-objection.eml.txt", "09-en-objection.eml.txt"])
def test_objection_to_direct_marketing_is_flagged(name: str) -> None:
    letter = next(s for s in LETTERS if s.name.endswith(name))
    result = recognise(letter.text, letter.subject)
    assert result.kind is RequestKind.OBJECTION
    assert result.direct_marketing


def test_changes_asked_for_in_a_rectification_are_not_taken_for_the_requesters_identity() -> None:
    letter = next(s for s in LETTERS if s.name.endswith("06-de-rectification.eml.txt"))
    found = recognise(letter.text, letter.subject).identity
    assert "last_name" not in found
    assert "address" not in found


@pytest.mark.parametrize("template", TEMPLATES, ids=_id)
def test_rendered_template_is_recognised_with_and_without_its_optional_passages(
    template: corpus.Sample,
) -> None:
    result = recognise(template.text)
    assert result.kind is template.kind
    assert result.language == template.language
    has_id_block = "{id_data}" in (
        corpus.SHARED / "templates" / template.name.split("[")[0].removeprefix("templates/")
    ).with_suffix(".txt").read_text("utf-8")
    assert result.identity == (corpus.IDENTITY if template.include and has_id_block else {})
    if template.kind is RequestKind.REMINDER:
        assert result.refers_to is not None
        assert result.refers_to.date == corpus.REQUEST_DATE


@pytest.mark.parametrize("letter", REACTOR, ids=_id)
def test_follow_up_letter_is_a_reminder_or_complaint_about_the_earlier_access_request(
    letter: corpus.Sample,
) -> None:
    result = recognise(letter.text)
    assert result.kind is letter.kind
    assert result.language == letter.language
    assert result.refers_to is not None
    assert result.refers_to.kind is RequestKind.ACCESS  # the letters follow up "eine Anfrage nach Art. 15"
    if letter.kind is RequestKind.REMINDER:
        assert result.refers_to.date == corpus.REQUEST_DATE


@pytest.mark.parametrize("message", HANDWRITTEN, ids=_id)
def test_request_in_ordinary_words_is_recognised(message: corpus.Sample) -> None:
    result = recognise(message.text, message.subject)
    assert result.kind is message.kind
    assert result.language == message.language


@pytest.mark.parametrize("message", NEGATIVES, ids=_id)
def test_ordinary_customer_service_message_is_no_request(message: corpus.Sample) -> None:
    result = recognise(message.text, message.subject)
    assert result.kind is None, [e.phrase for e in result.evidence]
    assert result.kinds == ()
    assert result.language == message.language


def test_renderer_includes_or_excludes_optional_passages() -> None:
    source = "A[flag> B][not:flag> C][has:x> {x}][optional: D] {Beschreibung des Problems}"
    shown = corpus.render(source, {"x": "X"}, True, "de")
    hidden = corpus.render(source, {"x": ""}, False, "de")
    assert shown == "A B XD Leider erhielt ich bisher keine Antwort von Ihnen."
    assert hidden == "A C Leider erhielt ich bisher keine Antwort von Ihnen."


def test_no_more_advertising_is_an_objection_and_withdrawn_consent_a_withdrawal() -> None:
    objection = recognise("Bitte keine Werbung mehr an meine Adresse!")
    withdrawal = recognise("Hiermit widerrufe ich meine Einwilligung zum Newsletter.")
    unrelated = recognise("Ich widerrufe meine Einwilligung nicht, ich habe nur eine Frage zur Lieferung.")
    assert (objection.kind, objection.direct_marketing) == (RequestKind.OBJECTION, True)
    assert (withdrawal.kind, withdrawal.direct_marketing) == (RequestKind.WITHDRAWAL, True)
    assert unrelated.kind is RequestKind.WITHDRAWAL  # no negation handling: documented limit


def test_withdrawal_from_a_purchase_is_no_withdrawal_of_consent() -> None:
    text = "Hiermit widerrufe ich gemäß § 355 BGB meine Bestellung 4711 und bitte um Erstattung."
    assert recognise(text).kind is None


def test_how_to_question_is_no_request_but_a_polite_request_is() -> None:
    assert recognise("Hallo, wie kann ich alle meine Daten löschen?").kind is None
    assert recognise("Könnten Sie bitte alle meine Daten löschen?").kind is RequestKind.ERASURE


def test_quoted_text_of_an_earlier_message_is_ignored() -> None:
    reply = (
        "Danke, das Paket ist angekommen.\n\n"
        "> Sie haben das Recht auf Auskunft über Ihre Daten (Art. 15 DSGVO).\n"
    )
    assert recognise(reply).kind is None


def test_reminder_refers_to_the_date_and_reference_of_the_earlier_request() -> None:
    result = recognise(
        "Guten Tag,\n\nmeine Anfrage nach Art. 17 DSGVO vom 3. März habe ich noch nicht "
        "beantwortet bekommen. "
        "Ich erinnere Sie hiermit an die Frist.\n",
        "Erinnerung (Mein Zeichen: 2026-AB12CD3)",
        received=date(2026, 4, 20),
    )
    assert result.kind is RequestKind.REMINDER
    assert result.reference == "2026-AB12CD3"
    assert result.refers_to is not None
    assert result.refers_to.as_dict() == {
        "date": "2026-03-03",
        "reference": "2026-AB12CD3",
        "kind": "erasure",
    }


def test_complaint_announced_to_the_authority_is_a_complaint() -> None:
    result = recognise("Ich habe heute Beschwerde bei der Datenschutzaufsichtsbehörde gegen Sie eingereicht.")
    assert result.kind is RequestKind.COMPLAINT


def test_threat_of_a_complaint_alone_is_no_complaint() -> None:
    text = (
        "Sollten Sie nicht antworten, behalte ich mir vor, Beschwerde bei der Aufsichtsbehörde einzureichen."
    )
    assert recognise(text).kind is None


def test_requesters_reference_is_taken_but_not_the_companys() -> None:
    assert reference("Auskunft (Mein Zeichen: 2026-AB12CD3)", "") == "2026-AB12CD3"
    assert reference(None, "My reference: 2026-XY98ZW1\n") == "2026-XY98ZW1"
    assert reference("Ihr Zeichen: K-77", "Unser Zeichen: AB-12\nYour reference: 55") is None


def test_identity_lines_with_multi_line_address_and_other_labels() -> None:
    text = (
        "Zur Identifikation meiner Person habe ich folgende Daten beigefügt:\n"
        "Vorname: Erika\nNachname: Beispiel\nAnschrift: Beispielweg 7\n12345 Beispielstadt\nDeutschland\n"
        "Telefon: +49 30 1234567\nLieblingsfarbe: blau\n"
        "Sollten Sie meiner Anfrage nicht innerhalb der genannten Frist nachkommen, behalte ich mir vor, "
        "rechtliche Schritte einzuleiten.\n"
    )
    assert identity(text) == {
        "first_name": "Erika",
        "last_name": "Beispiel",
        "address": "Beispielweg 7\n12345 Beispielstadt\nDeutschland",
        "phone": "+49 30 1234567",
        "Lieblingsfarbe": "blau",
    }


def test_identity_without_announcement_takes_known_labels_only() -> None:
    text = "Bitte löschen Sie meine Daten.\n\nHinweis: dringend\nE-Mail: ute@example.de\nKundennummer: 123\n"
    assert identity(text) == {"email": "ute@example.de", "customer_number": "123"}


def test_letter_date_comes_from_a_date_line_not_from_a_sentence() -> None:
    assert letter_date("Musterstadt, den 12.03.2026\n\nGuten Tag,") == date(2026, 3, 12)
    assert letter_date("Date: 3 March 2026\nHello") == date(2026, 3, 3)
    assert letter_date("Berlin, 4. April 2026") == date(2026, 4, 4)
    assert letter_date("Ich habe am 12.03.2026 bestellt.") is None
    assert letter_date("Geburtsdatum: 01.01.1980") is None
    assert recognise("London, 5 May 2026\n\nPlease delete all my personal data.").date == date(2026, 5, 5)


def test_dates_in_every_written_form() -> None:
    assert parse_date("2026-03-12") == date(2026, 3, 12)
    assert parse_date("12.3.26") == date(2026, 3, 12)
    assert parse_date("3. März 2026") == date(2026, 3, 3)
    assert parse_date("March 3, 2026") == date(2026, 3, 3)
    assert parse_date("3rd of March 2026") == date(2026, 3, 3)
    assert parse_date("3. März") is None
    assert parse_date("3. März", received=date(2026, 5, 1)) == date(2026, 3, 3)
    assert parse_date("30. Dezember", received=date(2026, 1, 5)) == date(2025, 12, 30)
    assert parse_date("31.02.2026") is None
    assert [d.day for d in find_dates("vom 2.1.2026 bis 2026-02-03")] == [date(2026, 1, 2), date(2026, 2, 3)]


runner = CliRunner()


def test_classify_prints_the_recognition_of_an_email_as_json() -> None:
    path = corpus.SHARED / "letters" / "07-en-access.eml.txt"
    result = runner.invoke(app, ["requests", "classify", str(path)])
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert printed["kind"] == "access"
    assert printed["reference"] == "2025-Z1DXEFL"
    assert printed["identity"] == {"name": "Jane Doe", "email": "jane.doe@example.com"}
    assert set(printed) >= {
        "kinds",
        "language",
        "confidence",
        "date",
        "direct_marketing",
        "refers_to",
        "evidence",
    }


def test_classify_reads_a_real_eml_with_charset_and_standard_input() -> None:
    raw = (
        b"From: Ute Muster <ute@example.de>\nSubject: =?utf-8?q?L=C3=B6schung?=\n"
        b"Date: Mon, 2 Mar 2026 10:00:00 +0100\nMIME-Version: 1.0\n"
        b"Content-Type: text/plain; charset=iso-8859-1\nContent-Transfer-Encoding: 8bit\n\n"
    ) + "Bitte löschen Sie alle meine Daten.\n".encode("latin-1")
    result = runner.invoke(app, ["requests", "classify", "-", "--format", "text"], input=raw)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("kind: erasure")


def test_classify_exits_zero_with_null_kind_for_an_ordinary_message() -> None:
    result = runner.invoke(app, ["requests", "classify", "-"], input=b"Hallo, wo bleibt mein Paket?")
    assert result.exit_code == 0
    assert json.loads(result.output)["kind"] is None


def test_classify_refuses_a_missing_file_and_an_unknown_format() -> None:
    assert runner.invoke(app, ["requests", "classify", "/nonexistent/message.eml"]).exit_code == 2
    path = corpus.SHARED / "letters" / "07-en-access.eml.txt"
    assert runner.invoke(app, ["requests", "classify", str(path), "--format", "xml"]).exit_code == 2
