"""What Lotsen could not answer: questions refused as off-topic and clarifications left
unanswered, grouped by the topic that scored best (even when refused) and counted.

Read from the stored messages: each turn stores the person's message ("in") and the reply
("out", with its action) at the same time. A clarification counts as unanswered when the
person's next turn in that conversation did not get an answer, or there was none. (There is no
way yet to mark an answer as unhelpful, so that group is not counted.)

The digest names no one: no names, contact details or chat ids. It gives counts and at most a
few short example texts per topic, in which e-mail addresses, links, @handles, phone numbers and
any other long number are masked. Conversations erased on request are gone and not counted.
`lotsen kb gaps --since DATE` prints it; every week the scheduler posts the past week's to the
business office on the desk (bot.knowledge.notices, rendered when it is sent).
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import Connection, select

from bot.conversation.models import Message
from bot.core.clock import STOCKHOLM, Clock
from bot.knowledge.models import KnowledgeBase
from bot.knowledge.notices import (
    coordinator_role,
    enqueue_once,
    existing_keys,
    first_working_moment,
    period_start_local,
    role_mentions,
    week_start,
)
from bot.locales import msg
from bot.storage.db import Database
from bot.storage.rows import table_of

log = logging.getLogger(__name__)

MESSAGE = table_of(Message)
REFUSED, CLARIFY = "out_of_scope", "clarify"
EXAMPLES_PER_TOPIC = 3
EXAMPLE_CHARS = 80
DIGEST = "gaps"

_MASKS = (
    (re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+"), "[e-post]"),
    (re.compile(r"(?:https?://|www\.)\S+", re.I), "[länk]"),
    (re.compile(r"(?<!\w)@\w+"), "@[namn]"),
    (re.compile(r"\+?\d(?:[\s\-()/.]{0,2}\d){4,}"), "[nummer]"),  # phones, ids, personnummer: 5+ digits
    (re.compile(r"(?i)\b(jag heter|mitt namn är|mitt namn ar|my name is)\s+\S+(?:\s+[A-ZÅÄÖ]\S*)?"),
     r"\1 [namn]"),
)


def t(key: str, lang: str, **values: object) -> str:
    return msg(lang, f"upkeep.gaps.{key}", **values)


_CAPITALISED = re.compile(r"(?<![\w\[])[A-ZÅÄÖÉÜ][^\W\d_]*")
_WORD = re.compile(r"[^\W\d_]+")
_GREETINGS = frozenset({"hej", "hejsan", "hallå", "halla", "tjena", "tja", "hi", "hello", "hey", "tack", "thanks"})


def known_words(kb: KnowledgeBase) -> frozenset[str]:
    """Every word of the articles, lower case: a capitalised word outside them may be a name."""
    words: set[str] = set(_GREETINGS)
    for article in kb.articles.values():
        texts = [article.title.sv, article.title.en, article.summary.sv, article.summary.en, article.body.sv,
                 article.body.en, *(w for lang in article.keywords.values() for w in lang),
                 *(e for lang in article.examples.values() for e in lang)]
        for text in texts:
            words.update(_WORD.findall(text.lower()))
    return frozenset(words)


def anonymise(text: str, *, known: frozenset[str] = frozenset(), limit: int = EXAMPLE_CHARS) -> str:
    """A short text with contact details, links, handles and long numbers masked, and every
    capitalised word that is not in the knowledge base's vocabulary (`known`), which may be a
    name. (A name written in lower case cannot be told from other words: keep texts short.)"""
    for pattern, replacement in _MASKS:
        text = pattern.sub(replacement, text)
    text = _CAPITALISED.sub(lambda m: m.group(0) if m.group(0).lower() in known else "[namn]", text)
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[:limit]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip(" ,.;:") + " …"  # never half a mask


@dataclass
class GapGroup:
    topic: str | None  # the best-scoring topic, None when nothing scored
    refused: int = 0
    unanswered: int = 0
    examples: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return self.refused + self.unanswered


@dataclass
class Digest:
    since: datetime
    until: datetime
    groups: list[GapGroup]

    @property
    def refused(self) -> int:
        return sum(g.refused for g in self.groups)

    @property
    def unanswered(self) -> int:
        return sum(g.unanswered for g in self.groups)


def _gaps(connection: Connection, *, since: datetime, until: datetime) -> list[tuple[str, str]]:
    """(kind, question text) of every refusal and unanswered clarification in [since, until)."""
    found = connection.execute(
        select(MESSAGE.c.conversation_id).distinct().where(
            MESSAGE.c.direction == "out", MESSAGE.c.action.in_((REFUSED, CLARIFY)),
            MESSAGE.c.created_at >= since, MESSAGE.c.created_at < until)).scalars().all()
    gaps: list[tuple[str, str]] = []
    for start in range(0, len(found), 500):
        rows = connection.execute(
            select(MESSAGE.c.conversation_id, MESSAGE.c.direction, MESSAGE.c.action, MESSAGE.c.text,
                   MESSAGE.c.created_at)
            .where(MESSAGE.c.conversation_id.in_(found[start:start + 500]), MESSAGE.c.created_at >= since)
            .order_by(MESSAGE.c.conversation_id, MESSAGE.c.id)).all()
        next_reply: list[str | None] = [None] * len(rows)  # the action of the next reply in the conversation
        following: tuple[int, str | None] | None = None
        for index in range(len(rows) - 1, -1, -1):
            row = rows[index]
            next_reply[index] = following[1] if following and following[0] == row.conversation_id else None
            if row.direction == "out":
                following = (row.conversation_id, row.action)
        for index, row in enumerate(rows):
            if row.direction != "out" or row.action not in (REFUSED, CLARIFY) or row.created_at >= until:
                continue
            before = rows[index - 1] if index else None
            question = (before.text if before is not None and before.direction == "in"
                        and before.conversation_id == row.conversation_id and before.created_at == row.created_at
                        else "")
            if row.action == CLARIFY and next_reply[index] == "answer":
                continue  # the person picked an option or rephrased, and got an answer
            gaps.append((row.action, question))
    return gaps


def build_digest(db: Database, *, kb: KnowledgeBase, matcher, since: datetime, until: datetime) -> Digest:
    """Count the gaps in [since, until) by the topic `matcher` scores best for each question."""
    with db.engine.connect() as connection:
        gaps = _gaps(connection, since=since, until=until)
    known = known_words(kb) if gaps else frozenset()
    groups: dict[str | None, GapGroup] = {}
    for kind, question in gaps:
        topic = None
        if question and not question.startswith("["):  # "[topic:x]" is a pressed button, not words
            scores = matcher.match(question).scores
            topic = scores[0][0] if scores and scores[0][1] > 0 else None
        group = groups.setdefault(topic, GapGroup(topic))
        if kind == REFUSED:
            group.refused += 1
        else:
            group.unanswered += 1
        example = anonymise(question, known=known) if question and not question.startswith("[") else ""
        if example and example not in group.examples and len(group.examples) < EXAMPLES_PER_TOPIC:
            group.examples.append(example)
    ordered = sorted(groups.values(), key=lambda g: (-g.total, g.topic is None, g.topic or ""))
    return Digest(since=since, until=until, groups=ordered)


def render_digest(digest: Digest, *, kb: KnowledgeBase, lang: str = "sv") -> str:
    since = f"{digest.since.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}"
    until = f"{digest.until.astimezone(STOCKHOLM):%Y-%m-%d %H:%M}"
    if not digest.groups:
        return t("none", lang, since=since, until=until)
    out = [t("header", lang, since=since, until=until, refused=digest.refused, unanswered=digest.unanswered)]
    for group in digest.groups:
        article = kb.get(group.topic) if group.topic else None
        title = f"{article.title.get(lang)} ({group.topic})" if article else t("no_topic", lang)
        out += ["", t("group", lang, title=title, refused=group.refused, unanswered=group.unanswered)]
        out += [f"  – “{example}”" for example in group.examples]
    return "\n".join([*out, "", t("outro", lang)])


def make_gaps_renderer(db: Database, *, bundle, lang: str = "sv"):
    """The outbox's renderer for the weekly digest: written from the messages when it is sent,
    with the bundle's (bot.knowledge.bundle.KnowledgeBundle) matcher and articles."""

    def render(payload: dict) -> str:
        since, until = datetime.fromisoformat(payload["since"]), datetime.fromisoformat(payload["until"])
        digest = build_digest(db, kb=bundle.kb, matcher=bundle.matcher, since=since, until=until)
        return render_digest(digest, kb=bundle.kb, lang=payload.get("lang", lang))

    return render


def week_key(monday) -> str:
    year, week, _ = monday.isocalendar()
    return f"kb.gaps:{year}-W{week:02d}"


def sweep_gaps(db: Database, *, rules, clock: Clock, lang: str = "sv") -> str | None:
    """Enqueue last week's digest (Monday to Monday, Stockholm time) for the business office,
    from the first working moment of this week, unless it is in the outbox already. Called by
    the scheduler in every process; returns the key when it enqueued."""
    now = clock.now()
    monday = week_start(now.astimezone(STOCKHOLM).date())
    if now < first_working_moment(rules, monday):
        return None
    key = week_key(monday)
    if existing_keys(db, [key]):
        return None
    since = period_start_local(monday - timedelta(days=7))
    until = period_start_local(monday)
    payload = {"digest": DIGEST, "since": since.isoformat(), "until": until.isoformat(), "lang": lang,
               "mentions": role_mentions(rules, coordinator_role(rules))}
    with db.unit() as unit:
        added = enqueue_once(unit.connection, channel=rules.desk, payload=payload, due_at=now, dedupe_key=key,
                             now=now)
    if added:
        log.info("knowledge gaps: enqueued %s", key)
    return key if added else None
