"""The web chat as a channel plugin (bot.adapters.plugin): on by default (LOTSEN_WEB_CHAT=off
turns it off), its routes on the one HTTP server, its EntrepreneurChannel for the outbox. It has
no navigators' desk of its own."""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Any

from bot.adapters.plugin import PluginHost
from bot.adapters.web.chat import CHANNEL, WebChannel, WebChat
from bot.adapters.web.hub import Hub
from bot.adapters.web.limits import Limits
from bot.adapters.web.page import Branding
from bot.config import ConfigError, Settings

log = logging.getLogger(__name__)

PATH = "/chat"


class WebPlugin:
    name = CHANNEL
    enable_variable = "LOTSEN_WEB_CHAT"
    # Served alone (no Slack, no Telegram group), the navigators' desk is standard output and
    # `lotsen cases` (bot.serve): the web chat needs no desk of its own to run.
    desk_optional = True

    def __init__(self, *, limits: Limits | None = None, poll_seconds: float = 1.0, announce=None) -> None:
        self._limits = limits or Limits()
        self._poll_seconds = poll_seconds
        self._announce = announce if announce is not None else (lambda line: print(line, file=sys.stdout, flush=True))
        self.chat: WebChat | None = None
        self._settings: Settings | None = None
        self._http: Any = None  # the HttpServer, once set up

    def enabled(self, settings: Settings) -> bool:
        return bool(settings.web_chat)

    def has_desk(self, settings: Settings) -> bool:
        return False

    def check(self, settings: Settings) -> None:
        secret = settings.web_secret.get_secret_value() if settings.web_secret is not None else None
        if secret is not None and len(secret) < 32:
            raise ConfigError("LOTSEN_WEB_SECRET: at least 32 characters (python -c \"import secrets; "
                              "print(secrets.token_urlsafe(32))\"), or leave it unset for a key kept in the database")

    def setup(self, host: PluginHost) -> None:
        from bot.adapters.web.routes import WebRoutes  # starlette: only when serving

        self._settings, self._http = host.settings, host.http
        hub = Hub(changed_since=lambda after: self._bound().transcript.changed_since(after),
                  poll_seconds=self._poll_seconds)
        self.chat = WebChat(limits=self._limits, hub=hub)
        WebRoutes(self.chat).install(host.http)
        add_hook = getattr(host.http, "add_shutdown_hook", None)
        if callable(add_hook):  # open streams end when the server stops, instead of holding it up
            add_hook(self.chat.hub.close)
        host.http.add_readiness_check("web", lambda: self.chat is not None and self.chat.ready)
        host.channels[CHANNEL] = WebChannel(self.chat)

    def _bound(self) -> WebChat:
        if self.chat is None:
            raise RuntimeError("web chat: setup() makes the chat")
        return self.chat

    def connect(self) -> None:
        pass  # nothing to reach: the chat is served, not connected

    def bind(self, service) -> None:
        settings = self._settings
        secret = settings.web_secret.get_secret_value() if settings and settings.web_secret else None
        profile = getattr(service, "public_profile", None)
        branding = Branding.from_profile(profile() if callable(profile) else {},
                                         knowledge_dir=Path(settings.knowledge_dir) if settings else None)
        self._bound().bind(service, secret=secret, branding=branding)

    def start(self) -> None:
        self._bound().hub.start()
        if self._http is not None:
            self._announce(f"Webbchatten / web chat: {self._http.url}{PATH}")

    def stop_receiving(self) -> None:
        if self.chat is not None:
            self.chat.accepting = False
            self.chat.hub.close()

    def close(self) -> None:
        pass

    def mode(self) -> str:
        return "http"
