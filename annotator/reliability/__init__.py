"""Annotator reliability: each annotator's competence and each item's label, from crowd labels.

Pure (no Flask, no database): ``(item, annotator, label)`` triples in, an ``Aggregation`` out.
The models are crowd-kit's (https://github.com/Toloka/crowd-kit), not hand-written EM:

* ``majority``: the most common label (ties: the first in sorted order); probabilities are
  the vote fractions; competence is the share of an annotator's labels that equal the
  majority label.
* ``dawid_skene``: ``crowdkit.aggregation.DawidSkene`` (Dawid & Skene 1979): a confusion
  matrix per annotator; competence is the prior-weighted diagonal of that matrix, i.e. the
  estimated probability that the annotator gives the true label.
* ``mace``: ``crowdkit.aggregation.MACE`` (Hovy et al. 2013): each annotator either knows the
  label or guesses; competence is the posterior probability that they are not guessing.

When every annotation has the same value no model is fitted: each item gets that value and
competence is left empty (it cannot be estimated). Items with a single label still count
(as in crowd-kit); nothing is dropped: every item in the input has a label and a
distribution in the result.
"""

from .models import METHODS, Aggregation, aggregate

__all__ = ["METHODS", "Aggregation", "aggregate"]
