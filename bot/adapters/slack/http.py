"""Slack's HTTP mode as a route of the one HTTP server, through bolt's Starlette adapter.

The raw body goes to bolt untouched (its signature check needs the exact bytes). bolt's own
`SlackRequestHandler` would run `App.dispatch` on the event loop; here it runs in a worker
thread, so a slow listener never holds up other requests. The listeners acknowledge at once and
leave the slow work to their pool (bot.adapters.slack.app), which keeps Slack's 3-second limit.
"""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response


class SlackHttpRoute:
    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(self, request: Request) -> Response:
        body = await request.body()
        try:
            body.decode("utf-8")
        except UnicodeDecodeError:
            return JSONResponse({"error": "bad request"}, 400)
        bolt_response = await run_in_threadpool(self.app.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)
