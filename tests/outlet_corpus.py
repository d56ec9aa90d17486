"""A small outlet corpus: three outlets under varying spellings, stories of 2-3 outlets,
gold from one annotator (spans with frame attributes and a 1-5 one-sidedness answer).

Made through the real article import, so outlet matching is exercised on the way in.
"""

from __future__ import annotations

import json
import random

from sqlalchemy import select

from annotator.extensions import db
from annotator.models import (
    Document,
    DocumentAnswer,
    DocumentCuration,
    DocumentQuestion,
    GoldAnswer,
    GoldSpan,
    Label,
    Outlet,
    Span,
)
from annotator.services.projects.outlets import update_outlet
from annotator.services.transfer.importing import import_files
from tests.factories import make_project, make_user

# (spelling, canonical) - the first spelling met becomes the display name
SPELLINGS = {
    "Fox News": ["Fox News", "FOX NEWS", "fox  news", " Fox News "],
    "New York Times": ["New York Times", "new york times", "NEW YORK TIMES"],
    "HuffPost": ["HuffPost", "huffpost", "HUFFPOST"],
}
LEANING = {"Fox News": "right", "New York Times": "centre-left", "HuffPost": "left"}
# how many Framing spans an article of each outlet gets on average
FRAMING_RATE = {"Fox News": 4, "New York Times": 1, "HuffPost": 3}
FRAMES = ("Economic", "Morality", "Security and defense")
SENTENCES = (
    "Officials 🏛️ announced the plan on Monday after weeks of talks.",
    "Critics called it “a reckless giveaway” while supporters praised it.",
    "The measure would cost $4 billion over ten years, analysts said.",
    "Residents 😟 worried about rising prices and fewer jobs.",
    "The opposition vowed to fight the proposal in court.",
    "Experts disagreed on whether the plan would work at all.",
)


def _articles(rng: random.Random) -> list[dict]:
    rows = []
    for story in range(1, 9):
        outlets = list(SPELLINGS)
        if story % 3 == 0:  # some stories have only two outlets
            outlets = outlets[:2] if story % 2 else outlets[1:]
        for outlet in outlets:
            spelling = SPELLINGS[outlet][(story + len(rows)) % len(SPELLINGS[outlet])]
            n = rng.randint(3, 6)
            text = " ".join(rng.sample(SENTENCES, n)) + f" Story {story}, {outlet}."
            rows.append(
                {"id": f"s{story}-{outlet[:3].lower()}", "text": text, "outlet": spelling,
                 "story": f"story-{story}", "title": f"Story {story} ({outlet})"}
            )  # fmt: skip
    rows.append({"id": "no-outlet", "text": "An article without an outlet, about nothing."})
    rows.append({"id": "uncurated", "text": "Never curated 😴.", "outlet": "fox news"})
    return rows


def make_outlet_corpus(seed: int = 7, *, lead=None, alice=None, name="Outlet study") -> dict:
    """Builds the corpus (committed) and returns ids and names for the tests; makes users
    lena (lead) and alice (the one annotator) unless given."""
    rng = random.Random(seed)
    lead, alice = lead or make_user("lena"), alice or make_user("alice")
    project = make_project(name, lead=lead, annotators=[alice], per_doc=1)
    rows = _articles(rng)
    data = "\n".join(json.dumps(r, ensure_ascii=False) for r in rows).encode("utf-8")
    import_files(project, [("corpus.jsonl", data)])
    db.session.commit()
    labels = {
        label.name: label
        for label in db.session.scalars(select(Label).where(Label.project_id == project.id))
    }
    question = db.session.scalars(
        select(DocumentQuestion).where(DocumentQuestion.project_id == project.id)
    ).first()
    docs = db.session.scalars(
        select(Document).where(Document.project_id == project.id).order_by(Document.id)
    ).all()
    canonical = {s.casefold().strip(): name for name, ss in SPELLINGS.items() for s in ss}
    for doc in docs:
        if doc.external_id == "uncurated":
            continue
        outlet = canonical.get(" ".join(doc.outlet.split()).casefold(), "")
        words = [(m, m + 5) for m in range(0, len(doc.text) - 6, 7)]
        rng.shuffle(words)
        n_framing = max(0, FRAMING_RATE.get(outlet, 1) + rng.randint(-1, 1))
        n_claim = rng.randint(0, 3)
        for i, (start, end) in enumerate(words[: n_framing + n_claim]):
            framing = i < n_framing
            attributes = {"frame": rng.choice(FRAMES)} if framing else {"type": "opinion"}
            label = labels["Framing" if framing else "Claim"]
            for model, who in ((GoldSpan, None), (Span, alice.id)):
                fields = dict(
                    document_id=doc.id,
                    label_id=label.id,
                    start=start,
                    end=end,
                    text=doc.text[start:end],
                    attributes=attributes,
                )
                db.session.add(model(**fields) if who is None else model(user_id=who, **fields))
        # overlapping spans: covered characters count once
        if doc.external_id.startswith("s1-"):
            for model, extra in ((GoldSpan, {}), (Span, {"user_id": alice.id})):
                db.session.add(
                    model(document_id=doc.id, label_id=labels["Claim"].id, start=1, end=9,
                          text=doc.text[1:9], attributes={}, **extra)
                )  # fmt: skip
        value = str(min(5, max(1, FRAMING_RATE.get(outlet, 2) - 1 + rng.randint(-1, 1))))
        db.session.add(GoldAnswer(document_id=doc.id, question_id=question.id, value=value))
        db.session.add(DocumentCuration(document_id=doc.id, status="curated"))
    for doc in docs:
        if doc.external_id != "uncurated":
            gold = db.session.scalars(
                select(GoldAnswer.value).where(GoldAnswer.document_id == doc.id)
            ).first()
            db.session.add(
                DocumentAnswer(
                    document_id=doc.id, user_id=alice.id, question_id=question.id, value=gold
                )
            )
    db.session.commit()
    for outlet in db.session.scalars(select(Outlet).where(Outlet.project_id == project.id)):
        name = canonical[outlet.key]
        update_outlet(project, outlet.id, name=name, leaning=LEANING[name], rating_source="test")
    db.session.commit()
    return {"project": project.id, "lead": lead.id, "alice": alice.id, "question": question.name}
