"""Reliability models: our results are crowd-kit's, and they beat majority vote on a crowd
with known competences (fixed seed)."""

from __future__ import annotations

import random

import pandas as pd
import pytest
from crowdkit.aggregation import MACE, DawidSkene, MajorityVote

from annotator.reliability import aggregate

LABELS = ("left", "center", "right")


def simulated_crowd(seed: int = 7, items: int = 150):
    """Five annotators of known competence (probability of giving the true label; otherwise a
    uniformly random other label), three per item; two are near-spammers."""
    rng = random.Random(seed)
    competence = {"ann": 0.9, "ben": 0.8, "cat": 0.7, "dan": 0.35, "eve": 0.35}
    truth, triples = {}, []
    for i in range(items):
        true = rng.choice(LABELS)
        truth[f"doc{i}"] = true
        for who in rng.sample(sorted(competence), 3):
            if rng.random() < competence[who]:
                given = true
            else:
                given = rng.choice([v for v in LABELS if v != true])
            triples.append((f"doc{i}", who, given))
    return truth, triples, competence


def frame(triples):
    return pd.DataFrame(triples, columns=["task", "worker", "label"])


def accuracy(labels, truth):
    return sum(labels[k] == v for k, v in truth.items()) / len(truth)


def test_dawid_skene_equals_crowdkit():
    _, triples, _ = simulated_crowd()
    ours = aggregate(triples, "dawid_skene", n_iter=30)
    theirs = DawidSkene(n_iter=30).fit(frame(triples))
    assert ours.labels == {task: str(v) for task, v in theirs.labels_.items()}
    for task, row in theirs.probas_.iterrows():
        for label, p in row.items():
            assert ours.probabilities[task][label] == pytest.approx(p)
    errors, priors = theirs.errors_, theirs.priors_
    for who, value in ours.competence.items():
        expected = sum(priors[t] * errors.loc[(who, t), t] for t in priors.index)
        assert value == pytest.approx(expected)


def test_mace_equals_crowdkit():
    _, triples, _ = simulated_crowd()
    ours = aggregate(triples, "mace", seed=3, n_iter=20, restarts=2)
    theirs = MACE(n_restarts=2, n_iter=20, random_state=3).fit(frame(triples))
    assert ours.labels == {task: str(v) for task, v in theirs.labels_.items()}
    for task, row in theirs.probas_.iterrows():
        for label, p in row.items():
            assert ours.probabilities[task][label] == pytest.approx(p)
    workers = list(dict.fromkeys(frame(triples)["worker"]))
    for position, who in enumerate(workers):
        assert ours.competence[who] == pytest.approx(theirs.spamming_[position, 1])


def test_majority_equals_crowdkit_where_there_is_no_tie():
    _, triples, _ = simulated_crowd()
    ours = aggregate(triples, "majority")
    theirs = MajorityVote().fit(frame(triples))
    for task, row in theirs.probas_.iterrows():
        if sorted(row.values)[-1] == sorted(row.values)[-2]:
            continue  # ties: crowd-kit picks at random, we pick the first in sorted order
        assert ours.labels[task] == theirs.labels_[task]
        for label, p in row.items():
            assert ours.probabilities[task].get(label, 0.0) == pytest.approx(p)


@pytest.mark.parametrize("method", ["dawid_skene", "mace"])
def test_models_recover_the_truth_better_than_majority_vote(method):
    truth, triples, competence = simulated_crowd()
    majority = accuracy(aggregate(triples, "majority").labels, truth)
    model = aggregate(triples, method, seed=0, n_iter=30, restarts=3)
    assert accuracy(model.labels, truth) > majority + 0.02
    # and they rank the annotators by their true competence
    ranked = sorted(model.competence, key=model.competence.get, reverse=True)
    assert ranked[:3] == ["ann", "ben", "cat"]
    assert set(ranked[3:]) == {"dan", "eve"}
    assert model.competence["ann"] > model.competence["dan"] + 0.3


def test_every_item_gets_a_label_and_repeats_count_once():
    result = aggregate([("a", "x", "1"), ("a", "x", "2"), ("b", "y", "1")], "dawid_skene")
    assert set(result.labels) == {"a", "b"}
    assert result.annotations == 2  # x's second answer on a replaced the first
    assert result.labels["a"] == "2"
    assert aggregate([], "mace").labels == {}
    with pytest.raises(ValueError, match="unknown aggregation"):
        aggregate([], "glad")


def test_one_value_everywhere_fits_no_model():
    result = aggregate([("a", "x", "no"), ("a", "y", "no"), ("b", "x", "no")], "mace")
    assert result.labels == {"a": "no", "b": "no"}
    assert result.probabilities["a"] == {"no": 1.0}
    assert result.competence == {}  # not identifiable: left empty, not guessed
