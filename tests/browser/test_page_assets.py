"""The annotate page's static assets (no browser needed)."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
JS = ROOT / "static" / "js" / "annotate"
TEMPLATE = ROOT / "templates" / "annotate" / "page.html"


def test_every_module_is_preloaded():
    """page.html lists every module for <link rel=modulepreload>; a missing one still works
    but loads late (one more round trip), so keep the list complete."""
    source = TEMPLATE.read_text(encoding="utf-8")
    listed = source[source.index("set modules") : source.index("] -%}")]
    assert set(re.findall(r"'(\w+)'", listed)) == {p.stem for p in JS.glob("*.js")}


def test_no_inline_scripts_styles_or_html_injection():
    """The CSP forbids inline scripts and style attributes; user data goes through the DOM."""
    template = TEMPLATE.read_text(encoding="utf-8")
    assert "style=" not in template
    # A JSON data block is never executed (the article's data, escaped by the view).
    assert re.search(r'<script(?![^>]*\b(src=|type="application/json"))', template) is None
    for path in JS.glob("*.js"):
        code = path.read_text(encoding="utf-8")
        assert "innerHTML" not in code and "insertAdjacentHTML" not in code, path.name
        assert 'setAttribute("style"' not in code, path.name
