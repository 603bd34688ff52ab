"""Slack at start-up: the bot token is tried (auth.test) before anything is served, and Socket
Mode connects; an unreachable Slack is tried again with backoff, a refused token is not. Each
failure becomes one StartupError line that names the variable to check."""

from __future__ import annotations

import logging

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.startup import Retry, StartupError, address, retry_call

log = logging.getLogger(__name__)

REFUSED = {"invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired",
           "not_allowed_token_type", "missing_scope", "no_permission", "ekm_access_denied"}


def transient(exc: BaseException) -> bool:
    """Slack not reachable (a connection error, a timeout) or not answering properly (5xx, 429)."""
    if isinstance(exc, SlackApiError):
        status = getattr(exc.response, "status_code", 200)
        return status >= 500 or status == 429
    return isinstance(exc, OSError)  # urllib's URLError, ConnectionError, TimeoutError


def _error_code(exc: SlackApiError) -> str:
    try:
        return str(exc.response.get("error") or "")
    except Exception:
        return ""


def _failure(exc: BaseException, *, variable: str, api_url: str) -> StartupError:
    where = address(api_url)
    if isinstance(exc, SlackApiError) and not transient(exc):
        code = _error_code(exc) or f"HTTP {getattr(exc.response, 'status_code', '?')}"
        if code in REFUSED:
            return StartupError(f"Slack ({where}) refused {variable} ({code}): check the token on the app's "
                                "settings page (and SLACK_API_URL)")
        return StartupError(f"Slack ({where}) answered {code} at start-up: check {variable} and SLACK_API_URL")
    reason = type(exc).__name__ + (f": {exc}" if not isinstance(exc, SlackApiError) else "")
    return StartupError(f"Slack unreachable at {where} ({reason[:200]}): check the network (a proxy, a firewall) "
                        "or SLACK_API_URL")


def verify_bot_token(client: WebClient, *, retry: Retry) -> dict:
    """auth.test with the bot token: who the bot is, or a StartupError."""
    try:
        response = retry_call(client.auth_test, retry=retry, transient=transient, what="Slack (auth.test)")
    except (SlackApiError, SlackClientError, OSError) as exc:
        raise _failure(exc, variable="SLACK_BOT_TOKEN", api_url=client.base_url) from None
    log.info("slack: bot token accepted (bot user %s)", response.get("user_id"))
    return response.data if isinstance(response.data, dict) else {}


def connect_socket(handler, *, retry: Retry, api_url: str) -> None:
    """Socket Mode: get a WebSocket URL with the app-level token and connect, retried while
    Slack is unreachable."""
    def connect() -> None:
        handler.client.wss_uri = None  # a URL from a failed attempt is not used again
        handler.connect()

    try:
        retry_call(connect, retry=retry, transient=transient, what="Slack Socket Mode")
    except (SlackApiError, SlackClientError, OSError) as exc:
        raise _failure(exc, variable="SLACK_APP_TOKEN", api_url=api_url) from None
