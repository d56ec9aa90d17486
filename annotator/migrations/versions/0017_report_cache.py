"""project write stamp (kept by triggers) and the report cache

Revision ID: 0017reportcache
Revises: 0009sessionsrepair
Create Date: 2026-12-03 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0017reportcache"
down_revision = "0011training"
branch_labels = None
depends_on = None


def upgrade():
    from annotator.models import write_stamp

    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("write_stamp", sa.BigInteger(), nullable=False, server_default="0")
        )
    op.create_table(
        "report_cache",
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("params", sa.String(length=255), nullable=False),
        sa.Column("stamp", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.Column("built_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("project_id", "kind", "params"),
    )
    op.create_table(
        "project_write",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["project_id"], ["project.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_project_write_project_id", "project_write", ["project_id"])
    write_stamp.install(op.get_bind())


def downgrade():
    from annotator.models import write_stamp

    connection = op.get_bind()
    for table in write_stamp.TABLES:
        if connection.dialect.name == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS write_stamp_{table} ON {table}")
        else:
            for action in ("insert", "update", "delete"):
                op.execute(f"DROP TRIGGER IF EXISTS write_stamp_{table}_{action}")
    if connection.dialect.name == "postgresql":
        op.execute(f"DROP FUNCTION IF EXISTS {write_stamp.FUNCTION}()")
    op.drop_index("ix_project_write_project_id", table_name="project_write")
    op.drop_table("project_write")
    op.drop_table("report_cache")
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("write_stamp")
