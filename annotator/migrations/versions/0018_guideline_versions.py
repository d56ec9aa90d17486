"""every saved text of a project's guidelines (guideline_version), the current one backfilled

Revision ID: 0018guidelineversions
Revises: 0018docpurpose
Create Date: 2026-12-03 12:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018guidelineversions"
down_revision = "0018docpurpose"
branch_labels = None
depends_on = None


def upgrade():
    from annotator.models import write_stamp

    op.create_table(
        "guideline_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_guideline_version_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_guideline_version_author_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guideline_version")),
        sa.UniqueConstraint("project_id", "version", name="uq_guideline_version_project_version"),
    )
    # The text each project has now is its current version; earlier texts were never stored.
    # Its time is unknown: the project's creation time stands for it only when the project is
    # still at version 1, otherwise the time of this migration.
    op.execute(
        "INSERT INTO guideline_version (project_id, version, text, author_id, created_at) "
        "SELECT id, guidelines_version, COALESCE(guidelines, ''), NULL, "
        "CASE WHEN guidelines_version = 1 THEN created_at ELSE CURRENT_TIMESTAMP END "
        "FROM project"
    )
    write_stamp.install(op.get_bind())


def downgrade():
    # Dropping the table drops its write-stamp triggers too (SQLite and PostgreSQL).
    op.drop_table("guideline_version")
