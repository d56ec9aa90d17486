"""Outlet, leaning and story analysis: records in, tables out. No Flask, database or services.

``articles_from`` turns document records (with the chosen content: gold, majority or raw)
into ``Article`` values; ``analyse`` gives, per outlet or leaning, every rate with a 95 %
bootstrap interval over articles and a between-group permutation test per measure, the
p-values corrected by Holm's method; ``stories`` compares the outlets within each story.
"""

from annotator.analysis.articles import Article, articles_from
from annotator.analysis.report import analyse, table_rows
from annotator.analysis.stories import stories

__all__ = ["Article", "analyse", "articles_from", "stories", "table_rows"]
