"""Registries of components and the small base that makes components configurable.

Every component family (FAMILIES: transforms, relations, attacks, distillers, model formats,
data formats, report formats, executors) owns one `Registry`, filled by a decorator at import
time. Nothing lists the components by hand: on its first lookup a registry imports every
module of its packages (walking them, as the transformation catalogue does), so a new
component is a new module and nothing else, and then every third-party plugin
(`load_plugins`). A component is usually a frozen dataclass: its fields are its constructor
parameters, stored unmodified, so `type(c)(**get_params(c)) == c` and a config round-trips
through YAML. Validation happens in `__post_init__` with the `check_*` helpers, whose
messages say what was expected and what came.

Plugins: a distribution declares entry points in the group ``metacompress.plugins``; each
names a module (importing it registers its components with the same decorators the project
uses) or a function of no arguments that registers them. A plugin that fails to load is
reported with a warning that names it; the other components stay available.
"""

from __future__ import annotations

import dataclasses
import importlib
import math
import pkgutil
import threading
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from metacompress.errors import ConfigError

T = TypeVar("T")

#: The entry-point group third-party plugins declare.
PLUGIN_GROUP = "metacompress.plugins"
#: Every component family: its name (as `metacompress list` takes it) and "module:REGISTRY".
FAMILIES = {
    "transforms": "metacompress.code.transform:TRANSFORMS",
    "relations": "metacompress.relations.base:RELATIONS",
    "attacks": "metacompress.attacks.base:ATTACKS",
    "searches": "metacompress.attacks.deviation.base:SEARCHES",
    "distillers": "metacompress.distill.base:DISTILLERS",
    "model-formats": "metacompress.models.formats:FORMATS",
    "data-formats": "metacompress.data.formats:DATA_FORMATS",
    "report-formats": "metacompress.report.formats:REPORT_FORMATS",
    "executors": "metacompress.pipeline.executors.base:EXECUTORS",
}


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One registered component: its name, class, one-line description and extra facts."""

    name: str
    obj: T
    description: str
    meta: dict[str, Any] = field(default_factory=dict)


class Registry(Generic[T]):
    """Name -> component mapping for one family, filled by `register` used as a decorator.

    `packages` (packages or single modules) are imported on the first lookup, every module of
    a package included, and then the plugins; so a caller never needs to know where the
    components live.
    """

    def __init__(self, kind: str, packages: Iterable[str] = ()) -> None:
        self.kind = kind
        self._entries: dict[str, Entry[T]] = {}
        self._packages = tuple(packages)
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
        """Import the packages' modules and the plugins once. Other threads wait until the
        imports are done; a lookup made by a module while it is being imported sees the
        registry as filled so far."""
        if self._loaded:
            return
        with self._lock:
            if self._loaded or self._loading:
                return
            self._loading = True
            try:
                for package in self._packages:
                    import_package(package)
                load_plugins()
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
            _check_integers(f"{self.kind} {name!r}", cls, params)
        return cls(**params)  # type: ignore[operator]

    def __contains__(self, name: object) -> bool:
        self._load()
        return name in self._entries


#: Field annotations of a parameter that counts (as written, or the type's name).
_INTEGER_TYPES = ("int", "int | None", "Optional[int]")


def _check_integers(what: str, cls: type, params: dict[str, Any]) -> None:
    """Refuse a float given for a parameter annotated ``int`` (a count: sites, budget, steps,
    sizes). YAML reads ``2.5`` as a float, and ``range``, comparisons and slices would take it
    in silently or round it where it is used, so a config's typo changed a result unseen."""
    for spec in dataclasses.fields(cls):
        value = params.get(spec.name)
        kind = spec.type.__name__ if isinstance(spec.type, type) else str(spec.type)
        if isinstance(value, float) and kind.replace("typing.", "") in _INTEGER_TYPES:
            raise ConfigError(f"{what}: {spec.name} must be an integer, got {value!r}")


def import_package(name: str) -> None:
    """Import the module `name` and, when it is a package, every module below it."""
    module = importlib.import_module(name)
    for info in pkgutil.walk_packages(getattr(module, "__path__", ()), f"{name}."):
        importlib.import_module(info.name)


_plugins_lock = threading.RLock()
_plugins_loaded: set[str] = set()


def load_plugins() -> list[str]:
    """Load every entry point of the PLUGIN_GROUP not loaded yet; the names of all loaded.

    An entry point names a module (imported) or a function of no arguments (called); one that
    fails is reported with a warning naming it and its error, and is not tried again.
    """
    from importlib.metadata import entry_points

    with _plugins_lock:
        for point in entry_points(group=PLUGIN_GROUP):
            key = f"{point.name}={point.value}"
            if key in _plugins_loaded:
                continue
            _plugins_loaded.add(key)
            try:
                loaded = point.load()
                if callable(loaded) and not isinstance(loaded, type):
                    loaded()
            except Exception as error:  # a broken plugin must not take the project down
                warnings.warn(
                    f"metacompress plugin {point.name!r} ({point.value}) failed to load: "
                    f"{type(error).__name__}: {error}",
                    stacklevel=2,
                )
        return sorted(_plugins_loaded)


def family(name: str) -> Registry[Any]:
    """The registry of the family `name` (a key of FAMILIES)."""
    if name not in FAMILIES:
        raise ConfigError(f"unknown component family {name!r}; expected one of: "
                          f"{', '.join(sorted(FAMILIES))}")  # fmt: skip
    module, attribute = FAMILIES[name].split(":")
    return getattr(importlib.import_module(module), attribute)


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
