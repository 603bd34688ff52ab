"""What Lotsen says about meetings: the `meetings.*` messages of the catalogs (bot/locales)."""

from __future__ import annotations

from bot.core.messages import Button
from bot.locales import msg
from bot.meetings.attendees import who
from bot.meetings.models import Meeting, Signup
from bot.meetings.times import format_local


def when_where(meeting: Meeting, lang: str) -> str:
    where = meeting.place or meeting.link or ""
    text = format_local(meeting.starts_at, lang, end=meeting.ends_at)
    return f"{text}, {where}" if where else text


def summary(meeting: Meeting, lang: str, *, number: int | None = None) -> str:
    prefix = f"{number}. " if number is not None else ""
    return f"{prefix}{meeting.title(lang)} – {when_where(meeting, lang)}"


def details(meeting: Meeting, lang: str) -> str:
    lines = [meeting.title(lang), when_where(meeting, lang)]
    if meeting.link and meeting.place:
        lines.append(meeting.link)
    if meeting.description(lang):
        lines.append(meeting.description(lang))
    return "\n".join(lines)


def listing(meetings: list[Meeting], lang: str, *, tag: str | None = None, start: int = 1, more: bool = False,
            named: bool = False) -> str:
    if not meetings:
        if tag:
            return msg(lang, "meetings.none_about", tag=tag)
        if named:
            return none_of_kind(lang)
        return msg(lang, "meetings.none")
    if named and start == 1:
        head = msg(lang, "meetings.next", meeting=summary(meetings[0], lang)) + "\n" + msg(lang, "meetings.dates")
    else:
        head = msg(lang, "meetings.head")
    lines = [summary(m, lang, number=i) for i, m in enumerate(meetings, start)]
    tail = msg(lang, "meetings.press", number=start)
    if more:
        tail += msg(lang, "meetings.more")
    return "\n".join([head, *lines, tail])


def no_more(lang: str) -> str:
    return msg(lang, "meetings.no_more")


def none_of_kind(lang: str) -> str:
    return msg(lang, "meetings.none_of_kind")


def signup_buttons(meetings: list[Meeting], lang: str, start: int = 1) -> list[Button]:
    return [Button(key=f"meeting:signup:{m.id}", label=msg(lang, "meetings.signup_button", number=i))
            for i, m in enumerate(meetings, start)]


def cancel_button(meeting: Meeting, lang: str) -> Button:
    return Button(key=f"meeting:cancel:{meeting.id}", label=msg(lang, "meetings.cancel_button"))


def subscribe_button(tag: str, lang: str) -> Button:
    return Button(key=f"meeting:subscribe:{tag}", label=msg(lang, "meetings.subscribe_button", tag=tag))


def confirmed(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.confirmed", details=details(meeting, lang))


def waitlisted(meeting: Meeting, lang: str, position: int) -> str:
    return msg(lang, "meetings.waitlisted", title=meeting.title(lang), position=position)


def promoted(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.promoted", details=details(meeting, lang))


def signup_cancelled(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.signup_cancelled", title=meeting.title(lang))


def reminder(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.reminder", details=details(meeting, lang))


def organiser_reminder(meeting: Meeting, signups: list[Signup], lang: str = "sv") -> str:
    names = [who(s, lang) for s in signups if s.status == "confirmed"]
    waiting = sum(1 for s in signups if s.status == "waitlisted")
    lines = [msg(lang, "meetings.tomorrow", meeting=summary(meeting, lang)),
             msg(lang, "meetings.signed_up_count", count=len(names)), *[f"- {n}" for n in names]]
    if waiting:
        lines.append(msg(lang, "meetings.waiting_count", count=waiting))
    return "\n".join(lines)


def changed(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.changed", details=details(meeting, lang))


def cancelled(meeting: Meeting, lang: str, reason: str | None = None) -> str:
    text = msg(lang, "meetings.cancelled", meeting=summary(meeting, lang))
    return f"{text}\n{reason}" if reason else text


def announced(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.announced", details=details(meeting, lang))


def invitation(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.invitation", details=details(meeting, lang))


def invitation_buttons(meeting: Meeting, lang: str) -> list[Button]:
    return [Button(key=f"meeting:accept:{meeting.id}", label=msg(lang, "meetings.accept_button")),
            Button(key=f"meeting:decline:{meeting.id}", label=msg(lang, "meetings.decline_button"))]


def declined(meeting: Meeting, lang: str) -> str:
    return msg(lang, "meetings.declined")


def subscribed(tags: list[str], lang: str) -> str:
    return msg(lang, "meetings.subscribed", tags=", ".join(tags))


def listing_number_unknown(number: int, lang: str) -> str:
    return msg(lang, "meetings.number_unknown", number=number)


def my_meetings(rows, lang: str) -> str:
    if not rows:
        return msg(lang, "meetings.mine_none")
    lines = [f"- {summary(m, lang)} ({msg(lang, f'meetings.status.{s.status}')})" for m, s in rows]
    return "\n".join([msg(lang, "meetings.mine_head"), *lines])


def _details(previous: tuple[str, str | None]) -> str:
    return ", ".join(p for p in previous if p)


def ask_details(meeting: Meeting, lang: str, previous: tuple[str, str | None] | None = None) -> str:
    """Name and company before a sign-up, with what they are for (the consent) and how to go back."""
    ask = (msg(lang, "meetings.signup.as_before", details=_details(previous)) if previous
           else msg(lang, "meetings.signup.ask"))
    return "\n".join([msg(lang, "meetings.signup.what", meeting=summary(meeting, lang)),
                      msg(lang, "meetings.signup.why"), ask, msg(lang, "meetings.signup.tail")])


def as_before_label(previous: tuple[str, str | None] | None, lang: str) -> str:
    return msg(lang, "meetings.signup.as_before_button", details=_details(previous))[:60] if previous else ""


def details_missing(lang: str) -> str:
    return msg(lang, "meetings.signup.missing")


def details_declined(lang: str) -> str:
    return msg(lang, "meetings.signup.declined")
