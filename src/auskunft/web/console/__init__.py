"""The agents' console: login, inbox, conversations, the customer view, request cases, audit and users;
for the DPO the dashboard and the register of processing activities.

`install(app)` adds its routes and the shared static files (`web/static`) to the application.
"""

from __future__ import annotations

from functools import cache
from importlib import resources

from fastapi import APIRouter, FastAPI
from starlette.requests import Request
from starlette.responses import Response

from auskunft.errors import NotFound
from auskunft.web.auth import views as auth_views
from auskunft.web.auth.deps import LoginRequired
from auskunft.web.console import (
    admin,
    casework,
    conversations,
    customer,
    dashboard,
    knowledge,
    register_pages,
)
from auskunft.web.console.render import error_response

STATIC = {
    "auskunft.css": "text/css",
    "print.css": "text/css",
    "dpo.css": "text/css",
}
"""The files under web/static that are served at /static/<name>; nothing else is."""


@cache
def _static(name: str) -> bytes:
    return resources.files("auskunft.web").joinpath(f"static/{name}").read_bytes()


def static_router() -> APIRouter:
    routes = APIRouter(include_in_schema=False)

    @routes.get("/static/{name}")
    def static(name: str) -> Response:
        if name not in STATIC:
            raise NotFound("no such file")
        return Response(
            _static(name),
            media_type=STATIC[name],
            headers={"Cache-Control": "public, max-age=3600", "X-Content-Type-Options": "nosniff"},
        )

    return routes


def router() -> APIRouter:
    routes = APIRouter()
    for part in (auth_views, conversations, customer, casework, knowledge, admin, dashboard, register_pages):
        routes.include_router(part.router())
    routes.include_router(static_router())
    return routes


async def _login_required(request: Request, exc: Exception) -> Response:
    return error_response(request, exc)


def install(app: FastAPI) -> None:
    """Add the console (under /console) and the shared static files (under /static) to `app`."""
    app.include_router(router())
    app.add_exception_handler(LoginRequired, _login_required)
