"""YAML files read safely, with limits and positions: the one reader of both loaders.

The standard (`scoring.standard`) and the scenarios (`scenarios.loader`) are YAML that trainers
write by hand and that may also come from anywhere. Both are read here, and only here:

- **Plain data only.** A file becomes dicts, lists, strings, numbers, booleans and None. Explicit
  tags (`!!int`, `!!python/object`, `!foo`) are refused, so no object is ever built from a file
  and a bad tagged value cannot end in a traceback.
- **Limits** (`Limits`): file size, nesting depth, aliases and the number of values after alias
  expansion ("billion laughs"), the length of one value. Reading stops at the first limit passed,
  so a hostile file costs at most a parse of `max_bytes`.
- **Positions.** `Document.positions` says where every key and value stands (1-based line and
  column), so a validator that works on the plain data can still name `FILE:LINE:COL`.
- **Problems, never exceptions.** Everything wrong is a `Problem` (`FILE:LINE:COL: message`, in
  plain words for trainers); syntax errors name the line of an unclosed bracket or quote rather
  than where the parser gave up.

Duplicate keys are problems (the first value is kept); `<<: *alias` merges are supported.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

Loc = tuple[str | int, ...]
"""A path into a document: mapping keys (str) and list indexes (int, 0-based)."""

_TAG_PREFIX = "tag:yaml.org,2002:"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with a file, at a 1-based line and column: `FILE:LINE:COL: message`."""

    file: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.col}: {self.message}"


@dataclass(frozen=True)
class Limits:
    """How big a file may be before reading stops with a problem (see docs/RELIABILITY.md)."""

    max_bytes: int = 1_000_000
    max_depth: int = 40  # nested mappings and lists
    max_aliases: int = 200  # `*name` references
    max_values: int = 100_000  # every scalar, list and mapping, aliases expanded
    max_chars: int = 20_000  # characters in one value


class Positions:
    """Where each key and value of a document stands: `Loc` → 1-based (line, col)."""

    def __init__(self) -> None:
        self._values: dict[Loc, tuple[int, int]] = {}
        self._keys: dict[Loc, tuple[int, int]] = {}

    def set(self, loc: Loc, value: tuple[int, int], key: tuple[int, int] | None = None) -> None:
        self._values[loc] = value
        if key is not None:
            self._keys[loc] = key

    def value(self, loc: Sequence[str | int]) -> tuple[int, int]:
        """Where the value at `loc` starts, or its deepest ancestor that exists."""
        return self._find(tuple(loc), key=False)

    def key(self, loc: Sequence[str | int]) -> tuple[int, int]:
        """Where the entry at `loc` starts: its key in a mapping, the item itself in a list."""
        return self._find(tuple(loc), key=True)

    def _find(self, loc: Loc, key: bool) -> tuple[int, int]:
        for end in range(len(loc), -1, -1):
            part = loc[:end]
            if key and part in self._keys:
                return self._keys[part]
            if part in self._values:
                return self._values[part]
        return (1, 1)


@dataclass
class Document:
    """One file read: its plain data (None when unreadable), positions and problems."""

    file: str
    data: Any = None
    positions: Positions = field(default_factory=Positions)
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def at(self, loc: Sequence[str | int], message: str, *, key: bool = False) -> Problem:
        """A problem placed at `loc` (the key of an entry when `key`)."""
        line, col = self.positions.key(loc) if key else self.positions.value(loc)
        return Problem(self.file, line, col, message)


def read_yaml(path: Path, limits: Limits = Limits()) -> Document:
    """Read one YAML file as plain data with positions. Never raises for content; reads only."""
    name = str(path)
    doc = Document(name)
    try:
        size = path.stat().st_size
        if path.is_dir():
            doc.problems.append(Problem(name, 1, 1, "this is a folder, not a file"))
            return doc
        if size > limits.max_bytes:
            doc.problems.append(Problem(name, 1, 1, _too_big(size, limits)))
            return doc
        with path.open("rb") as handle:
            raw = handle.read(limits.max_bytes + 1)
    except FileNotFoundError:
        doc.problems.append(Problem(name, 1, 1, "no such file or folder"))
        return doc
    except OSError as exc:
        doc.problems.append(Problem(name, 1, 1, f"cannot read the file: {exc.strerror or exc}"))
        return doc
    if len(raw) > limits.max_bytes:  # it grew while we looked
        doc.problems.append(Problem(name, 1, 1, _too_big(len(raw), limits)))
        return doc
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        start = raw.rfind(b"\n", 0, exc.start) + 1
        col = len(raw[start : exc.start].decode("utf-8", "replace")) + 1
        doc.problems.append(
            Problem(
                name,
                line,
                col,
                f"cannot read the file as UTF-8 text: byte 0x{raw[exc.start]:02x} here is not "
                "UTF-8 (save the file as UTF-8)",
            )
        )
        return doc
    return parse_yaml(text, name, limits)


def parse_yaml(text: str, name: str, limits: Limits = Limits()) -> Document:
    """Parse YAML text as plain data with positions (see the module docstring)."""
    doc = Document(name)
    if len(text.encode("utf-8", "surrogatepass")) > limits.max_bytes:
        doc.problems.append(Problem(name, 1, 1, _too_big(len(text), limits)))
        return doc
    builder = _Builder(doc, limits)
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError, YAMLError
    from ruamel.yaml.reader import ReaderError

    yaml = YAML(typ="safe", pure=True)
    builder.yaml = yaml
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # ruamel's warnings repeat what we report
            for event in yaml.parse(text):
                if not builder.feed(event):
                    break
    except MarkedYAMLError as exc:
        doc.problems.append(_syntax_problem(exc, text, name))
        doc.data = None
    except ReaderError as exc:
        line, col = _line_col(text, exc.position)
        what = f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        doc.problems.append(
            Problem(name, line, col, f"the character {what} is not allowed in a YAML file")
        )
        doc.data = None
    except YAMLError as exc:
        doc.problems.append(Problem(name, 1, 1, f"YAML syntax error: {exc}"))
        doc.data = None
    if builder.stopped:
        doc.data = None
    doc.problems.sort()
    return doc


def _too_big(size: int, limits: Limits) -> str:
    return (
        f"the file is {size:,} bytes; at most {limits.max_bytes:,} are read "
        "(is it the right file?)"
    )


def _line_col(text: str, index: int) -> tuple[int, int]:
    line = text.count("\n", 0, index) + 1
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _mark(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1)


def _shown_tag(tag: object) -> str:
    text = str(tag)
    return "!!" + text[len(_TAG_PREFIX) :] if text.startswith(_TAG_PREFIX) else text


class _Open:
    """An anchor whose mapping or list is still being read (an alias to it would be a loop)."""


_OPEN = _Open()


@dataclass
class _Frame:
    value: dict[str, Any] | list[Any]
    loc: Loc
    anchor: str | None
    values_at_start: int
    start: tuple[int, int]
    as_key: bool = False  # a mapping or list written where a key should be
    key: str | None = None
    key_pos: tuple[int, int] = (1, 1)
    key_plain: bool = False
    want_key: bool = True
    skip_value: bool = False
    first_line: dict[str, int] = field(default_factory=dict)
    merges: list[tuple[dict[str, Any], tuple[int, int]]] = field(default_factory=list)


class _Builder:
    """Plain data and positions from ruamel's parse events, with the limits checked on the way."""

    def __init__(self, doc: Document, limits: Limits) -> None:
        self.doc = doc
        self.limits = limits
        self.yaml: Any = None
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int] | _Open] = {}
        self.values = 0
        self.aliases = 0
        self.documents = 0
        self.stopped = False

    def problem(self, pos: tuple[int, int], message: str) -> None:
        self.doc.problems.append(Problem(self.doc.file, pos[0], pos[1], message))

    def stop(self, pos: tuple[int, int], message: str) -> bool:
        self.problem(pos, message)
        self.stopped = True
        return False

    def feed(self, event: Any) -> bool:
        """Take one event; False when reading must stop (a limit was passed)."""
        kind = type(event).__name__
        if kind == "DocumentStartEvent":
            self.documents += 1
            if self.documents > 1:
                return self.stop(
                    _mark(event.start_mark),
                    "a second YAML document ('---') starts here: keep one document in a file",
                )
            return True
        if kind in ("StreamStartEvent", "StreamEndEvent", "DocumentEndEvent"):
            return True
        pos = _mark(event.start_mark)
        if kind == "AliasEvent":
            return self.alias(event.anchor, pos)
        if kind in ("MappingEndEvent", "SequenceEndEvent"):
            return self.end()
        if getattr(event, "tag", None) is not None:
            self.problem(
                pos,
                f"the YAML tag '{_shown_tag(event.tag)}' is not allowed: write the plain value "
                "(tags are not part of this format)",
            )
        if not self.count(pos, 1):
            return False
        if kind == "ScalarEvent":
            return self.scalar(event, pos)
        if len(self.stack) >= self.limits.max_depth:
            return self.stop(
                pos, f"nested more than {self.limits.max_depth} levels deep: simplify the file"
            )
        value: dict[str, Any] | list[Any] = {} if kind == "MappingStartEvent" else []
        parent = self.stack[-1] if self.stack else None
        as_key = isinstance(parent, _Frame) and isinstance(parent.value, dict) and parent.want_key
        loc = (*parent.loc, "\0key") if as_key and parent is not None else self.child_loc()
        if not as_key:
            self.doc.positions.set(loc, pos, self.key_pos_for_child())
        if event.anchor is not None:
            self.anchors[event.anchor] = _OPEN
        self.stack.append(_Frame(value, loc, event.anchor, self.values, pos, as_key=as_key))
        return True

    def count(self, pos: tuple[int, int], n: int) -> bool:
        self.values += n
        if self.values > self.limits.max_values:
            return self.stop(
                pos,
                f"the file holds more than {self.limits.max_values:,} values "
                "(aliases counted each time they are used): simplify it",
            )
        return True

    def scalar(self, event: Any, pos: tuple[int, int]) -> bool:
        text: str = event.value
        if len(text) > self.limits.max_chars:
            self.problem(
                pos,
                f"this value is {len(text):,} characters long; at most "
                f"{self.limits.max_chars:,} are allowed",
            )
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.want_key:
            self.key(top, text, pos, plain=event.style is None and event.tag is None)
            if event.anchor is not None:
                self.anchors[event.anchor] = (text, 1)
            return True
        value: Any = text
        if event.tag is None and event.implicit[0]:
            value = self.resolve(text, event, pos)
        if event.anchor is not None:
            self.anchors[event.anchor] = (value, 1)
        self.add(value, pos)
        return True

    def resolve(self, text: str, event: Any, pos: tuple[int, int]) -> Any:
        """A plain scalar's YAML 1.2 type: null, bool, int, float, or the text itself."""
        from ruamel.yaml.nodes import ScalarNode

        tag = str(self.yaml.resolver.resolve(ScalarNode, text, event.implicit))
        kind = tag[len(_TAG_PREFIX) :] if tag.startswith(_TAG_PREFIX) else ""
        if kind == "null":
            return None
        construct = {
            "bool": "construct_yaml_bool",
            "int": "construct_yaml_int",
            "float": "construct_yaml_float",
        }.get(kind)
        if construct is None:
            return text  # str, and timestamps kept as the text they are written as
        node = ScalarNode(tag, text, event.start_mark, event.end_mark)
        try:
            return getattr(self.yaml.constructor, construct)(node)
        except (ValueError, OverflowError, TypeError):
            self.problem(pos, f"'{text[:40]}' cannot be read as a {kind}")
            return text

    def alias(self, anchor: str, pos: tuple[int, int]) -> bool:
        self.aliases += 1
        if self.aliases > self.limits.max_aliases:
            return self.stop(
                pos, f"more than {self.limits.max_aliases} aliases ('*name'): simplify the file"
            )
        target = self.anchors.get(anchor)
        if target is None:
            return self.stop(pos, f"the alias '*{anchor}' refers to no anchor '&{anchor}' above")
        if isinstance(target, _Open):
            return self.stop(
                pos, f"the alias '*{anchor}' is inside the value it refers to (a loop)"
            )
        value, size = target
        if not self.count(pos, size):
            return False
        top = self.stack[-1] if self.stack else None
        if top is not None and isinstance(top.value, dict) and top.want_key:
            if isinstance(value, str):
                self.key(top, value, pos, plain=False)
            else:
                self.bad_key(top, pos)
            return True
        self.add(value, pos)
        return True

    def end(self) -> bool:
        frame = self.stack.pop()
        if isinstance(frame.value, dict):
            for merged, key_pos in frame.merges:
                for key, item in merged.items():
                    if key not in frame.value:
                        frame.value[key] = item
                        self.doc.positions.set((*frame.loc, key), key_pos, key_pos)
        size = self.values - frame.values_at_start + 1
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.value, size)
        parent = self.stack[-1] if self.stack else None
        if frame.as_key and parent is not None:
            self.bad_key(parent, frame.start)
            return True
        self.place(frame.value)
        return True

    # --- putting values in place

    def child_loc(self) -> Loc:
        if not self.stack:
            return ()
        top = self.stack[-1]
        if isinstance(top.value, list):
            return (*top.loc, len(top.value))
        return (*top.loc, top.key if top.key is not None else "")

    def key_pos_for_child(self) -> tuple[int, int] | None:
        if not self.stack:
            return None
        top = self.stack[-1]
        return top.key_pos if isinstance(top.value, dict) else None

    def key(self, frame: _Frame, text: str, pos: tuple[int, int], *, plain: bool) -> None:
        frame.want_key = False
        frame.key, frame.key_pos, frame.key_plain = text, pos, plain
        frame.skip_value = False
        if text == "<<" and plain:
            return
        first = frame.first_line.get(text)
        if first is not None:
            self.problem(pos, f"duplicate key '{text}' (first given on line {first})")
            frame.skip_value = True
        else:
            frame.first_line[text] = pos[0]

    def bad_key(self, frame: _Frame, pos: tuple[int, int]) -> None:
        self.problem(pos, "a key must be a plain name, not a list or a mapping")
        frame.want_key = False
        frame.key = None
        frame.skip_value = True

    def add(self, value: Any, pos: tuple[int, int]) -> None:
        self.doc.positions.set(self.child_loc(), pos, self.key_pos_for_child())
        self.place(value)

    def place(self, value: Any) -> None:
        if not self.stack:
            self.doc.data = value
            return
        top = self.stack[-1]
        if isinstance(top.value, list):
            top.value.append(value)
            return
        key, skip = top.key, top.skip_value
        top.want_key, top.key, top.skip_value = True, None, False
        if skip or key is None:
            return
        if key == "<<" and top.key_plain:
            merged = value if isinstance(value, list) else [value]
            if all(isinstance(m, dict) for m in merged):
                top.merges += [(m, top.key_pos) for m in merged]
            else:
                self.problem(top.key_pos, "'<<' merges mappings: give it an alias (<<: *name)")
            return
        top.value[key] = value


def _syntax_problem(exc: Any, text: str, name: str) -> Problem:
    """A syntax error placed where the author must look: the unclosed bracket or quote."""
    problem = str(exc.problem or "invalid YAML")
    for token, words in _TOKEN_WORDS.items():
        problem = problem.replace(token, words)
    pm, cm = exc.problem_mark, exc.context_mark
    context = str(exc.context or "")
    at = _mark(pm) if pm is not None else (_mark(cm) if cm is not None else (1, 1))
    quote = _runaway_quote(text, at[0])
    if quote is not None:
        (line, col), char, end = quote
        return Problem(
            name,
            line,
            col,
            f"YAML syntax error: the text opened here with {char} runs on to line {end}; "
            f"is its closing {char} missing? ({problem}, line {at[0]})",
        )
    if cm is not None and "quoted scalar" in context:
        line, col = _mark(cm)
        return Problem(
            name, line, col, f"YAML syntax error: the quoted text opened here is never closed "
            f"({problem}, line {at[0]})"
        )
    if cm is not None and ("flow sequence" in context or "flow mapping" in context):
        line, col = _mark(cm)
        what = "list" if "sequence" in context else "mapping"
        bracket = "[" if what == "list" else "{"
        return Problem(
            name,
            line,
            col,
            f"YAML syntax error: the {what} opened here with '{bracket}' is not closed "
            f"({problem}, line {at[0]})",
        )
    where = ""
    if cm is not None and context:
        where = f" ({context.removeprefix('while ')} started at line {cm.line + 1})"
    return Problem(name, at[0], at[1], f"YAML syntax error: {problem}{where}")


_TOKEN_WORDS = {
    "'<stream end>'": "the end of the file",
    "'<scalar>'": "a value",
    "<block end>": "the end of the indented block",
    "'<block mapping start>'": "a new mapping",
    "'<block sequence start>'": "a new list",
}


def _runaway_quote(text: str, error_line: int) -> tuple[tuple[int, int], str, int] | None:
    """The quoted text that swallowed the lines up to a syntax error, if one did.

    A missing closing quote makes the text run on to the next quote, often many lines below,
    where the parser finally fails; the author must look where the quote was opened.
    """
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError

    found = None
    tokens: Iterator[Any] = YAML(typ="safe", pure=True).scan(text)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for token in tokens:
                start = getattr(token, "start_mark", None)
                if start is None or start.line + 1 > error_line:
                    break
                style = getattr(token, "style", None)
                if type(token).__name__ != "ScalarToken" or style not in ('"', "'"):
                    continue
                end = token.end_mark.line + 1
                if end > start.line + 1 and end >= error_line - 1:
                    found = (_mark(start), style, end)
    except YAMLError:
        pass
    return found
