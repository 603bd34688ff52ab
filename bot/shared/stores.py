"""The shared state as the adapters use it: the same small interfaces as the in-process stores
they replace (`bot.adapters.dedupe.SeenIds`, the Slack meeting form's `Drafts`, Telegram's reply
prompts), backed by the database. The composition root hands them to the adapters (`Lotsen.shared_stores`).

The event memory fails open: should the database not answer, the event is handled (and a
warning logged) rather than dropped; a rare repeat is better than a lost message.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from bot.core.clock import Clock
from bot.shared import service, transcript
from bot.storage.db import Database

log = logging.getLogger(__name__)

EVENT_MEMORY = timedelta(hours=1)  # Slack retries within minutes; Telegram within hours at most
DRAFT_MEMORY = timedelta(days=1)
PROMPT_MEMORY = timedelta(days=4)  # a prompt pressed on Friday afternoon is answered on Monday


class SharedSeenIds:
    """Event ids already received, in every replica: `claim` is True once per id."""

    def __init__(self, db: Database, *, clock: Clock, scope: str, ttl: timedelta = EVENT_MEMORY) -> None:
        self.db, self.clock, self.scope, self.ttl = db, clock, scope, ttl

    def claim(self, key: Any) -> bool:
        try:
            return service.claim_once(self.db, scope=self.scope, key=str(key), now=self.clock.now(), ttl=self.ttl)
        except Exception as exc:
            log.warning("shared: could not record event (%s); handling it", type(exc).__name__)
            return True

    def release(self, key: Any) -> None:
        try:
            service.forget(self.db, scope=self.scope, key=str(key))
        except Exception as exc:
            log.warning("shared: could not forget event (%s)", type(exc).__name__)


class SharedDrafts:
    """Forms kept for their owner (a refused meeting form, so nothing typed is lost), taken once
    by whichever replica the owner's button press reaches."""

    def __init__(self, db: Database, *, clock: Clock, scope: str, ttl: timedelta = DRAFT_MEMORY) -> None:
        self.db, self.clock, self.scope, self.ttl = db, clock, scope, ttl

    def keep(self, *, user: str, **draft: Any) -> str:
        return service.keep(self.db, scope=self.scope, owner=user, data=draft, now=self.clock.now(), ttl=self.ttl)

    def take(self, token: str, *, user: str) -> dict | None:
        draft = service.take(self.db, scope=self.scope, token=token, owner=user, now=self.clock.now())
        return {"user": user, **draft} if draft is not None else None


class SharedPrompts:
    """What a message the bot sent asks for (a navigator's reply prompt: the case, who was asked
    and what for), by the message's own key, so that the answer, a reply to that message, is
    understood by whichever replica it reaches. Anyone may look; the adapter checks who answers."""

    def __init__(self, db: Database, *, clock: Clock, scope: str, ttl: timedelta = PROMPT_MEMORY) -> None:
        self.db, self.clock, self.scope, self.ttl = db, clock, scope, ttl

    def _token(self, key: Any) -> str:
        return f"{self.scope}:{key}"

    def remember(self, key: Any, value: dict[str, Any]) -> None:
        service.keep(self.db, scope=self.scope, owner="", data=value, now=self.clock.now(), ttl=self.ttl,
                     token=self._token(key))

    def get(self, key: Any) -> dict[str, Any] | None:
        return service.look(self.db, scope=self.scope, token=self._token(key), owner="", now=self.clock.now())

    def forget(self, key: Any) -> None:
        service.take(self.db, scope=self.scope, token=self._token(key), owner="", now=self.clock.now())

    def __contains__(self, key: Any) -> bool:
        return self.get(key) is not None


class SharedTranscript:
    """The channel's transcript of each person's conversation (bot.shared.transcript): what the
    web chat shows again after a reload, on any replica."""

    def __init__(self, db: Database, *, clock: Clock, channel: str) -> None:
        self.db, self.clock, self.channel = db, clock, channel

    def append(self, person: str, lines: list[tuple[str, str, dict]]) -> list[dict]:
        return transcript.append(self.db, channel=self.channel, person=person, lines=lines, now=self.clock.now())

    def since(self, person: str, after: int = 0, limit: int = 200) -> list[dict]:
        return transcript.since(self.db, channel=self.channel, person=person, after=after, limit=limit)

    def line(self, person: str, line_id: int) -> dict | None:
        return transcript.line(self.db, channel=self.channel, person=person, line_id=line_id)

    def changed_since(self, after: int) -> tuple[int, set[str]]:
        return transcript.changed_since(self.db, channel=self.channel, after=after)

    def secret(self, name: str) -> str:
        """A random key every replica shares, made once (e.g. the cookie key)."""
        return transcript.shared_secret(self.db, name=f"{self.channel}:{name}"[:32], now=self.clock.now())


@dataclass(frozen=True)
class SharedStores:
    """What one channel's adapter keeps in the database."""

    seen: SharedSeenIds
    drafts: SharedDrafts
    transcript: SharedTranscript
    prompts: SharedPrompts


def shared_stores(db: Database, *, clock: Clock, channel: str) -> SharedStores:
    return SharedStores(seen=SharedSeenIds(db, clock=clock, scope=f"{channel}:event"),
                        drafts=SharedDrafts(db, clock=clock, scope=f"{channel}:draft"),
                        transcript=SharedTranscript(db, clock=clock, channel=channel),
                        prompts=SharedPrompts(db, clock=clock, scope=f"{channel}:prompt"))
