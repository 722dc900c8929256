"""The agents' console in Chromium: agent Anna works on Erika's enquiry from the contact form, DPO Dora
exports the register of processing activities, and an outsider and Anna try pages that are not theirs.

Personas: Erika Muster (customer), the demo company's agent Anna Agentin, DPO Dr. Dora Datenschutz and an
outsider without an account.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Download, Page, expect

from auskunft.web.auth.users import Role
from tests.browser.conftest import Browsing, staff
from tests.browser.steps import ERIKA, send_contact_form
from tests.conftest import ERIKA_EVENTS

ANNA = staff(Role.AGENT)
DORA = staff(Role.DPO)


def saved(download: Download, folder: Path) -> bytes:
    path = folder / download.suggested_filename
    download.save_as(path)
    return path.read_bytes()


def test_agent_opens_the_enquiry_the_customer_view_and_makes_the_art15_letter(
    browsing: Browsing, tmp_path: Path
) -> None:
    reference = send_contact_form(browsing.page(), browsing.live.url)
    page = browsing.page()
    browsing.log_in(page, ANNA)

    expect(page.get_by_role("heading", name="Posteingang")).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Kontaktformular")
    expect(row).to_have_count(1)
    row.get_by_role("link").last.click()

    expect(page.get_by_text(ERIKA.message)).to_be_visible()
    page.get_by_role("link", name="Kundenansicht öffnen").click()
    if page.get_by_role("heading", name="Warum öffnen Sie die Daten?").is_visible():
        page.get_by_label("Grund").fill(f"Anfrage {reference} aus dem Kontaktformular")
        page.get_by_role("button", name="Daten anzeigen").click()

    expect(page.get_by_role("heading", name=ERIKA.name, exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="Datenfluss")).to_be_visible()
    expect(page.get_by_text("Geöffnet wegen:")).to_be_visible()
    expect(page.get_by_role("row").filter(has_text=ERIKA.message).first).to_contain_text("Kontaktformular")
    expect(page.locator("svg").filter(has_text="Kontaktformular").first).to_be_visible()

    with page.expect_download() as started:
        page.get_by_role("button", name="Auskunftsschreiben nach Art. 15 (PDF)").click()
    download = started.value
    assert download.suggested_filename.endswith(".pdf")
    assert saved(download, tmp_path).startswith(b"%PDF")


def test_dpo_exports_the_register_as_csv_and_pdf(browsing: Browsing, tmp_path: Path) -> None:
    page = browsing.page()
    browsing.log_in(page, DORA)
    page.get_by_role("navigation").get_by_role("link", name="Verzeichnis").click()
    expect(page.get_by_role("heading", name="Verzeichnis von Verarbeitungstätigkeiten")).to_be_visible()

    with page.expect_download() as started:
        page.get_by_role("link", name="Tätigkeiten als CSV (Excel)").click()
    assert started.value.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(saved(started.value, tmp_path).decode("utf-8-sig")), delimiter=";"))
    assert len(rows) > 2
    assert any("Kundenservice" in cell for row in rows for cell in row)

    with page.expect_download() as started:
        page.get_by_role("link", name="Verzeichnis nach Art. 30 als PDF (deutsch)").click()
    assert started.value.suggested_filename.endswith(".pdf")
    assert saved(started.value, tmp_path).startswith(b"%PDF")


AGENT_PAGES = ("/console/inbox", "/console/subjects/1", "/console/cases")
DPO_PAGES = (
    "/console/dashboard",
    "/console/register",
    "/console/register.csv",
    "/console/register.pdf",
    "/console/audit",
)
ADMIN_PAGES = ("/console/users",)
CONSOLE_PAGES = AGENT_PAGES + DPO_PAGES + ADMIN_PAGES


def test_outsider_is_sent_to_the_login_page_and_sees_no_data(browsing: Browsing) -> None:
    assert browsing.live.ledger.ingest_lines(ERIKA_EVENTS.splitlines()).ok
    page = browsing.page()
    for path in CONSOLE_PAGES:
        page.goto(browsing.url(path))
        expect(page).to_have_url(browsing.url(f"/console/login?next={quote(path, safe='')}"))
        expect(page.get_by_role("heading", name="Anmeldung zur Konsole")).to_be_visible()
        shown = page.locator("body").inner_text()
        assert "Erika" not in shown
        assert "Muster" not in shown
    assert browsing.context.cookies() == []


def refused(page: Page, url: str) -> None:
    response = page.goto(url)
    assert response is not None
    assert response.status == 403
    expect(page.get_by_role("heading", name="Nicht erlaubt")).to_be_visible()
    expect(page.get_by_text("Ihre Rolle erlaubt diese Seite oder Aktion nicht.")).to_be_visible()


def test_agent_is_refused_the_dpo_and_admin_pages(browsing: Browsing) -> None:
    page = browsing.page()
    browsing.log_in(page, ANNA)
    nav = page.get_by_role("navigation").first
    for hidden in ("Dashboard", "Verzeichnis", "Protokoll", "Benutzer"):
        expect(nav.get_by_role("link", name=hidden, exact=True)).to_have_count(0)
    for path in DPO_PAGES + ADMIN_PAGES:
        refused(page, browsing.url(path))
