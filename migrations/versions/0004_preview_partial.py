"""Previews keep a finished half of a failed attempt (background or copy) for the retry.

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("previews") as batch:
        batch.add_column(sa.Column("partial", JSON, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("previews") as batch:
        batch.drop_column("partial")
