"""What the routes of the API depend on: the ledger and the caller's API key with its scope."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from auskunft.ledger import Ledger
from auskunft.web import apikeys
from auskunft.web.apikeys import ApiKey, Scope, Unauthenticated

bearer = HTTPBearer(
    auto_error=False,
    bearerFormat="ak_<prefix>_<secret>",
    description="An API key (`auskunft apikey add`), sent as `Authorization: Bearer ak_...`.",
)


def get_ledger(request: Request) -> Ledger:
    ledger = request.app.state.ledger
    assert isinstance(ledger, Ledger), "the ledger is opened when the application starts"
    return ledger


LedgerDep = Annotated[Ledger, Depends(get_ledger)]


def caller(
    ledger: LedgerDep, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> ApiKey:
    """The valid, unrevoked key the request carries; Unauthenticated otherwise."""
    if credentials is None:
        raise Unauthenticated("missing API key: send the header Authorization: Bearer ak_...")
    with ledger.engine.connect() as connection:
        return apikeys.verify(connection, credentials.credentials)


def scoped(scope: Scope) -> Any:
    """A dependency giving the caller's key if it grants `scope` (Forbidden otherwise)."""

    def key_with_scope(key: Annotated[ApiKey, Depends(caller)]) -> ApiKey:
        key.require(scope)
        return key

    return Depends(key_with_scope)
