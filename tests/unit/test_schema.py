"""Label attribute definitions: the one-line-per-attribute text form and its validation."""

from __future__ import annotations

import pytest

from annotator.services.errors import ServiceError
from annotator.services.projects.presets import PRESETS
from annotator.services.projects.schema import (
    format_attributes,
    parse_attributes,
    validate_attributes,
    validate_label_fields,
)


def test_parse_every_type():
    text = """
    frame: choice = Economic | Morality | Other

    check-worthy: BOOLEAN
    speaker: link
    comment : text
    """
    assert parse_attributes(text) == [
        {"name": "frame", "type": "choice", "options": ["Economic", "Morality", "Other"]},
        {"name": "check-worthy", "type": "boolean", "options": []},
        {"name": "speaker", "type": "link", "options": []},
        {"name": "comment", "type": "text", "options": []},
    ]


def test_empty_text_means_no_attributes():
    assert parse_attributes("") == [] and parse_attributes(None) == []
    assert parse_attributes("\n  \n") == []


def test_options_may_contain_commas_and_spaces():
    [frame] = parse_attributes(
        "frame: choice = Legality, constitutionality and jurisprudence | Other"
    )
    assert frame["options"] == ["Legality, constitutionality and jurisprudence", "Other"]


@pytest.mark.parametrize("preset", list(PRESETS))
def test_format_and_parse_round_trip(preset):
    for label in PRESETS[preset]["labels"]:
        defs = [dict(d) for d in label["attributes"]]
        assert parse_attributes(format_attributes(defs)) == defs


def test_format_text_form():
    defs = [
        {"name": "frame", "type": "choice", "options": ["A", "B"]},
        {"name": "ok", "type": "boolean", "options": []},
    ]
    assert format_attributes(defs) == "frame: choice = A | B\nok: boolean"
    assert format_attributes([]) == "" and format_attributes(None) == ""


@pytest.mark.parametrize(
    "text,message",
    [
        ("frame", "Attribute line 1: expected 'name: type'"),
        ("ok: text\n\nframe choice", "Attribute line 3: expected"),
        (
            "ok: text\ntone: colour",
            "Attribute line 2: type must be one of choice, text, boolean, link",
        ),
        ("tone:", "Attribute line 1: type must be one of"),
        ("frame: choice", "Attribute line 1: a choice needs options"),
        ("frame: choice = | ", "a choice needs options"),
        ("flag: boolean = yes | no", "only choice attributes take options"),
        ("x: text\nx: link", "Attribute line 2: attribute 'x' is defined twice"),
        ("x: choice = a | b | a", "options repeat"),
        (": text", "names are 1-40"),
        ("-x: text", "names are 1-40"),
        ("n" * 41 + ": text", "names are 1-40"),
    ],
)
def test_bad_lines_name_the_line(text, message):
    with pytest.raises(ServiceError) as info:
        parse_attributes(text)
    assert message in info.value.message
    assert info.value.status == 400


def test_validate_attributes_without_line_numbers():
    with pytest.raises(ServiceError, match="Attribute 'x': type must be"):
        validate_attributes([{"name": "x", "type": "number"}])
    assert validate_attributes([{"name": "x", "type": "text"}]) == [
        {"name": "x", "type": "text", "options": []}
    ]


@pytest.mark.parametrize(
    "name,color,shortcut",
    [("Framing", "#fbbf24", "1"), ("Loaded language", "#ABCDEF", ""), ("a.b_c-d", "#000000", "z")],
)
def test_valid_label_fields(name, color, shortcut):
    validate_label_fields(name, color, shortcut)


@pytest.mark.parametrize(
    "name,color,shortcut,message",
    [
        ("", "#000000", "", "Label names"),
        ("Bad/name", "#000000", "", "Label names"),
        ("x" * 41, "#000000", "", "Label names"),
        ("Ok", "red", "", "#rrggbb"),
        ("Ok", "#abc", "", "#rrggbb"),
        ("Ok", "#gggggg", "", "#rrggbb"),
        ("Ok", "#000000", "ab", "single letter or digit"),
        ("Ok", "#000000", "!", "single letter or digit"),
    ],
)
def test_invalid_label_fields(name, color, shortcut, message):
    with pytest.raises(ServiceError, match=message):
        validate_label_fields(name, color, shortcut)
