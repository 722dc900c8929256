"""The contact form's parts without HTTP: configuration, signed token, rate limit, reading a post."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from auskunft.channels.form import config as form_config
from auskunft.channels.form import submission
from auskunft.channels.form.guard import FormToken, RateLimit, Verdict
from auskunft.config import Settings
from auskunft.conversations.model import Channel
from auskunft.errors import InvalidInput

KEY = b"k" * 32


class Clock:
    def __init__(self, now: float = 1_800_000_000.0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def test_demo_form_maps_its_topics_to_the_four_queues() -> None:
    config = form_config.default()
    assert {topic.queue for topic in config.topics} == {
        "kundenservice",
        "technik",
        "buchhaltung",
        "datenschutz",
    }
    categories = {field.key: field.data_category for field in config.fields}
    assert categories["name"] == "user.name"
    assert categories["email"] == "user.contact.email"
    assert categories["phone"] == "user.contact.phone_number"
    assert categories["order_number"] == "user.behavior.purchase_history"


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        ({"category": "user.shoe_size"}, "unknown category 'user.shoe_size'"),
        ({"key": "website"}, "reserved"),
        ({"key": "Order Number"}, "lower_snake_case"),
    ],
)
def test_form_configuration_names_its_problems(change: dict[str, Any], problem: str) -> None:
    raw = form_config.default().model_dump(mode="json")
    raw["fields"][3].update(change)
    with pytest.raises(InvalidInput, match=problem):
        form_config.parse(raw, "form.yaml")


def test_form_without_a_message_field_is_refused() -> None:
    raw = form_config.default().model_dump(mode="json")
    raw["fields"] = [field for field in raw["fields"] if field["kind"] != "message"]
    with pytest.raises(InvalidInput, match="a field of kind message is needed"):
        form_config.parse(raw, "form.yaml")


def test_token_tells_forged_too_fast_valid_and_expired_apart() -> None:
    clock = Clock()
    token = FormToken(KEY, clock).issue()
    assert FormToken(KEY, clock).check(token, 3, 600).verdict is Verdict.TOO_FAST
    clock.now += 5
    assert FormToken(KEY, clock).check(token, 3, 600).verdict is Verdict.OK
    assert FormToken(b"x" * 32, clock).check(token, 3, 600).verdict is Verdict.FORGED
    stamp, nonce, signature = token.split(".")
    assert FormToken(KEY, clock).check(f"{int(stamp) - 60_000}.{nonce}.{signature}", 3, 600).verdict is (
        Verdict.FORGED
    )
    assert FormToken(KEY, clock).check("", 3, 600).verdict is Verdict.FORGED
    clock.now += 601
    assert FormToken(KEY, clock).check(token, 3, 600).verdict is Verdict.EXPIRED


def test_rate_limit_slides_and_forgets_addresses_after_the_window() -> None:
    clock = Clock()
    limit = RateLimit(2, 60, clock)
    assert limit.hit("203.0.113.7")
    clock.now += 30
    assert limit.hit("203.0.113.7")
    assert not limit.hit("203.0.113.7")
    assert limit.hit("198.51.100.1")
    clock.now += 31  # the first hit left the window
    assert limit.hit("203.0.113.7")
    clock.now += 120
    limit.sweep()
    assert len(limit) == 0


def test_unknown_posted_fields_are_not_read() -> None:
    config = form_config.default()
    posted = {
        "name": " Erika Muster ",
        "email": "erika.muster@example.de",
        "topic": "technik",
        "message": "Der Wasserkocher schaltet nicht ab.",
        "birthday": "1970-01-01",
        "ip": "203.0.113.7",
    }
    read = submission.read(config, posted, "de")
    assert read.valid, read.errors
    assert "birthday" not in read.values
    assert read.values["name"] == "Erika Muster"
    inbound = submission.inbound(
        config, read, url="https://www.example.de/kontakt", external_id="form-1", at=_now(), lang="de"
    )
    assert inbound.channel is Channel.FORM
    assert inbound.queue == "technik"
    assert inbound.sender == {"email": "erika.muster@example.de"}
    assert "1970-01-01" not in repr(inbound)


def test_errors_are_per_field_and_in_the_persons_language() -> None:
    config = form_config.default()
    read = submission.read(config, {"email": "erika@", "topic": "unbekannt"}, "en")
    assert set(read.errors) == {"name", "email", "topic", "message"}
    assert read.errors["email"].startswith("Please enter a valid email address")
    german = submission.read(config, {"email": "erika@"}, "de")
    assert german.errors["name"] == "Bitte füllen Sie dieses Feld aus."


def _now() -> Any:
    from datetime import UTC, datetime

    return datetime(2026, 3, 2, 10, 15, tzinfo=UTC)


def test_company_form_file_replaces_the_demo_form(tmp_path: Path) -> None:
    path = tmp_path / "form.yaml"
    path.write_text(
        "title: {de: Kontakt, en: Contact}\n"
        "fields:\n"
        "  - {key: email, kind: email, label: {de: E-Mail, en: Email}, required: true}\n"
        "  - {key: message, kind: message, label: {de: Nachricht, en: Message}, required: true}\n",
        "utf-8",
    )
    settings = Settings(database_url="sqlite://", contact_form_file=path)
    config = form_config.configured(settings)
    assert [field.key for field in config.fields] == ["email", "message"]
    assert config.marketing_consent is None
    path.write_text("title: {de: Kontakt}\nfields: []\n", "utf-8")
    with pytest.raises(
        InvalidInput, match=r"form\.yaml: title\.en: Field required; fields: List should have"
    ):
        form_config.configured(settings)
