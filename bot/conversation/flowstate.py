"""Each flow's own state in a conversation, under the flow's own name.

The stored JSON (the conversation's `pending` column) is one section per flow:
{"escalation": {...}, "clarify": {...}, "erasure": {...}, "meetings": {...}}. A flow's module
reads and writes only its own section, as a dataclass (`get` / `put` / `drop` here turn it into
JSON and back), so one flow's move never wipes another's state: an erasure question or a meetings
listing in the middle of an escalation leaves the draft where it was.

Rows written before sections were one flat dict (the escalation draft's words, topics, roles,
reason, consent_at and lang at the top, the clarify options, "erasure_asked", "meetings_listed",
"meetings_query", "meetings_signup"). They are read into sections the first time any flow looks
(`upgrade`), so a conversation in the middle of consent at the upgrade continues.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import Any, TypeVar

from bot.conversation.store import ConversationRecord

T = TypeVar("T")

ESCALATION, CLARIFY, ERASURE, MEETINGS = "escalation", "clarify", "erasure", "meetings"
SECTIONS = frozenset({ESCALATION, CLARIFY, ERASURE, MEETINGS})
_LEGACY_ESCALATION = ("words", "topics", "roles", "reason", "consent_at", "lang")
_LEGACY_MEETINGS = {"meetings_listed": "listed", "meetings_query": "query", "meetings_signup": "signup"}


def upgrade(pending: dict[str, Any] | None) -> dict[str, Any]:
    """The sections of a stored `pending`, in either shape. Keys no flow knows are dropped."""
    pending = pending or {}
    if all(key in SECTIONS and isinstance(value, dict) for key, value in pending.items()):
        return pending
    sections: dict[str, Any] = {key: value for key, value in pending.items()
                                if key in SECTIONS and isinstance(value, dict)}
    if any(key in pending for key in ("words", "topics", "roles", "consent_at")):
        sections[ESCALATION] = {key: pending[key] for key in _LEGACY_ESCALATION if key in pending}
    if "options" in pending:
        sections[CLARIFY] = {"options": list(pending["options"] or [])}
    if isinstance(pending.get("erasure_asked"), dict):
        sections[ERASURE] = dict(pending["erasure_asked"])
    meetings = {new: pending[old] for old, new in _LEGACY_MEETINGS.items() if pending.get(old)}
    if meetings:
        sections[MEETINGS] = meetings
    return sections


def _sections(record: ConversationRecord) -> dict[str, Any]:
    upgraded = upgrade(record.pending)
    if upgraded is not record.pending:
        record.pending = upgraded
    return upgraded


def get(record: ConversationRecord, name: str, kind: type[T]) -> T | None:
    """The flow's state, or None when it has none (or what is stored no longer fits the type)."""
    data = _sections(record).get(name)
    if not isinstance(data, dict):
        return None
    known = {f.name for f in fields(kind)}  # type: ignore[arg-type]  # kind is a dataclass
    try:
        return kind(**{key: value for key, value in data.items() if key in known})
    except TypeError:
        return None


def has(record: ConversationRecord, name: str) -> bool:
    return name in _sections(record)


def put(record: ConversationRecord, name: str, state: Any) -> None:
    """Store the flow's state (a dataclass) under its name; the other sections stay as they are."""
    assert name in SECTIONS, name
    record.pending = {**_sections(record), name: asdict(state)}


def drop(record: ConversationRecord, name: str) -> None:
    sections = _sections(record)
    if name in sections:
        record.pending = {key: value for key, value in sections.items() if key != name}


def clear(record: ConversationRecord) -> None:
    """Everything pending goes ("avbryt"): only the person's own cancel does this."""
    record.pending = {}


def any_pending(record: ConversationRecord) -> bool:
    return bool(_sections(record))
