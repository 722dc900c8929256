"""The register's edit forms: form fields to register entries, and validation problems to sentences.

Field names follow the register file: `name.de`, `dpo.email`, `legal_basis` (repeated), so that a form
becomes the entry's document by splitting at the dots, and a problem's location (`activities.3.name.en`)
points back at the field. Empty fields mean "not given"; an object whose fields are all empty is left out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from starlette.datastructures import FormData

from auskunft.i18n import translations
from auskunft.register.edit import KEY_FIELD, Problem, Section

LOCALISED = {
    "activities": ("name", "description", "data_subjects", "legitimate_interest", "security_measures"),
    "recipients": ("description",),
    "retention_rules": ("label",),
    "controller": ("security_measures",),
}
TEXT = {
    "activities": ("key", "retention"),
    "recipients": ("name", "role", "country", "safeguard", "contact"),
    "retention_rules": ("key", "months", "trigger", "legal_ref"),
    "controller": ("name", "address", "email", "phone", "website", "representative"),
}
LISTS = {"activities": ("legal_basis", "categories", "recipients")}
CONTACT_FIELDS = ("name", "address", "email", "phone", "url")
MARKETING_CHANNELS = ("email", "sms", "fax", "phone", "postal")


def _text(form: FormData, name: str) -> str:
    value = form.get(name, "")
    return value.strip() if isinstance(value, str) else ""


def _localised(form: FormData, name: str) -> dict[str, str] | None:
    value = {lang: _text(form, f"{name}.{lang}") for lang in ("de", "en")}
    return value if any(value.values()) else None


def entry(section: Section, form: FormData) -> dict[str, Any]:
    """The entry of `section` the form describes, in the register file's shape."""
    item: dict[str, Any] = {name: _text(form, name) for name in TEXT[section]}
    for name in LOCALISED[section]:
        item[name] = _localised(form, name)
    for name in LISTS.get(section, ()):
        item[name] = [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]
    if section == "recipients":
        item["country"] = item["country"].upper()
    if section == "retention_rules":
        item["months"] = int(item["months"]) if item["months"].isdigit() else item["months"] or None
    if section == "activities":
        item["automated_decision"] = (
            {
                part: _localised(form, f"automated_decision.{part}")
                for part in ("logic", "significance", "consequences")
            }
            if form.get("automated_decision") == "on"
            else None
        )
        item["marketing"] = (
            {
                "advertising": form.get("marketing.advertising") == "on",
                "own_similar_goods": form.get("marketing.own_similar_goods") == "on",
                "channels": [c for c in form.getlist("marketing.channels") if c in MARKETING_CHANNELS],
            }
            if form.get("marketing") == "on"
            else None
        )
    if section == "controller":
        for contact in ("dpo", "supervisory_authority"):
            item[contact] = {name: _text(form, f"{contact}.{name}") for name in CONTACT_FIELDS}
    return item


# --- problems in words ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Shown:
    field: str
    """The field's name in the form (`name.en`), or "" for a problem elsewhere in the register."""
    text: str


def _labels(lang: str) -> dict[str, str]:
    _ = translations(lang).gettext
    return {
        "key": _("Key"),
        "name": _("Name"),
        "description": _("Description"),
        "data_subjects": _("Categories of data subjects"),
        "legal_basis": _("Legal basis"),
        "legitimate_interest": _("Legitimate interest"),
        "categories": _("Categories of personal data"),
        "recipients": _("Recipients"),
        "retention": _("Retention rule"),
        "automated_decision": _("Automated decision-making (Art. 22)"),
        "logic": _("Logic involved"),
        "significance": _("Significance"),
        "consequences": _("Envisaged consequences"),
        "marketing": _("Advertising"),
        "security_measures": _("Technical and organisational measures"),
        "role": _("Role"),
        "country": _("Country"),
        "safeguard": _("Safeguard"),
        "contact": _("Contact"),
        "months": _("Months"),
        "trigger": _("Period runs from"),
        "label": _("Wording"),
        "legal_ref": _("Legal reference"),
        "address": _("Address"),
        "email": _("Email"),
        "phone": _("Phone"),
        "website": _("Website"),
        "url": _("Website"),
        "representative": _("Representative (Art. 27)"),
        "dpo": _("Data protection officer"),
        "supervisory_authority": _("Supervisory authority"),
        "controller": _("Controller"),
        "de": _("German"),
        "en": _("English"),
    }


def _message(problem: Problem, lang: str) -> str:
    _ = translations(lang).gettext
    by_type = {
        "missing": _("required"),
        "string_too_short": _("must not be empty"),
        "too_short": _("choose at least one"),
        "string_pattern_mismatch": _("two capital letters (ISO 3166 country code, e.g. DE)"),
        "literal_error": _("not one of the allowed values"),
        "enum": _("not one of the allowed values"),
        "int_parsing": _("a whole number of months"),
        "greater_than_equal": _("must not be negative"),
        "extra_forbidden": _("unknown field"),
    }
    return by_type.get(problem.type, problem.message)


_REFERENCE = tuple(
    re.compile(pattern)
    for pattern in (
        r"^duplicate activity: (?P<names>.+)$",
        r"^duplicate recipient: (?P<names>.+)$",
        r"^duplicate retention rule: (?P<names>.+)$",
        r"^activity (?P<activity>.+): unknown retention rule (?P<name>.+)$",
        r"^activity (?P<activity>.+): unknown recipient (?P<name>.+)$",
        r"^activity (?P<activity>.+): unknown category (?P<name>.+)$",
        r"^activity (?P<activity>.+): unknown legal basis (?P<name>.+)$",
        r"^activity (?P<activity>.+): legal basis art6_1_f needs .*$",
    )
)
"""The cross-reference problems of `Register` (register/model.py), in the order of `_sentences`."""


def _sentences(lang: str) -> tuple[str, ...]:
    _ = translations(lang).gettext
    return (
        _("An activity with this key already exists: %(names)s"),
        _("A recipient with this name already exists: %(names)s"),
        _("A retention rule with this key already exists: %(names)s"),
        _("Activity %(activity)s names the retention rule %(name)s, which does not exist"),
        _("Activity %(activity)s names the recipient %(name)s, who is not in the register"),
        _("Activity %(activity)s names the unknown data category %(name)s"),
        _("Activity %(activity)s names the unknown legal basis %(name)s"),
        _("Activity %(activity)s: legal basis Art. 6(1)(f) needs the legitimate interest (Art. 13(1)(d))"),
    )


def _reference(message: str, lang: str) -> str:
    for pattern, sentence in zip(_REFERENCE, _sentences(lang), strict=True):
        found = pattern.match(message)
        if found:
            return sentence % found.groupdict()
    return message


def shown(problems: list[Problem], section: Section, index: int | None, lang: str) -> list[Shown]:
    """The problems as sentences; those in the entry being edited (at `index`) name its form field."""
    labels = _labels(lang)
    if section == "activities":
        labels["description"] = translations(lang).gettext("Purpose")
    out: list[Shown] = []
    for problem in problems:
        loc = [str(part) for part in problem.loc]
        if not loc:
            out.append(Shown("", _reference(problem.message, lang)))
            continue
        if section == "controller" and loc[0] == "controller":
            path = loc[1:]
        elif loc[0] == section and index is not None and len(loc) > 1 and loc[1] == str(index):
            path = loc[2:]
        else:
            where = labels.get(loc[0], loc[0])
            out.append(Shown("", f"{where} {'.'.join(loc[1:])}: {_message(problem, lang)}"))
            continue
        words = " › ".join(labels.get(part, part) for part in path if not part.isdigit())
        out.append(
            Shown(".".join(path), f"{words or labels.get(section, section)}: {_message(problem, lang)}")
        )
    return out


def key_of(section: Section, item: dict[str, Any]) -> str:
    return str(item.get(KEY_FIELD.get(section, ""), ""))
