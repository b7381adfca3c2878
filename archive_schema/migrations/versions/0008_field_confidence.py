"""field confidence: how far each field read by OCR can be trusted

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-03 06:30:00.000000
"""

import sqlalchemy as sa
from alembic import op

revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('field_confidence', sa.JSON(), server_default='{}', nullable=False)
        )


def downgrade() -> None:
    with op.batch_alter_table('documents', schema=None) as batch_op:
        batch_op.drop_column('field_confidence')
