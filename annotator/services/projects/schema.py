"""Label attribute definitions: validation, and a one-line-per-attribute text form for editing.

Text form, one attribute per line::

    frame: choice = Economic | Morality | Other
    check-worthy: boolean
    speaker: link
    comment: text
"""

from __future__ import annotations

import re

from annotator.records import ATTRIBUTE_TYPES
from annotator.services.errors import ServiceError

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,39}$")
COLOR_RE = re.compile(r"^#[0-9a-fA-F]{6}$")


def parse_attributes(text: str) -> list[dict]:
    """Parse the text form into definitions; raise ServiceError naming the bad line."""
    defs: list[dict] = []
    for number, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line:
            continue
        name, sep, rest = line.partition(":")
        if not sep:
            raise ServiceError(f"Attribute line {number}: expected 'name: type', got {line!r}.")
        kind, _, options_text = rest.partition("=")
        options = [o.strip() for o in options_text.split("|") if o.strip()]
        defs.append(
            {"name": name.strip(), "type": kind.strip().lower(), "options": options, "line": number}
        )
    return validate_attributes(defs)


def validate_attributes(defs: list[dict]) -> list[dict]:
    out, seen = [], set()
    for d in defs:
        where = f"Attribute line {d['line']}" if "line" in d else f"Attribute {d.get('name')!r}"
        name, kind, options = d.get("name", ""), d.get("type", ""), list(d.get("options") or [])
        if not isinstance(name, str) or not NAME_RE.match(name):
            raise ServiceError(f"{where}: names are 1-40 letters, digits, spaces, '.', '_', '-'.")
        if name in seen:
            raise ServiceError(f"{where}: attribute {name!r} is defined twice.")
        if kind not in ATTRIBUTE_TYPES:
            raise ServiceError(f"{where}: type must be one of {', '.join(ATTRIBUTE_TYPES)}.")
        if kind == "choice" and not options:
            raise ServiceError(f"{where}: a choice needs options, e.g. 'frame: choice = A | B'.")
        if kind != "choice" and options:
            raise ServiceError(f"{where}: only choice attributes take options.")
        if len(set(options)) != len(options):
            raise ServiceError(f"{where}: options repeat.")
        seen.add(name)
        out.append({"name": name, "type": kind, "options": options})
    return out


def format_attributes(defs: list[dict]) -> str:
    """The text form of a list of definitions (inverse of ``parse_attributes``)."""
    lines = []
    for d in defs or []:
        line = f"{d['name']}: {d['type']}"
        if d.get("options"):
            line += " = " + " | ".join(d["options"])
        lines.append(line)
    return "\n".join(lines)


def validate_label_fields(name: str, color: str, shortcut: str) -> None:
    if not NAME_RE.match(name or ""):
        raise ServiceError("Label names are 1-40 letters, digits, spaces, '.', '_' or '-'.")
    if not COLOR_RE.match(color or ""):
        raise ServiceError("Colours are written #rrggbb.")
    if shortcut and (len(shortcut) != 1 or not shortcut.isalnum()):
        raise ServiceError("A shortcut is a single letter or digit.")
