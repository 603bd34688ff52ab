"""Telegram as a `lotsen serve` channel (bot.adapters.plugin): on when TELEGRAM_BOT_TOKEN is set;
long polling, or a webhook on /telegram/webhook when TELEGRAM_WEBHOOK_URL is set. The
entrepreneurs' channel always; the navigators' desk when TELEGRAM_NAVIGATOR_CHAT_ID is set.
python-telegram-bot is imported only in `setup`, so the registry loads this module cheaply."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bot.adapters.plugin import PluginHost
from bot.config import ConfigError, Settings

TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None


class TelegramPlugin:
    name = "telegram"
    # For the deployment's own checks (bot.serve.check_deployment): what turns the channel on,
    # and what gives it a navigators' desk.
    enable_variable = "TELEGRAM_BOT_TOKEN"
    desk_variable = "TELEGRAM_NAVIGATOR_CHAT_ID"

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.runner: Any = None  # TelegramRunner

    @staticmethod
    def parse_identity(value: object) -> str:
        """A navigator's Telegram id in routing_rules.yaml: the numeric user id."""
        text = str(value).strip()
        if isinstance(value, bool) or not text.isdigit() or int(text) <= 0:
            raise ValueError("the Telegram user id must be a positive whole number")
        return str(int(text))

    def enabled(self, settings: Settings) -> bool:
        return settings.telegram_bot_token is not None

    def has_desk(self, settings: Settings) -> bool:
        return settings.telegram_navigator_chat_id is not None

    def check_unused(self, settings: Settings) -> None:
        """Telegram is off: a setting that only makes sense with it is a mistake."""
        if settings.telegram_navigator_chat_id is not None:
            raise ConfigError("TELEGRAM_BOT_TOKEN: required when TELEGRAM_NAVIGATOR_CHAT_ID is set")

    def check(self, settings: Settings) -> None:
        parts = urlsplit(settings.telegram_api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError("TELEGRAM_API_URL: must be an http(s) URL")
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", _secret(settings.telegram_bot_token) or ""):
            raise ConfigError("TELEGRAM_BOT_TOKEN: malformed (expected <digits>:<letters>, as BotFather gives it)")
        if settings.telegram_webhook_url:
            if not settings.telegram_webhook_url.startswith("https://"):
                raise ConfigError("TELEGRAM_WEBHOOK_URL: must start with https://")
            secret = _secret(settings.telegram_webhook_secret)
            if not secret:
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set")
            if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET: 16-256 characters of A-Z, a-z, 0-9, _ and -")
        chat = settings.telegram_navigator_chat_id
        if chat is not None and chat >= 0:
            raise ConfigError("TELEGRAM_NAVIGATOR_CHAT_ID: a group id is negative (e.g. -1001234567890)")

    def setup(self, host: PluginHost) -> None:
        from bot.adapters.telegram.app import TelegramRunner, build_application
        from bot.adapters.telegram.ports import TelegramEntrepreneurChannel, TelegramNavigatorDesk
        from bot.adapters.telegram.webhook import TelegramWebhookRoute

        s = self.settings = host.settings
        webhook = bool(s.telegram_webhook_url)
        # The service comes in `bind`, once the core is built (the channels exist before it does).
        application = build_application(token=_secret(s.telegram_bot_token) or "",
                                        service=None,  # type: ignore[arg-type]  # bound later
                                        api_url=s.telegram_api_url,
                                        navigator_chat_id=s.telegram_navigator_chat_id, webhook=webhook)
        self.runner = TelegramRunner(application, webhook_url=s.telegram_webhook_url,
                                     webhook_secret=_secret(s.telegram_webhook_secret), retry=host.retry)
        if webhook:
            host.http.add_route(TELEGRAM_WEBHOOK_PATH,
                                TelegramWebhookRoute(self.runner, _secret(s.telegram_webhook_secret) or ""),
                                methods=["POST"])
        host.http.add_readiness_check(self.name, lambda: self.runner.running)
        host.channels[self.name] = TelegramEntrepreneurChannel(self.runner)
        if s.telegram_navigator_chat_id is not None:
            host.desks[self.name] = TelegramNavigatorDesk(self.runner, s.telegram_navigator_chat_id)

    def connect(self) -> None:
        self.runner.connect()  # getMe, retried while Telegram is unreachable

    def bind(self, service: Any) -> None:
        self.runner.context.service = service
        shared = getattr(service, "shared_stores", None)  # the real core: update ids seen, in the database
        if callable(shared):  # a webhook delivery Telegram retries may reach another replica
            self.runner.context.share(shared(self.name))

    def start(self) -> None:
        self.runner.start()

    def stop_receiving(self) -> None:
        if self.runner is not None:
            self.runner.stop_receiving()  # finishes the updates being handled

    def close(self) -> None:
        if self.runner is not None:
            self.runner.close()

    def mode(self) -> str:
        return "webhook" if self.settings is not None and self.settings.telegram_webhook_url else "polling"
