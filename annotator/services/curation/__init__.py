"""Curating gold: gold spans and answers, and auto-merge runs (the vote rules themselves are the
pure ``annotator.adjudication``)."""
