"""label-studio-sdk (in its own venv) accepts our Label Studio export and labelling config.

Set ``ANNOTATOR_LABELSTUDIO_PYTHON`` to a Python with ``label-studio-sdk`` (``bash
.ci/labelstudio-venv.sh`` makes one); without it the tests skip.
"""

import json
import subprocess
from pathlib import Path

from annotator.formats.labelstudio import labeling_config, read_labelstudio
from tests.interop.consumers import consumer_python, export_files
from tests.interop.fixture import LABELS, QUESTIONS, answers_of, documents

DRIVER = Path(__file__).with_name("labelstudio_driver.py")


def test_label_studio_sdk_validates_and_converts_our_tasks(tmp_path):
    python = consumer_python("ANNOTATOR_LABELSTUDIO_PYTHON", "bash .ci/labelstudio-venv.sh")
    docs = documents()
    tasks = export_files("labelstudio", docs, tmp_path, labels=LABELS)["export.json"]
    config = tmp_path / "label_config.xml"
    config.write_text(labeling_config(LABELS, QUESTIONS), encoding="utf-8")
    run = subprocess.run([python, str(DRIVER), str(tasks), str(config), str(tmp_path / "ls")],
                         capture_output=True, text=True, timeout=600)  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    got = json.loads(run.stdout.strip().splitlines()[-1])
    assert got["tasks_valid"] == [True, True, True]
    # answers included: each is a choice the config's question offers
    assert got["annotation_errors"] == [[]] * 6  # geneva: alice, bob, gold; zurich: 2; arabic
    raw = json.loads(tasks.read_text(encoding="utf-8"))
    assert not any("completed_by" in a for t in raw for a in t["annotations"])
    # every link is a relation: alice's and bob's and gold's speaker in geneva, alice's in arabic
    assert sorted(r[2] for r in got["relations"]) == [["speaker"]] * 4
    # the converter sees each annotator's spans with their texts (code-point offsets)
    rows = got["json_min"]
    assert len(rows) == 6  # one row per annotation
    by_text = {d.text: d for d in docs}
    held = 0
    for row in rows:
        text = row["text"]
        assert text in by_text  # CRLF, NFC, emoji, ZWJ, Arabic intact
        for region in row.get("label", []):
            assert text[region["start"] : region["end"]] == region["text"]
            held += 1
    assert held == sum(len(d.spans) + len(d.gold) for d in docs)
    # article answers (gold's in the ground_truth annotation) reach the converter's rows
    names = [(t["data"]["doc_id"], a["meta"]["annotator"], a.get("ground_truth", False))
             for t in raw for a in t["annotations"]]  # fmt: skip
    assert [n for n in names if n[2]] == [("geneva-1", "gold", True)]
    for (doc_id, who, _), row in zip(names, rows, strict=True):
        doc = next(d for d in docs if d.id == doc_id)
        got_answers = {q.name: row[q.name] for q in QUESTIONS if q.name in row}
        assert got_answers == answers_of(doc, who)
    # and our reader takes them back: annotators' answers and gold answers
    back = {d.id: d for d in read_labelstudio(tasks)}
    for doc in docs:
        assert back[doc.id].answers == doc.answers
        assert back[doc.id].gold_answers == doc.gold_answers
    type_values = sorted(v for row in rows for v in _flat(row.get("type")))
    assert type_values == ["factual", "factual", "opinion", "opinion"]
    # choice attributes come out as choices, not textareas
    results = [r for t in raw for a in t["annotations"] for r in a["result"]]
    kinds = {r["from_name"]: r["type"] for r in results if r.get("from_name", "label") != "label"}
    assert kinds == {"type": "choices", "check-worthy": "choices", "form": "choices",
                     "comment": "textarea", "one-sided": "choices", "genre": "choices"}  # fmt: skip


def _flat(value):
    if value is None:
        return []
    if isinstance(value, list):
        return [x for v in value for x in _flat(v)]
    if isinstance(value, dict):
        return _flat(value.get("choices"))
    return [value]
