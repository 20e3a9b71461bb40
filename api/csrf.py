"""Cross-site requests: the one check every state-changing request a browser makes must pass.

The sign-in cookie is SameSite=Lax, which keeps it off other sites' form posts, but not off
requests from a sibling of this site (another port or subdomain of the same host is the same
"site") nor from old browsers. So a POST, PUT, PATCH or DELETE that the cookie could
authenticate must show it comes from this site's own pages: the browser's `Origin` names this
host, or its `Sec-Fetch-Site` says `same-origin` (or `none`: the person typed it). Browsers
set both headers themselves, and no page can forge them.

A request with an `Authorization: Bearer` header is an API client's (curl, a script): no
browser adds that header on its own, so it need not say where it comes from; only one that
names another site in its `Origin` is refused, as any request doing so is.
"""

from __future__ import annotations

from collections.abc import Collection
from urllib.parse import urlsplit

from starlette.requests import HTTPConnection

from api.auth import bearer_token

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FIRST_PARTY = frozenset({"same-origin", "none"})  # Sec-Fetch-Site values of our own pages


def cross_site(request: HTTPConnection, trusted_origins: Collection[str] = ()) -> str | None:
    """Why the request must be refused as not coming from this site, or None if it may pass.

    `trusted_origins` are other origins allowed in by name (the Temporal UI at /codec).
    """
    if request.scope.get("method", "GET") not in UNSAFE_METHODS:
        return None
    origin = request.headers.get("origin")
    if origin is not None and origin in trusted_origins:
        return None
    named = origin is not None and origin != "null"  # "null": an opaque origin, says nothing
    own = named and urlsplit(origin.lower()).netloc == request.headers.get("host", "").lower()
    if named and not own:
        return _refusal(f"a request from {origin}")
    if bearer_token(request):
        return None
    site = request.headers.get("sec-fetch-site")
    if site is not None and site not in FIRST_PARTY:
        return _refusal(f"a request from another site (Sec-Fetch-Site: {site})")
    if own or site in FIRST_PARTY:
        return None
    return _refusal("a request that does not say where it comes from (no Origin, or "
                    "Origin: null, and no Sec-Fetch-Site)")


def _refusal(what: str) -> str:
    return (f"refused: {what} cannot use this browser's sign-in; use this site's own pages, "
            "or send a bearer token")


def same_origin(request: HTTPConnection) -> bool:
    """True unless `cross_site` refuses the request: for callers that only need yes or no."""
    return cross_site(request) is None
