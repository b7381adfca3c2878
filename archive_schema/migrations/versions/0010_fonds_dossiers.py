"""fonds and dossiers: the units above the document (TT 05/2025)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 23:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('fonds',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('name', sa.Text(), nullable=False),
    sa.Column('creator', sa.Text(), nullable=False),
    sa.Column('history', sa.Text(), nullable=False),
    sa.Column('years', sa.String(length=40), nullable=False),
    sa.Column('scheme', sa.Text(), nullable=False),
    sa.PrimaryKeyConstraint('code')
    )
    op.create_table('dossiers',
    sa.Column('code', sa.String(length=60), nullable=False),
    sa.Column('fonds_code', sa.String(length=60), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('retention', sa.String(length=30), nullable=False),
    sa.Column('access_level', sa.String(length=20), nullable=False),
    sa.Column('keywords', sa.Text(), nullable=False),
    sa.Column('sheets', sa.Integer(), nullable=True),
    sa.Column('condition', sa.Text(), nullable=False),
    sa.Column('paper_code', sa.String(length=60), nullable=False),
    sa.Column('created_by', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['fonds_code'], ['fonds.code'], ),
    sa.PrimaryKeyConstraint('code')
    )
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_dossiers_fonds_code'), ['fonds_code'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('dossiers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_dossiers_fonds_code'))
    op.drop_table('dossiers')
    op.drop_table('fonds')
