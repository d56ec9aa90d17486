"""project schema stamp (label and question changes invalidate cached schemas)

Revision ID: 0005schemastamp
Revises: 0004modelruns
Create Date: 2026-11-25 17:00:00

"""

from uuid import uuid4

import sqlalchemy as sa
from alembic import op

revision = "0005schemastamp"
down_revision = "0004modelruns"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("schema_stamp", sa.String(length=32), nullable=False, server_default="")
        )
    connection = op.get_bind()
    project = sa.table("project", sa.column("id", sa.Integer), sa.column("schema_stamp"))
    for (project_id,) in connection.execute(sa.select(project.c.id)).all():
        connection.execute(
            project.update().where(project.c.id == project_id).values(schema_stamp=uuid4().hex)
        )


def downgrade():
    with op.batch_alter_table("project", schema=None) as batch_op:
        batch_op.drop_column("schema_stamp")
