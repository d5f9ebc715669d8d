"""The distiller protocol, its registry, budgets and the result of a distillation.

A distiller is one published way of producing a student from a teacher: Compressor, AVATAR or
MORPH. Each is a frozen dataclass whose fields are its parameters (size target, temperature,
budget, seed, ...), validated on construction, registered with `@distiller(name, description)`.
`run(job)` searches a student architecture, distils the chosen one and returns a
`DistillResult`; the shared pipeline (soft labels, student training, saving) lives in
`metacompress.distill.pipeline`, so a distiller only says how it searches and which loss it uses.

This module imports nothing heavy (no torch), so `metacompress list distillers` stays fast.
"""

from __future__ import annotations

import abc
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from metacompress.registry import Registry, check_choice, check_range

if TYPE_CHECKING:
    from metacompress.distill.pipeline import DistillJob

DISTILLERS: Registry[type[Distiller]] = Registry("distiller", packages=("metacompress.distill",))

BUDGET_NAMES = ("tiny", "small", "paper")


def distiller(name: str, description: str) -> Callable[[type[Distiller]], type[Distiller]]:
    """Class decorator: register a Distiller under `name`."""

    def decorate(cls: type[Distiller]) -> type[Distiller]:
        cls.name = name
        return DISTILLERS.register(name, description)(cls)

    return decorate


@dataclass(frozen=True)
class Budget:
    """How much search and training one budget level buys.

    population / generations: the evolutionary search (restarts: independent runs, the best
    kept); surrogate_samples: configurations
    actually distilled to fit the accuracy (and flip) surrogates; surrogate_epochs and
    final_epochs: training epochs of those samples and of the chosen student;
    max_train_examples: cap on the distillation set used while fitting the surrogates
    (None = all); learning_rate: for methods whose learning rate is not searched, the rate the
    student trains with (None: the method's published one; the short budgets train a few
    dozen steps, where the published 1e-4 does not move a randomly initialised student).
    """

    population: int
    generations: int
    surrogate_samples: int = 0
    surrogate_epochs: int = 1
    final_epochs: int = 1
    restarts: int = 1
    max_train_examples: int | None = None
    learning_rate: float | None = None


@dataclass(frozen=True)
class DistillResult:
    """What a distillation produced; every path is inside `out_dir`."""

    method: str
    out_dir: Path
    student_spec: Path
    config: dict[str, Any]
    size_mb: float
    parameters: int
    flops: float
    metrics: dict[str, Any]
    pareto_front: list[dict[str, Any]] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def student_dir(self) -> Path:
        return self.student_spec.parent

    @classmethod
    def load(cls, out_dir: str | Path) -> DistillResult:
        """The result of a finished distillation in `out_dir` (its model spec and records)."""
        import json

        from metacompress.errors import ConfigError
        from metacompress.models.spec import SPEC_NAME

        out = Path(out_dir)
        spec = out / SPEC_NAME
        if not spec.is_file() or not (out / "metrics.json").is_file():
            raise ConfigError(f"{out}: no finished distillation (expected {SPEC_NAME})")
        metrics = json.loads((out / "metrics.json").read_text())
        chosen = json.loads((out / "chosen_config.json").read_text())
        pareto = out / "pareto_front.json"
        return cls(
            method=metrics["method"],
            out_dir=out,
            student_spec=spec,
            config=chosen["config"],
            size_mb=chosen["size_mb"],
            parameters=chosen["parameters"],
            flops=chosen["flops"],
            metrics=metrics,
            pareto_front=json.loads(pareto.read_text()) if pareto.is_file() else [],
            seconds=metrics["seconds"],
        )

    @property
    def accuracy(self) -> float | None:
        return self.metrics.get("student", {}).get("accuracy")

    @property
    def agreement(self) -> float | None:
        return self.metrics.get("student", {}).get("agreement")


@dataclass(frozen=True)
class Distiller(abc.ABC):
    """Base of every distiller: the parameters all three methods share.

    size_mb: target student size in MB at fp32 (parameters x 4 / 1e6);
    temperature: softening temperature T of the distillation loss;
    budget: "tiny" (minutes on 2 CPU cores), "small", or "paper" (the published settings);
    seed: seeds the search, the data order and the weight initialisation;
    epochs: training epochs of the chosen student (0: the budget's `final_epochs`).
    """

    name: ClassVar[str] = ""

    size_mb: float = 3.0
    temperature: float = 10.0
    budget: str = "tiny"
    seed: int = 0
    epochs: int = 0

    def __post_init__(self) -> None:
        check_range("size_mb", self.size_mb, 0.01, 10_000)
        check_range("temperature", self.temperature, 0.01, 1000)
        check_choice("budget", self.budget, BUDGET_NAMES)
        check_range("seed", self.seed, 0, 2**32 - 1)
        check_range("epochs", self.epochs, 0, 10_000)

    def final_epochs(self) -> int:
        """Epochs the chosen student trains: `epochs`, else the budget's."""
        return self.epochs or self.budget_settings().final_epochs

    @abc.abstractmethod
    def budget_settings(self) -> Budget:
        """The population, generations, surrogate samples and epochs of `self.budget`."""

    @abc.abstractmethod
    def run(self, job: DistillJob) -> DistillResult:
        """Search a student architecture for `job`, distil it and save everything."""
