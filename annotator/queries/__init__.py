"""Rows to records: the one adapter from database rows to plain records (``annotator.records``).

- ``documents``: a project's documents in id-ordered batches with their spans, answers and gold;
- ``spans``: span and gold rows to records with document-local ids and links;
- ``labels``: the label schema as records;
- ``rows``: reading driver tuples and JSON text.

Streams in batches with one query each for documents, spans, answers and gold per batch, reading
columns (not ORM objects), so exports and reports run in constant memory.
"""

from annotator.queries.documents import Selection, iter_documents
from annotator.queries.labels import label_records, link_attributes, question_records

__all__ = ["Selection", "iter_documents", "label_records", "link_attributes", "question_records"]
