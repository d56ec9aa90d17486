"""model runs and suggestion settings

Revision ID: 0004modelruns
Revises: 73456d7f673f
Create Date: 2026-11-25 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0004modelruns"
down_revision = "73456d7f673f"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("suggestions", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column(
                "suggestions_in_blind", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "model_run",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=True),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("folds", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("progress", sa.Float(), nullable=False),
        sa.Column("job_id", sa.String(length=64), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("sources", sa.JSON(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=True),
        sa.Column("training_hash", sa.String(length=64), nullable=False),
        sa.Column("code_version", sa.String(length=32), nullable=False),
        sa.Column("model_path", sa.Text(), nullable=False),
        sa.Column("error", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("level IN ('sentence', 'span')", name=op.f("ck_model_run_level_valid")),
        sa.CheckConstraint(
            "status IN ('queued', 'running', 'finished', 'failed')",
            name=op.f("ck_model_run_status_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["created_by"],
            ["user.id"],
            name=op.f("fk_model_run_created_by_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_model_run_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_run")),
    )
    with op.batch_alter_table("model_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_model_run_project_id"), ["project_id"], unique=False)


def downgrade():
    with op.batch_alter_table("model_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_model_run_project_id"))
    op.drop_table("model_run")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("suggestions_in_blind")
        batch_op.drop_column("suggestions")
