"""The checklist answer in words: what applies to an activity, in order, each item with its lead
time and the topic to read more. The företagslots' overview of everything that concerns the
business, in a chat."""

from __future__ import annotations

import re

from bot.knowledge.activities import Guide
from bot.knowledge.models import KnowledgeBase
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
    what = " och ".join(names) if lang == "sv" else " and ".join(names)
    applying = [item for item in items if item["applies"]]
    conditional = [item for item in items if not item["applies"]]
    if lang == "sv":
        lines = [f"Det här gäller för {what.lower()}, i den ordning du bör ta det:" if what
                 else "Det här gäller, i den ordning du bör ta det:"]
    else:
        lines = [f"This is what applies to {what.lower()}, in the order to take it:" if what
                 else "This is what applies, in the order to take it:"]
    for number, item in enumerate(applying, 1):
        lines.append(f"{number}. {item['title']}" + (f": {item['deadline']}" if item["deadline"] else ""))
    if conditional:
        lines.append("")
        lines.append("Beroende på hur ni gör:" if lang == "sv" else "Depending on your plans:")
        for item in conditional:
            when = item["condition"] or ""
            lines.append(f"- {when[:1].upper()}{when[1:]}: {item['title']}"
                         + (f" ({item['deadline']})" if item["deadline"] else ""))
    lines.append("")
    lines.append('Skriv namnet på ett ämne, till exempel "' + items[0]["title"].split(" –")[0]
                 + '", så berättar jag mer.' if lang == "sv" else
                 'Write the name of a topic, for example "' + items[0]["title"].split(" –")[0]
                 + '", and I will tell you more.')
    return "\n".join(lines)
