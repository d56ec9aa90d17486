"""Outlet matching at import, the lead's outlet page (rename, leaning, merge), story keys,
the story views and the figures."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Document, Outlet, Project
from annotator.services.errors import ServiceError
from annotator.services.transfer.importing import import_files
from tests.factories import make_project, make_user
from tests.outlet_corpus import make_outlet_corpus


@pytest.fixture
def pid(app):
    with app.app_context():
        project = make_project("Outlets", lead=make_user("lena"))
        return project.id


def _import(pid, rows, name="a.jsonl"):
    project = db.session.get(Project, pid)
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode()
    report = import_files(project, [(name, data)])
    db.session.commit()
    return report


def _outlets(pid):
    return {o.name: o for o in db.session.scalars(select(Outlet).where(Outlet.project_id == pid))}


def test_import_matches_spellings_and_stores_story(app, pid):
    with app.app_context():
        _import(
            pid,
            [
                {"id": "a", "text": "One 🦊.", "outlet": "FOX", "story": "  budget 2025 "},
                {"id": "b", "text": "Two.", "outlet": " fox "},
                {"id": "c", "text": "Three.", "outlet": "Fox"},
                {"id": "d", "text": "Four.", "outlet": "Ｆｏｘ"},  # fullwidth: a different key
                {"id": "e", "text": "Five."},
            ],
        )
        outlets = _outlets(pid)
        assert set(outlets) == {"FOX", "Ｆｏｘ"}
        docs = {d.external_id: d for d in db.session.scalars(select(Document))}
        assert {docs[k].outlet_id for k in "abc"} == {outlets["FOX"].id}
        assert docs["e"].outlet_id is None
        assert docs["a"].story == "budget 2025" and docs["b"].story == ""
        assert docs["b"].outlet == "fox"  # the article keeps its own spelling


def test_story_too_long_names_file_and_line(app, pid):
    with app.app_context():
        with pytest.raises(ServiceError, match=r"a.jsonl:2: .*story are limited to 200"):
            _import(pid, [{"text": "ok"}, {"text": "x", "story": "s" * 201}])
        assert db.session.scalars(select(Document)).first() is None


def test_outlet_page_rename_leaning_merge(app, pid, client, auth):
    with app.app_context():
        _import(pid, [{"id": "a", "text": "A.", "outlet": "NYT"},
                      {"id": "b", "text": "B.", "outlet": "New York Times"}])  # fmt: skip
        outlets = {n: o.id for n, o in _outlets(pid).items()}
    auth.login("lena")
    url = f"/projects/{pid}/outlets"
    assert "NYT" in client.get(url).get_data(as_text=True)
    response = client.post(
        url,
        data={"outlet": outlets["NYT"], "name": "The NYT", "leaning": "centre-left",
              "rating_source": "AllSides 2024"},
    )  # fmt: skip
    assert response.status_code == 302
    bad = client.post(url, data={"outlet": outlets["NYT"], "leaning": "far-out"})
    assert bad.status_code == 400 and "Leaning must be one of" in bad.get_data(as_text=True)
    taken = client.post(url, data={"outlet": outlets["NYT"], "name": "new york  times"})
    assert taken.status_code == 400 and "merge them instead" in taken.get_data(as_text=True)
    merged = client.post(
        url, data={"action": "merge", "source": outlets["New York Times"],
                   "target": outlets["NYT"]}
    )  # fmt: skip
    assert merged.status_code == 302
    with app.app_context():
        (outlet,) = _outlets(pid).values()
        assert outlet.name == "The NYT" and outlet.leaning == "centre-left"
        assert outlet.rating_source == "AllSides 2024"
        assert set(outlet.aliases) == {"nyt", "new york times"}
        _import(pid, [{"id": "c", "text": "C.", "outlet": "NEW YORK TIMES"},
                      {"id": "d", "text": "D.", "outlet": "nyt"}])  # fmt: skip
        assert len(_outlets(pid)) == 1
        ids = db.session.scalars(select(Document.outlet_id)).all()
        assert set(ids) == {outlet.id} and len(ids) == 4
    listed = client.get(f"/api/v1/projects/{pid}/outlets").get_json()
    assert listed[0]["articles"] == 4 and listed[0]["leaning"] == "centre-left"


def test_set_stories_in_bulk_page_and_cli(app, pid, client, auth, runner, tmp_path):
    with app.app_context():
        _import(pid, [{"id": "a", "text": "A."}, {"id": "b", "text": "B."}])
    auth.login("lena")
    upload = {"action": "stories", "file": (io.BytesIO(b"id,story\na,s1\nb,s1\n"), "s.csv")}
    assert client.post(f"/projects/{pid}/outlets", data=upload).status_code == 302
    bad = {"action": "stories", "file": (io.BytesIO(b"id,story\na,s2\nzz,s2\n"), "s.csv")}
    response = client.post(f"/projects/{pid}/outlets", data=bad)
    assert response.status_code == 400 and "not in this project: zz" in response.text
    path = tmp_path / "stories.csv"
    path.write_text("id,story\nb,s9\n", encoding="utf-8")
    result = runner.invoke(args=["set-stories", "Outlets", str(path)])
    assert result.exit_code == 0, result.output
    path.write_text("id,topic\nb,s9\n", encoding="utf-8")
    result = runner.invoke(args=["set-stories", "Outlets", str(path)])
    assert result.exit_code == 1 and "stories.csv:1" in result.output
    with app.app_context():
        stories = dict(db.session.execute(select(Document.external_id, Document.story)).all())
    assert stories == {"a": "s1", "b": "s9"}


def test_cli_outlet_set_and_merge(app, pid, runner):
    with app.app_context():
        _import(pid, [{"id": "a", "text": "A.", "outlet": "HuffPost"},
                      {"id": "b", "text": "B.", "outlet": "Huffington Post"}])  # fmt: skip
        ids = {n: o.id for n, o in _outlets(pid).items()}
    out = runner.invoke(args=["outlet-set", "Outlets", str(ids["HuffPost"]), "--leaning", "left"])
    assert out.exit_code == 0 and "left" in out.output
    bad = runner.invoke(args=["outlet-set", "Outlets", "9999", "--leaning", "left"])
    assert bad.exit_code == 1 and "No such outlet" in bad.output
    out = runner.invoke(
        args=["outlet-merge", "Outlets", str(ids["Huffington Post"]), str(ids["HuffPost"])]
    )
    assert "1 articles moved" in out.output
    listed = json.loads(runner.invoke(args=["outlets", "Outlets", "--json"]).output)
    assert [(o["name"], o["articles"], o["aliases"]) for o in listed] == [
        ("HuffPost", 2, ["huffington post"])
    ]


@pytest.fixture
def corpus(app):
    with app.app_context():
        return make_outlet_corpus()


def test_story_list_and_view(app, corpus, client, auth):
    auth.login("lena")
    pid = corpus["project"]
    listed = client.get(f"/api/v1/projects/{pid}/stories").get_json()
    assert len(listed) == 8
    spreads = [s["spread"] for s in listed]
    assert spreads == sorted(spreads, reverse=True)
    two = [s for s in listed if len(s["outlets"]) == 2]
    assert two and all(len(s["outlets"]) in (2, 3) for s in listed)
    page = client.get(f"/projects/{pid}/stories").get_data(as_text=True)
    assert "story-1" in page and "Spread" in page
    view = client.get(f"/projects/{pid}/stories/story-1")
    html = view.get_data(as_text=True)
    assert view.status_code == 200
    for outlet in ("Fox News", "New York Times", "HuffPost"):
        assert f'data-outlet="{outlet}"' in html
    assert html.count('<mark class="lab-') >= 3
    assert client.get(f"/projects/{pid}/stories/nope").status_code == 404
    raw = client.get(f"/projects/{pid}/stories/story-1?content=raw&annotator=alice")
    assert raw.status_code == 200


@pytest.mark.parametrize("fmt,magic", [("svg", b"<?xml"), ("png", b"\x89PNG"), ("pdf", b"%PDF")])
def test_figures_download(app, corpus, client, auth, fmt, magic):
    auth.login("lena")
    pid = corpus["project"]
    response = client.get(f"/projects/{pid}/analysis/plots/labels.{fmt}?download=1")
    assert response.status_code == 200 and response.data.startswith(magic)
    assert "attachment" in response.headers["Content-Disposition"]
    if fmt == "svg":
        root = ET.fromstring(response.data)
        assert root.tag.endswith("svg")
        assert b"Fox News" in response.data or b"Fox" in response.data
    assert client.get(f"/projects/{pid}/analysis/plots/nope.svg").status_code == 404
    assert client.get(f"/projects/{pid}/analysis/plots/labels.gif").status_code == 404


def test_exports_carry_story_leaning_and_analysis_tables(app, corpus):
    import pandas as pd

    from annotator.services.analysis.outlets import analysis_for
    from annotator.services.transfer import exporting
    from annotator.services.transfer.exporting import ExportRequest

    with app.app_context():
        project = db.session.get(Project, corpus["project"])
        lines = b"".join(exporting.stream(project, ExportRequest(format="jsonl", content="gold")))
        records = {r["id"]: r for r in map(json.loads, lines.decode().splitlines())}
        assert records["s1-fox"]["meta"]["story"] == "story-1"
        assert records["s1-fox"]["meta"]["outlet_leaning"] == "right"
        assert "story" not in records["no-outlet"].get("meta", {})
        bundle = b"".join(
            exporting.stream(project, ExportRequest(format="jsonl", content="gold", bundle=True))
        )
        report = analysis_for(project, content="gold")
    import zipfile

    archive = zipfile.ZipFile(io.BytesIO(bundle))
    names = set(archive.namelist())
    assert {"analysis/by-outlet.csv", "analysis/by-leaning.json", "README.md"} <= names
    assert "analysis/by-outlet.csv" in archive.read("README.md").decode()
    table = pd.read_csv(io.BytesIO(archive.read("analysis/by-outlet.csv")))
    framing = next(m for m in report["measures"] if m["name"] == "Framing per article")
    row = table[(table["measure"] == "Framing per article") & (table["group"] == "HuffPost")]
    assert row["estimate"].item() == pytest.approx(framing["groups"]["HuffPost"]["estimate"])
    assert json.loads(archive.read("analysis/by-outlet.json")) == json.loads(json.dumps(report))


def _pairs(value, out=None):
    """Every (key, value) inside a record, JSON text (the hf ``meta`` column) opened too."""
    out = [] if out is None else out
    if isinstance(value, str) and value.startswith("{"):
        try:
            value = json.loads(value)
        except ValueError:
            return out
    if isinstance(value, dict):
        for key, inner in value.items():
            out.append((key, inner))
            _pairs(inner, out)
    elif isinstance(value, list):
        for inner in value:
            _pairs(inner, out)
    return out


@pytest.mark.parametrize(
    "fmt,content",
    [("doccano-merged", "gold"), ("labelstudio", "gold"), ("prodigy", "gold"), ("hf", "raw")],
)
def test_every_format_with_metadata_carries_story_and_leaning(app, corpus, fmt, content):
    """jsonl is checked above; these are the other formats that write article metadata."""
    import zipfile

    from annotator.services.transfer import exporting
    from annotator.services.transfer.exporting import ExportRequest

    with app.app_context():
        project = db.session.get(Project, corpus["project"])
        data = b"".join(exporting.stream(project, ExportRequest(format=fmt, content=content)))
    if fmt == "hf":
        import pyarrow.parquet as pq

        archive = zipfile.ZipFile(io.BytesIO(data))
        name = next(n for n in archive.namelist() if n.endswith("raw.parquet"))
        records = pq.read_table(io.BytesIO(archive.read(name))).to_pylist()
    elif fmt == "labelstudio":
        records = json.loads(data)
    else:
        records = [json.loads(line) for line in data.decode().splitlines()]
    ids = (("doc_id", "s1-fox"), ("id", "s1-fox"))
    fox = [r for r in records if any(pair in _pairs(r) for pair in ids)]
    assert fox, f"no record of s1-fox in the {fmt} export"
    for record in fox:
        pairs = _pairs(record)
        assert ("story", "story-1") in pairs and ("outlet_leaning", "right") in pairs, fmt
