"""Bounded, position-keeping YAML reading.

PyYAML's loaders lose node positions, silently keep the last of duplicate
keys, expand aliases without limit ("billion laughs") and recurse without a
depth limit (libyaml's composer segfaults on very deep documents). This module
reads the *event* stream of libyaml (``CParser``, pure Python fallback when the
C extension is absent) and builds a small tree of :class:`Node` objects itself,
iteratively, enforcing:

* a maximum file size (:data:`MAX_BYTES`),
* a maximum nesting depth (:data:`MAX_DEPTH`),
* a bound on the size of the document once aliases are expanded
  (:data:`MAX_EXPANDED_NODES`).

Duplicate mapping keys are reported, with the position of the second key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.parser import Parser as _PyParser
from yaml.reader import Reader, ReaderError
from yaml.scanner import Scanner

from studyapp.core.limits import MAX_BYTES, MAX_DEPTH, MAX_EXPANDED_NODES


class _PurePythonParser(Reader, Scanner, _PyParser):
    """The event parser used when PyYAML was built without libyaml."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        _PyParser.__init__(self)


try:  # libyaml's event parser, when PyYAML was built with it (it usually is)
    from yaml.cyaml import CParser as _CParser  # type: ignore[attr-defined]

    _Parser: Any = _CParser
except ImportError:  # pragma: no cover - depends on how PyYAML was built
    _Parser = _PurePythonParser

# Characters YAML 1.1 does not allow in a stream (what both readers reject).
_NOT_PRINTABLE = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]"
)


__all__ = [
    "MAX_BYTES",
    "MAX_DEPTH",
    "MAX_EXPANDED_NODES",
    "Node",
    "YamlProblem",
    "read_yaml",
]


@dataclass(slots=True)
class Node:
    """A YAML node with its 1-based source position.

    ``value`` is a ``str``, ``int``, ``float``, ``bool`` or ``None`` for
    scalars, a ``list[Node]`` for sequences and a ``dict[str, Node]`` for
    mappings. ``keys`` holds, for a mapping, the node of each key (for
    positions). ``size`` counts the nodes beneath, aliases expanded.
    ``raw`` is a scalar's text as written (``"1.50"`` for the float ``1.5``),
    so text fields keep what the author typed.
    """

    value: Any
    line: int
    col: int
    keys: dict[str, Node] | None = None
    size: int = 1
    quoted: bool = False
    raw: str | None = None

    @property
    def kind(self) -> str:
        """``"map"``, ``"seq"``, ``"str"``, ``"int"``, ``"float"``, ``"bool"`` or ``"null"``."""
        value = self.value
        if isinstance(value, dict):
            return "map"
        if isinstance(value, list):
            return "seq"
        if value is None:
            return "null"
        if isinstance(value, bool):
            return "bool"
        if isinstance(value, int):
            return "int"
        if isinstance(value, float):
            return "float"
        return "str"

    @property
    def description(self) -> str:
        """What the node is, for messages: "a list", "text", "a number", ..."""
        return _DESCRIPTIONS[self.kind]


_DESCRIPTIONS = {
    "map": "a mapping",
    "seq": "a list",
    "str": "text",
    "int": "a number",
    "float": "a number",
    "bool": "a boolean (quote it if you mean the text)",
    "null": "empty",
}


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A problem found while reading; ``fatal`` ones leave no usable tree."""

    line: int
    col: int
    message: str
    fatal: bool = False
    rule: str = "yaml"


@dataclass(slots=True)
class _Frame:
    node: Node
    pending_key: Node | None = None
    anchor: str | None = None
    children_size: int = 0
    extra: list[Any] = field(default_factory=list)


_INT_RE = re.compile(r"[-+]?(0|[1-9][0-9_]*)$")
_FLOAT_RE = re.compile(
    r"[-+]?([0-9][0-9_]*)?\.[0-9_]*([eE][-+]?[0-9]+)?$|[-+]?[0-9][0-9_]*[eE][-+]?[0-9]+$"
)
_BOOL = {
    "true": True,
    "True": True,
    "TRUE": True,
    "false": False,
    "False": False,
    "FALSE": False,
    "yes": True,
    "Yes": True,
    "YES": True,
    "no": False,
    "No": False,
    "NO": False,
    "on": True,
    "On": True,
    "ON": True,
    "off": False,
    "Off": False,
    "OFF": False,
}
_NULL = {"", "~", "null", "Null", "NULL"}


def _plain_scalar(value: str) -> Any:
    """Resolve a plain (unquoted) scalar the way YAML 1.1 safe loading does.

    Timestamps and other exotic forms stay strings: decks have no use for them.
    """
    if not value:
        return None
    first = value[0]
    if first in "0123456789+-.":
        if _INT_RE.match(value):
            try:
                return int(value.replace("_", ""))
            except ValueError:  # over Python's 4,300-digit limit: keep the text
                return value
        if _FLOAT_RE.match(value) and value not in (".", "+.", "-."):
            return float(value.replace("_", ""))
        if value in (".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"):
            return float("inf")
        if value in ("-.inf", "-.Inf", "-.INF"):
            return float("-inf")
        if value in (".nan", ".NaN", ".NAN"):
            return float("nan")
        return value
    if value in _NULL:
        return None
    boolean = _BOOL.get(value)
    if boolean is not None:
        return boolean
    return value


def _scalar(event: Any) -> tuple[Any, bool]:
    value = event.value
    tag = event.tag
    if tag is None or tag == "!":
        if event.implicit[0]:
            return _plain_scalar(value), False
        return value, True
    if tag == "tag:yaml.org,2002:str":
        return value, True
    if tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float", "tag:yaml.org,2002:bool"):
        resolved = _plain_scalar(value)
        return resolved, False
    if tag == "tag:yaml.org,2002:null":
        return None, False
    raise _Unsupported(f"unsupported YAML tag {tag!r}")


class _Unsupported(Exception):
    pass


def read_yaml(text: str) -> tuple[Node | None, list[YamlProblem]]:
    """Parse one YAML document into a :class:`Node` tree.

    Returns the root (``None`` when the document is empty or unreadable) and
    the problems found. A fatal problem (syntax error, limit exceeded) means
    the root is ``None``; duplicate keys are reported but not fatal (the first
    value is kept).
    """
    problems: list[YamlProblem] = []
    if len(text) > MAX_BYTES:
        return None, [
            YamlProblem(
                1, 1, f"file is larger than the {MAX_BYTES // 1048576} MiB limit", True, "too-large"
            )
        ]
    anchors: dict[str, Node] = {}
    stack: list[_Frame] = []
    root: Node | None = None
    documents = 0
    try:
        # The pure Python reader checks every character here, so it can raise.
        parser = _Parser(text)
        while True:
            event = parser.get_event()
            if event is None:  # pragma: no cover - defensive
                break
            etype = type(event)
            if etype is yaml.StreamEndEvent:
                break
            if etype is yaml.DocumentStartEvent:
                documents += 1
                if documents > 1:
                    mark = event.start_mark
                    problems.append(
                        YamlProblem(
                            mark.line + 1,
                            mark.column + 1,
                            "a deck file must hold one YAML document, found a second one",
                            True,
                        )
                    )
                    return None, problems
                continue
            if etype in (yaml.StreamStartEvent, yaml.DocumentEndEvent):
                continue
            mark = event.start_mark
            if etype is yaml.ScalarEvent:
                value, quoted = _scalar(event)
                node = Node(value, mark.line + 1, mark.column + 1, quoted=quoted, raw=event.value)
                anchor = event.anchor
            elif etype is yaml.AliasEvent:
                target = anchors.get(event.anchor)
                if target is None:
                    raise yaml.MarkedYAMLError(None, None, f"unknown alias {event.anchor!r}", mark)
                node = target
                anchor = None
            elif etype is yaml.SequenceStartEvent or etype is yaml.MappingStartEvent:
                if event.tag not in (None, "!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
                    raise _Unsupported(f"unsupported YAML tag {event.tag!r}")
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        YamlProblem(
                            mark.line + 1,
                            mark.column + 1,
                            f"document is nested deeper than {MAX_DEPTH} levels",
                            True,
                            "too-deep",
                        )
                    )
                    return None, problems
                container: Any = [] if etype is yaml.SequenceStartEvent else {}
                new = Node(container, mark.line + 1, mark.column + 1)
                if etype is yaml.MappingStartEvent:
                    new.keys = {}
                stack.append(_Frame(new, anchor=event.anchor))
                continue
            elif etype is yaml.SequenceEndEvent or etype is yaml.MappingEndEvent:
                frame = stack.pop()
                node = frame.node
                node.size = 1 + frame.children_size
                anchor = frame.anchor
            else:  # pragma: no cover - no other event types exist
                continue

            if anchor is not None:
                anchors[anchor] = node
            if not stack:
                root = node
                continue
            parent = stack[-1]
            parent.children_size += node.size
            if parent.children_size > MAX_EXPANDED_NODES:
                message = (
                    f"document expands to more than {MAX_EXPANDED_NODES:,} nodes (alias bomb?)"
                )
                problems.append(
                    YamlProblem(mark.line + 1, mark.column + 1, message, True, "alias-bomb")
                )
                return None, problems
            container = parent.node.value
            if type(container) is list:
                container.append(node)
            elif parent.pending_key is None:
                if isinstance(node.value, (dict, list)):
                    # Report where the key is written (an alias's target may be
                    # elsewhere) and never repr() it: an aliased key can expand
                    # to millions of nodes.
                    if etype is yaml.AliasEvent:
                        line, col = mark.line + 1, mark.column + 1
                    else:
                        line, col = node.line, node.col
                    problems.append(YamlProblem(line, col, "mapping keys must be plain values"))
                    node = Node(f"<{node.kind} key at {line}:{col}>", line, col)
                parent.pending_key = node
            else:
                key_node = parent.pending_key
                parent.pending_key = None
                key = key_node.value
                if not isinstance(key, str):
                    key = key_node.raw if key_node.raw is not None else str(key)
                keys = parent.node.keys
                assert keys is not None
                if key in keys:
                    first = keys[key]
                    problems.append(
                        YamlProblem(
                            key_node.line,
                            key_node.col,
                            f"duplicate key {key!r} (first defined at line {first.line})",
                            rule="duplicate-key",
                        )
                    )
                else:
                    container[key] = node
                    keys[key] = key_node
    except yaml.MarkedYAMLError as exc:
        problem_mark = exc.problem_mark or exc.context_mark
        line = problem_mark.line + 1 if problem_mark else 1
        col = problem_mark.column + 1 if problem_mark else 1
        message = exc.problem or exc.context or "invalid YAML"
        if exc.context and exc.problem:
            message = f"{exc.problem} ({exc.context})"
        offending = _char_at(text, line, col)
        if offending == "\t":
            message += "; found a tab: YAML is indented with spaces"
        elif "character" in message and offending.isprintable() and offending not in message:
            message += f"; found {offending!r}"
        problems.append(YamlProblem(line, col, f"YAML syntax error: {message}", True))
        return None, problems
    except ReaderError as exc:  # a character YAML does not allow
        # libyaml reports a byte offset; find the character ourselves.
        found = _NOT_PRINTABLE.search(text)
        offset = found.start() if found else exc.position
        line, col = _position(text, offset)
        character = ord(found.group()) if found else exc.character
        what = (
            f"byte 0x{character[0]:02x}" if isinstance(character, bytes) else f"U+{character:04X}"
        )
        message = f"file contains a character YAML does not allow ({what}): {exc.reason}"
        problems.append(YamlProblem(line, col, message, True))
        return None, problems
    except _Unsupported as exc:
        problems.append(YamlProblem(mark.line + 1, mark.column + 1, str(exc), True))
        return None, problems
    except yaml.YAMLError as exc:  # reader errors (e.g. non-printable characters)
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        problems.append(YamlProblem(line, col, f"YAML error: {exc}", True))
        return None, problems
    return root, problems


def _char_at(text: str, line: int, col: int) -> str:
    """The character at 1-based ``line`` and ``col`` of ``text`` ('' if none)."""
    lines = text.split("\n", line)
    if line - 1 >= len(lines):
        return ""
    row = lines[line - 1]
    return row[col - 1] if 0 < col <= len(row) else ""


def _position(text: str, offset: int) -> tuple[int, int]:
    """The 1-based line and column of character ``offset`` in ``text``."""
    offset = max(0, min(offset, len(text)))
    line_start = text.rfind("\n", 0, offset) + 1
    return text.count("\n", 0, offset) + 1, offset - line_start + 1
