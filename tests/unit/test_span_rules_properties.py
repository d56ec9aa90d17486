"""Property tests for span validation: arbitrary Unicode and offsets never crash; valid spans
pass; the attribute rules accept exactly what the definitions allow."""

from hypothesis import given
from hypothesis import strategies as st

from annotator.services.annotation.span_rules import check_attributes, check_offsets
from annotator.services.errors import ServiceError

DEFINITIONS = [
    {"name": "kind", "type": "choice", "options": ["a", "b"]},
    {"name": "flag", "type": "boolean", "options": []},
    {"name": "who", "type": "text", "options": []},
    {"name": "link", "type": "link", "options": []},
]
anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(), inner, max_size=3),
    max_leaves=8,
)


@given(st.text(), st.integers(-5, 300), st.integers(-5, 300), anything)
def test_offsets_never_crash(text, start, end, covered):
    try:
        check_offsets(text, start, end, covered)
    except ServiceError as exc:
        assert exc.status == 400 and exc.message
    else:
        assert 0 <= start < end <= len(text) and text[start:end] == covered


@given(st.text(min_size=1), st.data())
def test_valid_spans_pass(text, data):
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    covered = text[start:end]
    if covered != covered.strip():
        return  # whitespace at an edge is refused by design
    check_offsets(text, start, end, covered)


@given(st.dictionaries(st.sampled_from(["kind", "flag", "who", "link", "other"]), anything))
def test_attributes_never_crash(values):
    try:
        out = check_attributes(values, DEFINITIONS, link_ok=lambda span_id: span_id == 7)
    except ServiceError as exc:
        assert exc.message
    else:
        for name, value in out.items():
            kind = next(d["type"] for d in DEFINITIONS if d["name"] == name)
            if kind == "choice":
                assert value in ("a", "b")
            elif kind == "boolean":
                assert isinstance(value, bool)
            elif kind == "link":
                assert value == 7 or isinstance(value, str)
            else:
                assert isinstance(value, str)
