"""Outbox leases with an owner per claim (renewed by a heartbeat), and the audit of what
people do about messages whose outcome is unknown.

Revision ID: 0004_outbox_leases
Revises: 0001_core
Create Date: 2026-11-30
"""
import sqlalchemy as sa
from alembic import op

from bot.storage.types import UTCDateTime

revision = "0004_outbox_leases"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("outbox", sa.Column("lease_owner", sa.String(64), nullable=True))
    op.add_column("outbox", sa.Column("claim_token", sa.String(32), nullable=True))
    op.create_index("ix_outbox_lease_owner", "outbox", ["lease_owner"])
    op.create_table(
        "outbox_audit",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("outbox_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(16), nullable=False),
        sa.Column("actor_channel", sa.String(32), nullable=False),
        sa.Column("actor_id", sa.String(200), nullable=False),
        sa.Column("actor_name", sa.String(200), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
    )
    op.create_index("ix_outbox_audit_outbox_id", "outbox_audit", ["outbox_id"])


def downgrade() -> None:
    op.drop_table("outbox_audit")
    op.drop_index("ix_outbox_lease_owner", table_name="outbox")
    with op.batch_alter_table("outbox") as batch:
        batch.drop_column("claim_token")
        batch.drop_column("lease_owner")
