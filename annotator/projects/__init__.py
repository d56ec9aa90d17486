"""Project pages (the blueprint lives in routes.py; schema_routes.py adds the schema pages)."""
