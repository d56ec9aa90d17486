"""Annotating an article: the article's context and payload, span create/update/delete and their
rules, answers and status (workflow), and the per-request read connection."""
