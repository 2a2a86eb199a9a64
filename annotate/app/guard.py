"""Who may ask the server anything: an ASGI middleware in front of every route.

- Token: when the server has one (always on a lab network: `--host` without `--token` makes one),
  every request must carry it, as the `X-Annotate-Token` header, the `annotate_token` cookie, or
  `?token=` in the address (the address the server prints; the page then gets the cookie, which
  the video element sends too). Anything else is refused with 401, static files included.
- Host: on a loopback address only Host headers naming the loopback are served, which stops a web
  page elsewhere from reaching the tool through DNS rebinding.
- Origin: a change (POST, PUT, PATCH, DELETE) from a page of another origin is refused (403).
- Fetch metadata: a request the browser marks `Sec-Fetch-Site: cross-site` or `same-site` (a page
  of another origin: another site, or another port or name of this machine) is refused (403) on
  every route, reads included: the tool's own page only ever asks as `same-origin`, and a coder
  typing or opening the address sends `none`. Clients that send no fetch metadata (scripts,
  older browsers) are left to the checks above.
Responses carry headers that keep the page from being framed or sniffed, and
`Cross-Origin-Resource-Policy: same-origin`, so no page elsewhere can embed the clip's video or
data even where the browser sends no fetch metadata.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Iterable
from http.cookies import CookieError, SimpleCookie
from urllib.parse import parse_qs, urlsplit

from starlette.responses import PlainTextResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

TOKEN_HEADER = "x-annotate-token"
TOKEN_COOKIE = "annotate_token"
_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
_FOREIGN_SITES = {"cross-site", "same-site"}
_SECURITY_HEADERS = (
    (b"cross-origin-resource-policy", b"same-origin"),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; media-src 'self'; style-src 'self'; "
        b"script-src 'self'; connect-src 'self'; frame-ancestors 'none'",
    ),
)


def is_loopback(host: str) -> bool:
    """Whether `host` names this machine only (127.0.0.0/8, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1"): v.decode("latin-1") for k, v in scope.get("headers", [])}


class Guard:
    """The middleware (see the module's docstring).

    Args:
        app: the application behind it.
        token: the token every request must carry, or None (loopback without --token).
        loopback: whether the server listens on a loopback address only (checks Host).
    """

    def __init__(self, app: ASGIApp, token: str | None, loopback: bool) -> None:
        self.app, self.token, self.loopback = app, token, loopback

    @staticmethod
    def _token_given(scope: Scope, headers: dict[str, str], token: str) -> tuple[bool, bool]:
        """(carries the token, carried it in the address only)."""
        given = [headers.get(TOKEN_HEADER, "")]
        cookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except CookieError:  # a malformed cookie header is no cookie
            cookie = SimpleCookie()
        if TOKEN_COOKIE in cookie:
            given.append(cookie[TOKEN_COOKIE].value)
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        in_query = query.get("token", [""])[0]
        ok = any(hmac.compare_digest(g.encode(), token.encode()) for g in given if g)
        by_query = bool(in_query) and hmac.compare_digest(in_query.encode(), token.encode())
        return ok or by_query, by_query and not ok

    def _refusal(self, scope: Scope, headers: dict[str, str]) -> tuple[int, str] | None:
        host = headers.get("host", "")
        if self.loopback and not is_loopback(urlsplit(f"//{host}").hostname or ""):
            return 403, "this server answers requests for 127.0.0.1 or localhost only"
        site = headers.get("sec-fetch-site", "").strip().lower()
        if site in _FOREIGN_SITES:
            return 403, "requests from pages of other sites or origins are refused"
        if scope["method"] in _UNSAFE:
            origin = headers.get("origin")
            if origin is not None and urlsplit(origin).netloc != host:
                return 403, "changes from pages of other origins are refused"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = _headers(scope)
        refusal = self._refusal(scope, headers)
        set_cookie = False
        if refusal is None and self.token is not None:
            ok, set_cookie = self._token_given(scope, headers, self.token)
            if not ok:
                refusal = (401, "this server needs its token: open the address it printed")
        if refusal is not None:
            response = PlainTextResponse(refusal[1], status_code=refusal[0])
            await response(scope, receive, self._secured(send, False))
            return
        await self.app(scope, receive, self._secured(send, set_cookie))

    def _secured(self, send: Send, set_cookie: bool) -> Send:
        async def wrapped(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra: Iterable[tuple[bytes, bytes]] = _SECURITY_HEADERS
                if set_cookie and self.token is not None:
                    cookie = f"{TOKEN_COOKIE}={self.token}; Path=/; HttpOnly; SameSite=Strict"
                    extra = (*extra, (b"set-cookie", cookie.encode("latin-1")))
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        return wrapped
