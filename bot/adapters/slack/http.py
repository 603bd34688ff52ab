"""Slack's HTTP mode as a route of the one HTTP server: the raw body goes to bolt untouched
(its signature check needs the exact bytes)."""

from __future__ import annotations

from slack_bolt import App, BoltRequest

from bot.adapters.http import HttpRequest, HttpResponse


class SlackHttpRoute:
    def __init__(self, app: App) -> None:
        self.app = app

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse.json({"error": "method not allowed"}, 405)
        bolt_request = BoltRequest(body=request.body.decode("utf-8", errors="replace"), query=request.query,
                                   headers=request.headers)
        response = self.app.dispatch(bolt_request)
        headers = {name: values[0] if isinstance(values, (list, tuple)) else values
                   for name, values in (response.headers or {}).items() if values}
        return HttpResponse(response.status, (response.body or "").encode(), headers)
