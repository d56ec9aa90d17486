"""Project-level agreement report: every statistic of the package over plain span records.

Conventions
-----------
* ``spans``: ``SpanRecord``-like objects (``document_id``, ``annotator``, ``start``, ``end``,
  ``label``, optional ``guidelines_version``), mappings with those keys, or
  ``(document_id, annotator, start, end, label[, guidelines_version])`` tuples; or one
  mapping of columns (lists or arrays) with those keys (``table``). ``doc_lengths`` maps
  document id to its length in characters; spans of other documents are dropped (counted
  in ``summary.spans_dropped``) and spans are clipped to their document.
* Who annotated what: ``doc_annotators`` (document -> annotators) when given, otherwise
  every annotator with at least one span in the document. An annotator who read a
  document and marked nothing is only known through ``doc_annotators``; spans by an
  annotator not listed for their document are ignored.
* Character-level alpha (nominal; "none" is a value; see ``character``) uses all documents,
  absent annotators as missing. Its 95% CI resamples whole documents (cluster bootstrap;
  characters of one document are not independent), ``n_boot`` draws, ``seed``.
* Unitizing alpha (``unitizing``) lays the documents annotated by *every* annotator end to
  end as one continuum (DKPro's model has no missing raters); ``documents_used`` says how
  many.
* Span F1 (exact, partial) is computed for every annotator pair on the documents both
  annotated and averaged over pairs; ``pairs`` holds the matrices (heatmaps) and a
  character-level Cohen's kappa matrix (``pairs.pair_kappa``).
* ``per_document.disagreement`` is the observed character-level disagreement (share of
  pairable annotator-character pairs that differ); documents are ranked by it.
* ``per_outlet.label_rates`` is the share of annotated characters carrying each label.
* ``per_version`` repeats the overall figures on the spans of each guidelines version
  (``doc_versions`` maps document -> version, else each span's ``guidelines_version``).
* ``gold`` (``(document_id, start, end, label)`` tuples or records): each annotator against
  the gold spans on the documents both cover: span F1 exact/partial (gold = reference) and
  character-level alpha with annotator and gold as the two raters.
* ``label_confusion``: pairs of overlapping spans by different annotators, by label pair.
* Undefined figures are ``None`` in the report (NaN internally); with no spans or fewer
  than two annotators the report has ``status = "not enough data"`` and a ``reason``.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

import numpy as np

from .alpha import alpha_from_counts
from .core import core
from .corpus import Corpus
from .pairs import confusion, pair_kappa
from .segments import corpus_counts
from .spans import prf_counts, span_tuple
from .table import SpanTable, read_spans


def clean(value):
    """JSON-safe copy: NaN -> None, numpy scalars and arrays -> Python."""
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, np.ndarray):
        return clean(value.tolist())
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return None if math.isnan(value) else float(value)
    return value


def project_report(
    spans: Iterable,
    doc_lengths: Mapping,
    doc_outlets: Mapping | None = None,
    doc_versions: Mapping | None = None,
    *,
    doc_annotators: Mapping | None = None,
    gold: Iterable | None = None,
    n_boot: int = 1000,
    seed: int = 0,
    confidence: float = 0.95,
) -> dict:
    """JSON-serialisable agreement report for a project (see the module docstring)."""
    table = read_spans(spans)
    c = Corpus(table, doc_lengths, doc_annotators)
    summary = {
        "documents": len(c.docs),
        "annotators": [str(a) for a in c.annotators],
        "labels": [str(lab) for lab in c.labels],
        "spans": int(c.doc.size),
        "spans_dropped": c.dropped,
    }
    if c.doc.size == 0 or len(c.annotators) < 2:
        why = "no spans" if c.doc.size == 0 else "fewer than two annotators"
        return clean(
            {"status": "not enough data", "reason": f"not enough data: {why}", "summary": summary}
        )
    figures = core(c, n_boot, seed, confidence)
    ex, pa = figures["f1"]
    names = [str(a) for a in c.annotators]
    report = {
        "status": "ok",
        "summary": summary,
        "overall": figures["overall"],
        "per_label": figures["per_label"],
        "pairs": {
            "annotators": names,
            "f1_exact": ex,
            "f1_partial": pa,
            "kappa": pair_kappa(c, figures["merged"], figures["tallies"]),
        },
        "per_annotator": _per_annotator(c, ex, pa),
        "per_document": _per_document(c, figures["alpha"]),
        "label_confusion": {
            "labels": summary["labels"],
            "matrix": confusion(figures["tallies"]),
        },
    }
    if doc_outlets:
        report["per_outlet"] = _per_outlet(c, figures["alpha"], doc_outlets)
    report["per_version"] = _per_version(table, doc_versions, doc_lengths, doc_annotators, seed)
    if gold is not None:
        report["gold"] = _gold(c, gold)
    return clean(report)


def _per_annotator(c: Corpus, ex, pa) -> dict:
    spans = np.bincount(c.ann, minlength=len(c.annotators))
    docs = c.present.sum(1)
    out = {}
    for i, a in enumerate(c.annotators):
        row_ex, row_pa = np.delete(ex[i], i), np.delete(pa[i], i)
        out[str(a)] = {
            "documents": int(docs[i]),
            "spans": int(spans[i]),
            "spans_per_document": spans[i] / docs[i] if docs[i] else math.nan,
            "mean_f1_exact": float(np.nanmean(row_ex)) if np.isfinite(row_ex).any() else math.nan,
            "mean_f1_partial": float(np.nanmean(row_pa)) if np.isfinite(row_pa).any() else math.nan,
        }
    return out


def _group_alpha(dis, marg, delta):
    n = marg.sum(1)
    d_e = np.einsum("gi,ij,gj->g", marg, delta, marg)
    with np.errstate(divide="ignore", invalid="ignore"):
        alpha = np.where((d_e > 0) & (n > 1), 1.0 - (n - 1) * dis / d_e, np.nan)
        disagreement = np.where(n > 0, dis / n, np.nan)
    return alpha, disagreement


def _per_document(c: Corpus, alpha: dict) -> list:
    dis, marg, delta = alpha["doc_stats"]
    doc_alpha, disagreement = _group_alpha(dis, marg, delta)
    spans = np.bincount(c.doc, minlength=len(c.docs))
    rows = [
        {
            "document_id": d,
            "annotators": int(c.present[:, i].sum()),
            "spans": int(spans[i]),
            "disagreement": float(disagreement[i]),
            "alpha": float(doc_alpha[i]),
        }
        for i, d in enumerate(c.docs)
    ]
    return sorted(rows, key=lambda r: (math.isnan(r["disagreement"]), -r["disagreement"]))


def _per_outlet(c: Corpus, alpha: dict, doc_outlets: Mapping) -> dict:
    outlets = [doc_outlets.get(d) for d in c.docs]
    names = sorted({o for o in outlets if o is not None}, key=str)
    pos = {o: i for i, o in enumerate(names)}
    o_index = np.array([pos[o] if o is not None else -1 for o in outlets])
    dis, marg, delta = alpha["doc_stats"]
    covered, annotated = alpha["covered"], alpha["annotated"]
    out = {}
    for j, name in enumerate(names):
        docs = o_index == j
        a, _ = _group_alpha(
            dis[docs].sum(0, keepdims=True), marg[docs].sum(0, keepdims=True), delta
        )
        denom = annotated[docs].sum()
        out[str(name)] = {
            "documents": int(docs.sum()),
            "character_alpha": float(a[0]),
            "label_rates": {
                str(lab): float(covered[i, docs].sum() / denom) if denom else math.nan
                for i, lab in enumerate(c.labels)
            },
        }
    return out


def _per_version(table: SpanTable, doc_versions, doc_lengths, doc_annotators, seed) -> dict:
    if doc_versions:
        names = [doc_versions.get(d) for d in table.doc_names]
        codes = {}
        per_doc = np.array([codes.setdefault(v, len(codes)) for v in names], dtype=np.int64)
        version, version_names = per_doc[table.doc], list(codes)
    elif table.version is None:
        return {}
    else:
        version, version_names = table.version, table.version_names
    present = np.flatnonzero(np.bincount(version, minlength=len(version_names)))
    distinct = sorted(
        (version_names[i] for i in present.tolist() if version_names[i] is not None), key=str
    )
    index = {v: i for i, v in enumerate(version_names)}
    out = {}
    for v in distinct:
        c = Corpus(table.take(np.flatnonzero(version == index[v])), doc_lengths, doc_annotators)
        if c.doc.size == 0 or len(c.annotators) < 2:
            out[str(v)] = {"reason": "not enough data: fewer than two annotators"}
            continue
        c.present &= np.isin(np.arange(len(c.docs)), c.doc)[None, :]
        out[str(v)] = {"spans": int(c.doc.size), **core(c, 0, seed, 0.95)["overall"]}
    return out


def _gold(c: Corpus, gold: Iterable) -> dict:
    rows = [span_tuple(g) for g in gold]
    by_doc = {d: i for i, d in enumerate(c.docs)}
    rows = [r for r in rows if r[0] in by_doc]
    out = {}
    if not rows:
        return {"reason": "not enough data: no gold spans in these documents"}
    labels = {lab: i for i, lab in enumerate(c.labels)}
    for r in rows:
        labels.setdefault(r[3], len(labels))
    g_doc = np.array([by_doc[r[0]] for r in rows], dtype=np.int64)
    g_lab = np.array([labels[r[3]] for r in rows], dtype=np.int64)
    g_s = np.clip(np.array([r[1] for r in rows], dtype=np.int64), 0, c.lengths[g_doc])
    g_e = np.clip(np.array([r[2] for r in rows], dtype=np.int64), 0, c.lengths[g_doc])
    ok = g_e > g_s
    g_doc, g_lab, g_s, g_e = g_doc[ok], g_lab[ok], g_s[ok], g_e[ok]
    gold_docs = np.zeros(len(c.docs), dtype=bool)
    gold_docs[g_doc] = True
    width = int(c.lengths.max()) + 1
    for i, a in enumerate(c.annotators):
        docs = gold_docs & c.present[i]
        mine = (c.ann == i) & docs[c.doc]
        g_sel = docs[g_doc]
        ref = (g_doc[g_sel], g_s[g_sel], g_e[g_sel], g_lab[g_sel])
        cand = (c.doc[mine], c.start[mine], c.end[mine], c.lab[mine])
        entry = {"documents": int(docs.sum())}
        for match in ("exact", "partial"):
            p_num, p_den, r_num, r_den = prf_counts(ref, cand, len(labels), match, width)
            p = p_num.sum() / p_den.sum() if p_den.sum() else 0.0
            r = r_num.sum() / r_den.sum() if r_den.sum() else 0.0
            entry[f"f1_{match}"] = (
                2 * p * r / (p + r) if p + r else (1.0 if not p_den.sum() + r_den.sum() else 0.0)
            )
        pres = np.stack([docs, docs])
        both_ann = np.concatenate(
            [np.zeros(mine.sum(), dtype=np.int64), np.ones(g_sel.sum(), dtype=np.int64)]
        )
        cat = [
            np.concatenate([mine_col[mine], gold_col[g_sel]])
            for mine_col, gold_col in ((c.doc, g_doc), (c.lab, g_lab), (c.start, g_s), (c.end, g_e))
        ]
        counts, w, *_ = corpus_counts(both_ann, *cat, c.lengths, pres, len(labels))
        entry["character_alpha"] = alpha_from_counts(
            counts, list(range(counts.shape[1])), "nominal", w
        )
        out[str(a)] = entry
    return out
