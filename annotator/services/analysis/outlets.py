"""Outlet, leaning and story analysis of a project: rows -> records -> ``annotator.analysis``.

Content is ``gold`` (curated spans and answers), ``majority`` (strict-majority spans and
answers) or ``raw`` (every annotator's, each article weighing one), optionally of one
annotator only. Articles group by their matched outlet (``Outlet``: display name, leaning);
an article whose outlet has no row yet is matched by its name's key.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import select

from annotator.analysis import articles_from, stories
from annotator.analysis.articles import counted_attributes
from annotator.extensions import db
from annotator.models import (
    Document,
    DocumentCuration,
    DocumentQuestion,
    GoldAnswer,
    Outlet,
    Project,
)
from annotator.queries import Selection, iter_documents, label_records
from annotator.records import AnswerRecord
from annotator.services.errors import ServiceError
from annotator.services.projects.outlets import outlet_key
from annotator.services.report_cache import cached

CONTENTS = ("gold", "majority", "raw")
BY = ("outlet", "leaning")


def check(content: str, by: str = "outlet") -> None:
    if content not in CONTENTS:
        raise ServiceError(f"Unknown content {content!r}; choose {', '.join(CONTENTS)}.")
    if by not in BY:
        raise ServiceError(f"Unknown grouping {by!r}; choose {', '.join(BY)}.")


def project_articles(
    project: Project,
    content: str,
    annotator: str | None = None,
    *,
    keep_text: bool = False,
    document_ids=None,
):
    """The project's articles for the analysis and the count left out, by reason."""
    if annotator and content != "raw":
        raise ServiceError("Choosing an annotator needs content 'raw'.")
    docs = db.session.execute(
        select(Document.external_id, Document.outlet, Document.outlet_id, Document.story).where(
            Document.project_id == project.id
        )
    ).all()
    outlets_rows = db.session.execute(
        select(Outlet.id, Outlet.name, Outlet.key, Outlet.aliases, Outlet.leaning).where(
            Outlet.project_id == project.id
        )
    ).all()
    by_id = {row.id: (row.name, row.leaning) for row in outlets_rows}
    by_key = {}
    for row in outlets_rows:
        by_key[row.key] = (row.name, row.leaning)
        for alias in row.aliases or ():
            by_key.setdefault(alias, (row.name, row.leaning))
    outlets, story_of = {}, {}
    for external_id, name, outlet_id, story in docs:
        key = outlet_key(name)
        outlets[external_id] = by_id.get(outlet_id) or by_key.get(key) or (name.strip(), "")
        if story:
            story_of[external_id] = story
    selection = Selection(annotators=frozenset([annotator]) if annotator else None)
    gold_answers, curated = _gold_answers(project) if content == "gold" else ({}, set())
    return articles_from(
        iter_documents(project.id, selection, document_ids=document_ids),
        content,
        outlets=outlets,
        stories=story_of,
        gold_answers=gold_answers,
        curated=curated,
        keep_text=keep_text,
    )


def _gold_answers(project: Project) -> tuple[dict[str, list[AnswerRecord]], set[str]]:
    answers: dict[str, list[AnswerRecord]] = defaultdict(list)
    for external_id, question, value in db.session.execute(
        select(Document.external_id, DocumentQuestion.name, GoldAnswer.value)
        .join(Document, Document.id == GoldAnswer.document_id)
        .join(DocumentQuestion, DocumentQuestion.id == GoldAnswer.question_id)
        .where(Document.project_id == project.id)
        .order_by(Document.id, DocumentQuestion.order)
    ):
        answers[external_id].append(AnswerRecord(external_id, "gold", question, value))
    curated = set(
        db.session.scalars(
            select(Document.external_id)
            .join(DocumentCuration, DocumentCuration.document_id == Document.id)
            .where(Document.project_id == project.id, DocumentCuration.status == "curated")
        )
    )
    return answers, curated


def question_kinds(project: Project) -> dict[str, tuple[bool, list[str]]]:
    return {
        q.name: (q.kind == "likert", q.allowed_values())
        for q in db.session.scalars(
            select(DocumentQuestion)
            .where(DocumentQuestion.project_id == project.id)
            .order_by(DocumentQuestion.order)
        )
    }


def analysis_for(
    project: Project,
    *,
    content: str = "gold",
    by: str = "outlet",
    annotator: str | None = None,
    n_boot: int = 1000,
    n_perm: int = 999,
    seed: int = 20,
) -> dict:
    """The analysis report of ``project`` (see ``annotator.analysis.analyse``), kept in the
    report cache until the project's next write (``services/report_cache``)."""
    check(content, by)
    params = {"content": content, "by": by, "annotator": annotator, "n_boot": n_boot,
              "n_perm": n_perm, "seed": seed}  # fmt: skip
    report = cached(
        project.id,
        "analysis",
        params,
        lambda: _analysis(project, content, by, annotator, n_boot, n_perm, seed),
    )
    return {"project": project.name, "content": content, "annotator": annotator, **report}


def _analysis(project, content, by, annotator, n_boot, n_perm, seed) -> dict:
    articles, left_out = project_articles(project, content, annotator)
    labels = label_records(project.id)
    from annotator.analysis import analyse  # numpy: on first use, not at the app's start

    report = analyse(
        articles,
        by=by,
        labels=[label.name for label in labels],
        attributes=counted_attributes(labels),
        questions=question_kinds(project),
        left_out=left_out,
        n_boot=n_boot,
        n_perm=n_perm,
        seed=seed,
    )
    return report


def stories_for(project: Project, *, content: str = "gold", annotator: str | None = None):
    """Every story with its outlets' span rates, the most differing first."""
    check(content)
    articles, _ = project_articles(project, content, annotator)
    return stories(articles)


def story_detail(
    project: Project, story: str, *, content: str = "gold", annotator: str | None = None
) -> dict:
    """One story's articles with their text and spans, grouped by outlet, and its rates."""
    check(content)
    ids = db.session.scalars(
        select(Document.id).where(Document.project_id == project.id, Document.story == story)
    ).all()
    if not ids:
        raise ServiceError(f"No articles have the story key {story!r}.", status=404)
    articles, left_out = project_articles(
        project, content, annotator, keep_text=True, document_ids=ids
    )
    summary = stories(articles)
    columns: dict[str, list] = defaultdict(list)
    for article in articles:
        columns[article.outlet or "(no outlet)"].append(article)
    return {
        "story": story,
        "columns": dict(sorted(columns.items())),
        "rates": summary[0]["outlets"] if summary else {},
        "spread": summary[0]["spread"] if summary else 0.0,
        "left_out": left_out,
    }


def bundle_entries(project: Project, content: str) -> list[tuple[str, str]]:
    """The analysis tables for an export bundle: by outlet and by leaning, CSV and JSON.

    Empty when the project has no outlets (nothing to compare)."""
    import csv
    import io
    import json

    from annotator.analysis import table_rows
    from annotator.analysis.report import COLUMNS

    if content not in CONTENTS:
        return []
    has_outlets = db.session.execute(
        select(Outlet.id).where(Outlet.project_id == project.id).limit(1)
    ).first()
    if has_outlets is None:
        return []
    entries = []
    for by in BY:
        report = analysis_for(project, content=content, by=by)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(table_rows(report))
        entries.append((f"analysis/by-{by}.csv", out.getvalue()))
        entries.append((f"analysis/by-{by}.json", json.dumps(report, indent=2, ensure_ascii=False)))
    return entries
