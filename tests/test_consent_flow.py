"""Consent in practice: double opt-in, withdrawal from every route, unsubscribe links, proof of consent."""

from __future__ import annotations

import io
import json
import re
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select
from typer.testing import CliRunner

from auskunft.cli import app
from auskunft.consent import document, doi, proof, unsubscribe
from auskunft.domain.identifiers import IdentifierKind
from auskunft.errors import InvalidInput, NotFound, TokenRefused
from auskunft.ledger import Actor, Ledger
from auskunft.marketing.engine import may_send
from auskunft.marketing.facts import Target
from auskunft.marketing.rules import Channel
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex
from tests.conftest import DATA

EMAIL = "lena.beispiel@example.de"
BASE = "https://www.example.de"
WORDING = "Ja, ich möchte den Newsletter der Beispiel GmbH per E-Mail erhalten. Abmeldung jederzeit."
T0 = datetime(2026, 3, 2, 9, 15, tzinfo=UTC)
FORM = {
    "ip": "203.0.113.7",
    "user_agent": "Mozilla/5.0 (Test)",
    "form_url": "https://www.example.de/newsletter",
}
CLICK = {"ip": "198.51.100.23", "user_agent": "Mozilla/5.0 (Phone)"}
ACTOR = Actor("test")


@pytest.fixture
def shop(ledger: Ledger) -> Ledger:
    """A ledger with the test register loaded (controller Beispiel GmbH, purpose newsletter)."""
    ledger.load_register(DATA / "register.yaml")
    return ledger


def ask(ledger: Ledger, at: datetime = T0, ttl: timedelta = doi.DEFAULT_TTL, lang: str = "de") -> doi.Pending:
    return doi.request(
        ledger,
        {"email": EMAIL},
        "newsletter",
        "email",
        WORDING,
        "nl-2026-01",
        FORM,
        {"kind": "channel", "channel": "contact_form", "detail": FORM["form_url"]},
        ttl,
        base_url=BASE,
        lang=lang,
        at=at,
    )


def allowed(ledger: Ledger, at: datetime, email: str = EMAIL, purpose: str = "newsletter") -> bool:
    check = may_send(ledger, Target(IdentifierKind.EMAIL, email), Channel.EMAIL, purpose, ACTOR, at)
    return check.decision.allowed


def body(pending: doi.Pending) -> str:
    content = pending.message.get_content()
    assert isinstance(content, str)
    return content


def test_request_then_confirm_grants_and_newsletter_email_may_be_sent(shop: Ledger) -> None:
    pending = ask(shop)
    assert not allowed(shop, T0 + timedelta(minutes=1))
    done = doi.confirm(shop, pending.token, CLICK, at=T0 + timedelta(minutes=5))
    assert (done.purpose, done.channel, done.token_id) == ("newsletter", "email", pending.token_id)
    check = may_send(
        shop, Target(IdentifierKind.EMAIL, EMAIL), Channel.EMAIL, "newsletter", ACTOR, T0 + timedelta(hours=1)
    )
    assert check.decision.allowed
    assert check.decision.basis is not None
    assert check.decision.basis.value == "consent"


def test_only_the_hash_of_the_token_is_stored(shop: Ledger) -> None:
    pending = ask(shop)
    with shop.engine.connect() as connection:
        row = connection.execute(select(t.ConsentToken)).one()
        stored_evidence = json.dumps(connection.scalars(select(t.ConsentEvent.evidence)).all())
    assert row.token_hash == doi.token_hash(pending.token)
    assert len(row.token_hash) == 32
    assert row.expires_at == T0 + doi.DEFAULT_TTL
    assert row.used_at is None
    assert pending.token not in stored_evidence


def test_confirmation_email_holds_wording_and_link_and_no_advertising(shop: Ledger) -> None:
    pending = ask(shop)
    message = pending.message
    text = body(pending)
    assert not message.is_multipart()
    assert message.get_content_type() == "text/plain"
    assert message["To"] == EMAIL
    assert "Beispiel GmbH" in message["From"]
    assert message["List-Unsubscribe"] is None
    assert WORDING in text
    assert "nl-2026-01" in text
    assert "Beispiel GmbH" in text
    assert pending.link == f"{BASE}/consent/confirm?token={pending.token}"
    assert re.findall(r"https?://\S+", text) == [pending.link]
    assert "09.03.2026, 10:15" in text  # the expiry, in Berlin time
    for advertising in ("angebot", "rabatt", "gutschein", "sale", "%", "<img", "offer", "discount"):
        assert advertising not in text.lower()


def test_confirmation_email_in_english_on_request(shop: Ledger) -> None:
    text = body(ask(shop, lang="en"))
    assert "Please confirm" in ask(shop, lang="en").message["Subject"]
    assert "To confirm, please open this link:" in text
    assert "9 Mar 2026, 10:15" in text


def test_confirmation_message_is_kept_as_evidence_without_the_token(shop: Ledger) -> None:
    pending = ask(shop)
    document_ = proof.build(
        shop, {"email": EMAIL}, "newsletter", "email", ACTOR, at=T0 + timedelta(minutes=1)
    )
    kept = document_["events"][0]["evidence"]["confirmation_message"]
    assert WORDING in kept["text"]
    assert "token=[token]" in kept["text"]
    assert pending.token not in json.dumps(document_)


def test_token_is_single_use(shop: Ledger) -> None:
    pending = ask(shop)
    doi.confirm(shop, pending.token, CLICK, at=T0 + timedelta(minutes=5))
    with pytest.raises(TokenRefused) as refused:
        doi.confirm(shop, pending.token, CLICK, at=T0 + timedelta(minutes=6))
    assert refused.value.reason == "used"
    with shop.engine.connect() as connection:
        actions = connection.scalars(select(t.ConsentEvent.action).order_by(t.ConsentEvent.at)).all()
    assert actions == ["requested", "confirmed"]


@pytest.mark.parametrize("guess", ["", "x", "doi-1", secrets.token_urlsafe(32)])
def test_guessed_token_is_refused(shop: Ledger, guess: str) -> None:
    ask(shop)
    with pytest.raises(TokenRefused) as refused:
        doi.confirm(shop, guess, CLICK, at=T0 + timedelta(minutes=5))
    assert refused.value.reason == "unknown"
    assert not allowed(shop, T0 + timedelta(minutes=10))


def test_expired_token_is_refused_and_the_request_never_allows_sending(shop: Ledger) -> None:
    pending = ask(shop, ttl=timedelta(days=1))
    later = T0 + timedelta(days=2)
    with pytest.raises(TokenRefused) as refused:
        doi.confirm(shop, pending.token, CLICK, at=later)
    assert refused.value.reason == "expired"
    assert not allowed(shop, later)  # still pending: an unconfirmed request is no consent
    assert doi.expire(shop, later) == [pending.token_id]
    assert doi.expire(shop, later + timedelta(days=1)) == []  # nothing new the second time
    document_ = proof.build(shop, {"email": EMAIL}, "newsletter", "email", ACTOR, at=later)
    assert [e["action"] for e in document_["events"]] == ["requested", "expired"]
    assert document_["events"][1]["at"]["utc"] == "2026-03-03T09:15:00+00:00"
    assert document_["status"] == "expired"
    assert not allowed(shop, later)
    with pytest.raises(TokenRefused):
        doi.confirm(shop, pending.token, CLICK, at=later)


def test_expire_leaves_confirmed_and_still_valid_requests_alone(shop: Ledger) -> None:
    confirmed = ask(shop, ttl=timedelta(days=1))
    doi.confirm(shop, confirmed.token, CLICK, at=T0 + timedelta(hours=1))
    doi.request(
        shop,
        {"email": "other@example.de"},
        "newsletter",
        "email",
        WORDING,
        "nl-2026-01",
        FORM,
        base_url=BASE,
        at=T0,
    )
    assert doi.expire(shop, T0 + timedelta(days=2)) == []
    assert allowed(shop, T0 + timedelta(days=2))


def test_a_new_request_does_not_end_a_consent_already_given(shop: Ledger) -> None:
    first = ask(shop)
    doi.confirm(shop, first.token, CLICK, at=T0 + timedelta(minutes=5))
    ask(shop, at=T0 + timedelta(days=30), ttl=timedelta(days=1))
    assert doi.expire(shop, T0 + timedelta(days=40)) == []
    assert allowed(shop, T0 + timedelta(days=40))


def test_a_link_clicked_after_a_withdrawal_does_not_revive_the_consent(shop: Ledger) -> None:
    pending = ask(shop)
    unsubscribe.withdraw(shop, {"email": EMAIL}, "newsletter", "email", "portal", T0 + timedelta(minutes=1))
    with pytest.raises(TokenRefused) as refused:
        doi.confirm(shop, pending.token, CLICK, at=T0 + timedelta(minutes=5))
    assert refused.value.reason == "closed"
    assert not allowed(shop, T0 + timedelta(hours=1))


def test_request_needs_an_email_address_and_the_wording(shop: Ledger) -> None:
    with pytest.raises(InvalidInput):
        doi.request(shop, {"phone": "030 1234567"}, "newsletter", "email", WORDING, "v1", {}, base_url=BASE)
    with pytest.raises(InvalidInput):
        doi.request(shop, {"email": EMAIL}, "newsletter", "email", " ", "v1", {}, base_url=BASE)


@pytest.mark.parametrize("via", unsubscribe.ROUTES)
def test_withdrawal_by_each_route_blocks_the_next_send(shop: Ledger, via: str) -> None:
    doi.confirm(shop, ask(shop).token, CLICK, at=T0 + timedelta(minutes=5))
    assert allowed(shop, T0 + timedelta(days=1))
    done = unsubscribe.withdraw(
        shop, {"email": EMAIL}, "newsletter", "email", via, T0 + timedelta(days=1), {"reference": "T-1"}
    )
    assert done.recorded_as == "withdrawn"
    assert done.via == via
    assert not allowed(shop, T0 + timedelta(days=1, seconds=1))
    withdrawal = proof.build(shop, {"email": EMAIL}, "newsletter", "email", ACTOR)["withdrawal"]
    assert withdrawal["method"] == via
    assert withdrawal["evidence"] == {"reference": "T-1"}


def test_withdrawal_takes_effect_immediately_by_default(shop: Ledger) -> None:
    doi.confirm(shop, ask(shop).token, CLICK, at=T0 + timedelta(minutes=5))
    unsubscribe.withdraw(shop, {"email": EMAIL}, "newsletter", "email", "email_reply")
    assert not allowed(shop, datetime.now(UTC) + timedelta(seconds=1))


def test_unknown_withdrawal_route_and_unknown_person_are_refused(shop: Ledger) -> None:
    doi.confirm(shop, ask(shop).token, CLICK, at=T0 + timedelta(minutes=5))
    with pytest.raises(InvalidInput):
        unsubscribe.withdraw(shop, {"email": EMAIL}, "newsletter", "email", "carrier_pigeon")
    with pytest.raises(NotFound):
        unsubscribe.withdraw(shop, {"email": "niemand@example.de"}, "newsletter", "email", "letter")
    with shop.engine.connect() as connection:
        assert len(connection.scalars(select(t.Subject.id)).all()) == 1


def test_unsubscribe_link_withdraws_consent(shop: Ledger) -> None:
    doi.confirm(shop, ask(shop).token, CLICK, at=T0 + timedelta(minutes=5))
    token = unsubscribe.unsubscribe_token(shop, "Lena.Beispiel@Example.de", "newsletter")
    assert EMAIL not in token
    assert "lena" not in token.lower()
    done = unsubscribe.withdraw_by_token(shop, token, at=T0 + timedelta(days=3))
    assert (done.purpose, done.channel, done.via) == ("newsletter", "email", "unsubscribe_link")
    assert not allowed(shop, T0 + timedelta(days=3, seconds=1))


def test_unsubscribe_without_a_consent_on_record_is_an_objection(erika: Ledger) -> None:
    token = unsubscribe.unsubscribe_token(erika, "erika.muster@example.de", "product_news")
    done = unsubscribe.withdraw_by_token(erika, token, at=T0)
    assert done.recorded_as == "objection"
    with erika.engine.connect() as connection:
        objection = connection.execute(select(t.Objection)).one()
    assert (objection.purpose, objection.channel, objection.via) == (
        "product_news",
        "email",
        "unsubscribe_link",
    )
    assert not allowed(erika, T0 + timedelta(seconds=1), "erika.muster@example.de", "product_news")


def _flip(text: str, at: int) -> str:
    return text[:at] + ("A" if text[at] != "A" else "B") + text[at + 1 :]


def test_tampered_unsubscribe_token_is_refused(shop: Ledger) -> None:
    doi.confirm(shop, ask(shop).token, CLICK, at=T0 + timedelta(minutes=5))
    token = unsubscribe.unsubscribe_token(shop, EMAIL, "newsletter")
    payload, signature = token.split(".")
    other_purpose = unsubscribe.unsubscribe_token(shop, EMAIL, "advertising_postal").split(".")[0]
    foreign = Ledger(shop.engine, BlindIndex(bytes(range(32))), shop.settings)
    forgeries = [
        f"{_flip(payload, 5)}.{signature}",
        f"{payload}.{_flip(signature, 3)}",
        f"{other_purpose}.{signature}",
        payload,
        "",
        "..",
        "not base64!.@@",
        unsubscribe.unsubscribe_token(foreign, EMAIL, "newsletter"),
    ]
    for forged in forgeries:
        with pytest.raises(TokenRefused) as refused:
            unsubscribe.withdraw_by_token(shop, forged, at=T0 + timedelta(days=1))
        assert refused.value.reason == "forged", forged
    assert allowed(shop, T0 + timedelta(days=2))


def test_list_unsubscribe_headers_are_exactly_rfc_8058() -> None:
    headers = unsubscribe.list_unsubscribe_headers(
        "https://www.example.de/", "abc.def", "abmelden@example.de"
    )
    assert headers == {
        "List-Unsubscribe": "<https://www.example.de/consent/unsubscribe?token=abc.def>, "
        "<mailto:abmelden@example.de?subject=unsubscribe%20abc.def>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert unsubscribe.list_unsubscribe_headers(BASE, "abc.def") == {
        "List-Unsubscribe": "<https://www.example.de/consent/unsubscribe?token=abc.def>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    with pytest.raises(InvalidInput):
        unsubscribe.list_unsubscribe_headers("http://www.example.de", "abc.def")


def confirmed_proof(shop: Ledger, lang: str = "de") -> dict[str, Any]:
    pending = ask(shop)
    doi.confirm(shop, pending.token, CLICK, at=T0 + timedelta(minutes=5, seconds=7))
    return proof.build(shop, {"email": EMAIL}, "newsletter", "email", Actor("test", "court"), lang)


def test_proof_json_holds_the_full_double_opt_in_history(shop: Ledger) -> None:
    p = json.loads(document.to_json(confirmed_proof(shop)))
    assert p["controller"]["name"] == "Beispiel GmbH"
    assert p["subject"]["identifiers"][0]["value"] == EMAIL
    assert (p["purpose"], p["channel"], p["status"], p["double_opt_in"]) == (
        "newsletter",
        "email",
        "granted",
        True,
    )
    requested, confirmed = p["events"]
    assert requested["action"] == "requested"
    assert requested["method"] == "double_opt_in"
    assert requested["wording"] == WORDING
    assert requested["wording_version"] == "nl-2026-01"
    assert requested["at"] == {
        "utc": "2026-03-02T09:15:00+00:00",
        "local": "2026-03-02T10:15:00+01:00",
        "zone": "Europe/Berlin",
    }
    assert requested["evidence"]["ip"] == "203.0.113.7"
    assert requested["evidence"]["form_url"] == FORM["form_url"]
    assert requested["source"]["channel"] == "contact_form"
    assert confirmed["action"] == "confirmed"
    assert confirmed["at"]["local"] == "2026-03-02T10:20:07+01:00"
    assert confirmed["evidence"]["ip"] == "198.51.100.23"
    assert confirmed["evidence"]["user_agent"]
    token_id = confirmed["evidence"]["token_id"]
    assert p["confirmation_links"] == [
        {
            "token_id": token_id,
            "created_at": requested["at"],
            "expires_at": {
                "utc": "2026-03-09T09:15:00+00:00",
                "local": "2026-03-09T10:15:00+01:00",
                "zone": "Europe/Berlin",
            },
            "used_at": confirmed["at"],
        }
    ]
    assert p["wording"] == {"text": WORDING, "version": "nl-2026-01"}
    assert p["granted_at"] == confirmed["at"]
    assert p["complete"] is True
    assert p["gaps"] == []
    assert p["withdrawal"] is None


def test_proof_is_written_to_the_audit_trail(shop: Ledger) -> None:
    confirmed_proof(shop)
    with shop.engine.connect() as connection:
        entry = connection.execute(select(t.AuditEntry).where(t.AuditEntry.action == "consent.proof")).one()
    assert (entry.actor, entry.reason) == ("test", "court")


def test_proof_pdf_shows_wording_times_and_ip(shop: Ledger) -> None:
    pdf = document.to_pdf(confirmed_proof(shop, "en"))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    flat = re.sub(r"\s+", " ", text)
    assert re.sub(r"\s+", " ", WORDING) in flat
    assert "2 Mar 2026, 10:15:00 (Europe/Berlin)" in flat
    assert "2026-03-02 09:15:00 UTC" in flat
    assert "10:20:07" in flat
    assert "203.0.113.7" in flat
    assert "198.51.100.23" in flat
    assert "nl-2026-01" in flat
    assert "Beispiel GmbH" in flat


def test_proof_names_the_gap_of_an_email_consent_without_double_opt_in(erika: Ledger) -> None:
    erika.ingest_objects(
        [
            {
                "event_id": "c1",
                "type": "consent",
                "subject": {"email": "erika.muster@example.de"},
                "purpose": "review_request",
                "channel": "email",
                "action": "granted",
                "at": "2026-03-04T12:00:00+01:00",
                "method": "checkbox",
            }
        ]
    )
    p = proof.build(erika, {"email": "erika.muster@example.de"}, "review_request", "email", ACTOR, "en")
    assert p["complete"] is False
    assert [g["code"] for g in p["gaps"]] == [
        "no_wording",
        "no_wording_version",
        "no_double_opt_in",
        "no_evidence",
    ]
    assert "BGH I ZR 164/09" in p["gaps"][2]["text"]


def test_phone_consent_proof_tells_to_keep_it_five_years(erika: Ledger) -> None:
    erika.ingest_objects(
        [
            {
                "event_id": "p1",
                "type": "consent",
                "subject": {"phone": "+49 30 1234567"},
                "purpose": "phone_marketing",
                "channel": "phone",
                "action": "granted",
                "at": "2026-03-05T09:00:00+01:00",
                "method": "verbal",
                "wording": "Ja, Sie dürfen mich zu Angeboten anrufen.",
                "wording_version": "tel-1",
                "evidence": {"recording": "rec-4711", "agent": "A12"},
            }
        ]
    )
    p = proof.build(erika, {"phone": "030 1234567"}, "phone_marketing", "phone", ACTOR, "en")
    assert p["complete"] is True
    assert p["subject"]["identifiers"][0]["value"] == "+49301234567"
    (note,) = p["notes"]
    assert note["code"] == "phone_retention"
    assert "2031-03-05" in note["text"]
    assert "§ 7a UWG" in note["text"]


def test_proof_of_an_unknown_consent_is_not_found(erika: Ledger) -> None:
    with pytest.raises(NotFound):
        proof.build(erika, {"email": "erika.muster@example.de"}, "phone_marketing", "phone", ACTOR)
    with pytest.raises(NotFound):
        proof.build(erika, {"email": "niemand@example.de"}, "newsletter", "email", ACTOR)


@pytest.fixture
def cli(settings: Any) -> CliRunner:
    return CliRunner()


def test_cli_round_trip(cli: CliRunner, tmp_path: Path) -> None:
    assert cli.invoke(app, ["register", "load", str(DATA / "register.yaml")]).exit_code == 0
    asked = cli.invoke(
        app,
        [
            "consent", "request", "--email", EMAIL, "--purpose", "newsletter", "--wording", WORDING,
            "--wording-version", "nl-2026-01", "--ip", "203.0.113.7", "--user-agent", "Mozilla/5.0",
            "--form-url", FORM["form_url"], "--base-url", BASE, "--format", "json",
        ],
    )  # fmt: skip
    assert asked.exit_code == 0, asked.output
    pending = json.loads(asked.stdout)
    assert pending["link"].endswith(pending["token"])
    assert WORDING in pending["text"]
    check = ["marketing", "check", "--channel", "email", "--purpose", "newsletter", "--email", EMAIL]
    assert cli.invoke(app, check).exit_code == 1
    confirmed = cli.invoke(app, ["consent", "confirm", pending["token"], "--ip", "198.51.100.23"])
    assert confirmed.exit_code == 0, confirmed.output
    again = cli.invoke(app, ["consent", "confirm", pending["token"]])
    assert again.exit_code == 2
    assert "already used" in again.output
    assert cli.invoke(app, check).exit_code == 0

    proof_json = cli.invoke(app, ["consent", "proof", "--email", EMAIL, "--purpose", "newsletter"])
    assert proof_json.exit_code == 0, proof_json.output
    assert [e["action"] for e in json.loads(proof_json.stdout)["events"]] == ["requested", "confirmed"]
    pdf = tmp_path / "proof.pdf"
    made = cli.invoke(
        app,
        [
            "consent",
            "proof",
            "--email",
            EMAIL,
            "--purpose",
            "newsletter",
            "--format",
            "pdf",
            "--out",
            str(pdf),
        ],
    )
    assert made.exit_code == 0
    assert pdf.read_bytes().startswith(b"%PDF")

    headers = cli.invoke(
        app,
        ["consent", "unsubscribe-headers", "--email", EMAIL, "--purpose", "newsletter", "--base-url", BASE],
    )
    assert headers.exit_code == 0, headers.output
    first, second = headers.stdout.splitlines()
    token = re.fullmatch(
        r"List-Unsubscribe: <https://www\.example\.de/consent/unsubscribe\?token=(\S+)>", first
    )
    assert token is not None
    assert second == "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
    gone = cli.invoke(app, ["consent", "withdraw", "--token", token.group(1), "--via", "unsubscribe_link"])
    assert gone.exit_code == 0, gone.output
    assert cli.invoke(app, check).exit_code == 1
    expired = cli.invoke(app, ["consent", "expire"])
    assert expired.exit_code == 0
    assert "0 unconfirmed requests expired" in expired.output


def test_cli_refuses_a_forged_token_and_a_missing_identifier(cli: CliRunner) -> None:
    forged = cli.invoke(app, ["consent", "withdraw", "--token", "abc.def"])
    assert forged.exit_code == 2
    assert "invalid unsubscribe link" in forged.output
    assert cli.invoke(app, ["consent", "confirm", "nope"]).exit_code == 2
    missing = cli.invoke(app, ["consent", "withdraw", "--purpose", "newsletter"])
    assert missing.exit_code == 2
    assert "exactly one" in missing.output


def test_confirmation_tokens_never_look_like_a_command_line_option(ledger: Ledger) -> None:
    from auskunft.consent import doi

    ledger.load_register(DATA / "register.yaml")
    tokens = [
        doi.request(ledger, {"email": EMAIL.replace("@", f"+{n}@")}, "newsletter", "email", WORDING,
                    "nl-2026-01", {}, base_url=BASE).token
        for n in range(40)
    ]  # fmt: skip
    assert all(token.startswith(doi.TOKEN_PREFIX) for token in tokens)
