"""Legal articles imported from the official formats.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-21 21:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import auskunft.store.types

revision: str = '0005'
down_revision: str | None = '0004'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('legal_articles',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('law', sa.String(length=20), nullable=False),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('paragraphs', sa.JSON(), nullable=False),
    sa.Column('stand', sa.Text(), nullable=True),
    sa.Column('source_url', sa.String(length=500), nullable=True),
    sa.Column('breadcrumb', sa.JSON(), nullable=False),
    sa.Column('repealed', sa.Boolean(), nullable=False),
    sa.Column('cites', sa.JSON(), nullable=False),
    sa.Column('imported_at', auskunft.store.types.UTCDateTime(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_legal_articles')),
    sa.UniqueConstraint('law', 'language', 'kind', 'number', name=op.f('uq_legal_articles_law'))
    )


def downgrade() -> None:
    op.drop_table('legal_articles')
