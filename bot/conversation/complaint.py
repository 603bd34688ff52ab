"""Complaints ("4 månader utan bygglov! Vad håller ni på med??"): recognised, acknowledged,
answered with the rules that protect the person (the deadline the municipality must keep, the
fee reduction when it does not, and the law that says so), and followed by the offer of a case.

The rules are read from the topic's article (deadline, fees, legal_basis), so a municipality
that edits its knowledge edits this answer too.
"""

from __future__ import annotations

import re

from bot.conversation import followups
from bot.knowledge.models import Article
from bot.locales import msg

_WAIT = re.compile(r"\b(\d+|en|ett|tva|tre|fyra|fem|sex|sju|atta|nio|tio|flera|manga|snart|over|"
                   r"two|three|four|five|six|several|many|over)\s+(manader|manad|veckor|vecka|ar|"
                   r"months|month|weeks|week|years)\b")
_STILL = re.compile(r"\b(utan|fortfarande|vantat|vantar|vantan|inget beslut|inget svar|ingen aterkoppling|"
                    r"without|still|waiting|waited|no decision|no answer|no reply)\b")
_ANGRY = re.compile(
    r"\b(vad haller ni pa med|vad sysslar ni med|skandal\w*|oacceptab\w*|bedrovlig\w*|uselt|urusel\w*|"
    r"klaga\w*|klagomal\w*|inkompeten\w*|pinsamt|fruktansvart|lojligt|ett skamt|"
    r"fortfarande inget|fortfarande inte|hur lang tid ska|varfor tar det sa lang tid|"
    r"what are you doing|unacceptable|ridiculous|outrageous|disgrace\w*|complain\w*|incompeten\w*|"
    r"still waiting|still no|still not|why does it take so long)\b")
_LAW_NAME = re.compile(r"^(.*?\(\d{4}:\d+\))")
_REDUCTION_SV = re.compile(r"(\d+ kap\. \d+ ?[a-z]? ?§)\s*\(avgiftsreduktion\)")
_REDUCTION_EN = re.compile(r"(chapter \d+ section \d+(?: [a-z])?) \(fee reduction\)")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def is_complaint(text: str | None) -> bool:
    """Frustration, or a long wait with "without", "still" or several ?/!."""
    raw = text or ""
    key = followups.key_of(raw)
    if not key or len(key) > 600:
        return False
    if _ANGRY.search(key):
        return True
    shouting = "??" in raw or "!!" in raw or raw.count("!") + raw.count("?") >= 2
    return bool(_WAIT.search(key)) and bool(_STILL.search(key) or shouting)


def protections(article: Article, lang: str) -> list[str]:
    """The article's rules that protect the person: the deadline, the fee reduction, the law."""
    lines = []
    if article.deadline is not None:
        lines.append(f"{msg(lang, 'complaint.deadline')}: {article.deadline.get(lang)}")
    fees = [s for s in _SENTENCE.split(article.fees.get(lang))
            if re.search(r"sänk|reduc|femtedel|fifth", s, re.IGNORECASE)]
    if fees:
        lines.append(f"{msg(lang, 'complaint.missed')}: {' '.join(fees)}")
    law = _law(article, lang)
    if law:
        lines.append(f"{msg(lang, 'complaint.law')}: {law}")
    return lines


def _law(article: Article, lang: str) -> str:
    basis = article.legal_basis.get(lang)
    name = _LAW_NAME.match(basis)
    section = (_REDUCTION_EN if lang == "en" else _REDUCTION_SV).search(basis)
    if section and name:
        return msg(lang, "complaint.reduction", law=name.group(1), section=section.group(1))
    return basis if article.deadline is not None else ""


def acknowledge(article: Article | None, lang: str) -> str:
    """The acknowledgement and the protecting rules (the offer of a case follows)."""
    parts = [msg(lang, "complaint.head")]
    lines = protections(article, lang) if article is not None else []
    if lines and article is not None:
        title = article.title.get(lang)
        title = title[:1].lower() + title[1:]
        parts.append("\n".join([msg(lang, "complaint.about", title=title), *lines]))
    return "\n\n".join(parts)
