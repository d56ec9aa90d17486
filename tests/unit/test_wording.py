"""Counted nouns in messages: "1 article", "2 articles"; "an annotator", "a lead"."""

from annotator.services.projects.assigning import AssignReport
from annotator.services.transfer.importing import ImportReport
from annotator.wording import plural, with_article


def test_plural_and_article():
    assert plural(1, "article") == "1 article"
    assert plural(0, "article") == "0 articles"
    assert plural(2, "article") == "2 articles"
    assert plural(12_000, "article") == "12,000 articles"
    assert with_article("annotator") == "an annotator"
    assert with_article("lead") == "a lead"


def test_import_and_assign_summaries_count_properly():
    assert ImportReport(imported=1, duplicates=1).summary() == (
        "Imported 1 article; skipped 1 duplicate."
    )
    assert ImportReport(imported=2).summary() == "Imported 2 articles; skipped 0 duplicates."
    assert AssignReport(created=1, annotators=1, unfilled=1).summary() == (
        "Created 1 assignment for 1 annotator; 1 article has fewer than k annotators available."
    )
