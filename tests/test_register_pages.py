"""The register of processing activities in the console: view, edit (validated as a whole, audited), export.

Personas: DPO Dora, admin Adam, agent Anna (tests/test_web_auth.py). The register is the small test
register (`tests/data/register.yaml`): four activities, two recipients (one in the US), two retention rules.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from lxml import html
from pypdf import PdfReader
from sqlalchemy import select

from auskunft.domain import categories
from auskunft.ledger import Ledger
from auskunft.register import edit
from auskunft.store import tables as t
from tests.conftest import DATA
from tests.test_web_auth import HTML, add_staff, console_app, csrf_of, sign_in

ACTIVITIES = {
    "customer_service": "Kundenservice",
    "advertising_postal": "Briefwerbung",
    "delivery": "Versand",
}
ACTIVITIES |= {"newsletter": "Newsletter"}
ACTIVITIES_EN = ["Customer service", "Postal advertising", "Delivery", "Newsletter"]


@pytest.fixture
def staffed(ledger: Ledger) -> Ledger:
    add_staff(ledger)
    return ledger


@pytest.fixture
def client(staffed: Ledger) -> Iterator[TestClient]:
    staffed.load_register(DATA / "register.yaml")
    with TestClient(console_app(staffed), base_url="https://testserver") as test_client:
        yield test_client


def ledger_of(client: TestClient) -> Ledger:
    ledger = client.app.state.ledger  # type: ignore[attr-defined]  # the ASGI app is typed as any callable
    assert isinstance(ledger, Ledger)
    return ledger


def stored(ledger: Ledger) -> dict[str, Any]:
    with ledger.engine.connect() as connection:
        return edit.document(connection)


def register_audit(ledger: Ledger) -> list[tuple[str, str, str | None]]:
    with ledger.engine.connect() as connection:
        rows = connection.execute(
            select(t.AuditEntry.actor, t.AuditEntry.action, t.AuditEntry.reason)
            .where(t.AuditEntry.action.like("register.%"))
            .order_by(t.AuditEntry.id)
        )
        return [(row.actor, row.action, row.reason) for row in rows]


def elements(node: html.HtmlElement, path: str) -> list[html.HtmlElement]:
    found = node.xpath(path)
    assert isinstance(found, list)
    return [element for element in found if isinstance(element, html.HtmlElement)]


def form_of(client: TestClient, path: str) -> dict[str, list[str]]:
    """The fields the edit form at `path` would send, as a browser sends them (checked boxes only)."""
    page = html.fromstring(client.get(path).text)
    (form,) = elements(page, '//form[@action="/console/register/edit"]')
    fields: dict[str, list[str]] = {}
    for element in elements(form, ".//input | .//textarea | .//select"):
        name = element.get("name")
        if not name:
            continue
        if element.tag == "input" and element.get("type") == "checkbox":
            if element.get("checked") is None:
                continue
            value = element.get("value") or "on"
        elif element.tag == "select":
            chosen = elements(element, "./option[@selected]") or elements(element, "./option")
            value = chosen[0].get("value") or ""
        elif element.tag == "textarea":
            value = element.text or ""
        else:
            value = element.get("value") or ""
        fields.setdefault(name, []).append(value)
    return fields


def post(client: TestClient, fields: dict[str, list[str]], **extra: str) -> Any:
    data = fields | {name: [value] for name, value in extra.items()}
    return client.post("/console/register/edit", data=data, headers=HTML, follow_redirects=False)


# --- viewing ---------------------------------------------------------------------------------------------


def test_register_page_shows_activities_recipients_rules_and_controller(client: TestClient) -> None:
    sign_in(client, "dora")
    page = client.get("/console/register", headers=HTML)
    assert page.status_code == 200
    text = page.text
    for name in ACTIVITIES.values():
        assert f"<h3>{name} " in text
    assert categories.label("user.contact.phone_number", "de") in text
    assert "Art. 6 Abs. 1 lit. f DSGVO" in text
    assert "Direktwerbung (ErwG 47)" in text
    assert "Mailversand Beispiel Inc.: US – Standardvertragsklauseln (Art. 46 Abs. 2 lit. c DSGVO)" in text
    assert "3 Jahre ab Erhebung (§ 195 BGB)" in text
    assert "Testlogik" in text  # the automated decision of the newsletter
    assert "Max Schutz" in text
    assert "Berliner Beauftragte" in text
    assert 'href="/console/register.pdf?lang=de"' in text
    assert 'href="/console/register.csv?lang=de"' in text
    assert 'href="/console/register.pdf?lang=en"' in text


def test_without_a_register_the_page_says_how_to_load_one(staffed: Ledger) -> None:
    with TestClient(console_app(staffed), base_url="https://testserver") as fresh:
        sign_in(fresh, "adam")
        page = fresh.get("/console/register", headers=HTML)
        assert "Es ist noch kein Verzeichnis geladen" in page.text
        assert fresh.get("/console/register.csv").status_code == 409


def test_agents_are_refused_the_register_its_exports_and_its_forms(client: TestClient) -> None:
    sign_in(client, "anna")
    for path in (
        "/console/register",
        "/console/register.csv",
        "/console/register.pdf",
        "/console/register.yaml",
        "/console/register/edit?section=activities&key=newsletter",
    ):
        assert client.get(path).status_code == 403, path
    token = csrf_of(client)
    before = stored(ledger_of(client))
    refused = client.post(
        "/console/register/edit",
        data={"csrf_token": token, "section": "retention_rules", "entry": "service_3y", "action": "delete"},
    )
    assert refused.status_code == 403
    assert stored(ledger_of(client)) == before
    assert 'href="/console/register"' not in client.get("/console/inbox").text


# --- exports ---------------------------------------------------------------------------------------------


def test_csv_has_one_row_per_activity_for_german_excel(client: TestClient) -> None:
    sign_in(client, "dora")
    response = client.get("/console/register.csv?lang=de")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert 'filename="verarbeitungsverzeichnis-' in response.headers["content-disposition"]
    body = response.content
    assert body.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in body
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=";"))
    header, *activities = rows
    assert header[:3] == ["Schlüssel", "Verarbeitungstätigkeit", "Zweck"]
    assert {row[0]: row[1] for row in activities} == ACTIVITIES
    newsletter = next(row for row in activities if row[0] == "newsletter")
    column = dict(zip(header, newsletter, strict=True))
    assert column["Übermittlungen in Drittländer"].startswith(
        "Mailversand Beispiel Inc.: US – Standardvertrags"
    )
    assert column["Rechtsgrundlage"] == "Art. 6 Abs. 1 lit. a DSGVO"
    assert column["Löschfrist"] == "Bis zu Ihrem Widerspruch"
    english = client.get("/console/register.csv?lang=en").content.decode("utf-8-sig")
    assert english.startswith("Key;Processing activity;Purpose")


def test_csv_cells_never_start_a_spreadsheet_formula(client: TestClient) -> None:
    sign_in(client, "dora")
    fields = form_of(client, "/console/register/edit?section=activities&key=delivery")
    fields["description.de"] = ['=HYPERLINK("http://evil.example")']
    fields["description.en"] = ["-1+2"]
    assert post(client, fields).status_code == 303
    rows = list(
        csv.reader(io.StringIO(client.get("/console/register.csv").text.lstrip("\ufeff")), delimiter=";")
    )
    delivery = next(row for row in rows if row[0] == "delivery")
    assert delivery[2] == '\'=HYPERLINK("http://evil.example")'


@pytest.mark.parametrize(
    ("lang", "title", "names"),
    [
        ("de", "Verzeichnis von Verarbeitungstätigkeiten", list(ACTIVITIES.values())),
        ("en", "Record of processing activities", ACTIVITIES_EN),
    ],
)
def test_pdf_is_the_art30_record_with_every_activity(
    client: TestClient, lang: str, title: str, names: list[str]
) -> None:
    sign_in(client, "adam")
    response = client.get(f"/console/register.pdf?lang={lang}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)
    text = re.sub(r"\s+", " ", text)
    assert title in text
    for name in names:
        assert name in text
    assert "Max Schutz" in text
    assert "Standardvertragsklauseln" in text
    for letter in "abcdefg":
        assert f"({letter})" in text


# --- editing ---------------------------------------------------------------------------------------------


def test_saving_an_unchanged_form_keeps_every_entry_as_it_was(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    before = stored(ledger)
    for section, field in (("activities", "key"), ("recipients", "name"), ("retention_rules", "key")):
        for entry in before[section]:
            fields = form_of(client, f"/console/register/edit?section={section}&key={entry[field]}")
            assert post(client, fields).status_code == 303, entry[field]
    assert post(client, form_of(client, "/console/register/edit?section=controller")).status_code == 303

    def clean(doc: dict[str, Any]) -> dict[str, Any]:
        dumped: dict[str, Any] = edit.validate(doc).model_dump(mode="json", exclude_none=True)
        return dumped

    for left, right in zip(clean(stored(ledger))["activities"], clean(before)["activities"], strict=True):
        assert left == right
    assert clean(stored(ledger)) == clean(before)


def test_an_invalid_edit_is_refused_with_every_problem_and_nothing_changes(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    before = stored(ledger)
    fields = form_of(client, "/console/register/edit?section=activities&key=advertising_postal")
    fields["legitimate_interest.de"] = [""]
    fields["legitimate_interest.en"] = [""]
    fields["name.en"] = [""]
    fields["description.de"] = ["Werbebriefe an Bestandskunden"]
    response = post(client, fields)
    assert response.status_code == 422
    assert "Nicht gespeichert." in response.text
    assert 'href="#f-name-en">Name › Englisch: Pflichtangabe' in response.text
    assert 'id="f-name-en" name="name.en" value="" lang="en" required aria-invalid="true"' in response.text
    assert "Werbebriefe an Bestandskunden" in response.text  # what was typed is kept
    assert 'href="#f-description-en">Zweck › Englisch: Pflichtangabe' in response.text  # both languages
    # the references are checked once every field is well-formed, as `auskunft register load` does
    fields["name.en"] = ["Postal advertising"]
    fields["description.en"] = ["Letters to customers"]
    response = post(client, fields)
    assert response.status_code == 422
    assert "Art. 6 Abs. 1 lit. f DSGVO verlangt die Angabe des berechtigten Interesses" in response.text
    assert stored(ledger) == before
    assert register_audit(ledger) == []


def test_deleting_a_retention_rule_in_use_names_every_activity_using_it(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    before = stored(ledger)
    fields = form_of(client, "/console/register/edit?section=retention_rules&key=service_3y")
    response = post(client, fields, action="delete")
    assert response.status_code == 422
    for activity in ("customer_service", "delivery"):
        assert f"Tätigkeit &#39;{activity}&#39; nennt die Löschregel &#39;service_3y&#39;" in response.text
    assert stored(ledger) == before


def test_a_valid_edit_is_stored_used_by_answers_and_audited(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    fields = form_of(client, "/console/register/edit?section=activities&key=newsletter")
    fields["name.de"] = ["E-Mail-Newsletter"]
    fields["recipients"] = [*fields["recipients"], "Paketdienst Beispiel GmbH"]
    fields["data_subjects.de"] = ["Abonnentinnen und Abonnenten"]
    fields["data_subjects.en"] = ["Subscribers"]
    response = post(client, fields)
    assert response.status_code == 303
    assert response.headers["location"] == "/console/register?done=register.activity.changed"
    with ledger.engine.connect() as connection:
        newsletter = ledger.register(connection).activities["newsletter"]
    assert newsletter.name.de == "E-Mail-Newsletter"
    assert newsletter.recipients == ["Mailversand Beispiel Inc.", "Paketdienst Beispiel GmbH"]
    assert newsletter.data_subjects is not None
    assert newsletter.data_subjects.en == "Subscribers"
    ((actor, action, reason),) = register_audit(ledger)
    assert (actor, action) == ("user:dora", "register.activity.changed")
    assert reason is not None
    assert reason.startswith("activity 'newsletter': ")
    assert "name changed" in reason
    assert "recipients +Paketdienst Beispiel GmbH" in reason
    page = client.get(response.headers["location"], headers=HTML)
    assert "Gespeichert." in page.text
    assert "E-Mail-Newsletter" in page.text


def test_a_new_recipient_and_a_new_activity_using_it_are_added(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    fields = form_of(client, "/console/register/edit?section=recipients")
    fields |= {"name": ["Rechenzentrum Beispiel AG"], "role": ["processor"], "country": ["ch"]}
    fields |= {"safeguard": ["Angemessenheitsbeschluss (Art. 45 DSGVO)"]}
    assert post(client, fields).status_code == 303
    fields = form_of(client, "/console/register/edit?section=activities")
    fields |= {
        "key": ["hosting"],
        "name.de": ["Hosting"],
        "name.en": ["Hosting"],
        "retention": ["service_3y"],
    }
    fields |= {"legal_basis": ["art6_1_b"], "categories": ["user.contact.email"]}
    fields |= {"recipients": ["Rechenzentrum Beispiel AG"]}
    assert post(client, fields).status_code == 303
    with ledger.engine.connect() as connection:
        register = ledger.register(connection)
    assert register.recipients["Rechenzentrum Beispiel AG"].country == "CH"
    assert register.activities["hosting"].recipients == ["Rechenzentrum Beispiel AG"]
    assert [action for _, action, _ in register_audit(ledger)] == [
        "register.recipient.added",
        "register.activity.added",
    ]
    twice = post(
        client,
        form_of(client, "/console/register/edit?section=activities")
        | {
            "key": ["hosting"],
            "name.de": ["Nochmal"],
            "name.en": ["Again"],
            "retention": ["service_3y"],
            "legal_basis": ["art6_1_b"],
        },
    )
    assert twice.status_code == 422
    assert "Eine Verarbeitungstätigkeit mit diesem Schlüssel gibt es schon: hosting" in twice.text


def test_an_activity_can_be_deleted_and_the_deletion_is_audited(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    fields = form_of(client, "/console/register/edit?section=activities&key=delivery")
    assert post(client, fields, action="delete").status_code == 303
    assert "delivery" not in {a["key"] for a in stored(ledger)["activities"]}
    assert register_audit(ledger) == [("user:dora", "register.activity.deleted", "activity 'delivery'")]
    recipient = form_of(client, "/console/register/edit?section=recipients&key=Paketdienst%20Beispiel%20GmbH")
    assert post(client, recipient, action="delete").status_code == 409  # recipients are never deleted


def test_a_form_opened_before_someone_else_saved_is_refused(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    stale = form_of(client, "/console/register/edit?section=controller")
    fresh = form_of(client, "/console/register/edit?section=controller")
    fresh["dpo.email"] = ["dsb-neu@example.de"]
    assert post(client, fresh).status_code == 303
    stale["dpo.email"] = ["dsb-alt@example.de"]
    refused = post(client, stale)
    assert refused.status_code == 409
    assert "changed by someone else" in refused.text
    assert stored(ledger)["controller"]["dpo"]["email"] == "dsb-neu@example.de"


def test_a_form_without_the_csrf_token_changes_nothing(client: TestClient) -> None:
    ledger = ledger_of(client)
    sign_in(client, "dora")
    fields = form_of(client, "/console/register/edit?section=activities&key=delivery")
    fields["csrf_token"] = ["falsch"]
    assert post(client, fields, action="delete").status_code == 403
    assert "delivery" in {a["key"] for a in stored(ledger)["activities"]}
