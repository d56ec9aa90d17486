"""Property test of the browser's offset conversion (static/js/annotate/offsets.js): for
arbitrary Unicode text, UTF-16 <-> code point conversion agrees with Python's own counting
and round-trips. Hypothesis draws the texts; node runs the module once per batch."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.test_offsets_js import _node

MODULE = Path(__file__).resolve().parents[2] / "static" / "js" / "annotate" / "offsets.js"
SCRIPT = f"""
import {{ OffsetMap }} from {json.dumps(MODULE.as_uri())};
let data = "";
process.stdin.on("data", (c) => (data += c));
process.stdin.on("end", () => {{
  const out = JSON.parse(data).map((text) => {{
    const map = new OffsetMap(text);
    const toU = [], toCp = [];
    for (let cp = 0; cp <= map.lengthCp; cp++) toU.push(map.toUtf16(cp));
    for (let u = 0; u <= text.length; u++) toCp.push(map.toCodePoint(u));
    return {{ toU, toCp }};
  }});
  process.stdout.write(JSON.stringify(out));
}});
"""
texts = st.text(alphabet=st.characters(blacklist_categories=["Cs"]), max_size=40)
emoji_heavy = st.lists(
    st.sampled_from(["a", " ", "🤝", "é", "e\u0301", "“", "\n", "𝔸"]), max_size=30
).map("".join)


def convert(batch: list[str]) -> list[dict]:
    result = subprocess.run(
        [_node(), "--input-type=module", "-e", SCRIPT],
        input=json.dumps(batch),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@settings(max_examples=15, deadline=None)
@given(st.lists(texts | emoji_heavy, min_size=1, max_size=40))
def test_conversion_matches_python_and_round_trips(batch):
    for text, got in zip(batch, convert(batch), strict=True):
        units = [len(text[:cp].encode("utf-16-le")) // 2 for cp in range(len(text) + 1)]
        assert got["toU"] == units
        for cp, u in enumerate(units):
            assert got["toCp"][u] == cp  # every code-point boundary maps back exactly
