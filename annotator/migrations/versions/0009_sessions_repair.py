"""user session generation; repair of stored text no response could carry

Revision ID: 0009sessionsrepair
Revises: 0008outletsstories
Create Date: 2026-12-02 21:00:00

"""

import sqlalchemy as sa
from alembic import op

from annotator.text_repair import repair_unstorable

revision = "0009sessionsrepair"
down_revision = "0008outletsstories"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    # Lone surrogates, NUL and NaN stored before requests were checked: each is reported (log
    # "annotator.text_repair") and replaced by U+FFFD / null, so reads and exports work again.
    repair_unstorable(op.get_bind(), fix=True)


def downgrade():
    with op.batch_alter_table("user", schema=None) as batch_op:
        batch_op.drop_column("session_generation")
