"""Insight: the follow-up surveys, their anonymous answers, the claim facts, and an index of the
replies by time for the reports.

Revision ID: 0007_insight
Revises: 0001_core
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0007_insight"
down_revision = "0001_core"
branch_labels = ("insight",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "insight_survey",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), nullable=False, unique=True),
        sa.Column("case_number", sa.String(16), nullable=False),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=False),
        sa.Column("address", sa.String(128), nullable=False),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("state", sa.String(16), nullable=False),
        sa.Column("step", sa.Integer(), nullable=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("procurement", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_insight_survey_person", "insight_survey", ["channel", "user_id"])
    op.create_table(
        "insight_answer",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("kind", sa.String(8), nullable=False),
        sa.Column("survey_id", sa.Integer(), nullable=True),
        sa.Column("token", sa.String(32), nullable=True, unique=True),
        sa.Column("area", sa.String(64), nullable=True),
        sa.Column("topic", sa.String(64), nullable=True),
        sa.Column("procurement", sa.Boolean(), nullable=False),
        sa.Column("question", sa.String(32), nullable=False),
        sa.Column("score", sa.Integer(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=False),
        sa.UniqueConstraint("survey_id", "question", name="uq_insight_answer_question"),
    )
    op.create_index("ix_insight_answer_when", "insight_answer", ["answered_at"])
    op.create_table(
        "insight_claim",
        sa.Column("case_id", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("area", sa.String(64), nullable=False),
        sa.Column("procurement", sa.Boolean(), nullable=False),
        sa.Column("opened_at", UTCDateTime(), nullable=False),
        sa.Column("claimed_at", UTCDateTime(), nullable=False),
        sa.Column("working_hours", sa.Float(), nullable=False),
        sa.Column("within_level", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_insight_claim_claimed_at", "insight_claim", ["claimed_at"])
    # The replies by time (the conversation's table): a period's answers, refusals and topics are
    # read from this index alone, not from a million messages' text.
    op.create_index("ix_message_out_when", "message", ["action", "topic", "created_at"],
                    sqlite_where=sa.text("direction = 'out'"), postgresql_where=sa.text("direction = 'out'"))


def downgrade() -> None:
    op.drop_index("ix_message_out_when", table_name="message")
    op.drop_table("insight_claim")
    op.drop_table("insight_answer")
    op.drop_table("insight_survey")
