"""FAQ articles, anonymous feedback and the search index.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-21 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import auskunft.store.types

revision: str = '0006'
down_revision: str | None = '0005'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('faq_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('category', sa.String(length=50), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('citations', sa.JSON(), nullable=False),
    sa.Column('published', sa.Boolean(), nullable=False),
    sa.Column('created_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.Column('updated_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_entries')),
    sa.UniqueConstraint('slug', name=op.f('uq_faq_entries_slug'))
    )
    with op.batch_alter_table('faq_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_entries_category'), ['category'], unique=False)

    op.create_table('faq_feedback',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('helpful', sa.Boolean(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('context', sa.String(length=50), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['faq_entries.id'], name=op.f('fk_faq_feedback_entry_id_faq_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_feedback'))
    )
    with op.batch_alter_table('faq_feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_feedback_day'), ['day'], unique=False)
        batch_op.create_index(batch_op.f('ix_faq_feedback_entry_id'), ['entry_id'], unique=False)

    op.create_table('faq_suggestion_days',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('day', sa.Date(), nullable=False),
    sa.Column('entry_id', sa.Integer(), nullable=False),
    sa.Column('shown', sa.Integer(), nullable=False),
    sa.Column('submitted_after_helpful', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['entry_id'], ['faq_entries.id'], name=op.f('fk_faq_suggestion_days_entry_id_faq_entries'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_faq_suggestion_days')),
    sa.UniqueConstraint('day', 'entry_id', name=op.f('uq_faq_suggestion_days_day'))
    )
    with op.batch_alter_table('faq_suggestion_days', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_faq_suggestion_days_entry_id'), ['entry_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('faq_suggestion_days', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_suggestion_days_entry_id'))

    op.drop_table('faq_suggestion_days')
    with op.batch_alter_table('faq_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_feedback_entry_id'))
        batch_op.drop_index(batch_op.f('ix_faq_feedback_day'))

    op.drop_table('faq_feedback')
    with op.batch_alter_table('faq_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_faq_entries_category'))

    op.drop_table('faq_entries')
