"""outlets as records (name, aliases, leaning, rating source) and the story key of articles

Revision ID: 0008outletsstories
Revises: 0007goldquestions
Create Date: 2026-12-02 20:50:00

Existing articles' outlet names are matched case- and whitespace-insensitively into one
outlet row per project and spelling group; the articles' own outlet text is left as it was.
"""

import unicodedata
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0008outletsstories"
down_revision = "0007goldquestions"
branch_labels = None
depends_on = None


def _key(name: str) -> str:
    return " ".join(unicodedata.normalize("NFC", name).casefold().split())


def upgrade():
    op.create_table(
        "outlet",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("project_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("aliases", sa.JSON(), nullable=False),
        sa.Column("leaning", sa.String(length=16), nullable=False),
        sa.Column("rating_source", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(
            "leaning IN ('', 'left', 'centre-left', 'centre', 'centre-right', 'right')",
            name=op.f("ck_outlet_leaning_valid"),
        ),
        sa.ForeignKeyConstraint(
            ["project_id"],
            ["project.id"],
            name=op.f("fk_outlet_project_id_project"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outlet")),
        sa.UniqueConstraint("project_id", "key", name="uq_outlet_project_key"),
    )
    with op.batch_alter_table("outlet", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_outlet_project_id"), ["project_id"], unique=False)
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.add_column(sa.Column("outlet_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("story", sa.String(length=200), nullable=False, server_default="")
        )
        batch_op.create_index(batch_op.f("ix_document_outlet_id"), ["outlet_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_document_outlet_id_outlet"),
            "outlet",
            ["outlet_id"],
            ["id"],
            ondelete="SET NULL",
        )
    _fill_outlets()


def _fill_outlets():
    connection = op.get_bind()
    document = sa.table(
        "document",
        sa.column("id", sa.Integer),
        sa.column("project_id", sa.Integer),
        sa.column("outlet", sa.String),
        sa.column("outlet_id", sa.Integer),
    )
    outlet = sa.table(
        "outlet",
        sa.column("id", sa.Integer),
        sa.column("project_id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("key", sa.String),
        sa.column("aliases", sa.JSON),
        sa.column("leaning", sa.String),
        sa.column("rating_source", sa.Text),
        sa.column("created_at", sa.DateTime(timezone=True)),
    )
    spellings = connection.execute(
        sa.select(document.c.project_id, document.c.outlet, sa.func.count())
        .where(document.c.outlet != "")
        .group_by(document.c.project_id, document.c.outlet)
        .order_by(document.c.project_id, sa.func.count().desc(), document.c.outlet)
    ).all()
    made: dict[tuple[int, str], int] = {}
    now = datetime.now(UTC)
    for project_id, name, _count in spellings:
        key = _key(name)
        if not key:
            continue
        if (project_id, key) not in made:  # the most frequent spelling is the display name
            made[(project_id, key)] = connection.execute(
                outlet.insert()
                .values(
                    project_id=project_id,
                    name=" ".join(name.split()),
                    key=key,
                    aliases=[],
                    leaning="",
                    rating_source="",
                    created_at=now,
                )
                .returning(outlet.c.id)
            ).scalar_one()
        connection.execute(
            document.update()
            .where(document.c.project_id == project_id, document.c.outlet == name)
            .values(outlet_id=made[(project_id, key)])
        )


def downgrade():
    with op.batch_alter_table("document", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_document_outlet_id_outlet"), type_="foreignkey")
        batch_op.drop_index(batch_op.f("ix_document_outlet_id"))
        batch_op.drop_column("story")
        batch_op.drop_column("outlet_id")
    with op.batch_alter_table("outlet", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_outlet_project_id"))
    op.drop_table("outlet")
