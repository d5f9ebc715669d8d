"""Registries of components and the small base that makes components configurable.

Every component family (transforms, relations, attacks, distillers, model formats) owns one
`Registry`, filled by a decorator at import time. A component is a frozen dataclass: its fields
are its constructor parameters, stored unmodified, so `type(c)(**get_params(c)) == c` and a
config round-trips through YAML. Validation happens in `__post_init__` with the `check_*`
helpers, whose messages say what was expected and what came.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from metacompress.errors import ConfigError

T = TypeVar("T")


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered component: its name, class, one-line description and extra facts."""

    name: str
    obj: T
    description: str
    meta: dict[str, Any] = field(default_factory=dict)


class Registry(Generic[T]):
    """Name -> component mapping for one family, filled by `register` used as a decorator.

    `providers` are the modules whose import fills the registry; they are imported on the first
    lookup, so a caller never needs to know where the components live.
    """

    def __init__(self, kind: str, providers: Iterable[str] = ()) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}
        self._providers = tuple(providers)
        self._loaded = False
        self._loading = False
        self._lock = threading.RLock()

    def register(self, name: str, description: str = "", **meta: Any) -> Callable[[T], T]:
        """Decorator: register `obj` under `name`; a second registration of a name is an error."""

        def decorate(obj: T) -> T:
            if name in self._entries and self._entries[name].obj is not obj:
                raise ValueError(f"{self.kind} {name!r} is registered twice")
            doc = description or (getattr(obj, "__doc__", "") or "").strip().splitlines()[0:1]
            text = doc if isinstance(doc, str) else (doc[0] if doc else "")
            self._entries[name] = Entry(name, obj, text, dict(meta))
            if isinstance(obj, type):
                obj.registered_name = name  # type: ignore[attr-defined]
            return obj

        return decorate

    def _load(self) -> None:
        """Import the providers once. Other threads wait until the imports are done; a lookup
        made by a provider while it is being imported sees the registry as filled so far."""
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:
                return
            self._loading = True
            try:
                for module in self._providers:
                    importlib.import_module(module)
                self._loaded = True
            finally:
                self._loading = False

    def names(self) -> list[str]:
        self._load()
        return sorted(self._entries)

    def entries(self) -> list[Entry[T]]:
        self._load()
        return [self._entries[n] for n in sorted(self._entries)]

    def get(self, name: str) -> T:
        self._load()
        try:
            return self._entries[name].obj
        except KeyError:
            known = ", ".join(sorted(self._entries)) or "none"
            raise ConfigError(f"unknown {self.kind} {name!r}; expected one of: {known}") from None

    def entry(self, name: str) -> Entry[T]:
        self.get(name)
        return self._entries[name]

    def create(self, name: str, **params: Any) -> Any:
        """Instantiate the component `name` with `params`; unknown parameters are a ConfigError."""
        cls = self.get(name)
        if dataclasses.is_dataclass(cls):
            allowed = {f.name for f in dataclasses.fields(cls) if f.init}
            unknown = sorted(set(params) - allowed)
            if unknown:
                raise ConfigError(
                    f"{self.kind} {name!r} has no parameter {', '.join(map(repr, unknown))}; "
                    f"expected some of: {', '.join(sorted(allowed)) or 'none'}"
                )
        return cls(**params)  # type: ignore[operator]

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries


def get_params(component: Any) -> dict[str, Any]:
    """The constructor parameters of a dataclass component, as given."""
    return {f.name: getattr(component, f.name) for f in dataclasses.fields(component) if f.init}


def check_range(
    name: str, value: float, low: float | None = None, high: float | None = None
) -> None:
    """Raise ConfigError unless `value` is a finite number with low <= value <= high (either
    bound may be None). NaN and infinities are refused whatever the bounds: NaN compares false
    with every bound (so it would pass any range), and no parameter reads infinity as
    "unbounded" (YAML writes them ``.nan``, ``.inf``)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ConfigError(f"{name} must be a number, got {value!r}")
    if isinstance(value, float) and not math.isfinite(value):
        raise ConfigError(f"{name} must be a finite number, got {value!r}")
    if (low is not None and value < low) or (high is not None and value > high):
        lo = "-inf" if low is None else low
        hi = "inf" if high is None else high
        raise ConfigError(f"{name} must be in [{lo}, {hi}], got {value!r}")


def check_choice(name: str, value: Any, choices: Iterable[Any]) -> None:
    """Raise ConfigError unless value is one of choices."""
    options = list(choices)
    if value not in options:
        raise ConfigError(f"{name} must be one of {options}, got {value!r}")
