"""What Lotsen says about meetings, in Swedish and English."""

from __future__ import annotations

from bot.core.messages import Button
from bot.meetings.attendees import who
from bot.meetings.models import Meeting, Signup
from bot.meetings.times import format_local


def _t(lang: str, sv: str, en: str) -> str:
    return en if lang == "en" else sv


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
            return _t(lang, f"Just nu finns inga kommande möten om {tag}. Vill du få besked när det kommer ett?",
                      f"There are no upcoming meetings about {tag} right now. Would you like to hear when one comes up?")
        if named:
            return none_of_kind(lang)
        return _t(lang, "Just nu finns inga kommande möten.", "There are no upcoming meetings right now.")
    if named and start == 1:
        head = _t(lang, f"Nästa: {summary(meetings[0], 'sv')}", f"Next: {summary(meetings[0], 'en')}")
        head += "\n" + _t(lang, "Kommande tillfällen:", "Upcoming dates:")
    else:
        head = _t(lang, "Kommande möten för företagare:", "Upcoming meetings for businesses:")
    lines = [summary(m, lang, number=i) for i, m in enumerate(meetings, start)]
    tail = _t(lang, f"Tryck på ett möte eller skriv t.ex. \"anmäl mig till {start}\".",
              f"Press a meeting or write e.g. \"sign me up for {start}\".")
    if more:
        tail += _t(lang, " Skriv \"visa fler möten\" för fler.", " Write \"show more meetings\" for more.")
    return "\n".join([head, *lines, tail])


def no_more(lang: str) -> str:
    return _t(lang, "Det finns inga fler kommande möten i listan.", "There are no more upcoming meetings in the list.")


def none_of_kind(lang: str) -> str:
    return _t(lang, "Jag hittar inget sådant möte i kalendern just nu. Skriv \"vilka möten finns?\" för alla "
                    "kommande möten.",
              "I cannot find such a meeting in the calendar just now. Write \"upcoming meetings\" for all of them.")


def signup_buttons(meetings: list[Meeting], lang: str, start: int = 1) -> list[Button]:
    return [Button(key=f"meeting:signup:{m.id}",
                   label=_t(lang, f"Anmäl mig: {i}", f"Sign me up: {i}")) for i, m in enumerate(meetings, start)]


def cancel_button(meeting: Meeting, lang: str) -> Button:
    return Button(key=f"meeting:cancel:{meeting.id}", label=_t(lang, "Avanmäl mig", "Cancel my place"))


def subscribe_button(tag: str, lang: str) -> Button:
    return Button(key=f"meeting:subscribe:{tag}", label=_t(lang, f"Bevaka {tag}", f"Follow {tag}"))


def confirmed(meeting: Meeting, lang: str) -> str:
    return _t(lang, f"Du är anmäld till {details(meeting, 'sv')}\nInbjudan till kalendern är bifogad. "
                    "Vi påminner dig innan mötet.",
              f"You are signed up for {details(meeting, 'en')}\nThe calendar invitation is attached. "
              "We will remind you before the meeting.")


def waitlisted(meeting: Meeting, lang: str, position: int) -> str:
    return _t(lang, f"Mötet {meeting.title('sv')} är fullt. Du står som nummer {position} på väntelistan "
                    "och får besked direkt om en plats blir ledig.",
              f"{meeting.title('en')} is full. You are number {position} on the waiting list and will "
              "hear at once if a place becomes free.")


def promoted(meeting: Meeting, lang: str) -> str:
    return _t(lang, f"En plats blev ledig – du är nu anmäld till {details(meeting, 'sv')}",
              f"A place became free – you are now signed up for {details(meeting, 'en')}")


def signup_cancelled(meeting: Meeting, lang: str) -> str:
    return _t(lang, f"Du är avanmäld från {meeting.title('sv')}.", f"Your place at {meeting.title('en')} is cancelled.")


def reminder(meeting: Meeting, lang: str) -> str:
    return _t(lang, f"Påminnelse: {details(meeting, 'sv')}\nKan du inte komma? Avanmäl dig så att någon annan får platsen.",
              f"Reminder: {details(meeting, 'en')}\nCan't come? Cancel your place so someone else can have it.")


def organiser_reminder(meeting: Meeting, signups: list[Signup], lang: str = "sv") -> str:
    names = [who(s, lang) for s in signups if s.status == "confirmed"]
    waiting = sum(1 for s in signups if s.status == "waitlisted")
    head = _t(lang, f"Imorgon: {summary(meeting, 'sv')}", f"Tomorrow: {summary(meeting, 'en')}")
    count = _t(lang, f"Anmälda ({len(names)}):", f"Signed up ({len(names)}):")
    lines = [head, count, *[f"- {n}" for n in names]]
    if waiting:
        lines.append(_t(lang, f"På väntelistan: {waiting}", f"On the waiting list: {waiting}"))
    return "\n".join(lines)


def changed(meeting: Meeting, lang: str) -> str:
    return _t(lang, f"Mötet har ändrats: {details(meeting, 'sv')}\nEn uppdaterad kalenderinbjudan är bifogad.",
              f"The meeting has changed: {details(meeting, 'en')}\nAn updated calendar invitation is attached.")


def cancelled(meeting: Meeting, lang: str, reason: str | None = None) -> str:
    text = _t(lang, f"Mötet {summary(meeting, 'sv')} är inställt.", f"{summary(meeting, 'en')} has been cancelled.")
    return f"{text}\n{reason}" if reason else text


def announced(meeting: Meeting, lang: str) -> str:
    return _t(lang, f"Nytt möte som du bevakar: {details(meeting, 'sv')}",
              f"A new meeting you follow: {details(meeting, 'en')}")


def invitation(meeting: Meeting, lang: str) -> str:
    return _t(lang, f"Din företagslots föreslår ett möte: {details(meeting, 'sv')}\nPassar tiden?",
              f"Your business navigator proposes a meeting: {details(meeting, 'en')}\nDoes the time suit you?")


def invitation_buttons(meeting: Meeting, lang: str) -> list[Button]:
    return [Button(key=f"meeting:accept:{meeting.id}", label=_t(lang, "Ja, det passar", "Yes, that suits me")),
            Button(key=f"meeting:decline:{meeting.id}", label=_t(lang, "Nej, föreslå en annan tid", "No, propose another time"))]


def declined(meeting: Meeting, lang: str) -> str:
    return _t(lang, "Tack, vi meddelar din lots att tiden inte passar.",
              "Thank you, we will tell your navigator that the time does not suit you.")


def subscribed(tags: list[str], lang: str) -> str:
    joined = ", ".join(tags)
    return _t(lang, f"Klart! Du får besked när det kommer nya möten om {joined}.",
              f"Done! You will hear when new meetings about {joined} come up.")


def listing_number_unknown(number: int, lang: str) -> str:
    return _t(lang, f"Jag hittar inget möte nummer {number} i listan. Skriv \"vilka möten finns?\" för att se den igen.",
              f"I can't find meeting number {number} in the list. Write \"upcoming meetings\" to see it again.")


def my_meetings(rows, lang: str) -> str:
    if not rows:
        return _t(lang, "Du är inte anmäld till några kommande möten.", "You are not signed up for any upcoming meetings.")
    labels = {"confirmed": ("anmäld", "signed up"), "waitlisted": ("väntelista", "waiting list"),
              "invited": ("inbjuden", "invited")}
    lines = [f"- {summary(m, lang)} ({labels[s.status][1 if lang == 'en' else 0]})" for m, s in rows]
    return "\n".join([_t(lang, "Dina möten:", "Your meetings:"), *lines])


def _details(previous: tuple[str, str | None]) -> str:
    return ", ".join(p for p in previous if p)


def ask_details(meeting: Meeting, lang: str, previous: tuple[str, str | None] | None = None) -> str:
    """Name and company before a sign-up, with what they are for (the consent) and how to go back."""
    what = _t(lang, f"Du anmäler dig till {summary(meeting, 'sv')}.", f"You are signing up for {summary(meeting, 'en')}.")
    why = _t(lang, "Arrangören behöver veta vilka som kommer. Vi sparar ditt namn och företag med anmälan, visar "
                   "dem bara för arrangören och raderar dem om du skriver \"glöm mig\".",
             "The organiser needs to know who is coming. We keep your name and company with your sign-up, show "
             "them only to the organiser, and erase them if you write \"forget me\".")
    if previous:
        ask = _t(lang, f"Ska jag anmäla dig som {_details(previous)}? Svara ja, eller skriv ditt namn och företag.",
                 f"Shall I sign you up as {_details(previous)}? Reply yes, or write your name and company.")
    else:
        ask = _t(lang, "Skriv ditt namn och ditt företag om du har ett, till exempel: Anna Svensson, Pizzeria Roma.",
                 "Write your name, and your company if you have one, for example: Anna Svensson, Pizzeria Roma.")
    tail = _t(lang, "Skriv \"avbryt\" om du inte vill anmäla dig.", "Write \"cancel\" if you do not want to sign up.")
    return "\n".join([what, why, ask, tail])


def as_before_label(previous: tuple[str, str | None] | None, lang: str) -> str:
    return _t(lang, f"Ja, som {_details(previous)}", f"Yes, as {_details(previous)}")[:60] if previous else ""


def details_missing(lang: str) -> str:
    return _t(lang, "Jag behöver ditt namn för anmälan. Skriv det, och ditt företag om du har ett, till exempel: "
                    "Anna Svensson, Pizzeria Roma. Eller skriv \"avbryt\".",
              "I need your name for the sign-up. Write it, and your company if you have one, for example: "
              "Anna Svensson, Pizzeria Roma. Or write \"cancel\".")


def details_declined(lang: str) -> str:
    return _t(lang, "Okej, jag har inte anmält dig och sparar ingenting. Skriv \"vilka möten finns?\" om du vill se "
                    "mötena igen.",
              "All right, I have not signed you up and keep nothing. Write \"upcoming meetings\" to see the meetings "
              "again.")
