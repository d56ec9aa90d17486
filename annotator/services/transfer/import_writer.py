"""Writing one batch of checked import records: spans, gold, answers, links, audit rows."""

from __future__ import annotations

from collections import Counter, defaultdict
from itertools import chain

from sqlalchemy import insert, select

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
    write_stamp,
)
from annotator.models.base import utcnow
from annotator.records import AnswerRecord, DocumentRecord, SpanRecord
from annotator.services.errors import ServiceError
from annotator.services.transfer.import_prepare import GOLD, Batch, local_ids
from annotator.services.transfer.import_sql import (
    PLAIN_WIDTH,
    ROWS_PER_INSERT,
    VARYING,
    _reserve_ids,
    _SpanBulk,
    insert_rows,
)


class _Writer:
    """Inserts one batch of prepared articles: spans, gold, answers, links, audit rows."""

    def __init__(self, project, questions, report):
        self.project = project
        self.users: dict[str, int] = {}
        self.questions = questions
        self.report = report
        self.version = project.guidelines_version
        self.unmapped: Counter[str] = Counter()
        self.conflicting: Counter[str] = Counter()
        self.unmapped_arguments: Counter[str] = Counter()
        self._bulk: _SpanBulk | None = None
        self._now = None
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

    def write(
        self, batch: Batch, docs: dict[str, int], fresh: frozenset | set = frozenset()
    ) -> None:
        """Write ``batch``; ``docs``: its articles' ids, ``fresh``: those just created."""
        gold_rows, gold_links = [], []
        assignments = []
        users = self.users
        have_gold = self._existing_gold([docs[p.record.id] for p in batch.docs if p.record.gold])
        for p in batch.docs:
            record = p.record
            doc_id = docs[record.id]
            assignments.extend((doc_id, users[who]) for who in p.people)
            if not record.gold:
                continue
            gold = self._dedupe_gold(record, doc_id, have_gold)
            links = self._links(gold)
            for s in gold:
                gold_rows.append(self._gold_row(record, doc_id, s, links))
                gold_links.append((s.annotator, s.id))
        self._assign(assignments, fresh)
        self._insert_spans(batch, docs)
        self.report.discontinuous += batch.discontinuous
        self._insert_gold(gold_rows, gold_links)
        for p in batch.docs:
            if p.record.answers or p.record.gold_answers:
                self._answers(p.record, docs[p.record.id])
        for counts, into in (
            (self.unmapped, self.report.unmapped_relations),
            (self.conflicting, self.report.relations_conflicting),
            (self.unmapped_arguments, self.report.unmapped_event_arguments),
        ):
            for kind, n in counts.items():
                into[kind] = into.get(kind, 0) + n
            counts.clear()

    # -- relations -----------------------------------------------------------------------

    def _links(self, spans) -> dict[int, dict[str, tuple[str, str] | None]]:
        """Per span (by ``id()``): link attribute name -> target's (annotator, local id), or
        None for a relation attribute that is not stored (mapped elsewhere, or counted as not
        kept). Relation attributes (a local id, or a list of them: several relations of one
        type) are taken out of the span's plain attributes (see ``_plain``); event arguments
        map onto the trigger's own link attributes only."""
        out: dict[int, dict[str, tuple[str, str] | None]] = defaultdict(dict)
        ids = None
        for s in spans:
            if not (s.attributes or s.arguments):
                continue
            if ids is None:
                ids = local_ids(spans)
            who = s.annotator
            for name, value in s.attributes.items():
                if isinstance(value, str):
                    if (who, value) not in ids:
                        continue
                    targets = (ids[(who, value)],)
                elif isinstance(value, list) and value:
                    if not all(isinstance(v, str) and (who, v) in ids for v in value):
                        continue
                    targets = tuple(ids[(who, v)] for v in value)
                else:
                    continue
                for target in targets:
                    if target is s:  # a relation from a span to itself: no link holds it
                        self.unmapped[name] += 1
                        out[id(s)].setdefault(name, None)
                    else:
                        self._relate(s, name, target, out)
            for role, local in s.arguments:
                self._argument(s, role, ids.get((who, local)), out)
        return out

    def _set_link(self, out, span: SpanRecord, name: str, target: SpanRecord, kind: str) -> bool:
        """Link ``span.name`` to ``target``; a link holds one target, so a second, different
        one (two relations of one type from one span) is counted by ``kind``, the first kept."""
        have = out[id(span)].get(name)
        key = (target.annotator, target.id)
        if have is not None and have != key:
            self.conflicting[kind] += 1
            return False
        out[id(span)][name] = key
        return True

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
                self.report.links += self._set_link(out, dst, back, src, name)
                return
        if choice is None:
            self.unmapped[name] += 1
            out[id(src)][name] = None
            return
        if choice != name:
            out[id(src)].setdefault(name, None)
        self.report.links += self._set_link(out, src, choice, dst, name)

    def _argument(self, trigger: SpanRecord, role: str, target, out) -> None:
        """An event argument: the trigger label's link attribute named as the role (brat
        numbers repeated roles, ``Theme2``: the second ``Theme``); else counted by role."""
        own = self.link_names[trigger.label]
        choice = None
        for wanted in dict.fromkeys((role, role.rstrip("0123456789"))):
            fold = wanted.casefold()
            choice = choice or next((n for n in own if n.casefold() == fold), None)
        if choice is None or target is None or target is trigger:
            self.unmapped_arguments[role] += 1
            return
        kind = f"{role} (event argument)"
        self.report.event_arguments += self._set_link(out, trigger, choice, target, kind)

    def _plain(self, s: SpanRecord, links) -> dict:
        mine = links.get(id(s), {})
        return {k: v for k, v in (s.attributes or {}).items() if k not in mine}

    # -- rows ------------------------------------------------------------------------------

    def _frags(self, s: SpanRecord):
        if s.fragments:
            self.report.discontinuous += 1
            return [list(f) for f in s.fragments]
        return None

    def _gold_row(self, record, doc_id, s: SpanRecord, links) -> dict:
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

    def _assign(self, pairs, fresh) -> None:
        """A done assignment per (article, annotator) that has none yet; articles created by
        this batch (``fresh``) have none, so only the others are looked up."""
        if not pairs:
            return
        known = sorted({d for d, _ in pairs if d not in fresh})
        have: set[tuple[int, int]] = set()
        if known:
            have = {
                (d, u)
                for d, u in db.session.execute(
                    select(Assignment.document_id, Assignment.user_id).where(
                        Assignment.document_id.in_(known)
                    )
                )
            }
        project_id = self.project.id
        rows = [
            {"document_id": d, "user_id": u, "project_id": project_id, "status": "done"}
            for d, u in dict.fromkeys(pairs)
            if (d, u) not in have
        ]
        if rows:
            insert_rows(Assignment.__table__, rows, project_id)

    def _insert_spans(self, batch: Batch, docs: dict[str, int]) -> None:
        """The batch's annotator spans and their audit rows (``span_event`` ``create``, as
        every span create writes one): the spans as plain tuples in multi-row inserts on the
        session's own connection (the import's one transaction; no ORM objects, no per-row
        dicts), their audit rows in one ``INSERT ... SELECT`` of them; the write stamp bumped
        once by their number (``write_stamp.counted_inserts``), as the row trigger would.
        An article's spans come as columns of plain rows (``Batch.plain``), as row values
        (``Prepared.flat``) or, with relations, as records whose links are mapped here."""
        n = batch.span_rows
        if not n:
            return
        connection = db.session.connection()
        if self._bulk is None:
            self._bulk = _SpanBulk(connection.dialect)
        bulk = self._bulk
        ids = _reserve_ids(Span.__table__, n)
        dumps, encode = bulk.dumps, bulk.attributes
        users, label_ids, version = self.users, self.label_ids, self.version
        rows: list[tuple] = []  # every value of a row
        row = rows.append
        plain: dict[int, list] = {}  # guidelines version -> plain rows' values, PLAIN_WIDTH a row
        k = discontinuous = 0
        at = [docs[p.record.id] for p in batch.docs]  # article ids by position in the batch
        for gv, c in batch.plain.items():  # whole columns mapped to ids
            m = len(c.start)
            plain[gv] = list(chain.from_iterable(zip(
                ids[k : k + m], map(at.__getitem__, c.doc), map(users.__getitem__, c.who),
                map(label_ids.__getitem__, c.label), c.start, c.end, c.text, c.attrs,
                strict=True)))  # fmt: skip
            k += m
        for p in batch.docs:
            if p.plain is not None:
                continue
            doc_id = docs[p.record.id]
            if p.flat is not None:
                for who, label, start, end, text, attrs, note, frags, gv in p.flat:
                    row((ids[k], doc_id, users[who], label_ids[label], start, end, text, attrs,
                         note, frags, gv))  # fmt: skip
                    k += 1
                continue
            spans, text = p.record.spans, p.record.text
            links = self._links(spans)
            new_ids = None
            if links:  # relations: the targets' new ids (every target is in this article)
                new_ids = {(s.annotator, s.id): ids[k + i] for i, s in enumerate(spans) if s.id}
            for s in spans:
                attrs = s.attributes
                if links and id(s) in links:
                    attrs = _linked(attrs, links[id(s)], new_ids)
                frags = None
                if s.fragments:
                    frags = dumps([list(f) for f in s.fragments])
                    discontinuous += 1
                start, end = s.start, s.end
                row((ids[k], doc_id, users[s.annotator], label_ids[s.label], start, end,
                     text[start:end], encode(attrs), s.note or "", frags,
                     s.guidelines_version or version))  # fmt: skip
                k += 1
        # One creation time for the import's spans and two statement texts per kind of row
        # (the driver's statement cache keeps them; a text per batch would pile up there).
        # Rows go in by kind, not in id order: the ids were given out above.
        self._now = self._now or utcnow()
        with write_stamp.counted_inserts(connection, "span", self.project.id) as counted:
            for gv, values in plain.items():
                self._execute(connection, values, PLAIN_WIDTH, gv)
            self._execute(connection, list(chain.from_iterable(rows)), VARYING, None)
            connection.exec_driver_sql(bulk.event_sql, bulk.event_params(ids))
            counted[0] += n
        self.report.spans += n
        self.report.discontinuous += discontinuous

    def _execute(self, connection, values: list, width: int, plain_version: int | None) -> None:
        """Rows given as their values in one list, ``width`` a row: in multi-row INSERTs of
        ``ROWS_PER_INSERT`` rows (less work per row), the rest in one executemany of the
        one-row INSERT."""
        if not values:
            return
        bulk, size = self._bulk, ROWS_PER_INSERT * width
        many = bulk.span_sql(self._now, ROWS_PER_INSERT, plain_version)
        full = len(values) - len(values) % size
        for i in range(0, full, size):
            connection.exec_driver_sql(many, tuple(values[i : i + size]))
        if full < len(values):
            rest = [tuple(values[i : i + width]) for i in range(full, len(values), width)]
            connection.exec_driver_sql(bulk.span_sql(self._now, 1, plain_version), rest)

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
        gold_answers = list(record.gold_answers)  # with the answers of annotator "gold"
        for a in record.answers:
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


def _linked(attrs: dict, mine: dict, new_ids: dict) -> dict:
    """A span's attributes with its relations as links to the targets' new ids: in the order
    the file gave the attributes; links renamed or reversed onto the span come last."""
    plain = {k: v for k, v in attrs.items() if k not in mine}
    linked = {name: new_ids[key] for name, key in mine.items() if key is not None}
    out = {k: plain[k] if k in plain else linked.pop(k) for k in attrs if k in plain or k in linked}
    out.update(linked)
    return out
