"""The public help pages as one router: FAQ (`/hilfe`), legal articles (`/recht`), form suggestions.

`install(app)` adds them to the web application and tells the contact form to suggest FAQ answers
(`app.state.faq_suggestions`). Addresses and behaviour: docs/search.md and docs/legal.md, "Web pages".
"""

from __future__ import annotations

from fastapi import APIRouter, FastAPI

from auskunft.channels.form.guard import RateLimit
from auskunft.knowledge.web import faq_pages, legal_pages, site, suggestions

router = APIRouter()
# fixed addresses before `/hilfe/{slug}`: an entry cannot be called "suche" or "vorschlaege"
router.include_router(suggestions.router)
router.include_router(faq_pages.router)
router.include_router(legal_pages.router)


def install(app: FastAPI, *, rate_limit: RateLimit | None = None) -> site.KnowledgeSite:
    """Add `/hilfe`, `/recht` and the suggestions to `app`; the state is kept as `app.state.knowledge`
    (with the process's one `SearchService`). `rate_limit`: of the suggestions (default 30 a minute)."""
    knowledge = site.KnowledgeSite(rate_limit)
    app.state.knowledge = knowledge
    app.state.faq_suggestions = suggestions.FormSuggestions()
    app.include_router(router)
    return knowledge
