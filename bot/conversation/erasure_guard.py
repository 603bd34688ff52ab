"""Asking once before an erasure closes an open case.

"glöm mig" erases at once when nothing is open. When it would also close an open case (as
withdrawn), Lotsen first says so and asks; "ja" or the button erases, anything else keeps
everything. The question is remembered in the conversation under its own key, so the next
message is read as the answer, and only that one.
"""

from __future__ import annotations

from bot.conversation import followups, store
from bot.core.messages import Button, Reply
from bot.locales import msg

PENDING_KEY = "erasure_asked"
CONFIRM, KEEP = "erase:confirm", "erase:keep"


def might_answer(text: str | None, choice: str | None) -> bool:
    """Cheap test (no database) whether the message could answer the question."""
    return (choice or "") in (CONFIRM, KEEP) or followups.is_yes(text) or followups.is_no(text)


def ask(db, *, channel: str, user_id: str, numbers: list[str], lang: str, now) -> Reply:
    with db.unit() as unit:
        record = store.load_or_create(unit.connection, channel=channel, user_id=user_id, address=user_id, now=now)
        record.pending = {**(record.pending or {}), PENDING_KEY: {"cases": list(numbers), "lang": lang}}
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
        asked = (record.pending or {}).get(PENDING_KEY) if record is not None else None
        if record is None or asked is None:
            return (None, None) if (choice or "") not in (CONFIRM, KEEP) else (False, None)
        record.pending = {k: v for k, v in record.pending.items() if k != PENDING_KEY}
        store.save(unit.connection, record=record)
    lang = asked.get("lang") if isinstance(asked, dict) else None
    return choice == CONFIRM or (not choice and followups.is_yes(text)), lang


def kept(lang: str) -> Reply:
    return Reply(action="declined", text=msg(lang, "erasure.kept"), lang=lang)
