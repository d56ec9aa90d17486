"""Reliability models over a project's real work: rows -> records -> ``annotator.reliability``.

Article questions: one model per question, the items are articles. Sentence labels: one
binary model per label, the items are (article, sentence), an annotator who finished the
article saying "yes" when a span of theirs of that label overlaps the sentence. Training and
control items are not real work and are left out (``iter_documents``' default).
"""

from __future__ import annotations

from collections import defaultdict

from annotator.models import Project
from annotator.queries import Selection, iter_documents, label_records
from annotator.records import annotators_of
from annotator.reliability import METHODS, Aggregation
from annotator.reliability import aggregate as _aggregate

# crowd-kit's MACE (pandas-based) takes ~0.1 s per EM iteration on a loaded machine: the app
# runs 3 restarts of 30 iterations instead of crowd-kit's 10 x 50 (seeded, so reproducible).
MACE_RESTARTS, MACE_ITERATIONS = 3, 30


def aggregate(triples, method: str) -> Aggregation:
    if method == "mace":
        return _aggregate(triples, method, restarts=MACE_RESTARTS, n_iter=MACE_ITERATIONS)
    return _aggregate(triples, method)


def question_triples(project: Project, purpose: str = "work") -> dict[str, list[tuple]]:
    """question -> ``(article id, annotator, value)``."""
    out: dict[str, list[tuple]] = defaultdict(list)
    for doc in iter_documents(project.id, Selection(purpose=purpose)):
        for a in doc.answers:
            out[a.question].append((doc.id, a.annotator, a.value))
    return dict(out)


def question_models(project: Project, method: str, purpose: str = "work") -> dict[str, Aggregation]:
    return {
        question: aggregate(triples, method)
        for question, triples in sorted(question_triples(project, purpose).items())
    }


def soft_answers(project: Project, method: str, purpose: str = "work"):
    """``(method, {article id: {question: {value: probability}}})`` for soft-label exports."""
    by_doc: dict[str, dict[str, dict[str, float]]] = defaultdict(dict)
    for question, model in question_models(project, method, purpose).items():
        for doc, probs in model.probabilities.items():
            by_doc[doc][question] = {v: round(p, 4) for v, p in sorted(probs.items())}
    return method, dict(by_doc)


def question_labels(project: Project, method: str) -> dict[str, dict[str, str]]:
    """article id -> question -> the model's label (for adjudication pre-fill)."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for question, model in question_models(project, method).items():
        for doc, value in model.labels.items():
            out[doc][question] = value
    return dict(out)


def sentence_models(project: Project, method: str) -> dict[str, Aggregation]:
    from annotator.classifier.sentences import sentence_labels, split_sentences

    labels = [lb.name for lb in label_records(project.id)]
    triples: dict[str, list[tuple]] = {name: [] for name in labels}
    for doc in iter_documents(project.id):
        people = sorted(annotators_of(doc))
        if len(people) < 2:
            continue
        sentences = split_sentences(doc.text)
        for who in people:
            marked = sentence_labels([s for s in doc.spans if s.annotator == who], sentences)
            for i, present in enumerate(marked):
                for name in labels:
                    triples[name].append(((doc.id, i), who, "yes" if name in present else "no"))
    return {name: aggregate(t, method) for name, t in triples.items() if t}


def competence_table(project: Project, method: str = "dawid_skene") -> dict:
    """For the lead's page: each annotator's competence per question and per sentence label."""
    if method not in METHODS:
        method = "dawid_skene"
    columns: dict[str, dict[str, float]] = {}
    for question, model in question_models(project, method).items():
        columns[f"question {question}"] = model.competence
    for label, model in sentence_models(project, method).items():
        columns[f"sentences {label}"] = model.competence
    people = sorted({who for comp in columns.values() for who in comp})
    return {
        "method": method,
        "columns": list(columns),
        "rows": [
            {"annotator": who, "values": [columns[c].get(who) for c in columns]} for who in people
        ],
    }
