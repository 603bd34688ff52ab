"""Finding meetings the way people ask for them: by name or kind ("När är nästa
företagsfrukost?", "näringslivsrådet", "anmäla mig till upphandlingsdialogen"), by month
("möten i februari") and page by page ("visa fler möten").

`parse` reads folded text (bot.meetings.flow._fold) without the database; `find` runs the
query. Meeting titles in the calendar count as names too, so a municipality's own meetings
are found by what they are called.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from bot.core.clock import STOCKHOLM
from bot.matching.text import fold
from bot.meetings.models import Meeting

# kind -> word starts (folded) that name it
KIND_WORDS: dict[str, tuple[str, ...]] = {
    "frukost": ("foretagsfrukost", "frukostmote", "frukostmot", "frukost", "breakfast", "business breakfast"),
    "naringslivsrad": ("naringslivsrad", "naringslivsradet", "business council"),
    "upphandlingsdialog": ("upphandlingsdialog", "procurement dialogue", "procurement dialog"),
    "natverk": ("natverkstraff", "natverk", "network meeting", "networking"),
    "information": ("informationstraff", "informationsmote", "information meeting", "info meeting"),
    "tema": ("temamote", "temakvall", "theme meeting"),
}
_MONTHS = {name: number for number, names in enumerate((
    ("januari", "january", "jan"), ("februari", "february", "feb"), ("mars", "march"), ("april", "apr"),
    ("maj", "may"), ("juni", "june", "jun"), ("juli", "july", "jul"), ("augusti", "august", "aug"),
    ("september", "sept", "sep"), ("oktober", "october", "okt", "oct"), ("november", "nov"),
    ("december", "dec")), 1) for name in names}
_WHEN = re.compile(r"\b(nar|nasta|vilken dag|vilket datum|datum|when|next|what time|date|dates)\b")
_SIGNUP = re.compile(r"\b(anmal|anmala|anmaler|boka|delta|vara med|komma pa|ga pa|sign up|sign me up|register|"
                     r"book|attend|join)\b")
_MEETING_WORDS = re.compile(r"\b(mote|moten|motet|traff|traffar|traffen|evenemang|meeting|meetings|event|events)\b")
_MORE = re.compile(r"^(visa\s+)?(fler|flera|nasta)(\s+(moten|traffar|sida))?$|^(show\s+)?more(\s+(meetings|events))?$"
                   r"|^next page$|^(visa\s+)?fler\s+(moten|traffar)\b|^(show|see)\s+more\s+(meetings|events)\b")
_QUESTION = re.compile(r"\b(vad ar|vad betyder|vad innebar|hur fungerar|what is|what are|how does)\b")


@dataclass(frozen=True)
class Query:
    kind: str | None = None
    month: int | None = None
    signup: bool = False
    more: bool = False
    asked: bool = False  # the text asks for meetings (not, say, what a procurement dialogue is)


def kind_in(text: str) -> str | None:
    padded = f" {text} "
    for kind, names in KIND_WORDS.items():
        if any(f" {name}" in padded for name in names):
            return kind
    return None


def parse(text: str) -> Query:
    """`text` is folded (lower case, å/ä/ö as a/a/o, no punctuation)."""
    if _MORE.search(text):
        return Query(more=True, asked=True)
    words = text.split()
    kind = kind_in(text)
    month = next((_MONTHS[w] for w in words if w in _MONTHS and (len(w) > 3 or "i " + w in text)), None)
    signup = bool(_SIGNUP.search(text))
    meeting_words = bool(_MEETING_WORDS.search(text))
    if kind is not None:
        asked = not _QUESTION.search(text) and (bool(_WHEN.search(text)) or signup or meeting_words or len(words) <= 3)
    else:
        asked = month is not None and meeting_words
    return Query(kind=kind, month=month, signup=signup and kind is not None, asked=asked)


def find(session: Session, *, now: datetime, kind: str | None = None, tag: str | None = None,
         month: int | None = None, title: str | None = None, offset: int = 0,
         limit: int = 5) -> tuple[list[Meeting], bool]:
    """Upcoming scheduled meetings (not case meetings) that fit, soonest first: one page, and
    whether there are more."""
    query = (select(Meeting).where(Meeting.starts_at > now, Meeting.status == "scheduled",
                                   Meeting.kind != "lotsmote").order_by(col(Meeting.starts_at), col(Meeting.id)))
    found: list[Meeting] = []
    for meeting in session.exec(query):
        if kind is not None and meeting.kind != kind and not (title and title in fold(meeting.title_sv)):
            continue
        if tag is not None and tag not in (meeting.tags or []):
            continue
        if month is not None and meeting.starts_at.astimezone(STOCKHOLM).month != month:
            continue
        found.append(meeting)
        if len(found) > offset + limit:
            break
    return found[offset:offset + limit], len(found) > offset + limit
