"""Password hashes: argon2id (RFC 9106) with argon2-cffi's parameters, rehashed when those change."""

from __future__ import annotations

from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 1024
"""Longer input is refused before hashing: hashing costs memory, not only time."""


@cache
def hasher() -> PasswordHasher:
    return PasswordHasher()  # argon2id, RFC 9106 low-memory profile


def hash_password(password: str) -> str:
    return hasher().hash(password)


def verify(stored: str, password: str) -> bool:
    """Whether `password` matches the `stored` hash (constant work whatever the outcome)."""
    if len(password) > MAX_LENGTH:
        return False
    try:
        return hasher().verify(stored, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(stored: str) -> bool:
    return hasher().check_needs_rehash(stored)


@cache
def dummy_hash() -> str:
    """A hash verified against when the login name is unknown, so the answer takes as long either way."""
    return hash_password("no such user: this password is never right")
