"""Links between spans (a link attribute holds the target span's document-local ``id``) and the
attribute types writers need, from the project's LabelRecords.

An attribute typed ``link`` is a link; one untyped or typed ``text`` whose value is the ``id`` of
another span of the same annotator in the same article counts as one too (links read back from
another tool's file into a project whose attributes were created as text).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from annotator.records import AttributeDef, LabelRecord, SpanRecord


@dataclass(frozen=True)
class Schema:
    """Attribute definitions by label, for writers (empty when the project's are unknown)."""

    attributes: dict[str, dict[str, AttributeDef]]
    known: bool

    @classmethod
    def of(cls, labels: Sequence[LabelRecord] | None) -> Schema:
        if labels is None:
            return cls({}, False)
        return cls({lb.name: {a.name: a for a in lb.attributes} for lb in labels}, True)

    def type_of(self, label: str, name: str, value: object) -> str:
        """``choice``, ``text``, ``boolean`` or ``link`` (guessed from the value if unknown)."""
        attr = self.attributes.get(label, {}).get(name)
        if attr is not None:
            return attr.type
        return "boolean" if isinstance(value, bool) else "text"

    def is_link(self, label: str, name: str, value: object, ids: dict[str, SpanRecord]) -> bool:
        attr = self.attributes.get(label, {}).get(name)
        if attr is not None and attr.type != "text":
            return attr.type == "link"
        return isinstance(value, str) and value in ids


def split_links(
    spans: Iterable[SpanRecord], schema: Schema
) -> tuple[list[tuple[SpanRecord, str, SpanRecord]], int]:
    """One annotator's links ``(from span, attribute name, to span)`` in span order, and how
    many link values name no span among ``spans`` (empty values are not links)."""
    spans = list(spans)
    ids = {s.id: s for s in spans if s.id}
    links, missing = [], 0
    for s in spans:
        for name, value in s.attributes.items():
            if value in ("", None) or not schema.is_link(s.label, name, value, ids):
                continue
            target = ids.get(value) if isinstance(value, str) else None
            if target is None or target is s:
                missing += 1
            else:
                links.append((s, name, target))
    return links, missing


def plain_attributes(span: SpanRecord, schema: Schema, ids: dict[str, SpanRecord]) -> dict:
    """``span``'s attributes that are not links."""
    return {k: v for k, v in span.attributes.items() if not schema.is_link(span.label, k, v, ids)}


def count(report: dict | None, kind: str, n: int) -> None:
    """Add ``n`` to ``report[kind]`` (a writer's tally of what it could not hold)."""
    if report is not None and n:
        report[kind] = report.get(kind, 0) + n
