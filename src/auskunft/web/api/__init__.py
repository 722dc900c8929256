"""The REST API, version 1 (docs/api.md): one module per resource, each with its own router."""

from __future__ import annotations

from fastapi import APIRouter

from auskunft.web.api import answers, events, marketing

router = APIRouter(prefix="/api/v1")
router.include_router(events.router)
router.include_router(answers.router)
router.include_router(marketing.router)
