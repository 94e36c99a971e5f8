"""Products keep the shop's list price and rating, where each value came from, and a price conflict.

Revision ID: 0006
Revises: 0005
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("products") as batch:
        batch.add_column(sa.Column("list_price", sa.Numeric(18, 4), nullable=True))
        batch.add_column(sa.Column("rating", sa.Numeric(4, 2), nullable=True))
        batch.add_column(sa.Column("rating_count", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("field_provenance", JSON, nullable=True))
        batch.add_column(sa.Column("price_conflict", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("products") as batch:
        for name in ("price_conflict", "field_provenance", "rating_count", "rating", "list_price"):
            batch.drop_column(name)
