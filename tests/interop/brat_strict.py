"""A strict brat reader written from brat's standoff specification (brat's own
``annotation.py`` rules), independent of ``annotator.formats.brat``: one annotation per line,
no continuation lines, ids unique, every reference resolved, covered texts exact, and every
type, relation and attribute declared in ``annotation.conf``."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

ID = re.compile(r"^(T|R|A|M|#|E|N|\*)(\d*)$")
OFFSETS = re.compile(r"^\d+ \d+(;\d+ \d+)*$")


class BratError(AssertionError):
    pass


@dataclass
class Ann:
    entities: dict[str, tuple[str, list[tuple[int, int]], str]] = field(default_factory=dict)
    attributes: dict[str, dict[str, str | bool]] = field(default_factory=dict)  # T -> {n: v}
    relations: list[tuple[str, str, str]] = field(default_factory=list)  # (type, arg1, arg2)
    notes: dict[str, str] = field(default_factory=dict)


def parse_ann(ann: str, text: str, where: str) -> Ann:
    out = Ann()
    pending = []
    for n, line in enumerate(ann.split("\n"), 1):
        if line == "" and n == len(ann.split("\n")):
            break
        if "\r" in line:
            raise BratError(f"{where}:{n}: carriage return inside a line")
        ident, tab, rest = line.partition("\t")
        if not tab or not ID.match(ident):
            raise BratError(f"{where}:{n}: not an annotation line: {line!r}")
        if ident in out.entities or any(ident == p[1] for p in pending):
            raise BratError(f"{where}:{n}: duplicate id {ident}")
        kind = ident[0]
        if kind == "T":
            head, tab, covered = rest.partition("\t")
            etype, _, offsets = head.partition(" ")
            if not tab or not OFFSETS.match(offsets):
                raise BratError(f"{where}:{n}: bad text-bound annotation {line!r}")
            frags = [tuple(map(int, p.split(" "))) for p in offsets.split(";")]
            for a, b in frags:
                if not 0 <= a < b <= len(text):
                    raise BratError(f"{where}:{n}: offsets {a} {b} out of range")
            if " ".join(text[a:b] for a, b in frags) != covered:
                raise BratError(f"{where}:{n}: covered text {covered!r} does not match")
            out.entities[ident] = (etype, frags, covered)
        else:
            pending.append((n, ident, kind, rest))
    for n, _ident, kind, rest in pending:
        if kind in "AM":
            parts = rest.split(" ")
            if len(parts) not in (2, 3) or parts[1] not in out.entities:
                raise BratError(f"{where}:{n}: attribute on unknown annotation {rest!r}")
            value = parts[2] if len(parts) == 3 else True
            out.attributes.setdefault(parts[1], {})[parts[0]] = value
        elif kind == "R":
            parts = rest.split(" ")
            if (
                len(parts) != 3
                or not parts[1].startswith("Arg1:")
                or not parts[2].startswith("Arg2:")
            ):
                raise BratError(f"{where}:{n}: bad relation {rest!r}")
            a1, a2 = parts[1][5:], parts[2][5:]
            if a1 not in out.entities or a2 not in out.entities:
                raise BratError(f"{where}:{n}: relation to unknown annotation {rest!r}")
            out.relations.append((parts[0], a1, a2))
        elif kind == "#":
            head, tab, note = rest.partition("\t")
            kind_, _, target = head.partition(" ")
            if not tab or target not in out.entities:
                raise BratError(f"{where}:{n}: note on unknown annotation {rest!r}")
            out.notes[target] = note
    return out


def parse_conf(conf: str) -> dict[str, dict[str, str]]:
    sections: dict[str, dict[str, str]] = {}
    current = None
    for line in conf.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        m = re.match(r"^\[(\w+)\]$", line)
        if m:
            current = sections.setdefault(m.group(1), {})
            continue
        if current is None:
            raise BratError(f"annotation.conf: {line!r} outside a section")
        name, _, args = line.partition("\t")
        current[name.strip()] = args.strip()
    for needed in ("entities", "relations", "events", "attributes"):
        if needed not in sections:
            raise BratError(f"annotation.conf has no [{needed}] section")
    return sections


def check_against_conf(ann: Ann, conf: dict[str, dict[str, str]], where: str) -> None:
    for etype, _, _ in ann.entities.values():
        if etype not in conf["entities"]:
            raise BratError(f"{where}: entity type {etype} not in annotation.conf")
    for rtype, a1, a2 in ann.relations:
        if rtype not in conf["relations"]:
            raise BratError(f"{where}: relation {rtype} not in annotation.conf")
        args = dict(p.strip().split(":", 1) for p in conf["relations"][rtype].split(","))
        for arg, target in (("Arg1", a1), ("Arg2", a2)):
            allowed = args[arg].split("|")
            if ann.entities[target][0] not in allowed and "<ENTITY>" not in allowed:
                raise BratError(f"{where}: {rtype} {arg} may not be {ann.entities[target][0]}")
    for target, attrs in ann.attributes.items():
        for name, value in attrs.items():
            if name not in conf["attributes"]:
                raise BratError(f"{where}: attribute {name} not in annotation.conf")
            spec = dict(p.strip().split(":", 1) for p in conf["attributes"][name].split(","))
            if ann.entities[target][0] not in spec["Arg"].split("|"):
                raise BratError(f"{where}: attribute {name} not allowed on its type")
            values = spec.get("Value")
            if (value is True) != (values is None):
                raise BratError(f"{where}: attribute {name} value {value!r} vs conf {values!r}")
            if values is not None and value not in values.split("|"):
                raise BratError(f"{where}: attribute {name} value {value!r} not declared")


def read_collection(root: Path) -> dict[tuple[str, str], tuple[str, Ann]]:
    """``{(folder, document): (text, Ann)}`` for every .ann under ``root``, checked against the
    nearest ``annotation.conf`` (brat looks in the folder, then its parents)."""
    out = {}
    for ann_path in sorted(root.rglob("*.ann")):
        txt = ann_path.with_suffix(".txt")
        if not txt.exists():
            raise BratError(f"{ann_path}: no .txt beside it (brat cannot open it)")
        text = txt.read_bytes().decode("utf-8")
        where = str(ann_path.relative_to(root))
        ann = parse_ann(ann_path.read_bytes().decode("utf-8"), text, where)
        folder = ann_path.parent
        while not (folder / "annotation.conf").exists():
            if folder == root:
                raise BratError(f"{where}: no annotation.conf")
            folder = folder.parent
        conf = parse_conf((folder / "annotation.conf").read_text(encoding="utf-8"))
        check_against_conf(ann, conf, where)
        rel = ann_path.parent.relative_to(root).as_posix()
        out[(rel, ann_path.stem)] = (text, ann)
    return out
