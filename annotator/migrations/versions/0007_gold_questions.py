"""gold detail and required questions: gold span disputes and notes, the last merge's unmerged
candidates per article, and questions that must be answered before Done

Revision ID: 0007goldquestions
Revises: 0005schemastamp
Create Date: 2026-12-02 21:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0007goldquestions"
down_revision = "0005schemastamp"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("gold_span", schema=None) as batch_op:
        batch_op.add_column(sa.Column("disputes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("notes", sa.JSON(), nullable=True))
    with op.batch_alter_table("document_curation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unmerged", sa.JSON(), nullable=True))
    with op.batch_alter_table("document_question", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("required", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade():
    with op.batch_alter_table("document_question", schema=None) as batch_op:
        batch_op.drop_column("required")
    with op.batch_alter_table("document_curation", schema=None) as batch_op:
        batch_op.drop_column("unmerged")
    with op.batch_alter_table("gold_span", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("disputes")
