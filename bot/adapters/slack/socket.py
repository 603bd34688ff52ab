"""Socket Mode (when SLACK_APP_TOKEN is set): no public URL needed; slack_sdk's built-in
client connects out over a WebSocket and bolt acknowledges on it."""

from __future__ import annotations

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler


class SlackSocket:
    def __init__(self, app: App, app_token: str) -> None:
        self.handler = SocketModeHandler(app, app_token)

    def start(self) -> None:
        self.handler.connect()  # returns once connected; the client runs in its own threads

    @property
    def connected(self) -> bool:
        return bool(self.handler.client.is_connected())

    def stop(self) -> None:
        self.handler.close()
