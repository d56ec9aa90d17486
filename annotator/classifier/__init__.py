"""Baseline classifiers for bias suggestions: pure scikit-learn, no Flask.

- sentence model: TF-IDF word + char n-grams and balanced logistic regression
  (:func:`sentence_pipeline`, multi-label :class:`MultiLabelSentenceClassifier`);
- span model: BIO token tagger (:class:`SpanTagger`);
- training data from records (:func:`training_spans`), seeded grouped cross-validation
  (:func:`cross_validate_sentences`, :func:`cross_validate_spans`), model files with a verified
  JSON sidecar (:func:`save_model`, :func:`load_model`) and suggestions (:func:`predict_spans`).
"""

from .data import SentenceExamples, TrainingSpans, sentence_examples, training_hash, training_spans
from .evaluation import cross_validate_sentences, cross_validate_spans, folds
from .persistence import ModelFileError, load_model, read_metadata, save_model
from .predict import default_threshold, predict_spans
from .sentence_model import (
    MultiLabelSentenceClassifier,
    multilabel_sentence_classifier,
    sentence_pipeline,
)
from .sentences import sentence_labels, split_sentences
from .span_model import SpanTagger, bio_tags, decode, tokenize
from .train import train_model
from .uncertainty import document_uncertainty, uncertainties

__all__ = [
    "ModelFileError",
    "MultiLabelSentenceClassifier",
    "SentenceExamples",
    "SpanTagger",
    "TrainingSpans",
    "bio_tags",
    "cross_validate_sentences",
    "cross_validate_spans",
    "decode",
    "default_threshold",
    "document_uncertainty",
    "folds",
    "load_model",
    "multilabel_sentence_classifier",
    "predict_spans",
    "read_metadata",
    "save_model",
    "sentence_examples",
    "sentence_labels",
    "sentence_pipeline",
    "split_sentences",
    "tokenize",
    "train_model",
    "training_hash",
    "training_spans",
    "uncertainties",
]
