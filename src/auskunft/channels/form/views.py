"""The contact form's routes: `GET /kontakt` shows it, `POST /kontakt` sends it (German; `?lang=en`).

Thin: the request is read here, `FormChannel.submit` decides, a template answers. No cookie is set and
nothing is loaded from a third party. The form is anonymous, so cross-site posts are refused by the signed
token (only we can make one) and the Origin header (when the browser sends one, it must be ours).

When the help pages are installed (`app.state.faq_suggestions`, knowledge/web/suggestions.py) the page
loads their script, which suggests FAQ answers while the message is typed; a form sent after a suggestion
was marked helpful carries its id (`faq_helpful`) and is counted, anonymously, per entry and day.
"""

from __future__ import annotations

from typing import Annotated, Any
from urllib.parse import urlsplit

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from auskunft.channels.form import notice as notices
from auskunft.channels.form import pages
from auskunft.channels.form.channel import PATH, Client, FormChannel, Outcome
from auskunft.channels.form.config import Kind
from auskunft.channels.form.submission import Submission
from auskunft.conversations import queues
from auskunft.errors import AuskunftError, NotFound
from auskunft.i18n import Language, language, translations
from auskunft.knowledge.faq import feedback
from auskunft.knowledge.faq import store as faq_store
from auskunft.register.store import RegisterView

MAX_BODY = 64 * 1024
"""The largest form body read: the message field alone is limited to 10,000 characters."""
HELPFUL = "faq_helpful"
"""Ids of suggested FAQ entries marked helpful before sending (added by the suggestions' script)."""

Lang = Annotated[str | None, Query(max_length=5, description="de (default) or en")]


def router(channel: FormChannel) -> APIRouter:
    routes = APIRouter(tags=["contact form"], include_in_schema=False)

    @routes.get(PATH, name="contact_form")
    def show(request: Request, lang: Lang = None) -> Response:
        return _form(channel, language(lang), Submission({}, False), suggestions=_suggestions(request))

    @routes.post(PATH)
    async def send(request: Request, lang: Lang = None) -> Response:
        chosen = language(lang)
        if not _same_origin(request, channel):
            channel.spam.count("cross_origin")
            return _neutral(channel, chosen, 403)
        if int(request.headers.get("content-length") or 0) > MAX_BODY:
            return _neutral(channel, chosen, 413)
        form = await request.form(max_files=0, max_fields=100, max_part_size=MAX_BODY)
        posted = {key: value for key, value in form.items() if isinstance(value, str)}
        client = Client(request.client.host if request.client else None, request.headers.get("user-agent"))
        outcome = await run_in_threadpool(channel.submit, posted, client, chosen)
        if outcome.kind == "sent" and outcome.received and not outcome.received.duplicate:
            await run_in_threadpool(_sent_after_helpful, channel, posted.get(HELPFUL, ""))
        return _result(channel, chosen, outcome, _suggestions(request))

    @routes.get(pages.CSS_PATH)
    def stylesheet() -> Response:
        return pages.css_response()

    return routes


def _same_origin(request: Request, channel: FormChannel) -> bool:
    origin = request.headers.get("origin")
    if origin is None:
        return True  # not a browser's cross-site post (those carry Origin); the token still has to be ours
    own = {f"{request.url.scheme}://{request.url.netloc}"}
    if channel.config.public_url:
        parts = urlsplit(channel.config.public_url)
        own.add(f"{parts.scheme}://{parts.netloc}")
    return origin in own


def _suggestions(request: Request) -> Any:
    """The FAQ suggestions of the help pages, when they are installed (else None)."""
    return getattr(request.app.state, "faq_suggestions", None)


def _sent_after_helpful(channel: FormChannel, value: str) -> None:
    """Count the form as sent although the suggestions `value` ("12,15") had been marked helpful."""
    ids = [int(part) for part in value.split(",")[:3] if part.strip().isdigit() and len(part.strip()) < 10]
    if not ids:
        return
    with channel.ledger.engine.begin() as connection:
        for entry_id in dict.fromkeys(ids):
            try:
                if faq_store.get(connection, entry_id).published:
                    feedback.submitted_after_helpful(connection, entry_id)
            except NotFound:
                continue


def _register(channel: FormChannel) -> RegisterView:
    with channel.ledger.engine.connect() as connection:
        return channel.ledger.register(connection)


def _common(register: RegisterView, lang: Language) -> dict[str, str]:
    controller = register.controller
    return {
        "company": controller.name if controller else "",
        "contact": controller.email if controller else "",
        "back": f"{PATH}?lang={lang}",
        "current": "contact",
    }


def _form(
    channel: FormChannel,
    lang: Language,
    submission: Submission,
    *,
    status: int = 200,
    expired: bool = False,
    suggestions: Any = None,
) -> Response:
    config = channel.config
    register = _register(channel)
    consent = config.marketing_consent
    notice = notices.notice(
        register, config.purpose, lang, consent_activity=consent.purpose if consent else None
    )
    return pages.page(
        pages.environment(lang),
        "form.html.j2",
        lang,
        status,
        headers=pages.SCRIPT_HEADERS if suggestions else pages.PAGE_HEADERS,
        suggestions=suggestions,
        suggestion_texts=suggestions.texts(lang) if suggestions else "",
        title=config.title.get(lang),
        intro=config.intro.get(lang) if config.intro else None,
        fields=config.fields,
        topics=config.topics,
        values=submission.values,
        errors=submission.errors,
        consent=consent,
        consent_checked=submission.consent,
        token=channel.token.issue(),
        action=f"{PATH}?lang={lang}",
        notice=notice,
        expired=expired,
        **_common(register, lang),
    )


def _neutral(channel: FormChannel, lang: Language, status: int = 200) -> Response:
    tr = translations(lang).gettext
    common = _common(_register(channel), lang)
    title = tr("Thank you for your message")
    return pages.render("done.html.j2", lang, status, title=title, reference=None, **common)


def _result(channel: FormChannel, lang: Language, outcome: Outcome, suggestions: Any = None) -> Response:
    tr = translations(lang).gettext
    if outcome.kind == "spam":
        return _neutral(channel, lang)
    if outcome.kind == "limited":
        common = _common(_register(channel), lang)
        return pages.render("limited.html.j2", lang, 429, title=tr("Please try again later"), **common)
    assert outcome.submission is not None
    if outcome.kind in ("invalid", "expired"):
        status = 422 if outcome.kind == "invalid" else 200
        expired = outcome.kind == "expired"
        submission = outcome.submission
        return _form(channel, lang, submission, status=status, expired=expired, suggestions=suggestions)
    received = outcome.received
    assert received is not None
    queue_key = _queue_key(channel, outcome.submission)
    try:
        with channel.ledger.engine.connect() as connection:
            queue = queues.by_key(connection, queue_key).label(lang)
    except AuskunftError:
        queue = queue_key
    email_field = channel.config.field(Kind.EMAIL)
    common = _common(_register(channel), lang)
    return pages.render(
        "done.html.j2",
        lang,
        title=tr("Thank you for your message"),
        reference=reference(received.conversation_id),
        queue=queue,
        email=bool(email_field and outcome.submission.values.get(email_field.key)),
        case=received.case_id,
        consent_requested=outcome.consent_requested,
        confirmation_sent=outcome.confirmation_sent,
        **common,
    )


def _queue_key(channel: FormChannel, submission: Submission) -> str:
    topic_field = channel.config.field(Kind.TOPIC)
    topic = channel.config.topic(submission.values.get(topic_field.key, "")) if topic_field else None
    return topic.queue if topic else channel.config.default_queue


def reference(conversation_id: int) -> str:
    """The number a customer quotes: the conversation's."""
    return f"K-{conversation_id:06d}"
