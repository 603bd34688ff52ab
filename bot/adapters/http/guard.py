"""The ASGI middleware around every route: a body size limit, quiet client hang-ups, and a route
failure logged once and answered with a JSON 500.

- A body larger than the limit gets 413, whether it says so up front (Content-Length) or turns
  out larger while it streams in (chunked): the request's `receive` stops it at the limit.
- A client that hangs up mid-request (starlette's ClientDisconnect while the body is read) is a
  fact of life on the internet, not a failure: one DEBUG line, no traceback.
"""

from __future__ import annotations

import logging

from starlette.requests import ClientDisconnect
from starlette.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

log = logging.getLogger("bot.adapters.http")


class BodyTooLarge(Exception):
    pass


class Guard:
    def __init__(self, app: ASGIApp, *, max_body: int) -> None:
        self.app = app
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body:
            await self._too_large(scope, receive, send)
            return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_body:
                    raise BodyTooLarge
            return message

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await self._too_large(scope, receive, send)
        except ClientDisconnect:
            log.debug("http: the client hung up during %s %s", scope["method"], scope["path"])
        except Exception:
            log.exception("http: %s %s failed", scope["method"], scope["path"])
            if not started:
                await JSONResponse({"error": "internal error"}, 500)(scope, receive, send)

    async def _too_large(self, scope: Scope, receive: Receive, send: Send) -> None:
        log.info("http: %s %s refused: body over %d bytes", scope["method"], scope["path"], self.max_body)
        # The rest of the body never reaches a route: the server discards it as it arrives, so
        # the client, still sending, gets to read this answer (a close would reset it).
        response = JSONResponse({"error": "request body too large", "limit_bytes": self.max_body}, 413)
        await response(scope, receive, send)


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", ()):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None
