"""The answer builder: reads one subject's data from the ledger and builds the Art. 15 answer.

An answer costs a handful of indexed queries on `subject_id`, whatever the size of the ledger.
The register (activities, retention rules, recipients, controller) is read once and kept until it
is loaded again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, select

from auskunft.answer import labels as L
from auskunft.answer import model as m
from auskunft.answer.rights import (
    adm_statement,
    no_adm_statement,
    not_processed_statement,
    processed_statement,
    rights,
    transfer_statement,
)
from auskunft.answer.summaries import summarise
from auskunft.domain import categories
from auskunft.domain import legal_basis as lb
from auskunft.domain.consent import ConsentAction, ConsentStep, status
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.domain.retention import RetentionRule
from auskunft.i18n import Language, translations
from auskunft.register import store as register_store
from auskunft.store import tables as t
from auskunft.store.blind_index import BlindIndex

SOURCE_COLUMNS = (
    t.Source.id.label("src_id"),
    t.Source.kind.label("src_kind"),
    t.Source.channel.label("src_channel"),
    t.Source.name.label("src_name"),
    t.Source.detail.label("src_detail"),
    t.Source.received_at.label("src_received_at"),
    t.Source.publicly_accessible.label("src_public"),
)

EEA = set(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
        "IS",
        "LI",
        "NO",
    ]
)


@dataclass(frozen=True, slots=True)
class SubjectQuery:
    kind: IdentifierKind
    value: str


def find_subject(
    connection: Connection, index: BlindIndex, query: SubjectQuery, region: str = "DE"
) -> int | None:
    """The subject an identifier points at, or None. Raises InvalidIdentifier for malformed input."""
    lookup = index.lookup(query.kind.value, normalise(query.kind, query.value, region))
    found = connection.scalar(select(t.Identifier.subject_id).where(t.Identifier.lookup == lookup))
    return int(found) if found is not None else None


class AnswerBuilder:
    def __init__(self) -> None:
        self._register: register_store.RegisterView | None = None
        self._register_stamp: object = None

    def register(self, connection: Connection) -> register_store.RegisterView:
        stamp = connection.scalar(select(t.Controller.loaded_at))
        if self._register is None or stamp != self._register_stamp:
            self._register = register_store.read(connection)
            self._register_stamp = stamp
        return self._register

    def build(self, connection: Connection, subject_id: int | None, lang: Language) -> m.Answer:
        """The answer for a subject (None: nobody found, the negative answer)."""
        return _Build(connection, self.register(connection), lang).answer(subject_id)


class _Build:
    def __init__(self, connection: Connection, register: register_store.RegisterView, lang: Language) -> None:
        self.c = connection
        self.reg = register
        self.lang = lang
        self.tr = translations(lang).gettext
        self._sources: dict[int, m.SourceRef] = {}

    # -- helpers -------------------------------------------------------------------------------
    def basis(self, code: str | None) -> m.LegalBasisRef | None:
        return m.LegalBasisRef(code=code, citation=lb.citation(code, self.lang)) if code else None

    def purpose_label(self, key: str) -> str:
        activity = self.reg.activities.get(key)
        return activity.name.get(self.lang) if activity else key

    def retention_of(self, rule_key: str | None, collected_at: datetime | None = None) -> m.Retention:
        rule = self.reg.retention_rules.get(rule_key) if rule_key else None
        if rule is None:
            return m.Retention(
                rule=rule_key,
                label=self.tr(
                    "As long as needed for the purposes named; we erase the data when they are no longer "
                    "needed and no statutory retention period applies."
                ),
            )
        return m.Retention(
            rule=rule.key,
            label=rule.label(self.lang),
            months=rule.months,
            until=rule.until(collected_at) if collected_at else None,
            legal_ref=rule.legal_ref,
        )

    def record_retention_rule(self, explicit: str | None, purposes: Iterable[str]) -> str | None:
        if explicit:
            return explicit
        rules: list[RetentionRule] = [
            self.reg.retention_rules[activity.retention]
            for key in purposes
            if (activity := self.reg.activities.get(key)) and activity.retention in self.reg.retention_rules
        ]
        if not rules:
            return None
        return max(rules, key=lambda rule: -1 if rule.months is None else rule.months).key

    def source(self, row: Any) -> m.SourceRef | None:
        """The source of a row selected with `SOURCE_COLUMNS` (None when the row has none)."""
        if row.src_id is None:
            return None
        cached = self._sources.get(row.src_id)
        if cached is None:
            cached = m.SourceRef(
                kind=row.src_kind,
                kind_label=L.label(L.SOURCE_KINDS, row.src_kind, self.tr),
                channel=row.src_channel,
                channel_label=L.label(L.CHANNELS, row.src_channel, self.tr) if row.src_channel else None,
                name=row.src_name,
                detail=row.src_detail,
                received_at=row.src_received_at,
                publicly_accessible=row.src_public,
                collected_from_subject=row.src_kind in ("channel", "subject"),
            )
            self._sources[row.src_id] = cached
        return cached

    def recipient(self, row: Any) -> m.RecipientOut:
        spec = self.reg.recipients.get(row.name)
        description = spec.description.get(self.lang) if spec and spec.description else None
        return m.RecipientOut(
            name=row.name,
            role=row.role,
            role_label=L.label(L.RECIPIENT_ROLES, row.role, self.tr),
            country=row.country,
            third_country=bool(row.country) and row.country not in EEA,
            safeguard=row.safeguard,
            description=description,
        )

    # -- sections ------------------------------------------------------------------------------
    def identifiers(self, subject_id: int) -> list[m.Identifier]:
        s = t.Source
        rows = self.c.execute(
            select(t.Identifier.kind, t.Identifier.value, t.Identifier.seen_at, *SOURCE_COLUMNS)
            .outerjoin(s, s.id == t.Identifier.source_id)
            .where(t.Identifier.subject_id == subject_id)
            .order_by(t.Identifier.seen_at, t.Identifier.id)
        )
        return [
            m.Identifier(
                kind=row.kind,
                label=L.label(L.IDENTIFIER_KINDS, row.kind, self.tr),
                value=row.value,
                since=row.seen_at,
                source=self.source(row),
            )
            for row in rows
        ]

    def records(self, subject_id: int) -> list[m.Record]:
        r, s = t.Record, t.Source
        rows = self.c.execute(
            select(
                r.id.label("record_id"),
                r.category,
                r.value,
                r.collected_at,
                r.collected_date_only,
                r.purposes,
                r.legal_basis,
                r.retention_rule,
                *SOURCE_COLUMNS,
            )
            .join(s, s.id == r.source_id)
            .where(r.subject_id == subject_id)
            .order_by(r.collected_at, r.id)
        )
        return [
            m.Record(
                id=row.record_id,
                category=row.category,
                label=categories.label(row.category, self.lang),
                value=row.value,
                source=self.source(row) or _missing_source(),
                collected_at=row.collected_at,
                collected_date_only=row.collected_date_only,
                purposes=row.purposes,
                legal_basis=self.basis(row.legal_basis or self.registered_basis(row.purposes)),
                retention=self.retention_of(
                    self.record_retention_rule(row.retention_rule, row.purposes), row.collected_at
                ),
            )
            for row in rows
        ]

    def registered_basis(self, purposes: list[str]) -> str | None:
        for key in purposes:
            activity = self.reg.activities.get(key)
            if activity:
                return activity.legal_basis[0]
        return None

    def consents(self, subject_id: int) -> list[m.Consent]:
        ce, s = t.ConsentEvent, t.Source
        rows = self.c.execute(
            select(
                t.Consent.id.label("consent_id"),
                t.Consent.purpose,
                t.Consent.channel.label("consent_channel"),
                ce.action,
                ce.at,
                ce.method,
                ce.wording,
                ce.wording_version,
                ce.evidence,
                *SOURCE_COLUMNS,
            )
            .join(ce, ce.consent_id == t.Consent.id)
            .outerjoin(s, s.id == ce.source_id)
            .where(t.Consent.subject_id == subject_id)
            .order_by(t.Consent.purpose, t.Consent.channel, ce.at, ce.id)
        )
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in rows:
            grouped[row.consent_id].append(row)
        result = []
        for events in grouped.values():
            first = events[0]
            steps = [ConsentStep(ConsentAction(e.action), e.at) for e in events]
            state = status(steps)
            granted = [e.at for e in events if e.action in ("confirmed", "granted")]
            withdrawn = [e.at for e in events if e.action == "withdrawn"]
            actions = [e.action for e in events]
            result.append(
                m.Consent(
                    purpose=first.purpose,
                    purpose_label=self.purpose_label(first.purpose),
                    channel=first.consent_channel,
                    channel_label=L.label(L.CHANNELS, first.consent_channel, self.tr),
                    status=state.value,
                    status_label=L.label(L.CONSENT_STATUS, state.value, self.tr),
                    granted_at=granted[-1] if granted else None,
                    withdrawn_at=withdrawn[-1] if withdrawn and state.value == "withdrawn" else None,
                    double_opt_in="requested" in actions and "confirmed" in actions,
                    events=[
                        m.ConsentEventOut(
                            action=e.action,
                            action_label=L.label(L.CONSENT_ACTIONS, e.action, self.tr),
                            at=e.at,
                            method=e.method,
                            method_label=L.label(L.CONSENT_METHODS, e.method, self.tr) if e.method else None,
                            wording=e.wording,
                            wording_version=e.wording_version,
                            evidence=e.evidence or {},
                            source=self.source(e),
                        )
                        for e in events
                    ],
                )
            )
        return result

    def disclosures(self, subject_id: int) -> list[m.Disclosure]:
        d, rc = t.Disclosure, t.Recipient
        rows = self.c.execute(
            select(d.at, d.categories, d.purpose, d.legal_basis, d.reference, rc)
            .join(rc, rc.id == d.recipient_id)
            .where(d.subject_id == subject_id)
            .order_by(d.at, d.id)
        )
        return [
            m.Disclosure(
                recipient=self.recipient(row),
                at=row.at,
                categories=row.categories,
                category_labels=[categories.label(key, self.lang) for key in row.categories],
                purpose=row.purpose,
                purpose_label=self.purpose_label(row.purpose) if row.purpose else None,
                legal_basis=self.basis(row.legal_basis),
                reference=row.reference,
            )
            for row in rows
        ]

    # -- the whole answer ----------------------------------------------------------------------
    def answer(self, subject_id: int | None) -> m.Answer:
        now = datetime.now(UTC)
        controller = self.controller()
        if subject_id is None:
            return m.Answer(
                language=self.lang,
                generated_at=now,
                controller=controller,
                processed=False,
                statement=not_processed_statement(self.tr),
                subject=None,
                records=[],
                consents=[],
                disclosures=[],
                purposes=[],
                categories=[],
                recipients=[],
                sources=[],
                retention=[],
                rights=rights(self.tr, self.reg.controller),
                automated_decision_making=m.AutomatedDecisionMaking(
                    exists=False, statement=no_adm_statement(self.tr), decisions=[]
                ),
                third_country_transfers=[],
            )
        identifiers = self.identifiers(subject_id)
        records = self.records(subject_id)
        consents = self.consents(subject_id)
        disclosures = self.disclosures(subject_id)
        return summarise(
            self,
            now=now,
            controller=controller,
            subject=m.SubjectInfo(id=subject_id, identifiers=identifiers),
            records=records,
            consents=consents,
            disclosures=disclosures,
            statement=processed_statement(self.tr, len(records), len(consents), len(disclosures)),
            rights=rights(self.tr, self.reg.controller),
            adm_texts=(no_adm_statement(self.tr), adm_statement(self.tr)),
            transfer_text=lambda country, safeguard: transfer_statement(self.tr, country, safeguard),
        )

    def controller(self) -> m.ControllerOut | None:
        info = self.reg.controller
        if info is None:
            return None
        return m.ControllerOut(
            name=info.name,
            address=info.address,
            email=info.email,
            phone=info.phone,
            website=info.website,
            dpo_name=info.dpo.name,
            dpo_email=info.dpo.email,
            dpo_address=info.dpo.address,
            supervisory_authority=info.supervisory_authority.name,
            supervisory_authority_address=info.supervisory_authority.address,
            supervisory_authority_url=info.supervisory_authority.url,
        )


def _missing_source() -> m.SourceRef:
    raise AssertionError("a record without a source cannot be stored")
