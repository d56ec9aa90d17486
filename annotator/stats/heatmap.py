"""An annotator x annotator heatmap as plain SVG cells (drawn server-side, no library)."""

from __future__ import annotations

CELL = 44
MARGIN = 90


def colour(value: float | None) -> str:
    """White (0) to deep blue (1); grey when undefined."""
    if value is None:
        return "#e5e7eb"
    v = min(max(value, 0.0), 1.0)
    r, g, b = (int(255 - v * (255 - c)) for c in (30, 64, 175))
    return f"#{r:02x}{g:02x}{b:02x}"


def cells(names: list[str], matrix: list[list[float | None]]) -> dict:
    """Geometry for the template: rectangles with fill and label, plus axis labels."""
    rects = []
    for i, row in enumerate(matrix):
        for j, value in enumerate(row):
            rects.append(
                {
                    "x": MARGIN + j * CELL,
                    "y": MARGIN + i * CELL,
                    "fill": colour(value),
                    "text": "–" if value is None else f"{value:.2f}",
                    "dark": value is not None and value > 0.55,
                    "title": f"{names[i]} vs {names[j]}",
                }
            )
    size = MARGIN + CELL * len(names)
    return {
        "rects": rects,
        "size": size,
        "cell": CELL,
        "margin": MARGIN,
        "names": [{"name": n, "pos": MARGIN + k * CELL + CELL // 2} for k, n in enumerate(names)],
    }
