"""`lotsen serve`: the configured channels, the HTTP server and the scheduler in one process.

Channels are plugins (bot.adapters.plugin), listed once in bot.adapters.registry; each runs
when its settings turn it on (Telegram: TELEGRAM_BOT_TOKEN, Slack: SLACK_BOT_TOKEN, the web chat
unless LOTSEN_WEB_CHAT=off), and checks, sets up, connects, starts and stops itself. With the web
chat alone the navigators' desk is standard output (`console_desk`). Always here: the HTTP server with /healthz and
/readyz on LOTSEN_HTTP_PORT and the scheduler. Starting checks each channel's token against its
API (retrying an unreachable one) and fails with one StartupError line. Shutting down (SIGTERM)
stops taking new work, finishes what is in flight, lets the scheduler finish its sweep while
the channels can still send, then closes.
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.http import HttpServer
from bot.adapters.plugin import ChannelPlugin, PluginHost
from bot.adapters.registry import PLUGINS, load_plugins
from bot.config import ConfigError, Settings
from bot.core.service import LotsenService
from bot.startup import Retry, StartupError

log = logging.getLogger(__name__)

# build(settings, channels=..., desks=...) -> LotsenService whose dispatch_outbox sends through them.
BuildService = Callable[..., LotsenService]


def _secret(value) -> str | None:
    return value.get_secret_value() if value is not None else None


def check_deployment(settings: Settings, plugins: Sequence[ChannelPlugin]) -> None:
    """What the deployment as a whole needs, whatever the channels: at least one channel to
    serve, and a navigators' desk (a channel with `has_desk`). Channels that declare
    `desk_optional` (the web chat) may run without one: the desk is then standard output
    (`console_desk`). ConfigError names the variables."""
    enabled = [plugin for plugin in plugins if plugin.enabled(settings)]
    if not enabled:
        names = " or ".join(getattr(p, "enable_variable", p.name) for p in plugins) or "bot.adapters.registry"
        raise ConfigError(f"{names}: set at least one channel to serve")
    if all(getattr(plugin, "desk_optional", False) for plugin in enabled):
        return
    if not any(getattr(plugin, "has_desk", lambda _: False)(settings) for plugin in enabled):
        names = " or ".join(sorted({v for p in plugins if (v := getattr(p, "desk_variable", None))}))
        raise ConfigError(f"{names or 'a channel with a desk'}: no navigators' desk is configured")


def check_settings(settings: Settings, plugins: Sequence[ChannelPlugin] | None = None) -> list[ChannelPlugin]:
    """Raise ConfigError (one line, naming the variable) for what `serve` cannot run with;
    return the enabled plugins. Each channel checks its own settings (`check`, and `check_unused`
    when it is off); `check_deployment` the rest."""
    plugins = load_plugins() if plugins is None else list(plugins)
    if not any(plugin.enabled(settings) for plugin in plugins):
        check_deployment(settings, plugins)  # nothing to serve: say so before any channel's details
    enabled = []
    for plugin in plugins:
        if plugin.enabled(settings):
            plugin.check(settings)
            enabled.append(plugin)
        elif callable(unused := getattr(plugin, "check_unused", None)):
            unused(settings)
    check_deployment(settings, plugins)
    return enabled


def console_desk():
    """The navigators' desk of a deployment without Slack or a Telegram group: the case cards are
    written to standard output (the log), and navigators act with `lotsen cases ... --as E-MAIL`."""
    from bot.adapters.console_desk import ConsoleDesk

    print("Navigatörernas desk: standard output; agera med `lotsen cases ... --as E-POST` / the navigators' "
          "desk is standard output; act with `lotsen cases ... --as E-MAIL`", flush=True)
    return ConsoleDesk(sys.stdout)


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
              settings.slack_signing_secret, settings.slack_app_token, settings.report_token, settings.web_secret)
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
    registry: tuple[str, ...] = PLUGINS  # the channel plugins known ("module:Class"), bot.adapters.registry
    http: HttpServer | None = None
    service: LotsenService | None = None
    scheduler: Any = None
    retry: Retry = field(default_factory=Retry)
    plugins: list[ChannelPlugin] = field(default_factory=list)  # the enabled ones, once started
    channels: dict = field(default_factory=dict)
    desks: dict = field(default_factory=dict)

    def plugin(self, name: str) -> ChannelPlugin | None:
        return next((plugin for plugin in self.plugins if plugin.name == name), None)

    def start(self) -> None:
        """Start everything, or raise StartupError (one line: what failed, what to do) after
        retrying what may come back (an unreachable channel or database). The life cycle of each
        channel is bot.adapters.plugin's."""
        self.plugins = check_settings(self.settings, load_plugins(self.registry))
        s = self.settings
        self.retry = Retry.from_settings(s)
        try:
            self.http = HttpServer(host=self.http_host, port=s.http_port)
        except OSError as exc:
            raise StartupError(f"HTTP port {s.http_port} cannot be used ({exc.strerror or exc}): set "
                               "LOTSEN_HTTP_PORT (or --port) to a free port") from None
        # /readyz names each of these until it runs (the channels add theirs in setup).
        self.http.add_readiness_check("service", lambda: self.service is not None)
        host = PluginHost(settings=s, http=self.http, retry=self.retry, channels=self.channels, desks=self.desks)
        for plugin in self.plugins:
            plugin.setup(host)
        if not self.desks:  # only channels that need no desk (the web chat alone)
            self.desks["console"] = console_desk()
        self.http.add_readiness_check("scheduler", lambda: self.scheduler is not None and self.scheduler.running)
        for plugin in self.plugins:  # the tokens first: a refused channel fails before the slow part
            plugin.connect()
        self.service = self.build_service(s, channels=self.channels, desks=self.desks)
        for plugin in self.plugins:
            plugin.bind(self.service)
        from bot.adapters.http.report import add_report_route  # /rapport, only with LOTSEN_REPORT_TOKEN
        add_report_route(self.http, service=self.service, token=_secret(self.settings.report_token))
        self.http.start()  # alive from here on; ready once the rest runs
        for plugin in self.plugins:
            plugin.start()
        from bot.scheduler import build_scheduler
        periodic = getattr(self.service, "periodic", None)  # the real core: outbox + ladder sweeps
        jobs = periodic() if callable(periodic) else [("outbox", self.service.dispatch_outbox)]
        self.scheduler = build_scheduler(periodic=jobs, interval_seconds=self.scheduler_interval)
        self.scheduler.start()
        log.info("lotsen serve: running (%s, http port %d)",
                 ", ".join(f"{plugin.name}={plugin.mode()}" for plugin in self.plugins), self.http.port)

    def stop(self) -> None:
        """Graceful: no new work in, work in flight finished, the outbox sweep finished while the
        channels can still send, then everything closed. Nothing is left half-sent: a sweep is
        never interrupted, and a row that was being sent is settled before the channels close."""
        log.info("lotsen serve: stopping")
        if self.http is not None:
            self.http.stop()  # answers the requests in flight, takes no more
        for plugin in self.plugins:
            plugin.stop_receiving()  # finishes the updates and events being handled
        if self.scheduler is not None and self.scheduler.running:
            self.scheduler.shutdown(wait=True)  # the current sweep completes
        for plugin in self.plugins:
            plugin.close()
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
