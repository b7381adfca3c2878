"""signatures: the validated digital signatures of an electronic original

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 17:00:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signatures', sa.JSON(), server_default='[]', nullable=False))
        batch_op.add_column(sa.Column('signature_status', sa.String(length=20), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('signature_status')
        batch_op.drop_column('signatures')
