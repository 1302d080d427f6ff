"""session calendar sequence

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 01:40:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('peer_sessions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sequence', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('peer_sessions', schema=None) as batch_op:
        batch_op.drop_column('sequence')
