"""The contact form through HTTP: Erika Muster writes to the demo company; a bot and a foreign site try too.

Personas: Erika Muster (a customer with a question about her kettle), a spam bot (fills every field, or
sends at once), another website posting into the form (cross-site), and the company's DPO who reads the
answer Erika would get.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from html import unescape
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

import auskunft.demo
from auskunft.answer.builder import SubjectQuery
from auskunft.answer.model import Answer
from auskunft.channels import form
from auskunft.channels.form import FormChannel
from auskunft.domain.identifiers import IdentifierKind
from auskunft.ledger import Actor, Ledger
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.web.app import create_app

DEMO_REGISTER = Path(auskunft.demo.__file__).parent / "register.yaml"
FORM_URL = "https://www.example.de/kontakt"
ERIKA_EMAIL = "erika.muster@example.de"
ERIKA = {
    "name": "Erika Muster",
    "email": ERIKA_EMAIL,
    "order_number": "B-2026-0042",
    "topic": "technik",
    "message": "Mein Wasserkocher schaltet nicht mehr ab, wenn das Wasser kocht.",
}
WORDING_DE = (
    "Ja, ich möchte den Newsletter der Beispiel Versand GmbH mit Angeboten zu Haushaltsgeräten und Zubehör "
    "per E-Mail erhalten. Ich kann mich jederzeit abmelden, z. B. über den Link in jedem Newsletter."
)


class Clock:
    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Outbox:
    """The outermost edge: messages handed to the mail server."""

    messages: list[EmailMessage] = field(default_factory=list)

    def send(self, message: EmailMessage) -> str:
        self.messages.append(message)
        return str(message["Message-ID"])


@dataclass
class Site:
    client: TestClient
    channel: FormChannel
    clock: Clock
    outbox: Outbox
    ledger: Ledger

    def token(self, lang: str = "de") -> str:
        page = self.client.get(f"/kontakt?lang={lang}")
        found = re.search(r'name="form_token" value="([^"]+)"', page.text)
        assert found
        self.clock.now += 20  # Erika takes her time to type
        return found[1]

    def send(self, data: dict[str, str], *, lang: str = "de", **kwargs: Any) -> Response:
        return self.client.post(
            f"/kontakt?lang={lang}", data={"form_token": self.token(lang), **data}, **kwargs
        )


@pytest.fixture
def site(ledger: Ledger) -> Iterator[Site]:
    ledger.load_register(DEMO_REGISTER)
    app = create_app(ledger, channels=False)
    clock, outbox = Clock(), Outbox()
    channel = form.install(app, mailer=outbox, clock=clock)
    with TestClient(app) as client:
        yield Site(client, channel, clock, outbox, ledger)


def stored(ledger: Ledger) -> dict[str, int]:
    with ledger.engine.connect() as connection:
        return {
            table.__tablename__: int(connection.scalar(select(func.count()).select_from(table)) or 0)
            for table in (t.Subject, t.Record, ct.Conversation, ct.Message, t.Consent)
        }


NOTHING = {"subjects": 0, "records": 0, "conversations": 0, "messages": 0, "consents": 0}


def answer(ledger: Ledger, email: str = ERIKA_EMAIL) -> Answer:
    return ledger.answer(SubjectQuery(IdentifierKind.EMAIL, email), "de", Actor("test:dpo"))


def text(response: Response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


# -- the page -------------------------------------------------------------------------------------
def test_form_page_shows_the_art13_information_of_the_register(site: Site) -> None:
    page = site.client.get("/kontakt")
    assert page.status_code == 200
    shown = text(page)
    for expected in (
        "Datenschutzhinweise (Art. 13 DSGVO)",
        "Beispiel Versand GmbH",
        "Beispielallee 12, 10117 Berlin",
        "Dr. Jana Beispiel",
        "datenschutz@example.de",
        "Kundenservice (Hotline, E-Mail, Kontaktformular, Live-Chat)",
        "Art. 6 Abs. 1 lit. b DSGVO",
        "Art. 6 Abs. 1 lit. f DSGVO",
        "Beantwortung von Anfragen auch von Personen, die (noch) keine Kunden sind",
        "3 Jahre nach dem letzten Kontakt",
        "Callcenter Beispiel GmbH",
        "Recht auf Löschung",
        "Berliner Beauftragte für Datenschutz",
        "E-Mail-Newsletter",  # the consent's purpose, too
    ):
        assert expected in shown, expected


def test_form_page_sets_no_cookie_and_loads_nothing_from_elsewhere(site: Site) -> None:
    page = site.client.get("/kontakt")
    assert "set-cookie" not in page.headers
    assert "default-src 'none'" in page.headers["content-security-policy"]
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', page.text)
    assert addresses
    assert all(address.startswith(("/", "?", "#")) for address in addresses), addresses
    assert "<script" not in page.text
    css = site.client.get("/kontakt/form.css")
    assert css.status_code == 200
    assert css.headers["content-type"].startswith("text/css")
    assert "url(" not in css.text
    assert "@import" not in css.text
    assert stored(site.ledger) == NOTHING


def test_english_form_with_lang_en(site: Site) -> None:
    page = site.client.get("/kontakt?lang=en")
    assert '<html lang="en">' in page.text
    shown = text(page)
    assert "Data protection information (Art. 13 GDPR)" in shown
    assert "Art. 6(1)(b) GDPR" in shown
    assert "Email address" in shown
    assert "Send message" in shown


def test_marketing_consent_is_never_ticked_and_its_wording_is_shown_verbatim(site: Site) -> None:
    page = site.client.get("/kontakt")
    checkbox = re.search(r"<input[^>]*name=\"marketing_consent\"[^>]*>", page.text)
    assert checkbox
    assert "checked" not in checkbox[0]
    assert WORDING_DE in text(page)


def test_every_field_has_a_label_and_the_groups_a_legend(site: Site) -> None:
    page = site.client.get("/kontakt").text
    ids = re.findall(r'<(?:input|select|textarea)[^>]*\bid="([^"]+)"', page)
    labelled = set(re.findall(r'<label for="([^"]+)"', page))
    assert ids
    assert set(ids) <= labelled
    assert page.count("<fieldset>") == page.count("<legend>") >= 2
    honeypot = re.search(r'<input id="f-website"[^>]*>', page)
    assert honeypot
    assert 'tabindex="-1"' in honeypot[0]
    assert 'autocomplete="off"' in honeypot[0]
    assert '<label for="f-website">Bitte lassen Sie dieses Feld leer</label>' in page


# -- sending --------------------------------------------------------------------------------------
def test_submission_lands_in_the_answer_with_the_form_url_as_source(site: Site) -> None:
    response = site.send(ERIKA)
    assert response.status_code == 200, response.text
    reference = re.search(r"<strong>(K-\d+)</strong>", response.text)
    assert reference, response.text
    assert "Technik" in text(response)  # the queue the topic led to
    records = answer(site.ledger).records
    by_category = {record.category: record for record in records}
    assert by_category["user.name"].value == "Erika Muster"
    assert by_category["user.behavior.purchase_history"].value == "B-2026-0042"
    assert any("Wasserkocher" in record.value for record in records)
    for record in records:
        assert record.source.channel == "contact_form"
        assert record.source.detail == FORM_URL
    with site.ledger.engine.connect() as connection:
        conversation = connection.execute(select(ct.Conversation.id, ct.Conversation.channel)).one()
    assert reference[1] == f"K-{conversation.id:06d}"
    assert conversation.channel == "contact_form"


def test_unknown_fields_are_dropped_and_the_ip_is_not_stored(site: Site) -> None:
    response = site.send({**ERIKA, "birthday": "1970-01-01", "religion": "keine Angabe"})
    assert response.status_code == 200
    with site.ledger.engine.connect() as connection:
        values = [str(value) for value in connection.scalars(select(t.Record.value))]
        metas = [str(meta) for meta in connection.scalars(select(ct.Message.meta))]
    assert values
    assert not any("1970-01-01" in value or "keine Angabe" in value for value in values)
    assert not any("1970-01-01" in meta or "testclient" in meta for meta in metas)
    assert not any("testclient" in value for value in values)  # the client's address


def test_validation_errors_keep_what_was_typed(site: Site) -> None:
    response = site.send({**ERIKA, "email": "erika.muster@", "message": ""})
    assert response.status_code == 422
    page = response.text
    assert 'value="Erika Muster"' in page
    assert 'value="erika.muster@"' in page
    assert 'aria-describedby="e-email h-email" aria-invalid="true"' in page
    assert '<p class="error" id="e-email">Bitte geben Sie eine gültige E-Mail-Adresse ein' in page
    assert '<p class="error" id="e-message">Bitte füllen Sie dieses Feld aus.</p>' in page
    assert 'role="alert"' in page
    assert stored(site.ledger) == NOTHING


def test_double_click_stores_the_message_once(site: Site) -> None:
    data = {"form_token": site.token(), **ERIKA}
    first = site.client.post("/kontakt", data=data)
    second = site.client.post("/kontakt", data=data)
    assert first.status_code == second.status_code == 200
    reference = re.search(r"K-\d+", first.text)
    assert reference
    assert reference[0] in second.text
    assert stored(site.ledger)["messages"] == 1


def test_a_data_subject_request_gets_its_case(site: Site) -> None:
    request = {
        **ERIKA,
        "topic": "datenschutz",
        "message": "Ich bitte um Auskunft nach Art. 15 DSGVO über alle zu meiner Person gespeicherten Daten.",
    }
    response = site.send(request)
    assert response.status_code == 200
    with site.ledger.engine.connect() as connection:
        case = connection.scalar(select(ct.RequestCase.id))
    assert case is not None
    assert f"(Vorgang {case})" in text(response)


# -- consent --------------------------------------------------------------------------------------
def test_ticked_consent_starts_a_double_opt_in_with_its_proof(site: Site) -> None:
    response = site.send({**ERIKA, "marketing_consent": "yes"}, headers={"User-Agent": "Mozilla/5.0 (Test)"})
    assert response.status_code == 200
    assert "Newsletter" in text(response)
    (message,) = site.outbox.messages
    assert message["To"] == ERIKA_EMAIL
    assert "/consent/confirm?token=" in message.get_content()
    (consent,) = answer(site.ledger).consents
    assert consent.purpose == "newsletter"
    assert consent.status == "pending"
    (requested,) = consent.events
    assert requested.wording == WORDING_DE
    assert requested.wording_version == "kontaktformular-nl-2026-01"
    assert requested.evidence["form_url"] == FORM_URL
    assert requested.evidence["ip"] == "testclient"  # the proof of the request needs it
    assert requested.evidence["user_agent"] == "Mozilla/5.0 (Test)"


def test_unticked_consent_starts_nothing(site: Site) -> None:
    assert site.send(ERIKA).status_code == 200
    assert site.outbox.messages == []
    assert answer(site.ledger).consents == []


# -- spam -----------------------------------------------------------------------------------------
def test_filled_honeypot_gets_a_neutral_page_and_nothing_is_stored(site: Site) -> None:
    response = site.send({**ERIKA, "website": "https://spam.example.com"})
    assert response.status_code == 200
    assert "Vielen Dank" in response.text
    assert "K-" not in response.text
    assert stored(site.ledger) == NOTHING
    assert site.channel.spam.counts["honeypot"] == 1


def test_form_sent_within_seconds_is_spam(site: Site) -> None:
    page = site.client.get("/kontakt")
    token = re.search(r'name="form_token" value="([^"]+)"', page.text)
    assert token
    site.clock.now += 1
    response = site.client.post("/kontakt", data={"form_token": token[1], **ERIKA})
    assert response.status_code == 200
    assert "K-" not in response.text
    assert stored(site.ledger) == NOTHING
    assert site.channel.spam.counts["too_fast"] == 1


def test_form_without_our_token_is_spam(site: Site) -> None:
    response = site.client.post("/kontakt", data={**ERIKA, "form_token": "1800000000000.abcd.forged"})
    assert response.status_code == 200
    assert stored(site.ledger) == NOTHING
    assert site.channel.spam.counts["forged"] == 1


def test_too_many_submissions_from_one_address_are_refused(site: Site) -> None:
    for n in range(5):
        assert site.send({**ERIKA, "message": f"Nachricht Nummer {n}"}).status_code == 200
    refused = site.send({**ERIKA, "message": "Nachricht Nummer 6"})
    assert refused.status_code == 429
    assert "Bitte warten Sie einige Minuten" in text(refused)
    assert stored(site.ledger)["messages"] == 5
    assert site.channel.spam.counts["rate_limit"] == 1


def test_post_from_another_site_is_refused(site: Site) -> None:
    response = site.send(ERIKA, headers={"Origin": "https://evil.example.com"})
    assert response.status_code == 403
    assert stored(site.ledger) == NOTHING
    same_site = site.send(ERIKA, headers={"Origin": "http://testserver"})
    assert same_site.status_code == 200


def test_form_open_for_hours_is_shown_again_with_what_was_typed(site: Site) -> None:
    token = site.token()
    site.clock.now += 5 * 3600
    response = site.client.post("/kontakt", data={"form_token": token, **ERIKA})
    assert response.status_code == 200
    assert "Bitte prüfen Sie Ihre Angaben und senden Sie es erneut" in text(response)
    assert 'value="Erika Muster"' in response.text
    assert stored(site.ledger) == NOTHING
