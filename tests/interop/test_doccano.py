"""doccano 1.8.4's own import pipeline (in its own venv) loads our doccano exports.

Set ``ANNOTATOR_DOCCANO_PYTHON`` to that venv's python (``bash .ci/doccano-venv.sh`` makes it
and prints the path); without it the tests skip.
"""

import json
import subprocess
from pathlib import Path

from tests.interop.consumers import consumer_python, export_files
from tests.interop.fixture import LABELS, documents, spans_of

DRIVER = Path(__file__).with_name("doccano_driver.py")


def _doccano(task, files, tmp_path):
    python = consumer_python("ANNOTATOR_DOCCANO_PYTHON", "bash .ci/doccano-venv.sh")
    work = tmp_path / "doccano"
    work.mkdir(parents=True)
    run = subprocess.run(
        [python, str(DRIVER), str(work), task, *map(str, files)],
        capture_output=True, text=True, timeout=600, cwd=work,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    return json.loads(run.stdout.strip().splitlines()[-1])


def test_doccano_imports_every_annotators_file_with_the_same_spans(tmp_path):
    docs = documents()
    report = {}
    files = export_files("doccano", docs, tmp_path / "out", report=report)
    assert sorted(files) == ["alice.jsonl", "bob.jsonl", "gold.jsonl"]
    for name, path in files.items():
        who = name.removesuffix(".jsonl")
        got = _doccano("SequenceLabeling", [path], tmp_path / who)
        assert got["errors"] == []
        mine = [d for d in docs if spans_of(d, who)]
        assert [e["text"] for e in got["examples"]] == [d.text for d in mine]
        for example, doc in zip(got["examples"], mine, strict=True):
            want = sorted([s.start, s.end, s.label] for s in spans_of(doc, who))
            assert example["spans"] == want
            assert example["meta"]["meta"] == doc.meta
            assert example["meta"]["outlet"] == doc.outlet
    # what doccano cannot hold is counted, not silently dropped
    assert report == {"attributes_dropped": 8, "notes_dropped": 2, "links_dropped": 4,
                      "answers_dropped": 6}  # fmt: skip


def test_doccano_imports_relations(tmp_path):
    docs = documents()
    files = export_files("doccano-relations", docs, tmp_path / "out", labels=LABELS)
    got = _doccano("RelationExtraction", [files["alice.jsonl"]], tmp_path / "alice")
    assert got["errors"] == []
    relations = [r for e in got["examples"] for r in e["relations"]]
    # alice: Quote "A new chapter" -> Source "they"; Quote «تاريخي» 🎉 -> Source الرئيس
    t1, t3 = docs[0].text, docs[2].text
    q1, s1 = t1.index("A new chapter"), t1.index("they")
    q3, s3 = t3.index("«تاريخي» 🎉"), t3.index("الرئيس")
    assert sorted(relations) == sorted([
        [q1, q1 + len("A new chapter"), "speaker", s1, s1 + 4],
        [q3, q3 + len("«تاريخي» 🎉"), "speaker", s3, s3 + len("الرئيس")],
    ])  # fmt: skip
    assert [e["spans"] for e in got["examples"]][0] == sorted(
        [s.start, s.end, s.label] for s in spans_of(docs[0], "alice")
    )
