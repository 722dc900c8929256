"""Keyboard only, and every field named: Anna signs in to the console and Erika sends the contact form
with Tab, typing and Enter; a screen reader finds every form field by its label."""

from __future__ import annotations

import re

from playwright.sync_api import Locator, Page, expect

from auskunft.web.auth.users import Role
from tests.browser.conftest import Browsing, staff
from tests.browser.steps import ERIKA, FILL_SECONDS, reference_on

NAMED = re.compile(r"\S")
CONTACT_FIELDS = (
    "Name",
    "E-Mail-Adresse",
    "Telefonnummer (freiwillig)",
    "Bestellnummer (freiwillig)",
    "Thema",
    "Ihre Nachricht",
    "Ja, ich möchte den Newsletter",
)


def tab_to(page: Page, target: Locator, presses: int = 40) -> int:
    """Press Tab until `target` has the focus; returns how many presses it took."""
    for count in range(1, presses + 1):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return count
    raise AssertionError(f"Tab never reached {target}")


def fields_of(page: Page) -> list[Locator]:
    """The fields a person can see on the page."""
    return page.locator("input:not([type=hidden]), select, textarea").filter(visible=True).all()


def test_agent_signs_in_with_the_keyboard_only(browsing: Browsing) -> None:
    anna = staff(Role.AGENT)
    page = browsing.page()
    page.goto(browsing.url("/console/login"))
    login = page.get_by_label("Anmeldename")
    expect(login).to_be_focused()
    page.keyboard.type(anna.login)
    page.keyboard.press("Tab")
    expect(page.get_by_label("Passwort")).to_be_focused()
    page.keyboard.type(anna.password)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Posteingang")).to_be_visible()
    expect(page.get_by_text("Anna Agentin")).to_be_visible()


def test_customer_sends_the_contact_form_with_the_keyboard_only(browsing: Browsing) -> None:
    page = browsing.page()
    page.goto(browsing.url("/kontakt"))
    shown = page.evaluate("performance.now()")
    tab_to(page, page.get_by_role("textbox", name="Name", exact=True))
    page.keyboard.type(ERIKA.name)
    for label, typed in (
        ("E-Mail-Adresse", ERIKA.email),
        ("Telefonnummer (freiwillig)", ""),
        ("Bestellnummer (freiwillig)", "B-2026-0042"),
    ):
        page.keyboard.press("Tab")
        expect(page.get_by_role("textbox", name=label)).to_be_focused()
        page.keyboard.type(typed)
    page.keyboard.press("Tab")
    topic = page.get_by_role("combobox", name="Thema")
    expect(topic).to_be_focused()
    page.keyboard.type("Tech")  # typing selects the option that starts so
    expect(topic).to_have_value("technik")
    page.keyboard.press("Tab")
    expect(page.get_by_role("textbox", name="Ihre Nachricht")).to_be_focused()
    page.keyboard.type(ERIKA.message, delay=10)
    waited = (page.evaluate("performance.now()") - shown) / 1000
    page.wait_for_timeout(max(0.0, FILL_SECONDS - waited) * 1000)

    send = page.get_by_role("button", name="Nachricht senden")
    tab_to(page, send)
    expect(page.get_by_role("checkbox")).not_to_be_checked()
    page.keyboard.press("Enter")
    assert reference_on(page).startswith("K-")


def test_every_form_field_has_an_accessible_name(browsing: Browsing) -> None:
    page = browsing.page()
    page.goto(browsing.url("/kontakt"))
    for label in CONTACT_FIELDS:
        expect(page.get_by_label(label)).to_have_count(1)
    named = 0
    for path in ("/", "/kontakt", "/hilfe", "/meine-daten", "/chat", "/console/login"):
        page.goto(browsing.url(path))
        if path == "/chat":
            page.get_by_role("button", name="Chat starten").click()
            page.get_by_role("button", name="Chat beginnen").click()
            expect(page.get_by_role("heading", name="Gespräch")).to_be_visible()
        for field in fields_of(page):
            expect(field).to_have_accessible_name(NAMED)
            named += 1
    assert named >= 12  # the loop looked at real forms
