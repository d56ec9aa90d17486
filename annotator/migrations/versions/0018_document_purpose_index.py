"""index document (project_id, purpose)

Every article read and span write asks whether the project has a training set; without this
index SQLite answered by scanning all of the project's article rows (texts included): ~9 ms of
server CPU per request on a 2,000-article project.

Revision ID: 0018docpurpose
Revises: 0017reportcache
Create Date: 2026-12-03 12:25:00

"""

from alembic import op

revision = "0018docpurpose"
down_revision = "0017reportcache"
branch_labels = None
depends_on = None


def upgrade():
    op.create_index("ix_document_project_purpose", "document", ["project_id", "purpose"])


def downgrade():
    op.drop_index("ix_document_project_purpose", table_name="document")
