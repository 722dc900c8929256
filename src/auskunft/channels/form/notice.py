"""The information of Art. 13 GDPR, given where the data are collected, read from the register.

Controller, data protection officer, purpose and legal basis (with the legitimate interest where it is
the basis), recipients (with third-country transfers), retention and the rights: all of it is the
register's (`auskunft register load`), so the notice next to a form or chat always says what the answer
to an access request will say. Used by the contact form and the live chat.
"""

from __future__ import annotations

from dataclasses import dataclass

from auskunft.answer import labels
from auskunft.answer.model import Right
from auskunft.answer.queries import EEA
from auskunft.answer.rights import rights
from auskunft.domain import legal_basis
from auskunft.i18n import translations
from auskunft.register.model import ControllerInfo
from auskunft.register.store import RegisterView


@dataclass(frozen=True, slots=True)
class RecipientLine:
    name: str
    role: str
    description: str | None
    transfer: str | None
    """Country and safeguard of a transfer outside the EEA."""


@dataclass(frozen=True, slots=True)
class Purpose:
    key: str
    name: str
    description: str | None
    legal_bases: tuple[str, ...]
    legitimate_interest: str | None
    retention: str | None
    recipients: tuple[RecipientLine, ...]


@dataclass(frozen=True, slots=True)
class Notice:
    controller: ControllerInfo | None
    purpose: Purpose | None
    """None when the register does not (yet) hold the activity: the page says so, nothing is invented."""
    consent_purpose: Purpose | None
    rights: tuple[Right, ...]


def purpose(register: RegisterView, key: str, lang: str, retention: str | None = None) -> Purpose | None:
    """What the register says about activity `key`; `retention`: a rule key that overrides its rule."""
    activity = register.activities.get(key)
    if activity is None:
        return None
    tr = translations(lang).gettext
    rule = register.retention_rules.get(retention or activity.retention)
    lines = []
    for name in activity.recipients:
        spec = register.recipients.get(name)
        if spec is None:
            lines.append(RecipientLine(name, "", None, None))
            continue
        transfer = None
        if spec.country and spec.country not in EEA:
            transfer = f"{spec.country}: {spec.safeguard}" if spec.safeguard else spec.country
        lines.append(
            RecipientLine(
                name,
                labels.label(labels.RECIPIENT_ROLES, spec.role, tr),
                spec.description.get(lang) if spec.description else None,
                transfer,
            )
        )
    return Purpose(
        key=key,
        name=activity.name.get(lang),
        description=activity.description.get(lang) if activity.description else None,
        legal_bases=tuple(legal_basis.citation(code, lang) for code in activity.legal_basis),
        legitimate_interest=activity.legitimate_interest.get(lang) if activity.legitimate_interest else None,
        retention=rule.label(lang) if rule else None,
        recipients=tuple(lines),
    )


def notice(
    register: RegisterView,
    activity: str,
    lang: str,
    *,
    retention: str | None = None,
    consent_activity: str | None = None,
) -> Notice:
    tr = translations(lang).gettext
    return Notice(
        controller=register.controller,
        purpose=purpose(register, activity, lang, retention),
        consent_purpose=purpose(register, consent_activity, lang) if consent_activity else None,
        rights=tuple(rights(tr, register.controller)),
    )
