"""Cases: cases, their timeline, consents and the per-year number counter.

Revision ID: 0002_cases
Revises: 0001_core
Create Date: 2026-11-22
"""
import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0002_cases"
down_revision = "0001_core"
branch_labels = ("cases",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "case_counter",
        sa.Column("year", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("last", sa.Integer(), nullable=False),
    )
    op.create_table(
        "lotsen_case",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.String(16), nullable=False, unique=True),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(24), nullable=False),
        sa.Column("outcome", sa.String(32), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("address", sa.String(128), nullable=True),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("pseudonym", sa.String(32), nullable=False),
        sa.Column("words", sa.Text(), nullable=True),
        sa.Column("contact_name", sa.String(200), nullable=True),
        sa.Column("contact_company", sa.String(200), nullable=True),
        sa.Column("contact_phone", sa.String(64), nullable=True),
        sa.Column("contact_email", sa.String(254), nullable=True),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("trigger", sa.JSON(), nullable=False),
        sa.Column("desk", sa.String(32), nullable=False),
        sa.Column("desk_ref", sa.String(200), nullable=True),
        sa.Column("claimed_by", sa.String(200), nullable=True),
        sa.Column("claimed_by_name", sa.String(200), nullable=True),
        sa.Column("meeting_at", UTCDateTime(), nullable=True),
        sa.Column("ladder_step", sa.Integer(), nullable=False),
        sa.Column("last_ping_at", UTCDateTime(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("erased_at", UTCDateTime(), nullable=True),
        sa.UniqueConstraint("year", "seq", name="uq_case_year_seq"),
    )
    op.create_index("ix_case_person", "lotsen_case", ["channel", "user_id"])
    op.create_index("ix_case_status", "lotsen_case", ["status"])
    op.create_table(
        "case_event",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("lotsen_case.id"), nullable=True),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("actor_channel", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_case_event_case", "case_event", ["case_id", "id"])
    op.create_table(
        "case_consent",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("case_id", sa.Integer(), sa.ForeignKey("lotsen_case.id"), nullable=True),
        sa.Column("channel", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(128), nullable=True),
        sa.Column("purpose", sa.String(32), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("lang", sa.String(2), nullable=False),
        sa.Column("given_at", UTCDateTime(), nullable=False),
        sa.Column("withdrawn_at", UTCDateTime(), nullable=True),
    )
    op.create_index("ix_case_consent_person", "case_consent", ["channel", "user_id"])
    op.create_index("ix_case_consent_case_id", "case_consent", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_consent")
    op.drop_table("case_event")
    op.drop_table("lotsen_case")
    op.drop_table("case_counter")
