"""The public help pages: FAQ, legal articles and the contact form's suggestions (docs/search.md).

`install(app)` adds them to the web application; `links` (no web framework) gives the addresses of the
article pages and links citations in text, for the answer letter as well.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from fastapi import FastAPI


def install(app: FastAPI, **options: Any) -> Any:
    """Add `/hilfe` and `/recht` to `app` (see `views.install`)."""
    from auskunft.knowledge.web.views import install as install_views

    return install_views(app, **options)
