"""Tables of the insight domain.

`insight_survey` is the follow-up of one closed case: who is asked and where (erased with the
person), how far they got. `insight_answer` holds the answers, one row per question answered
or skipped, against the area (the responsible role), the topic and whether the area is measured
as procurement (NUI): never against the person. A survey's answers keep its `survey_id` only as a
number (no foreign key): when the person is erased their survey row goes, and the answers stay
as anonymous figures.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from bot.storage.types import utc_column


class Survey(SQLModel, table=True):
    __tablename__ = "insight_survey"
    __table_args__ = (Index("ix_insight_survey_person", "channel", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    case_id: int = Field(unique=True)
    case_number: str = Field(max_length=16)
    channel: str = Field(max_length=32)
    user_id: str = Field(max_length=128)
    address: str = Field(max_length=128)
    lang: str = Field(default="sv", max_length=2)
    state: str = Field(default="asked", max_length=16)  # bot.insight.survey.transition
    step: int = Field(default=0)  # index of the question waiting for an answer
    area: str = Field(max_length=64)
    topic: str | None = Field(default=None, max_length=64)
    procurement: bool = Field(default=False)
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Answer(SQLModel, table=True):
    __tablename__ = "insight_answer"
    __table_args__ = (UniqueConstraint("survey_id", "question", name="uq_insight_answer_question"),
                      Index("ix_insight_answer_when", "answered_at"))

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=8)  # "survey" (after a case) | "check" ("Fick du svar på din fråga?")
    survey_id: int | None = Field(default=None)
    token: str | None = Field(default=None, max_length=32, unique=True)  # a check's, once
    area: str | None = Field(default=None, max_length=64)
    topic: str | None = Field(default=None, max_length=64)
    procurement: bool = Field(default=False)
    question: str = Field(max_length=32)  # nki_overall, ..., information, ..., answered
    score: int | None = Field(default=None)  # 1-6 for survey questions, 1/0 for a check; None = skipped
    answered_at: datetime = Field(sa_column=utc_column())


class ClaimFact(SQLModel, table=True):
    """When a case was first claimed, and its wait in working hours: written once with the claim,
    so the figures add up waiting times in SQL instead of walking calendars for every case."""

    __tablename__ = "insight_claim"

    case_id: int = Field(primary_key=True, sa_column_kwargs={"autoincrement": False})
    area: str = Field(max_length=64)
    procurement: bool = Field(default=False)
    opened_at: datetime = Field(sa_column=utc_column())
    claimed_at: datetime = Field(sa_column=utc_column(index=True))
    working_hours: float
    within_level: bool
