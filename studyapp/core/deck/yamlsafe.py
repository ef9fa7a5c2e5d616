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

from studyapp.core.deck.limits import MAX_BYTES, MAX_DEPTH, MAX_EXPANDED_NODES
from studyapp.core.deck.model import Severity
from studyapp.core.deck.yaml_errors import translate


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
    severity: Severity = Severity.ERROR


# " #x" after a plain value: a comment YAML drops, almost never meant as one ("Which #1 drug?"):
# a comment the author meant is written "# note", with a space after the "#".
_COMMENT_AFTER = re.compile(r"[ \t]+#(?=\S)")
COMMENT_IN_TEXT = (
    "a ` #` after unquoted text starts a comment, so the rest of the line is dropped: put the "
    "text in quotes if it belongs to it (a comment is written `# note`)"
)


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
    raise _Unsupported(tag, event.start_mark)


class _Unsupported(Exception):
    """A tag the deck reader does not resolve (``!!python/...``, or text starting with ``!``)."""

    def __init__(self, tag: str, mark: Any = None) -> None:
        super().__init__(
            f"unsupported YAML tag {tag!r}: a value starting with `!` is read as a tag; "
            "put the text in quotes"
        )
        self.mark = mark


class _Builder:
    """Builds the :class:`Node` tree from parser events, one method per event kind.

    Each ``on_*`` method handles one event; ``_attach`` puts a finished node into
    its parent. Limits and duplicate keys become :class:`YamlProblem` entries;
    fatal ones stop the build by raising.
    """

    def __init__(self, text: str) -> None:
        self.lines = text.split("\n")
        # Lines where a value may be followed by a "#x" comment (most decks have none).
        self.comment_lines = {n for n, line in enumerate(self.lines) if " #" in line}
        self.problems: list[YamlProblem] = []
        self.anchors: dict[str, Node] = {}
        self.stack: list[_Frame] = []
        self.root: Node | None = None
        self.documents = 0

    def run(self, parser: Any) -> Node | None:
        handlers = {
            yaml.ScalarEvent: self.on_scalar,
            yaml.AliasEvent: self.on_alias,
            yaml.SequenceStartEvent: self.on_start,
            yaml.MappingStartEvent: self.on_start,
            yaml.SequenceEndEvent: self.on_end,
            yaml.MappingEndEvent: self.on_end,
            yaml.DocumentStartEvent: self.on_document,
        }
        while True:
            event = parser.get_event()
            etype = type(event)
            if event is None or etype is yaml.StreamEndEvent:
                return self.root
            handler = handlers.get(etype)
            if handler is not None:
                handler(event)

    def fatal(self, mark: Any, message: str, rule: str) -> _Fatal:
        self.problems.append(YamlProblem(mark.line + 1, mark.column + 1, message, True, rule))
        return _Fatal()

    def on_document(self, event: Any) -> None:
        self.documents += 1
        if self.documents > 1:
            message = "a deck file must hold one YAML document, found a second one"
            raise self.fatal(event.start_mark, message, "yaml")

    def on_scalar(self, event: Any) -> None:
        mark = event.start_mark
        if self.comment_lines and event.end_mark.line in self.comment_lines and not event.style:
            self._comment_after(event.end_mark)
        value, quoted = _scalar(event)
        node = Node(value, mark.line + 1, mark.column + 1, quoted=quoted, raw=event.value)
        self._attach(node, event.anchor, mark, is_alias=False)

    def _comment_after(self, end: Any) -> None:
        """Warn about a ``#x`` comment right after a plain value, on its line."""
        found = _COMMENT_AFTER.match(self.lines[end.line], end.column)
        if found is not None:
            col = found.end()  # 1-based column of the "#"
            self.problems.append(
                YamlProblem(
                    end.line + 1,
                    col,
                    COMMENT_IN_TEXT,
                    rule="comment-in-text",
                    severity=Severity.WARNING,
                )
            )

    def on_alias(self, event: Any) -> None:
        mark = event.start_mark
        target = self.anchors.get(event.anchor)
        if target is None:
            raise yaml.MarkedYAMLError(None, None, f"unknown alias {event.anchor!r}", mark)
        self._attach(target, None, mark, is_alias=True)

    def on_start(self, event: Any) -> None:
        mark = event.start_mark
        if event.tag not in (None, "!", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"):
            raise _Unsupported(event.tag, mark)
        if len(self.stack) >= MAX_DEPTH:
            raise self.fatal(mark, f"document is nested deeper than {MAX_DEPTH} levels", "too-deep")
        is_map = type(event) is yaml.MappingStartEvent
        node = Node({} if is_map else [], mark.line + 1, mark.column + 1)
        if is_map:
            node.keys = {}
        self.stack.append(_Frame(node, anchor=event.anchor))

    def on_end(self, event: Any) -> None:
        frame = self.stack.pop()
        frame.node.size = 1 + frame.children_size
        self._attach(frame.node, frame.anchor, event.start_mark, is_alias=False)

    def _attach(self, node: Node, anchor: str | None, mark: Any, *, is_alias: bool) -> None:
        if anchor is not None:
            self.anchors[anchor] = node
        if not self.stack:
            self.root = node
            return
        parent = self.stack[-1]
        parent.children_size += node.size
        if parent.children_size > MAX_EXPANDED_NODES:
            message = f"document expands to more than {MAX_EXPANDED_NODES:,} nodes (alias bomb?)"
            raise self.fatal(mark, message, "alias-bomb")
        container = parent.node.value
        if type(container) is list:
            container.append(node)
        elif parent.pending_key is None:
            parent.pending_key = self._key(node, mark, is_alias=is_alias)
        else:
            self._add_entry(parent, node)

    def _key(self, node: Node, mark: Any, *, is_alias: bool) -> Node:
        if not isinstance(node.value, (dict, list)):
            return node
        # Report where the key is written (an alias's target may be elsewhere)
        # and never repr() it: an aliased key can expand to millions of nodes.
        line, col = (mark.line + 1, mark.column + 1) if is_alias else (node.line, node.col)
        self.problems.append(YamlProblem(line, col, "mapping keys must be plain values"))
        return Node(f"<{node.kind} key at {line}:{col}>", line, col)

    def _add_entry(self, parent: _Frame, node: Node) -> None:
        key_node = parent.pending_key
        assert key_node is not None
        parent.pending_key = None
        key = key_node.value
        if not isinstance(key, str):
            key = key_node.raw if key_node.raw is not None else str(key)
        keys = parent.node.keys
        assert keys is not None
        first = keys.get(key)
        if first is not None:
            message = f"duplicate key {key!r} (first defined at line {first.line})"
            self.problems.append(
                YamlProblem(key_node.line, key_node.col, message, rule="duplicate-key")
            )
            return
        parent.node.value[key] = node
        keys[key] = key_node


class _Fatal(Exception):
    """Raised by :class:`_Builder` once a fatal problem has been recorded."""


def read_yaml(text: str) -> tuple[Node | None, list[YamlProblem]]:
    """Parse one YAML document into a :class:`Node` tree.

    Returns the root (``None`` when the document is empty or unreadable) and
    the problems found. A fatal problem (syntax error, limit exceeded) means
    the root is ``None``; duplicate keys are reported but not fatal (the first
    value is kept).
    """
    if len(text) > MAX_BYTES:
        message = f"file is larger than the {MAX_BYTES // 1048576} MiB limit"
        return None, [YamlProblem(1, 1, message, True, "too-large")]
    root, problems = _read(text, _Parser)
    if _Parser is not _PurePythonParser and _hit_libyaml_depth_limit(problems):
        # Newer libyaml builds stop at their own 1,000-level limit while scanning
        # ahead, before our 64-level check sees an event. The document is then
        # certainly too deep: find where it passes our limit with the pure-Python
        # parser, which looks at most ~1,024 characters ahead of its events.
        root, problems = _read(text, _PurePythonParser)
    return root, problems


def _hit_libyaml_depth_limit(problems: list[YamlProblem]) -> bool:
    return any(p.rule == "yaml" and "maximum nesting depth" in p.message for p in problems)


def _read(text: str, parser_class: Any) -> tuple[Node | None, list[YamlProblem]]:
    builder = _Builder(text)
    try:
        # The pure Python reader checks every character here, so it can raise.
        root = builder.run(parser_class(text))
    except _Fatal:
        return None, builder.problems
    except yaml.MarkedYAMLError as exc:
        return None, [*builder.problems, _syntax_problem(text, exc)]
    except ReaderError as exc:  # a character YAML does not allow
        return None, [*builder.problems, _reader_problem(text, exc)]
    except _Unsupported as exc:
        mark = exc.mark
        problem = YamlProblem(mark.line + 1, mark.column + 1, str(exc.args[0]), True)
        return None, [*builder.problems, problem]
    except yaml.YAMLError as exc:  # any other error PyYAML raises
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark else 1
        col = mark.column + 1 if mark else 1
        return None, [*builder.problems, YamlProblem(line, col, f"YAML error: {exc}", True)]
    return root, builder.problems


def _syntax_problem(text: str, exc: yaml.MarkedYAMLError) -> YamlProblem:
    translated = translate(text, exc.context, exc.context_mark, exc.problem, exc.problem_mark)
    if translated is not None:
        return YamlProblem(translated.line, translated.col, translated.message, True)
    problem_mark = exc.problem_mark or exc.context_mark
    line = problem_mark.line + 1 if problem_mark else 1
    col = problem_mark.column + 1 if problem_mark else 1
    message = exc.problem or exc.context or "invalid YAML"
    if exc.context and exc.problem:
        message = f"{exc.problem} ({exc.context})"
    offending = _char_at(text, line, col)
    if "character" in message and offending.isprintable() and offending not in message:
        message += f"; found {offending!r}"
    return YamlProblem(line, col, f"YAML syntax error: {message}", True)


def _reader_problem(text: str, exc: ReaderError) -> YamlProblem:
    # libyaml reports a byte offset; find the character ourselves.
    found = _NOT_PRINTABLE.search(text)
    offset = found.start() if found else exc.position
    line, col = _position(text, offset)
    character = ord(found.group()) if found else exc.character
    what = f"byte 0x{character[0]:02x}" if isinstance(character, bytes) else f"U+{character:04X}"
    message = f"file contains a character YAML does not allow ({what}): {exc.reason}"
    return YamlProblem(line, col, message, True)


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
