"""``python -m annotator.agreement FILE.jsonl [--json]``: print a project agreement report.

Each JSONL line is ``{"document_id", "annotator", "label", "start", "end"}`` with optional
``doc_length`` (else the document length is the largest span end in it), ``outlet`` and
``guidelines_version``. Lines with ``"annotator": "gold"`` are used as the gold standard.
"""

from __future__ import annotations

import argparse
import json
import sys

from .report import project_report


def load(path: str):
    spans, gold, lengths, outlets = [], [], {}, {}
    with open(path, encoding="utf-8") as fh:
        for number, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                doc = row["document_id"]
                start, end = int(row["start"]), int(row["end"])
                label, annotator = row["label"], row["annotator"]
            except (ValueError, KeyError, TypeError) as exc:
                raise SystemExit(f"{path}:{number}: not a span line ({exc})") from exc
            if "doc_length" in row:
                lengths[doc] = max(lengths.get(doc, 0), int(row["doc_length"]))
            else:
                lengths[doc] = max(lengths.get(doc, 0), end)
            if row.get("outlet"):
                outlets[doc] = row["outlet"]
            record = {
                "document_id": doc,
                "annotator": annotator,
                "start": start,
                "end": end,
                "label": label,
                "guidelines_version": row.get("guidelines_version"),
            }
            (gold if annotator == "gold" else spans).append(record)
    return spans, gold, lengths, outlets


def _fmt(value) -> str:
    return "n/a" if value is None else f"{value:.3f}" if isinstance(value, float) else str(value)


def render(report: dict) -> str:
    """Plain-text summary of a report."""
    lines = [f"status: {report['status']}"]
    if report["status"] != "ok":
        return "\n".join([*lines, report["reason"]])
    s = report["summary"]
    lines.append(
        f"{s['documents']} documents, {len(s['annotators'])} annotators, {s['spans']} spans"
    )
    cols = ["unitizing_alpha", "character_alpha", "span_f1_exact", "span_f1_partial"]
    lines.append(f"{'':16}" + "".join(f"{c:>18}" for c in cols))
    rows = [("overall", report["overall"]), *report["per_label"].items()]
    for name, fig in rows:
        lines.append(f"{name[:16]:16}" + "".join(f"{_fmt(fig.get(c)):>18}" for c in cols))
    lines.append("most disagreed documents:")
    for doc in report["per_document"][:5]:
        lines.append(f"  {doc['document_id']}: disagreement {_fmt(doc['disagreement'])}")
    return "\n".join(lines)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m annotator.agreement", description=__doc__)
    parser.add_argument("file", help="JSONL file of spans")
    parser.add_argument("--json", action="store_true", help="print the full report as JSON")
    parser.add_argument("--n-boot", type=int, default=1000, help="bootstrap draws (default 1000)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)
    spans, gold, lengths, outlets = load(args.file)
    report = project_report(
        spans, lengths, outlets or None, gold=gold or None, n_boot=args.n_boot, seed=args.seed
    )
    sys.stdout.write(json.dumps(report, indent=2) if args.json else render(report))
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
