"""Real data: BABE (published alpha 0.40) and PolNeAR multi-annotator brat spans."""

import csv

import numpy as np
import pytest

from annotator.agreement import krippendorff_alpha, project_report
from annotator.agreement.positions import TOKEN_RE
from annotator.formats.brat import parse_ann
from tests.shared import SHARED_DATA, requires_shared_data, skip_without_shared_data

BABE = SHARED_DATA / "babe" / "raw_labels_SG2.csv"
POLNEAR = SHARED_DATA / "polnear-multi"
ROLES = ("Source", "Cue", "Content")


@requires_shared_data("babe/raw_labels_SG2.csv")
def test_babe_label_bias_alpha_is_published_040():
    with BABE.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    texts = {t: i for i, t in enumerate(sorted({r["text"] for r in rows}))}
    annotators = {a: i for i, a in enumerate(sorted({r["annotator_id"] for r in rows}))}
    data = [[None] * len(texts) for _ in annotators]
    for r in rows:
        data[annotators[r["annotator_id"]]][texts[r["text"]]] = r["label_bias"]
    alpha = krippendorff_alpha(data, "nominal")
    print(
        f"BABE SG2 label_bias alpha = {alpha:.4f} "
        f"({len(annotators)} experts, {len(texts)} sentences)"
    )
    assert round(alpha, 2) == 0.40


def _polnear():
    with (POLNEAR / "metadata.tsv").open(encoding="utf-8", newline="") as fh:
        meta = list(csv.DictReader(fh, delimiter="\t"))
    texts, doc_annotators, spans = {}, {}, []
    for m in meta:
        doc = m["filename"]
        with (POLNEAR / "text" / f"{doc}.txt").open(encoding="utf-8", newline="") as fh:
            texts[doc] = fh.read()
        doc_annotators[doc] = m["annotators"].split("|")
        for a in doc_annotators[doc]:
            path = POLNEAR / "attributions" / f"{doc}_{a}.ann"
            with path.open(encoding="utf-8", newline="") as fh:
                spans += parse_ann(fh.read(), document_id=doc, annotator=a, text=texts[doc])
    return texts, doc_annotators, [s for s in spans if s.label in ROLES]


@pytest.fixture(scope="module")
def polnear():
    skip_without_shared_data("polnear-multi")
    return _polnear()


def test_polnear_span_f1_and_unitizing_alpha(polnear):
    texts, doc_annotators, spans = polnear
    assert len(texts) == 24
    lengths = {d: len(t) for d, t in texts.items()}
    report = project_report(spans, lengths, doc_annotators=doc_annotators, n_boot=1000, seed=0)
    o = report["overall"]
    print(f"PolNeAR overall: unitizing alpha {o['unitizing_alpha']:.3f} "
          f"({o['unitizing_documents']} complete articles), character alpha "
          f"{o['character_alpha']:.3f} CI {o['character_alpha_ci']}, "
          f"F1 exact {o['span_f1_exact']:.3f}, partial {o['span_f1_partial']:.3f}")  # fmt: skip
    for label in ROLES:
        f = report["per_label"][label]
        print(f"PolNeAR {label}: unitizing alpha {f['unitizing_alpha']:.3f}, character alpha "
              f"{f['character_alpha']:.3f}, F1 exact {f['span_f1_exact']:.3f}, "
              f"partial {f['span_f1_partial']:.3f}")  # fmt: skip
        assert 0.5 < f["unitizing_alpha"] < 0.9
        assert f["span_f1_exact"] < f["span_f1_partial"] <= 1
    assert o["unitizing_documents"] == 23  # one article has five annotators, not six
    assert 0.6 < o["unitizing_alpha"] < 0.8 and 0.6 < o["span_f1_exact"] < o["span_f1_partial"]


def test_polnear_token_alpha_near_published(polnear):
    texts, doc_annotators, spans = polnear
    annotators = sorted({a for anns in doc_annotators.values() for a in anns})
    blocks = []
    for doc, text in texts.items():
        tokens = np.array([m.span() for m in TOKEN_RE.finditer(text)])
        block = np.full((len(annotators), len(tokens)), np.nan)
        for i, a in enumerate(annotators):
            if a in doc_annotators[doc]:
                block[i] = 0
        for s in spans:
            if s.document_id == doc:
                hit = (tokens[:, 0] < s.end) & (tokens[:, 1] > s.start)
                row = annotators.index(s.annotator)
                block[row, hit] = block[row, hit].astype(int) | (1 << ROLES.index(s.label))
        blocks.append(block)
    alpha = krippendorff_alpha(np.concatenate(blocks, axis=1), "nominal")
    print(f"PolNeAR token-level alpha (Source/Cue/Content) = {alpha:.3f}; published 0.754")
    assert abs(alpha - 0.754) < 0.05
