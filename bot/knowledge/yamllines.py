"""YAML with line numbers: the data as plain Python plus the 1-based line of every node,
keyed by its path (a tuple of keys and list indexes). Duplicate keys are reported."""

from __future__ import annotations

from pathlib import Path as FilePath
from typing import Any

import yaml
from yaml.constructor import SafeConstructor
from yaml.nodes import MappingNode, Node, SequenceNode

from bot.knowledge.problems import Problem

Path = tuple
# libyaml's parser when PyYAML was built with it (the wheels are): ten times faster, same marks.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class LineData:
    def __init__(self, data: Any, lines: dict[Path, int], duplicates: list[tuple[Path, int]]) -> None:
        self.data = data
        self.lines = lines
        self.duplicates = duplicates

    def line(self, path: Path) -> int | None:
        """The line of `path`, or of its nearest ancestor that exists."""
        path = tuple(path)
        while path not in self.lines and path:
            path = path[:-1]
        return self.lines.get(path)


def load(text: str) -> LineData:
    """Parse YAML text; raises yaml.YAMLError (with a mark) on bad syntax."""
    root = yaml.compose(text, Loader=_LOADER)
    lines: dict[Path, int] = {}
    duplicates: list[tuple[Path, int]] = []
    constructor = SafeConstructor()

    def walk(node: Node, path: Path) -> Any:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, MappingNode):
            out: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                key = constructor.construct_object(key_node, deep=True)
                if not isinstance(key, (str, int, float, bool)) and key is not None:
                    key = str(key)
                if key in out:
                    duplicates.append(((*path, key), key_node.start_mark.line + 1))
                out[key] = walk(value_node, (*path, key))
                lines[(*path, key)] = key_node.start_mark.line + 1
            return out
        if isinstance(node, SequenceNode):
            return [walk(item, (*path, i)) for i, item in enumerate(node.value)]
        try:
            return constructor.construct_object(node, deep=True)
        except ValueError:  # e.g. the date 2026-13-40: keep the text; the checks say what is wrong with it
            return node.value

    data = walk(root, ()) if root is not None else None
    return LineData(data, lines, duplicates)


class Report:
    """The problems found in one file, each on its line."""

    def __init__(self, display: str) -> None:
        self.display = display
        self.problems: list[Problem] = []

    def add(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.display, line, message))


def load_optional(path: FilePath, display: str) -> tuple[LineData | None, Report]:
    """An optional file of the knowledge folder (phrasings, cases): None without a problem when it
    is missing or empty, None and the problem on its line when it is not YAML."""
    report = Report(display)
    if not path.is_file():
        return None, report
    try:
        parsed = load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        report.add(mark.line + 1 if mark is not None else None, f"bad YAML: {getattr(exc, 'problem', exc)}")
        return None, report
    return (None if parsed.data is None else parsed), report
