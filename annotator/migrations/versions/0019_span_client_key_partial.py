"""span client key: a partial unique index

The idempotency key of span creates, ``(user_id, client_key)``, is unique only where a key is
given: a partial unique index (``WHERE client_key IS NOT NULL``) instead of a constraint that
holds an entry for every span. Imported spans (no key) then write one index entry fewer, a
tenth of a bulk import's row insert on SQLite; creates find a retry the same way
(``ON CONFLICT (user_id, client_key) WHERE client_key IS NOT NULL``). NULL keys never
conflicted, so no row changes.

Revision ID: 0019clientkeypartial
Revises: 0018guidelineversions
Create Date: 2026-12-07 02:05:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0019clientkeypartial"
down_revision = "0018guidelineversions"
branch_labels = None
depends_on = None

WHERE = sa.text("client_key IS NOT NULL")


def upgrade():
    with op.batch_alter_table("span", schema=None) as batch_op:
        batch_op.drop_constraint("uq_span_user_client_key", type_="unique")
    op.create_index(
        "uq_span_user_client_key",
        "span",
        ["user_id", "client_key"],
        unique=True,
        sqlite_where=WHERE,
        postgresql_where=WHERE,
    )


def downgrade():
    op.drop_index("uq_span_user_client_key", table_name="span")
    with op.batch_alter_table("span", schema=None) as batch_op:
        batch_op.create_unique_constraint("uq_span_user_client_key", ["user_id", "client_key"])
