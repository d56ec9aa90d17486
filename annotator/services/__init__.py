"""Use cases shared by views, API and CLI. Plain functions over the session; no requests."""
