"""A dataset card (Markdown README) for an exported dataset."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from annotator.records import LabelRecord


def _cell(value: Any) -> str:
    return str(value).replace("|", "\\|").replace("\n", " ")


def _agreement(agreement: Mapping[str, Any]) -> list[str]:
    lines = ["| Measure | Value |", "| --- | --- |"]
    for key, value in agreement.items():
        shown = f"{value:.3f}" if isinstance(value, float) else _cell(value)
        lines.append(f"| {_cell(key)} | {shown} |")
    return lines


def dataset_card(
    project_name: str,
    labels: Sequence[LabelRecord],
    guidelines: str,
    guidelines_version: int | str,
    documents_by_outlet: Mapping[str, int],
    annotator_count: int,
    agreement: Mapping[str, Any] | None,
    files: Sequence[str],
    gold: Mapping[str, int] | None = None,
) -> str:
    """Markdown README: labels with attributes, guidelines, counts, agreement and how to load."""
    total = sum(documents_by_outlet.values())
    out = [f"# {project_name}", ""]
    out += [
        f"Media-bias span annotations: {total} articles from {len(documents_by_outlet)} outlets, "
        f"labelled by {annotator_count} annotators under guidelines version {guidelines_version}.",
        "Offsets are 0-based Unicode code-point offsets into the NFC article text, start "
        "inclusive and end exclusive (`text[start:end]`).",
        "",
        "## Labels",
        "",
    ]
    for lab in labels:
        desc = f": {lab.description.strip()}" if lab.description.strip() else ""
        out.append(f"- **{lab.name}**{desc}")
        for attr in lab.attributes:
            opts = f" ({', '.join(attr.options)})" if attr.options else ""
            out.append(f"  - attribute `{attr.name}` ({attr.type}){opts}")
    out += ["", f"## Guidelines (version {guidelines_version})", ""]
    out += [guidelines.strip() or "_No guidelines text._", ""]
    out += ["## Articles by outlet", "", "| Outlet | Articles |", "| --- | --- |"]
    for outlet, n in sorted(documents_by_outlet.items(), key=lambda kv: (-kv[1], kv[0])):
        out.append(f"| {_cell(outlet or '(none)')} | {n} |")
    out += [f"| **Total** | **{total}** |", "", "## Agreement", ""]
    out += _agreement(agreement) if agreement else ["Not computed for this export."]
    if gold and gold.get("articles"):
        out += ["", "## Gold standard", "", "| Gold | Count |", "| --- | --- |"]
        out += [f"| {_cell(k)} | {v} |" for k, v in gold.items()]
    out += ["", "## Files", ""]
    out += [f"- `{f}`" for f in files] or ["- (none)"]
    jsonl = [f for f in files if f.endswith(".jsonl")]
    first = jsonl[0] if jsonl else (files[0] if files else "data.jsonl")
    out += [
        "",
        "## Loading",
        "",
        "```python",
        "from datasets import load_dataset",
        "",
        f'ds = load_dataset("json", data_files="{first}", split="train")',
        "",
        "import pandas as pd",
        "",
        f'df = pd.read_json("{first}", lines=True)',
        "```",
        "",
    ]
    return "\n".join(out)
