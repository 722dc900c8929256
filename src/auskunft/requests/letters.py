"""The messages a request case sends: acknowledgement, identity code, extension notice, refusal, answer.

None of them reveals whether we hold data about anyone before the identity is checked, none asks for a copy
of an identity document, and none carries advertising.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from babel.dates import format_date

from auskunft.i18n import translations
from auskunft.requests.kinds import RequestKind


@dataclass(frozen=True, slots=True)
class Letter:
    subject: str
    body: str


def _kind_label(kind: RequestKind, lang: str) -> str:
    tr = translations(lang).gettext
    labels = {
        RequestKind.ACCESS: tr("request for access (Art. 15 GDPR)"),
        RequestKind.ERASURE: tr("request for erasure (Art. 17 GDPR)"),
        RequestKind.RECTIFICATION: tr("request for rectification (Art. 16 GDPR)"),
        RequestKind.RESTRICTION: tr("request for restriction of processing (Art. 18 GDPR)"),
        RequestKind.PORTABILITY: tr("request for data portability (Art. 20 GDPR)"),
        RequestKind.OBJECTION: tr("objection (Art. 21 GDPR)"),
        RequestKind.WITHDRAWAL: tr("withdrawal of consent (Art. 7(3) GDPR)"),
        RequestKind.REMINDER: tr("reminder of your request"),
        RequestKind.COMPLAINT: tr("message about your request"),
    }
    return labels[kind]


def kind_label(kind: RequestKind, lang: str) -> str:
    return _kind_label(kind, lang)


def _day(day: date, lang: str) -> str:
    return format_date(day, format="dd.MM.yyyy" if lang == "de" else "d MMMM yyyy", locale=lang)


def _reference_line(case_number: str, their_reference: str | None, lang: str) -> str:
    tr = translations(lang).gettext
    line = tr("Our reference: {case}").format(case=case_number)
    if their_reference:
        line += "; " + tr("your reference: {reference}").format(reference=their_reference)
    return line


def _closing(company: str, lang: str) -> list[str]:
    tr = translations(lang).gettext
    return ["", tr("Kind regards"), "", company]


def acknowledgement(
    kind: RequestKind,
    received_on: date,
    due_on: date,
    case_number: str,
    their_reference: str | None,
    company: str,
    lang: str,
) -> Letter:
    tr = translations(lang).gettext
    label = _kind_label(kind, lang)
    lines = [
        tr("Hello,"),
        "",
        tr("we received your {request} on {received}.").format(
            request=label, received=_day(received_on, lang)
        ),
        tr("We will answer it without undue delay and at the latest by {due}.").format(
            due=_day(due_on, lang)
        ),
        "",
        tr(
            "To make sure that personal data go only to the person they belong to, we will first check that "
            "the request comes from you. If we need anything for that, we will write to you separately; we "
            "do not ask for a copy of your identity card."
        ),
        "",
        _reference_line(case_number, their_reference, lang),
        *_closing(company, lang),
    ]
    return Letter(tr("Your {request}: received").format(request=label), "\n".join(lines) + "\n")


def identity_code(code: str, valid_days: int, case_number: str, company: str, lang: str) -> Letter:
    tr = translations(lang).gettext
    lines = [
        tr("Hello,"),
        "",
        tr(
            "we received a data-protection request in your name. Before we act on it, please confirm that it "
            "comes from you by telling us this code (reply to this message, enter it in our portal, or tell "
            "it to our customer service):"
        ),
        "",
        f"    {code}",
        "",
        tr("The code is valid for {days} days.").format(days=valid_days),
        tr(
            "If you did not make this request, please ignore this message: without the code nobody receives "
            "your data."
        ),
        "",
        _reference_line(case_number, None, lang),
        *_closing(company, lang),
    ]
    return Letter(tr("Please confirm your data-protection request"), "\n".join(lines) + "\n")


def extension_notice(
    kind: RequestKind,
    months: int,
    due_on: date,
    reason: str,
    case_number: str,
    their_reference: str | None,
    company: str,
    lang: str,
) -> Letter:
    tr = translations(lang).gettext
    lines = [
        tr("Hello,"),
        "",
        tr(
            "we need more time to answer your {request}: the deadline is extended by {months} month(s) to "
            "{due} (Art. 12(3) GDPR)."
        ).format(request=_kind_label(kind, lang), months=months, due=_day(due_on, lang)),
        tr("The reason: {reason}").format(reason=reason),
        "",
        _reference_line(case_number, their_reference, lang),
        *_closing(company, lang),
    ]
    return Letter(
        tr("Your {request}: more time needed").format(request=_kind_label(kind, lang)),
        "\n".join(lines) + "\n",
    )


def refusal(
    kind: RequestKind,
    reason: str,
    case_number: str,
    their_reference: str | None,
    company: str,
    authority: str | None,
    lang: str,
) -> Letter:
    tr = translations(lang).gettext
    lines = [
        tr("Hello,"),
        "",
        tr("we cannot act on your {request}.").format(request=_kind_label(kind, lang)),
        tr("The reason: {reason}").format(reason=reason),
        "",
        tr(
            "You have the right to lodge a complaint with a supervisory authority and to seek a judicial "
            "remedy (Art. 12(4) GDPR)."
        ),
    ]
    if authority:
        lines.append(tr("The authority responsible for us: {authority}").format(authority=authority))
    lines += ["", _reference_line(case_number, their_reference, lang), *_closing(company, lang)]
    return Letter(tr("Your {request}").format(request=_kind_label(kind, lang)), "\n".join(lines) + "\n")


def answer_cover(case_number: str, their_reference: str | None, company: str, lang: str) -> Letter:
    tr = translations(lang).gettext
    lines = [
        tr("Hello,"),
        "",
        tr(
            "please find attached our answer to your request for access (Art. 15 GDPR): the data we hold "
            "about you, where they come from, what we use them for, on which legal basis and for how long, "
            "and to whom we passed them on. The JSON file holds the same in a machine-readable form."
        ),
        "",
        _reference_line(case_number, their_reference, lang),
        *_closing(company, lang),
    ]
    return Letter(tr("Your request for access (Art. 15 GDPR): our answer"), "\n".join(lines) + "\n")


def case_number(case_id: int, received_on: date) -> str:
    """The reference the requester quotes: "DSR-2026-000042"."""
    return f"DSR-{received_on.year}-{case_id:06d}"
