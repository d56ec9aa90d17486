"""Writing one batch of checked import records: spans, gold, answers, links, audit rows."""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlalchemy import func, insert, select, text, update

from annotator.extensions import db
from annotator.models import (
    Assignment,
    DocumentAnswer,
    DocumentCuration,
    DocumentQuestion,
    GoldAnswer,
    GoldEvent,
    GoldSpan,
    Label,
    Span,
    SpanEvent,
)
from annotator.models.base import utcnow
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord
from annotator.services.errors import ServiceError

GOLD = "gold"


def _local_ids(spans) -> dict[tuple[str, str], SpanRecord]:
    return {(s.annotator, s.id): s for s in spans if s.id}


class _Writer:
    """Inserts one batch of prepared articles: spans, gold, answers, links, audit rows."""

    def __init__(self, project, questions, report):
        self.project = project
        self.users: dict[str, int] = {}
        self.questions = questions
        self.report = report
        self.version = project.guidelines_version
        self.unmapped: Counter[str] = Counter()
        self.set_labels({})

    def set_labels(self, labels: dict[str, Label]) -> None:
        self.labels = labels
        self.label_ids = {name: label.id for name, label in labels.items()}
        self.link_names = {
            name: [a["name"] for a in label.attributes or [] if a.get("type") == "link"]
            for name, label in labels.items()
        }
        self.all_names = {
            name: {a["name"] for a in label.attributes or []} for name, label in labels.items()
        }

    def write(self, batch: list[DocumentRecord], docs: dict[str, int]) -> None:
        span_rows, span_links = [], []
        gold_rows, gold_links = [], []
        assignments = []
        have_gold = self._existing_gold([docs[r.id] for r in batch if r.gold])
        for record in batch:
            doc_id = docs[record.id]
            people = sorted(
                {s.annotator for s in record.spans} | {a.annotator for a in record.answers}
            )
            assignments.extend((doc_id, self.users[p]) for p in people)
            links = self._links(record.spans)
            for s in record.spans:
                span_rows.append(self._span_row(record, doc_id, s, links))
                span_links.append((s.annotator, s.id))
            gold = self._dedupe_gold(record, doc_id, have_gold)
            links = self._links(gold)
            for s in gold:
                gold_rows.append(self._gold_row(record, doc_id, s, links))
                gold_links.append((s.annotator, s.id))
        self._assign(assignments)
        self._insert_spans(span_rows, span_links)
        self._insert_gold(gold_rows, gold_links)
        for record in batch:
            self._answers(record, docs[record.id])
        for kind, n in self.unmapped.items():
            self.report.unmapped_relations[kind] = self.report.unmapped_relations.get(kind, 0) + n
        self.unmapped.clear()

    # -- relations -----------------------------------------------------------------------

    def _links(self, spans) -> dict[int, dict[str, tuple[str, str]]]:
        """Per span (by ``id()``): link attribute name -> target's (annotator, local id).
        Relation attributes are taken out of the span's plain attributes (see ``_plain``)."""
        ids = _local_ids(spans)
        out: dict[int, dict[str, tuple[str, str]]] = defaultdict(dict)
        for s in spans:
            for name, value in (s.attributes or {}).items():
                if not isinstance(value, str) or (s.annotator, value) not in ids:
                    continue
                target = ids[(s.annotator, value)]
                if target is s:
                    continue
                self._relate(s, name, target, out)
        return out

    def _relate(self, src: SpanRecord, name: str, dst: SpanRecord, out) -> None:
        if name in self.all_names[src.label] and name not in self.link_names[src.label]:
            self.unmapped[name] += 1  # the schema holds a plain attribute of that name
            out[id(src)][name] = None
            return
        own, theirs = self.link_names[src.label], self.link_names[dst.label]
        fold = name.casefold()
        choice = next((n for n in own if n.casefold() == fold), None)
        if choice is None:
            back = next((n for n in theirs if n.casefold() == fold), None)
            if back is None and len(own) == 1:
                choice = own[0]
            elif back is None and len(theirs) == 1:
                back = theirs[0]
            if back is not None:
                out[id(src)].setdefault(name, None)  # not stored on the source
                out[id(dst)][back] = (src.annotator, src.id)
                self.report.links += 1
                return
        if choice is None:
            self.unmapped[name] += 1
            out[id(src)][name] = None
            return
        if choice != name:
            out[id(src)].setdefault(name, None)
        out[id(src)][choice] = (dst.annotator, dst.id)
        self.report.links += 1

    def _plain(self, s: SpanRecord, links) -> dict:
        mine = links.get(id(s), {})
        return {k: v for k, v in (s.attributes or {}).items() if k not in mine}

    # -- rows ------------------------------------------------------------------------------

    def _frags(self, s: SpanRecord):
        if s.fragments:
            self.report.discontinuous += 1
            return [list(f) for f in s.fragments]
        return None

    def _common_row(self, record, doc_id, s: SpanRecord, links) -> dict:
        """The columns an annotator's span row and a gold span row share."""
        return {
            "document_id": doc_id,
            "label_id": self.label_ids[s.label],
            "start": s.start,
            "end": s.end,
            "text": record.text[s.start : s.end],
            "fragments": self._frags(s),
            "attributes": self._plain(s, links),
            "_links": (
                list(s.attributes or ()),
                {k: v for k, v in links.get(id(s), {}).items() if v is not None},
            ),
        }

    def _span_row(self, record, doc_id, s: SpanRecord, links) -> dict:
        return {
            **self._common_row(record, doc_id, s, links),
            "user_id": self.users[s.annotator],
            "note": s.note or "",
            "guidelines_version": s.guidelines_version or self.version,
            "source": "import",
            "version": 1,
        }

    def _gold_row(self, record, doc_id, s: SpanRecord, links) -> dict:
        return {
            **self._common_row(record, doc_id, s, links),
            "provenance": [] if s.annotator == GOLD else [s.annotator],
            "notes": {s.annotator: s.note} if s.note else None,
            "source": "import",
            "version": 1,
        }

    def _existing_gold(self, doc_ids: list[int]) -> set[tuple[int, int, int, int]]:
        if not doc_ids:
            return set()
        rows = db.session.execute(
            select(GoldSpan.document_id, GoldSpan.label_id, GoldSpan.start, GoldSpan.end).where(
                GoldSpan.document_id.in_(doc_ids)
            )
        ).all()
        return {tuple(r) for r in rows}

    def _dedupe_gold(self, record, doc_id, have) -> list[SpanRecord]:
        out = []
        for s in record.gold:
            key = (doc_id, self.label_ids[s.label], s.start, s.end)
            if key in have:
                self.report.gold_duplicates += 1
                continue
            have.add(key)
            out.append(s)
        return out

    # -- inserts ---------------------------------------------------------------------------

    def _assign(self, pairs) -> None:
        if not pairs:
            return
        doc_ids = sorted({d for d, _ in pairs})
        have = set(
            db.session.execute(
                select(Assignment.document_id, Assignment.user_id).where(
                    Assignment.document_id.in_(doc_ids)
                )
            ).all()
        )
        rows = [
            {"document_id": d, "user_id": u, "project_id": self.project.id, "status": "done"}
            for d, u in dict.fromkeys(pairs)
            if (d, u) not in have
        ]
        if rows:
            db.session.execute(insert(Assignment), rows)

    def _insert_spans(self, rows, keys) -> None:
        if not rows:
            return
        ids = _reserve_ids(Span.__table__, len(rows))
        self._relink(rows, keys, ids)
        events = [
            {
                "span_id": r["id"],
                "document_id": r["document_id"],
                "user_id": r["user_id"],
                "action": "create",
                "before": None,
                "after": {
                    "start": r["start"],
                    "end": r["end"],
                    "text": r["text"],
                    "attributes": r["attributes"],
                },
                "at": r["created_at"],
            }
            for r in rows
        ]
        _insert_many(Span.__table__, rows)
        _insert_many(SpanEvent.__table__, events)
        self.report.spans += len(rows)

    def _insert_gold(self, rows, keys) -> None:
        if not rows:
            return
        ids = _reserve_ids(GoldSpan.__table__, len(rows))
        self._relink(rows, keys, ids)
        db.session.execute(insert(GoldSpan.__table__), rows)
        self.report.gold_spans += len(rows)
        db.session.execute(
            insert(GoldEvent.__table__),
            [
                {
                    "gold_span_id": r["id"],
                    "document_id": r["document_id"],
                    "user_id": None,
                    "action": "create",
                    "before": None,
                    "after": {
                        "label_id": r["label_id"],
                        "start": r["start"],
                        "end": r["end"],
                        "attributes": r["attributes"],
                        "source": "import",
                    },
                    "at": r["created_at"],
                }
                for r in rows
            ],
        )
        self._curated(sorted({r["document_id"] for r in rows}))

    def _relink(self, rows, keys, ids) -> None:
        """Give each row its id and its link attributes the targets' ids (in the order the
        file gave the attributes; links renamed or reversed onto a span come last)."""
        now = utcnow()
        by_doc_key = {}
        for r, (who, local), new in zip(rows, keys, ids, strict=True):
            r["id"] = new
            r["created_at"] = r["updated_at"] = now
            if local:
                by_doc_key[(r["document_id"], who, local)] = new
        for r in rows:
            order, wanted = r.pop("_links")
            if not wanted:
                continue
            linked = {}
            for name, (who, local) in wanted.items():
                target = by_doc_key.get((r["document_id"], who, local))
                if target is None:  # its target was a gold span the article already had
                    self.unmapped[f"{name} (to a span already gold)"] += 1
                    self.report.links -= 1
                    continue
                linked[name] = target
            plain = r["attributes"]
            attrs = {k: plain[k] if k in plain else linked.pop(k) for k in order
                     if k in plain or k in linked}  # fmt: skip
            attrs.update(linked)
            r["attributes"] = attrs

    def _curated(self, doc_ids: list[int]) -> None:
        """Articles that received gold from the file count as curated (an adjudicated corpus)."""
        rows = db.session.execute(
            select(DocumentCuration).where(DocumentCuration.document_id.in_(doc_ids))
        ).scalars()
        have = {row.document_id: row for row in rows}
        for doc_id in doc_ids:
            if doc_id in have:
                have[doc_id].status = "curated"
            else:
                db.session.add(DocumentCuration(document_id=doc_id, status="curated"))

    # -- answers -----------------------------------------------------------------------------

    def _question(self, record, a: AnswerRecord) -> DocumentQuestion:
        question = self.questions.get(a.question)
        if question is None:
            question = DocumentQuestion(
                name=a.question,
                text=a.question,
                kind="choice",
                options=[],
                order=len(self.project.questions),
            )
            self.project.questions.append(question)
            self.questions[a.question] = question
        if question.kind == "choice" and a.value not in question.options:
            question.options = [*question.options, a.value]
        elif question.kind == "likert" and str(a.value) not in question.allowed_values():
            raise ServiceError(
                f"Article {record.id!r}: answer {a.value!r} to {a.question!r} "
                f"is not one of {', '.join(question.allowed_values())}."
            )
        db.session.flush()
        return question

    def _answers(self, record: DocumentRecord, doc_id: int) -> None:
        gold_answers = list(record.gold_answers)
        for a in record.answers:
            if a.annotator == GOLD:  # our exports name gold answers' annotator "gold"
                gold_answers.append(a)
                continue
            question = self._question(record, a)
            db.session.add(
                DocumentAnswer(
                    document_id=doc_id,
                    user_id=self.users[a.annotator],
                    question_id=question.id,
                    value=str(a.value),
                )
            )
            self.report.answers += 1
        if not gold_answers:
            return
        chosen: dict[str, tuple[str, list[str]]] = {}
        for a in gold_answers:
            value, who = chosen.setdefault(a.question, (str(a.value), []))
            if value != str(a.value):
                raise ServiceError(
                    f"Article {record.id!r}: gold answers to {a.question!r} differ "
                    f"({value!r}, {a.value!r}); gold holds one answer per question."
                )
            if a.annotator != GOLD:
                who.append(a.annotator)
        existing = dict(
            db.session.execute(
                select(GoldAnswer.question_id, GoldAnswer.value).where(
                    GoldAnswer.document_id == doc_id
                )
            ).all()
        )
        for name, (value, who) in chosen.items():
            question = self._question(record, AnswerRecord(record.id, GOLD, name, value))
            if question.id in existing:
                if existing[question.id] != value:
                    raise ServiceError(
                        f"Article {record.id!r}: the project's gold answer to {name!r} is "
                        f"{existing[question.id]!r}, the file's {value!r}."
                    )
                continue
            db.session.add(
                GoldAnswer(document_id=doc_id, question_id=question.id, value=value, provenance=who)
            )
            self.report.gold_answers += 1


def _insert_many(table, rows: list[dict]) -> None:
    """``INSERT`` ``rows`` (dicts with the same keys) in one executemany. On SQLite the values
    go straight to the driver, each column's value put through the column type's own bind
    processor (JSON, dates: stored exactly as SQLAlchemy stores them), which is several times
    faster than SQLAlchemy's per-row parameter processing; elsewhere a Core insert."""
    if not rows:
        return
    connection = db.session.connection()
    dialect = connection.dialect
    if dialect.name != "sqlite":
        connection.execute(insert(table), rows)
        return
    names = list(rows[0])
    columns = [table.c[name] for name in names]
    processors = [c.type.dialect_impl(dialect).bind_processor(dialect) for c in columns]
    quoted = ", ".join(dialect.identifier_preparer.quote(name) for name in names)
    sql = f"INSERT INTO {table.name} ({quoted}) VALUES ({', '.join('?' * len(names))})"
    plain = all(p is None for p in processors)
    if plain:
        values = [tuple(r.values()) for r in rows]
    else:
        todo = [(i, p) for i, p in enumerate(processors) if p is not None]
        values = []
        for r in rows:
            row = list(r.values())
            for i, p in todo:
                row[i] = p(row[i])
            values.append(tuple(row))
    connection.exec_driver_sql(sql, values)


def _reserve_ids(table, n: int) -> list[int]:
    """``n`` new primary keys for ``table``, taken before the insert so links can name them and
    the rows go in with one plain executemany (no RETURNING round trips). PostgreSQL draws them
    from the table's sequence; SQLite continues after the largest id, which is safe because the
    transaction holds the database's write lock from its first write (taken here if need be)."""
    if db.session.get_bind().dialect.name == "postgresql":
        rows = db.session.execute(
            text("SELECT nextval(pg_get_serial_sequence(:t, 'id')) FROM generate_series(1, :n)"),
            {"t": table.name, "n": n},
        )
        return [r[0] for r in rows]
    db.session.execute(update(table).where(table.c.id == -1).values(id=table.c.id))  # write lock
    top = db.session.execute(select(func.coalesce(func.max(table.c.id), 0))).scalar_one()
    return list(range(top + 1, top + 1 + n))

