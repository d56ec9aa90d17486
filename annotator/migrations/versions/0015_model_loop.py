"""model loop: suggestion threshold and decisions, active learning, external model servers

Revision ID: 0015modelloop
Revises: 0009sessionsrepair
Create Date: 2026-12-03 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0015modelloop"
down_revision = "0009sessionsrepair"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suggestion_threshold", sa.Float(), nullable=True))
        batch_op.add_column(
            sa.Column("active_learning", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("model_server_url", sa.Text(), nullable=False, server_default="")
        )
        batch_op.create_check_constraint(
            batch_op.f("ck_project_suggestion_threshold_range"),
            "suggestion_threshold IS NULL OR (suggestion_threshold >= 0 AND "
            "suggestion_threshold <= 1)",
        )
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("picked_by", sa.String(length=16), nullable=False, server_default="")
        )
    with op.batch_alter_table("model_run", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uncertainty", sa.JSON(), nullable=True))
    op.create_table(
        "suggestion_decision",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("label_id", sa.Integer(), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=16), nullable=False),
        sa.Column("origin", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "decision IN ('accepted', 'dismissed')",
            name=op.f("ck_suggestion_decision_decision_valid"),
        ),
        sa.CheckConstraint(
            "origin IN ('model', 'server')", name=op.f("ck_suggestion_decision_origin_valid")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_suggestion_decision_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["label_id"],
            ["label.id"],
            name=op.f("fk_suggestion_decision_label_id_label"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_suggestion_decision_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_suggestion_decision_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_suggestion_decision")),
        sa.UniqueConstraint(
            "user_id", "document_id", "label_id", "start", "end", name="uq_suggestion_decision"
        ),
    )
    with op.batch_alter_table("suggestion_decision", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_suggestion_decision_project_id"), ["project_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("suggestion_decision", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_suggestion_decision_project_id"))
    op.drop_table("suggestion_decision")
    with op.batch_alter_table("model_run", schema=None) as batch_op:
        batch_op.drop_column("uncertainty")
    with op.batch_alter_table("assignment", schema=None) as batch_op:
        batch_op.drop_column("picked_by")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("ck_project_suggestion_threshold_range"), type_="check")
        batch_op.drop_column("model_server_url")
        batch_op.drop_column("active_learning")
        batch_op.drop_column("suggestion_threshold")
