"""Cross-site request forgery: every state-changing request of the console must prove it is ours.

Two checks, both required: the synchronizer token of the session (a hidden `csrf_token` field in every
form, or the header `X-CSRF-Token`) and, where the browser sends one, an Origin (else Referer) of our
own host. The login form has no session yet (and sets no cookie before login), so it carries a token
signed with a key derived from the index key, valid for `LOGIN_TOKEN_HOURS`.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlsplit

from starlette.requests import Request

FIELD = "csrf_token"
HEADER = "X-CSRF-Token"
UNSAFE = frozenset({"POST", "PUT", "PATCH", "DELETE"})
LOGIN_TOKEN_HOURS = 2


def same_origin(request: Request) -> bool:
    """False when the browser says the request comes from another host (Origin, else Referer)."""
    own = request.headers.get("host", request.url.netloc).lower()
    origin = request.headers.get("origin")
    if origin is not None:
        return origin != "null" and urlsplit(origin).netloc.lower() == own
    referer = request.headers.get("referer")
    if referer is not None:
        return urlsplit(referer).netloc.lower() == own
    return True  # not sent by a browser's cross-site form (those carry Origin); the token still counts


def token_matches(expected: str, given: str | None) -> bool:
    return bool(given) and hmac.compare_digest(expected.encode(), (given or "").encode())


async def given_token(request: Request) -> str | None:
    header = request.headers.get(HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # cached by Starlette: the route reads the same form
        value = form.get(FIELD)
        return value if isinstance(value, str) else None
    return None


def login_token(key: bytes, now: float | None = None) -> str:
    stamp = str(int(now if now is not None else time.time()))
    return f"{stamp}.{hmac.new(key, stamp.encode(), hashlib.sha256).hexdigest()}"


def login_token_valid(key: bytes, token: str | None, now: float | None = None) -> bool:
    if not token or "." not in token or len(token) > 100:
        return False
    stamp, _, mac = token.partition(".")
    if not stamp.isdigit():
        return False
    expected = hmac.new(key, stamp.encode(), hashlib.sha256).hexdigest()
    age = (now if now is not None else time.time()) - int(stamp)
    return hmac.compare_digest(expected, mac) and -60 <= age <= LOGIN_TOKEN_HOURS * 3600
