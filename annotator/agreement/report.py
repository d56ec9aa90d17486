"""Project-level agreement report: every statistic of the package over plain span records.

Conventions
-----------
* ``spans``: ``SpanRecord``-like objects (``document_id``, ``annotator``, ``start``, ``end``,
  ``label``, optional ``guidelines_version``), mappings with those keys, or
  ``(document_id, annotator, start, end, label)`` tuples. ``doc_lengths`` maps document id
  to its length in characters; spans of other documents are dropped (counted in
  ``summary.spans_dropped``) and spans are clipped to their document.
* Who annotated what: ``doc_annotators`` (document -> annotators) when given, otherwise
  every annotator with at least one span in the document. An annotator who read a
  document and marked nothing is only known through ``doc_annotators``; spans by an
  annotator not listed for their document are ignored.
* Character-level alpha (nominal; "none" is a value; see ``positions``) uses all documents,
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

from .alpha import alpha_from_counts, bootstrap_alphas
from .corpus import Corpus, Merged, columns
from .pairs import confusion, pair_f1, pair_kappa
from .positions import corpus_counts
from .spans import prf_counts, span_tuple
from .unitizing import expected_disagreement, observed_sums, result_from


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


def _nominal(cols, m, w, seg_doc, n_docs):
    """Per-document observed disagreement and value marginals (nominal, weighted units).

    ``cols`` are the value-count columns of the units, ``m`` their sums.
    """
    pairable = m >= 2
    scale = np.where(pairable, w / np.where(pairable, m - 1, 1), 0.0)
    squares = sum(col * col for col in cols)
    dis = np.bincount(seg_doc, weights=scale * (m * m - squares), minlength=n_docs)
    wp = w * pairable
    marg = np.stack([np.bincount(seg_doc, weights=col * wp, minlength=n_docs) for col in cols], 1)
    return dis, marg


def _alpha_of(dis, marg) -> float:
    marg = marg.sum(0)
    n = marg.sum()
    d_e = n**2 - (marg**2).sum()
    return 1.0 - (n - 1) * dis.sum() / d_e if n > 1 and d_e > 0 else math.nan


def _alpha_section(c: Corpus, n_boot: int, seed: int, confidence: float) -> dict:
    """Character-level alpha overall and per label, with document-bootstrap CIs."""
    k = len(c.labels)
    counts, w, seg_doc, values, n1 = corpus_counts(
        c.ann, c.doc, c.lab, c.start, c.end, c.lengths, c.present, k
    )
    cols = list(counts.T.copy())
    m = sum(cols)
    n_docs = len(c.docs)
    names = ["overall", *c.labels]
    stats = [_nominal(cols, m, w, seg_doc, n_docs)]
    stats += [_nominal([m - n1[i], n1[i]], m, w, seg_doc, n_docs) for i in range(k)]
    out = {name: {"alpha": _alpha_of(*st)} for name, st in zip(names, stats, strict=True)}
    boot = [(dis, marg, 1.0 - np.eye(marg.shape[1])) for dis, marg in stats]
    cis = (
        bootstrap_alphas(boot, n_boot, seed, confidence)
        if n_boot
        else [(math.nan,) * 2] * len(boot)
    )
    for name, ci in zip(names, cis, strict=True):
        out[name]["ci"] = list(ci)
    return {"values": out, "doc_stats": boot[0], "n1": n1, "m": m, "w": w, "seg_doc": seg_doc}


def _unitizing_section(c: Corpus, mg: Merged) -> dict:
    complete = c.present.all(0)
    if c.present.shape[0] < 2 or not complete.any():
        reason = "not enough data: no document was annotated by every annotator"
        return {"overall": None, "per_label": {}, "documents_used": 0, "reason": reason}
    n_ann, k = len(c.annotators), len(c.labels)
    length = int(c.lengths[complete].sum())
    new_off = np.concatenate([[0], np.cumsum(np.where(complete, c.lengths, 0))])[:-1]
    include = complete[mg.doc]
    ii, jj = mg.ii, mg.jj
    sq = (mg.s_i - mg.s_j).astype(float) ** 2 + (mg.e_i - mg.e_j).astype(float) ** 2
    if not complete.all():
        pair_ok = complete[mg.pair_doc]
        ii, jj, sq = ii[pair_ok], jj[pair_ok], sq[pair_ok]
    d_o = observed_sums(mg.lab, mg.ann, mg.s, mg.e, ii, jj, n_ann, k, include, sq)
    d_o *= 2.0 / (n_ann * (n_ann - 1) * float(length) ** 2)
    shift = (c.offsets[:-1] - new_off)[mg.doc[include]]
    s, e = mg.s[include] - shift, mg.e[include] - shift
    d_e = expected_disagreement(mg.lab[include], mg.ann[include], s, e, n_ann, k, 0, length)
    res = result_from(d_o, d_e, c.labels)
    return {
        "overall": res.overall,
        "per_label": res.per_label,
        "documents_used": int(complete.sum()),
    }


def _mean_offdiag(mat: np.ndarray) -> float:
    vals = mat[~np.eye(mat.shape[0], dtype=bool)]
    vals = vals[~np.isnan(vals)]
    return float(vals.mean()) if vals.size else math.nan


def _core(c: Corpus, n_boot: int, seed: int, confidence: float) -> dict:
    """Overall and per-label figures plus the pieces other sections reuse."""
    alpha = _alpha_section(c, n_boot, seed, confidence)
    mg = Merged(c)
    unit = _unitizing_section(c, mg)
    (ex, ex_l), (pa, pa_l) = pair_f1(c, mg)
    overall = {
        "unitizing_alpha": unit["overall"],
        "character_alpha": alpha["values"]["overall"]["alpha"],
        "character_alpha_ci": alpha["values"]["overall"]["ci"],
        "span_f1_exact": _mean_offdiag(ex),
        "span_f1_partial": _mean_offdiag(pa),
        "unitizing_documents": unit["documents_used"],
    }
    per_label = {
        str(lab): {
            "unitizing_alpha": unit["per_label"].get(str(lab)),
            "character_alpha": alpha["values"][lab]["alpha"],
            "character_alpha_ci": alpha["values"][lab]["ci"],
            "span_f1_exact": _mean_offdiag(ex_l[:, :, i]),
            "span_f1_partial": _mean_offdiag(pa_l[:, :, i]),
        }
        for i, lab in enumerate(c.labels)
    }
    return {
        "overall": overall,
        "per_label": per_label,
        "alpha": alpha,
        "f1": (ex, pa),
        "merged": mg,
    }


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
    cols = columns(spans)
    c = Corpus(cols, doc_lengths, doc_annotators)
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
    core = _core(c, n_boot, seed, confidence)
    ex, pa = core["f1"]
    names = [str(a) for a in c.annotators]
    report = {
        "status": "ok",
        "summary": summary,
        "overall": core["overall"],
        "per_label": core["per_label"],
        "pairs": {
            "annotators": names,
            "f1_exact": ex,
            "f1_partial": pa,
            "kappa": pair_kappa(c, core["merged"]),
        },
        "per_annotator": _per_annotator(c, ex, pa),
        "per_document": _per_document(c, core["alpha"]),
        "label_confusion": {
            "labels": summary["labels"],
            "matrix": confusion(core["merged"], len(c.labels)),
        },
    }
    if doc_outlets:
        report["per_outlet"] = _per_outlet(c, core["alpha"], doc_outlets)
    report["per_version"] = _per_version(cols, doc_versions, doc_lengths, doc_annotators, seed)
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
    o_index = np.array([names.index(o) if o is not None else -1 for o in outlets])
    dis, marg, delta = alpha["doc_stats"]
    seg_outlet = o_index[alpha["seg_doc"]]
    covered = alpha["n1"] * alpha["w"]
    annotated = alpha["m"] * alpha["w"]
    out = {}
    for j, name in enumerate(names):
        docs = o_index == j
        a, _ = _group_alpha(
            dis[docs].sum(0, keepdims=True), marg[docs].sum(0, keepdims=True), delta
        )
        seg = seg_outlet == j
        denom = annotated[seg].sum()
        out[str(name)] = {
            "documents": int(docs.sum()),
            "character_alpha": float(a[0]),
            "label_rates": {
                str(lab): float(covered[i, seg].sum() / denom) if denom else math.nan
                for i, lab in enumerate(c.labels)
            },
        }
    return out


def _per_version(cols, doc_versions, doc_lengths, doc_annotators, seed) -> dict:
    if doc_versions:
        version_of = [doc_versions.get(d) for d in cols[0]]
    else:
        version_of = list(cols[5])
    distinct = sorted({v for v in version_of if v is not None}, key=str)
    out = {}
    for v in distinct:
        idx = [i for i, rv in enumerate(version_of) if rv == v]
        sub = [tuple(col[i] for i in idx) for col in cols]
        c = Corpus(sub, doc_lengths, doc_annotators)
        if c.doc.size == 0 or len(c.annotators) < 2:
            out[str(v)] = {"reason": "not enough data: fewer than two annotators"}
            continue
        c.present &= np.isin(np.arange(len(c.docs)), c.doc)[None, :]
        out[str(v)] = {"spans": int(c.doc.size), **_core(c, 0, seed, 0.95)["overall"]}
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
