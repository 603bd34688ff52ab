"""A fake Slack Web API server: POST /api/<method> (form or JSON, Bearer token), the real
wire format ({"ok": true, ...}), 429 with a Retry-After header on demand. Records every call.
Also signs requests the way Slack does, to drive a bolt app in HTTP mode."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import time
from collections import defaultdict
from urllib.parse import urlencode

from tests.fakes.base import Call, FakeServer


def sign(secret: str, body: bytes, timestamp: int | None = None) -> dict[str, str]:
    """The headers Slack sends with a request: v0 HMAC-SHA256 over "v0:<ts>:<body>"."""
    timestamp = int(time.time()) if timestamp is None else timestamp
    base = f"v0:{timestamp}:".encode() + body
    signature = "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": signature}


def event_body(event: dict, *, event_id: str, team: str = "T1") -> bytes:
    return json.dumps({"token": "legacy", "team_id": team, "api_app_id": "A1", "type": "event_callback",
                       "event_id": event_id, "event_time": int(time.time()), "event": event,
                       "authorizations": [{"team_id": team, "user_id": "UBOT", "is_bot": True}]}).encode()


def interaction_body(payload: dict) -> bytes:
    """Interactivity payloads arrive form-encoded with a JSON `payload` field."""
    return urlencode({"payload": json.dumps(payload)}).encode()


def block_action(*, user: str, action_id: str, value: str, channel: str = "C1", ts: str = "1.000100",
                 trigger_id: str = "trig-1") -> dict:
    return {"type": "block_actions", "team": {"id": "T1", "domain": "kommun"},
            "user": {"id": user, "username": user, "team_id": "T1"}, "api_app_id": "A1",
            "token": "legacy", "trigger_id": trigger_id, "container": {"type": "message",
                                                                    "message_ts": ts, "channel_id": channel},
            "channel": {"id": channel, "name": "lots"}, "message": {"ts": ts, "text": "case"},
            "response_url": "https://hooks.invalid/resp",
            "actions": [{"type": "button", "action_id": action_id, "block_id": "actions",
                         "value": value, "action_ts": str(time.time())}]}


def view_submission(*, user: str, callback_id: str, private_metadata: str, values: dict) -> dict:
    return {"type": "view_submission", "team": {"id": "T1", "domain": "kommun"},
            "user": {"id": user, "username": user, "team_id": "T1"}, "api_app_id": "A1",
            "token": "legacy", "trigger_id": "trig-2",
            "view": {"id": "V1", "type": "modal", "callback_id": callback_id,
                     "private_metadata": private_metadata, "state": {"values": values},
                     "hash": "h", "team_id": "T1", "app_id": "A1", "bot_id": "B1"}}


class FakeSlack(FakeServer):
    def __init__(self, *, token: str = "xoxb-test-token", app_token: str = "xapp-1-test-token",
                 socket=None) -> None:
        super().__init__()
        self.token = token
        self.app_token = app_token
        self.socket = socket  # a tests.fakes.slack_socket.FakeSocketMode for apps.connections.open
        self._ts = itertools.count(100)
        self._channels = itertools.count(1)
        self._failures: dict[str, list[tuple[int, dict, dict]]] = defaultdict(list)
        self.channel_names: dict[str, str] = {}

    @property
    def api_url(self) -> str:
        """What SLACK_API_URL should be set to."""
        return f"http://127.0.0.1:{self.port}/api/"

    def fail_next(self, method: str, *, times: int = 1, status: int = 429, retry_after: int = 1,
                  error: str = "ratelimited") -> None:
        headers = {"Retry-After": str(retry_after)} if status == 429 else {}
        with self.lock:
            self._failures[method].extend([(status, headers, {"ok": False, "error": error})] * times)

    def respond(self, path: str, call: Call):
        # Socket Mode URLs are issued for the app-level token only, everything else for the bot's.
        token = self.app_token if call.method == "apps.connections.open" else self.token
        if call.headers.get("authorization") != f"Bearer {token}":
            return 200, {}, {"ok": False, "error": "invalid_auth"}
        with self.lock:
            if self._failures.get(call.method):
                return self._failures[call.method].pop(0)
        handler = getattr(self, "_m_" + call.method.replace(".", "_"), None)
        return 200, {}, {"ok": True, **(handler(call.params) if handler else {})}

    def _next_ts(self) -> str:
        return f"{int(time.time())}.{next(self._ts):06d}"

    def _m_apps_connections_open(self, params):
        if self.socket is None:
            return {"ok": False, "error": "not_allowed_token_type"}
        return {"url": self.socket.url}

    def _m_auth_test(self, params):
        return {"url": "https://kommun.slack.com/", "team": "Kommun", "user": "lotsen", "team_id": "T1",
                "user_id": "UBOT", "bot_id": "B1", "is_enterprise_install": False}

    def _m_chat_postMessage(self, params):
        ts = self._next_ts()
        return {"channel": params["channel"], "ts": ts,
                "message": {"type": "message", "text": params.get("text", ""), "ts": ts, "bot_id": "B1"}}

    def _m_chat_update(self, params):
        return {"channel": params["channel"], "ts": params["ts"], "text": params.get("text", "")}

    def _m_chat_postEphemeral(self, params):
        return {"message_ts": self._next_ts()}

    def _m_conversations_create(self, params):
        name = params["name"]
        if name in self.channel_names.values():
            return {"ok": False, "error": "name_taken"}
        channel_id = f"CNEW{next(self._channels)}"
        self.channel_names[channel_id] = name
        return {"channel": {"id": channel_id, "name": name, "is_channel": True,
                            "is_private": bool(params.get("is_private"))}}

    def _m_conversations_list(self, params):
        return {"channels": [{"id": cid, "name": name} for cid, name in self.channel_names.items()],
                "response_metadata": {"next_cursor": ""}}

    def _m_conversations_invite(self, params):
        return {"channel": {"id": params["channel"]}}

    def _m_conversations_open(self, params):
        return {"channel": {"id": "D" + str(params.get("users", "U0"))}}

    def _m_views_open(self, params):
        view = params.get("view")
        view = json.loads(view) if isinstance(view, str) else view
        return {"view": {"id": "V1", **(view or {})}}

    def _m_files_getUploadURLExternal(self, params):
        return {"upload_url": f"http://127.0.0.1:{self.port}/upload/F1", "file_id": "F1"}

    def _m_F1(self, params):  # the upload itself (POST /upload/F1)
        return {}

    def _m_files_completeUploadExternal(self, params):
        return {"files": [{"id": "F1", "title": "file"}]}
