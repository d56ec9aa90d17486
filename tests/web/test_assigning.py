"""Assignment: k distinct annotators per article, balanced, re-runs only fill gaps."""

from __future__ import annotations

import random
from collections import Counter

import pytest
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import Assignment, Document
from annotator.services.projects.assigning import assign
from annotator.services.projects.projects import add_member, remove_member
from tests.factories import make_document, make_project, make_user

STARTED = ("in_progress", "done", "skipped")


def setup(n_docs: int, n_annotators: int, k: int, *, name: str = "Study"):
    lead = make_user(f"lead-{name}".lower())
    people = [make_user(f"ann{i}-{name}".lower()) for i in range(n_annotators)]
    project = make_project(name, lead=lead, annotators=people, per_doc=k)
    add_docs(project, n_docs)
    return project, people


def add_docs(project, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        make_document(project, f"Article {i} of {project.name}.", external_id=f"d{i}")


def rows(project) -> list[tuple[int, int, str]]:
    return sorted(
        db.session.execute(
            select(Assignment.document_id, Assignment.user_id, Assignment.status).where(
                Assignment.project_id == project.id
            )
        ).all()
    )


def per_doc(project) -> dict[int, list[int]]:
    out = {d: [] for d in doc_ids(project)}
    for doc, user, _ in rows(project):
        out[doc].append(user)
    return out


def doc_ids(project) -> list[int]:
    return list(
        db.session.execute(select(Document.id).where(Document.project_id == project.id)).scalars()
    )


def loads(project, people) -> list[int]:
    counts = Counter(user for _, user, _ in rows(project))
    return [counts[p.id] for p in people]


def check_balanced(project, people, k: int) -> None:
    want = min(k, len(people))
    for doc, users in per_doc(project).items():
        assert len(users) == want, f"document {doc} has {len(users)} annotators, not {want}"
        assert len(set(users)) == len(users)
        assert set(users) <= {p.id for p in people}
    counts = loads(project, people)
    assert max(counts) - min(counts) <= 1, counts


@pytest.mark.parametrize(
    "n_docs,n_annotators,k",
    [(7, 3, 2), (10, 4, 3), (5, 5, 1), (1, 3, 3), (12, 5, 2), (3, 2, 2), (9, 4, 1), (11, 6, 4)],
)
def test_balanced_k_distinct(ctx, n_docs, n_annotators, k):
    project, people = setup(n_docs, n_annotators, k)
    report = assign(project)
    db.session.commit()
    assert report.created == n_docs * k and report.unfilled == 0
    assert report.annotators == n_annotators
    check_balanced(project, people, k)
    assert sum(loads(project, people)) == n_docs * k


def test_seven_by_three_k2_workloads(ctx):
    project, people = setup(7, 3, 2)
    assign(project)
    assert sorted(loads(project, people)) == [4, 5, 5]


def test_rerun_is_idempotent(ctx):
    project, people = setup(7, 3, 2)
    assign(project)
    db.session.commit()
    before = rows(project)
    report = assign(project)
    assert (report.created, report.moved) == (0, 0)
    assert rows(project) == before
    assert "Created 0 assignments for 3 annotators." == report.summary()


def test_more_k_than_annotators_reports_unfilled(ctx):
    project, people = setup(4, 2, 3)
    report = assign(project)
    assert report.unfilled == 4 and report.created == 8
    assert "4 articles have fewer than k annotators available" in report.summary()
    check_balanced(project, people, 2)


def test_per_doc_override(ctx):
    project, people = setup(4, 3, 1)
    assign(project, per_doc=3)
    check_balanced(project, people, 3)


def test_no_annotators_is_an_error(ctx):
    from annotator.services.errors import ServiceError

    project, _ = setup(3, 0, 2)
    with pytest.raises(ServiceError, match="no annotators"):
        assign(project)


def test_leads_and_inactive_users_get_nothing(ctx):
    project, people = setup(6, 3, 2)
    people[2].active = False
    db.session.commit()
    assign(project)
    assigned = {user for _, user, _ in rows(project)}
    assert assigned == {people[0].id, people[1].id}


def test_new_articles_fill_gaps_only(ctx):
    project, people = setup(7, 3, 2)
    assign(project)
    db.session.commit()
    before = set(rows(project))
    add_docs(project, 5, start=7)
    report = assign(project)
    assert report.created == 10
    assert before <= set(rows(project))  # nothing taken away or moved
    check_balanced(project, people, 2)


def test_new_member_gets_work_and_started_work_stays(ctx):
    project, people = setup(8, 2, 1)
    assign(project)
    # alice has started everything she has; bob started one.
    statuses = iter(STARTED * 3)
    for row in db.session.execute(select(Assignment).order_by(Assignment.id)).scalars():
        if row.user_id == people[0].id:
            row.status = next(statuses)
    bob_first = (
        db.session.execute(
            select(Assignment).where(Assignment.user_id == people[1].id).order_by(Assignment.id)
        )
        .scalars()
        .first()
    )
    bob_first.status = "done"
    db.session.commit()
    started = {r for r in rows(project) if r[2] in STARTED}
    carol = make_user("carol")
    add_member(project, carol, "annotator")
    db.session.commit()
    report = assign(project)
    db.session.commit()
    after = rows(project)
    assert started <= set(after)  # started work never taken away
    assert report.created == 0 and report.moved > 0
    counts = Counter(user for _, user, _ in after)
    # carol takes unstarted work from bob only: alice has nothing unstarted to give away
    assert counts[people[0].id] == 4
    assert counts[carol.id] >= 1 and counts[people[1].id] - counts[carol.id] <= 1
    for users in per_doc(project).values():
        assert len(users) == 1


def test_new_member_balances_unstarted_work(ctx):
    project, people = setup(6, 2, 1)
    assign(project)
    db.session.commit()
    carol = make_user("carol")
    add_member(project, carol, "annotator")
    report = assign(project)
    assert report.moved == 2 and report.created == 0
    check_balanced(project, [*people, carol], 1)


def test_remove_member_drops_only_their_todo(ctx):
    project, people = setup(9, 3, 2)
    assign(project)
    alice = people[0]
    mine = (
        db.session.execute(
            select(Assignment).where(Assignment.user_id == alice.id).order_by(Assignment.id)
        )
        .scalars()
        .all()
    )
    for row, status in zip(mine, ("in_progress", "done", "skipped"), strict=False):
        row.status = status
    db.session.commit()
    others_before = [r for r in rows(project) if r[1] != alice.id]
    remove_member(project, alice)
    db.session.commit()
    after = rows(project)
    assert [r for r in after if r[1] != alice.id] == others_before
    assert sorted(s for _, u, s in after if u == alice.id) == ["done", "in_progress", "skipped"]
    # Re-assigning fills the freed places with the remaining annotators.
    assign(project)
    db.session.commit()
    for doc, users in per_doc(project).items():
        assert len(users) == 2, doc
    remaining = [p.id for p in people[1:]]
    counts = Counter(u for _, u, _ in rows(project) if u in remaining)
    assert abs(counts[remaining[0]] - counts[remaining[1]]) <= 1


def test_removed_member_can_no_longer_open_project(app, client, auth):
    with app.app_context():
        project, people = setup(2, 2, 1)
        assign(project)
        remove_member(project, people[0])
        db.session.commit()
        pid, name = project.id, people[0].username
    auth.login(name)
    assert (
        client.get(f"/projects/{pid}").status_code == 404
    )  # a non-member: as for a missing project


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_random_changes_keep_invariants(ctx, seed):
    rng = random.Random(seed)
    k = rng.randint(1, 3)
    project, people = setup(rng.randint(3, 8), rng.randint(k, k + 2), k, name=f"R{seed}")
    n_docs = len(doc_ids(project))
    assign(project)
    db.session.commit()
    for step in range(6):
        started = {r for r in rows(project) if r[2] in STARTED}
        action = rng.choice(["docs", "member", "start", "remove"])
        if action == "docs":
            add_docs(project, rng.randint(1, 4), start=n_docs)
            n_docs = len(doc_ids(project))
        elif action == "member":
            user = make_user(f"extra{step}-{seed}")
            add_member(project, user, "annotator")
            people.append(user)
        elif action == "start":
            todo = (
                db.session.execute(
                    select(Assignment).where(
                        Assignment.project_id == project.id, Assignment.status == "todo"
                    )
                )
                .scalars()
                .all()
            )
            for row in rng.sample(todo, min(len(todo), 3)):
                row.status = rng.choice(STARTED)
        elif len(people) > k:
            gone = people.pop(rng.randrange(len(people)))
            remove_member(project, gone)
        db.session.commit()
        started |= {r for r in rows(project) if r[2] in STARTED}
        assign(project)
        db.session.commit()
        after = rows(project)
        assert started <= set(after), f"step {step} ({action}) took started work away"
        current = {p.id for p in people}
        for doc, users in per_doc(project).items():
            assert len(set(users)) == len(users)
            assert min(k, len(current)) <= len(users) <= k, f"step {step}: document {doc}"
