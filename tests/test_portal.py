"""The customer portal through HTTP: Erika Muster signs in to "Meine Daten" with a code that reaches a real
SMTP server, reads her answer, downloads it, withdraws her newsletter consent, objects to advertising and
asks for a correction. An outsider (nobody knows their address) gets the same pages and nothing else; Max,
another customer, never sees Erika's data; a foreign site cannot post on her behalf.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from email.message import Message
from html import unescape
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from httpx2 import Response
from sqlalchemy import func, select

import auskunft.demo
from auskunft.answer.model import Answer
from auskunft.config import Settings
from auskunft.conversations import outbox
from auskunft.domain.request_case import CaseState
from auskunft.ledger import Ledger
from auskunft.requests import cases
from auskunft.requests.kinds import RequestKind
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t
from auskunft.web import portal
from auskunft.web.app import create_app
from auskunft.web.portal.sessions import SECURE_COOKIE
from tests import email_servers
from tests.email_servers import SmtpServer, message_of

smtp_server = email_servers.smtp_server

DEMO_REGISTER = Path(auskunft.demo.__file__).parent / "register.yaml"
ERIKA = "erika.muster@example.de"
ERIKA_PHONE = "+49 30 1234567"
MAX = "max.beispiel@example.de"
OUTSIDER = "unbekannt@example.de"
SENT = "Wenn wir Daten zu dieser Adresse haben, haben wir Ihnen einen Code geschickt."
MAX_EVENT = {
    "event_id": "max-1",
    "type": "record",
    "subject": {"email": MAX},
    "category": "user.name",
    "value": "Max Beispiel",
    "source": {"kind": "channel", "channel": "hotline"},
    "collected_at": "2026-03-01T09:00:00+01:00",
    "purposes": ["customer_service"],
    "legal_basis": "art6_1_b",
}


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Site:
    client: TestClient
    ledger: Ledger
    smtp: SmtpServer
    clock: Clock
    portal: portal.Portal

    def form_token(self, path: str = "/meine-daten") -> str:
        return token_in(self.client.get(path))

    def ask_code(self, address: str, lang: str = "de") -> Response:
        return self.client.post(
            f"/meine-daten/code?lang={lang}", data={"address": address, "csrf_token": self.form_token()}
        )

    def enter_code(self, address: str, code: str, **kwargs: object) -> Response:
        data = {"address": address, "code": code, "csrf_token": self.form_token()}
        return self.client.post("/meine-daten/anmelden", data=data, follow_redirects=False, **kwargs)  # type: ignore[arg-type]

    def sign_in(self, address: str = ERIKA) -> Response:
        self.ask_code(address)
        response = self.enter_code(address, code_in(self.mails()[-1]))
        assert response.status_code == 303, response.text
        return self.client.get("/meine-daten")

    def mails(self) -> list[Message]:
        return [message_of(e) for e in self.smtp.received]

    def csrf(self) -> str:
        return token_in(self.client.get("/meine-daten"))


def token_in(page: Response) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert found, page.text
    return found[1]


def code_in(message: Message) -> str:
    body = message.get_payload(decode=True)
    assert isinstance(body, bytes)
    found = re.search(r"\b(\d{4} \d{4})\b", body.decode())
    assert found
    return found[1]


def text(response: Response) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", response.text)).split())


def audit(ledger: Ledger, actor: str) -> list[tuple[str, int | None]]:
    with ledger.engine.connect() as connection:
        rows = connection.execute(
            select(t.AuditEntry.action, t.AuditEntry.subject_id)
            .where(t.AuditEntry.actor == actor)
            .order_by(t.AuditEntry.id)
        )
        return [(row.action, row.subject_id) for row in rows]


def subject_of(ledger: Ledger, address: str) -> int:
    with ledger.engine.connect() as connection:
        found = connection.scalar(select(t.Identifier.subject_id).where(t.Identifier.value == address))
    assert found is not None
    return int(found)


@pytest.fixture
def site(erika: Ledger, settings: Settings, smtp_server: SmtpServer) -> Iterator[Site]:
    erika.load_register(DEMO_REGISTER)
    assert erika.ingest_objects([MAX_EVENT]).ok
    configured = smtp_server.configure(settings)
    app = create_app(erika, channels=False)
    clock = Clock()
    installed = portal.install(app, mailer=outbox.smtp_mailer(configured), settings=configured, clock=clock)
    with TestClient(app, base_url="https://testserver") as client:
        yield Site(client, erika, smtp_server, clock, installed)


# -- the start page --------------------------------------------------------------------------------
def test_start_page_leads_to_faq_search_contact_form_chat_and_my_data(site: Site) -> None:
    page = site.client.get("/")
    assert page.status_code == 200
    assert 'action="/hilfe/suche"' in page.text
    assert 'name="q"' in page.text
    for href in ('href="/kontakt?lang=de"', 'href="/chat?lang=de"', 'href="/meine-daten?lang=de"'):
        assert href in page.text
    shown = text(page)
    assert "Beispiel Versand GmbH" in shown
    assert "Chat starten" in shown
    assert "Meine Daten" in shown
    assert '<link rel="stylesheet" href="/kontakt/form.css">' in page.text  # the site's one stylesheet


def test_start_page_in_english_with_a_visible_switch(site: Site) -> None:
    german = site.client.get("/")
    assert 'href="?lang=en"' in german.text
    assert ">English<" in german.text
    english = site.client.get("/?lang=en")
    assert '<html lang="en">' in english.text
    assert "Start chat" in text(english)
    assert "My data" in text(english)
    assert 'href="?lang=de"' in english.text


@pytest.mark.parametrize("path", ["/", "/meine-daten", "/meine-daten?lang=en"])
def test_public_pages_set_no_cookie_and_load_nothing_from_elsewhere(site: Site, path: str) -> None:
    page = site.client.get(path)
    assert "set-cookie" not in page.headers
    assert "default-src 'none'" in page.headers["content-security-policy"]
    assert not re.search(r'(src|href|action)="(https?:)?//', page.text)
    assert "<script" not in page.text


# -- signing in ----------------------------------------------------------------------------------
def test_sign_in_page_answers_the_same_for_known_and_unknown_addresses(site: Site) -> None:
    known, unknown = site.ask_code(ERIKA), site.ask_code(OUTSIDER)
    assert known.status_code == unknown.status_code == 200
    assert SENT in text(known)
    masked = [
        re.sub(r'value="[^"]*"', 'value=""', response.text) for response in (known, unknown)
    ]  # the form token and the address typed differ; nothing else may
    assert masked[0] == masked[1]
    assert "set-cookie" not in known.headers
    assert "set-cookie" not in unknown.headers


def test_the_code_goes_by_smtp_only_to_the_known_address(site: Site) -> None:
    site.ask_code(OUTSIDER)
    assert site.smtp.received == []
    site.ask_code(ERIKA)
    [mail] = site.mails()
    assert mail["To"] == ERIKA
    assert mail["Auto-Submitted"] == "auto-replied"
    assert re.fullmatch(r"\d{4} \d{4}", code_in(mail))
    body = mail.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert "Angebot" not in body.decode()


def test_a_phone_number_sends_the_code_to_the_email_address_on_file(site: Site) -> None:
    page = site.ask_code("030 1234567")
    assert SENT in text(page)
    [mail] = site.mails()
    assert mail["To"] == ERIKA


def test_right_code_starts_a_strictly_necessary_session_cookie(site: Site) -> None:
    site.ask_code(ERIKA)
    response = site.enter_code(ERIKA, code_in(site.mails()[-1]))
    assert response.status_code == 303
    cookie = response.headers["set-cookie"]
    assert cookie.startswith(f"{SECURE_COOKIE}=")
    for attribute in ("HttpOnly", "Secure", "SameSite=strict", "Path=/"):
        assert attribute.lower() in cookie.lower()
    assert "domain=" not in cookie.lower()


def test_a_code_works_only_once(site: Site) -> None:
    site.ask_code(ERIKA)
    code = code_in(site.mails()[-1])
    assert site.enter_code(ERIKA, code).status_code == 303
    site.client.cookies.clear()
    assert site.enter_code(ERIKA, code).status_code == 422


def test_wrong_code_is_refused_alike_for_known_and_unknown_addresses(site: Site) -> None:
    site.ask_code(ERIKA)
    known, unknown = site.enter_code(ERIKA, "0000 0000"), site.enter_code(OUTSIDER, "0000 0000")
    assert known.status_code == unknown.status_code == 422
    assert text(known) == text(unknown)
    assert "set-cookie" not in known.headers


def test_the_code_is_void_after_five_wrong_tries(site: Site) -> None:
    site.ask_code(ERIKA)
    code = code_in(site.mails()[-1])
    wrong = "1111 1111" if code != "1111 1111" else "2222 2222"
    for _ in range(5):
        assert site.enter_code(ERIKA, wrong).status_code == 422
    assert site.enter_code(ERIKA, code).status_code == 422


def test_wrong_codes_are_rate_limited_per_address(site: Site) -> None:
    limit = site.portal.settings.portal_failures_per_address
    for _ in range(limit):
        assert site.enter_code(OUTSIDER, "1234 5678").status_code == 422
    limited = site.enter_code(OUTSIDER, "1234 5678")
    assert limited.status_code == 429
    assert int(limited.headers["retry-after"]) > 0
    # once the window has passed, the address may try again
    site.clock.now += site.portal.settings.portal_window_minutes * 60 + 1
    assert site.enter_code(OUTSIDER, "1234 5678").status_code == 422


def test_wrong_codes_are_rate_limited_per_client(site: Site) -> None:
    limit = site.portal.settings.portal_failures_per_ip
    for number in range(limit):
        assert site.enter_code(f"jemand{number}@example.de", "1234 5678").status_code == 422
    assert site.enter_code(ERIKA, "1234 5678").status_code == 429


def test_codes_sent_to_one_address_are_limited(site: Site) -> None:
    for _ in range(site.portal.settings.portal_codes_per_address + 2):
        assert SENT in text(site.ask_code(ERIKA))
    assert len(site.smtp.received) == site.portal.settings.portal_codes_per_address


def test_an_invalid_address_is_asked_again(site: Site) -> None:
    page = site.ask_code("kein-gueltiger-eintrag")
    assert page.status_code == 422
    assert "Bitte geben Sie eine E-Mail-Adresse oder eine Telefonnummer ein." in text(page)
    assert site.smtp.received == []


def test_sign_in_form_from_another_site_is_refused(site: Site) -> None:
    refused = site.client.post(
        "/meine-daten/code",
        data={"address": ERIKA, "csrf_token": site.form_token()},
        headers={"Origin": "https://evil.example"},
    )
    assert refused.status_code == 403
    forged = site.client.post("/meine-daten/code", data={"address": ERIKA, "csrf_token": "1.abc"})
    assert forged.status_code == 403
    assert site.smtp.received == []


# -- the answer ------------------------------------------------------------------------------------
def test_answer_page_shows_the_five_answers_with_provenance(site: Site) -> None:
    page = site.sign_in()
    assert page.status_code == 200
    shown = text(page)
    for heading in (
        "1. Welche Daten wir über Sie speichern",
        "2. Woher Ihre Daten stammen",
        "3. Ihre Einwilligungen",
        "4. Wofür wir Ihre Daten nutzen, auf welcher Rechtsgrundlage, wie lange",
        "5. Wer Ihre Daten erhalten hat",
    ):
        assert heading in shown, heading
    for fact in (
        "Erika Muster",
        "Musterweg 1, 10115 Berlin",
        "Adressverlag Beispiel GmbH",  # provenance: a third party (Art. 14)
        "Mietliste 2025-Q1",
        "Kontaktformular",
        "https://www.example.de/kontakt",
        "Paketdienst Beispiel GmbH",
        "Art. 6 Abs. 1 lit. b DSGVO",
        "nl-2026-01",  # the wording version Erika was shown when she consented
    ):
        assert fact in shown, fact
    assert '<link rel="stylesheet" href="/meine-daten/portal.css">' in page.text
    assert "@media print" in site.client.get("/meine-daten/portal.css").text
    # the form's URL is shown as provenance, never linked; nothing is loaded from elsewhere
    assert not re.search(r'(src|href|action)="(https?:)?//', page.text)
    assert "<script" not in page.text


def test_answer_page_in_english(site: Site) -> None:
    site.sign_in()
    page = site.client.get("/meine-daten?lang=en")
    shown = text(page)
    assert "1. What we store about you" in shown
    assert "5. Who received it" in shown


def test_pdf_download_is_a_pdf(site: Site) -> None:
    site.sign_in()
    pdf = site.client.get("/meine-daten/auskunft.pdf")
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert "attachment" in pdf.headers["content-disposition"]


def test_json_download_validates_as_the_answer_model(site: Site) -> None:
    site.sign_in()
    download = site.client.get("/meine-daten/auskunft.json?lang=en")
    answer = Answer.model_validate_json(download.content)
    assert answer.language == "en"
    assert answer.subject is not None
    assert answer.subject.id == subject_of(site.ledger, ERIKA)
    assert {r.value for r in answer.records} >= {"Erika Muster", "Musterweg 1, 10115 Berlin"}


def test_downloads_need_a_session(site: Site) -> None:
    for fmt in ("pdf", "json"):
        response = site.client.get(f"/meine-daten/auskunft.{fmt}", follow_redirects=False)
        assert response.status_code == 303
        assert response.headers["location"].startswith("/meine-daten")


def test_every_access_is_audited(site: Site) -> None:
    erika = subject_of(site.ledger, ERIKA)
    site.sign_in()
    site.client.get("/meine-daten/auskunft.json")
    site.client.get("/meine-daten/auskunft.pdf")
    accesses = [entry for entry in audit(site.ledger, "portal:subject") if entry[0] == "answer.built"]
    assert accesses == [("answer.built", erika)] * 3
    sign_in = [action for action, _ in audit(site.ledger, "portal:sign-in")]
    assert sign_in == ["portal.code_issued", "portal.code_sent", "portal.signed_in"]


# -- acting on it ----------------------------------------------------------------------------------
def test_withdrawing_the_newsletter_consent_changes_the_answer(site: Site) -> None:
    page = site.sign_in()
    assert "Einwilligung widerrufen: E-Mail-Newsletter – E-Mail" in text(page)
    response = site.client.post(
        "/meine-daten/einwilligung",
        data={"purpose": "newsletter", "channel": "email", "csrf_token": token_in(page)},
        follow_redirects=False,
    )
    assert response.status_code == 303
    after = site.client.get(response.headers["location"])
    assert "Ihre Einwilligung wurde widerrufen" in text(after)
    answer = Answer.model_validate_json(site.client.get("/meine-daten/auskunft.json").content)
    [newsletter] = [c for c in answer.consents if c.purpose == "newsletter"]
    assert newsletter.status == "withdrawn"
    assert newsletter.events[-1].method == "portal"
    assert 'action="/meine-daten/einwilligung' not in after.text  # nothing active is left to withdraw


def test_objecting_to_advertising_changes_the_answer(site: Site) -> None:
    page = site.sign_in()
    response = site.client.post(
        "/meine-daten/widerspruch", data={"csrf_token": token_in(page)}, follow_redirects=False
    )
    assert response.status_code == 303
    answer = Answer.model_validate_json(site.client.get("/meine-daten/auskunft.json").content)
    [objection] = answer.objections
    assert objection.purpose is None
    assert objection.channel is None
    assert objection.via == "portal"
    assert all(m.decision == "deny" for m in answer.marketing)
    assert 'action="/meine-daten/widerspruch' not in site.client.get("/meine-daten").text


def test_a_correction_request_opens_a_verified_case(site: Site) -> None:
    page = site.sign_in()
    details = "Meine Adresse ist jetzt Musterweg 2, 10115 Berlin."
    response = site.client.post(
        "/meine-daten/antrag",
        data={"kind": "rectification", "details": details, "csrf_token": token_in(page)},
    )
    assert response.status_code == 200
    assert "Ihr Antrag ist eingegangen" in text(response)
    with site.ledger.engine.connect() as connection:
        case_id = connection.scalar(select(func.max(ct.RequestCase.id)))
        assert case_id is not None
        case = cases.get(connection, case_id)
    assert case.kind is RequestKind.RECTIFICATION
    assert case.state is CaseState.IN_PROGRESS
    assert case.channel == "portal"
    assert case.subject_id == subject_of(site.ledger, ERIKA)
    assert case.claimed["details"] == details
    assert case.number in text(response)
    assert not site.smtp.received[1:]  # no identity code: she is already verified


def test_an_erasure_request_opens_a_case(site: Site) -> None:
    page = site.sign_in()
    response = site.client.post(
        "/meine-daten/antrag", data={"kind": "erasure", "details": "", "csrf_token": token_in(page)}
    )
    assert response.status_code == 200
    with site.ledger.engine.connect() as connection:
        kinds = connection.scalars(select(ct.RequestCase.kind)).all()
    assert kinds == [RequestKind.ERASURE.value]


def test_a_correction_without_details_is_asked_again(site: Site) -> None:
    page = site.sign_in()
    response = site.client.post(
        "/meine-daten/antrag", data={"kind": "rectification", "details": " ", "csrf_token": token_in(page)}
    )
    assert response.status_code == 422
    with site.ledger.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(ct.RequestCase)) == 0


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/meine-daten/einwilligung", {"purpose": "newsletter", "channel": "email"}),
        ("/meine-daten/widerspruch", {}),
        ("/meine-daten/antrag", {"kind": "erasure", "details": ""}),
        ("/meine-daten/abmelden", {}),
    ],
)
def test_actions_without_the_sessions_csrf_token_are_refused(
    site: Site, path: str, data: dict[str, str]
) -> None:
    site.sign_in()
    before = site.client.get("/meine-daten/auskunft.json").content
    assert site.client.post(path, data={**data, "csrf_token": "forged"}).status_code == 403
    assert site.client.post(path, data=data).status_code == 403
    foreign = site.client.post(
        path, data={**data, "csrf_token": site.csrf()}, headers={"Origin": "https://evil.example"}
    )
    assert foreign.status_code == 403
    after = json.loads(site.client.get("/meine-daten/auskunft.json").content)
    assert {k: v for k, v in after.items() if k != "generated_at"} == {
        k: v for k, v in json.loads(before).items() if k != "generated_at"
    }


def test_actions_without_a_session_are_refused(site: Site) -> None:
    response = site.client.post("/meine-daten/widerspruch", data={"csrf_token": "x"})
    assert response.status_code == 403
    with site.ledger.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(t.Objection)) == 0


# -- one person, one session -----------------------------------------------------------------------
def test_one_customer_never_sees_anothers_data(site: Site) -> None:
    page = site.sign_in(MAX)
    shown = text(page)
    assert "Max Beispiel" in shown
    assert "Erika" not in shown
    assert "Musterweg" not in shown
    answer = Answer.model_validate_json(site.client.get("/meine-daten/auskunft.json").content)
    assert answer.subject is not None
    assert answer.subject.id == subject_of(site.ledger, MAX)
    # Max cannot act on Erika's consent: withdrawals apply to the session's person only
    refused = site.client.post(
        "/meine-daten/einwilligung",
        data={"purpose": "newsletter", "channel": "email", "csrf_token": token_in(page)},
    )
    assert refused.status_code == 422
    with site.ledger.engine.connect() as connection:
        actions = connection.scalars(select(t.ConsentEvent.action)).all()
    assert "withdrawn" not in actions


def test_erikas_code_does_not_open_max_data(site: Site) -> None:
    site.ask_code(ERIKA)
    assert site.enter_code(MAX, code_in(site.mails()[-1])).status_code == 422


def test_sign_out_ends_the_session(site: Site) -> None:
    page = site.sign_in()
    response = site.client.post(
        "/meine-daten/abmelden", data={"csrf_token": token_in(page)}, follow_redirects=False
    )
    assert response.status_code == 303
    assert (
        "max-age=0" in response.headers["set-cookie"].lower()
        or "expires=" in response.headers["set-cookie"].lower()
    )
    assert "Sie haben sich abgemeldet" in text(site.client.get(response.headers["location"]))
    assert site.client.get("/meine-daten/auskunft.json", follow_redirects=False).status_code == 303


def test_an_idle_session_ends(site: Site) -> None:
    site.sign_in()
    site.clock.now += site.portal.settings.portal_idle_minutes * 60 + 1
    page = site.client.get("/meine-daten")
    assert "Ihre Sitzung ist abgelaufen" in text(page)
    assert "Erika Muster" not in text(page)


def test_a_stolen_cookie_of_another_process_opens_nothing(site: Site) -> None:
    site.client.cookies.set(SECURE_COOKIE, "x" * 43)
    page = site.client.get("/meine-daten")
    assert page.status_code == 200
    assert "Erika" not in text(page)
    assert audit(site.ledger, "portal:subject") == []
