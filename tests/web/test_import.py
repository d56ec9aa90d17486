"""Importing articles through the upload page, the CLI and the service: all or nothing."""

from __future__ import annotations

import html
import io
import json
import unicodedata
import zipfile

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Document, Project
from annotator.services.errors import ServiceError
from annotator.services.transfer import importing
from annotator.services.transfer.article_files import normalise_text, read_articles, text_sha256
from annotator.services.transfer.importing import import_files
from tests.factories import make_document, make_project, make_user
from tests.shared import CRLF_ARTICLE, NEWS_ARTICLE, NFD_ARTICLE

DECOMPOSED = "Cafe\u0301 society\r\nreturns."
COMPOSED = "Caf\u00e9 society\nreturns."


@pytest.fixture
def pid(app):
    with app.app_context():
        lead = make_user("lena")
        project = make_project("Bias study", lead=lead, annotators=[make_user("alice")])
        make_document(project, "An article already in the project.", external_id="old-1")
        return project.id


@pytest.fixture
def lead(client, auth, pid):
    auth.login("lena")
    return client


def jsonl(*records) -> bytes:
    return "\n".join(r if isinstance(r, str) else json.dumps(r) for r in records).encode()


def zipped(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


def upload(client, pid: int, name: str, data: bytes):
    return client.post(
        f"/projects/{pid}/import",
        data={"file": (io.BytesIO(data), name)},
        content_type="multipart/form-data",
    )


def documents(app, pid: int) -> dict[str, Document]:
    with app.app_context():
        rows = db.session.execute(select(Document).where(Document.project_id == pid)).scalars()
        out = {d.external_id: d for d in rows}
        db.session.expunge_all()
        return out


def count(app) -> int:
    with app.app_context():
        return db.session.execute(select(func.count(Document.id))).scalar_one()


def page_text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


GOOD = {
    "txt": ("Senate_vote-2024.txt", b"The senate voted on Tuesday.\r\nIt passed."),
    "jsonl": (
        "batch.jsonl",
        jsonl(
            {"id": "j1", "text": "First JSONL article.", "outlet": "Daily", "date": "2024-05-31"},
            {"id": "j2", "text": "Second JSONL article.", "meta": {"topic": "war"}},
        ),
    ),
    "csv": ("list.csv", b"id,title,text,author\nc1,Hello,First CSV article.,Ann\n"),
    "zip": (
        "bundle.zip",
        zipped(
            {"a.txt": "Zip text article.", "b.jsonl": jsonl({"id": "z1", "text": "Zip JSONL."})}
        ),
    ),
}
EXPECTED_IDS = {
    "txt": {"Senate_vote-2024"},
    "jsonl": {"j1", "j2"},
    "csv": {"c1"},
    "zip": {"a", "z1"},
}


# --- the upload page ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(GOOD))
def test_upload_each_format(app, lead, pid, kind):
    name, data = GOOD[kind]
    response = upload(lead, pid, name, data)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/projects/{pid}/documents"
    new = set(documents(app, pid)) - {"old-1"}
    assert new == EXPECTED_IDS[kind]
    flashed = page_text(lead.get(f"/projects/{pid}/documents"))
    noun = "article" if len(new) == 1 else "articles"
    assert f"Imported {len(new)} {noun}; skipped 0 duplicates." in flashed


def test_upload_stores_fields(app, lead, pid):
    upload(lead, pid, *GOOD["txt"])
    upload(lead, pid, *GOOD["jsonl"])
    upload(lead, pid, *GOOD["csv"])
    docs = documents(app, pid)
    txt = docs["Senate_vote-2024"]
    assert txt.title == "Senate vote 2024"
    assert txt.text == "The senate voted on Tuesday.\nIt passed."
    assert docs["j1"].outlet == "Daily" and str(docs["j1"].published) == "2024-05-31"
    assert docs["j2"].meta == {"topic": "war"}
    assert (docs["c1"].title, docs["c1"].author) == ("Hello", "Ann")
    for doc in docs.values():
        assert doc.sha256 == text_sha256(doc.text)


@pytest.mark.parametrize("article", [NEWS_ARTICLE, NFD_ARTICLE, CRLF_ARTICLE], ids=lambda p: p.stem)
def test_upload_sample_article(app, lead, pid, article):
    raw = article.read_bytes()
    response = upload(lead, pid, article.name, raw)
    assert response.status_code == 302
    doc = documents(app, pid)[article.stem]
    assert doc.title == article.stem.replace("-", " ")
    assert doc.text == normalise_text(raw.decode("utf-8"))
    # The stored text is what offsets refer to: it must survive a round trip unchanged.
    assert unicodedata.is_normalized("NFC", doc.text) and "\r" not in doc.text
    assert doc.sha256 == text_sha256(doc.text)
    if article is NEWS_ARTICLE:  # already NFC with LF: not a character changed
        assert doc.text == raw.decode("utf-8") and "👩\u200d🔬" in doc.text
    else:
        assert doc.text != raw.decode("utf-8")


def test_upload_normalises_nfc_and_newlines(app, lead, pid):
    upload(lead, pid, "nfc.jsonl", jsonl({"id": "n1", "text": DECOMPOSED, "title": "Cafe\u0301"}))
    doc = documents(app, pid)["n1"]
    assert doc.text == COMPOSED
    assert len(doc.text) == len(DECOMPOSED) - 2  # one combining mark and one \r fewer
    assert doc.title == "Caf\u00e9"
    assert doc.sha256 == text_sha256(COMPOSED)


def test_duplicates_skipped_and_counted(app, lead, pid):
    data = jsonl(
        {"id": "old-1", "text": "Same id as an existing article, other text."},
        {"id": "fresh-2", "text": "An article already in the project."},  # same text
        {"id": "new-1", "text": "A genuinely new article."},
        {"id": "new-1", "text": "Same id again within the file."},
        {"id": "new-3", "text": "A genuinely new article."},  # same text within the file
        {"id": "new-4", "text": "A genuinely\r\nnew one."},
        {"id": "new-5", "text": "A genuinely\nnew one."},  # same text after normalising
    )
    response = upload(lead, pid, "dups.jsonl", data)
    assert response.status_code == 302
    assert set(documents(app, pid)) == {"old-1", "new-1", "new-4"}
    assert "Imported 2 articles; skipped 5 duplicates." in page_text(
        lead.get(f"/projects/{pid}/documents")
    )
    assert documents(app, pid)["old-1"].text == "An article already in the project."


def test_reimporting_the_same_file_imports_nothing(app, lead, pid):
    upload(lead, pid, *GOOD["zip"])
    before = count(app)
    upload(lead, pid, *GOOD["zip"])
    assert count(app) == before
    assert "Imported 0 articles; skipped 2 duplicates." in page_text(
        lead.get(f"/projects/{pid}/documents")
    )


BAD = {
    "invalid-json": (
        "bad.jsonl",
        jsonl({"text": "ok"}, '{"text": "oops'),
        "bad.jsonl:2: invalid JSON",
    ),
    "missing-text": (
        "bad.jsonl",
        jsonl({"text": "ok"}, {"text": "ok 2"}, {"title": "No text"}),
        "bad.jsonl:3: missing or empty 'text'.",
    ),
    "latin-1": (
        "latin.jsonl",
        b'{"text": "fine"}\n{"text": "caf\xe9"}\n',
        "latin.jsonl:2: not valid UTF-8 (save the file as UTF-8).",
    ),
    "latin-1-txt": ("latin.txt", "Ça va".encode("latin-1"), "latin.txt:1: not valid UTF-8"),
    "unknown-field": (
        "bad.jsonl",
        jsonl({"text": "ok", "headline": "x"}),
        "bad.jsonl:1: unknown fields: headline.",
    ),
    "bad-date": (
        "bad.jsonl",
        jsonl({"text": "ok"}, {"text": "ok 2", "date": "May 31"}),
        "bad.jsonl:2: 'date' 'May 31' is not an ISO date (YYYY-MM-DD).",
    ),
    "csv-unknown-column": (
        "bad.csv",
        b"text,colour\nok,red\n",
        "bad.csv:1: unknown columns: colour",
    ),
    "csv-missing-text": ("bad.csv", b"id,text\n1,ok\n2,\n", "bad.csv:3: missing or empty 'text'"),
    "unsafe-zip": (
        "evil.zip",
        zipped({"ok.txt": "fine", "../../etc/cron.txt": "x"}),
        "evil.zip: unsafe path in archive: '../../etc/cron.txt'.",
    ),
    "zip-bad-member": (
        "bundle.zip",
        zipped({"a.txt": "Fine article.", "b.jsonl": '{"text": "x"}\n{"text": 3}'}),
        "bundle.zip/b.jsonl:2: missing or empty 'text'.",
    ),
    "unsupported": ("notes.docx", b"PK...", "notes.docx: unsupported file type"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_upload_malformed_writes_nothing(app, lead, pid, case):
    name, data, message = BAD[case]
    before = count(app)
    response = upload(lead, pid, name, data)
    assert response.status_code == 400
    text = page_text(response)
    assert "Nothing was imported." in text
    assert message in text
    assert count(app) == before


def test_upload_text_over_the_size_limit(app, lead, pid):
    app.config["IMPORT_MAX_TEXT_CHARS"] = 50
    data = jsonl({"text": "short"}, {"text": "x" * 51})
    response = upload(lead, pid, "big.jsonl", data)
    assert response.status_code == 400
    assert "big.jsonl:2: text has 51 characters (limit 50)." in page_text(response)
    assert count(app) == 1


def test_upload_too_many_records(app, lead, pid):
    app.config["IMPORT_MAX_RECORDS"] = 2
    response = upload(lead, pid, "many.jsonl", jsonl(*({"text": f"a{i}"} for i in range(3))))
    assert response.status_code == 400 and "exceed the limit of 2" in page_text(response)
    assert count(app) == 1


def test_upload_over_the_request_size_limit(app, lead, pid):
    app.config["MAX_CONTENT_LENGTH"] = 2000
    response = upload(lead, pid, "huge.txt", b"word " * 1000)
    assert response.status_code == 413
    assert count(app) == 1


def test_upload_zip_bomb_member(app, lead, pid, monkeypatch):
    monkeypatch.setattr("annotator.services.transfer.article_files.ZIP_MAX_TOTAL", 1024 * 1024)
    response = upload(lead, pid, "bomb.zip", zipped({"bomb.txt": b"a" * (3 * 1024 * 1024)}))
    assert response.status_code == 400
    assert "bomb.zip: archive expands beyond the size limit." in page_text(response)
    assert count(app) == 1


def test_upload_without_file(app, lead, pid):
    response = lead.post(f"/projects/{pid}/import", data={}, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "This field is required." in page_text(response)


# --- the service: several files in one transaction -------------------------------------


def test_service_rejects_all_files_when_one_is_bad(ctx, pid):
    project = db.session.get(Project, pid)
    with pytest.raises(ServiceError) as info:
        import_files(project, [GOOD["txt"], GOOD["csv"], BAD["invalid-json"][:2]])
    assert info.value.message.startswith("bad.jsonl:2: invalid JSON")
    db.session.rollback()
    assert db.session.execute(select(func.count(Document.id))).scalar_one() == 1


def test_service_report(ctx, pid):
    project = db.session.get(Project, pid)
    calls = []
    report = import_files(
        project, [GOOD["jsonl"], GOOD["jsonl"]], progress=lambda d, t: calls.append((d, t))
    )
    db.session.commit()
    assert (report.imported, report.duplicates) == (2, 2)
    assert report.files == ["batch.jsonl", "batch.jsonl"]
    assert calls and calls[-1] == (2, 2)


def test_service_same_ids_in_different_projects(ctx, pid):
    other = make_project("Other", preset="empty")
    make_document(other, "An article already in the project.", external_id="old-1")
    project = db.session.get(Project, pid)
    report = import_files(project, [GOOD["csv"]])
    db.session.commit()
    assert report.imported == 1


@pytest.mark.parametrize("mode", ["scan", "lookup"])
def test_service_duplicate_check_scan_or_lookup(ctx, pid, monkeypatch, mode):
    """Small projects are read whole, large ones asked for the incoming keys: same answer."""
    monkeypatch.setattr(importing, "SCAN_RATIO", 10**6 if mode == "scan" else 0)
    monkeypatch.setattr(importing, "LOOKUP_CHUNK", 2)  # several lookup queries
    other = make_project("Other", preset="empty")
    make_document(other, "Text only in the other project.", external_id="other-1")
    project = db.session.get(Project, pid)
    make_document(project, "Second existing article.", external_id="old-2")
    data = jsonl(
        {"id": "old-2", "text": "New text under an old id."},
        {"id": "x1", "text": "An article already in the project."},
        {"id": "other-1", "text": "New text under another project's id."},
        {"id": "x2", "text": "Text only in the other project."},
        {"id": "x3", "text": "Brand new."},
        {"id": "x3", "text": "Same id within the file."},
    )
    rows = read_articles("d.jsonl", data)
    ids, hashes = importing.existing_keys(project.id, rows)
    assert ids & {row.external_id for row in rows} == {"old-2"}
    assert hashes & {row.sha256 for row in rows} == {
        text_sha256("An article already in the project.")
    }
    report = import_files(project, [("d.jsonl", data)])
    db.session.commit()
    assert (report.imported, report.duplicates) == (3, 3)
    assert set(documents_in(project.id)) == {"old-1", "old-2", "other-1", "x2", "x3"}


def test_service_empty_project_and_creation_time(ctx):
    project = make_project("Fresh", preset="empty")
    report = import_files(project, [GOOD["jsonl"], GOOD["csv"]])
    db.session.commit()
    assert report.imported == 3
    docs = documents_in(project.id).values()
    assert len({d.created_at for d in docs}) == 1 and all(d.created_at for d in docs)


def documents_in(project_id: int) -> dict[str, Document]:
    rows = db.session.execute(select(Document).where(Document.project_id == project_id))
    return {d.external_id: d for d in rows.scalars()}


# --- the CLI ---------------------------------------------------------------------------


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return str(path)


def test_cli_import_every_format(app, runner, pid, tmp_path):
    paths = [write(tmp_path, *GOOD[kind]) for kind in GOOD]
    samples = (NEWS_ARTICLE, NFD_ARTICLE, CRLF_ARTICLE)
    paths += [write(tmp_path, sample.name, sample.read_bytes()) for sample in samples]
    result = runner.invoke(args=["import", "Bias study", *paths])
    assert result.exit_code == 0, result.output
    assert "Imported 9 articles; skipped 0 duplicates." in result.stdout
    ids = set(documents(app, pid))
    assert ids == {"old-1", *(sample.stem for sample in samples)}.union(*EXPECTED_IDS.values())
    # Re-running counts duplicates; a project id works as well as a name.
    result = runner.invoke(args=["import", str(pid), *paths])
    assert result.exit_code == 0
    assert "Imported 0 articles; skipped 9 duplicates." in result.stdout


@pytest.mark.parametrize("case", ["invalid-json", "latin-1", "unknown-field", "unsafe-zip"])
def test_cli_import_malformed_writes_nothing(app, runner, pid, tmp_path, case):
    name, data, message = BAD[case]
    good = write(tmp_path, *GOOD["jsonl"])
    bad = write(tmp_path / "bad", name, data)
    result = runner.invoke(args=["import", "Bias study", good, bad])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()  # one clear line, no progress bar or traceback
    assert line.startswith("Error: ") and message in line, result.stderr
    assert result.stdout == ""
    assert count(app) == 1  # not even the good file


def test_cli_import_nfc(app, runner, pid, tmp_path):
    path = write(tmp_path, "nfc.jsonl", jsonl({"id": "n1", "text": DECOMPOSED}))
    assert runner.invoke(args=["import", "Bias study", path]).exit_code == 0
    assert documents(app, pid)["n1"].text == COMPOSED


@pytest.mark.parametrize(
    "args,message",
    [
        (["import", "No such project", "x.txt"], "Error: No project 'No such project'."),
        (["import", "Bias study", "/nonexistent/file.txt"], "/nonexistent/file.txt: cannot read"),
    ],
    ids=["unknown-project", "missing-file"],
)
def test_cli_import_errors(app, runner, pid, tmp_path, args, message):
    (tmp_path / "x.txt").write_text("text")
    args = [str(tmp_path / a) if a == "x.txt" else a for a in args]
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    assert message in result.output
    assert count(app) == 1
