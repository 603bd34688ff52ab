"""Tables of the shared state: events seen (per platform scope) and kept values."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index
from sqlmodel import Field, SQLModel

from bot.storage.types import json_column, utc_column


class SeenEvent(SQLModel, table=True):
    """An event id already received (e.g. scope "slack:event"); a retry finds it here, whichever
    replica the retry reaches. Forgotten after `expires_at` (platforms retry within minutes)."""

    __tablename__ = "seen_event"

    scope: str = Field(primary_key=True, max_length=32)
    key: str = Field(primary_key=True, max_length=200)
    seen_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column(index=True))


class KeptValue(SQLModel, table=True):
    """A value a button or form refers to by `token`, for its `owner` only (e.g. a navigator's
    refused meeting form); gone once taken or after `expires_at`."""

    __tablename__ = "kept_value"

    token: str = Field(primary_key=True, max_length=64)
    scope: str = Field(max_length=32)
    owner: str = Field(max_length=128)
    data: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(sa_column=utc_column())
    expires_at: datetime = Field(sa_column=utc_column(index=True))


class TranscriptEntry(SQLModel, table=True):
    """One line of a channel's own transcript of a conversation, for channels that must show
    it again (the web chat after a reload or in another tab). `id` orders the lines and is the
    live stream's event id. Erased with the person ("glöm mig")."""

    __tablename__ = "transcript_entry"
    __table_args__ = (Index("ix_transcript_entry_person", "channel", "person", "id"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str = Field(max_length=16)
    person: str = Field(max_length=64)
    kind: str = Field(max_length=8)  # "in" (the person), "out" (Lotsen)
    text: str
    data: dict[str, Any] = Field(default_factory=dict, sa_column=json_column())
    created_at: datetime = Field(sa_column=utc_column(index=True))


class SharedSecret(SQLModel, table=True):
    """A random key made once and used by every replica (e.g. the web chat's cookie key when
    LOTSEN_WEB_SECRET is not set)."""

    __tablename__ = "shared_secret"

    name: str = Field(primary_key=True, max_length=32)
    value: str = Field(max_length=128)
    created_at: datetime = Field(sa_column=utc_column())
