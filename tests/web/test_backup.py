"""``annotator backup``: a consistent, checked copy of a live SQLite database."""

import sqlite3

from tests.factories import make_world


def test_backup_copies_a_live_sqlite_database(app, runner, tmp_path, database_url):
    with app.app_context():
        make_world()
    target = tmp_path / "copy.sqlite"
    result = runner.invoke(args=["backup", str(target)])
    if not database_url.startswith("sqlite"):
        assert result.exit_code != 0 and "pg_dump" in result.output
        return
    assert result.exit_code == 0, result.output
    assert "integrity ok" in result.output
    copy = sqlite3.connect(target)
    assert copy.execute("SELECT count(*) FROM user").fetchone()[0] == 5
    assert copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    copy.close()
    again = runner.invoke(args=["backup", str(target)])
    assert again.exit_code != 0 and "already exists" in again.output
