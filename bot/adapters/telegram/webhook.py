"""The Telegram webhook route for the HTTP server: the secret token is compared in constant
time before anything in the body is looked at."""

from __future__ import annotations

import hmac
import json
import logging

from bot.adapters.http import HttpRequest, HttpResponse
from bot.adapters.telegram.app import TelegramRunner

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"


class TelegramWebhookRoute:
    def __init__(self, runner: TelegramRunner, secret: str) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.runner = runner
        self._secret = secret.encode()

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method != "POST":
            return HttpResponse.json({"error": "method not allowed"}, 405)
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("telegram: webhook request with a wrong secret token refused")
            return HttpResponse.json({"error": "forbidden"}, 403)
        try:
            data = json.loads(request.body)
            if not isinstance(data, dict) or "update_id" not in data:
                raise ValueError("not an update")
        except ValueError:
            return HttpResponse.json({"error": "bad request"}, 400)
        self.runner.feed(data)
        return HttpResponse(200)
