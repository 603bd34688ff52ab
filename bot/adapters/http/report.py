"""`/rapport`: the service report for the business office, on the one HTTP server.

Reachable only with the token from LOTSEN_REPORT_TOKEN, as `Authorization: Bearer <token>` or
`?token=<token>`, compared in constant time; without the setting the route does not exist (404),
with a missing or wrong token the answer is 401. The page holds aggregates only (bot.insight).
`?from=YYYY-MM-DD&to=YYYY-MM-DD` choose the period (default: this month so far, Stockholm time),
`?lang=en` the language. The report is built by the core in a worker thread, never on the loop.
"""

from __future__ import annotations

import hmac
import logging
from datetime import date, datetime, time, timedelta

from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response

from bot.core.clock import STOCKHOLM

log = logging.getLogger(__name__)
PATH = "/rapport"
HEADERS = {"Cache-Control": "no-store", "X-Robots-Tag": "noindex", "Referrer-Policy": "no-referrer",
           "Content-Security-Policy": "default-src 'none'; style-src 'unsafe-inline'; img-src data:"}


def _given_token(request: Request) -> str:
    header = request.headers.get("authorization", "")
    if header[:7].lower() == "bearer ":
        return header[7:].strip()
    return request.query_params.get("token", "")


def _day(value: str | None, default: date) -> date:
    return date.fromisoformat(value) if value else default


class ReportRoute:
    def __init__(self, *, service, token: str, clock=None) -> None:
        self.service = service
        self._token = token.encode("utf-8")
        self.clock = clock

    def __call__(self, request: Request) -> Response:  # a plain function: Starlette runs it in a thread
        given = _given_token(request).encode("utf-8")
        if not hmac.compare_digest(given, self._token):
            log.info("rapport: refused (no or wrong token)")
            return PlainTextResponse("401 – token saknas eller är fel / missing or wrong token", status_code=401,
                                     headers={"WWW-Authenticate": "Bearer", **HEADERS})
        now = (self.clock.now() if self.clock is not None else datetime.now(STOCKHOLM)).astimezone(STOCKHOLM)
        lang = "en" if request.query_params.get("lang") == "en" else "sv"
        try:
            first = _day(request.query_params.get("from"), now.date().replace(day=1))
            last = _day(request.query_params.get("to"), now.date())
        except ValueError:
            return PlainTextResponse("400 – from/to: YYYY-MM-DD", status_code=400, headers=HEADERS)
        if last < first:
            return PlainTextResponse("400 – to < from", status_code=400, headers=HEADERS)
        since = datetime.combine(first, time(), tzinfo=STOCKHOLM)
        until = datetime.combine(last + timedelta(days=1), time(), tzinfo=STOCKHOLM)
        return HTMLResponse(self.service.report(since=since, until=until, lang=lang), headers=HEADERS)


def add_report_route(http, *, service, token: str | None, clock=None) -> bool:
    """Add `/rapport` when a token is set (and the core can write the report); True if added."""
    if not token or not callable(getattr(service, "report", None)):
        return False
    http.add_route(PATH, ReportRoute(service=service, token=token, clock=clock), methods=["GET"])
    return True
