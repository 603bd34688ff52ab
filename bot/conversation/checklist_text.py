"""The checklist answer in words: what applies to an activity, in order, each item with its lead
time and the topic to read more. The företagslots' overview of everything that concerns the
business, in a chat."""

from __future__ import annotations

import re

from bot.knowledge.activities import Guide
from bot.knowledge.models import KnowledgeBase
from bot.locales import join, msg
from bot.matching.checklist import Checklist

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _first_sentence(text: str) -> str:
    return _SENTENCE.split(text.strip(), maxsplit=1)[0]


def checklist_items(checklist: Checklist, *, kb: KnowledgeBase, guide: Guide, lang: str) -> list[dict]:
    """The items as plain data (what `lotsen ask --json` prints as `checklist`)."""
    result = []
    for item in checklist.items:
        article = kb.articles.get(item.topic)
        if article is None:
            continue
        if item.lead is not None:
            deadline = item.lead.get(lang)
        elif article.deadline is not None:
            deadline = _first_sentence(article.deadline.get(lang))
        else:
            deadline = None
        condition = guide.conditions.get(item.condition) if item.condition else None
        result.append({"topic": item.topic, "title": article.title.get(lang), "applies": item.applies,
                       "condition": condition.label.get(lang) if condition else None,
                       "deadline": deadline})
    return result


def render_checklist(items: list[dict], *, names: list[str], lang: str) -> str:
    what = join(lang, names)
    applying = [item for item in items if item["applies"]]
    conditional = [item for item in items if not item["applies"]]
    lines = [msg(lang, "checklist.head", what=what.lower()) if what else msg(lang, "checklist.head_plain")]
    for number, item in enumerate(applying, 1):
        lines.append(f"{number}. {item['title']}" + (f": {item['deadline']}" if item["deadline"] else ""))
    if conditional:
        lines.append("")
        lines.append(msg(lang, "checklist.depending"))
        for item in conditional:
            when = item["condition"] or ""
            lines.append(f"- {when[:1].upper()}{when[1:]}: {item['title']}"
                         + (f" ({item['deadline']})" if item["deadline"] else ""))
    lines.append("")
    lines.append(msg(lang, "checklist.tail", example=items[0]["title"].split(" –")[0]))
    return "\n".join(lines)
