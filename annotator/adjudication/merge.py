"""Auto-merge: several annotators' spans and answers -> proposed gold. Pure: plain records in,
plain candidates out (no Flask, no database), so the rules are tested on hand-built cases.

Rules
-----
* ``n`` is the number of the document's annotators (given, so that an annotator who marked
  nothing still counts); a span needs ``min_votes`` of them (default: a strict majority,
  ``n // 2 + 1``). An annotator votes at most once per candidate (a second copy of the same
  span is counted as a ``duplicate``).
* ``match="exact"``: annotators vote for the same ``(label, start, end)``. When passing
  candidates of a label overlap and compete (no annotator drew both), the one with most votes
  wins; a tie is left to the curator. Overlapping spans of one label that an annotator drew
  both of (nested mentions) do not compete: each becomes gold on its own votes.
* ``match="overlap"``: an annotator votes for a candidate boundary when one of their spans of
  the same label shares at least one character with it. Candidates are the distinct
  boundaries annotators drew; they are taken greedily by (most votes, most exact copies,
  earliest, shortest), skipping any that competes with a span already taken for that label
  (a ``boundary_variant``), so competing candidates never both become gold.
* Attributes, links and notes: see ``adjudication.attributes`` (agreed values carried, split
  votes returned as disputes, links re-targeted at the gold span of the linked span).
* Idempotent: a candidate that is already gold (``already_gold``), overlaps other existing gold
  of its label (``overlaps_gold``), or that a curator rejected (``rejected``), is not proposed;
  so running the merge again adds nothing.
* Nothing is dropped silently: every candidate that does not become gold is in
  ``MergeResult.unmerged`` with one of ``REASONS``.
* Article-level answers: the value most annotators gave, when it is the single most common
  one and at least ``min_votes`` gave it; ties are left open. Existing gold answers stay.
  With ``aggregation`` ``dawid_skene`` or ``mace`` the caller passes ``answer_labels``, the
  reliability model's label per question (``annotator.reliability``, fitted on the whole
  project): that value is proposed instead of the plain vote, whoever gave it as provenance.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from annotator.adjudication.attributes import notes_of, vote_attributes, vote_links
from annotator.records import AnswerRecord, SpanRecord

MATCHES = ("exact", "overlap")
AGGREGATIONS = ("majority", "dawid_skene", "mace")

# Why a candidate did not become gold: the key and what the summaries say.
REASONS = {
    "below_min_votes": "too few annotators marked it",
    "tie": "tied with an overlapping boundary",
    "outvoted": "an overlapping boundary had more votes",
    "boundary_variant": "another boundary of the same span was taken",
    "duplicate": "an annotator marked the same span twice (counted once)",
    "already_gold": "already gold",
    "overlaps_gold": "overlaps existing gold of its label",
    "rejected": "rejected by a curator",
    "empty": "no characters",
}


@dataclass(frozen=True)
class MergeRule:
    min_votes: int | None = None  # None: a strict majority of the annotators
    match: str = "exact"
    aggregation: str = "majority"  # for article answers (see the module docstring)

    def __post_init__(self):
        if self.match not in MATCHES:
            raise ValueError(f"match must be one of {', '.join(MATCHES)}, not {self.match!r}")
        if self.aggregation not in AGGREGATIONS:
            raise ValueError(
                f"aggregation must be one of {', '.join(AGGREGATIONS)}, not {self.aggregation!r}"
            )
        if self.min_votes is not None and self.min_votes < 1:
            raise ValueError("min_votes must be at least 1")

    def needed(self, n_annotators: int) -> int:
        return self.min_votes if self.min_votes is not None else n_annotators // 2 + 1


@dataclass
class GoldCandidate:
    label: str
    start: int
    end: int
    provenance: list[str]
    attributes: dict[str, Any] = field(default_factory=dict)
    # link attribute -> (label, start, end) of the gold span it points at
    links: dict[str, tuple[str, int, int]] = field(default_factory=dict)
    # attribute (plain or link) -> annotator -> their value: split votes, left unset
    disputes: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)  # annotator -> note (provenance)
    sources: list[SpanRecord] = field(default_factory=list, repr=False)

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.label, self.start, self.end)


@dataclass
class Unmerged:
    """A candidate that did not become gold, with the reason (a key of ``REASONS``)."""

    label: str
    start: int
    end: int
    reason: str
    annotators: list[str]

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "start": self.start,
            "end": self.end,
            "reason": self.reason,
            "annotators": list(self.annotators),
        }


@dataclass
class AnswerCandidate:
    question: str
    value: str
    provenance: list[str]


@dataclass
class MergeResult:
    spans: list[GoldCandidate] = field(default_factory=list)
    answers: list[AnswerCandidate] = field(default_factory=list)
    open_questions: list[str] = field(default_factory=list)  # ties: left to the curator
    unmerged: list[Unmerged] = field(default_factory=list)

    def reasons(self) -> dict[str, int]:
        return dict(sorted(Counter(u.reason for u in self.unmerged).items()))


def merge_document(
    spans: Iterable[SpanRecord],
    annotators: Collection[str],
    rule: MergeRule = MergeRule(),
    *,
    answers: Iterable[AnswerRecord] = (),
    existing: Iterable[tuple[str, int, int]] = (),
    rejected: Collection[tuple[str, int, int]] = (),
    gold_questions: Collection[str] = (),
    links: Mapping[str, Collection[str]] | None = None,
    answer_labels: Mapping[str, str] | None = None,
) -> MergeResult:
    """Proposed gold for one document (see the module docstring).

    ``existing``: ``(label, start, end)`` of gold already stored; ``rejected``: keys a curator
    rejected; ``gold_questions``: questions that already have a gold answer; ``links``: per
    label the names of its link attributes (values: the ``id`` of the linked span record).
    """
    spans = list(spans)
    result = MergeResult()
    for s in spans:
        if s.end <= s.start:
            result.unmerged.append(Unmerged(s.label, s.start, s.end, "empty", [s.annotator]))
    spans = [s for s in spans if s.end > s.start]
    people = set(annotators) | {s.annotator for s in spans}
    need = rule.needed(len(people))
    existing = list(existing)
    existing_keys = set(existing)
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for label, start, end in existing:
        taken[label].append((start, end))
    rejected = set(rejected)
    by_label: dict[str, list[SpanRecord]] = defaultdict(list)
    for s in spans:
        by_label[s.label].append(s)
    merged_into: dict[str, tuple[str, int, int]] = {}  # span id -> gold key
    for label in sorted(by_label):
        for cand in _label_candidates(by_label[label], rule.match, need, result.unmerged):
            reason = None
            if cand.key in existing_keys:
                reason = "already_gold"
            elif cand.key in rejected:
                reason = "rejected"
            elif _overlaps(taken[label], cand.start, cand.end):
                reason = "overlaps_gold"
            if reason is not None:
                result.unmerged.append(
                    Unmerged(label, cand.start, cand.end, reason, cand.provenance)
                )
                if reason == "already_gold":
                    merged_into.update((s.id, cand.key) for s in cand.sources if s.id)
                continue
            result.spans.append(cand)
            merged_into.update((s.id, cand.key) for s in cand.sources if s.id)
        taken[label].extend((c.start, c.end) for c in result.spans if c.label == label)
    by_id = {s.id: s for s in spans if s.id}
    for s in spans:  # a span that is exactly existing gold points at that gold
        if s.id and s.id not in merged_into and (s.label, s.start, s.end) in existing_keys:
            merged_into[s.id] = (s.label, s.start, s.end)
    for cand in result.spans:
        names = tuple((links or {}).get(cand.label, ()))
        cand.attributes, disputes = vote_attributes(cand.sources, names)
        if names:
            cand.links, link_disputes = vote_links(
                cand.sources, names, merged_into.get, lambda i: _describe(by_id.get(i), i)
            )
            disputes.update(link_disputes)
        cand.disputes = dict(sorted(disputes.items()))
        cand.notes = notes_of(cand.sources)
    result.spans.sort(key=lambda c: (c.start, c.end, c.label))
    result.unmerged.sort(key=lambda u: (u.start, u.end, u.label, u.reason))
    _merge_answers(result, answers, need, set(gold_questions), answer_labels)
    return result


def _describe(span: SpanRecord | None, span_id: str) -> str:
    if span is None:
        return f"span {span_id}"
    return f'{span.label} "{span.text}" {span.start}-{span.end}'


def _overlaps(intervals: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(s < end and start < e for s, e in intervals)


def _candidate(label, a, b, voters: dict[str, SpanRecord]) -> GoldCandidate:
    return GoldCandidate(label, a, b, sorted(voters), sources=list(voters.values()))


def _label_candidates(
    spans: list[SpanRecord], match: str, need: int, unmerged: list[Unmerged]
) -> list[GoldCandidate]:
    exact: dict[tuple[int, int], dict[str, SpanRecord]] = defaultdict(dict)
    label = spans[0].label
    doubled: dict[tuple[int, int], set[str]] = defaultdict(set)
    for s in sorted(spans, key=lambda s: (s.start, s.end, s.annotator)):
        if s.annotator in exact[(s.start, s.end)]:
            doubled[(s.start, s.end)].add(s.annotator)
        exact[(s.start, s.end)].setdefault(s.annotator, s)
    for (a, b), who in sorted(doubled.items()):
        unmerged.append(Unmerged(label, a, b, "duplicate", sorted(who)))

    def together(x: tuple[int, int], y: tuple[int, int]) -> bool:
        """Somebody drew both (nested or overlapping mentions, not rival boundaries)."""
        return not exact[x].keys().isdisjoint(exact[y].keys())

    if match == "exact":
        passing = {k: v for k, v in sorted(exact.items()) if len(v) >= need}
        chosen = []
        for (a, b), voters in sorted(exact.items()):
            if (a, b) not in passing:
                unmerged.append(Unmerged(label, a, b, "below_min_votes", sorted(voters)))
                continue
            rivals = [
                len(v)
                for (x, y), v in passing.items()
                if (x, y) != (a, b) and x < b and a < y and not together((a, b), (x, y))
            ]
            best = max(rivals, default=0)
            if rivals and best >= len(voters):
                reason = "tie" if best == len(voters) else "outvoted"
                unmerged.append(Unmerged(label, a, b, reason, sorted(voters)))
                continue
            chosen.append(_candidate(label, a, b, voters))
        return chosen
    scored = []
    for (a, b), drawn in exact.items():
        voters = _overlap_voters(spans, a, b)
        if len(voters) >= need:
            scored.append((-len(voters), -len(drawn), a, b - a, b, voters))
        else:
            unmerged.append(Unmerged(label, a, b, "below_min_votes", sorted(drawn)))
    scored.sort(key=lambda t: t[:5])
    chosen: list[GoldCandidate] = []
    for _, _, a, _, b, voters in scored:
        if any(
            c.start < b and a < c.end and not together((a, b), (c.start, c.end)) for c in chosen
        ):
            unmerged.append(Unmerged(label, a, b, "boundary_variant", sorted(exact[(a, b)])))
            continue
        chosen.append(_candidate(label, a, b, voters))
    return chosen


def _overlap_voters(spans: list[SpanRecord], start: int, end: int) -> dict[str, SpanRecord]:
    """Per annotator, their same-label span overlapping [start, end) the most (of equal
    overlaps, the one closest in length: a nested span votes for itself, not its host)."""
    best: dict[str, tuple[tuple[int, int], SpanRecord]] = {}
    for s in spans:
        shared = min(s.end, end) - max(s.start, start)
        if shared <= 0:
            continue
        score = (shared, -abs((s.end - s.start) - (end - start)))
        if s.annotator not in best or score > best[s.annotator][0]:
            best[s.annotator] = (score, s)
    return {who: s for who, (_, s) in best.items()}


def _merge_answers(result, answers, need: int, have: set[str], model=None) -> None:
    by_question: dict[str, dict[str, str]] = defaultdict(dict)
    for a in answers:
        by_question[a.question][a.annotator] = str(a.value)
    for question in sorted(by_question):
        if question in have:
            continue
        if model is not None and question in model:
            value = model[question]
            who = sorted(p for p, v in by_question[question].items() if v == value)
            result.answers.append(AnswerCandidate(question, value, who))
            continue
        votes = Counter(by_question[question].values())
        (value, count), *rest = votes.most_common()
        if (rest and rest[0][1] == count) or count < need:
            result.open_questions.append(question)
            continue
        who = sorted(p for p, v in by_question[question].items() if v == value)
        result.answers.append(AnswerCandidate(question, value, who))


def document_annotators(
    spans: Iterable[SpanRecord], answers: Iterable[AnswerRecord], done: Iterable[str] = ()
) -> set[str]:
    """Who annotated a document: finished assignments plus anyone with spans or answers."""
    return set(done) | {s.annotator for s in spans} | {a.annotator for a in answers}


def summarise(results: Mapping[str, MergeResult]) -> dict[str, int]:
    """Gold spans proposed per label over several documents."""
    counts: Counter[str] = Counter()
    for res in results.values():
        counts.update(c.label for c in res.spans)
    return dict(sorted(counts.items()))
