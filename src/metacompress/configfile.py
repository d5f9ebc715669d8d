"""YAML read with the line of every key, and typed access whose errors say where the value was.

Every error names the file, the line (from the YAML node marks), the key path and what was
expected::

    devign.yaml:12: followups[1].against: expected one of teacher, student, both, got 'teachr'

A value given on the command line instead of in the file names its flag::

    --workers: expected an integer >= 1, got 0

`read_yaml(path)` reads a file (a missing, unreadable or invalid file is a ConfigError naming
it, a duplicate key one naming its line); `Reader(origin)` checks values one key path at a time
(`Reader.mapping`, `string`, `integer`, ...). The run config (`metacompress.pipeline.config`)
and model spec files (`metacompress.models.spec`) are read this way.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from metacompress.errors import ConfigError

#: A key path in a YAML document: mapping keys and sequence indices from the top.
KeyPath = tuple[str | int, ...]


def dotted(path: KeyPath) -> str:
    """A key path as text: ``followups[1].against``."""
    text = ""
    for part in path:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


class Origin:
    """Where the values of one document came from: its source name, the line of every key path,
    and the command-line flag (or other label) of every key path whose value was set elsewhere."""

    def __init__(
        self,
        source: str,
        lines: Mapping[KeyPath, int] | None = None,
        flags: Mapping[KeyPath, str] | None = None,
    ) -> None:
        self.source = source
        self.lines = dict(lines or {})
        self.flags = dict(flags or {})

    def line(self, path: KeyPath) -> int | None:
        """The line of `path`, or of the nearest enclosing key that has one."""
        for end in range(len(path), -1, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def where(self, path: KeyPath) -> str:
        """FILE:LINE: KEY of the value at `path`, or FLAG when a flag set it."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.flags:
                return self.flags[path[:end]]
        line = self.line(path)
        where = f"{self.source}:{line}" if line is not None else self.source
        return f"{where}: {dotted(path) if path else 'config'}"

    def error(self, path: KeyPath, message: str) -> ConfigError:
        """A ConfigError for the value at `path`: FILE:LINE: KEY: message, or FLAG: message."""
        return ConfigError(f"{self.where(path)}: {message}")


def parse_yaml(text: str, source: str) -> tuple[Any, Origin]:
    """Parse YAML text; the value and its Origin (the 1-based line of every key path)."""
    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        value = loader.construct_document(node) if node is not None else None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f":{mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error)
        context, context_mark = (
            getattr(error, "context", None),
            getattr(error, "context_mark", None),
        )
        if context and context_mark is not None:
            problem += f" ({context} that starts at line {context_mark.line + 1})"
        raise ConfigError(f"{source}{line}: not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    lines: dict[KeyPath, int] = {}

    def walk(current: yaml.Node, path: KeyPath) -> None:
        lines.setdefault(path, current.start_mark.line + 1)
        if isinstance(current, yaml.MappingNode):
            seen: set[str] = set()
            for key_node, value_node in current.value:
                key = key_node.value
                if key in seen:
                    line = key_node.start_mark.line + 1
                    raise ConfigError(f"{source}:{line}: {dotted((*path, key))}: duplicate key")
                seen.add(key)
                lines[(*path, key)] = key_node.start_mark.line + 1
                walk(value_node, (*path, key))
        elif isinstance(current, yaml.SequenceNode):
            for index, item in enumerate(current.value):
                walk(item, (*path, index))

    if node is not None:
        walk(node, ())
    return value, Origin(source, lines)


def read_yaml(path: str | Path, what: str = "config file") -> tuple[Any, Origin]:
    """Read and parse the YAML file at `path` (`what` names it in errors)."""
    file = Path(path)
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(f"{what} {file} not found") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"cannot read {what} {file}: {error}") from None
    return parse_yaml(text, str(file))


def kind(value: Any) -> str:
    """The type name of `value` for messages ("nothing" for None)."""
    return type(value).__name__ if value is not None else "nothing"


class Reader:
    """Typed access to the values of one document, raising ConfigErrors located by `origin`."""

    def __init__(self, origin: Origin) -> None:
        self.origin = origin

    def error(self, path: KeyPath, message: str) -> ConfigError:
        return self.origin.error(path, message)

    def mapping(self, value: Any, path: KeyPath, keys: Sequence[str] | None = None) -> dict:
        """`value` as a dict with string keys (only `keys`, when given)."""
        if not isinstance(value, Mapping):
            raise self.error(path, f"expected a mapping, got {kind(value)} {value!r}")
        for key in value:
            if not isinstance(key, str):
                raise self.error(path, f"expected string keys, got {key!r}")
            if keys is not None and key not in keys:
                raise self.error((*path, key), f"unknown key; expected one of: {', '.join(keys)}")
        return dict(value)

    def string(self, value: Any, path: KeyPath, choices: Sequence[str] | None = None) -> str:
        """`value` as a non-empty string (one of `choices`, when given)."""
        if not isinstance(value, str) or not value:
            raise self.error(path, f"expected a non-empty string, got {value!r}")
        if choices is not None and value not in choices:
            raise self.error(path, f"expected one of {', '.join(choices)}, got {value!r}")
        return value

    def boolean(self, value: Any, path: KeyPath) -> bool:
        if not isinstance(value, bool):
            raise self.error(path, f"expected true or false, got {value!r}")
        return value

    def integer(self, value: Any, path: KeyPath, low: int) -> int:
        if isinstance(value, bool) or not isinstance(value, int) or value < low:
            raise self.error(path, f"expected an integer >= {low}, got {value!r}")
        return value

    def number(self, value: Any, path: KeyPath, low: float, high: float | None = None) -> float:
        """`value` as a float when it is a finite number in [low, high] (NaN, which compares
        false with every bound, and infinities are refused)."""
        ok = not isinstance(value, bool) and isinstance(value, int | float)
        ok = ok and not (isinstance(value, float) and not math.isfinite(value))
        if not ok or value < low or (high is not None and value > high):
            bound = f"in [{low:g}, {high:g}]" if high is not None else f">= {low:g}"
            raise self.error(path, f"expected a number {bound}, got {value!r}")
        return float(value)

    def sequence(self, value: Any, path: KeyPath) -> list:
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise self.error(path, f"expected a list, got {kind(value)} {value!r}")
        return list(value)

    def params(self, value: Any, path: KeyPath) -> dict[str, Any]:
        """A component's parameters: a mapping, {} when absent."""
        return {} if value is None else self.mapping(value, path)

    def create(self, path: KeyPath, factory: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call a component factory, giving its ConfigError (or TypeError, ValueError) the
        location of `path`."""
        try:
            return factory(*args, **kwargs)
        except (ConfigError, TypeError, ValueError) as error:
            raise self.error(path, str(error)) from None
