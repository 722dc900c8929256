"""Indexes for the DPO dashboard's statistics over request cases (received and closed per period).

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-21 23:00:00.000000
"""

from collections.abc import Sequence

from alembic import op

revision: str = '0009'
down_revision: str | None = '0008'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('request_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_cases_received_on'), ['received_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_cases_closed_at'), ['closed_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('request_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_cases_closed_at'))
        batch_op.drop_index(batch_op.f('ix_request_cases_received_on'))
