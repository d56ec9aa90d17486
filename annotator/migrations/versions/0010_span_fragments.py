"""discontinuous spans: a nullable JSON ``fragments`` column on span and gold_span

Revision ID: 0010spanfragments
Revises: 0009sessionsrepair
Create Date: 2026-12-03 06:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0010spanfragments"
down_revision = "0012comments"
branch_labels = None
depends_on = None


def upgrade():
    for table in ("span", "gold_span"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("fragments", sa.JSON(none_as_null=True), nullable=True))


def downgrade():
    for table in ("gold_span", "span"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("fragments")
