"""Shared state of the replicas: events seen (Slack's event_id) and kept values (forms).

Revision ID: 0005_shared_state
Revises: 0001_core
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0005_shared_state"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seen_event",
        sa.Column("scope", sa.String(32), primary_key=True),
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("seen_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_seen_event_expires_at", "seen_event", ["expires_at"])
    op.create_table(
        "kept_value",
        sa.Column("token", sa.String(64), primary_key=True),
        sa.Column("scope", sa.String(32), nullable=False),
        sa.Column("owner", sa.String(128), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_kept_value_expires_at", "kept_value", ["expires_at"])


def downgrade() -> None:
    op.drop_table("kept_value")
    op.drop_table("seen_event")
