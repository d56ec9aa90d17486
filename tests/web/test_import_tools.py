"""Imports of files written the way doccano, Label Studio, brat and the SemEval PTC task write
them (built here from each tool's documented format, never from our writers): relations arrive
as links, discontinuous spans as one span with fragments, gold as gold, NFD/CRLF texts
normalised with every span on the same characters, and everything else counted.
"""

from __future__ import annotations

import io
import json
import unicodedata
import zipfile

import pytest
from sqlalchemy import func, select

from annotator.extensions import db
from annotator.models import Document, DocumentCuration, GoldAnswer, GoldSpan, Label, Span
from annotator.services.errors import ServiceError
from annotator.services.projects.projects import create_project
from annotator.services.transfer.annotation_import import import_annotations, read_annotation_files
from annotator.services.transfer.exporting import ExportRequest, Tally, stream
from tests.shared import SHARED_DATA, requires_shared_data

# An article with an emoji (two UTF-16 units), curly quotes and a decomposed accent (NFD).
NFC_TEXT = "Mayor 🙂 Zoë Lang said: “We will rebuild the café.” Critics disagreed."
NFD_TEXT = unicodedata.normalize("NFD", NFC_TEXT)
assert NFD_TEXT != NFC_TEXT


def _at(text: str, fragment: str) -> tuple[int, int]:
    start = text.index(fragment)
    return start, start + len(fragment)


def _u16(text: str, cp: int) -> int:
    return len(text[:cp].encode("utf-16-le")) // 2


def _spans(project, label=None):
    query = select(Span).join(Document).where(Document.project_id == project.id)
    if label:
        query = query.join(Label, Span.label_id == Label.id).where(Label.name == label)
    return db.session.execute(query.order_by(Span.start)).scalars().all()


def _gold(project):
    query = select(GoldSpan).join(Document).where(Document.project_id == project.id)
    return db.session.execute(query.order_by(GoldSpan.start)).scalars().all()


def _export(project, fmt, **options):
    tally = Tally()
    data = b"".join(stream(project, ExportRequest(format=fmt, **options), tally))
    return data, tally


# -- brat ------------------------------------------------------------------------------------


def _brat_corpus(root, *, text=NFD_TEXT, crlf=False):
    """brat standoff as the brat server saves it: .txt/.ann pairs, T/R/A/# lines, a
    discontinuous T-line, offsets in code points of the file's own text."""
    body = text.replace("\n", "\r\n") if crlf else text
    (root / "lang.txt").write_bytes(body.encode("utf-8"))
    # ends between "e" and its combining diaeresis when the text is NFD: snaps outward
    mayor = _at(body, "Mayor 🙂 Zoe" if text == NFD_TEXT else "Mayor 🙂 Zoë")
    speaker = _at(
        body, unicodedata.normalize("NFD", "Zoë Lang") if text == NFD_TEXT else "Zoë Lang"
    )
    we, cafe = _at(body, "We will"), _at(body, "the caf")
    cafe = (cafe[0], cafe[1] + (2 if text == NFD_TEXT else 1))  # "the café" (e + U+0301)
    covered = " ".join(body[a:b] for a, b in (we, cafe))
    lines = [
        f"T1\tSource {speaker[0]} {speaker[1]}\t{body[speaker[0] : speaker[1]]}",
        f"T2\tQuote {we[0]} {we[1]};{cafe[0]} {cafe[1]}\t{covered}",
        f"T3\tSource {mayor[0]} {mayor[1]}\t{body[mayor[0] : mayor[1]]}",
        "R1\tSpeaker Arg1:T2 Arg2:T1",
        "R2\tCites Arg1:T3 Arg2:T1",
        "A1\tform T2 direct",
        "#1\tAnnotatorNotes T2\tirony?",
    ]
    (root / "lang_ann1.ann").write_bytes("\n".join(lines).encode("utf-8") + b"\n")
    return root


@pytest.mark.parametrize("crlf", [False, True])
def test_brat_nfd_crlf_discontinuous_relations(app, tmp_path, crlf):
    folder = _brat_corpus(tmp_path, crlf=crlf)
    with app.app_context():
        project = create_project("Brat", preset="media-bias")
        report = import_annotations(project, read_annotation_files("brat", [folder]))
        db.session.commit()
        doc = db.session.execute(select(Document)).scalar_one()
        assert doc.text == NFC_TEXT  # normalised: NFC, \n
        assert report.texts_normalised == 1 and report.snapped == 1
        quote = _spans(project, "Quote")[0]
        assert quote.fragments == [list(_at(NFC_TEXT, "We will")), list(_at(NFC_TEXT, "the café"))]
        assert (quote.start, quote.end) == (quote.fragments[0][0], quote.fragments[1][1])
        assert quote.text == NFC_TEXT[quote.start : quote.end]
        assert quote.attributes["form"] == "direct" and quote.note == "irony?"
        speaker = db.session.get(Span, quote.attributes["speaker"])  # R1 Speaker -> Quote.speaker
        assert speaker.text == "Zoë Lang"
        mayor = [s for s in _spans(project, "Source") if s.id != speaker.id][0]
        assert mayor.text == "Mayor 🙂 Zoë"  # snapped outward over the combining accent
        assert report.links == 1 and report.discontinuous == 1
        assert report.unmapped_relations == {"Cites": 1}  # Source has no link attribute
        assert "Cites (1)" in report.summary() and "snapped" in report.summary()
        assert "Cites" not in mayor.attributes  # not kept as a dangling text value

        data, tally = _export(project, "brat")
        ann = zipfile.ZipFile(io.BytesIO(data)).read("ann1/lang.ann").decode()
        we, cafe = _at(NFC_TEXT, "We will"), _at(NFC_TEXT, "the café")
        assert f"Quote {we[0]} {we[1]};{cafe[0]} {cafe[1]}\tWe will the café" in ann
        _, tally = _export(project, "doccano")
        assert tally.reductions.get("fragments_hulled") == 1  # doccano cannot hold fragments


def test_brat_as_gold_and_api_payload(app, tmp_path, client):
    folder = _brat_corpus(tmp_path, text=NFC_TEXT)
    with app.app_context():
        project = create_project("Gold", preset="media-bias")
        report = import_annotations(project, read_annotation_files("brat", [folder]), as_gold=True)
        db.session.commit()
        assert report.spans == 0 and report.gold_spans == 3
        gold = _gold(project)
        quote = next(g for g in gold if g.fragments)
        assert gold[0].provenance == ["ann1"] and quote.source == "import"
        speaker = db.session.get(GoldSpan, quote.attributes["speaker"])  # links point at gold
        assert speaker.text == "Zoë Lang"
        doc_id = quote.document_id
        status = db.session.execute(
            select(DocumentCuration.status).where(DocumentCuration.document_id == doc_id)
        ).scalar_one()
        assert status == "curated"
        # importing the same gold again doubles nothing: counted instead
        again = import_annotations(project, read_annotation_files("brat", [folder]), as_gold=True)
        assert again.gold_spans == 0 and again.gold_duplicates == 3
        db.session.rollback()


# -- doccano ---------------------------------------------------------------------------------


def _doccano_relations_line(text, ids=(11, 12)):
    """doccano's "JSONL with relations" export: entities with ids, relations by entity id."""
    quote, source = _at(text, "We will rebuild the café"), _at(text, "Zoë Lang")
    return {
        "id": 7,
        "text": text,
        "entities": [
            {"id": ids[0], "label": "Quote", "start_offset": quote[0], "end_offset": quote[1]},
            {"id": ids[1], "label": "Source", "start_offset": source[0], "end_offset": source[1]},
        ],
        "relations": [
            {"id": 3, "from_id": ids[0], "to_id": ids[1], "type": "speaker"},
            {"id": 4, "from_id": ids[1], "to_id": ids[0], "type": "says"},
        ],
        "Comments": [],
    }


def test_doccano_relations_become_links(app, tmp_path):
    path = tmp_path / "admin.jsonl"
    path.write_text(json.dumps(_doccano_relations_line(NFC_TEXT)) + "\n", encoding="utf-8")
    with app.app_context():
        project = create_project("Doc", preset="media-bias")
        report = import_annotations(project, read_annotation_files("doccano", [path]))
        db.session.commit()
        quote, source = _spans(project, "Quote")[0], _spans(project, "Source")[0]
        assert quote.text == "We will rebuild the café" and source.text == "Zoë Lang"
        assert quote.attributes == {"speaker": source.id}
        # "says" Source->Quote: no link attribute named so on either label, but the label
        # pair fits Quote.speaker (Quote's only link): mapped reversed onto the same link
        assert report.links == 2 and report.unmapped_relations == {}


def test_doccano_relations_into_new_labels_and_unmapped(app, tmp_path):
    path = tmp_path / "admin.jsonl"
    path.write_text(json.dumps(_doccano_relations_line(NFC_TEXT)) + "\n", encoding="utf-8")
    with app.app_context():
        project = create_project("Empty", preset="empty")
        report = import_annotations(project, read_annotation_files("doccano", [path]))
        db.session.commit()
        quote, source = _spans(project, "Quote")[0], _spans(project, "Source")[0]
        assert quote.attributes == {"speaker": source.id} and source.attributes == {
            "says": quote.id
        }
        assert report.links == 2
        # a second import where the labels exist without link attributes: counted, not kept
        other = create_project("Plain", preset="empty")
        for n, name in enumerate(("Quote", "Source")):
            other.labels.append(Label(name=name, order=n, attributes=[]))
        db.session.flush()
        report = import_annotations(other, read_annotation_files("doccano", [path]))
        assert report.unmapped_relations == {"speaker": 1, "says": 1} and report.links == 0
        assert all(s.attributes == {} for s in _spans(other))
        db.session.rollback()


def test_doccano_utf16_offsets(app, tmp_path):
    start, end = _at(NFC_TEXT, "café")
    line = {
        "id": "u",
        "text": NFC_TEXT,
        "label": [[_u16(NFC_TEXT, start), _u16(NFC_TEXT, end), "X"]],
    }
    path = tmp_path / "js.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with app.app_context():
        project = create_project("U16", preset="empty")
        import_annotations(project, read_annotation_files("doccano", [path], offsets="utf16"))
        assert _spans(project)[0].text == "café"
        db.session.rollback()
    # an offset past the code-point end that fits in UTF-16 units: the error says so
    end16 = _u16(NFC_TEXT, len(NFC_TEXT))
    line = {"id": "v", "text": NFC_TEXT, "label": [[end16 - 3, end16, "X"]]}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(ServiceError) as exc:
        read_annotation_files("doccano", [path])
    assert "js.jsonl:1" in exc.value.message and "--offsets utf16" in exc.value.message


# -- Label Studio ----------------------------------------------------------------------------


def _ls_region(rid, text, fragment, label, units=False):
    start, end = _at(text, fragment)
    if units:
        start, end = _u16(text, start), _u16(text, end)
    return {
        "id": rid,
        "from_name": "label",
        "to_name": "text",
        "type": "labels",
        "origin": "manual",
        "value": {"start": start, "end": end, "text": fragment, "labels": [label]},
    }


def _ls_export(text, units=False):
    """Label Studio's full JSON export: tasks with data, annotations (completed_by a user id),
    results of type labels/choices/relation, a ground-truth annotation."""
    results = [
        _ls_region("q1", text, "We will rebuild the café", "Quote", units),
        _ls_region("s1", text, "Zoë Lang", "Source", units),
        {"from_id": "q1", "to_id": "s1", "type": "relation", "direction": "right", "labels": []},
    ]
    gold = [
        _ls_region("g1", text, "Mayor 🙂 Zoë Lang", "Source", units),
        _ls_region("g2", text, "“We will rebuild the café.”", "Quote", units),
        {"from_id": "g1", "to_id": "g2", "type": "relation", "direction": "left",
         "labels": ["speaker"]},
    ]  # fmt: skip
    return [
        {
            "id": 41,
            "data": {"text": text},
            "annotations": [
                {
                    "id": 1,
                    "completed_by": 3,
                    "result": results,
                    "was_cancelled": False,
                    "ground_truth": False,
                    "lead_time": 12.5,
                    "task": 41,
                },
                {
                    "id": 2,
                    "completed_by": {"id": 4, "email": "gold@example.org"},
                    "result": gold,
                    "ground_truth": True,
                    "task": 41,
                },
            ],  # fmt: skip
            "predictions": [],
            "meta": {},
            "project": 2,
        }
    ]


def test_labelstudio_full_export_with_relations(app, tmp_path):
    path = tmp_path / "project-2-at-2026.json"
    path.write_text(json.dumps(_ls_export(NFC_TEXT)), encoding="utf-8")
    with app.app_context():
        project = create_project("LS", preset="media-bias")
        report = import_annotations(project, read_annotation_files("labelstudio", [path]))
        db.session.commit()
        quote, source = _spans(project, "Quote")[0], _spans(project, "Source")[0]
        assert quote.attributes == {"speaker": source.id}  # unlabelled relation: label pair
        assert report.links == 2 and report.spans == 2 and report.gold_spans == 2
        # the ground-truth annotation is gold: its left-pointing relation is Quote.speaker
        assert report.users_created == ["3"]
        gold = {g.label.name: g for g in _gold(project)}
        assert gold["Quote"].attributes == {"speaker": gold["Source"].id}
        assert gold["Source"].text == "Mayor 🙂 Zoë Lang"
        db.session.rollback()


def test_labelstudio_utf16_detection(app, tmp_path):
    path = tmp_path / "export.json"
    path.write_text(json.dumps(_ls_export(NFC_TEXT, units=True)), encoding="utf-8")
    with pytest.raises(ServiceError) as exc:
        read_annotation_files("labelstudio", [path])
    assert "UTF-16" in exc.value.message and "--offsets utf16" in exc.value.message
    docs = read_annotation_files("labelstudio", [path], offsets="utf16")
    assert {s.text for s in docs[0].spans} >= {"We will rebuild the café", "Zoë Lang"}


def test_labelstudio_json_min(app, tmp_path):
    quote, source = _at(NFC_TEXT, "We will rebuild the café"), _at(NFC_TEXT, "Zoë Lang")
    rows = [
        {
            "text": NFC_TEXT,
            "id": 41,
            "label": [
                {
                    "start": quote[0],
                    "end": quote[1],
                    "text": "We will rebuild the café",
                    "labels": ["Quote"],
                },
                {"start": source[0], "end": source[1], "text": "Zoë Lang", "labels": ["Source"]},
            ],  # fmt: skip
            "form": [{"start": quote[0], "end": quote[1], "choices": ["direct"]}],
            "annotator": "ann@example.org",
            "annotation_id": 1,
            "created_at": "2026-01-01T10:00:00.000000Z",
            "updated_at": "2026-01-01T10:00:00.000000Z",
            "lead_time": 3.2,
        }
    ]
    path = tmp_path / "min.json"
    path.write_text(json.dumps(rows), encoding="utf-8")
    with app.app_context():
        project = create_project("Min", preset="media-bias")
        report = import_annotations(project, read_annotation_files("labelstudio", [path]))
        assert report.spans == 2 and report.users_created == ["ann@example.org"]
        quote_span = _spans(project, "Quote")[0]
        assert quote_span.text == "We will rebuild the café" and quote_span.attributes == {
            "form": "direct"
        }
        db.session.rollback()


# -- PTC -------------------------------------------------------------------------------------


def _ptc(root, *, per_article=False):
    """The SemEval-2020 Task 11 layout: article<ID>.txt (title, blank line, a sentence per
    line) and technique labels ``article_id<TAB>technique<TAB>start<TAB>end``."""
    arts = root / "train-articles"
    arts.mkdir()
    text = "Rebuild now\n\nThe mayor 🙂 is a TRAITOR, critics say.\nShe will “destroy” us.\n"
    (arts / "article7001.txt").write_bytes(text.encode("utf-8"))
    rows = [
        ("7001", "Name_Calling,Labeling", *_at(text, "TRAITOR")),
        ("7001", "Loaded_Language", *_at(text, "“destroy”")),
        ("7001", "Exaggeration,Minimisation", *_at(text, "She will “destroy” us")),
        ("7001", "Doubt", *_at(text, "critics say")),
    ]
    lines = "".join(f"{a}\t{b}\t{c}\t{d}\n" for a, b, c, d in rows)
    if per_article:
        (root / "train-labels-task2").mkdir()
        (root / "train-labels-task2" / "article7001.labels.tsv").write_text(lines)
    else:
        (root / "train-task2-TC.labels").write_text(lines)
    return text


@pytest.mark.parametrize("per_article", [False, True])
def test_ptc_imports_gold(app, tmp_path, per_article):
    text = _ptc(tmp_path, per_article=per_article)
    with app.app_context():
        project = create_project("PTC", preset="empty")
        report = import_annotations(project, read_annotation_files("ptc", [tmp_path]))
        db.session.commit()
        assert report.gold_spans == 4 and report.spans == 0
        assert [g.text for g in _gold(project)] == sorted(
            ["TRAITOR", "“destroy”", "She will “destroy” us", "critics say"],
            key=text.index,
        )


def test_cli_ptc_as_gold_progress(app, runner, tmp_path):
    _ptc(tmp_path)
    with app.app_context():
        create_project("PTC CLI", preset="empty")
        db.session.commit()
    result = runner.invoke(args=["import-annotations", "PTC CLI", "--format", "ptc", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "4 gold spans" in result.output and "spans/s" in result.output
    bad = runner.invoke(
        args=[
            "import-annotations",
            "PTC CLI",
            "--format",
            "ptc",
            "--offsets",
            "utf16",
            str(tmp_path),
        ]
    )
    assert bad.exit_code != 0 and "utf16 applies to doccano and labelstudio" in bad.output


# -- our own JSONL with gold -----------------------------------------------------------------


def test_jsonl_with_gold_round_trips_gold(app, tmp_path):
    _ptc(tmp_path)
    (tmp_path / "b").mkdir()
    folder = _brat_corpus(tmp_path / "b")
    with app.app_context():
        first = create_project("First", preset="media-bias")
        import_annotations(first, read_annotation_files("ptc", [tmp_path]))
        import_annotations(first, read_annotation_files("brat", [folder]), as_gold=True)
        import_annotations(first, read_annotation_files("brat", [folder]))
        db.session.commit()
        data, _ = _export(first, "jsonl")
        path = tmp_path / "first.jsonl"
        path.write_bytes(data)
        second = create_project("Second", preset="media-bias")
        report = import_annotations(second, read_annotation_files("jsonl", [path]))
        db.session.commit()
        assert report.gold_spans == 4 + 3 and report.spans == 3
        again, _ = _export(second, "jsonl")
        assert again == data
        gold_docs = db.session.execute(select(func.count(GoldSpan.id))).scalar_one()
        assert gold_docs == 2 * 7


def test_gold_answers_as_gold(app, tmp_path):
    body = {
        "id": "a1",
        "text": NFC_TEXT,
        "spans": [],
        "answers": [{"annotator": "ann", "question": "one-sided", "value": "4"}],
    }
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps(body) + "\n", encoding="utf-8")
    with app.app_context():
        project = create_project("Answers", preset="media-bias")
        report = import_annotations(project, read_annotation_files("jsonl", [path]), as_gold=True)
        assert report.gold_answers == 1 and report.answers == 0
        row = db.session.execute(select(GoldAnswer)).scalar_one()
        assert row.value == "4" and row.provenance == ["ann"]
        db.session.rollback()


def test_gold_answers_in_jsonl_make_no_user_named_gold(app, tmp_path):
    """Our JSONL names curated answers' annotator "gold": they are read back as gold, and
    "gold" becomes neither a user, a member nor an assignee of the article."""
    from annotator.models import Assignment, Membership, User

    body = {
        "id": "a1",
        "text": NFC_TEXT,
        "spans": [{"annotator": "ann", "label": "Claim", "start": 0, "end": 5}],
        "answers": [
            {"annotator": "ann", "question": "one-sided", "value": "4"},
            {"annotator": "gold", "question": "one-sided", "value": "3"},
        ],
    }
    path = tmp_path / "answers.jsonl"
    path.write_text(json.dumps(body) + "\n", encoding="utf-8")
    with app.app_context():
        project = create_project("Gold answers", preset="media-bias")
        report = import_annotations(project, read_annotation_files("jsonl", [path]))
        db.session.flush()
        assert report.gold_answers == 1 and report.answers == 1
        assert report.users_created == ["ann"]
        names = set(db.session.execute(select(User.username)).scalars())
        assert "gold" not in names
        assignees = db.session.execute(
            select(User.username).join(Assignment, Assignment.user_id == User.id)
        ).scalars()
        members = db.session.execute(
            select(User.username)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.project_id == project.id)
        ).scalars()
        assert list(assignees) == ["ann"] and "gold" not in set(members)
        db.session.rollback()


# -- the real corpora ------------------------------------------------------------------------


@requires_shared_data("ptc-train/train-task2-TC.labels")
def test_real_ptc_imports_every_gold_span(app):
    with app.app_context():
        project = create_project("Real PTC", preset="empty")
        report = import_annotations(
            project, read_annotation_files("ptc", [SHARED_DATA / "ptc-train"])
        )
        assert report.documents_created == 371
        # duplicates (same technique and offsets) are counted, not stored twice
        assert report.gold_spans + report.gold_duplicates == 6129
        db.session.rollback()


@requires_shared_data("polnear-multi/attributions", "polnear-multi/text")
def test_real_polnear_discontinuous_spans_kept(app):
    from annotator.formats import read_brat

    root = SHARED_DATA / "polnear-multi"
    docs = read_brat(root / "attributions", text_dir=root / "text")
    with app.app_context():
        project = create_project("Real PolNeAR", preset="empty")
        report = import_annotations(project, docs)
        n = sum(len(d.spans) for d in docs)
        assert report.spans == n
        frags = sum(1 for d in docs for s in d.spans if s.fragments)
        assert frags > 0 and report.discontinuous == frags
        stored = db.session.execute(
            select(func.count(Span.id)).where(Span.fragments.is_not(None))
        ).scalar_one()
        assert stored == frags
        db.session.rollback()


# -- the lead's import page --------------------------------------------------------------------


def _zip(members: dict) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buf.getvalue()


@pytest.fixture
def lead_page(app, client, auth):
    from tests.factories import make_project, make_user

    with app.app_context():
        lead = make_user("lena")
        project = make_project("Page", lead=lead, annotators=[make_user("alice")])
        db.session.commit()
        pid = project.id
    auth.login("lena")
    return client, pid


def test_import_page_brat_zip_report_and_menu(app, lead_page, tmp_path):
    client, pid = lead_page
    page = client.get(f"/projects/{pid}/import-annotations")
    assert page.status_code == 200
    assert f'href="/projects/{pid}/import-annotations"' in page.get_data(as_text=True)
    (tmp_path / "corpus").mkdir()
    _brat_corpus(tmp_path / "corpus")
    data = _zip({p.name: p.read_bytes() for p in (tmp_path / "corpus").iterdir()})
    response = client.post(
        f"/projects/{pid}/import-annotations",
        data={
            "files": [(io.BytesIO(data), "corpus.zip")],
            "format": "brat",
            "offsets": "codepoints",
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 200, body
    assert "Imported 3 spans" in body and "snapped" in body
    with app.app_context():
        assert db.session.execute(select(func.count(Span.id))).scalar_one() == 3


def test_api_payload_carries_fragments(app, lead_page, tmp_path):
    client, pid = lead_page
    (tmp_path / "corpus").mkdir()
    folder = _brat_corpus(tmp_path / "corpus", text=NFC_TEXT)
    with app.app_context():
        from annotator.models import Project

        project = db.session.get(Project, pid)
        import_annotations(project, read_annotation_files("brat", [folder]))
        db.session.commit()
    spans = client.get(f"/api/v1/projects/{pid}/spans").get_json()["spans"]
    quote = next(s for s in spans if s["label"] == "Quote")
    we, cafe = _at(NFC_TEXT, "We will"), _at(NFC_TEXT, "the café")
    assert quote["fragments"] == [list(we), list(cafe)]
    assert (quote["start"], quote["end"]) == (we[0], cafe[1])
    assert all(s["fragments"] is None for s in spans if s["label"] != "Quote")


def test_import_page_ptc_zip_as_gold_and_bad_file(app, lead_page, tmp_path):
    client, pid = lead_page
    (tmp_path / "ptc-train").mkdir()
    _ptc(tmp_path / "ptc-train")
    data = _zip({
        str(p.relative_to(tmp_path)): p.read_bytes()
        for p in (tmp_path / "ptc-train").rglob("*") if p.is_file()
    })  # fmt: skip
    response = client.post(
        f"/projects/{pid}/import-annotations",
        data={"files": [(io.BytesIO(data), "ptc.zip")], "format": "ptc", "offsets": "codepoints"},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and "4 gold spans" in response.get_data(as_text=True)
    bad = b'{"text": "Hello", "label": [[0, 99, "X"]]}\n'
    response = client.post(
        f"/projects/{pid}/import-annotations",
        data={
            "files": [(io.BytesIO(bad), "mine.jsonl")],
            "format": "doccano",
            "offsets": "codepoints",
        },  # fmt: skip
        content_type="multipart/form-data",
    )
    body = response.get_data(as_text=True)
    assert response.status_code == 400 and "Nothing was imported" in body
    assert "mine.jsonl:1" in body and "/tmp" not in body
    with app.app_context():
        assert db.session.execute(select(func.count(Span.id))).scalar_one() == 0


def test_import_page_needs_csrf_and_lead(database_url, _schema, tmp_path):
    import re

    from tests.conftest import _empty_tables, make_app
    from tests.factories import make_project, make_user

    app = make_app(database_url, str(tmp_path), WTF_CSRF_ENABLED=True)
    with app.app_context():
        _empty_tables()
        lead = make_user("lena")
        project = make_project("Csrf", lead=lead, annotators=[make_user("alice")])
        db.session.commit()
        pid = project.id
    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "alice", "password": "correct-horse-1",
                                "csrf_token": token})  # fmt: skip
    assert client.get(f"/projects/{pid}/import-annotations").status_code == 403
    client = app.test_client()  # the lead, in a session of her own
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"username": "lena", "password": "correct-horse-1",
                                "csrf_token": token})  # fmt: skip
    line = json.dumps({"id": "x", "text": "Hello world", "label": [[0, 5, "X"]]}).encode()
    form = {"files": [(io.BytesIO(line), "a.jsonl")], "format": "doccano", "offsets": "codepoints"}
    without = client.post(
        f"/projects/{pid}/import-annotations", data=form, content_type="multipart/form-data"
    )
    assert without.status_code == 400
    page = client.get(f"/projects/{pid}/import-annotations").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    form = {"files": [(io.BytesIO(line), "a.jsonl")], "format": "doccano", "offsets": "codepoints",
            "csrf_token": token}  # fmt: skip
    ok = client.post(
        f"/projects/{pid}/import-annotations", data=form, content_type="multipart/form-data"
    )
    assert ok.status_code == 200 and "Imported 1 spans" in ok.get_data(as_text=True)
    with app.app_context():
        _empty_tables()


def test_streamed_import_is_all_or_nothing_across_batches(app, runner, tmp_path, monkeypatch):
    from annotator.services.transfer import annotation_import

    monkeypatch.setattr(annotation_import, "BATCH", 1)  # every article its own batch
    lines = [{"id": f"a{k}", "text": NFC_TEXT, "label": [[0, 5, "X"]]} for k in range(3)]
    lines.append({"id": "bad", "text": "Hi", "label": [[0, 9, "X"]]})
    path = tmp_path / "big.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    with app.app_context():
        create_project("Stream", preset="empty")
        db.session.commit()
    result = runner.invoke(args=["import-annotations", "Stream", "--format", "doccano", str(path)])
    assert result.exit_code != 0 and "big.jsonl:4" in result.output
    with app.app_context():
        assert db.session.execute(select(func.count(Span.id))).scalar_one() == 0
        assert db.session.execute(select(func.count(Document.id))).scalar_one() == 0
    path.write_text("".join(json.dumps(line) + "\n" for line in lines[:3]), encoding="utf-8")
    result = runner.invoke(args=["import-annotations", "Stream", "--format", "doccano", str(path)])
    assert result.exit_code == 0, result.output
    assert "Imported 3 spans" in result.output and "on 3 articles (3 new)" in result.output
