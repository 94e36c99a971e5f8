"""Previews remember a failure a retry cannot change (a search page pasted, no photo that can
be downloaded): the Retry buttons leave them out.

Revision ID: 0011
Revises: 0010
"""
from alembic import op
import sqlalchemy as sa

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("previews") as batch:
        batch.add_column(sa.Column("failed_for_good", sa.Boolean, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("previews") as batch:
        batch.drop_column("failed_for_good")
