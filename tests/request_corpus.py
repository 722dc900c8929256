"""The messages request recognition is measured on (tests/test_request_recognition.py, bench/recognition.py).

Positives: the ten request e-mails and eight sample letters of ../shared/requests, the datenanfragen.de
templates rendered with invented values (every optional passage in, and every one out), the follow-up
letters of the datenanfragen "reactor" (reminders and complaints about an earlier request), and the
requests we wrote by hand in tests/data/messages/positive/<kind>/. Negatives: the ordinary customer-service
messages in tests/data/messages/negative/ (written by us). tests/data/messages/holdout/ holds messages written
after the rules were first frozen; the benchmark reports them separately (docs/benchmarks.md).

Template syntax: `[flag>text]` an optional passage, `[not:flag>text]` its opposite, `[has:var>text]` a
passage shown when `var` has a value, `[optional: text]` an optional passage, `{var}` a value; a `{...}`
holding words is an instruction to the writer and is replaced by an invented sentence. An opener without
its closing bracket (upstream, in de/erasure-katholische-kirche.txt) is dropped and its text kept.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from auskunft.requests.kinds import RequestKind
from auskunft.requests.message_text import from_file

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "requests"
MESSAGES = Path(__file__).parent / "data" / "messages"

REQUEST_DATE = date(2026, 1, 12)
IDENTITY = {
    "name": "Erika Beispiel",
    "birth_date": "14.02.1985",
    "address": "Beispielweg 7\n12345 Beispielstadt",
    "email": "erika.beispiel@example.de",
    "customer_number": "K-4711",
}
_ID_DATA = {
    "de": "Name: Erika Beispiel\nGeburtsdatum: 14.02.1985\nAdresse: Beispielweg 7\n12345 Beispielstadt\n"
    "E-Mail-Adresse: erika.beispiel@example.de\nKundennummer: K-4711",
    "en": "Name: Erika Beispiel\nDate of birth: 14.02.1985\nAddress: Beispielweg 7\n12345 Beispielstadt\n"
    "Email address: erika.beispiel@example.de\nCustomer number: K-4711",
}
_VALUES = {
    "de": {
        "runs_list": "Beispiel-Shop, Beispiel-App",
        "erasure_data": "Telefonnummer: +49 30 1234567\nAlte Lieferadresse: Altweg 1, 12345 Beispielstadt",
        "rectification_data": "Nachname: Beispiel (statt Beispil)\nAdresse: Neuer Weg 2, 12345 Beispielstadt",
        "objection_reason": "Ich bin mit der Weitergabe meiner Daten an Werbepartner nicht einverstanden.",
        "request_date": "12.01.2026",
        "response_date": "20.01.2026",
        "request_article": "15",
        "Artikel": "17",
        "request_recipient_address": "Beispiel GmbH\nBeispielstraße 1\n12345 Beispielstadt",
        "medium": "Post",
        "response_language": "Englisch",
        "request_language": "Deutsch",
        "reasoning": "Ich bin seit Jahren Kundin und habe mein Kundenkonto angegeben.",
        "wrong_contact_reasoning": "Die Adresse steht in Ihrem Impressum.",
        "correspondence_list": "12.01.2026: meine Anfrage; 20.01.2026: Antwort der Verantwortlichen",
        "contact_details": "E-Mail: erika.beispiel@example.de",
    },
    "en": {
        "runs_list": "Beispiel Shop, Beispiel App",
        "erasure_data": "Phone number: +49 30 1234567\nOld delivery address: Altweg 1, 12345 Beispielstadt",
        "rectification_data": "Last name: Beispiel (was Beispil)\nAddress: Neuer Weg 2, 12345 Beispielstadt",
        "objection_reason": "I do not agree with my data being passed on to advertising partners.",
        "request_date": "12 January 2026",
        "response_date": "20 January 2026",
        "request_article": "15",
        "medium": "post",
        "response_language": "German",
        "request_language": "English",
        "reasoning": "I have been a customer for years and gave my account name.",
        "wrong_contact_reasoning": "The address is given in your imprint.",
        "correspondence_list": "12 January 2026: my request; 20 January 2026: the controller's answer",
        "contact_details": "Email: erika.beispiel@example.de",
    },
}
_INSTRUCTION = {
    "de": (
        "Leider erhielt ich bisher keine Antwort von Ihnen.",
        "per E-Mail unter erika.beispiel@example.de",
    ),
    "en": ("Unfortunately, I have not received an answer so far.", "by email at erika.beispiel@example.de"),
}
_TEMPLATE_KINDS = {
    "access": RequestKind.ACCESS,
    "erasure": RequestKind.ERASURE,
    "rectification": RequestKind.RECTIFICATION,
    "objection": RequestKind.OBJECTION,
    "admonition": RequestKind.REMINDER,
    "complaint": RequestKind.COMPLAINT,
}
REACTOR_ISSUES = (
    "additional-id",
    "id-copy",
    "wrong-medium",
    "signature",
    "other-language",
    "excessive",
    "overdue",
)

_PASSAGE = re.compile(r"\[(not:|has:)?([A-Za-z_]+)>([^\[\]]*)\]")
_OPTIONAL = re.compile(r"\[optional:\s*([^\[\]]*)\]")
_VALUE = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True, slots=True)
class Sample:
    name: str
    source: str
    """letter, sample, template, reactor, handwritten or negative."""
    kind: RequestKind | None
    language: str
    subject: str | None
    text: str
    include: bool | None = None
    """For rendered templates: optional passages in (True) or out (False)."""


def render(template: str, values: Mapping[str, str], include: bool, language: str) -> str:
    """Fill a datenanfragen template: optional passages in or out, values and instructions filled in."""
    text = re.sub(r"</?(italic|bold)>", "", template)
    while True:
        done = _PASSAGE.sub(lambda m: _passage(m, values, include), text)
        done = _OPTIONAL.sub(lambda m: m[1] if include else "", done)
        if done == text:
            break
        text = done
    text = re.sub(r"\[(not:|has:)?[A-Za-z_]+>", "", text)
    return _VALUE.sub(lambda m: _value(m[1], values, language), text)


def _passage(m: re.Match[str], values: Mapping[str, str], include: bool) -> str:
    prefix, flag, body = m[1], m[2], m[3]
    if prefix == "has:":
        shown = bool(values.get(flag))
    elif prefix == "not:":
        shown = not include
    else:
        shown = include or (flag == "has_fields" and bool(values.get("id_data")))
    return body if shown else ""


def _value(name: str, values: Mapping[str, str], language: str) -> str:
    if name in values:
        return values[name]
    problem, contact = _INSTRUCTION[language]
    return contact if name.lower().startswith(("angabe", "description of way")) else problem


def template_kind(name: str) -> RequestKind:
    return _TEMPLATE_KINDS[name.split("-")[0].removesuffix(".txt")]


def letters() -> Iterator[Sample]:
    for path in sorted((SHARED / "letters").glob("*.eml.txt")):
        message = from_file(path.name, path.read_bytes())
        _, lang, kind = path.name.removesuffix(".eml.txt").split("-")
        yield Sample(f"letters/{path.name}", "letter", RequestKind(kind), lang, message.subject, message.text)


def samples() -> Iterator[Sample]:
    for path in sorted((SHARED / "samples").glob("*.txt")):
        name = path.name
        lang = "de" if name.startswith("musterschreiben") else "en"
        word = re.search(
            r"(auskunft|berichtigung|loeschung|werbewiderspruch|access|erasure|objection|rectif)", name
        )
        assert word is not None
        kind = {
            "auskunft": RequestKind.ACCESS,
            "access": RequestKind.ACCESS,
            "loeschung": RequestKind.ERASURE,
            "erasure": RequestKind.ERASURE,
            "berichtigung": RequestKind.RECTIFICATION,
            "rectif": RequestKind.RECTIFICATION,
            "werbewiderspruch": RequestKind.OBJECTION,
            "objection": RequestKind.OBJECTION,
        }[word[1]]
        yield Sample(f"samples/{name}", "sample", kind, lang, None, path.read_text("utf-8"))


def template_values(language: str, include: bool) -> dict[str, str]:
    values = dict(_VALUES[language])
    values["id_data"] = _ID_DATA[language] if include else ""
    return values


def templates() -> Iterator[Sample]:
    for lang in ("de", "en"):
        for path in sorted((SHARED / "templates" / lang).glob("*.txt")):
            source = path.read_text("utf-8")
            for include in (True, False):
                text = render(source, template_values(lang, include), include, lang)
                tag = "all" if include else "none"
                yield Sample(
                    f"templates/{lang}/{path.stem}[{tag}]",
                    "template",
                    template_kind(path.name),
                    lang,
                    None,
                    text,
                    include,
                )


def reactor_parts() -> dict[str, dict[str, str]]:
    """The reactor's template strings by language and key ('base::admonition', 'overdue::admonition', ...)."""
    source = (SHARED / "reactor-templates.ts.txt").read_text("utf-8")
    parts: dict[str, dict[str, str]] = {}
    for block in re.finditer(r"^    (de|en): \{\n(.*?)^    \},", source, re.MULTILINE | re.DOTALL):
        parts[block[1]] = {m[1]: m[2] for m in re.finditer(r"'([^']+)': `([^`]*)`", block[2])}
    return parts


def reactor() -> Iterator[Sample]:
    parts = reactor_parts()
    for lang, part in parts.items():
        for include in (True, False):
            values = template_values(lang, include)
            values["additional_data_list"] = _ID_DATA[lang] if include else ""
            tag = "all" if include else "none"
            yield Sample(
                f"reactor/{lang}/base-admonition[{tag}]",
                "reactor",
                RequestKind.REMINDER,
                lang,
                None,
                render(part["base::admonition"], {**values, "issue_list": ""}, include, lang),
                include,
            )
            for issue in REACTOR_ISSUES:
                letters_ = [
                    ("admonition", "base::admonition", f"{issue}::admonition", RequestKind.REMINDER),
                    (
                        "complaint-persists",
                        "base::complaint",
                        f"{issue}::complaint::persists",
                        RequestKind.COMPLAINT,
                    ),
                    (
                        "complaint-resolved",
                        "base::complaint",
                        f"{issue}::complaint::resolved",
                        RequestKind.COMPLAINT,
                    ),
                ]
                for label, base, key, kind in letters_:
                    issue_text = render(part[key], values, include, lang)
                    text = render(part[base], {**values, "issue_list": issue_text}, include, lang)
                    yield Sample(
                        f"reactor/{lang}/{issue}-{label}[{tag}]", "reactor", kind, lang, None, text, include
                    )


def _messages(folder: Path, source: str, kind: RequestKind | None) -> Iterator[Sample]:
    for path in sorted(folder.glob("*.txt")):
        message = from_file(path.name, path.read_bytes())
        lang = path.name[:2]
        assert lang in ("de", "en"), path
        yield Sample(str(path.relative_to(MESSAGES)), source, kind, lang, message.subject, message.text)


def handwritten() -> Iterator[Sample]:
    for folder in sorted((MESSAGES / "positive").iterdir()):
        yield from _messages(folder, "handwritten", RequestKind(folder.name))


def holdout() -> list[Sample]:
    """Messages written after the rules were first frozen (sources "holdout" and "holdout-negative")."""
    folder = MESSAGES / "holdout"
    found = [
        s
        for kind in sorted((folder / "positive").iterdir())
        for s in _messages(kind, "holdout", RequestKind(kind.name))
    ]
    return found + list(_messages(folder / "negative", "holdout-negative", None))


def negatives() -> list[Sample]:
    return list(_messages(MESSAGES / "negative", "negative", None))


def positives() -> list[Sample]:
    return [*letters(), *samples(), *templates(), *reactor(), *handwritten()]
