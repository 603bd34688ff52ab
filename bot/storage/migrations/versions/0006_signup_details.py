"""Meetings: the company and the consent time of a sign-up's details (name and company, asked
at sign-up so the organiser knows who comes; erased with the person), and the audit of who
looked at a meeting's attendees.

Revision ID: 0006_signup_details
Revises: 0003_meetings
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0006_signup_details"
down_revision = "0003_meetings"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("meeting_signup") as batch:
        batch.add_column(sa.Column("company", sa.String(200), nullable=True))
        batch.add_column(sa.Column("details_consent_at", UTCDateTime(), nullable=True))
    op.create_table(
        "meeting_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("meeting_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(32), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_meeting_audit_meeting_id", "meeting_audit", ["meeting_id"])


def downgrade() -> None:
    op.drop_index("ix_meeting_audit_meeting_id", "meeting_audit")
    op.drop_table("meeting_audit")
    with op.batch_alter_table("meeting_signup") as batch:
        batch.drop_column("details_consent_at")
        batch.drop_column("company")
