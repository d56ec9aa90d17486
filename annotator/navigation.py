"""Links that feature blueprints add to a project's sub-navigation (for leads)."""

from __future__ import annotations

from flask import url_for

PROJECT_LINKS: list[tuple[str, str]] = []  # (endpoint taking project_id, title)


def add_project_link(endpoint: str, title: str) -> None:
    if (endpoint, title) not in PROJECT_LINKS:
        PROJECT_LINKS.append((endpoint, title))


def init_app(app) -> None:
    @app.context_processor
    def links():
        def extra_project_links(project):
            return [
                (url_for(endpoint, project_id=project.id), title)
                for endpoint, title in PROJECT_LINKS
                if endpoint in app.view_functions
            ]

        return {"extra_project_links": extra_project_links}
