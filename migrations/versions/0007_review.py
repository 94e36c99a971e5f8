"""Review workflow: previews carry a review decision; every prefill edit and regeneration
is kept as a version (preview_versions).

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.dialects import postgresql

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")


def upgrade() -> None:
    with op.batch_alter_table("previews") as batch:
        batch.add_column(sa.Column("review_status", sa.String(16), nullable=True))
        batch.add_column(sa.Column("reviewed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("reviewed_by", sa.String(255), nullable=True))
    op.create_index("ix_previews_batch_review", "previews", ["batch_id", "review_status"])
    op.create_table(
        "preview_versions",
        sa.Column("id", sa.Uuid, primary_key=True),
        sa.Column("preview_id", sa.Uuid, sa.ForeignKey("previews.id", ondelete="CASCADE"),
                  nullable=False),
        sa.Column("workspace", sa.String(64), nullable=False),
        sa.Column("version", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("note", sa.Text, nullable=True),
        sa.Column("prefill", JSON, nullable=True),
        sa.Column("source_image_url", sa.String(2048), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("preview_id", "version", name="uq_preview_versions_version"),
    )


def downgrade() -> None:
    op.drop_table("preview_versions")
    op.drop_index("ix_previews_batch_review", table_name="previews")
    with op.batch_alter_table("previews") as batch:
        batch.drop_column("reviewed_by")
        batch.drop_column("reviewed_at")
        batch.drop_column("review_status")
