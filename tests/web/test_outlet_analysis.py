"""Outlet analysis on a gold corpus from one annotator, checked against pandas and scipy."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from scipy import stats
from sqlalchemy import select

from annotator.extensions import db
from annotator.models import (
    Document,
    DocumentQuestion,
    GoldAnswer,
    GoldSpan,
    Label,
    Outlet,
    Project,
)
from annotator.services.analysis.outlets import analysis_for
from tests.outlet_corpus import LEANING, make_outlet_corpus

B, P = 400, 999


@pytest.fixture
def corpus(app):
    with app.app_context():
        return make_outlet_corpus()


def _report(corpus, **kwargs):
    project = db.session.get(Project, corpus["project"])
    return analysis_for(project, n_boot=B, n_perm=P, **kwargs)


def _frames(project_id: int):
    """Articles and gold spans straight from the tables, into pandas (no analysis code)."""
    docs = pd.DataFrame(
        db.session.execute(
            select(Document.id, Document.external_id, Document.text, Outlet.name, Outlet.leaning)
            .outerjoin(Outlet, Outlet.id == Document.outlet_id)
            .where(Document.project_id == project_id)
        ).all(),
        columns=["doc", "external", "text", "outlet", "leaning"],
    )
    docs["chars"] = docs["text"].str.len()
    spans = pd.DataFrame(
        db.session.execute(
            select(GoldSpan.document_id, Label.name, GoldSpan.start, GoldSpan.end,
                   GoldSpan.attributes)
            .join(Label, Label.id == GoldSpan.label_id)
        ).all(),
        columns=["doc", "label", "start", "end", "attributes"],
    )  # fmt: skip
    answers = pd.DataFrame(
        db.session.execute(
            select(GoldAnswer.document_id, DocumentQuestion.name, GoldAnswer.value).join(
                DocumentQuestion, DocumentQuestion.id == GoldAnswer.question_id
            )
        ).all(),
        columns=["doc", "question", "value"],
    )
    curated = set(spans["doc"]) | set(answers["doc"])
    docs = docs[docs["doc"].isin(curated) & docs["outlet"].notna()].copy()
    per_doc = spans.groupby("doc").size()
    docs["spans"] = docs["doc"].map(per_doc).fillna(0)
    for label in ("Framing", "Claim"):
        counts = spans[spans["label"] == label].groupby("doc").size()
        docs[label] = docs["doc"].map(counts).fillna(0)
    frames = spans[spans["label"] == "Framing"].copy()
    frames["frame"] = frames["attributes"].map(lambda a: a.get("frame"))
    for frame, group in frames.groupby("frame"):
        docs[f"frame={frame}"] = docs["doc"].map(group.groupby("doc").size()).fillna(0)

    def covered(doc):
        chars = set()
        for row in spans[spans["doc"] == doc].itertuples():
            chars.update(range(row.start, row.end))
        return len(chars)

    docs["covered"] = docs["doc"].map(covered)
    values = answers.set_index("doc")["value"].astype(float)
    docs["one-sided"] = docs["doc"].map(values)
    return docs.sort_values("doc").reset_index(drop=True)


def _measure(report, kind, unit="", label="", value="", question=""):
    for m in report["measures"]:
        if (m["kind"], m["label"], m["value"], m["question"]) == (kind, label, value, question):
            if not unit or m["unit"].startswith(unit):
                return m
    raise AssertionError(f"no measure {kind} {label} {value} {question} {unit}")


def test_outlets_match_case_and_whitespace_insensitively(app, corpus):
    with app.app_context():
        outlets = db.session.scalars(
            select(Outlet).where(Outlet.project_id == corpus["project"])
        ).all()
        assert sorted(o.name for o in outlets) == sorted(LEANING)
        spellings = db.session.execute(
            select(Document.outlet, Outlet.name).join(Outlet, Outlet.id == Document.outlet_id)
        ).all()
        assert {s for s, _ in spellings} >= {"FOX NEWS", "fox news", "huffpost", "HUFFPOST"}
        for spelling, name in spellings:
            assert " ".join(spelling.split()).casefold() == name.casefold()


def test_gold_rates_match_pandas(app, corpus):
    with app.app_context():
        report = _report(corpus, content="gold")
        docs = _frames(corpus["project"])
    assert report["excluded"] == {"no gold": 1, "no outlet": 1}
    by = docs.groupby("outlet")
    assert {g["name"]: g["articles"] for g in report["groups"]} == by.size().to_dict()
    assert {g["name"]: g["leaning"] for g in report["groups"]} == LEANING
    checks = [
        (_measure(report, "spans", "per article"), by["spans"].mean()),
        (_measure(report, "spans", "per 1,000"), 1000 * by["spans"].sum() / by["chars"].sum()),
        (_measure(report, "covered"), by["covered"].sum() / by["chars"].sum()),
        (_measure(report, "label", "per article", "Framing"), by["Framing"].mean()),
        (
            _measure(report, "label", "per 1,000", "Claim"),
            1000 * by["Claim"].sum() / by["chars"].sum(),
        ),
        (
            _measure(report, "attribute", "per article", "Framing", "Morality"),
            by["frame=Morality"].mean(),
        ),
        (_measure(report, "question", question="one-sided"), by["one-sided"].mean()),
        (
            _measure(report, "answer", value="3", question="one-sided"),
            by["one-sided"].apply(lambda s: (s == 3).mean()),
        ),
    ]
    for measure, expected in checks:
        for outlet, value in expected.items():
            assert measure["groups"][outlet]["estimate"] == pytest.approx(value, rel=1e-12)
    # a Likert question's value that nobody gave still has its row (share 0)
    assert _measure(report, "answer", value="5", question="one-sided")


def test_intervals_reproduce_the_bootstrap_with_the_seed(app, corpus):
    with app.app_context():
        report = _report(corpus, content="gold")
        again = _report(corpus, content="gold")
        docs = _frames(corpus["project"])
    assert report == again
    measure = _measure(report, "spans", "per 1,000")
    for i, name in enumerate(sorted(docs["outlet"].unique())):
        group = docs[docs["outlet"] == name]
        rng = np.random.default_rng(20 + i)  # the documented protocol: seed + group index
        draws = rng.integers(0, len(group), size=(B, len(group)))
        x, d = group["spans"].to_numpy(), group["chars"].to_numpy() / 1000
        rates = x[draws].sum(axis=1) / d[draws].sum(axis=1)
        low, high = np.percentile(rates, [2.5, 97.5])
        assert measure["groups"][name]["ci"] == pytest.approx([low, high], rel=1e-9)
        assert low <= measure["groups"][name]["estimate"] <= high


def _between(x, d, groups):
    frame = pd.DataFrame({"x": x, "d": d, "g": groups})
    sums = frame.groupby("g")[["x", "d"]].sum()
    overall = sums["x"].sum() / sums["d"].sum()
    return float((sums["d"] * (sums["x"] / sums["d"] - overall) ** 2).sum())


def test_pvalues_agree_with_scipy_permutation_test_and_holm(app, corpus):
    from statsmodels.stats.multitest import multipletests

    with app.app_context():
        report = _report(corpus, content="gold")
        docs = _frames(corpus["project"])
    groups = docs["outlet"].to_numpy()
    for measure, x, d in [
        (_measure(report, "spans", "per 1,000"), docs["spans"], docs["chars"] / 1000),
        (_measure(report, "label", "per article", "Framing"), docs["Framing"], np.ones(len(docs))),
        (
            _measure(report, "question", question="one-sided"),
            docs["one-sided"],
            np.ones(len(docs)),
        ),
    ]:
        x, d = np.asarray(x, dtype=float), np.asarray(d, dtype=float)
        observed = _between(x, d, groups)
        assert measure["test"]["statistic"] == pytest.approx(observed, rel=1e-9)
        result = stats.permutation_test(
            (np.arange(len(x)),),
            lambda idx, x=x, d=d: _between(x, d, groups[idx]),
            permutation_type="pairings",
            n_resamples=P,
            alternative="greater",
            random_state=np.random.default_rng(3),
        )
        # two independent Monte Carlo estimates of one p-value
        assert abs(measure["test"]["p"] - result.pvalue) < 0.05 + 0.5 * result.pvalue
    tested = [m for m in report["measures"] if m["test"]]
    assert report["test"]["tests"] == len(tested)
    _, holm, _, _ = multipletests([m["test"]["p"] for m in tested], method="holm")
    assert [m["test"]["p_holm"] for m in tested] == pytest.approx(list(holm), rel=1e-12)
    assert "Holm" in report["test"]["correction"]
    # Fox's framing rate is four times the Times': the test sees it
    assert _measure(report, "label", "per article", "Framing")["test"]["p"] < 0.01


def test_single_annotator_raw_and_majority(app, corpus):
    with app.app_context():
        gold = _report(corpus, content="gold")
        raw = _report(corpus, content="raw", annotator="alice")
        majority = _report(corpus, content="majority")
    # alice's spans and answers are the gold: the same rates from her raw work
    for kind, unit, label in (("spans", "per 1,000", ""), ("label", "per article", "Framing")):
        g, r = _measure(gold, kind, unit, label), _measure(raw, kind, unit, label)
        assert r["groups"] == g["groups"]
    q = _measure(raw, "question", question="one-sided")
    assert q["groups"] == _measure(gold, "question", question="one-sided")["groups"]
    # one annotator is a majority of one
    assert (
        _measure(majority, "spans", "per article")["groups"]["HuffPost"]["estimate"]
        == (_measure(gold, "spans", "per article")["groups"]["HuffPost"]["estimate"])
    )


def test_by_leaning(app, corpus):
    with app.app_context():
        report = _report(corpus, content="gold", by="leaning")
        docs = _frames(corpus["project"])
    assert {g["name"] for g in report["groups"]} == set(LEANING.values())
    expected = docs.groupby("leaning")["Framing"].mean()
    measure = _measure(report, "label", "per article", "Framing")
    for leaning, value in expected.items():
        assert measure["groups"][leaning]["estimate"] == pytest.approx(value)


def test_cli_api_and_page_agree(app, corpus, client, auth, runner):
    with app.app_context():
        report = _report(corpus, content="gold")
    result = runner.invoke(
        args=["analyse", "Outlet study", "--json", "--bootstrap", str(B), "--permutations", str(P)]
    )
    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == json.loads(json.dumps(report))
    csv_out = runner.invoke(
        args=["analyse", "Outlet study", "--csv", "--bootstrap", str(B), "--permutations", str(P)]
    )
    frame = pd.read_csv(pd.io.common.StringIO(csv_out.output))
    assert len(frame) == len(report["measures"]) * (len(report["groups"]) + 1)
    row = frame[(frame["measure"] == "Framing per article") & (frame["group"] == "Fox News")]
    measure = _measure(report, "label", "per article", "Framing")
    assert row["estimate"].item() == pytest.approx(measure["groups"]["Fox News"]["estimate"])
    assert row["p_holm"].item() == pytest.approx(measure["test"]["p_holm"])
    auth.login("lena")
    api = client.get(
        f"/api/v1/projects/{corpus['project']}/analysis?bootstrap={B}&permutations={P}"
    ).get_json()
    assert api == json.loads(json.dumps(report))
    page = client.get(f"/projects/{corpus['project']}/analysis").get_data(as_text=True)
    full = client.get(f"/api/v1/projects/{corpus['project']}/analysis").get_json()
    cell = _measure(full, "label", "per article", "Framing")["groups"]["Fox News"]
    assert f"{cell['estimate']:.3f}" in page
    assert f"[{cell['ci'][0]:.3f}, {cell['ci'][1]:.3f}]" in page
    assert "Holm" in page and "Left out: 1 (no gold)" in page
    text = runner.invoke(args=["analyse", "Outlet study", "--bootstrap", "50"]).output
    assert "Framing per article" in text and "left out: 1 articles (no outlet)" in text


def test_bad_requests_are_4xx(app, corpus, client, auth, runner):
    auth.login("lena")
    pid = corpus["project"]
    assert client.get(f"/api/v1/projects/{pid}/analysis?content=silver").status_code == 400
    assert client.get(f"/api/v1/projects/{pid}/analysis?by=author").status_code == 400
    assert client.get(f"/api/v1/projects/{pid}/analysis?bootstrap=x").status_code == 400
    answer = client.get(f"/api/v1/projects/{pid}/analysis?content=gold&annotator=alice")
    assert answer.status_code == 400
    assert client.get(f"/projects/{pid}/analysis?content=silver").status_code == 400
    auth.logout()
    auth.login("alice")  # an annotator is no lead
    assert client.get(f"/api/v1/projects/{pid}/analysis").status_code == 403
    assert client.get(f"/projects/{pid}/analysis").status_code == 403
    result = runner.invoke(args=["analyse", "Outlet study", "--content", "silver"])
    assert result.exit_code != 0
