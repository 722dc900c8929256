"""Gathering the facts the permission rules need, for one address or person, from the ledger."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, select

from auskunft.domain.consent import ConsentAction, ConsentStep, status
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.errors import InvalidIdentifier
from auskunft.marketing.rules import (
    Channel,
    ConsentFact,
    Facts,
    ObjectionFact,
    PurposeProfile,
    SaleFact,
    Suppression,
)
from auskunft.register.store import RegisterView
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex

ADDRESS_KIND = {
    Channel.EMAIL: IdentifierKind.EMAIL,
    Channel.SMS: IdentifierKind.PHONE,
    Channel.FAX: IdentifierKind.PHONE,
    Channel.PHONE: IdentifierKind.PHONE,
    Channel.POSTAL: IdentifierKind.POSTAL_ADDRESS,
}
ADDRESS_CATEGORY = {
    Channel.EMAIL: "user.contact.email",
    Channel.SMS: "user.contact.phone_number",
    Channel.FAX: "user.contact.fax_number",
    Channel.PHONE: "user.contact.phone_number",
    Channel.POSTAL: "user.contact.address",
}
OWN_SOURCES = ("channel", "subject")


@dataclass(frozen=True, slots=True)
class Target:
    """Whom to check: an address (email, phone) or a person by another identifier."""

    kind: IdentifierKind
    value: str


@dataclass(frozen=True, slots=True)
class AddressOrigin:
    """Where the address (or the person's address for the channel) came from."""

    kind: str
    channel: str | None
    name: str | None
    detail: str | None
    since: datetime


def purpose_profile(register: RegisterView, purpose: str) -> PurposeProfile:
    """The register's view of a purpose; anything not declared otherwise counts as advertising."""
    activity = register.activities.get(purpose)
    profile = activity.marketing if activity else None
    if profile is None:
        return PurposeProfile(purpose)
    return PurposeProfile(
        purpose, advertising=profile.advertising, own_similar_goods=profile.own_similar_goods
    )


def gather(
    connection: Connection,
    index: BlindIndex,
    register: RegisterView,
    target: Target,
    channel: Channel,
    purpose: str,
    at: datetime,
    region: str = "DE",
    objection_notice_in_message: bool = True,
) -> tuple[Facts, int | None, list[AddressOrigin]]:
    """The facts for one check, the subject they are about (None if unknown), and the address's origins."""
    normalised = normalise(target.kind, target.value, region)
    lookup = index.lookup(target.kind.value, normalised)
    suppression = _suppression(connection, [lookup])
    subject = connection.scalar(select(t.Identifier.subject_id).where(t.Identifier.lookup == lookup))
    profile = purpose_profile(register, purpose)
    if subject is None:
        facts = Facts(
            channel,
            profile,
            at,
            known=False,
            suppression=suppression,
            objection_notice_in_message=objection_notice_in_message,
        )
        return facts, None, []
    address = normalised if target.kind is ADDRESS_KIND[channel] else None
    if address is None:  # a person named by another identifier: check their addresses for this channel
        lookups = list(
            connection.scalars(
                select(t.Identifier.lookup).where(
                    t.Identifier.subject_id == subject, t.Identifier.kind == ADDRESS_KIND[channel].value
                )
            )
        )
        suppression = suppression or _suppression(connection, lookups)
    origins = _origins(connection, subject, channel, address, region)
    facts = Facts(
        channel=channel,
        purpose=profile,
        at=at,
        known=True,
        consents=_consents(connection, subject, purpose, channel, at),
        objections=_objections(connection, subject),
        sales=_sales(connection, subject, address, region) if channel is Channel.EMAIL else (),
        third_party_sources=tuple(
            dict.fromkeys(o.name or o.kind for o in origins if o.kind not in OWN_SOURCES and o.since <= at)
        ),
        suppression=suppression,
        objection_notice_in_message=objection_notice_in_message,
    )
    return facts, subject, origins


def _suppression(connection: Connection, lookups: list[bytes]) -> Suppression | None:
    if not lookups:
        return None
    row = connection.execute(
        select(t.Suppression.at, t.Suppression.reason).where(t.Suppression.lookup.in_(lookups)).limit(1)
    ).first()
    return Suppression(row.at, row.reason) if row else None


def consent_fact(
    purpose: str, channel: str, events: list[tuple[str, datetime, str | None, str | None]], at: datetime
) -> ConsentFact | None:
    """The state of one consent at `at` from its events (action, at, method, wording version)."""
    events = sorted((e for e in events if e[1] <= at), key=lambda e: e[1])
    if not events:
        return None
    state = status(ConsentStep(ConsentAction(action), when) for action, when, _, _ in events)
    actions = [e[0] for e in events]
    granted = [e for e in events if e[0] in ("confirmed", "granted")]
    requested = [e for e in events if e[0] == "requested"]
    last = granted[-1] if granted else events[-1]
    return ConsentFact(
        purpose=purpose,
        channel=channel,
        status=state,
        granted_at=granted[-1][1] if granted else None,
        method=last[2],
        double_opt_in="requested" in actions and "confirmed" in actions,
        wording_version=(requested[-1][3] if requested else None) or last[3],
    )


def _consents(
    connection: Connection, subject: int, purpose: str, channel: Channel, at: datetime
) -> tuple[ConsentFact, ...]:
    rows = connection.execute(
        select(
            t.ConsentEvent.action, t.ConsentEvent.at, t.ConsentEvent.method, t.ConsentEvent.wording_version
        )
        .join(t.Consent, t.Consent.id == t.ConsentEvent.consent_id)
        .where(
            t.Consent.subject_id == subject, t.Consent.purpose == purpose, t.Consent.channel == channel.value
        )
    ).all()
    fact = consent_fact(
        purpose, channel.value, [(r.action, r.at, r.method, r.wording_version) for r in rows], at
    )
    return (fact,) if fact else ()


def _objections(connection: Connection, subject: int) -> tuple[ObjectionFact, ...]:
    rows = connection.execute(
        select(t.Objection.at, t.Objection.purpose, t.Objection.channel, t.Objection.via).where(
            t.Objection.subject_id == subject
        )
    )
    return tuple(ObjectionFact(r.at, r.purpose, r.channel, r.via) for r in rows)


def _sales(connection: Connection, subject: int, address: str | None, region: str) -> tuple[SaleFact, ...]:
    """Email addresses the customer gave us themselves in connection with a sale (purpose 'contract')."""
    rows = connection.execute(
        select(t.Record.value, t.Record.collected_at, t.Record.purposes, t.Record.notice, t.Source.kind)
        .join(t.Source, t.Source.id == t.Record.source_id)
        .where(t.Record.subject_id == subject, t.Record.category == "user.contact.email")
    )
    sales = []
    for row in rows:
        if "contract" not in row.purposes or row.kind not in OWN_SOURCES:
            continue
        if address is not None and normalised_email(row.value, region) != address:
            continue
        notice = row.notice or {}
        sales.append(SaleFact(row.collected_at, None, notice.get("kind") == "objection_right"))
    return tuple(sales)


def normalised_email(value: str, region: str = "DE") -> str | None:
    try:
        return normalise(IdentifierKind.EMAIL, value, region)
    except InvalidIdentifier:
        return None


def _origins(
    connection: Connection, subject: int, channel: Channel, address: str | None, region: str
) -> list[AddressOrigin]:
    s = t.Source
    rows = connection.execute(
        select(t.Record.value, t.Record.collected_at, s.kind, s.channel, s.name, s.detail)
        .join(s, s.id == t.Record.source_id)
        .where(t.Record.subject_id == subject, t.Record.category == ADDRESS_CATEGORY[channel])
    ).all()
    identifier_rows = connection.execute(
        select(t.Identifier.value, t.Identifier.seen_at, s.kind, s.channel, s.name, s.detail)
        .join(s, s.id == t.Identifier.source_id)
        .where(t.Identifier.subject_id == subject, t.Identifier.kind == ADDRESS_KIND[channel].value)
    ).all()
    origins: dict[tuple[str, str | None, str | None, str | None], AddressOrigin] = {}
    for value, since, kind, via, name, detail in [*rows, *identifier_rows]:
        if address is not None and channel is Channel.EMAIL and normalised_email(value, region) != address:
            continue
        key = (kind, via, name, detail)
        if key not in origins or since < origins[key].since:
            origins[key] = AddressOrigin(kind, via, name, detail, since)
    return sorted(origins.values(), key=lambda o: o.since)
