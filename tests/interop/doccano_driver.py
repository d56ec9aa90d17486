"""Run by doccano's own Python (ANNOTATOR_DOCCANO_PYTHON): import JSONL files into a fresh
doccano 1.8.4 database through its import pipeline, print what doccano stored as JSON.

Usage: python doccano_driver.py WORKDIR TASK FILE...   (TASK: SequenceLabeling or
RelationExtraction). This file imports nothing from the project.
"""

import json
import os
import sys
from pathlib import Path

import backend

work, task, files = Path(sys.argv[1]), sys.argv[2], sys.argv[3:]
sys.path.insert(0, os.path.dirname(backend.__file__))
os.environ["DATABASE_URL"] = f"sqlite:///{work / 'doccano.sqlite3'}"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.development")
os.environ.setdefault("SECRET_KEY", "conformance-test")

import django  # noqa: E402

django.setup()
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402

call_command("migrate", verbosity=0)
from data_import.datasets import load_dataset  # noqa: E402
from data_import.pipeline.catalog import create_file_format  # noqa: E402
from data_import.pipeline.readers import FileName  # noqa: E402
from examples.models import Example  # noqa: E402
from labels.models import Relation, Span  # noqa: E402
from projects.models import ProjectType, SequenceLabelingProject  # noqa: E402

user = get_user_model().objects.create_superuser("admin", "admin@example.org", "pw")
project = SequenceLabelingProject.objects.create(
    name="conformance",
    project_type=ProjectType.SEQUENCE_LABELING,
    allow_overlapping=True,
    use_relation=task == "RelationExtraction",
    created_by=user,
)
names = [FileName(full_path=f, generated_name=Path(f).name, upload_name=Path(f).name)
         for f in files]  # fmt: skip
dataset = load_dataset(task, create_file_format("JSONL"), names, project, encoding="Auto")
dataset.save(user, batch_size=1000)
out = {"errors": [e.dict() for e in dataset.errors], "examples": []}
for ex in Example.objects.filter(project=project).order_by("id"):
    spans = Span.objects.filter(example=ex).order_by("start_offset", "end_offset", "id")
    rels = Relation.objects.filter(example=ex).order_by("id")
    out["examples"].append(
        {
            "text": ex.text,
            "meta": ex.meta,
            "spans": [[s.start_offset, s.end_offset, s.label.text] for s in spans],
            "relations": [
                [
                    r.from_id.start_offset,
                    r.from_id.end_offset,
                    r.type.text,
                    r.to_id.start_offset,
                    r.to_id.end_offset,
                ]
                for r in rels
            ],
        }
    )
print(json.dumps(out))
