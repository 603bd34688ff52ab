"""Rows for the insight tests and the benchmark: answers, claim facts, cases, meetings and
messages written straight into the tables (the flows that write them are tested elsewhere)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from bot.cases.models import Case
from bot.conversation.models import Conversation, Message
from bot.insight.models import Answer, ClaimFact
from bot.insight.texts import FACTORS, NKI_QUESTIONS

NOV = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def survey_answers(*, survey_id: int, area: str, nki: tuple, factors: tuple = (), procurement: bool = False,
                   topic: str | None = None, when: datetime = NOV) -> list[Answer]:
    """One respondent: the three NKI answers (None = skipped) and, optionally, the six factors."""
    rows = [Answer(kind="survey", survey_id=survey_id, area=area, topic=topic, procurement=procurement,
                   question=q, score=s, answered_at=when) for q, s in zip(NKI_QUESTIONS, nki)]
    rows += [Answer(kind="survey", survey_id=survey_id, area=area, topic=topic, procurement=procurement,
                    question=q, score=s, answered_at=when) for q, s in zip(FACTORS, factors)]
    return rows


def case_row(seq: int, *, topic: str | None, roles: list[str], created: datetime, closed: datetime | None = None,
             ladder_step: int = 0, words: str = "en fråga", contact_name: str | None = None) -> Case:
    return Case(number=f"L-{created.year}-{seq:04d}", year=created.year, seq=seq,
                status="closed" if closed else "convened", channel="telegram", user_id=str(1000 + seq),
                address=str(1000 + seq), lang="sv", pseudonym=f"p{seq}", words=words, contact_name=contact_name,
                topics=[{"id": topic, "title": topic, "url": None}] if topic else [], roles=roles, members=[],
                trigger={}, desk="slack", ladder_step=ladder_step, last_ping_at=created, created_at=created,
                updated_at=closed or created, closed_at=closed)


def claim_fact(case_id: int, *, area: str, hours: float, level: float = 4, when: datetime = NOV) -> ClaimFact:
    return ClaimFact(case_id=case_id, area=area, procurement=False, opened_at=when - timedelta(hours=hours),
                     claimed_at=when, working_hours=hours, within_level=hours <= level)


def conversation_with(session, *, user: str, turns: list[tuple[str, str | None, str | None, str]],
                      when: datetime = NOV) -> None:
    """A conversation and its messages: (direction, action, topic, text) per message."""
    conversation = Conversation(channel="telegram", user_id=user, address=user, created_at=when, updated_at=when)
    session.add(conversation)
    session.flush()
    for direction, action, topic, text in turns:
        session.add(Message(conversation_id=conversation.id, direction=direction, action=action, topic=topic,
                            text=text, created_at=when))
