"""The facts of a whole campaign list, gathered in bulk: `facts.gather` for a million addresses.

`gather` asks a handful of indexed questions per address; here each question is asked for many addresses
at once, in one of two ways. A list that is large beside the ledger reads the ledger once (a scan costs a
fraction of an index probe per row): every identifier's lookup, the suppression list, the consents for
the campaign's purpose and channel, the objections — and the sales and address records, but only when
they can change a decision (§ 7(3) UWG advertising by email; see `sales_read`). A small list asks per
chunk, with IN lists: whose are these addresses, which are suppressed, and all facts of the people found.
The answers are joined in memory into the facts `gather` finds for the same address, so `rules.decide` —
the only place the rules live — answers the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from datetime import datetime
from itertools import repeat
from typing import Any

from sqlalchemy import Connection, func, select

from auskunft.marketing import campaign_sql as q
from auskunft.marketing.facts import ADDRESS_CATEGORY, ADDRESS_KIND, OWN_SOURCES, consent_fact
from auskunft.marketing.rules import (
    Channel,
    ConsentFact,
    Facts,
    ObjectionFact,
    PurposeProfile,
    SaleFact,
    Suppression,
)
from auskunft.store import tables as t

Origin = tuple[datetime, str, str | None, str | None, str | None]
"""Where an address came from: since, source kind, channel, name, detail (as `facts.AddressOrigin`)."""
Signature = tuple[
    bool,
    ConsentFact | None,
    tuple[ObjectionFact, ...],
    tuple[SaleFact, ...],
    tuple[str, ...],
    Suppression | None,
]
"""Everything an address's facts hold besides what the campaign fixes: known, consent, objections, sales,
third-party sources, suppression. Equal signatures mean equal facts, hence equal decisions."""
Key = tuple[int, str | None]
"""A subject and, for email, the normalised address (the facts of one address of a person)."""

SCAN_ROWS_PER_PROBE = 6
"""Reading the whole ledger pays when the list has more addresses than identifiers / this."""
UNKNOWN: Signature = (False, None, (), (), (), None)
_MISSING: Any = object()
SALE_REASONS = frozenset({"uwg73_sale", "uwg73_notice"})
"""Reasons about sales, not examined when `CampaignFacts.sales_read` is false."""


class CampaignFacts:
    """What the ledger says about the addresses of one campaign (channel, purpose, moment)."""

    def __init__(
        self,
        connection: Connection,
        channel: Channel,
        purpose: PurposeProfile,
        at: datetime,
        normalised: Callable[[str], str | None],
        expected: int,
    ) -> None:
        """`expected`: about how many addresses the list holds (chooses how to read the ledger)."""
        self.channel, self.purpose, self.at = channel, purpose, at
        self._select = q.Select(connection)
        self._normalised = normalised
        self._kind = ADDRESS_KIND[channel].value
        self._by_address = channel is Channel.EMAIL
        """Email facts are about one address of a person; phone and postal ones about all of theirs."""
        self._subjects: dict[bytes, int] = {}
        self._identifier_origins: dict[bytes, Origin] = {}
        self._suppressed: dict[bytes, Suppression] = {}
        self._consents: dict[int, ConsentFact] = {}
        self._objections: dict[int, tuple[ObjectionFact, ...]] = {}
        self._origins: dict[Key, list[Origin]] = defaultdict(list)
        self._sales: dict[Key, list[SaleFact]] = defaultdict(list)
        self._loaded: set[int] = set()
        self._special: set[int] = set()
        """People with more than a consent to know about: objections, address records."""
        self._states: dict[str, ConsentFact | None] = {}
        self.distinct: list[Signature] = [UNKNOWN]
        """The signatures met so far; `signatures` answers with indexes into this list."""
        self._ids: dict[Signature, int] = {UNKNOWN: 0}
        self._plain_ids: dict[int, int] = {}
        """Signature index of a known person with nothing but (or not even) a consent, by id() of that."""
        self._by_subject: dict[int | None, int] | None = None
        """Whole ledger: the signature index of each person with nothing but a consent (None: unknown)."""
        self._known = 0
        """Whole ledger: the signature index of a person with nothing at all."""
        self._odd: set[bytes] = set()
        """Whole ledger: the lookups of addresses with more than a consent to know about."""
        identifiers = connection.scalar(select(func.max(t.Identifier.id))) or 0
        self.whole_ledger = expected * SCAN_ROWS_PER_PROBE >= identifiers
        self.sales_read = not self.whole_ledger or (self._by_address and purpose.own_similar_goods)
        """Whether sales and address records were read. Reading them for the whole ledger costs seconds,
        and they change no decision unless the purpose is § 7(3) UWG advertising by email; without
        them, the conditions on sales (SALE_REASONS) are not examined, and an address counts as from
        a third party when one brought it first."""
        if self.whole_ledger:
            self._resolve(None)
            self._load_subjects(None)
            if self.sales_read:
                self._load_records(None)

    def facts(self, index: int) -> Facts:
        known, consent, objections, sales, sources, suppression = self.distinct[index]
        return Facts(
            channel=self.channel,
            purpose=self.purpose,
            at=self.at,
            known=known,
            consents=(consent,) if consent else (),
            objections=objections,
            sales=sales,
            third_party_sources=sources,
            suppression=suppression,
        )

    def signatures(self, addresses: list[str], lookups: list[bytes]) -> list[int]:
        """The signature (index into `distinct`) of each normalised address, given with its lookup."""
        if not self.whole_ledger:
            values = sorted(lookups)
            self._resolve(values)
            people = {self._subjects[v] for v in values if v in self._subjects}
            self._load_subjects(sorted(people - self._loaded))
            self._loaded |= people
            return [self._plain_or_full(a, lookup) for a, lookup in zip(addresses, lookups, strict=True)]
        if self._by_subject is None:  # everyone with nothing but (or not even) a consent, once
            self._by_subject = {None: 0}
            for subject, consent in self._consents.items():
                self._by_subject[subject] = self._plain(consent)
            self._known = self._plain(None)
            special = self._special
            odd = (
                {lookup for lookup, subject in self._subjects.items() if subject in special}
                if special
                else set()
            )
            self._odd = odd | self._suppressed.keys() | self._identifier_origins.keys()
        found = list(map(self._subjects.get, lookups))  # map(): no Python code per address
        result: list[int] = list(map(self._by_subject.get, found, repeat(self._known)))
        if odd_ones := self._odd.intersection(lookups):
            position = dict(zip(lookups, range(len(lookups)), strict=True))
            for lookup in odd_ones:
                i = position[lookup]
                result[i] = self._signature(addresses[i], lookup, found[i])
        return result

    def _plain_or_full(self, address: str, lookup: bytes, subject: int | None = None) -> int:
        if subject is None:
            subject = self._subjects.get(lookup)
        if lookup in self._suppressed or lookup in self._identifier_origins or subject in self._special:
            return self._signature(address, lookup, subject)
        return 0 if subject is None else self._plain(self._consents.get(subject))

    def _plain(self, consent: ConsentFact | None) -> int:
        """The signature of a known person with nothing but this consent (or none), found without hashing."""
        index = self._plain_ids.get(id(consent))
        if index is None:
            index = self._plain_ids[id(consent)] = self._intern((True, consent, (), (), (), None))
        return index

    def _signature(self, address: str, lookup: bytes, subject: int | None) -> int:
        suppression = self._suppressed.get(lookup)
        if subject is None:
            return self._intern((False, None, (), (), (), suppression))
        key = (subject, address if self._by_address else None)
        origins = self._origins.get(key, [])
        if (origin := self._identifier_origins.get(lookup)) is not None:
            origins = [*origins, origin]
        return self._intern(
            (
                True,
                self._consents.get(subject),
                self._objections.get(subject, ()),
                tuple(self._sales.get(key, ())),
                _third_party(origins, self.at) if origins else (),
                suppression,
            )
        )

    def _intern(self, signature: Signature) -> int:
        index = self._ids.get(signature)
        if index is None:
            index = self._ids[signature] = len(self.distinct)
            self.distinct.append(signature)
        return index

    def _resolve(self, lookups: list[bytes] | None) -> None:
        """Whose the addresses are, which came from third parties, which are suppressed (None: all)."""
        kind = self._kind
        self._subjects.update(self._select(q.IDENTIFIERS, [kind], "lookup", lookups))
        rows = self._select(q.THIRD_PARTY_IDENTIFIERS, [kind, *OWN_SOURCES], "i.lookup", lookups)
        for lookup, seen_at, *source in rows:
            self._identifier_origins[lookup] = (q.utc(seen_at), *source)
        for lookup, at, reason in self._select(q.SUPPRESSIONS, [], "lookup", lookups):
            self._suppressed[lookup] = Suppression(q.utc(at), reason)

    def _load_subjects(self, subjects: list[int] | None) -> None:
        """Consents, objections (and in chunks, address records) of these people (None: everyone's)."""
        sql = q.CONSENTS.replace("{events}", q.EVENTS[self._select.dialect])
        states = self._states  # the same history gives the same state: computed once
        for subject, history in self._select(
            sql, [self.purpose.key, self.channel.value], "c.subject_id", subjects
        ):
            state = states.get(history, _MISSING)
            if state is _MISSING:
                events = [q.consent_event(event.split("\x1f")) for event in history.split("\x1e")]
                state = states[history] = consent_fact(self.purpose.key, self.channel.value, events, self.at)
            if state is not None:
                self._consents[subject] = state
        objections: dict[int, list[ObjectionFact]] = defaultdict(list)
        for subject, at, purpose, channel, via in self._select(q.OBJECTIONS, [], "subject_id", subjects):
            objections[subject].append(ObjectionFact(q.utc(at), purpose, channel, via))
        self._objections.update((subject, tuple(found)) for subject, found in objections.items())
        self._special.update(objections)
        if subjects is not None and self.sales_read:
            self._load_records(subjects)

    def _load_records(self, subjects: list[int] | None) -> None:
        """Address records of the channel's category from third parties, and (email) from sales."""
        email = self._by_address
        which = q.EMAIL_FROM_THIRD_PARTIES_OR_SALES if email else q.FROM_THIRD_PARTIES
        sql = q.ADDRESS_RECORDS.replace("{which}", which)
        params = [ADDRESS_CATEGORY[self.channel], *OWN_SOURCES] + (['%"contract"%', "%@%"] if email else [])
        for subject, value, collected, purposes, notice, kind, *source in self._select(
            sql, params, "r.subject_id", subjects
        ):
            address = self._normalised(value) if email else None
            if email and address is None:
                continue
            key = (subject, address)
            self._special.add(subject)
            if kind not in OWN_SOURCES:
                self._origins[key].append((q.utc(collected), kind, *source))
            elif "contract" in q.json_value(purposes):  # a sale (§ 7(3) Nr. 1 UWG)
                given = (q.json_value(notice) or {}).get("kind") == "objection_right"
                self._sales[key].append(SaleFact(q.utc(collected), None, given))


def _third_party(origins: list[Origin], at: datetime) -> tuple[str, ...]:
    """The third parties an address came from by `at`, as `facts.gather` names them."""
    first: dict[tuple[str, str | None, str | None, str | None], Origin] = {}
    for origin in origins:
        key = origin[1:]
        if key not in first or origin[0] < first[key][0]:
            first[key] = origin
    ordered = sorted(first.values(), key=lambda o: o[0])
    return tuple(dict.fromkeys(o[3] or o[1] for o in ordered if o[1] not in OWN_SOURCES and o[0] <= at))
