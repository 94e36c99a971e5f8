"""Initial schema: products, batches, previews.

Revision ID: 0001
Revises: 
Create Date: 2026-11-23 02:23:08.017745
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('batches',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.String(length=255), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('submission_hash', sa.String(length=64), nullable=False),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('source_stages', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('archived_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_batches'))
    )
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.create_index('ix_batches_dedupe', ['workspace', 'user_id', 'submission_hash', 'created_at'], unique=False)
        batch_op.create_index('ix_batches_workspace_created', ['workspace', 'created_at', 'id'], unique=False)

    op.create_table('products',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace', sa.String(length=64), nullable=False),
    sa.Column('url', sa.String(length=2048), nullable=False),
    sa.Column('final_url', sa.String(length=2048), nullable=True),
    sa.Column('title', sa.Text(), nullable=True),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('price', sa.Numeric(precision=18, scale=4), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=True),
    sa.Column('brand', sa.String(length=255), nullable=True),
    sa.Column('image_urls', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ranked_image_urls', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('ranking_method', sa.String(length=64), nullable=True),
    sa.Column('ranking_scores', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('field_sources', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=False),
    sa.Column('scraped_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_products')),
    sa.UniqueConstraint('workspace', 'url', name='uq_products_workspace_url')
    )
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.create_index('ix_products_workspace_created', ['workspace', 'created_at'], unique=False)

    op.create_table('previews',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('workspace', sa.String(length=64), nullable=False),
    sa.Column('batch_id', sa.Uuid(), nullable=False),
    sa.Column('product_id', sa.Uuid(), nullable=True),
    sa.Column('source_url', sa.String(length=2048), nullable=False),
    sa.Column('variant_index', sa.Integer(), nullable=False),
    sa.Column('source_image_url', sa.String(length=2048), nullable=True),
    sa.Column('prefill', sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql'), nullable=True),
    sa.Column('prefill_version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('stage', sa.String(length=64), nullable=True),
    sa.Column('error_message', sa.Text(), nullable=True),
    sa.Column('retry_count', sa.Integer(), nullable=False),
    sa.Column('next_retry_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('lease_owner', sa.String(length=128), nullable=True),
    sa.Column('lease_expires_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('enqueued_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['batch_id'], ['batches.id'], name=op.f('fk_previews_batch_id_batches'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_previews_product_id_products'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_previews')),
    sa.UniqueConstraint('batch_id', 'source_url', 'variant_index', name='uq_previews_variant')
    )
    with op.batch_alter_table('previews', schema=None) as batch_op:
        batch_op.create_index('ix_previews_batch_status', ['batch_id', 'status'], unique=False)
        batch_op.create_index('ix_previews_product_status', ['product_id', 'status'], unique=False)
        batch_op.create_index('ix_previews_status_lease', ['status', 'lease_expires_at'], unique=False)
        batch_op.create_index('ix_previews_workspace_created', ['workspace', 'created_at', 'id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('previews', schema=None) as batch_op:
        batch_op.drop_index('ix_previews_workspace_created')
        batch_op.drop_index('ix_previews_status_lease')
        batch_op.drop_index('ix_previews_product_status')
        batch_op.drop_index('ix_previews_batch_status')

    op.drop_table('previews')
    with op.batch_alter_table('products', schema=None) as batch_op:
        batch_op.drop_index('ix_products_workspace_created')

    op.drop_table('products')
    with op.batch_alter_table('batches', schema=None) as batch_op:
        batch_op.drop_index('ix_batches_workspace_created')
        batch_op.drop_index('ix_batches_dedupe')

    op.drop_table('batches')
