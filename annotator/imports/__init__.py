"""The lead's "Import annotations" page (the ``import-annotations`` CLI in the browser)."""
