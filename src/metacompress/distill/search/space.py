"""Search spaces over student configurations: genes on grids, decoding, repair.

`vocab_caps` maps a tokenizer kind to the largest vocabulary it reaches on the task's code; a
candidate asking for more gets that many (its size and FLOPs are those of the real student).

A candidate is a real vector x with one coordinate per gene. A numeric gene takes the values
low, low + step, ..., high; a categorical gene takes the indices 0..k-1 of its choices.
`repair` snaps every coordinate to its grid and makes the hidden size a multiple of the number
of heads (the nearest multiple inside the bounds, as MORPH's repair operator does; the number of
heads is lowered to a divisor when no multiple fits).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np

from metacompress.distill.student import StudentConfig
from metacompress.errors import ConfigError


@dataclass(frozen=True)
class Gene:
    """One searched setting: a numeric grid [low, high] by step, or a list of choices."""

    name: str
    low: float = 0.0
    high: float = 0.0
    step: float = 1.0
    choices: tuple[Any, ...] = ()

    def __post_init__(self) -> None:
        if self.choices:
            object.__setattr__(self, "low", 0.0)
            object.__setattr__(self, "high", float(len(self.choices) - 1))
            object.__setattr__(self, "step", 1.0)
        if self.high < self.low or self.step <= 0:
            raise ConfigError(
                f"gene {self.name}: expected low <= high and step > 0, got "
                f"{self.low}, {self.high}, {self.step}"
            )

    @property
    def size(self) -> int:
        """Number of values on the grid."""
        return int(math.floor((self.high - self.low) / self.step + 1e-9)) + 1

    def snap(self, x: float) -> float:
        """The grid point nearest to x, inside the bounds."""
        x = float(x)
        k = int((min(max(x, self.low), self.high) - self.low) / self.step + 0.5)
        return self.low + min(k, self.size - 1) * self.step

    def value(self, x: float) -> Any:
        """The setting that coordinate x stands for (a choice, an int or a float)."""
        snapped = self.snap(x)
        if self.choices:
            return self.choices[int(round(snapped))]
        if float(self.step).is_integer() and float(self.low).is_integer():
            return int(round(snapped))
        return round(snapped, 6)

    def coordinate(self, value: Any) -> float:
        """The coordinate of a setting (inverse of `value`)."""
        if self.choices:
            return float(self.choices.index(value))
        return self.snap(float(value))

    def sample(self, rng: np.random.Generator) -> float:
        return self.low + int(rng.integers(self.size)) * self.step

    def capped(self, high: float) -> Gene:
        """This gene with its upper bound lowered to `high` (a single value below `low`)."""
        if self.choices:
            raise ConfigError(f"gene {self.name} is categorical and cannot be capped")
        if high >= self.high:
            return self
        if high < self.low:
            return replace(self, low=float(high), high=float(high))
        return replace(self, high=self.low + math.floor((high - self.low) / self.step) * self.step)


@dataclass(frozen=True)
class SearchSpace:
    """Genes plus the fixed settings that complete a `StudentConfig`."""

    genes: tuple[Gene, ...]
    fixed: tuple[tuple[str, Any], ...] = ()
    vocab_caps: tuple[tuple[str, int], ...] = ()

    @property
    def names(self) -> list[str]:
        return [g.name for g in self.genes]

    def gene(self, name: str) -> Gene:
        for g in self.genes:
            if g.name == name:
                return g
        raise KeyError(name)

    def with_gene(self, gene: Gene) -> SearchSpace:
        return replace(self, genes=tuple(gene if g.name == gene.name else g for g in self.genes))

    @property
    def lower(self) -> np.ndarray:
        return np.array([g.low for g in self.genes], dtype=float)

    @property
    def upper(self) -> np.ndarray:
        return np.array([g.high for g in self.genes], dtype=float)

    def settings(self, x: Sequence[float]) -> dict[str, Any]:
        """Gene name -> setting of candidate x (after repair)."""
        x = self.repair(np.asarray(x, dtype=float))
        settings = {g.name: g.value(v) for g, v in zip(self.genes, x, strict=True)}
        caps = dict(self.vocab_caps)
        kind = settings.get("tokenizer", dict(self.fixed).get("tokenizer"))
        if "vocab_size" in settings and kind in caps:
            settings["vocab_size"] = min(settings["vocab_size"], caps[kind])
        return settings

    def decode(self, x: Sequence[float]) -> StudentConfig:
        return StudentConfig(**dict(self.fixed), **self.settings(x))

    def encode(self, config: StudentConfig) -> np.ndarray:
        return np.array([g.coordinate(getattr(config, g.name)) for g in self.genes])

    def sample(self, rng: np.random.Generator, n: int) -> np.ndarray:
        return np.array([self.repair([g.sample(rng) for g in self.genes]) for _ in range(n)])

    def repair(self, x: Sequence[float]) -> np.ndarray:
        """Snap to the grids and make hidden_size divisible by num_heads."""
        x = np.array([g.snap(v) for g, v in zip(self.genes, x, strict=True)], dtype=float)
        names = self.names
        if "hidden_size" not in names or "num_heads" not in names:
            return x
        ih, ia = names.index("hidden_size"), names.index("num_heads")
        hidden_gene, heads_gene = self.genes[ih], self.genes[ia]
        hidden, heads = int(hidden_gene.value(x[ih])), int(heads_gene.value(x[ia]))
        if hidden % heads == 0:
            return x
        options = [
            m
            for m in (hidden // heads * heads, (hidden // heads + 1) * heads)
            if hidden_gene.low <= m <= hidden_gene.high and hidden_gene.snap(m) == m
        ]
        if options:
            x[ih] = min(options, key=lambda m: (abs(m - hidden), m))
            return x
        divisors = [
            heads_gene.coordinate(a)
            for a in self._head_values()
            if hidden % a == 0 and heads_gene.value(heads_gene.coordinate(a)) == a
        ]
        x[ia] = max(divisors, key=lambda c: heads_gene.value(c))
        return x

    def _head_values(self) -> list[int]:
        gene = self.gene("num_heads")
        return [int(gene.value(gene.low + k * gene.step)) for k in range(gene.size)]

    def features(self, x: Sequence[float]) -> np.ndarray:
        """The numeric vector surrogates are fitted on (categoricals as choice indices)."""
        return self.repair(x)
