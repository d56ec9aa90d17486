"""Guidelines Markdown rendered to sanitised HTML (markdown-it-py, then nh3)."""

from __future__ import annotations

from functools import lru_cache

import nh3

ALLOWED_TAGS = {
    "p",
    "br",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "code",
    "pre",
    "blockquote",
    "a",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "del",
}


@lru_cache(maxsize=1)
def _markdown():
    """The parser, made on first use (markdown-it-py is ~4 MB a worker that renders none)."""
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False, "linkify": False}).enable("table")


@lru_cache(maxsize=256)
def render_guidelines(markdown: str) -> str:
    """Safe HTML: no raw HTML passes, links limited to http(s) and mailto."""
    html = _markdown().render(markdown or "")
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
