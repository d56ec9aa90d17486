"""The dataset card's loading code runs as written, for every format, in the unpacked bundle;
its YAML configs make ``load_dataset(folder)`` work."""

import io
import re
import subprocess
import sys
import zipfile

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Document, DocumentQuestion, Project, User
from annotator.services.annotation.workflow import answer_question
from annotator.services.curation.gold import set_gold_answer
from annotator.services.transfer.exporting import ExportRequest, stream
from tests.web.test_exports import annotated  # noqa: F401  (the fixture)

pytest.importorskip("datasets")
FORMATS = [
    "jsonl",
    "csv",
    "csv-answers",
    "doccano",
    "doccano-relations",
    "labelstudio",
    "brat",
    "conll",
    "hf",
    "xmi",
    "prodigy",
    "spacy",
]


@pytest.fixture
def answered(app, annotated):  # noqa: F811
    """``annotated`` with a question that alice and bob answered and a gold answer."""
    with app.app_context():
        doc = db.session.execute(select(Document).where(Document.external_id == "geneva-2"))
        doc = doc.scalar_one()
        question = DocumentQuestion(project_id=doc.project_id, name="genre", text="Genre?",
                                    kind="choice", options=["news", "opinion"])  # fmt: skip
        db.session.add(question)
        db.session.flush()
        for who, value in ((annotated["alice"], "news"), (annotated["bob"], "opinion")):
            answer_question(db.session.get(User, who), doc, question.id, value)
        set_gold_answer(db.session.get(User, annotated["lead"]), doc, question.id, "news")
        db.session.commit()
    return annotated


def _bundle(app, fmt, folder):
    with app.app_context():
        project = db.session.execute(
            select(Project).where(Project.name == "Bias study")
        ).scalar_one()
        data = b"".join(stream(project, ExportRequest(format=fmt, bundle=True)))
    zipfile.ZipFile(io.BytesIO(data)).extractall(folder)
    return (folder / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("fmt", FORMATS)
def test_card_snippet_runs_against_the_export(app, answered, tmp_path, fmt):
    card = _bundle(app, fmt, tmp_path)
    assert card.startswith("---\nlicense: other")
    (code,) = re.findall(r"```python\n(.*?)```", card, re.S)
    env = {"HF_DATASETS_OFFLINE": "1", "HF_HOME": str(tmp_path / ".hf")}
    run = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True,
                         text=True, timeout=300, env=env)  # fmt: skip
    assert run.returncode == 0, run.stderr[-2000:]
    lines = run.stdout.strip().splitlines()
    if fmt == "prodigy":
        assert lines == ["1 articles; 7 spans"]  # the article nobody marked has no line
    elif fmt == "spacy":  # every file holds every article
        assert lines == [
            "alice.spacy 2 articles; 4 spans",
            "bob.spacy 2 articles; 3 spans",
            "gold.spacy 2 articles; 0 spans",
        ]  # gold: its answer only
    elif fmt == "xmi":
        assert lines == ["1 articles; 7 spans"]
    elif fmt in ("jsonl", "labelstudio", "brat"):
        assert lines[0].endswith("2 articles; 7 spans")
    elif fmt == "csv":  # one article has spans; answers.csv beside them
        assert lines == ["1 articles; 7 spans", "7 spans", "3 answers; 1 gold"]
    elif fmt == "csv-answers":
        assert lines == ["1 articles; 3 answers; 1 gold"]
    elif fmt == "conll":
        # alice's Framing "Geneva" inside her Claim: one column holds 3 of her 4, as the card says
        assert lines == ["alice.conll 2 articles; 3 spans", "bob.conll 2 articles; 3 spans"]
        assert "| nested | 1 |" in card
    elif fmt == "hf":  # alice and bob on one article; gold empty; both marked the Claim
        assert lines == ["raw 2 rows; 7 spans", "gold 2 rows; 0 spans", "majority 2 rows; 1 spans"]
    else:
        assert lines == ["alice.jsonl 1 articles; 4 spans", "bob.jsonl 1 articles; 3 spans"]
    assert "- **Quote** (2 spans)" in card and "| (no outlet) |" not in card


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_load_dataset_of_the_folder_uses_the_card_configs(app, annotated, tmp_path, fmt):  # noqa: F811
    import datasets

    _bundle(app, fmt, tmp_path / "bundle")
    ds = datasets.load_dataset(str(tmp_path / "bundle"), split="train",
                               cache_dir=str(tmp_path / "cache"))  # fmt: skip
    assert len(ds) == (2 if fmt == "jsonl" else 7)
