"""Keeping the articles right: which are due for review, by owner role, and the monthly post.

An article is due when `last_reviewed` plus its `review_months` (default 12) is on or before
the date asked about. `lotsen kb review` lists them; once a month (from the first working
moment of the month) the scheduler posts to the navigators' desk, through the outbox, one post
per owner role with the articles due by the end of the month, mentioning the role's members.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass
from datetime import date

from bot.core.clock import STOCKHOLM, Clock
from bot.knowledge.models import Article, Bilingual, KnowledgeBase
from bot.knowledge.notices import (
    coordinator_role,
    enqueue_once,
    existing_keys,
    first_working_moment,
    month_start,
    role_mentions,
)
from bot.locales import msg
from bot.storage.db import Database

log = logging.getLogger(__name__)


def t(key: str, lang: str, **values: object) -> str:
    return msg(lang, f"upkeep.review.{key}", **values)


@dataclass(frozen=True)
class DueArticle:
    id: str
    title: Bilingual
    owner: str
    last_reviewed: date
    due: date
    review_months: int


def add_months(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter: 31 Jan + 1 = 28 Feb)."""
    years, index = divmod(day.month - 1 + months, 12)
    year, month = day.year + years, index + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def due_date(article: Article) -> date:
    return add_months(article.last_reviewed, article.review_months)


def due_for_review(kb: KnowledgeBase, *, as_of: date) -> dict[str, list[DueArticle]]:
    """The articles due on or before `as_of`, grouped by owner role (roles sorted; the articles
    of a role by due date, then id)."""
    groups: dict[str, list[DueArticle]] = {}
    for article in kb.articles.values():
        due = due_date(article)
        if due <= as_of:
            groups.setdefault(article.owner, []).append(DueArticle(
                id=article.id, title=article.title, owner=article.owner, last_reviewed=article.last_reviewed,
                due=due, review_months=article.review_months))
    return {role: sorted(items, key=lambda a: (a.due, a.id)) for role, items in sorted(groups.items())}


def _lines(items: list[DueArticle], lang: str) -> list[str]:
    return ["- " + t("line", lang, id=a.id, title=a.title.get(lang), last=a.last_reviewed.isoformat(),
                     due=a.due.isoformat(), months=a.review_months) for a in items]


def render_listing(groups: dict[str, list[DueArticle]], *, role_name, as_of: date, lang: str = "sv") -> str:
    """What `lotsen kb review` prints. `role_name(role, lang)` gives a role's name."""
    count = sum(len(items) for items in groups.values())
    if not count:
        return t("none", lang, as_of=as_of.isoformat())
    out = [t("header", lang, as_of=as_of.isoformat(), count=count)]
    for role, items in groups.items():
        out += ["", t("group", lang, role=role, name=role_name(role, lang), count=len(items)), *_lines(items, lang)]
    return "\n".join(out)


def render_post(role: str, items: list[DueArticle], *, role_name, month: date, as_of: date,
                lang: str = "sv") -> str:
    """The monthly desk post to one owner role."""
    month_label = f"{month:%Y-%m}"
    return "\n".join([t("post", lang, month=month_label, name=role_name(role, lang), as_of=as_of.isoformat()),
                      *_lines(items, lang), "", t("outro", lang)])


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def sweep_review(db: Database, *, kb: KnowledgeBase, rules, clock: Clock, lang: str = "sv") -> list[str]:
    """Enqueue this month's review posts that are not in the outbox yet (called by the
    scheduler in every process, every interval): one per owner role with articles due by the
    end of the month, from the month's first working moment. Returns the keys enqueued."""
    now = clock.now()
    month = month_start(now.astimezone(STOCKHOLM).date())
    if now < first_working_moment(rules, month):
        return []
    as_of = month_end(month)
    groups = due_for_review(kb, as_of=as_of)
    keys = {role: f"kb.review:{month:%Y-%m}:{role}" for role in groups}
    if not keys:
        return []
    present = existing_keys(db, list(keys.values()))  # a cheap read: most sweeps find every post there
    missing = {role: key for role, key in keys.items() if key not in present}
    if not missing:
        return []
    enqueued: list[str] = []
    with db.unit() as unit:
        for role, key in missing.items():
            mentions = role_mentions(rules, role) or role_mentions(rules, coordinator_role(rules))
            text = render_post(role, groups[role], role_name=rules.role_name, month=month, as_of=as_of, lang=lang)
            payload = {"text": text, "mentions": mentions, "owner": role, "articles": [a.id for a in groups[role]]}
            if enqueue_once(unit.connection, channel=rules.desk, payload=payload, due_at=now, dedupe_key=key, now=now):
                enqueued.append(key)
    for key in enqueued:
        log.info("knowledge review: enqueued %s", key)
    return enqueued
