"""A fake of Slack's Socket Mode server on 127.0.0.1 (the `websockets` package, no internet).

`apps.connections.open` on the fake Web API (FakeSlack with `socket=` this) hands out a ws://
URL here; slack_sdk's own Socket Mode client connects, gets `hello`, and then receives the
envelopes the test delivers to that connection (events_api, interactive, slash_commands) and
acknowledges each with its envelope_id, as with Slack. Connections are numbered in the order
they open, so a test can deliver an event to one replica and its retry to another.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve


class FakeSocketMode:
    def __init__(self) -> None:
        self.connections: list[ServerConnection] = []
        self.acks: list[dict[str, Any]] = []
        self.changed = threading.Condition()
        self._server = serve(self._handle, "127.0.0.1", 0, compression=None)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        port = self._server.socket.getsockname()[1]
        return f"ws://127.0.0.1:{port}/link/?ticket={uuid.uuid4().hex}&app_id=A1"

    def __enter__(self) -> "FakeSocketMode":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._server.shutdown()
        self._thread.join(10)

    def _handle(self, websocket: ServerConnection) -> None:
        websocket.send(json.dumps({"type": "hello", "num_connections": len(self.connections) + 1,
                                   "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
                                   "connection_info": {"app_id": "A1"}}))
        with self.changed:
            self.connections.append(websocket)
            self.changed.notify_all()
        try:
            for message in websocket:
                data = json.loads(message)
                with self.changed:
                    self.acks.append(data)
                    self.changed.notify_all()
        except ConnectionClosed:
            pass

    def deliver(self, connection: int, *, payload: dict, kind: str = "events_api", retry_attempt: int = 0,
                retry_reason: str = "") -> str:
        """Send an envelope to the `connection`-th client; returns its envelope_id."""
        envelope_id = str(uuid.uuid4())
        envelope = {"envelope_id": envelope_id, "type": kind, "payload": payload,
                    "accepts_response_payload": kind != "events_api",
                    "retry_attempt": retry_attempt, "retry_reason": retry_reason}
        with self.changed:
            target = self.connections[connection]
        target.send(json.dumps(envelope))
        return envelope_id

    def wait_for(self, predicate, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        with self.changed:
            while True:
                value = predicate(self)
                if value:
                    return value
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"timed out; {len(self.connections)} connection(s), acks {self.acks}")
                self.changed.wait(min(remaining, 0.05))

    def wait_connections(self, count: int) -> None:
        self.wait_for(lambda fake: len(fake.connections) >= count)

    def wait_ack(self, envelope_id: str) -> dict:
        return self.wait_for(lambda fake: next((a for a in fake.acks if a.get("envelope_id") == envelope_id), None))
