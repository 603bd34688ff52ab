"""Socket Mode (when SLACK_APP_TOKEN is set): no public URL needed; slack_sdk's built-in
client connects out over a WebSocket and bolt acknowledges on it."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.adapters.slack.startup import connect_socket
from bot.startup import Retry


class SlackSocket:
    def __init__(self, app: App, app_token: str, *, retry: Retry = Retry()) -> None:
        self.handler = SocketModeHandler(app, app_token)
        self.retry = retry

    def start(self) -> None:
        """Returns once connected (the client runs in its own threads); StartupError otherwise."""
        connect_socket(self.handler, retry=self.retry, api_url=self.handler.client.web_client.base_url)

    @property
    def connected(self) -> bool:
        return bool(self.handler.client.is_connected())

    def stop(self) -> None:
        self.handler.close()
