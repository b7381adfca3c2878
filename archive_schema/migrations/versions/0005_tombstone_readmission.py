"""tombstone readmission: a destroyed record archived again only by the records office's act

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 13:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.add_column(sa.Column('readmitted_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('readmitted_by', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('readmit_reason', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('tombstones', schema=None) as batch_op:
        batch_op.drop_column('readmit_reason')
        batch_op.drop_column('readmitted_by')
        batch_op.drop_column('readmitted_at')
