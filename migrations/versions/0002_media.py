"""Media table: generated images/videos as bytes, shared by every host of a deployment.

Revision ID: 0002
Revises: 0001
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "media",
        sa.Column("key", sa.String(length=512), nullable=False),
        sa.Column("content_type", sa.String(length=100), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_media")),
    )
    op.create_index(
        "ix_media_key_pattern", "media", ["key"], unique=False,
        postgresql_ops={"key": "text_pattern_ops"},
    )


def downgrade() -> None:
    op.drop_index("ix_media_key_pattern", table_name="media")
    op.drop_table("media")
