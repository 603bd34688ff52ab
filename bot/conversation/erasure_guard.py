"""Asking once before an erasure closes an open case.

"glöm mig" erases at once when nothing is open. When it would also close an open case (as
withdrawn), Lotsen first says so and asks; "ja" or the button erases, anything else keeps
everything. The question (`ErasureQuestion`: the cases and the language) is remembered in the
conversation under its own name (bot.conversation.flowstate), so the next message is read as the
answer, and only that one; whatever else waits there (an escalation draft) stays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.conversation import flowstate, followups, store
from bot.conversation.store import ConversationRecord
from bot.core.messages import Button, Reply
from bot.locales import msg

CONFIRM, KEEP = "erase:confirm", "erase:keep"


@dataclass(slots=True)
class ErasureQuestion:
    cases: list[str] = field(default_factory=list)
    lang: str | None = None


def forget(conversation: ConversationRecord) -> None:
    """The question was not answered by this message: it is not asked any more."""
    flowstate.drop(conversation, flowstate.ERASURE)


def might_answer(text: str | None, choice: str | None) -> bool:
    """Cheap test (no database) whether the message could answer the question."""
    return (choice or "") in (CONFIRM, KEEP) or followups.is_yes(text) or followups.is_no(text)


def ask(db, *, channel: str, user_id: str, numbers: list[str], lang: str, now) -> Reply:
    with db.unit() as unit:
        record = store.load_or_create(unit.connection, channel=channel, user_id=user_id, address=user_id, now=now)
        flowstate.put(record, flowstate.ERASURE, ErasureQuestion(cases=list(numbers), lang=lang))
        record.updated_at = now
        store.save(unit.connection, record=record)
    text = msg(lang, "erasure.ask", cases=", ".join(numbers))
    buttons = [Button(CONFIRM, msg(lang, "erasure.confirm")), Button(KEEP, msg(lang, "erasure.keep"))]
    return Reply(action="consent", text=text, lang=lang, buttons=buttons)


def answer(db, *, channel: str, user_id: str, text: str | None,
           choice: str | None) -> tuple[bool | None, str | None]:
    """(True, lang): erase now. (False, lang): the person said no (keep everything). (None,
    None): no question was pending (the message is an ordinary one). The question is
    forgotten either way."""
    with db.unit() as unit:
        record = store.load(unit.connection, channel=channel, user_id=user_id)
        asked = flowstate.get(record, flowstate.ERASURE, ErasureQuestion) if record is not None else None
        if record is None or asked is None:
            return (None, None) if (choice or "") not in (CONFIRM, KEEP) else (False, None)
        forget(record)
        store.save(unit.connection, record=record)
    lang = asked.lang
    return choice == CONFIRM or (not choice and followups.is_yes(text)), lang


def kept(lang: str) -> Reply:
    return Reply(action="declined", text=msg(lang, "erasure.kept"), lang=lang)
