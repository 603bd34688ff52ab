"""Slack as a `lotsen serve` channel (bot.adapters.plugin): on when SLACK_BOT_TOKEN is set;
Socket Mode with SLACK_APP_TOKEN, HTTP mode (/slack/events) otherwise. The navigators' desk, and
an entrepreneurs' channel (the bot's Messages tab). slack-bolt is imported only in `setup`."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import urlsplit

from bot.adapters.plugin import PluginHost
from bot.config import ConfigError, Settings

SLACK_EVENTS_PATH = "/slack/events"


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None


class SlackPlugin:
    name = "slack"
    enable_variable = "SLACK_BOT_TOKEN"
    desk_variable = "SLACK_BOT_TOKEN"

    def __init__(self) -> None:
        self.settings: Settings | None = None
        self.app: Any = None  # the bolt App; its listeners are app.lotsen_listeners
        self.socket: Any = None  # SlackSocket in Socket Mode
        self.started = False

    @staticmethod
    def parse_identity(value: object) -> str:
        """A navigator's Slack id in routing_rules.yaml: the member id (U…, or W… in Enterprise Grid)."""
        if not isinstance(value, str) or not re.fullmatch(r"[UW][A-Z0-9]{4,}", value):
            raise ValueError(f"{value!r} is not a Slack user id like U0SJ0BYGG1")
        return value

    def enabled(self, settings: Settings) -> bool:
        return settings.slack_bot_token is not None

    def has_desk(self, settings: Settings) -> bool:
        return self.enabled(settings)

    def check(self, settings: Settings) -> None:
        parts = urlsplit(settings.slack_api_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError("SLACK_API_URL: must be an http(s) URL")
        if not (_secret(settings.slack_bot_token) or "").startswith("xoxb-"):
            raise ConfigError("SLACK_BOT_TOKEN: malformed (a bot token starts with xoxb-)")
        app_token = _secret(settings.slack_app_token)
        if app_token and not app_token.startswith("xapp-"):
            raise ConfigError("SLACK_APP_TOKEN: malformed (an app-level token starts with xapp-)")
        if not app_token and not _secret(settings.slack_signing_secret):
            raise ConfigError("SLACK_SIGNING_SECRET: required in HTTP mode (or set SLACK_APP_TOKEN for Socket Mode)")
        channel = settings.slack_navigator_channel
        if channel and not re.fullmatch(r"[CG][A-Z0-9]{2,}", channel):
            raise ConfigError("SLACK_NAVIGATOR_CHANNEL: a channel id such as C0123ABCD (not a #name)")

    def setup(self, host: PluginHost) -> None:
        from bot.adapters.choices import SLACK_VALUE_CHARS, ChoiceKeys, derive_secret
        from bot.adapters.slack.app import SlackListeners, build_slack_app
        from bot.adapters.slack.client import make_web_client
        from bot.adapters.slack.http import SlackHttpRoute
        from bot.adapters.slack.ports import SlackEntrepreneurChannel, SlackNavigatorDesk

        s = self.settings = host.settings
        client = make_web_client(token=_secret(s.slack_bot_token) or "", base_url=s.slack_api_url)
        # Buttons signed with a key derived from the bot token: they keep working after a restart.
        keys = ChoiceKeys(derive_secret("slack buttons", _secret(s.slack_bot_token) or ""), max_bytes=SLACK_VALUE_CHARS)
        # The service comes in `bind`, once the core is built (the channels exist before it does).
        listeners = SlackListeners(None, client, keys=keys)  # type: ignore[arg-type]  # bound later
        self.app = build_slack_app(service=None,  # type: ignore[arg-type]  # bound later
                                   client=client, listeners=listeners,
                                   signing_secret=_secret(s.slack_signing_secret) or "socket-mode-unused")
        app_token = _secret(s.slack_app_token)
        if app_token:
            from bot.adapters.slack.socket import SlackSocket
            self.socket = SlackSocket(self.app, app_token, retry=host.retry)
        else:
            host.http.add_route(SLACK_EVENTS_PATH, SlackHttpRoute(self.app), methods=["POST"])
        host.http.add_readiness_check(self.name, lambda: self.started and (
            self.socket is None or self.socket.connected))
        self._retry = host.retry
        host.desks[self.name] = SlackNavigatorDesk(client, navigator_channel=s.slack_navigator_channel)
        host.channels[self.name] = SlackEntrepreneurChannel(client, keys=listeners.keys)

    @property
    def listeners(self) -> Any:
        return self.app.lotsen_listeners

    def connect(self) -> None:
        from bot.adapters.slack.startup import verify_bot_token

        verify_bot_token(self.listeners.client, retry=self._retry)  # auth.test, retried while unreachable

    def bind(self, service: Any) -> None:
        self.listeners.service = service
        shared = getattr(service, "shared_stores", None)  # the real core: events seen and forms, in the database
        if callable(shared):
            self.listeners.share(shared(self.name))

    def start(self) -> None:
        if self.socket is not None:
            self.socket.start()
        self.started = True

    def stop_receiving(self) -> None:
        if self.socket is not None:
            self.socket.stop()
        if self.app is not None and self.listeners.pool is not None:
            self.listeners.pool.shutdown(wait=True)  # the work after the acknowledgements, in flight

    def close(self) -> None:
        """Nothing left to release: the web client holds no connection between calls."""

    def mode(self) -> str:
        return "socket" if self.socket is not None else "http"
