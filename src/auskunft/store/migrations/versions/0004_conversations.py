"""Conversations, messages, request cases and identity checks (customer-service channels).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-21 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import auskunft.store.types

revision: str = '0004'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('queues',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('name', sa.JSON(), nullable=False),
    sa.Column('address', sa.Text(), nullable=True),
    sa.Column('first_response_hours', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_queues')),
    sa.UniqueConstraint('key', name=op.f('uq_queues_key'))
    )
    op.create_table('conversations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('queue_id', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.Text(), nullable=True),
    sa.Column('assignee', sa.String(length=200), nullable=True),
    sa.Column('created_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('first_response_due', auskunft.store.types.UTCDateTime(), nullable=True),
    sa.Column('first_response_at', auskunft.store.types.UTCDateTime(), nullable=True),
    sa.Column('retention_rule', sa.String(length=100), nullable=True),
    sa.ForeignKeyConstraint(['queue_id'], ['queues.id'], name=op.f('fk_conversations_queue_id_queues')),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_conversations_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_conversations'))
    )
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_conversations_queue_id'), ['queue_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversations_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_conversations_subject_id'), ['subject_id'], unique=False)

    op.create_table('messages',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('conversation_id', sa.Integer(), nullable=False),
    sa.Column('direction', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('author', sa.Text(), nullable=True),
    sa.Column('topic', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('external_id', sa.String(length=500), nullable=True),
    sa.Column('to', sa.Text(), nullable=True),
    sa.Column('flags', sa.JSON(), nullable=False),
    sa.Column('meta', sa.JSON(), nullable=False),
    sa.Column('record_event', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_messages_conversation_id_conversations')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('channel', 'external_id', name='uq_messages_channel_external_id')
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_conversation_id'), ['conversation_id'], unique=False)

    op.create_table('message_attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('message_id', sa.Integer(), nullable=False),
    sa.Column('filename', sa.Text(), nullable=False),
    sa.Column('content_type', sa.String(length=200), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('sha256', sa.LargeBinary(length=32), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_message_attachments_message_id_messages')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_message_attachments'))
    )
    with op.batch_alter_table('message_attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_message_attachments_message_id'), ['message_id'], unique=False)

    op.create_table('request_cases',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('extended_months', sa.Integer(), nullable=False),
    sa.Column('extension_reason', sa.Text(), nullable=True),
    sa.Column('conversation_id', sa.Integer(), nullable=True),
    sa.Column('message_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('claimed', sa.JSON(), nullable=False),
    sa.Column('reference', sa.String(length=200), nullable=True),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('outcome', sa.Text(), nullable=True),
    sa.Column('created_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('closed_at', auskunft.store.types.UTCDateTime(), nullable=True),
    sa.Column('warned_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['conversation_id'], ['conversations.id'], name=op.f('fk_request_cases_conversation_id_conversations')),
    sa.ForeignKeyConstraint(['message_id'], ['messages.id'], name=op.f('fk_request_cases_message_id_messages')),
    sa.ForeignKeyConstraint(['parent_id'], ['request_cases.id'], name=op.f('fk_request_cases_parent_id_request_cases')),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_request_cases_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_request_cases'))
    )
    with op.batch_alter_table('request_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_request_cases_conversation_id'), ['conversation_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_cases_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_cases_parent_id'), ['parent_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_cases_state'), ['state'], unique=False)
        batch_op.create_index(batch_op.f('ix_request_cases_subject_id'), ['subject_id'], unique=False)

    op.create_table('case_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('actor', sa.String(length=200), nullable=False),
    sa.Column('action', sa.String(length=50), nullable=False),
    sa.Column('detail', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['request_cases.id'], name=op.f('fk_case_events_case_id_request_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_events'))
    )
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_case_id', ['case_id', 'at'], unique=False)

    op.create_table('verification_codes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('purpose', sa.String(length=50), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('subject_id', sa.Integer(), nullable=True),
    sa.Column('code_hash', sa.LargeBinary(length=32), nullable=False),
    sa.Column('sent_to', sa.Text(), nullable=False),
    sa.Column('created_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('expires_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('used_at', auskunft.store.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['request_cases.id'], name=op.f('fk_verification_codes_case_id_request_cases')),
    sa.ForeignKeyConstraint(['subject_id'], ['subjects.id'], name=op.f('fk_verification_codes_subject_id_subjects')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_verification_codes'))
    )
    with op.batch_alter_table('verification_codes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_verification_codes_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_verification_codes_subject_id'), ['subject_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('verification_codes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_verification_codes_subject_id'))
        batch_op.drop_index(batch_op.f('ix_verification_codes_case_id'))

    op.drop_table('verification_codes')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_case_id')

    op.drop_table('case_events')
    with op.batch_alter_table('request_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_request_cases_subject_id'))
        batch_op.drop_index(batch_op.f('ix_request_cases_state'))
        batch_op.drop_index(batch_op.f('ix_request_cases_parent_id'))
        batch_op.drop_index(batch_op.f('ix_request_cases_due_on'))
        batch_op.drop_index(batch_op.f('ix_request_cases_conversation_id'))

    op.drop_table('request_cases')
    with op.batch_alter_table('message_attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_message_attachments_message_id'))

    op.drop_table('message_attachments')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_conversation_id'))

    op.drop_table('messages')
    with op.batch_alter_table('conversations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_conversations_subject_id'))
        batch_op.drop_index(batch_op.f('ix_conversations_status'))
        batch_op.drop_index(batch_op.f('ix_conversations_queue_id'))

    op.drop_table('conversations')
    op.drop_table('queues')
