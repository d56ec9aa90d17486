"""The migrations build exactly the schema the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from annotator.extensions import db
from annotator.services.database import upgrade_database
from tests.conftest import make_app


def migrated_app(tmp_path):
    url = "sqlite:///" + str(tmp_path / "migrated.sqlite")
    app = make_app(url, str(tmp_path / "instance"))
    with app.app_context():
        upgrade_database()
    return app


def test_upgrade_matches_models(tmp_path):
    app = migrated_app(tmp_path)
    with app.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "render_as_batch": True}
            )
            diff = compare_metadata(context, db.metadata)
        assert diff == [], "models and migrations differ; run 'flask db migrate':\n" + "\n".join(
            map(str, diff)
        )
        inspector = inspect(db.engine)
        tables = set(inspector.get_table_names()) - {"alembic_version"}
        assert tables == set(db.metadata.tables)
        for name, table in db.metadata.tables.items():
            columns = {c["name"]: c for c in inspector.get_columns(name)}
            assert set(columns) == {c.name for c in table.columns}, name
            for column in table.columns:
                assert columns[column.name]["nullable"] == column.nullable, (name, column.name)
        checks = {c["name"] for c in inspector.get_check_constraints("span")}
        assert "ck_span_offsets_valid" in checks
        db.engine.dispose()


def test_downgrade_to_base_and_up_again(tmp_path):
    from flask_migrate import downgrade

    from annotator.services.database import MIGRATIONS

    app = migrated_app(tmp_path)
    with app.app_context():
        downgrade(directory=MIGRATIONS, revision="base")
        assert set(inspect(db.engine).get_table_names()) <= {"alembic_version"}
        upgrade_database()
        assert "span" in inspect(db.engine).get_table_names()
        db.engine.dispose()


def test_migrated_database_keeps_the_write_stamp(tmp_path):
    """Migration 0017 installs the triggers (and ``upgrade_database`` re-installs any that a
    batch migration lost): a write through plain SQL moves the project's stamp."""
    from sqlalchemy import text

    from annotator.models import write_stamp

    app = migrated_app(tmp_path)
    with app.app_context():
        with db.engine.begin() as connection:
            names = set(
                connection.execute(text("SELECT name FROM sqlite_master WHERE type='trigger'"))
                .scalars()
                .all()
            )
            assert names == {
                f"write_stamp_{table}_{op}"
                for table in write_stamp.TABLES
                for op in ("insert", "update", "delete")
            }
            connection.execute(text("DROP TRIGGER write_stamp_span_insert"))  # as a rebuild would
        upgrade_database()
        with db.engine.begin() as connection:
            back = "SELECT count(*) FROM sqlite_master WHERE name = 'write_stamp_span_insert'"
            assert connection.execute(text(back)).scalar() == 1
            connection.execute(text("INSERT INTO project (name, description, guidelines, "
                                    "guidelines_version, per_doc, blind, snap_to_words, "
                                    "hide_outlet, suggestions, suggestions_in_blind, "
                                    "schema_stamp, created_at) VALUES ('p', '', '', 1, 1, 1, 1, "
                                    "0, 0, 0, 'x', '2026-01-01')"))  # fmt: skip
            connection.execute(text("INSERT INTO document (project_id, external_id, title, text, "
                                    "outlet, story, author, url, meta, sha256, created_at) "
                                    "VALUES (1, 'a', '', 'text', '', '', '', '', '{}', 'x', "
                                    "'2026-01-01')"))  # fmt: skip
            stamp = connection.execute(text("SELECT write_stamp FROM project")).scalar()
            assert stamp == 1
        db.engine.dispose()


def test_migrating_in_process_leaves_the_apps_log_on(tmp_path):
    """Alembic's env.py configures logging from alembic.ini; by default that disables every
    logger already made, the app's included, so warnings after an in-process init-db (or in a
    test after one) went nowhere."""
    app = make_app("sqlite:///" + str(tmp_path / "m.sqlite"), str(tmp_path / "instance"))
    assert not app.logger.disabled  # made before the migrations run, as in a served app
    with app.app_context():
        upgrade_database()
        db.engine.dispose()
    assert not app.logger.disabled
