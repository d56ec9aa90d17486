"""A dataset card (Markdown README) for an exported dataset."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

from annotator.formats.card_snippets import HF_FORMATS, loading_snippet
from annotator.records import LabelRecord


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _agreement(agreement: Mapping[str, Any]) -> list[str]:
    lines = ["| Measure | Value |", "| --- | --- |"]
    for key, value in agreement.items():
        shown = f"{value:.3f}" if isinstance(value, float) else _cell(value)
        lines.append(f"| {_cell(key)} | {shown} |")
    return lines


def _size(n: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"),
                        (1_000_000, "100K<n<1M")):  # fmt: skip
        if n < limit:
            return name
    return "1M<n<10M"


def _front_matter(name: str, fmt: str, files: Sequence[str], total: int) -> list[str]:
    """Hugging Face dataset-card YAML: license placeholder, language, tasks, size, configs."""
    out = ["---", "license: other  # placeholder: the articles' licence decides",
           "language:", "- en  # placeholder: the articles' languages (ISO 639-1)",
           "task_categories:", "- token-classification", "- text-classification",
           "size_categories:", f"- {_size(total)}", f"pretty_name: {json.dumps(name)}"]  # fmt: skip
    builder = HF_FORMATS.get(fmt)
    data = [f for f in files if f.endswith((".jsonl", ".csv"))] if builder else []
    tables = [f for f in data if f == "answers.csv"]  # its own columns: its own config
    data = [f for f in data if f not in tables]
    if data:
        out += ["configs:", "- config_name: default", "  data_files:"]
        out += [f"  - split: train\n    path: {json.dumps(f)}" for f in data]
        for f in tables:
            out += [f"- config_name: {f[:-4]}", "  data_files:",
                    f"  - split: train\n    path: {json.dumps(f)}"]  # fmt: skip
    parquet = [f for f in files if f.startswith("data/") and f.endswith(".parquet")]
    if parquet:  # --format hf: one config per file (raw, gold, majority)
        out.append("configs:")
        for f in parquet:
            name = f[5:-8]
            default = ["  default: true"] if name == "raw" else []
            out += [f"- config_name: {name}", *default, "  data_files:", "  - split: train",
                    f"    path: {f}"]  # fmt: skip
    out.append("---")
    return out


def dataset_card(
    project_name: str,
    labels: Sequence[LabelRecord],
    guidelines: str,
    guidelines_version: int | str,
    documents_by_outlet: Mapping[str, int],
    annotator_count: int,
    agreement: Mapping[str, Any] | None,
    files: Sequence[str],
    *,
    gold: Mapping[str, int] | None = None,
    fmt: str = "jsonl",
    spans_by_label: Mapping[str, int] | None = None,
    reductions: Mapping[str, int] | None = None,
    agreement_note: str = "Not computed for this export.",
) -> str:
    """Markdown README with Hugging Face YAML front matter: labels with attributes and span
    counts, guidelines, articles by outlet, agreement, what the format could not hold, files,
    and loading code for this format."""
    total = sum(documents_by_outlet.values())
    outlets = sum(1 for o in documents_by_outlet if o)
    none = documents_by_outlet.get("", 0)
    unnamed = f" ({none} without an outlet)" if none else ""
    out = _front_matter(project_name, fmt, files, total) + ["", f"# {project_name}", ""]
    out += [
        f"Media-bias span annotations: {total} articles from {outlets} outlets{unnamed}, "
        f"labelled by {annotator_count} annotators under guidelines version {guidelines_version}.",
        "Offsets are 0-based Unicode code-point offsets into the NFC article text, start "
        "inclusive and end exclusive (`text[start:end]`).",
        "",
        "## Labels",
        "",
    ]
    for lab in labels:
        desc = f": {lab.description.strip()}" if lab.description.strip() else ""
        n = f" ({spans_by_label.get(lab.name, 0)} spans)" if spans_by_label is not None else ""
        out.append(f"- **{lab.name}**{n}{desc}")
        for attr in lab.attributes:
            opts = f" ({', '.join(attr.options)})" if attr.options else ""
            out.append(f"  - attribute `{attr.name}` ({attr.type}){opts}")
    out += ["", f"## Guidelines (version {guidelines_version})", ""]
    out += [guidelines.strip() or "_No guidelines text._", ""]
    out += ["## Articles by outlet", "", "| Outlet | Articles |", "| --- | --- |"]
    for outlet, n in sorted(documents_by_outlet.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"| {_cell(outlet) if outlet else '(no outlet)'} | {n} |")
    out += [f"| **Total** | **{total}** |", "", "## Agreement", ""]
    out += _agreement(agreement) if agreement else [agreement_note]
    if gold and gold.get("articles"):
        out += ["", "## Gold standard", "", "| Gold | Count |", "| --- | --- |"]
        out += [f"| {_cell(k)} | {v} |" for k, v in gold.items()]
    if reductions and any(reductions.values()):
        out += ["", "## What this format could not hold", "", "| What | Count |", "| --- | --- |"]
        out += [f"| {_cell(k)} | {n} |" for k, n in sorted(reductions.items()) if n]
    out += ["", "## Files", ""]
    out += [f"- `{f}`" for f in files] or ["- (none)"]
    out += ["", "## Loading", "", "```python", loading_snippet(fmt, files).rstrip(), "```", ""]
    return "\n".join(out)
