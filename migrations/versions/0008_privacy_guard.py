"""privacy guard: held chat messages, local terms, guard events

Messages gain a held state (only the author sees a held message until a moderator approves
it); an edit of a published post can wait for a moderator while the published text stays up;
versions nobody else saw are kept for moderators only; authorities gain local terms for the
detector; each warning shown is counted.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04 03:33:35.972014

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('privacy_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('surface', sa.String(length=20), nullable=False),
    sa.Column('kinds', sa.String(length=200), nullable=False),
    sa.Column('finding_count', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_privacy_events_authority_id_authorities'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_privacy_events_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_events'))
    )
    with op.batch_alter_table('privacy_events', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_events_created', ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_privacy_events_user_id'), ['user_id'], unique=False)

    op.create_table('privacy_terms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('authority_id', sa.Integer(), nullable=True),
    sa.Column('term', sa.String(length=100), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['authority_id'], ['authorities.id'], name=op.f('fk_privacy_terms_authority_id_authorities'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_privacy_terms_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_privacy_terms'))
    )
    with op.batch_alter_table('privacy_terms', schema=None) as batch_op:
        batch_op.create_index('ix_privacy_terms_authority', ['authority_id'], unique=False)

    with op.batch_alter_table('posts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pending_body', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('pending_title', sa.String(length=150), nullable=True))
        batch_op.add_column(sa.Column('pending_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('pending_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('pending_rejected_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('staff_only', sa.Boolean(), nullable=False, server_default=sa.false()))

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('held_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('held_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('rejected_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('published', sa.Boolean(), nullable=False, server_default=sa.true()))



def downgrade():
    with op.batch_alter_table('post_revisions', schema=None) as batch_op:
        batch_op.drop_column('staff_only')

    with op.batch_alter_table('posts', schema=None) as batch_op:
        for column in ('pending_rejected_at', 'pending_at', 'pending_reason', 'pending_title', 'pending_body'):
            batch_op.drop_column(column)

    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_column('published')
        batch_op.drop_column('rejected_at')
        batch_op.drop_column('held_reason')
        batch_op.drop_column('held_at')

    with op.batch_alter_table('privacy_terms', schema=None) as batch_op:
        batch_op.drop_index('ix_privacy_terms_authority')

    op.drop_table('privacy_terms')
    with op.batch_alter_table('privacy_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_privacy_events_user_id'))
        batch_op.drop_index('ix_privacy_events_created')

    op.drop_table('privacy_events')
