"""The answer builder: reads one subject's data from the ledger and builds the Art. 15 answer.

An answer costs a handful of indexed queries on `subject_id`, whatever the size of the ledger.
The queries are built once, at import, as Core statements with a bound `subject_id`: SQLAlchemy
then finds their compiled form in its cache without building or hashing a new expression tree
and without adapting the result metadata on every call.

The register (activities, retention rules, recipients, controller) is read once and kept until it
is loaded again; so is everything derived from it and the translation catalogue in one language
(labels, legal-basis citations, retention texts, rights, controller), see `_Context`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlalchemy import Connection

from auskunft.answer import labels as L
from auskunft.answer import model as m
from auskunft.answer.queries import (
    CONSENTS,
    DISCLOSURES,
    EEA,
    FIND_SUBJECT,
    IDENTIFIERS,
    OBJECTIONS,
    RECORDS,
    REGISTER_STAMP,
    SOURCE_OFFSET,
    SUPPRESSIONS,
)
from auskunft.answer.rights import (
    adm_statement,
    no_adm_statement,
    not_processed_statement,
    processed_statement,
    rights,
    transfer_statement,
)
from auskunft.answer.summaries import (
    Advertising,
    advertising_purposes,
    objections_out,
    permissions,
    summarise,
)
from auskunft.domain import categories
from auskunft.domain import legal_basis as lb
from auskunft.domain.consent import ConsentAction, ConsentStep, status
from auskunft.domain.identifiers import IdentifierKind, normalise
from auskunft.domain.retention import RetentionRule
from auskunft.i18n import Language, translations
from auskunft.marketing.rules import ObjectionFact, Suppression
from auskunft.register import store as register_store
from auskunft.store.blind_index import BlindIndex

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True, slots=True)
class SubjectQuery:
    kind: IdentifierKind
    value: str


def find_subject(
    connection: Connection, index: BlindIndex, query: SubjectQuery, region: str = "DE"
) -> int | None:
    """The subject an identifier points at, or None. Raises InvalidIdentifier for malformed input."""
    lookup = index.lookup(query.kind.value, normalise(query.kind, query.value, region))
    found = connection.scalar(FIND_SUBJECT, {"lookup": lookup})
    return int(found) if found is not None else None


class AnswerBuilder:
    def __init__(self) -> None:
        self._register: register_store.RegisterView | None = None
        self._register_stamp: object = None
        self._contexts: dict[str, _Context] = {}

    def register(self, connection: Connection) -> register_store.RegisterView:
        stamp = connection.scalar(REGISTER_STAMP)
        if self._register is None or stamp != self._register_stamp:
            self._register = register_store.read(connection)
            self._register_stamp = stamp
            self._contexts = {}
        return self._register

    def build(self, connection: Connection, subject_id: int | None, lang: Language) -> m.Answer:
        """The answer for a subject (None: nobody found, the negative answer)."""
        register = self.register(connection)
        context = self._contexts.get(lang)
        if context is None or context.reg is not register:
            context = self._contexts[lang] = _Context(register, lang)
        return _Build(connection, context).answer(subject_id)


class _Context:
    """What answers in one language take from the register and the catalogue, worked out once.

    Kept by `AnswerBuilder` until the register is loaded again. Everything handed out is immutable
    (frozen models, strings, tuples) and so can be shared between answers.
    """

    def __init__(self, register: register_store.RegisterView, lang: Language) -> None:
        self.reg = register
        self.lang = lang
        tr = self.tr = translations(lang).gettext
        self.identifier_kinds = _translated(L.IDENTIFIER_KINDS, tr)
        self.source_kinds = _translated(L.SOURCE_KINDS, tr)
        self.channels = _translated(L.CHANNELS, tr)
        self.consent_actions = _translated(L.CONSENT_ACTIONS, tr)
        self.consent_status = _translated(L.CONSENT_STATUS, tr)
        self.consent_methods = _translated(L.CONSENT_METHODS, tr)
        self.recipient_roles = _translated(L.RECIPIENT_ROLES, tr)
        self.default_retention_label = tr(
            "As long as needed for the purposes named; we erase the data when they are no longer "
            "needed and no statutory retention period applies."
        )
        self.rights = tuple(rights(tr, register.controller))
        self.not_processed_statement = not_processed_statement(tr)
        self.adm_texts = (no_adm_statement(tr), adm_statement(tr))
        self.controller = _controller_out(register)
        self.advertising: tuple[Advertising, ...] = advertising_purposes(register)
        """The register's advertising purposes with their channels: the answer's `marketing` section."""
        self._bases: dict[str, m.LegalBasisRef] = {}
        self._retentions: dict[str | None, m.Retention] = {}
        self._purpose_labels: dict[str, str] = {}
        self._by_purposes: dict[tuple[str, ...], tuple[str | None, str | None]] = {}

    def basis(self, code: str) -> m.LegalBasisRef:
        ref = self._bases.get(code)
        if ref is None:
            ref = _remember(
                self._bases, code, m.LegalBasisRef(code=code, citation=lb.citation(code, self.lang))
            )
        return ref

    def purpose_label(self, key: str) -> str:
        label = self._purpose_labels.get(key)
        if label is None:
            activity = self.reg.activities.get(key)
            label = _remember(self._purpose_labels, key, activity.name.get(self.lang) if activity else key)
        return label

    def retention(self, rule_key: str | None) -> m.Retention:
        """The retention under a rule, without the day it ends."""
        retention = self._retentions.get(rule_key)
        if retention is None:
            rule = self.reg.retention_rules.get(rule_key) if rule_key else None
            if rule is None:
                retention = m.Retention(rule=rule_key, label=self.default_retention_label)
            else:
                retention = m.Retention(
                    rule=rule.key, label=rule.label(self.lang), months=rule.months, legal_ref=rule.legal_ref
                )
            _remember(self._retentions, rule_key, retention)
        return retention

    def purpose_defaults(self, purposes: Sequence[str]) -> tuple[str | None, str | None]:
        """Legal basis and retention rule the register gives data kept for these purposes."""
        key = tuple(purposes)
        defaults = self._by_purposes.get(key)
        if defaults is None:
            defaults = (self._registered_basis(purposes), self._registered_retention_rule(purposes))
            _remember(self._by_purposes, key, defaults)
        return defaults

    def _registered_basis(self, purposes: Sequence[str]) -> str | None:
        for key in purposes:
            activity = self.reg.activities.get(key)
            if activity:
                return activity.legal_basis[0]
        return None

    def _registered_retention_rule(self, purposes: Sequence[str]) -> str | None:
        """Of the rules of the purposes' activities, the one keeping data longest."""
        rules: list[RetentionRule] = [
            self.reg.retention_rules[activity.retention]
            for key in purposes
            if (activity := self.reg.activities.get(key)) and activity.retention in self.reg.retention_rules
        ]
        if not rules:
            return None
        return max(rules, key=lambda rule: -1 if rule.months is None else rule.months).key


_MEMO_LIMIT = 4096
"""Entries a `_Context` memo may hold: its keys come from the data, so they are bounded only by this."""


def _remember(memo: dict[K, V], key: K, value: V) -> V:
    if len(memo) >= _MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


def _translated(vocabulary: dict[str, str], translate: L.Translate) -> dict[str, str]:
    """A vocabulary's labels in one language (look up with `.get(key, key)`, as `labels.label` does)."""
    return {key: L.label(vocabulary, key, translate) for key in vocabulary}


def _controller_out(register: register_store.RegisterView) -> m.ControllerOut | None:
    info = register.controller
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


class _Build:
    def __init__(self, connection: Connection, context: _Context) -> None:
        self.c = connection
        self.cx = context
        self.reg = context.reg
        self.lang = context.lang
        self.tr = context.tr
        self._sources: dict[int, m.SourceRef] = {}
        self.notices: dict[int, dict[str, Any]] = {}
        """Notices shown at collection, by record id (only records that have one)."""
        self.objected = False
        """Whether the person objected to anything (read with the identifiers)."""

    # -- helpers -------------------------------------------------------------------------------
    def basis(self, code: str | None) -> m.LegalBasisRef | None:
        return self.cx.basis(code) if code else None

    def purpose_label(self, key: str) -> str:
        return self.cx.purpose_label(key)

    def retention_of(self, rule_key: str | None, collected_at: datetime | None = None) -> m.Retention:
        rule = self.reg.retention_rules.get(rule_key) if rule_key and collected_at else None
        until = rule.until(collected_at) if rule and collected_at else None
        if rule is None or until is None:
            return self.cx.retention(rule_key)
        return m.Retention(
            rule=rule.key,
            label=rule.label(self.lang),
            months=rule.months,
            until=until,
            legal_ref=rule.legal_ref,
        )

    def source(self, columns: Sequence[Any]) -> m.SourceRef | None:
        """The source in the `SOURCE_COLUMNS` of a row, `row[SOURCE_OFFSET:]` (None when the row has none)."""
        src_id, kind, channel, name, detail, received_at, public = columns
        if src_id is None:
            return None
        cached = self._sources.get(src_id)
        if cached is None:
            cached = self._sources[src_id] = m.SourceRef(
                kind=kind,
                kind_label=self.cx.source_kinds.get(kind, kind),
                channel=channel,
                channel_label=self.cx.channels.get(channel, channel) if channel else None,
                name=name,
                detail=detail,
                received_at=received_at,
                publicly_accessible=public,
                collected_from_subject=kind in ("channel", "subject"),
            )
        return cached

    def recipient(self, name: str, role: str, country: str | None, safeguard: str | None) -> m.RecipientOut:
        spec = self.reg.recipients.get(name)
        description = spec.description.get(self.lang) if spec and spec.description else None
        return m.RecipientOut(
            name=name,
            role=role,
            role_label=self.cx.recipient_roles.get(role, role),
            country=country,
            third_country=bool(country) and country not in EEA,
            safeguard=safeguard,
            description=description,
        )

    # -- sections ------------------------------------------------------------------------------
    def identifiers(self, subject_id: int) -> list[m.Identifier]:
        labels = self.cx.identifier_kinds
        rows = self.c.execute(IDENTIFIERS, {"subject_id": subject_id}).all()
        self.objected = bool(rows and rows[0].objected)
        return [
            m.Identifier(
                kind=row.kind,
                label=labels.get(row.kind, row.kind),
                value=row.value,
                since=row.seen_at,
                source=self.source(row[SOURCE_OFFSET:]),
            )
            for row in rows
        ]

    def records(self, subject_id: int) -> list[m.Record]:
        cx, lang = self.cx, self.lang
        result = []
        for row in self.c.execute(RECORDS, {"subject_id": subject_id}).all():
            record_id, category, value, collected_at, date_only, purposes, basis, rule, notice = row[
                :SOURCE_OFFSET
            ]
            if notice is not None:
                self.notices[record_id] = notice
            default_basis, default_rule = cx.purpose_defaults(purposes)
            source = self.source(row[SOURCE_OFFSET:])
            assert source is not None, "a record without a source cannot be stored"
            result.append(
                m.Record(
                    id=record_id,
                    category=category,
                    label=categories.label(category, lang),
                    value=value,
                    source=source,
                    collected_at=collected_at,
                    collected_date_only=date_only,
                    purposes=purposes,
                    legal_basis=self.basis(basis or default_basis),
                    retention=self.retention_of(rule or default_rule, collected_at),
                )
            )
        return result

    def consents(self, subject_id: int) -> list[m.Consent]:
        cx = self.cx
        grouped: dict[int, list[Any]] = defaultdict(list)
        for row in self.c.execute(CONSENTS, {"subject_id": subject_id}).all():
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
                    purpose_label=cx.purpose_label(first.purpose),
                    channel=first.consent_channel,
                    channel_label=cx.channels.get(first.consent_channel, first.consent_channel),
                    status=state.value,
                    status_label=cx.consent_status.get(state.value, state.value),
                    granted_at=granted[-1] if granted else None,
                    withdrawn_at=withdrawn[-1] if withdrawn and state.value == "withdrawn" else None,
                    double_opt_in="requested" in actions and "confirmed" in actions,
                    events=[
                        m.ConsentEventOut(
                            action=e.action,
                            action_label=cx.consent_actions.get(e.action, e.action),
                            at=e.at,
                            method=e.method,
                            method_label=cx.consent_methods.get(e.method, e.method) if e.method else None,
                            wording=e.wording,
                            wording_version=e.wording_version,
                            evidence=e.evidence or {},
                            source=self.source(e[SOURCE_OFFSET:]),
                        )
                        for e in events
                    ],
                )
            )
        return result

    def disclosures(self, subject_id: int) -> list[m.Disclosure]:
        return [
            m.Disclosure(
                recipient=self.recipient(row.name, row.role, row.country, row.safeguard),
                at=row.at,
                categories=row.categories,
                category_labels=[categories.label(key, self.lang) for key in row.categories],
                purpose=row.purpose,
                purpose_label=self.purpose_label(row.purpose) if row.purpose else None,
                legal_basis=self.basis(row.legal_basis),
                reference=row.reference,
            )
            for row in self.c.execute(DISCLOSURES, {"subject_id": subject_id}).all()
        ]

    def objections(self, subject_id: int) -> list[ObjectionFact]:
        return [ObjectionFact(*row) for row in self.c.execute(OBJECTIONS, {"subject_id": subject_id})]

    def suppressions(self, subject_id: int) -> dict[str, Suppression]:
        """The person's suppression-list entries by identifier kind (the earliest of each kind)."""
        found: dict[str, Suppression] = {}
        for kind, at, reason in self.c.execute(SUPPRESSIONS, {"subject_id": subject_id}):
            found.setdefault(kind, Suppression(at, reason))
        return found

    # -- the whole answer ----------------------------------------------------------------------
    def answer(self, subject_id: int | None) -> m.Answer:
        now = datetime.now(UTC)
        cx = self.cx
        if subject_id is None:
            return m.Answer(
                language=self.lang,
                generated_at=now,
                controller=cx.controller,
                processed=False,
                statement=cx.not_processed_statement,
                subject=None,
                records=[],
                consents=[],
                disclosures=[],
                purposes=[],
                categories=[],
                recipients=[],
                sources=[],
                retention=[],
                rights=list(cx.rights),
                automated_decision_making=m.AutomatedDecisionMaking(
                    exists=False, statement=cx.adm_texts[0], decisions=[]
                ),
                third_country_transfers=[],
            )
        identifiers = self.identifiers(subject_id)
        records = self.records(subject_id)
        consents = self.consents(subject_id)
        disclosures = self.disclosures(subject_id)
        objections = self.objections(subject_id) if self.objected else []
        marketing = (
            permissions(self, now, identifiers, records, consents, objections, self.suppressions(subject_id))
            if cx.advertising
            else []
        )
        return summarise(
            self,
            now=now,
            controller=cx.controller,
            subject=m.SubjectInfo(id=subject_id, identifiers=identifiers),
            records=records,
            consents=consents,
            disclosures=disclosures,
            objections=objections_out(self, objections),
            marketing=marketing,
            statement=processed_statement(self.tr, len(records), len(consents), len(disclosures)),
            rights=list(cx.rights),
            adm_texts=cx.adm_texts,
            transfer_text=lambda country, safeguard: transfer_statement(self.tr, country, safeguard),
        )
