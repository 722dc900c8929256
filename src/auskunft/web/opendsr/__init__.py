"""OpenDSR 2.0, the processor side: controllers submit data-subject requests, auskunft tracks them as
request cases and reports their status back with signed callbacks (docs/opendsr.md).

    mapping     OpenDSR types, identities and statuses ↔ request kinds, identifiers and case states
    models      the JSON objects of the specification (pydantic)
    signing     HMAC-SHA256 signatures of answers and callbacks
    service     submit (idempotent), status, cancel — on request cases
    callbacks   queue on change, deliver with retries and backoff
    routes      the endpoints under /opendsr/v2
    cli         `auskunft opendsr deliver`
"""

from __future__ import annotations

from fastapi import FastAPI

from auskunft.web.opendsr.routes import router


def install(app: FastAPI) -> None:
    """Add the OpenDSR endpoints to `app`."""
    app.include_router(router)


__all__ = ["install", "router"]
