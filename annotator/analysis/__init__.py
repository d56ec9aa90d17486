"""Outlet, leaning and story analysis: records in, tables out. No Flask, database or services.

``articles_from`` turns document records (with the chosen content: gold, majority or raw)
into ``Article`` values; ``analyse`` gives, per outlet or leaning, every rate with a 95 %
bootstrap interval over articles and a between-group permutation test per measure, the
p-values corrected by Holm's method; ``stories`` compares the outlets within each story.
"""

from annotator.analysis.articles import Article, articles_from
from annotator.analysis.stories import stories

__all__ = ["Article", "analyse", "articles_from", "stories", "table_rows"]


def __getattr__(name: str):
    """``analyse`` and ``table_rows`` load the report module (and numpy) on first use: the
    web app imports this package for its pages, and its workers need numpy only there."""
    if name in ("analyse", "table_rows"):
        from annotator.analysis import report

        return getattr(report, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
