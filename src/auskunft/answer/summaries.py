"""The summaries of an answer (Art. 15(1) a-h): purposes, categories, recipients, sources, retention;
and the person's objections with what advertising we may send them, on which basis (Art. 21 GDPR)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from auskunft.answer import model as m
from auskunft.domain import categories
from auskunft.marketing.facts import ADDRESS_CATEGORY, ADDRESS_KIND, OWN_SOURCES, consent_fact
from auskunft.marketing.rules import (
    Channel,
    Facts,
    ObjectionFact,
    PurposeProfile,
    Reason,
    SaleFact,
    Suppression,
    decide,
)
from auskunft.marketing.texts import basis_text, reason_text
from auskunft.register.store import RegisterView

if TYPE_CHECKING:
    from auskunft.answer.builder import _Build


def summarise(
    build: _Build,
    *,
    now: datetime,
    controller: m.ControllerOut | None,
    subject: m.SubjectInfo,
    records: list[m.Record],
    consents: list[m.Consent],
    disclosures: list[m.Disclosure],
    objections: list[m.Objection],
    marketing: list[m.MarketingPermission],
    statement: str,
    rights: list[m.Right],
    adm_texts: tuple[str, str],
    transfer_text: Callable[[str, str | None], str],
) -> m.Answer:
    purposes = _purposes(build, records, consents, disclosures)
    recipients = _recipients(build, disclosures, [p.key for p in purposes])
    decisions = [
        m.AutomatedDecision(
            purpose=p.key,
            purpose_label=p.label,
            logic=activity.automated_decision.logic.get(build.lang),
            significance=activity.automated_decision.significance.get(build.lang),
            consequences=activity.automated_decision.consequences.get(build.lang),
        )
        for p in purposes
        if (activity := build.reg.activities.get(p.key)) and activity.automated_decision
    ]
    transfers = {
        (summary.recipient.name, summary.recipient.country or ""): m.ThirdCountryTransfer(
            recipient=summary.recipient.name,
            country=summary.recipient.country or "",
            safeguard=summary.recipient.safeguard,
            statement=transfer_text(summary.recipient.country or "", summary.recipient.safeguard),
        )
        for summary in recipients
        if summary.recipient.third_country
    }
    return m.Answer(
        language=build.lang,
        generated_at=now,
        controller=controller,
        processed=True,
        statement=statement,
        subject=subject,
        records=records,
        consents=consents,
        disclosures=disclosures,
        objections=objections,
        marketing=marketing,
        purposes=purposes,
        categories=_categories(build, records, subject),
        recipients=recipients,
        sources=_sources(records),
        retention=_retention(records),
        rights=rights,
        automated_decision_making=m.AutomatedDecisionMaking(
            exists=bool(decisions), statement=adm_texts[1] if decisions else adm_texts[0], decisions=decisions
        ),
        third_country_transfers=list(transfers.values()),
    )


def _purposes(
    build: _Build, records: list[m.Record], consents: list[m.Consent], disclosures: list[m.Disclosure]
) -> list[m.PurposeSummary]:
    cats: dict[str, set[str]] = defaultdict(set)
    bases: dict[str, dict[str, m.LegalBasisRef]] = defaultdict(dict)
    for record in records:
        for purpose in record.purposes:
            cats[purpose].add(record.category)
            if record.legal_basis:
                bases[purpose][record.legal_basis.code] = record.legal_basis
    for consent in consents:
        if consent.status == "granted" or consent.events:
            cats.setdefault(consent.purpose, set())
            if consent.status == "granted":
                basis = build.basis("art6_1_a")
                assert basis is not None
                bases[consent.purpose][basis.code] = basis
    for disclosure in disclosures:
        if disclosure.purpose:
            cats[disclosure.purpose].update(disclosure.categories)
            if disclosure.legal_basis:
                bases[disclosure.purpose][disclosure.legal_basis.code] = disclosure.legal_basis
    result = []
    for key in sorted(cats, key=build.purpose_label):
        activity = build.reg.activities.get(key)
        if activity:
            for code in activity.legal_basis:
                if not bases[key] and (basis := build.basis(code)):
                    bases[key][code] = basis
        result.append(
            m.PurposeSummary(
                key=key,
                label=build.purpose_label(key),
                description=activity.description.get(build.lang)
                if activity and activity.description
                else None,
                registered=activity is not None,
                legal_bases=list(bases[key].values()),
                legitimate_interest=(
                    activity.legitimate_interest.get(build.lang)
                    if activity and activity.legitimate_interest and "art6_1_f" in bases[key]
                    else None
                ),
                categories=sorted(cats[key]),
                retention=build.retention_of(activity.retention) if activity else None,
            )
        )
    return result


def _categories(build: _Build, records: list[m.Record], subject: m.SubjectInfo) -> list[m.CategorySummary]:
    counts: dict[str, int] = defaultdict(int)
    for record in records:
        counts[record.category] += 1
    return [
        m.CategorySummary(
            key=key,
            label=categories.label(key, build.lang),
            records=count,
            special=categories.is_known(key) and categories.get(key).special,
        )
        for key, count in sorted(counts.items())
    ]


def _recipients(
    build: _Build, disclosures: list[m.Disclosure], purposes: list[str]
) -> list[m.RecipientSummary]:
    seen: dict[str, m.RecipientSummary] = {}
    for disclosure in disclosures:
        name = disclosure.recipient.name
        previous = seen.get(name)
        cats = set(disclosure.categories) | (set(previous.categories) if previous else set())
        purposes_of = set(previous.purposes) if previous else set()
        if disclosure.purpose:
            purposes_of.add(disclosure.purpose)
        seen[name] = m.RecipientSummary(
            recipient=disclosure.recipient,
            disclosed=True,
            last_disclosed_at=disclosure.at,
            categories=sorted(cats),
            purposes=sorted(purposes_of),
        )
    for key in purposes:
        activity = build.reg.activities.get(key)
        if not activity:
            continue
        for name in activity.recipients:
            spec = build.reg.recipients.get(name)
            if spec is None or name in seen:
                continue
            seen[name] = m.RecipientSummary(
                recipient=build.recipient(spec.name, spec.role, spec.country, spec.safeguard),
                disclosed=False,
                categories=sorted(activity.categories),
                purposes=[key],
            )
    return sorted(seen.values(), key=lambda s: (not s.disclosed, s.recipient.name))


def _sources(records: list[m.Record]) -> list[m.SourceSummary]:
    grouped: dict[m.SourceRef, list[m.Record]] = defaultdict(list)
    for record in records:
        grouped[record.source].append(record)
    return sorted(
        (
            m.SourceSummary(
                source=source,
                categories=sorted({r.category for r in items}),
                first_collected_at=min(r.collected_at for r in items),
                last_collected_at=max(r.collected_at for r in items),
                records=len(items),
            )
            for source, items in grouped.items()
        ),
        key=lambda s: s.first_collected_at,
    )


def _retention(records: list[m.Record]) -> list[m.RetentionSummary]:
    grouped: dict[str, tuple[m.Retention, set[str]]] = {}
    for record in records:
        key = record.retention.rule or ""
        entry = grouped.get(key)
        if entry is None:
            retention = record.retention
            if retention.until is not None:
                retention = retention.model_copy(update={"until": None})
            entry = grouped[key] = (retention, set())
        entry[1].add(record.category)
    return [
        m.RetentionSummary(retention=retention, categories=sorted(cats))
        for retention, cats in grouped.values()
    ]


# -- advertising (Art. 21 GDPR; UWG § 7) ---------------------------------------------------------------
def _(message: str) -> str:
    return message


ALL_MARKETING = _("All direct marketing")
EVERY_CHANNEL = _("every channel")
VIA = {
    "email": _("Email"),
    "letter": _("Letter"),
    "portal": _("Customer portal"),
    "phone": _("Telephone"),
    "unsubscribe_link": _("Unsubscribe link"),
    "reply": _("Reply to a message"),
}

Advertising = tuple[PurposeProfile, tuple[Channel, ...]]


def advertising_purposes(register: RegisterView) -> tuple[Advertising, ...]:
    """The register's advertising purposes with the channels they are used on."""
    return tuple(
        (
            PurposeProfile(key, advertising=True, own_similar_goods=activity.marketing.own_similar_goods),
            tuple(Channel(channel) for channel in activity.marketing.channels),
        )
        for key, activity in register.activities.items()
        if activity.marketing is not None and activity.marketing.advertising and activity.marketing.channels
    )


def objections_out(build: _Build, objections: list[ObjectionFact]) -> list[m.Objection]:
    channels, tr = build.cx.channels, build.tr
    return [
        m.Objection(
            at=o.at,
            purpose=o.purpose,
            purpose_label=build.purpose_label(o.purpose) if o.purpose else tr(ALL_MARKETING),
            channel=o.channel,
            channel_label=channels.get(o.channel, o.channel) if o.channel else tr(EVERY_CHANNEL),
            via=o.via,
            via_label=(tr(VIA[o.via]) if o.via in VIA else o.via) if o.via else None,
        )
        for o in objections
    ]


def permissions(
    build: _Build,
    now: datetime,
    identifiers: list[m.Identifier],
    records: list[m.Record],
    consents: list[m.Consent],
    objections: list[ObjectionFact],
    suppressed: dict[str, Suppression],
) -> list[m.MarketingPermission]:
    """For each advertising purpose and channel of the register: may we send it now, on which basis."""
    sales = tuple(
        SaleFact(r.collected_at, None, build.notices.get(r.id, {}).get("kind") == "objection_right")
        for r in records
        if r.category == "user.contact.email" and "contract" in r.purposes and r.source.kind in OWN_SOURCES
    )
    by_consent = {(c.purpose, c.channel): c for c in consents}
    result = []
    for profile, channels in build.cx.advertising:
        for channel in channels:
            consent = by_consent.get((profile.key, channel.value))
            fact = consent and consent_fact(
                profile.key,
                channel.value,
                [(e.action, e.at, e.method, e.wording_version) for e in consent.events],
                now,
            )
            facts = Facts(
                channel=channel,
                purpose=profile,
                at=now,
                known=True,
                consents=(fact,) if fact else (),
                objections=tuple(objections),
                sales=sales if channel is Channel.EMAIL else (),
                third_party_sources=_third_parties(identifiers, records, channel, now),
                suppression=suppressed.get(ADDRESS_KIND[channel].value),
            )
            decision = decide(facts)
            result.append(
                m.MarketingPermission(
                    purpose=profile.key,
                    purpose_label=build.purpose_label(profile.key),
                    channel=channel.value,
                    channel_label=build.cx.channels.get(channel.value, channel.value),
                    decision="allow" if decision.allowed else "deny",
                    basis=decision.basis.value if decision.basis else None,
                    basis_label=basis_text(decision, build.lang),
                    reasons=[
                        m.MarketingReason(
                            code=r.code, ok=r.ok, text=reason_text(_readable(build, r), build.lang)
                        )
                        for r in decision.reasons
                    ],
                )
            )
    return result


def _readable(build: _Build, reason: Reason) -> Reason:
    """The reason with labels in place of the keys of purposes, channels and ways of objecting."""
    detail = dict(reason.detail)
    if "purpose" in detail:
        detail["purpose"] = build.purpose_label(detail["purpose"])
    if "channel" in detail:
        detail["channel"] = build.cx.channels.get(detail["channel"], detail["channel"])
    if detail.get("via") in VIA:
        detail["via"] = build.tr(VIA[detail["via"]])
    return Reason(reason.code, reason.ok, detail)


def _third_parties(
    identifiers: list[m.Identifier], records: list[m.Record], channel: Channel, now: datetime
) -> tuple[str, ...]:
    """The third parties the person's address for `channel` came from (as `facts.gather` finds them)."""
    kind, category = ADDRESS_KIND[channel].value, ADDRESS_CATEGORY[channel]
    origins = [(i.since, i.source) for i in identifiers if i.kind == kind and i.source is not None]
    origins += [(r.collected_at, r.source) for r in records if r.category == category]
    return tuple(
        dict.fromkeys(
            source.name or source.kind
            for since, source in sorted(origins, key=lambda o: o[0])
            if source is not None and source.kind not in OWN_SOURCES and since <= now
        )
    )
