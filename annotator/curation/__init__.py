"""Adjudication: the curation queue and page (HTML) and their JSON API (``api``)."""
