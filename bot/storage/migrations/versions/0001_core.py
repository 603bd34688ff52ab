"""Core tables: conversations, their messages, the outbox.

Revision ID: 0001_core
Revises:
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0001_core"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "conversation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("address", sa.String(128), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("state", sa.String(32), nullable=False),
        sa.Column("pending", sa.JSON(), nullable=False),
        sa.Column("unanswered_streak", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("channel", "user_id", name="uq_conversation_channel_user"),
    )
    op.create_index("ix_conversation_case_id", "conversation", ["case_id"])
    op.create_table(
        "message",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("conversation_id", sa.Integer(),
                  sa.ForeignKey("conversation.id", ondelete="CASCADE"), nullable=False),
        sa.Column("direction", sa.String(3), nullable=False),
        sa.Column("text", sa.String(), nullable=False),
        sa.Column("action", sa.String(32), nullable=True),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_message_conversation_id", "message", ["conversation_id"])
    op.create_table(
        "outbox",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("address", sa.String(128), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("lease_until", UTCDateTime(), nullable=True),
        sa.Column("last_error", sa.String(500), nullable=True),
        sa.Column("ref", sa.String(200), nullable=True),
        sa.Column("sent_at", UTCDateTime(), nullable=True),
        sa.Column("dedupe_key", sa.String(200), nullable=True, unique=True),
        sa.Column("case_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_outbox_status_due", "outbox", ["status", "due_at"])
    op.create_index("ix_outbox_case_id", "outbox", ["case_id"])


def downgrade() -> None:
    op.drop_table("outbox")
    op.drop_table("message")
    op.drop_table("conversation")
