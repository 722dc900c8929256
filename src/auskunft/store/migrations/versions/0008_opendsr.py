"""OpenDSR requests mapped onto request cases, and their status callbacks.

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-21 22:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import auskunft.store.types

revision: str = '0008'
down_revision: str | None = '0007'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('opendsr_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_request_id', sa.String(length=36), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('controller_id', sa.String(length=100), nullable=False),
    sa.Column('request_type', sa.String(length=20), nullable=False),
    sa.Column('regulation', sa.String(length=10), nullable=False),
    sa.Column('api_version', sa.String(length=20), nullable=True),
    sa.Column('processor_domain', sa.String(length=253), nullable=False),
    sa.Column('submitted_time', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('received_time', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('request_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('status_callback_urls', sa.JSON(), nullable=False),
    sa.Column('reported_status', sa.String(length=20), nullable=False),
    sa.Column('reported_due', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['request_cases.id'], name=op.f('fk_opendsr_requests_case_id_request_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opendsr_requests')),
    sa.UniqueConstraint('subject_request_id', name=op.f('uq_opendsr_requests_subject_request_id'))
    )
    with op.batch_alter_table('opendsr_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opendsr_requests_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opendsr_requests_reported_status'), ['reported_status'], unique=False)

    op.create_table('opendsr_callbacks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('request_id', sa.Integer(), nullable=False),
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('created_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('next_attempt_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('delivered_at', auskunft.store.types.UTCDateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['request_id'], ['opendsr_requests.id'], name=op.f('fk_opendsr_callbacks_request_id_opendsr_requests')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_opendsr_callbacks'))
    )
    with op.batch_alter_table('opendsr_callbacks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_opendsr_callbacks_request_id'), ['request_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_opendsr_callbacks_state'), ['state'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('opendsr_callbacks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opendsr_callbacks_state'))
        batch_op.drop_index(batch_op.f('ix_opendsr_callbacks_request_id'))

    op.drop_table('opendsr_callbacks')
    with op.batch_alter_table('opendsr_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_opendsr_requests_reported_status'))
        batch_op.drop_index(batch_op.f('ix_opendsr_requests_case_id'))

    op.drop_table('opendsr_requests')
