"""Previews and media jobs count their failed tries: ``retry_count`` is the place in the retry
schedule (an extra try asked for gives its place back), so it could not say how often an item
had failed ("retried 2×" after one retry, "1×" again after "Try now").

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("previews", "generation_jobs"):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("failures", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    for table in ("previews", "generation_jobs"):
        with op.batch_alter_table(table) as batch:
            batch.drop_column("failures")
