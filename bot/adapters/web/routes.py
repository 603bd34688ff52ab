"""The web chat's HTTP endpoints, on the one server (bot.adapters.http).

- `GET /chat`: the page (`?embed=1` for the widget's frame); `GET /chat/widget.js`: the one
  script tag a municipality puts on its pages; `/chat/static/*`, `/chat/theme.css`, `/chat/logo`.
- `GET /chat/api/history`: the conversation so far and the session's post token; a first visit
  gets the welcome.
- `POST /chat/api/message` (`{"text"}`, `{"choice"}` a button's value, or `{"command": "erase" |
  "cases" | "lang", "lang"?}`): refused unless it comes from this site (Origin) with the
  session's token (X-CSRF-Token); limited in size and rate.
- `GET /chat/api/stream`: Server-Sent Events, each line with its id; a reconnect sends
  Last-Event-ID and gets what it missed.
- `GET /chat/api/file/{id}`: an attachment (a meeting's .ics) of the person's own transcript.
"""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, JSONResponse, Response, StreamingResponse

from bot.adapters.web.page import LOGO_TYPES, page_html, security_headers, theme_css
from bot.adapters.web.session import COOKIE, MAX_AGE
from bot.adapters.web.texts import page_texts, pick_language, refusal, widget_texts

log = logging.getLogger(__name__)

STATIC = Path(__file__).parent / "static"
STATIC_FILES = {"chat.js": "text/javascript", "chat.css": "text/css", "widget.js": "text/javascript"}
KEEPALIVE_SECONDS = 15.0
STREAM_SECONDS = 300.0  # a stream ends after this and the browser reconnects (Last-Event-ID)
SETTLE_SECONDS = 10.0  # a line is surely committed this long after a later one was seen
NO_STORE = {"Cache-Control": "no-store"}

def refuse(reason: str, status: int, lang: str = "sv", **values: Any) -> JSONResponse:
    """A refused request, its reason said in `lang` (web.refusal.* in the catalogs)."""
    return JSONResponse({"error": reason, "message": refusal(lang, reason, **values)}, status, headers=NO_STORE)


class WebRoutes:
    """Bound to the plugin's state (`web`): the service, the stores, sessions, limits, hub."""

    def __init__(self, web) -> None:
        self.web = web

    def install(self, http) -> None:
        add = http.add_route
        add("/chat", self.page, methods=["GET"])
        add("/chat/", self.page, methods=["GET"])
        add("/chat/widget.js", self.widget, methods=["GET"])
        add("/chat/static/{name}", self.static, methods=["GET"])
        add("/chat/theme.css", self.theme, methods=["GET"])
        add("/chat/logo", self.logo, methods=["GET"])
        add("/chat/api/texts", self.texts, methods=["GET"])
        add("/chat/api/history", self.history, methods=["GET"])
        add("/chat/api/message", self.message, methods=["POST"])
        add("/chat/api/stream", self.stream, methods=["GET"])
        add("/chat/api/file/{line_id:int}", self.file, methods=["GET"])

    # -- sessions ----------------------------------------------------------------------------
    def _sid(self, request: Request) -> str | None:
        return self.web.sessions.read(request.cookies.get(COOKIE))

    def _offered(self) -> tuple[str, ...]:
        return self.web.branding.languages

    def _browser_lang(self, request: Request) -> str | None:
        """The first offered language the browser asks for (Accept-Language), if any."""
        return pick_language(self._offered(), request.headers.get("accept-language"))

    def _lang(self, request: Request) -> str:
        """The language of a refusal given before the post is read: the browser's, or the
        profile's default language."""
        return self._browser_lang(request) or self._offered()[0]

    def _address(self, request: Request) -> str:
        return request.client.host if request.client else "?"

    def _set_cookie(self, request: Request, response: Response, sid: str) -> None:
        # Cross-site frames (the widget on the municipality's site) only get the cookie with
        # SameSite=None, which browsers take only over https; partitioned, it is the frame's alone.
        secure = request.url.scheme == "https"
        response.set_cookie(COOKIE, self.web.sessions.cookie_value(sid), max_age=MAX_AGE, path="/chat",
                            httponly=True, secure=secure, samesite="none" if secure else "lax",
                            partitioned=secure)

    def _same_origin(self, request: Request) -> bool:
        """The post comes from a page of this site: its Origin is the host the browser asked for
        (Host, or X-Forwarded-Host from a reverse proxy that rewrites Host)."""
        origin = request.headers.get("origin")
        hosts = {h.strip().lower() for h in (request.headers.get("host"), request.headers.get("x-forwarded-host"))
                 if h and h.strip()}
        if not origin or not hosts:
            return False
        parts = urlsplit(origin)
        return parts.scheme in ("http", "https") and parts.netloc.lower() in hosts

    # -- the page ----------------------------------------------------------------------------
    async def page(self, request: Request) -> Response:
        embed = request.query_params.get("embed") == "1"
        page = page_html(self.web.branding, embed=embed, lang=self._browser_lang(request))
        response = Response(page, media_type="text/html; charset=utf-8",
                            headers={**security_headers(self.web.branding), **NO_STORE})
        sid = self._sid(request)
        if sid is None:
            if not self.web.new_sessions.allow(self._address(request)):
                return refuse("rate", 429, self._lang(request))
            sid = self.web.sessions.new_id()
        self._set_cookie(request, response, sid)  # signed anew: a month from the last visit
        return response

    async def texts(self, request: Request) -> Response:
        """The page's labels in every offered language, for the script's language switch:
        `{"languages": ["sv", "en", ...], "texts": {"sv": {"label": "Din fråga", ...}, ...}}`."""
        offered = self._offered()
        return JSONResponse({"languages": list(offered), "texts": {code: page_texts(code) for code in offered}},
                            headers={"Cache-Control": "no-cache"})

    async def widget(self, request: Request) -> Response:
        """widget.js with its texts from the catalogs in every offered language (a script served
        by Lotsen, so the host page's policy needs no inline script and no request for texts)."""
        offered = self._offered()
        texts = json.dumps({"languages": list(offered), "texts": widget_texts(offered)}, ensure_ascii=True)
        script = (STATIC / "widget.js").read_text(encoding="utf-8").replace("/*TEXTS*/{}", texts, 1)
        return Response(script, media_type="text/javascript; charset=utf-8",
                            headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff",
                                     "Cross-Origin-Resource-Policy": "cross-origin"})

    async def static(self, request: Request) -> Response:
        name = request.path_params["name"]
        if name not in STATIC_FILES:
            return Response("not found", 404)
        return FileResponse(STATIC / name, media_type=f"{STATIC_FILES[name]}; charset=utf-8",
                            headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"})

    async def theme(self, request: Request) -> Response:
        return Response(theme_css(self.web.branding), media_type="text/css; charset=utf-8",
                        headers={"Cache-Control": "max-age=300", "X-Content-Type-Options": "nosniff"})

    async def logo(self, request: Request) -> Response:
        logo = self.web.branding.logo
        if logo is None:
            return Response("not found", 404)
        return FileResponse(logo, media_type=LOGO_TYPES[logo.suffix.lower()],
                            headers={"Cache-Control": "max-age=3600", "X-Content-Type-Options": "nosniff",
                                     "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'"})

    # -- the conversation --------------------------------------------------------------------
    async def history(self, request: Request) -> Response:
        if not self.web.ready:
            return refuse("stopping", 503, self._lang(request))
        sid = self._sid(request)
        fresh = sid is None
        if fresh:
            if not self.web.new_sessions.allow(self._address(request)):
                return refuse("rate", 429, self._lang(request))
            sid = self.web.sessions.new_id()
        lang = request.query_params.get("lang")
        if lang not in self._offered():  # a first visit is welcomed in the browser's language
            lang = self._browser_lang(request)
        lines = await run_in_threadpool(self.web.history, sid, lang)
        response = JSONResponse({"token": self.web.sessions.csrf(sid), "lines": lines}, headers=NO_STORE)
        if fresh and sid is not None:
            self._set_cookie(request, response, sid)
        return response

    async def message(self, request: Request) -> Response:
        limits = self.web.limits
        if not self._same_origin(request):
            return refuse("origin", 403, self._lang(request))
        sid = self._sid(request)
        if sid is None or not self.web.sessions.csrf_ok(sid, request.headers.get("x-csrf-token")):
            return refuse("session", 403, self._lang(request))
        if not self.web.ready:
            return refuse("stopping", 503, self._lang(request))
        if not self.web.per_address.allow(self._address(request)) or not self.web.per_session.allow(sid):
            return refuse("rate", 429, self._lang(request))
        body = await request.body()
        if len(body) > limits.max_body:
            return refuse("size", 413, self._lang(request), n=limits.max_text)
        try:
            post = json.loads(body)
        except ValueError:
            post = None
        if not isinstance(post, dict):
            return refuse("bad", 400, self._lang(request))
        text, choice, command = post.get("text"), post.get("choice"), post.get("command")
        lang = post.get("lang") if post.get("lang") in self._offered() else None
        if text is not None and (not isinstance(text, str) or len(text) > limits.max_text):
            return refuse("size", 413, lang or self._lang(request), n=limits.max_text)
        outcome = await run_in_threadpool(self.web.handle, sid, text=text if isinstance(text, str) else None,
                                          choice=choice if isinstance(choice, str) else None,
                                          command=command if isinstance(command, str) else None, lang=lang)
        if isinstance(outcome, str):
            return refuse(outcome, 400, lang or self._lang(request))
        new_sid = outcome.pop("sid", None)  # never in the body: only in the signed cookie
        response = JSONResponse(outcome, headers=NO_STORE)
        if new_sid is not None:
            self._set_cookie(request, response, new_sid)
        return response

    async def stream(self, request: Request) -> Response:
        sid = self._sid(request)
        if sid is None:
            return refuse("session", 403, self._lang(request))
        if self.web.hub.closed:
            return refuse("stopping", 503, self._lang(request))
        if (self.web.hub.count(sid) >= self.web.limits.streams_per_session
                or self.web.hub.count() >= self.web.limits.max_streams):
            return refuse("rate", 429, self._lang(request))
        try:
            after = int(request.headers.get("last-event-id") or request.query_params.get("after") or 0)
        except ValueError:
            after = 0
        return StreamingResponse(self._events(sid, max(after, 0)), media_type="text/event-stream",
                                 headers={**NO_STORE, "X-Accel-Buffering": "no"})

    async def _events(self, sid: str, after: int):
        """Each new line once. The lines are read from a floor that lags SETTLE seconds behind what
        was sent: on PostgreSQL two replicas' inserts may commit out of id order, and a line that
        commits late under a lower id is still found (and sent once: `sent` remembers)."""
        hub = self.web.hub
        waiter = hub.subscribe(sid)
        deadline = time.monotonic() + STREAM_SECONDS
        floor, sent = after, {}  # sent: id -> when
        try:
            yield "retry: 2000\n\n"
            while not hub.closed and time.monotonic() < deadline:
                waiter.event.clear()
                lines = await run_in_threadpool(self.web.lines_after, sid, floor)
                now = time.monotonic()
                for line in lines:
                    if line["id"] in sent:
                        continue
                    sent[line["id"]] = now
                    yield f"id: {line['id']}\nevent: line\ndata: {json.dumps(line, ensure_ascii=False)}\n\n"
                settled = [line_id for line_id, when in sent.items() if now - when > SETTLE_SECONDS]
                if settled:
                    floor = max(floor, max(settled))
                    sent = {line_id: when for line_id, when in sent.items() if line_id > floor}
                if hub.closed:
                    break
                try:
                    await asyncio.wait_for(waiter.event.wait(), KEEPALIVE_SECONDS)
                except TimeoutError:
                    yield ": keepalive\n\n"
        finally:
            hub.unsubscribe(sid, waiter)

    async def file(self, request: Request) -> Response:
        sid = self._sid(request)
        if sid is None:
            return refuse("session", 403, self._lang(request))
        found = await run_in_threadpool(self.web.attachment, sid, request.path_params["line_id"])
        if found is None:
            return Response("not found", 404, headers=NO_STORE)
        name, mime, content = found
        return Response(content, media_type=mime, headers={
            **NO_STORE, "Content-Disposition": f'attachment; filename="{name}"', "X-Content-Type-Options": "nosniff"})
