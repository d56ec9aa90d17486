"""The JSON column reader (``json_provider.json_column_loads``) reads what the standard
library reads: it takes orjson's faster path only where the two agree."""

import json
import math

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.json_provider import json_column_loads
from annotator.text_safety import UNSTORABLE

values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(10**30), max_value=10**30)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda inner: st.lists(inner, max_size=5) | st.dictionaries(st.text(), inner, max_size=5),
    max_leaves=20,
)


def _same(a, b) -> bool:
    if isinstance(a, float) and isinstance(b, float):
        return a == b and math.copysign(1, a) == math.copysign(1, b)
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    return a == b


def _strings(value):
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _strings(item)
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _strings(item)


@settings(max_examples=300, deadline=None)
@given(values, st.booleans())
def test_reads_what_the_standard_library_reads(value, ascii_only):
    text = json.dumps(value, ensure_ascii=ascii_only)
    expected = json.loads(text)
    if any(UNSTORABLE.search(piece) for piece in _strings(expected)):
        return  # NUL and lone surrogates are scrubbed on purpose (tests/web/test_unstorable_text)
    assert _same(json_column_loads(text), expected), text


def test_integers_beyond_64_bits_stay_integers():
    big = 123456789012345678901234567890
    assert json_column_loads(json.dumps({"n": big})) == {"n": big}
    assert json_column_loads(b'{"n": 1}') == {"n": 1}  # psycopg hands over bytes
