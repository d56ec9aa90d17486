"""comment threads on articles and spans between annotators and leads

Revision ID: 0012comments
Revises: 0009sessionsrepair
Create Date: 2026-12-03 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0012comments"
down_revision = "0015modelloop"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "comment",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("annotator_id", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("parent_id", sa.Integer(), nullable=True),
        sa.Column("span_id", sa.Integer(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("resolved_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_comment_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_comment_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["annotator_id"],
            ["user.id"],
            name=op.f("fk_comment_annotator_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["author_id"],
            ["user.id"],
            name=op.f("fk_comment_author_id_user"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["parent_id"],
            ["comment.id"],
            name=op.f("fk_comment_parent_id_comment"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["span_id"], ["span.id"], name=op.f("fk_comment_span_id_span"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["resolved_by_id"],
            ["user.id"],
            name=op.f("fk_comment_resolved_by_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_comment")),
    )
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_comment_parent_id"), ["parent_id"], unique=False)
        batch_op.create_index(
            "ix_comment_document_annotator", ["document_id", "annotator_id"], unique=False
        )
        batch_op.create_index(
            "ix_comment_project_open", ["project_id", "resolved_at"], unique=False
        )


def downgrade():
    with op.batch_alter_table("comment", schema=None) as batch_op:
        batch_op.drop_index("ix_comment_project_open")
        batch_op.drop_index("ix_comment_document_annotator")
        batch_op.drop_index(batch_op.f("ix_comment_parent_id"))
    op.drop_table("comment")
