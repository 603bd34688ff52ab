"""Tables of the conversation engine: one conversation per person and channel, its messages."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from bot.storage.types import json_column, utc_column


class Conversation(SQLModel, table=True):
    __tablename__ = "conversation"
    __table_args__ = (UniqueConstraint("channel", "user_id", name="uq_conversation_channel_user"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=32)
    user_id: str = Field(max_length=128)
    address: str = Field(max_length=128)
    lang: str = Field(default="sv", max_length=2)
    # The conversation's state machine (see bot.conversation.states).
    state: str = Field(default="idle", max_length=32)
    # What each flow waits with, under the flow's own name (bot.conversation.flowstate):
    # {"escalation": {...draft}, "clarify": {"options": [...]}, "erasure": {...}, "meetings": {...}}
    pending: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    unanswered_streak: int = Field(default=0)
    case_id: int | None = Field(default=None, index=True)
    created_at: datetime = Field(sa_column=utc_column())
    updated_at: datetime = Field(sa_column=utc_column())


class Message(SQLModel, table=True):
    __tablename__ = "message"
    __table_args__ = (
        Index("ix_message_conversation_id", "conversation_id"),
        # Lotsen's replies by what they did, then time: the reports count a period's answers by topic
        # from it alone, already in group order (bot.insight.figures). Partial: only the "out" half.
        Index("ix_message_out_when", "action", "topic", "created_at",
              sqlite_where=text("direction = 'out'"), postgresql_where=text("direction = 'out'")),
    )

    id: int | None = Field(default=None, primary_key=True)
    conversation_id: int = Field(foreign_key="conversation.id", ondelete="CASCADE")
    direction: str = Field(max_length=3)  # "in" | "out"
    text: str
    action: str | None = Field(default=None, max_length=32)
    topic: str | None = Field(default=None, max_length=64)
    created_at: datetime = Field(sa_column=utc_column())
