"""The DPO dashboard: the numbers for a known set of request cases, the chart as well-formed SVG, the roles.

Personas: DPO Dora, admin Adam, agent Anna (from tests/test_web_auth.py). Cases are opened by hand and
closed through the library; their closing days are then set in the database, as the statistics need
cases closed in the past.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from fastapi.testclient import TestClient
from lxml import etree, html
from sqlalchemy import update

from auskunft.knowledge.faq import feedback
from auskunft.knowledge.faq import store as faq_store
from auskunft.knowledge.faq.model import FaqInput
from auskunft.ledger import Actor, Ledger
from auskunft.requests import cases, decisions
from auskunft.requests.kinds import RequestKind
from auskunft.store import conversation_tables as ct
from tests.test_web_auth import HTML, add_staff, console_app, sign_in

DORA = Actor("user:dora")


@dataclass(frozen=True)
class Case:
    kind: RequestKind
    received: int
    """Days before today."""
    closed_after: int | None = None
    """Days after receipt it was closed; None: still open."""
    refused: bool = False


CASES = [
    Case(RequestKind.ACCESS, 40, closed_after=10),  # in time
    Case(RequestKind.ERASURE, 50, closed_after=40),  # late: the deadline was one month
    Case(RequestKind.ACCESS, 20, closed_after=20),  # in time (closed today)
    Case(RequestKind.ACCESS, 100, closed_after=5, refused=True),  # refused in time
    Case(RequestKind.OBJECTION, 45),  # open, overdue
    Case(RequestKind.ACCESS, 25),  # open, due within the week
    Case(RequestKind.RECTIFICATION, 2),  # open, on track
]


def _build(ledger: Ledger) -> None:
    today = cases.today(ledger)
    for case in CASES:
        received = today - timedelta(days=case.received)
        case_id = cases.open_manual(ledger, case.kind, received, {}, DORA)
        if case.closed_after is None:
            continue
        if case.refused:
            decisions.refuse(ledger, case_id, "offensichtlich unbegründet", DORA, None)
        else:
            decisions.close(ledger, case_id, "erledigt", DORA)
        closed = datetime.combine(received + timedelta(days=case.closed_after), time(10), UTC)
        with ledger.engine.begin() as connection:
            connection.execute(
                update(ct.RequestCase).where(ct.RequestCase.id == case_id).values(closed_at=closed)
            )
    with ledger.engine.begin() as connection:
        entry = faq_store.create(
            connection,
            FaqInput(
                slug="ruecksendung", category="Rücksendung", title="Wie schicke ich etwas zurück?", body="So."
            ),
        )
        for helpful in (True, True, True, False):
            feedback.record(connection, entry.id, helpful, "contact_form_suggestion", today)
        feedback.submitted_after_helpful(connection, entry.id, today)


@pytest.fixture
def client(ledger: Ledger) -> Iterator[TestClient]:
    add_staff(ledger)
    _build(ledger)
    with TestClient(console_app(ledger), base_url="https://testserver") as test_client:
        yield test_client


def elements(node: html.HtmlElement, path: str) -> list[html.HtmlElement]:
    found = node.xpath(path)
    assert isinstance(found, list)
    return [element for element in found if isinstance(element, html.HtmlElement)]


def words(node: html.HtmlElement) -> str:
    return " ".join(node.text_content().split())


def _text(page: html.HtmlElement, selector: str) -> str:
    found = elements(page, selector)
    assert found, selector
    return words(found[0])


def column(page: html.HtmlElement, index: int) -> list[int]:
    """The numbers in column `index` of the chart's table."""
    return [
        int(words(elements(row, "td")[index]))
        for row in elements(page, '//table[@id="chart-table"]/tbody/tr')
    ]


def _svg(text: str) -> etree._Element:
    found = re.search(r"<svg\b.*?</svg>", text, re.DOTALL)
    assert found is not None
    return etree.fromstring(found[0].encode())


def test_dashboard_numbers_are_right_for_known_cases(client: TestClient) -> None:
    sign_in(client, "dora")
    response = client.get("/console/dashboard", headers=HTML)
    assert response.status_code == 200
    page = html.fromstring(response.text)
    assert _text(page, '//*[@id="kpi-on-time"]') == "75 %"  # 3 of 4 closed in time
    assert "3 von 4" in _text(page, '//*[@id="kpi-on-time"]/..')
    assert _text(page, '//*[@id="kpi-median"]') == "15"  # days 5, 10, 20, 40
    assert _text(page, '//*[@id="kpi-overdue"]') == "1"
    assert _text(page, '//*[@id="kpi-due-soon"]') == "1"
    assert _text(page, '//*[@id="kpi-avoided"]') == "2"  # three "helped", one sent anyway
    rows = {
        row.get("data-kind"): [words(cell) for cell in elements(row, "td")]
        for row in elements(page, '//table[@id="by-kind"]/tbody/tr')
    }
    # columns: received, identity check, in progress, answered, refused, total
    assert rows["access"][3:] == ["2", "1", "4"]
    assert rows["erasure"][3:] == ["1", "0", "1"]
    assert sum(int(n) for n in rows["objection"][:3]) == 1
    assert set(rows) == {"access", "erasure", "objection", "rectification"}
    assert _text(page, '//table[@id="by-kind"]/tfoot/tr/td[last()]') == "7"


def test_chart_is_well_formed_accessible_svg_with_the_figures_as_a_table(client: TestClient) -> None:
    sign_in(client, "dora")
    response = client.get("/console/dashboard")
    svg = _svg(response.text)
    ns = {"svg": "http://www.w3.org/2000/svg"}
    assert svg.get("role") == "img"
    assert svg.findtext("svg:title", namespaces=ns)
    description = svg.findtext("svg:desc", namespaces=ns)
    assert description is not None
    assert "7 eingegangen und 4 abgeschlossen" in description
    bars = svg.findall(".//svg:rect", namespaces=ns)
    assert len(bars) == 24  # twelve months, received and closed
    page = html.fromstring(response.text)
    assert len(column(page, 0)) == 12
    assert sum(column(page, 0)) == 7
    assert sum(column(page, 1)) == 4
    assert sum(float(bar.get("height", "0")) > 0 for bar in bars) >= 2


def test_chart_by_week_covers_twelve_weeks(client: TestClient) -> None:
    sign_in(client, "adam")
    response = client.get("/console/dashboard?period=week")
    assert response.status_code == 200
    page = html.fromstring(response.text)
    labels = [words(th) for th in elements(page, '//table[@id="chart-table"]/tbody/tr/th')]
    assert len(labels) == 12
    assert all(label.startswith("KW ") for label in labels)
    assert sum(column(page, 0)) == 6  # the case of 100 days ago is older
    assert sum(column(page, 1)) == 3
    assert len(_svg(response.text).findall(".//{http://www.w3.org/2000/svg}rect")) == 24
    assert client.get("/console/dashboard?period=year").status_code == 422


def test_dashboard_shows_no_personal_data_and_no_case_numbers(client: TestClient) -> None:
    sign_in(client, "dora")
    text = client.get("/console/dashboard").text
    assert "offensichtlich unbegründet" not in text
    assert "/console/cases/" not in text
    assert "@" not in re.sub(r"<[^>]+>", "", text)


def test_an_agent_is_refused_the_dashboard(client: TestClient) -> None:
    sign_in(client, "anna")
    assert client.get("/console/dashboard").status_code == 403
    page = client.get("/console/dashboard", headers=HTML)
    assert page.status_code == 403
    assert 'href="/console/dashboard"' not in page.text


def test_an_empty_ledger_shows_dashes_not_errors(ledger: Ledger) -> None:
    add_staff(ledger)
    with TestClient(console_app(ledger), base_url="https://testserver") as fresh:
        sign_in(fresh, "dora")
        page = html.fromstring(fresh.get("/console/dashboard").text)
    assert _text(page, '//*[@id="kpi-on-time"]') == "–"
    assert _text(page, '//*[@id="kpi-median"]') == "–"
    assert elements(page, '//table[@id="by-kind"]') == []
