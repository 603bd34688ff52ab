"""Refusals of the meetings domain: a code for programs and a polite sentence in sv and en."""

from __future__ import annotations

MESSAGES: dict[str, tuple[str, str]] = {
    "not_found": ("Mötet finns inte.", "That meeting does not exist."),
    "past": ("Mötet kan inte ligga i det förflutna.", "The meeting cannot be in the past."),
    "end_before_start": ("Mötet måste sluta efter att det börjar.", "The meeting must end after it starts."),
    "capacity": ("Antalet platser måste vara minst 1.", "The number of places must be at least 1."),
    "capacity_below_signed_up": ("Det finns redan fler anmälda än så många platser.",
                                 "More people have already signed up than that many places."),
    "deadline_after_start": ("Sista anmälningsdag måste vara före mötets start.",
                             "The sign-up deadline must be before the meeting starts."),
    "deadline_passed": ("Sista dag för anmälan har passerat.", "The sign-up deadline has passed."),
    "cancelled": ("Mötet är inställt.", "The meeting has been cancelled."),
    "started": ("Mötet har redan börjat.", "The meeting has already started."),
    "already_signed_up": ("Du är redan anmäld till mötet.", "You are already signed up for this meeting."),
    "not_signed_up": ("Du är inte anmäld till mötet.", "You are not signed up for this meeting."),
    "not_invited": ("Det finns ingen inbjudan till dig för det mötet.", "There is no invitation for you to that meeting."),
    "unknown_tag": ("Okänt ämne: {detail}.", "Unknown topic: {detail}."),
    "bad_kind": ("Okänd mötestyp: {detail}.", "Unknown kind of meeting: {detail}."),
    "bad_time": ("Tiden kunde inte läsas: {detail}. Skriv t.ex. 2026-12-03 08:00.",
                 "Could not read the time: {detail}. Write e.g. 2026-12-03 08:00."),
    "title_missing": ("Mötet behöver en titel.", "The meeting needs a title."),
    "place_missing": ("Ange en plats eller en länk.", "Give a place or a link."),
    "bad_reminder": ("Påminnelser anges som t.ex. 7d, 1d eller 2h: {detail}.",
                     "Reminders are given as e.g. 7d, 1d or 2h: {detail}."),
    "bad_field": ("Okänt fält: {detail}.", "Unknown field: {detail}."),
    "illegal_transition": ("Det går inte: {detail}.", "Not possible: {detail}."),
    "not_allowed": ("Du har inte behörighet att ändra möten.", "You are not allowed to change meetings."),
    "not_allowed_attendees": ("Bara lotsar och mötets arrangör får se vilka som är anmälda.",
                              "Only navigators and the meeting's organiser may see who has signed up."),
}


class MeetingError(Exception):
    """A refusal; nothing has been written when it is raised inside the unit of work."""

    def __init__(self, code: str, detail: str = "") -> None:
        if code not in MESSAGES:
            raise ValueError(f"unknown meeting error code {code!r}")
        self.code = code
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: str = "sv") -> str:
        sv, en = MESSAGES[self.code]
        return (en if lang == "en" else sv).format(detail=self.detail)
