"""Asking once before an erasure closes an open case.

"glöm mig" erases at once when nothing is open. When it would also close an open case (as
withdrawn), Lotsen first says so and asks; "ja" or the button erases, anything else keeps
everything. The question is remembered in the conversation under its own key, so the next
message is read as the answer, and only that one.
"""

from __future__ import annotations

from bot.conversation import followups, store
from bot.core.messages import Button, Reply

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
    cases = ", ".join(numbers)
    if lang == "en":
        text = (f"Erasing your data also closes your open case {cases} as withdrawn, and your contact person "
                "will no longer be able to reach you. Do you want that? Reply yes or no.")
        buttons = [Button(CONFIRM, "Yes, erase"), Button(KEEP, "No, keep my case")]
    else:
        text = (f"Om jag raderar dina uppgifter avslutas också ditt öppna ärende {cases} som återkallat, och din "
                "kontaktperson kan inte längre nå dig. Vill du det? Svara ja eller nej.")
        buttons = [Button(CONFIRM, "Ja, radera"), Button(KEEP, "Nej, behåll ärendet")]
    return Reply(action="consent", text=text, lang=lang, buttons=buttons)


def answer(db, *, channel: str, user_id: str, text: str | None,
           choice: str | None) -> tuple[bool | None, str | None]:
    """(True, lang): erase now. (False, lang): the person said no (keep everything). (None,
    None): no question was pending (the message is an ordinary one). The question is
    forgotten either way."""
    with db.unit() as unit:
        record = store.load(unit.connection, channel=channel, user_id=user_id)
        asked = (record.pending or {}).get(PENDING_KEY) if record is not None else None
        if asked is None:
            return (None, None) if (choice or "") not in (CONFIRM, KEEP) else (False, None)
        record.pending = {k: v for k, v in record.pending.items() if k != PENDING_KEY}
        store.save(unit.connection, record=record)
    lang = asked.get("lang") if isinstance(asked, dict) else None
    return choice == CONFIRM or (not choice and followups.is_yes(text)), lang


def kept(lang: str) -> Reply:
    text = ("Okej, jag raderar ingenting och ditt ärende fortsätter." if lang != "en"
            else "All right, I erase nothing and your case goes on.")
    return Reply(action="declined", text=text, lang=lang)
