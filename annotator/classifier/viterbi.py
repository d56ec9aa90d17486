"""Constrained Viterbi decoding of BIO tags from per-token tag probabilities.

Allowed sequences: ``I-X`` only after ``B-X`` or ``I-X`` of the same label, never first. The
path maximises the sum of log probabilities, with ``outside_bias`` added to the log
probability of ``O`` (negative values make spans more likely, positive values fewer).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

OUTSIDE = "O"


def transitions(tags: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
    """(allowed[prev, cur], allowed_first[cur]) as 0 / -inf additive masks."""
    n = len(tags)
    allowed = np.zeros((n, n))
    first = np.zeros(n)
    for j, cur in enumerate(tags):
        if cur.startswith("I-"):
            label = cur[2:]
            first[j] = -np.inf
            for i, prev in enumerate(tags):
                if prev not in (f"B-{label}", f"I-{label}"):
                    allowed[i, j] = -np.inf
    return allowed, first


def viterbi(log_proba: np.ndarray, allowed: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Best allowed tag index per token of one sentence (``log_proba``: tokens x tags)."""
    n, t = log_proba.shape
    if n == 0:
        return np.zeros(0, dtype=int)
    score = log_proba[0] + first
    back = np.zeros((n, t), dtype=int)
    for k in range(1, n):
        cand = score[:, None] + allowed
        back[k] = cand.argmax(axis=0)
        score = cand[back[k], np.arange(t)] + log_proba[k]
    path = np.zeros(n, dtype=int)
    path[-1] = int(score.argmax())
    for k in range(n - 1, 0, -1):
        path[k - 1] = back[k, path[k]]
    return path
