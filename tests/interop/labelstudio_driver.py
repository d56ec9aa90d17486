"""Run by a Python with ``label-studio-sdk`` (ANNOTATOR_LABELSTUDIO_PYTHON): validate our
labelling config and tasks with the SDK's LabelInterface, convert the tasks with its Converter
(JSON_MIN and CONLL2003), print the findings as JSON. Imports nothing from the project.

Usage: python labelstudio_driver.py TASKS.json CONFIG.xml OUTDIR
"""

import json
import sys
from pathlib import Path

from label_studio_sdk.converter import Converter
from label_studio_sdk.label_interface import LabelInterface

tasks_path, config_path, out = sys.argv[1], sys.argv[2], Path(sys.argv[3])
config = Path(config_path).read_text(encoding="utf-8")
tasks = json.loads(Path(tasks_path).read_text(encoding="utf-8"))
li = LabelInterface(config)
li.validate()  # raises on an invalid config
report = {"tasks_valid": [], "annotation_errors": [], "relations": []}
for task in tasks:
    report["tasks_valid"].append(li.validate_task({"data": task["data"]}))
    for ann in task["annotations"]:
        report["annotation_errors"].append(li.validate_prediction(ann, return_errors=True))
        report["relations"] += [
            [r["from_id"], r["to_id"], r["labels"]]
            for r in ann["result"]
            if r["type"] == "relation"
        ]
converter = Converter(config=config, project_dir=str(out), download_resources=False)
converter.convert(tasks_path, str(out / "min"), "JSON_MIN", is_dir=False)
(produced,) = sorted((out / "min").glob("*.json"))
report["json_min"] = json.loads(produced.read_text(encoding="utf-8"))
print(json.dumps(report))
