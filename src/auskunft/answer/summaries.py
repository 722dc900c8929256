"""The summaries of an answer (Art. 15(1) a-h): purposes, categories, recipients, sources, retention."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from auskunft.answer import model as m
from auskunft.domain import categories

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
