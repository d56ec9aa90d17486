"""annotator training, qualification and quality control: document purpose, project
thresholds, member qualification / flag / pause, training attempts, item scores, audit

Revision ID: 0011training
Revises: 0009sessionsrepair
Create Date: 2026-12-03 06:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0011training"
down_revision = "0010spanfragments"
branch_labels = None
depends_on = None

ACTIONS = (
    "purpose",
    "settings",
    "attempt",
    "passed",
    "failed",
    "flagged",
    "unflagged",
    "paused",
    "resumed",
)


def upgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("purpose", sa.String(length=16), nullable=False, server_default="work")
        )
        batch_op.create_check_constraint(
            "purpose_valid", "purpose IN ('work', 'training', 'control')"
        )
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("training_pass", sa.Float(), nullable=False, server_default="0.6")
        )
        batch_op.add_column(
            sa.Column("training_attempts", sa.Integer(), nullable=False, server_default="3")
        )
        batch_op.add_column(
            sa.Column("control_every", sa.Integer(), nullable=False, server_default="0")
        )
        batch_op.add_column(
            sa.Column("control_min_accuracy", sa.Float(), nullable=False, server_default="0.6")
        )
        batch_op.add_column(
            sa.Column("control_min_items", sa.Integer(), nullable=False, server_default="3")
        )
        batch_op.add_column(
            sa.Column("control_pause", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.create_check_constraint("control_every_nonnegative", "control_every >= 0")
        batch_op.create_check_constraint("training_attempts_positive", "training_attempts >= 1")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.add_column(sa.Column("qualified_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(
            sa.Column("flagged", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "training_attempt",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("order", sa.JSON(), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("passed", sa.Boolean(), nullable=True),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_training_attempt_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user.id"],
            name=op.f("fk_training_attempt_user_id_user"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_attempt")),
        sa.UniqueConstraint(
            "project_id", "user_id", "number", name=op.f("uq_training_attempt_number")
        ),
    )
    with op.batch_alter_table("training_attempt", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_training_attempt_project_id"), ["project_id"], unique=False
        )
    op.create_table(
        "item_score",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("attempt_id", sa.Integer(), nullable=True),
        sa.Column("span_f1", sa.Float(), nullable=True),
        sa.Column("answer_agreement", sa.Float(), nullable=True),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("passed", sa.Boolean(), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "purpose IN ('training', 'control')", name=op.f("ck_item_score_purpose_valid")
        ),
        sa.ForeignKeyConstraint(
            ["attempt_id"],
            ["training_attempt.id"],
            name=op.f("fk_item_score_attempt_id_training_attempt"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["document_id"],
            ["document.id"],
            name=op.f("fk_item_score_document_id_document"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_item_score_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_item_score_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item_score")),
    )
    with op.batch_alter_table("item_score", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_item_score_project_id"), ["project_id"], unique=False)
        batch_op.create_index("ix_item_score_user_project", ["user_id", "project_id"], unique=False)
    op.create_table(
        "quality_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("subject_id", sa.Integer(), nullable=True),
        sa.Column("actor_id", sa.Integer(), nullable=True),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "action IN (" + ", ".join(f"'{a}'" for a in ACTIONS) + ")",
            name=op.f("ck_quality_event_action_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["actor_id"],
            ["user.id"],
            name=op.f("fk_quality_event_actor_id_user"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_quality_event_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["subject_id"],
            ["user.id"],
            name=op.f("fk_quality_event_subject_id_user"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_quality_event")),
    )
    with op.batch_alter_table("quality_event", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_quality_event_project_id"), ["project_id"], unique=False
        )


def downgrade():
    op.drop_table("quality_event")
    op.drop_table("item_score")
    op.drop_table("training_attempt")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_column("paused")
        batch_op.drop_column("flagged")
        batch_op.drop_column("qualified_at")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_constraint("training_attempts_positive", type_="check")
        batch_op.drop_constraint("control_every_nonnegative", type_="check")
        for name in (
            "control_pause",
            "control_min_items",
            "control_min_accuracy",
            "control_every",
            "training_attempts",
            "training_pass",
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint("purpose_valid", type_="check")
        batch_op.drop_column("purpose")
