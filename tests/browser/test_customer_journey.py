"""Erika Muster, a customer, writes to the company through the contact form and later reads everything the
company holds about her in "Meine Daten", signing in with a code that reaches her by email — in Chromium.
"""

from __future__ import annotations

from pathlib import Path

from playwright.sync_api import expect

from tests.browser.conftest import Browsing
from tests.browser.steps import ERIKA, send_contact_form

FIVE_ANSWERS = (
    "1. Welche Daten wir über Sie speichern",
    "2. Woher Ihre Daten stammen",
    "3. Ihre Einwilligungen",
    "4. Wofür wir Ihre Daten nutzen, auf welcher Rechtsgrundlage, wie lange",
    "5. Wer Ihre Daten erhalten hat",
)
CODE = r"\b(\d{4} ?\d{4})\b"


def test_customer_writes_then_reads_her_data_with_a_code_and_downloads_the_pdf(
    browsing: Browsing, tmp_path: Path
) -> None:
    page = browsing.page()
    send_contact_form(page, browsing.live.url)

    page.goto(browsing.url("/"))
    page.get_by_role("link", name="Meine Daten").first.click()
    page.get_by_label("E-Mail-Adresse oder Telefonnummer").fill(ERIKA.email)
    page.get_by_role("button", name="Code zuschicken").click()
    expect(page.get_by_role("status")).to_contain_text("haben wir Ihnen einen Code geschickt")

    assert browsing.context.cookies() == []  # neither the form nor the sign-in set one before the code

    code = browsing.live.wait_for_mail(ERIKA.email, CODE)[1]
    page.get_by_label("Code (8 Ziffern)").fill(code)
    page.get_by_role("button", name="Anmelden").click()
    [cookie] = browsing.context.cookies()
    assert cookie["name"] == "__Host-auskunft_portal"
    assert cookie["secure"]
    assert cookie["httpOnly"]
    assert cookie["sameSite"] == "Strict"

    for answer in FIVE_ANSWERS:
        expect(page.get_by_role("heading", name=answer, exact=True)).to_be_visible()
    message = page.get_by_role("row").filter(has_text=ERIKA.message).first
    expect(message).to_be_visible()
    expect(message).to_contain_text("Kontaktformular")
    expect(page.get_by_role("row").filter(has_text=ERIKA.email).first).to_be_visible()

    with page.expect_download() as started:
        page.get_by_role("link", name="Als PDF herunterladen").click()
    download = started.value
    assert download.suggested_filename.endswith(".pdf")
    saved = tmp_path / download.suggested_filename
    download.save_as(saved)
    assert saved.read_bytes().startswith(b"%PDF")
