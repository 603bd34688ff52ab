"""`lotsen serve`: the configured channels, the HTTP server and the scheduler in one process.

What runs follows the environment (bot.config): Telegram when TELEGRAM_BOT_TOKEN is set (long
polling, or a webhook when TELEGRAM_WEBHOOK_URL is set), Slack when SLACK_BOT_TOKEN is set
(Socket Mode with SLACK_APP_TOKEN, HTTP mode otherwise), and always the HTTP server with
/healthz and /readyz on LOTSEN_HTTP_PORT. Starting checks each channel's token against its API
(retrying an unreachable one) and fails with one StartupError line. Shutting down (SIGTERM)
stops taking new work, finishes what is in flight, lets the scheduler finish its sweep while
the channels can still send, then closes.
"""

from __future__ import annotations

import logging
import re
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from bot.adapters.http import HttpServer
from bot.config import ConfigError, Settings
from bot.core.service import LotsenService
from bot.startup import Retry, StartupError

log = logging.getLogger(__name__)

TELEGRAM_WEBHOOK_PATH = "/telegram/webhook"
SLACK_EVENTS_PATH = "/slack/events"

# build(settings, channels=..., desks=...) -> LotsenService whose dispatch_outbox sends through them.
BuildService = Callable[..., LotsenService]


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None


def check_settings(settings: Settings) -> None:
    """Raise ConfigError (one line, naming the variable) for what `serve` cannot run with."""
    tg_token, slack_token = _secret(settings.telegram_bot_token), _secret(settings.slack_bot_token)
    if not tg_token and not slack_token:
        raise ConfigError("TELEGRAM_BOT_TOKEN or SLACK_BOT_TOKEN: set at least one channel to serve")
    for name, url in (("TELEGRAM_API_URL", settings.telegram_api_url), ("SLACK_API_URL", settings.slack_api_url)):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(f"{name}: must be an http(s) URL")
    if tg_token:
        if not re.fullmatch(r"\d+:[A-Za-z0-9_-]+", tg_token):
            raise ConfigError("TELEGRAM_BOT_TOKEN: malformed (expected <digits>:<letters>, as BotFather gives it)")
        if settings.telegram_webhook_url:
            if not settings.telegram_webhook_url.startswith("https://"):
                raise ConfigError("TELEGRAM_WEBHOOK_URL: must start with https://")
            secret = _secret(settings.telegram_webhook_secret)
            if not secret:
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET: required when TELEGRAM_WEBHOOK_URL is set")
            if not re.fullmatch(r"[A-Za-z0-9_-]{16,256}", secret):
                raise ConfigError("TELEGRAM_WEBHOOK_SECRET: 16-256 characters of A-Z, a-z, 0-9, _ and -")
    elif settings.telegram_navigator_chat_id is not None:
        raise ConfigError("TELEGRAM_BOT_TOKEN: required when TELEGRAM_NAVIGATOR_CHAT_ID is set")
    if slack_token:
        if not slack_token.startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN: malformed (a bot token starts with xoxb-)")
        app_token = _secret(settings.slack_app_token)
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN: malformed (an app-level token starts with xapp-)")
        if not app_token and not _secret(settings.slack_signing_secret):
            raise ConfigError("SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)")
        channel = settings.slack_navigator_channel
        if channel and not re.fullmatch(r"[CG][A-Z0-9]{2,}", channel):
            raise ConfigError("SLACK_NAVIGATOR_CHANNEL: a channel id such as C0123ABCD (not a #name)")
    if not slack_token and settings.telegram_navigator_chat_id is None:
        raise ConfigError("SLACK_BOT_TOKEN or TELEGRAM_NAVIGATOR_CHAT_ID: no navigators' desk is configured")
    if settings.telegram_navigator_chat_id is not None and settings.telegram_navigator_chat_id >= 0:
        raise ConfigError("TELEGRAM_NAVIGATOR_CHAT_ID: a group id is negative (e.g. -1001234567890)")


class RedactSecrets(logging.Filter):
    """Belt and braces: no token or secret ever reaches a log line, whoever logs it."""

    def __init__(self, secrets: list[str]) -> None:
        super().__init__()
        self._secrets = [s for s in secrets if s and len(s) >= 8]

    def filter(self, record: logging.LogRecord) -> bool:
        if self._secrets:
            message = record.getMessage()
            if any(s in message for s in self._secrets):
                for s in self._secrets:
                    message = message.replace(s, "[redacted]")
                record.msg, record.args = message, None
        return True


def secrets_of(settings: Settings) -> list[str]:
    values = (settings.telegram_bot_token, settings.telegram_webhook_secret, settings.slack_bot_token,
              settings.slack_signing_secret, settings.slack_app_token)
    return [secret for secret in map(_secret, values) if secret]


def redact(text: str, settings: Settings) -> str:
    for secret in secrets_of(settings):
        if len(secret) >= 8:  # as RedactSecrets: a one-letter "secret" would eat the text
            text = text.replace(secret, "[redacted]")
    return text


def configure_logging(settings: Settings) -> None:
    """The log goes to standard output (warnings too); standard error is kept for the one line
    of a failed start."""
    logging.basicConfig(level=settings.log_level, stream=sys.stdout,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.captureWarnings(True)
    # httpx logs every request URL at INFO, and Telegram's URLs contain the bot token.
    for noisy in ("httpx", "httpcore", "urllib3", "apscheduler.executors", "slack_bolt", "slack_sdk", "uvicorn"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, logging.getLogger().level))
    redactor = RedactSecrets(secrets_of(settings))
    for handler in logging.getLogger().handlers:
        handler.addFilter(redactor)


@dataclass
class LotsenServer:
    settings: Settings
    build_service: BuildService
    http_host: str = "0.0.0.0"
    scheduler_interval: float = 5.0
    http: HttpServer | None = None
    service: LotsenService | None = None
    telegram: Any = None  # TelegramRunner
    slack_app: Any = None
    slack_socket: Any = None
    scheduler: Any = None
    retry: Retry = field(default_factory=Retry)
    slack_ready: bool = field(default=False, init=False)
    channels: dict = field(default_factory=dict)
    desks: dict = field(default_factory=dict)

    def start(self) -> None:
        """Start everything, or raise StartupError (one line: what failed, what to do) after
        retrying what may come back (an unreachable Telegram, Slack or database)."""
        check_settings(self.settings)
        s = self.settings
        self.retry = Retry.from_settings(s)
        try:
            self.http = HttpServer(host=self.http_host, port=s.http_port)
        except OSError as exc:
            raise StartupError(f"HTTP port {s.http_port} cannot be used ({exc.strerror or exc}): set "
                               "LOTSEN_HTTP_PORT (or --port) to a free port") from None
        # /readyz names each of these until it runs.
        self.http.add_readiness_check("service", lambda: self.service is not None)
        if s.telegram_bot_token is not None:
            self._setup_telegram()
            self.http.add_readiness_check("telegram", lambda: self.telegram.running)
        if s.slack_bot_token is not None:
            self._setup_slack()
            self.http.add_readiness_check("slack", lambda: self.slack_ready and (
                self.slack_socket is None or self.slack_socket.connected))
        self.http.add_readiness_check("scheduler", lambda: self.scheduler is not None and self.scheduler.running)
        # The tokens first: a refused or unreachable channel fails the start before the slow part.
        if self.slack_app is not None:
            from bot.adapters.slack.startup import verify_bot_token
            verify_bot_token(self.slack_app.lotsen_listeners.client, retry=self.retry)
        if self.telegram is not None:
            self.telegram.connect()
        self.service = self.build_service(s, channels=self.channels, desks=self.desks)
        if self.telegram is not None:
            self.telegram.context.service = self.service
        if self.slack_app is not None:
            self.slack_app.lotsen_listeners.service = self.service
            shared = getattr(self.service, "shared_stores", None)  # the real core: in the database
            if callable(shared):
                self.slack_app.lotsen_listeners.share(shared("slack"))
        self.http.start()  # alive from here on; ready once the rest runs
        if self.telegram is not None:
            self.telegram.start()
        if self.slack_socket is not None:
            self.slack_socket.start()
        self.slack_ready = self.slack_app is not None
        from bot.scheduler import build_scheduler
        periodic = getattr(self.service, "periodic", None)  # the real core: outbox + ladder sweeps
        jobs = periodic() if callable(periodic) else [("outbox", self.service.dispatch_outbox)]
        self.scheduler = build_scheduler(periodic=jobs, interval_seconds=self.scheduler_interval)
        self.scheduler.start()
        log.info("lotsen serve: running (telegram=%s, slack=%s, http port %d)",
                 self._telegram_mode(), self._slack_mode(), self.http.port)

    def _telegram_mode(self) -> str:
        if self.telegram is None:
            return "off"
        return "webhook" if self.settings.telegram_webhook_url else "polling"

    def _slack_mode(self) -> str:
        if self.slack_app is None:
            return "off"
        return "socket" if self.slack_socket is not None else "http"

    def _setup_telegram(self) -> None:
        from bot.adapters.telegram.app import TelegramRunner, build_application
        from bot.adapters.telegram.ports import TelegramEntrepreneurChannel, TelegramNavigatorDesk
        from bot.adapters.telegram.webhook import TelegramWebhookRoute

        s = self.settings
        webhook = bool(s.telegram_webhook_url)
        application = build_application(token=_secret(s.telegram_bot_token), service=None, api_url=s.telegram_api_url,
                                        navigator_chat_id=s.telegram_navigator_chat_id, webhook=webhook)
        self.telegram = TelegramRunner(application, webhook_url=s.telegram_webhook_url,
                                       webhook_secret=_secret(s.telegram_webhook_secret), retry=self.retry)
        if webhook:
            self.http.add_route(TELEGRAM_WEBHOOK_PATH, TelegramWebhookRoute(self.telegram, _secret(s.telegram_webhook_secret)),
                                methods=["POST"])
        self.channels["telegram"] = TelegramEntrepreneurChannel(self.telegram)
        if s.telegram_navigator_chat_id is not None:
            self.desks["telegram"] = TelegramNavigatorDesk(self.telegram, s.telegram_navigator_chat_id)

    def _setup_slack(self) -> None:
        from bot.adapters.choices import SLACK_VALUE_CHARS, ChoiceKeys, derive_secret
        from bot.adapters.slack.app import SlackListeners, build_slack_app
        from bot.adapters.slack.client import make_web_client
        from bot.adapters.slack.http import SlackHttpRoute
        from bot.adapters.slack.ports import SlackEntrepreneurChannel, SlackNavigatorDesk

        s = self.settings
        client = make_web_client(token=_secret(s.slack_bot_token), base_url=s.slack_api_url)
        # Buttons signed with a key derived from the bot token: they keep working after a restart.
        keys = ChoiceKeys(derive_secret("slack buttons", _secret(s.slack_bot_token) or ""), max_bytes=SLACK_VALUE_CHARS)
        listeners = SlackListeners(None, client, keys=keys)
        self.slack_app = build_slack_app(service=None, client=client, listeners=listeners,
                                         signing_secret=_secret(s.slack_signing_secret) or "socket-mode-unused")
        app_token = _secret(s.slack_app_token)
        if app_token:
            from bot.adapters.slack.socket import SlackSocket
            self.slack_socket = SlackSocket(self.slack_app, app_token, retry=self.retry)
        else:
            self.http.add_route(SLACK_EVENTS_PATH, SlackHttpRoute(self.slack_app), methods=["POST"])
        self.desks["slack"] = SlackNavigatorDesk(client, navigator_channel=s.slack_navigator_channel)
        self.channels["slack"] = SlackEntrepreneurChannel(client, keys=listeners.keys)

    def stop(self) -> None:
        """Graceful: no new work in, work in flight finished, the outbox sweep finished while the
        channels can still send, then everything closed. Nothing is left half-sent: a sweep is
        never interrupted, and a row that was being sent is settled before the channels close."""
        log.info("lotsen serve: stopping")
        if self.http is not None:
            self.http.stop()  # answers the requests in flight, takes no more
        if self.slack_socket is not None:
            self.slack_socket.stop()
        if self.telegram is not None:
            self.telegram.stop_receiving()  # finishes the updates being handled
        if self.slack_app is not None:
            self.slack_app.lotsen_listeners.pool.shutdown(wait=True)  # the work after the acks, in flight
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)  # the current sweep completes
        if self.telegram is not None:
            self.telegram.close()
        close = getattr(self.service, "close", None)
        if callable(close):
            close()
        log.info("lotsen serve: stopped")


def serve_forever(server: LotsenServer, stop: threading.Event) -> None:
    server.start()
    try:
        stop.wait()
    finally:
        server.stop()
