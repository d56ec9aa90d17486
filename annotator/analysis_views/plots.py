"""Figures of an analysis report drawn with matplotlib (Agg), as SVG, PNG or PDF bytes.

Served as files (``<img src>`` and downloads), never inline, so the page's CSP stays intact.
matplotlib (and numpy with it: ~45 MB and ~1 s per worker) is imported on the first figure,
never by the app's start or its hot paths.
"""

from __future__ import annotations

import io

FORMATS = {"svg": "image/svg+xml", "png": "image/png", "pdf": "application/pdf"}
KINDS = {
    "labels": "Label rates per 1,000 characters",
    "questions": "Question means",
    "frames": "Attribute-value profile per article",
}


def _figure_class():
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure

    return Figure


def _selected(report: dict, kind: str) -> list[dict]:
    measures = report["measures"]
    if kind == "labels":
        return [m for m in measures if m["kind"] == "label" and m["unit"].startswith("per 1,000")]
    if kind == "questions":
        return [m for m in measures if m["kind"] == "question"]
    return [m for m in measures if m["kind"] == "attribute" and m["unit"] == "per article"]


def figure(report: dict, kind: str, fmt: str) -> bytes:
    """Grouped bars: one group of bars per measure, one bar per outlet (or leaning), with the
    95 % bootstrap interval as error bars."""
    measures = _selected(report, kind)
    groups = [g["name"] for g in report["groups"]]
    height = 3.2 if kind != "frames" else max(3.2, 0.35 * len(measures) + 1.5)
    fig = _figure_class()(figsize=(8, height), layout="constrained")
    ax = fig.add_subplot()
    if not measures or not groups:
        ax.text(0.5, 0.5, "nothing to plot", ha="center", va="center", transform=ax.transAxes)
        ax.set_axis_off()
    else:
        width = 0.8 / len(groups)
        horizontal = kind == "frames"
        for i, group in enumerate(groups):
            values, low, high = [], [], []
            for m in measures:
                cell = m["groups"][group]
                value = cell["estimate"] if cell["estimate"] is not None else 0.0
                lo, hi = cell["ci"]
                values.append(value)
                low.append(max(0.0, value - lo) if lo is not None else 0.0)
                high.append(max(0.0, hi - value) if hi is not None else 0.0)
            positions = [j + (i - (len(groups) - 1) / 2) * width for j in range(len(measures))]
            bars = ax.barh if horizontal else ax.bar
            bars(
                positions,
                values,
                width,
                label=group,
                **{("xerr" if horizontal else "yerr"): [low, high]},
                capsize=2,
            )
        names = [
            m["question"]
            if kind == "questions"
            else (f"{m['label']}: {m['value']}" if kind == "frames" else m["label"])
            for m in measures
        ]
        if horizontal:
            ax.set_yticks(range(len(measures)), names, fontsize=8)
            ax.invert_yaxis()
            ax.set_xlabel("spans per article (95% bootstrap interval)")
        else:
            ax.set_xticks(range(len(measures)), names, fontsize=8)
            unit = "mean answer" if kind == "questions" else "spans per 1,000 characters"
            ax.set_ylabel(f"{unit} (95% CI)")
        ax.legend(fontsize=8, title=report["by"])
    ax.set_title(f"{KINDS[kind]} by {report['by']} ({report['content']})", fontsize=10)
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata={"Date": None} if fmt in ("svg", "pdf") else None)
    return out.getvalue()


def learning_curve_figure(curves: dict[str, list[dict]], fmt: str, window: int = 5) -> bytes:
    """Two panels, agreement with gold and with peers, by the n-th article finished: one line
    per annotator (running mean of the last ``window`` articles)."""
    from annotator.analysis.learning import smooth

    fig = _figure_class()(figsize=(8, 5.4), layout="constrained")
    axes = fig.subplots(2, 1, sharex=True)
    for ax, key, title in (
        (axes[0], "gold", "Partial span F1 against gold"),
        (axes[1], "peers", "Mean partial span F1 against peers"),
    ):
        drawn = False
        for who in sorted(curves):
            line = smooth(curves[who], key, window)
            if line:
                ax.plot([n for n, _ in line], [v for _, v in line], marker=".", label=who)
                drawn = True
        ax.set_ylim(-0.02, 1.02)
        ax.set_ylabel("F1")
        ax.set_title(f"{title} (running mean of {window})", fontsize=10)
        if drawn:
            ax.legend(fontsize=8, loc="lower right")
        else:
            ax.text(0.5, 0.5, "nothing to plot", ha="center", va="center", transform=ax.transAxes)
    axes[1].set_xlabel("n-th article the annotator finished")
    out = io.BytesIO()
    fig.savefig(out, format=fmt, metadata={"Date": None} if fmt in ("svg", "pdf") else None)
    return out.getvalue()
