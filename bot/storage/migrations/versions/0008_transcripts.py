"""Channel transcripts (the web chat's conversation shown again after a reload) and shared
secrets (a key every replica uses).

Revision ID: 0008_transcripts
Revises: 0005_shared_state
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0008_transcripts"
down_revision = "0005_shared_state"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "transcript_entry",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("channel", sa.String(16), nullable=False),
        sa.Column("person", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_transcript_entry_person", "transcript_entry", ["channel", "person", "id"])
    op.create_index("ix_transcript_entry_created_at", "transcript_entry", ["created_at"])
    op.create_table(
        "shared_secret",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.String(128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("shared_secret")
    op.drop_table("transcript_entry")
