"""The Telegram webhook route for the HTTP server: the secret token is compared in constant
time before anything in the body is looked at."""

from __future__ import annotations

import hmac
import json
import logging

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from bot.adapters.telegram.app import TelegramRunner

log = logging.getLogger(__name__)

SECRET_HEADER = "x-telegram-bot-api-secret-token"


class TelegramWebhookRoute:
    def __init__(self, runner: TelegramRunner, secret: str) -> None:
        if not secret:
            raise ValueError("a webhook needs a secret token")
        self.runner = runner
        self._secret = secret.encode()

    async def __call__(self, request: Request) -> Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, self._secret):
            log.warning("telegram: webhook request with a wrong secret token refused")
            return JSONResponse({"error": "forbidden"}, 403)
        if not self.runner.running:  # Telegram delivers the update again later
            return JSONResponse({"error": "not ready"}, 503)
        try:
            data = json.loads(await request.body())
            if not isinstance(data, dict) or "update_id" not in data:
                raise ValueError("not an update")
        except ValueError:
            return JSONResponse({"error": "bad request"}, 400)
        await self.runner.feed_async(data)
        return Response(status_code=200)
