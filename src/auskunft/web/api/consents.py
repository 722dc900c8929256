"""Double opt-in and unsubscribing over HTTP (docs/api.md).

`POST /api/v1/consents/requests` (scope `consents:write`) starts a double opt-in and hands back the
confirmation email for the shop or form to send. The two pages under /consent are reached by the person
from an email and carry no API key: the token in the link is the proof. `GET /consent/confirm` confirms;
`POST /consent/unsubscribe` is the RFC 8058 one-click withdrawal, and its `GET` only shows a button, as
link scanners fetch every URL in a message.
"""

from __future__ import annotations

from html import escape
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, PlainTextResponse, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from auskunft.consent import doi, unsubscribe
from auskunft.errors import NotFound, TokenRefused
from auskunft.i18n import Language
from auskunft.web.api.deps import LedgerDep, scoped
from auskunft.web.apikeys import ApiKey, Scope

router = APIRouter(tags=["consents"])

_PAGE_HEADERS = {
    # the token is in the URL: no referrer may carry it elsewhere; the page loads nothing from outside
    "Referrer-Policy": "no-referrer",
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
}
_STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;"
    "line-height:1.5;color:#222}button{font-size:1rem;padding:.5rem 1rem}"
)
_REFUSED = {
    "unknown": "Dieser Bestätigungslink ist uns nicht bekannt. Bitte prüfen Sie, ob er vollständig ist.",
    "used": "Dieser Bestätigungslink wurde bereits verwendet. Ihre Einwilligung ist schon erfasst.",
    "expired": "Dieser Bestätigungslink ist abgelaufen. Bitte melden Sie sich erneut an.",
    "closed": "Diese Anmeldung wurde inzwischen widerrufen oder ist abgelaufen.",
}


def _page(title: str, body_html: str, status: int = 200) -> HTMLResponse:
    html = (
        '<!doctype html>\n<html lang="de"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head>"
        f"<body><h1>{escape(title)}</h1>{body_html}</body></html>\n"
    )
    return HTMLResponse(html, status, _PAGE_HEADERS)


def _click_evidence(request: Request) -> dict[str, Any]:
    evidence: dict[str, Any] = {"ip": request.client.host if request.client else None}
    evidence["user_agent"] = request.headers.get("user-agent")
    return {key: value for key, value in evidence.items() if value}


# -- the API: start a double opt-in ---------------------------------------------------------------
class Evidence(BaseModel):
    """How the request came in (kept as proof of consent); further fields are kept as given."""

    model_config = ConfigDict(extra="allow")

    ip: str | None = Field(None, max_length=100, description="IP address the form was sent from.")
    user_agent: str | None = Field(None, max_length=1000, description="Browser of the form.")
    form_url: str | None = Field(None, max_length=2000, description="Page of the form.")


class ConsentRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "email": "lena.beispiel@example.de",
                    "purpose": "newsletter",
                    "channel": "email",
                    "wording": "Ja, ich möchte den Newsletter per E-Mail erhalten. Abmeldung jederzeit.",
                    "wording_version": "nl-2026-01",
                    "evidence": {"ip": "203.0.113.7", "user_agent": "Mozilla/5.0", "form_url": "https://..."},
                }
            ]
        },
    )

    email: str = Field(min_length=3, max_length=320, description="Address the confirmation goes to.")
    purpose: str = Field(min_length=1, max_length=100, description="Purpose key of the register.")
    channel: str = Field(min_length=1, max_length=50, description="Channel consented to, e.g. email.")
    wording: str = Field(min_length=1, max_length=10_000, description="The consent text shown.")
    wording_version: str = Field(min_length=1, max_length=100, description="Version of the wording.")
    evidence: Evidence = Field(default_factory=Evidence)
    source: dict[str, Any] | None = Field(None, description="Where the address came from (events.md).")
    base_url: str | None = Field(
        None, max_length=2000, description="Base of the confirm link; default: website of the register."
    )
    lang: Language = Field("de", description="Language of the confirmation email.")


class ConsentRequested(BaseModel):
    to: str
    subject: str
    text: str
    confirm_link: str
    requested_at: AwareDatetime
    expires_at: AwareDatetime
    event_id: str


@router.post(
    "/api/v1/consents/requests",
    status_code=201,
    summary="Start a double opt-in",
    response_model=ConsentRequested,
)
def request_consent(
    key: Annotated[ApiKey, scoped(Scope.CONSENTS_WRITE)], ledger: LedgerDep, body: ConsentRequest
) -> ConsentRequested:
    """Records the request (nothing is granted yet) and returns the confirmation email to send.
    Scope `consents:write`."""
    pending = doi.request(
        ledger,
        {"email": body.email},
        body.purpose,
        body.channel,
        body.wording,
        body.wording_version,
        {**body.evidence.model_dump(exclude_none=True), "requested_by": key.actor},
        body.source,
        base_url=body.base_url,
        lang=body.lang,
    )
    text = pending.message.get_content()
    return ConsentRequested(
        to=body.email,
        subject=str(pending.message["Subject"]),
        text=str(text),
        confirm_link=pending.link,
        requested_at=pending.requested_at,
        expires_at=pending.expires_at,
        event_id=pending.event_id,
    )


# -- the person's pages: confirm and unsubscribe --------------------------------------------------
Token = Annotated[str, Query(max_length=1000, description="The token from the link.")]


@router.get(
    doi.CONFIRM_PATH, summary="Confirm a double opt-in (link in the email)", response_class=HTMLResponse
)
def confirm(request: Request, ledger: LedgerDep, token: Token = "") -> HTMLResponse:
    """No API key: the token is the proof. An HTML page; 400 for unknown, used or expired links."""
    try:
        if not token:
            raise TokenRefused("unknown", "no token")
        doi.confirm(ledger, token, _click_evidence(request))
    except TokenRefused as refused:
        text = _REFUSED.get(refused.reason, _REFUSED["unknown"])
        return _page("Bestätigung nicht möglich", f"<p>{escape(text)}</p>", 400)
    return _page(
        "Vielen Dank – Ihre Anmeldung ist bestätigt",
        "<p>Ihre Einwilligung ist erfasst. Sie können sie jederzeit widerrufen, "
        "zum Beispiel über den Abmeldelink in jeder unserer E-Mails.</p>",
    )


def _forged() -> HTMLResponse:
    return _page(
        "Abmeldung nicht möglich",
        "<p>Dieser Abmeldelink ist ungültig (unvollständig oder verändert). "
        "Bitte verwenden Sie den Link aus einer unserer E-Mails oder antworten Sie einfach auf eine "
        "davon mit der Bitte um Abmeldung.</p>",
        400,
    )


@router.get(
    unsubscribe.UNSUBSCRIBE_PATH, summary="Unsubscribe: the confirmation page", response_class=HTMLResponse
)
def unsubscribe_page(ledger: LedgerDep, token: Token = "") -> HTMLResponse:
    """Shows a button that posts the one-click form; a GET never unsubscribes (link scanners)."""
    try:
        unsubscribe.read_token(ledger, token)
    except TokenRefused:
        return _forged()
    action = escape(f"{unsubscribe.UNSUBSCRIBE_PATH}?token={quote(token, safe='')}")
    return _page(
        "Abmelden",
        "<p>Möchten Sie keine weiteren Nachrichten dieser Art von uns erhalten? "
        "Ein Klick genügt, die Abmeldung gilt sofort.</p>"
        f'<form method="post" action="{action}">'
        '<input type="hidden" name="List-Unsubscribe" value="One-Click">'
        '<button type="submit">Jetzt abmelden</button></form>',
    )


@router.post(
    unsubscribe.UNSUBSCRIBE_PATH,
    summary="Unsubscribe: RFC 8058 one-click",
    response_class=PlainTextResponse,
)
def unsubscribe_one_click(request: Request, ledger: LedgerDep, token: Token = "") -> Response:
    """The withdrawal takes effect at once (`via` unsubscribe_link). 400 for a forged link."""
    accept = request.headers.get("accept", "")
    try:
        unsubscribe.withdraw_by_token(ledger, token, "unsubscribe_link", evidence=_click_evidence(request))
    except TokenRefused:
        if "text/html" in accept:
            return _forged()
        return PlainTextResponse("invalid unsubscribe link\n", 400, headers=_PAGE_HEADERS)
    except NotFound:
        pass  # the address is no longer stored: nothing will be sent to it
    if "text/html" in accept:
        return _page("Sie sind abgemeldet", "<p>Ihre Abmeldung ist erfasst und gilt ab sofort.</p>")
    return PlainTextResponse("unsubscribed\n", 200, headers=_PAGE_HEADERS)
