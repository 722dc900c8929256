"""What the personas do in the browser, step by step, as a person would: by labels, buttons and links."""

from __future__ import annotations

import re
import time
from dataclasses import dataclass

from playwright.sync_api import Page, expect

FILL_SECONDS = 3.5
"""Longer than the contact form's minimum fill time (spam.min_seconds, 3 s in the demo form)."""


REFERENCE_LINE = re.compile(r"Ihre Vorgangsnummer:\s*(K-\d+)")


@dataclass(frozen=True)
class Enquiry:
    name: str
    email: str
    topic: str
    message: str


ERIKA = Enquiry(
    name="Erika Muster",
    email="erika.muster@example.de",
    topic="Technische Frage zu einem Gerät",
    message="Mein Wasserkocher schaltet nicht mehr ab, wenn das Wasser kocht. Was kann ich tun?",
)


def send_contact_form(page: Page, base: str, enquiry: Enquiry = ERIKA) -> str:
    """Fill in the contact form like a person — the message typed key by key — and send it; returns the
    reference number the thank-you page shows. Ticks nothing."""
    page.goto(f"{base}/kontakt")
    shown = time.monotonic()
    page.get_by_role("textbox", name="Name", exact=True).fill(enquiry.name)
    page.get_by_role("textbox", name="E-Mail-Adresse", exact=True).fill(enquiry.email)
    page.get_by_role("combobox", name="Thema").select_option(label=enquiry.topic)
    page.get_by_role("textbox", name="Ihre Nachricht").press_sequentially(enquiry.message, delay=10)
    time.sleep(max(0.0, FILL_SECONDS - (time.monotonic() - shown)))  # still reading it over
    page.get_by_role("button", name="Nachricht senden").click()
    return reference_on(page)


def reference_on(page: Page) -> str:
    """The reference number on the form's thank-you page (a spam verdict shows none)."""
    line = page.get_by_text("Ihre Vorgangsnummer")
    expect(line).to_have_text(REFERENCE_LINE)
    found = REFERENCE_LINE.search(line.inner_text())
    assert found is not None
    return found[1]
