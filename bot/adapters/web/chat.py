"""The web chat's translation: a post from the page to the core's Incoming (or erase, cases,
the welcome), the core's Reply to transcript lines, lines to what the page shows. Runs in worker
threads (the core blocks); the routes (routes.py) do the HTTP.
"""

from __future__ import annotations

import base64
import logging
from dataclasses import dataclass, field
from typing import Any

from bot.adapters.choices import ChoiceKeys, derive_secret
from bot.adapters.web import render
from bot.adapters.web.hub import Hub
from bot.adapters.web.limits import Limits, RateLimiter
from bot.adapters.web.page import Branding
from bot.adapters.web.session import Sessions
from bot.adapters.web.texts import page_text
from bot.core.messages import Incoming, Reply
from bot.core.ports import Delivery, OutboundMessage, SendError

log = logging.getLogger(__name__)

CHANNEL = "web"
LABEL_LIMIT = 200


@dataclass
class WebChat:
    limits: Limits = field(default_factory=Limits)
    hub: Hub = field(default_factory=Hub)
    service: Any = None
    transcript: Any = None  # bot.shared.stores.SharedTranscript, lent by the core
    sessions: Sessions | None = None
    keys: ChoiceKeys | None = None
    branding: Branding = field(default_factory=Branding)
    links: frozenset[str] = frozenset()
    accepting: bool = True

    def __post_init__(self) -> None:
        self.per_session = RateLimiter(self.limits.per_session)
        self.per_address = RateLimiter(self.limits.per_address)
        self.new_sessions = RateLimiter(self.limits.new_sessions)

    @property
    def ready(self) -> bool:
        return self.service is not None and self.accepting

    def bind(self, service, *, secret: str | None, branding: Branding) -> None:
        shared = service.shared_stores(CHANNEL)
        self.transcript = shared.transcript
        secret = secret or shared.transcript.secret("cookie-key")  # the same in every replica
        self.sessions = Sessions(derive_secret("web session", secret))
        # Buttons signed for the session, with a key of their own; every key fits, nothing is remembered.
        self.keys = ChoiceKeys(derive_secret("web buttons", secret), max_bytes=2000)
        self.branding = branding
        links = getattr(service, "knowledge_links", None)
        self.links = links() if callable(links) else frozenset()
        self.service = service

    # -- reading -----------------------------------------------------------------------------
    def page_lines(self, sid: str, lines: list[dict]) -> list[dict]:
        return [render.for_page(line, sid=sid, keys=self._keys(), links=self.links) for line in lines]

    def _keys(self) -> ChoiceKeys:
        if self.keys is None:
            raise RuntimeError("web chat: bind() gives the keys")
        return self.keys

    def _sessions(self) -> Sessions:
        if self.sessions is None:
            raise RuntimeError("web chat: bind() gives the sessions")
        return self.sessions

    def lines_after(self, sid: str, after: int) -> list[dict]:
        return self.page_lines(sid, self.transcript.since(sid, after=after))

    def history(self, sid: str, lang: str | None) -> list[dict]:
        lines = self.transcript.since(sid)
        if not lines:  # a first visit: the welcome, in the visitor's language
            welcome = self.service.start(channel=CHANNEL, user_id=sid, lang=lang or self.branding.languages[0])
            lines = self.transcript.append(sid, [("out", welcome.text, render.reply_data(welcome))])
        return self.page_lines(sid, lines)

    def attachment(self, sid: str, line_id: int) -> tuple[str, str, bytes] | None:
        line = self.transcript.line(sid, line_id)
        found = (line or {}).get("data", {}).get("attachment")
        if not found:
            return None
        return render.file_name(found.get("name")), str(found.get("mime") or "application/octet-stream"), \
            base64.b64decode(found.get("b64") or "")

    # -- a post ------------------------------------------------------------------------------
    def handle(self, sid: str, *, text: str | None, choice: str | None, command: str | None,
               lang: str | None) -> dict | str:
        """The lines to show (also sent to the person's other tabs), or a refusal's reason."""
        if command == "lang" and lang:
            reply = self.service.start(channel=CHANNEL, user_id=sid, lang=lang)
            return self._record(sid, None, reply)
        if command == "erase":
            reply = self.service.erase(channel=CHANNEL, user_id=sid, lang=lang)
            said = page_text(lang or self.branding.languages[0], "erase")
        elif command == "cases":
            reply = self.service.my_cases(channel=CHANNEL, user_id=sid, lang=lang)
            said = page_text(lang or self.branding.languages[0], "cases")
        elif choice:
            key = self._keys().resolve(sid, choice)
            if key is None:
                return "choice"
            said = (render.label_of(self.transcript.since(sid, limit=30), key) or key)[:LABEL_LIMIT]
            reply = self.service.handle(Incoming(channel=CHANNEL, user_id=sid, text=said, choice=key))
        else:
            said = (text or "").strip()
            if not said:
                return "empty"
            reply = self.service.handle(Incoming(channel=CHANNEL, user_id=sid, text=said))
        return self._record(sid, said, reply)

    def _record(self, sid: str, said: str | None, reply: Reply) -> dict:
        if reply.action == "erased":
            # The core erased the transcript with the rest; the page starts over in a new session,
            # and the report of what was erased is shown once, never stored.
            new_sid = self._sessions().new_id()
            shown = {"id": 0, "from": "lotsen", "parts": [["t", reply.text]], "lang": reply.lang}
            self.hub.notify(sid)
            return {"lines": [shown], "reset": True, "sid": new_sid, "token": self._sessions().csrf(new_sid)}
        lines: list[tuple[str, str, dict]] = [("in", said, {})] if said is not None else []
        lines.append(("out", reply.text, render.reply_data(reply)))
        stored = self.transcript.append(sid, lines)
        self.hub.notify(sid)
        return {"lines": self.page_lines(sid, stored)}

    # -- the outbox's port ---------------------------------------------------------------------
    def send(self, message: OutboundMessage) -> Delivery:
        if self.transcript is None:
            raise SendError("the web chat is not bound to the core yet", retry_after=5)
        stored = self.transcript.append(message.address, [("out", message.text, render.message_data(message))])
        self.hub.notify(message.address)
        return Delivery(ok=True, ref=f"web:{stored[0]['id']}")


class WebChannel:
    """The EntrepreneurChannel of the web chat: a message from the outbox (a navigator's reply,
    a meeting reminder) becomes a line of the person's transcript, on the page at once when it
    is open, and there when they come back."""

    name = CHANNEL

    def __init__(self, chat: WebChat) -> None:
        self.chat = chat

    def send(self, message: OutboundMessage) -> Delivery:
        return self.chat.send(message)
