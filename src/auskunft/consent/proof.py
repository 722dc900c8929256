"""The proof of one consent (Art. 7(1) GDPR; BGH I ZR 164/09), as a document one could hand to a court.

`build` gathers, for one person, purpose and channel: the controller, the person's identifier for the
channel, the current status, every event in time order (UTC and local time) with method, the wording
shown verbatim and its version, the evidence and the source, the confirmation links, withdrawal and
objections — and says where the proof is incomplete. `document.py` renders it as HTML and PDF.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Connection, insert, or_, select

from auskunft.answer import labels
from auskunft.consent import completeness, texts
from auskunft.consent.subjects import consent_id, find_subject, utc
from auskunft.domain.consent import ConsentAction, ConsentStatus, ConsentStep, status
from auskunft.errors import NotFound
from auskunft.i18n import language, translations
from auskunft.ledger import Actor, Ledger
from auskunft.store import tables as t

CHANNEL_IDENTIFIERS = {
    "email": "email",
    "sms": "phone",
    "phone": "phone",
    "fax": "phone",
    "postal": "postal_address",
}
GRANTS = ("confirmed", "granted")


def stamp(moment: datetime | None, zone: str) -> dict[str, str] | None:
    """A moment in UTC and in the local zone (ISO 8601, to the second)."""
    if moment is None:
        return None
    return {
        "utc": utc(moment).isoformat(timespec="seconds"),
        "local": moment.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds"),
        "zone": zone,
    }


def build(
    ledger: Ledger,
    identifiers: Mapping[str, str],
    purpose: str,
    channel: str,
    actor: Actor,
    lang: str = "de",
    at: datetime | None = None,
) -> dict[str, Any]:
    """The proof document as a dict (JSON-ready); NotFound if the person or the consent is unknown.

    Looking at the proof is an access to personal data: it is written to the audit trail.
    """
    lang = language(lang)
    moment = utc(at)
    zone = ledger.settings.timezone
    tr = translations(lang).gettext
    with ledger.engine.begin() as connection:
        subject = find_subject(connection, ledger.index, identifiers, ledger.settings.default_region)
        held = consent_id(connection, subject, purpose, channel) if subject is not None else None
        if subject is None or held is None:
            raise NotFound(f"no consent for {purpose} by {channel} of this person is in the ledger")
        register = ledger.register(connection)
        events = _events(connection, held, moment, zone, tr)
        tokens = _tokens(connection, held, zone)
        objections = _objections(connection, subject, purpose, channel, moment, zone)
        people = _identifiers(connection, subject, channel, zone, tr)
        connection.execute(
            insert(t.AuditEntry).values(
                at=utc(None),
                actor=actor.name,
                action="consent.proof",
                subject_id=subject,
                reason=actor.reason,
            )
        )
    state = status(ConsentStep(ConsentAction(e["action"]), e["_at"]) for e in events)
    activity = register.activities.get(purpose)
    grant = next((e for e in reversed(events) if e["action"] in GRANTS), None)
    withdrawn = next((e for e in reversed(events) if e["action"] == "withdrawn"), None)
    gaps, notes = completeness.findings(state, channel, events, grant, withdrawn, objections)
    for e in events:
        del e["_at"]
    return {
        "document": "consent_proof",
        "version": 1,
        "language": lang,
        "generated_at": stamp(moment, zone),
        "controller": register.controller.model_dump() if register.controller else None,
        "subject": {"identifiers": people},
        "purpose": purpose,
        "purpose_label": activity.name.get(lang) if activity else purpose,
        "channel": channel,
        "channel_label": labels.label(labels.CHANNELS, channel, tr),
        "status": state.value,
        "status_label": labels.label(labels.CONSENT_STATUS, state.value, tr),
        "double_opt_in": any(e["action"] == "requested" for e in events)
        and any(e["action"] == "confirmed" for e in events),
        "granted_at": grant["at"] if grant else None,
        "wording": completeness.wording(events, grant),
        "withdrawal": withdrawn if state is ConsentStatus.WITHDRAWN else None,
        "events": events,
        "confirmation_links": tokens,
        "objections": objections,
        "complete": not gaps,
        "gaps": [{"code": code, "text": tr(texts.GAPS[code])} for code in gaps],
        "notes": [{"code": code, "text": tr(texts.NOTES[code]).format(**values)} for code, values in notes],
    }


def _events(
    connection: Connection, consent: int, moment: datetime, zone: str, tr: labels.Translate
) -> list[dict[str, Any]]:
    e, s, i = t.ConsentEvent, t.Source, t.IngestEvent
    rows = connection.execute(
        select(e.action, e.at, e.method, e.wording, e.wording_version, e.evidence, i.event_key, i.ingested_at)
        .add_columns(s.kind, s.channel, s.name, s.detail)
        .join(i, i.id == e.event_id)
        .outerjoin(s, s.id == e.source_id)
        .where(e.consent_id == consent, e.at <= moment)
        .order_by(e.at, e.id)
    ).all()
    result = []
    for row in rows:
        source = (
            {"kind": row.kind, "channel": row.channel, "name": row.name, "detail": row.detail}
            if row.kind
            else None
        )
        result.append(
            {
                "_at": row.at,
                "action": row.action,
                "action_label": labels.label(labels.CONSENT_ACTIONS, row.action, tr),
                "at": stamp(row.at, zone),
                "method": row.method,
                "method_label": labels.label(texts.METHODS, row.method, tr) if row.method else None,
                "wording": row.wording,
                "wording_version": row.wording_version,
                "evidence": row.evidence or {},
                "source": source,
                "event_id": row.event_key,
                "recorded_at": stamp(row.ingested_at, zone),
            }
        )
    return result


def _tokens(connection: Connection, consent: int, zone: str) -> list[dict[str, Any]]:
    c = t.ConsentToken
    rows = connection.execute(
        select(c.id, c.created_at, c.expires_at, c.used_at).where(c.consent_id == consent).order_by(c.id)
    )
    return [
        {
            "token_id": r.id,
            "created_at": stamp(r.created_at, zone),
            "expires_at": stamp(r.expires_at, zone),
            "used_at": stamp(r.used_at, zone),
        }
        for r in rows
    ]


def _objections(
    connection: Connection, subject: int, purpose: str, channel: str, moment: datetime, zone: str
) -> list[dict[str, Any]]:
    o = t.Objection
    rows = connection.execute(
        select(o.at, o.purpose, o.channel, o.via, o.reference)
        .where(
            o.subject_id == subject,
            o.at <= moment,
            or_(o.purpose.is_(None), o.purpose == purpose),
            or_(o.channel.is_(None), o.channel == channel),
        )
        .order_by(o.at)
    )
    return [
        {
            "at": stamp(r.at, zone),
            "purpose": r.purpose,
            "channel": r.channel,
            "via": r.via,
            "reference": r.reference,
        }
        for r in rows
    ]


def _identifiers(
    connection: Connection, subject: int, channel: str, zone: str, tr: labels.Translate
) -> list[dict[str, Any]]:
    """The person's identifiers for the channel (all of them where the channel has no address kind)."""
    query = select(t.Identifier.kind, t.Identifier.value, t.Identifier.seen_at).where(
        t.Identifier.subject_id == subject
    )
    kind = CHANNEL_IDENTIFIERS.get(channel)
    if kind is not None:
        query = query.where(t.Identifier.kind == kind)
    return [
        {
            "kind": r.kind,
            "label": labels.label(labels.IDENTIFIER_KINDS, r.kind, tr),
            "value": r.value,
            "since": stamp(r.seen_at, zone),
        }
        for r in connection.execute(query.order_by(t.Identifier.id))
    ]
