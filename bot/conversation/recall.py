"""What the conversation was about: the person's last real question, the topic of the last
answer, and the case draft made from them when the person then asks for a navigator.

A case is about what the person asked, in their own words (never the bot's text), with the
topics of the answers they got and the roles those topics need.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.conversation import escalation_text, followups
from bot.core.messages import Reply
from bot.locales import msg

# Replies that mean the message before them was a question about something.
_QUESTION_REPLIES = frozenset({"answer", "clarify", "escalate", "consent", "out_of_scope"})
_ORDINAL_WORDS = frozenset({"forsta", "andra", "tredje", "sista", "first", "second", "third", "last",
                            "den forsta", "den andra", "den tredje", "den sista", "the first", "the second"})


@dataclass
class Recall:
    question: str = ""  # the person's last question, as they wrote it
    topic: str | None = None  # the topic of the last answer
    last_action: str | None = None  # what Lotsen last said (Reply.action)
    topics: list[str] = field(default_factory=list)  # topics answered, newest first


def _is_question(text: str, rules) -> bool:
    key = followups.key_of(text)
    if not key or key.isdigit() or key in _ORDINAL_WORDS:
        return False
    return not followups.is_followup(text, rules)


def recall(messages: list[dict], *, rules=None) -> Recall:
    """From the latest messages, newest first (bot.conversation.store.recent_messages)."""
    found = Recall()
    reply_action = None
    for row in messages:
        if row["direction"] == "out":
            if found.last_action is None:
                found.last_action = row["action"]
            if row["action"] == "answer" and row["topic"]:
                found.topic = found.topic or row["topic"]
                if row["topic"] not in found.topics:
                    found.topics.append(row["topic"])
            reply_action = row["action"]
            continue
        if not found.question and reply_action in _QUESTION_REPLIES and _is_question(row["text"] or "", rules):
            found.question = row["text"] or ""
        reply_action = None
    return found


def _about(question: str, titles: list[str], lang: str) -> str:
    quoted = question if len(question) <= 300 else question[:297].rstrip() + "…"
    if not quoted:
        return msg(lang, "escalation.no_question")
    return msg(lang, "escalation.about", question=quoted) + (f" ({', '.join(titles)})." if titles else "")


def case_draft(responder, *, question: str, topics: list[str], lang: str,
               kind: str = "explicit_request") -> Reply:
    """An escalation about `question`: its topics (those answered plus those the question
    names) and the roles they need, with the consent question."""
    found = list(topics)
    roles: list[str] = []
    if question:
        first = responder.respond(question, lang=lang)
        named = [first.topic] if first.topic else []
        for topic in [*named, *first.topics, *responder.navigator_request(question, lang=lang).topics]:
            if topic and topic not in found:
                found.append(topic)
        roles = list(first.roles) if first.action == "escalate" else []
    rules = responder.rules
    if rules is not None:
        roles = list(dict.fromkeys([*[r for r in roles if r != rules.coordinator],
                                    *rules.roles_for(topics=found, text=question)]))
    else:
        roles = roles or [responder.coordinator]
    kb = responder.kb
    titles = [kb.articles[t].title.get(lang) for t in found if t in kb.articles]
    names = [rules.role_name(role, lang) for role in roles] if rules is not None else roles
    text = _about(question, titles, lang) + "\n\n" + escalation_text.explain(
        trigger_kind=kind, titles=titles, role_names=names, lang=lang)
    return Reply(action="escalate", text=text, lang=lang, roles=roles, topics=found, reason=kind,
                 topic=found[0] if found else None)
