"""A fake Telegram Bot API server: POST /bot<token>/<method>, the real wire format.

- answers {"ok": true, "result": ...} with realistic Message objects;
- getUpdates long-polls the updates queued with `push_update` (offset honoured);
- `fail_next(method, ...)` answers with an error such as 429 + parameters.retry_after;
- `enforce_limits=True` applies Telegram's limits as strict sliding windows (30 messages/s
  overall, 1/s per private chat, 20/min per group) and answers 429 when one is exceeded,
  counting them in `violations`.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict, deque
from typing import Any

from tests.fakes.base import Call, FakeServer

SENDING = {"sendMessage", "sendDocument", "sendPhoto", "copyMessage", "forwardMessage",
           "editMessageText", "editMessageReplyMarkup"}


class FakeTelegram(FakeServer):
    def __init__(self, *, token: str = "123456:TEST-token", enforce_limits: bool = False,
                 overall: tuple[int, float] = (30, 1.0), per_chat: tuple[int, float] = (1, 1.0),
                 per_group: tuple[int, float] = (20, 60.0), forum_chats: set[int] | None = None,
                 poll_wait: float = 0.5) -> None:
        super().__init__()
        self.token = token
        self.bot_user = {"id": int(token.split(":")[0]), "is_bot": True, "first_name": "Lotsen",
                         "username": "lotsen_test_bot", "can_join_groups": True,
                         "can_read_all_group_messages": False, "supports_inline_queries": False}
        self.enforce_limits = enforce_limits
        self.limits = {"overall": overall, "chat": per_chat, "group": per_group}
        self.windows: dict[Any, deque] = defaultdict(deque)
        self.violations = 0
        self.forum_chats = forum_chats or set()
        self.poll_wait = poll_wait
        self.updates: list[dict] = []
        self._update_ids = itertools.count(1000)
        self._message_ids = itertools.count(1)
        self._thread_ids = itertools.count(500)
        self._failures: dict[str, list[tuple[int, dict]]] = defaultdict(list)

    @property
    def api_url(self) -> str:
        """What TELEGRAM_API_URL should be set to."""
        return f"http://127.0.0.1:{self.port}/bot"

    # --- driving -----------------------------------------------------------------------------
    def push_update(self, update: dict) -> dict:
        with self.changed:
            update.setdefault("update_id", next(self._update_ids))
            self.updates.append(update)
            self.changed.notify_all()
        return update

    def user(self, user_id: int, name: str = "Anna") -> dict:
        return {"id": user_id, "is_bot": False, "first_name": name, "language_code": "sv"}

    def chat(self, chat_id: int) -> dict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": "Anna"}
        chat = {"id": chat_id, "type": "supergroup", "title": "Företagslotsarna"}
        if chat_id in self.forum_chats:
            chat["is_forum"] = True
        return chat

    def message_update(self, *, chat_id: int, user_id: int | None = None, text: str,
                       reply_to: dict | None = None, update_id: int | None = None) -> dict:
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(chat_id), "from": self.user(user_id or chat_id), "text": text}
        if text.startswith("/"):
            command = text.split()[0]
            message["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        if reply_to is not None:
            message["reply_to_message"] = reply_to
        update = {"message": message}
        if update_id is not None:
            update["update_id"] = update_id
        return self.push_update(update)

    def callback_update(self, *, message: dict, user_id: int, data: str) -> dict:
        return self.push_update({"callback_query": {
            "id": str(next(self._message_ids)), "from": self.user(user_id, "Nils"),
            "chat_instance": "ci", "message": message, "data": data}})

    def fail_next(self, method: str, *, times: int = 1, error_code: int = 429,
                  retry_after: int | None = 1, description: str | None = None) -> None:
        parameters = {"retry_after": retry_after} if retry_after is not None else {}
        description = description or (f"Too Many Requests: retry after {retry_after}"
                                      if error_code == 429 else "Bad Request")
        with self.lock:
            self._failures[method].extend([(error_code, {"ok": False, "error_code": error_code,
                                                         "description": description,
                                                         "parameters": parameters})] * times)

    def sent_texts(self, chat_id: int | None = None) -> list[str]:
        with self.lock:  # in the order they were sent (a document between two messages stays between)
            sent = [c for c in self.calls if c.method in ("sendMessage", "sendDocument") and c.status == 200]
        return [c.params.get("text") or c.params.get("caption") or ""
                for c in sent if chat_id is None or int(c.params["chat_id"]) == chat_id]

    # --- answering ---------------------------------------------------------------------------
    def respond(self, path: str, call: Call):
        if not path.startswith(f"/bot{self.token}/"):
            return 401, {}, {"ok": False, "error_code": 401, "description": "Unauthorized"}
        with self.lock:
            if self._failures.get(call.method):
                code, body = self._failures[call.method].pop(0)
                return code, {}, body
            if self.enforce_limits and call.method in SENDING and self._over_limit(call):
                self.violations += 1
                return 429, {}, {"ok": False, "error_code": 429, "description": "Too Many Requests",
                                 "parameters": {"retry_after": 1}}
        handler = getattr(self, "_m_" + call.method, None)
        result = handler(call.params) if handler else True
        return 200, {}, {"ok": True, "result": result}

    def _over_limit(self, call: Call) -> bool:
        now = time.monotonic()
        chat_id = int(call.params.get("chat_id", 0))
        keys = [("overall", "overall"), (("group" if chat_id < 0 else "chat"), chat_id)]
        for kind, key in keys:
            count, window = self.limits[kind]
            times = self.windows[(kind, key)]
            while times and now - times[0] >= window:
                times.popleft()
            if len(times) >= count:
                return True
        for kind, key in keys:
            self.windows[(kind, key)].append(now)
        return False

    def _message(self, params: dict, **extra) -> dict:
        chat_id = int(params["chat_id"])
        message = {"message_id": next(self._message_ids), "date": int(time.time()),
                   "chat": self.chat(chat_id), "from": self.bot_user, **extra}
        if params.get("message_thread_id"):
            message["message_thread_id"] = int(params["message_thread_id"])
            message["is_topic_message"] = True
        markup = params.get("reply_markup")
        if isinstance(markup, dict) and "inline_keyboard" in markup:  # only inline keyboards come back
            message["reply_markup"] = markup
        return message

    def _m_getMe(self, params):
        return self.bot_user

    def _m_getUpdates(self, params):
        offset = int(params.get("offset") or 0)
        wait = min(float(params.get("timeout") or 0), self.poll_wait)
        deadline = time.monotonic() + wait
        with self.changed:
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
            while not self.updates and time.monotonic() < deadline:
                self.changed.wait(deadline - time.monotonic())
            return list(self.updates[: int(params.get("limit") or 100)])

    def _m_sendMessage(self, params):
        return self._message(params, text=str(params["text"]))

    def _m_sendDocument(self, params):
        extra = {"document": {"file_id": "f1", "file_unique_id": "u1", "file_name": "file"}}
        if params.get("caption"):
            extra["caption"] = params["caption"]
        return self._message(params, **extra)

    def _m_editMessageText(self, params):
        message = self._message(params, text=str(params["text"]))
        message["message_id"] = int(params["message_id"])
        return message

    def _m_editMessageReplyMarkup(self, params):
        message = self._message(params, text="")
        message["message_id"] = int(params["message_id"])
        return message

    def _m_getChat(self, params):
        chat = self.chat(int(params["chat_id"]))
        return {**chat, "accent_color_id": 0, "max_reaction_count": 11,
                "accepted_gift_types": {"unlimited_gifts": False, "limited_gifts": False,
                                        "unique_gifts": False, "premium_subscription": False,
                                        "gifts_from_channels": False}}

    def _m_createForumTopic(self, params):
        return {"message_thread_id": next(self._thread_ids), "name": params["name"],
                "icon_color": 7322096}
