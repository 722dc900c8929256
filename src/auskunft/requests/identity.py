"""Checking that a request comes from the person it names: a one-time code sent to an address on file.

- A request from an address already linked to a person: the code goes to that address.
- A request from an address we do not know that names someone we do know (by the identity lines of the
  letter: email, customer number, phone): the code goes to the address *on file* for that person — never to
  the address the request came from. Whoever wrote learns nothing until the code comes back.
- Nobody found: no code goes anywhere; the answer will be the negative one.

No copy of an identity document is asked for (EDPB Guidelines 01/2022, para. 73 ff.). Codes are 8 digits,
valid for `CODE_VALID_DAYS`, kept only as a keyed hash, and void after `MAX_ATTEMPTS` wrong tries.

The customer portal signs people in with the same codes (purpose `portal`, `redeem_portal`): a short
validity given by the portal, only the newest code of a person counts.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from auskunft.answer.builder import SubjectQuery, find_subject
from auskunft.domain.identifiers import IdentifierKind
from auskunft.errors import AuskunftError, Conflict, TokenRefused
from auskunft.ledger import Ledger
from auskunft.store import conversation_tables as ct
from auskunft.store import tables as t

CODE_VALID_DAYS = 14
MAX_ATTEMPTS = 5
PORTAL = "portal"
"""The purpose of the codes a customer signs in to the portal with (`redeem_portal`)."""

_CLAIM_KINDS = (
    ("email", IdentifierKind.EMAIL),
    ("customer_number", IdentifierKind.CUSTOMER_NUMBER),
    ("phone", IdentifierKind.PHONE),
)


@dataclass(frozen=True, slots=True)
class Target:
    """Whom a request names, and where the code may go."""

    subject_id: int
    address: str | None
    """An email address on file; None when the person has none (then an agent checks by phone or letter)."""


def _hash(ledger: Ledger, code: str) -> bytes:
    digits = "".join(ch for ch in code if ch.isdigit())
    return hmac.new(ledger.index.subkey("identity-code"), digits.encode(), hashlib.sha256).digest()


def new_code() -> str:
    number = f"{secrets.randbelow(10**8):08d}"
    return f"{number[:4]} {number[4:]}"


def _lookup(ledger: Ledger, connection: Connection, kind: IdentifierKind, value: str) -> int | None:
    try:
        return find_subject(
            connection, ledger.index, SubjectQuery(kind, value), ledger.settings.default_region
        )
    except (AuskunftError, ValueError):
        return None


def claimed_subject(
    ledger: Ledger,
    connection: Connection,
    sender: dict[str, str],
    identity: dict[str, str],
    sender_known_subject: int | None,
) -> int | None:
    """The person the request is about: the known sender, else the first person its identity lines name."""
    if sender_known_subject is not None:
        return sender_known_subject
    for key, kind in _CLAIM_KINDS:
        value = identity.get(key)
        if value:
            found = _lookup(ledger, connection, kind, value)
            if found is not None:
                return found
    return None


def address_on_file(
    connection: Connection, subject_id: int, preferred: str | None, not_before: datetime | None = None
) -> str | None:
    """An email address on file for the person: `preferred` when it is theirs, else the oldest one.

    `not_before`: addresses first seen at or after this moment (e.g. brought by the request itself) do not
    count as "on file".
    """
    rows = connection.execute(
        select(t.Identifier.value, t.Identifier.seen_at)
        .where(t.Identifier.subject_id == subject_id, t.Identifier.kind == IdentifierKind.EMAIL.value)
        .order_by(t.Identifier.seen_at, t.Identifier.id)
    ).all()
    usable = [row.value for row in rows if not_before is None or row.seen_at < not_before]
    if preferred and preferred.lower() in usable:
        return preferred.lower()
    return usable[0] if usable else None


def issue(
    ledger: Ledger,
    connection: Connection,
    purpose: str,
    subject_id: int,
    address: str,
    case_id: int | None = None,
    valid: timedelta = timedelta(days=CODE_VALID_DAYS),
) -> str:
    """A new code for `subject_id`, to be sent to `address`, valid for `valid`; earlier unused codes of the
    case (or, for a portal sign-in, the person's earlier unused sign-in codes) are voided."""
    now = datetime.now(UTC)
    if case_id is not None or purpose == PORTAL:
        owner = (
            ct.VerificationCode.case_id == case_id
            if case_id is not None
            else (ct.VerificationCode.purpose == PORTAL) & (ct.VerificationCode.subject_id == subject_id)
        )
        connection.execute(
            update(ct.VerificationCode)
            .where(owner, ct.VerificationCode.used_at.is_(None), ct.VerificationCode.expires_at > now)
            .values(expires_at=now)
        )
    code = new_code()
    connection.execute(
        insert(ct.VerificationCode).values(
            purpose=purpose,
            case_id=case_id,
            subject_id=subject_id,
            code_hash=_hash(ledger, code),
            sent_to=address,
            created_at=now,
            expires_at=now + valid,
            attempts=0,
            used_at=None,
        )
    )
    return code


def redeem(ledger: Ledger, case_id: int, code: str) -> int:
    """The verified subject when `code` is the case's current code; raises TokenRefused otherwise.

    A wrong try is counted (and committed) before the refusal is raised.
    """
    now = datetime.now(UTC)
    codes = ct.VerificationCode.__table__
    refusal: TokenRefused | None = None
    with ledger.engine.begin() as connection:
        row = connection.execute(
            select(codes)
            .where(codes.c.case_id == case_id, codes.c.used_at.is_(None))
            .order_by(codes.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise Conflict("no code is pending for this case")
        if row.expires_at <= now:
            raise TokenRefused("expired", "the code has expired; send a new one")
        if row.attempts >= MAX_ATTEMPTS:
            raise TokenRefused("attempts", "too many wrong codes; send a new one")
        if hmac.compare_digest(row.code_hash, _hash(ledger, code)):
            connection.execute(
                update(ct.VerificationCode).where(ct.VerificationCode.id == row.id).values(used_at=now)
            )
            return int(row.subject_id)
        connection.execute(
            update(ct.VerificationCode)
            .where(ct.VerificationCode.id == row.id)
            .values(attempts=row.attempts + 1)
        )
        refusal = TokenRefused("wrong", f"wrong code ({MAX_ATTEMPTS - row.attempts - 1} tries left)")
    raise refusal


def redeem_portal(ledger: Ledger, subject_id: int, code: str, now: datetime | None = None) -> str:
    """The address a portal sign-in code went to, when `code` is the person's current one; TokenRefused
    otherwise (reason `none`, `expired`, `attempts` or `wrong`; a wrong try is counted and committed first).

    The code is compared as a keyed hash in constant time; a redeemed code is used up.
    """
    now = now or datetime.now(UTC)
    codes = ct.VerificationCode.__table__
    with ledger.engine.begin() as connection:
        row = connection.execute(
            select(codes)
            .where(codes.c.purpose == PORTAL, codes.c.subject_id == subject_id, codes.c.used_at.is_(None))
            .order_by(codes.c.id.desc())
            .limit(1)
        ).first()
        if row is None:
            raise TokenRefused("none", "no sign-in code is pending")
        if row.expires_at <= now:
            raise TokenRefused("expired", "the code has expired; ask for a new one")
        if row.attempts >= MAX_ATTEMPTS:
            raise TokenRefused("attempts", "too many wrong codes; ask for a new one")
        matches = hmac.compare_digest(row.code_hash, _hash(ledger, code))
        connection.execute(
            update(ct.VerificationCode)
            .where(ct.VerificationCode.id == row.id)
            .values({"used_at": now} if matches else {"attempts": row.attempts + 1})
        )
    if not matches:
        raise TokenRefused("wrong", "wrong code")
    return str(row.sent_to)


def verified_address_query(case_id: int) -> Any:
    """The address the case's redeemed code went to (select statement)."""
    codes = ct.VerificationCode.__table__
    return (
        select(codes.c.sent_to)
        .where(codes.c.case_id == case_id, codes.c.used_at.is_not(None))
        .order_by(codes.c.used_at.desc())
        .limit(1)
    )
