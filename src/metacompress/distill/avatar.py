"""AVATAR (Shi, Yang, Kang, Xu, He, Lo: "Greening Large Language Models of Code", ICSE-SEIS 2024).

1. Space: tokenizer, vocabulary, layers, hidden size, intermediate size, heads, activation,
   dropouts, maximum sequence length, position-embedding type, learning rate and batch size
   (`spaces.avatar_space`).
2. Pruning: the z3 SMT solver tightens every architecture gene to the values some model within
   the size target can use (`search.constraints.prune`).
3. Accuracy surrogate: the initial population (adaptive random testing) is where the first
   `surrogate_samples` configurations are actually distilled; a Bayesian ridge regression of
   their validation accuracy on the configuration features predicts the accuracy of every
   other candidate.
4. Search: the multi-objective GA of `search.moga` minimises (|size - target|, -predicted
   accuracy, GFLOPs) and returns its archive as the Pareto front.
5. Choice and distillation: of the front members of the target size (size error at most
   `size_tolerance` of the target), the one with the highest predicted accuracy (fewer FLOPs on
   ties; the least size error when none is of the target size) is distilled with KL(teacher || student)
   at T = 1 (the package's `distill_loss` default), scaled by T^2.

Budgets. Published settings (`MOO.py` and `distill_utils.py` of the replication package):
population 20, 50 generations, the 20 initial configurations distilled for the surrogate at
5 epochs each, tournament size 10, crossover 0.6, mutation 0.1, the chosen model trained
15 epochs. The search itself only queries the surrogate and the size/FLOPs model, so the short
budgets cut the distillations, not the search: `tiny`: population 20, 30 generations, 3 samples
of 1 epoch on at most 200 examples, 3 final epochs, the learning rate fixed at 1e-3 (a few
hundred steps at the space's 5e-5 or 1e-4 leave a student at chance, and 1-epoch samples cannot
show it; `spaces.avatar_space`). `small`: population 20, 50 generations,
4 samples of 2 epochs on at most 300 examples, 8 final epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.distill.base import Budget, Distiller, DistillResult, distiller
from metacompress.distill.pipeline import DistillJob, SearchOutcome
from metacompress.distill.search.constraints import prune
from metacompress.distill.search.moga import adaptive_random_population, run_moga
from metacompress.distill.search.space import SearchSpace
from metacompress.distill.search.surrogate import fit_surrogate
from metacompress.distill.spaces import AVATAR_CEILINGS, avatar_space
from metacompress.errors import ConfigError
from metacompress.registry import check_range, get_params

BUDGETS = {
    "tiny": Budget(
        20, 30, surrogate_samples=3, final_epochs=3, max_train_examples=200, learning_rate=1e-3
    ),
    "small": Budget(
        20, 50, surrogate_samples=4, surrogate_epochs=2, final_epochs=8, max_train_examples=300
    ),
    "paper": Budget(20, 50, surrogate_samples=20, surrogate_epochs=5, final_epochs=15),
}


def check_length_range(value: tuple[int, int]) -> tuple[int, int]:
    """A (low, high) range of maximum sequence lengths, 8 <= low <= high."""
    if len(value) != 2 or not all(isinstance(v, int) for v in value) or value[0] > value[1]:
        raise ConfigError(f"max_length_range must be two integers (low, high), got {value!r}")
    check_range("max_length_range low", value[0], 8, 100_000)
    return (int(value[0]), int(value[1]))


def measure_samples(
    job: DistillJob,
    space: SearchSpace,
    xs: np.ndarray,
    budget: Budget,
    loss: str,
    temperature: float,
    train=None,
    flip_pairs=None,
) -> list[dict]:
    """Distil each configuration of `xs` briefly and record its validation quality.

    `accuracy` is the best validation accuracy over the epochs (agreement with the teacher when
    the validation set has no labels); with `flip_pairs` (originals, variants) the flip rate of
    the trained student is recorded too. Each record is kept in the job's folder as it is made
    (`DistillJob.remembered`), so a rerun of an interrupted search distils no sample twice.
    """
    metric = "valid_accuracy" if job.has_labels else "valid_agreement"
    data = train if train is not None else job.subset(budget.max_train_examples)

    def measure(x: np.ndarray, desc: str) -> dict:
        config = space.decode(x)
        trained = job.train_student(
            config, budget.surrogate_epochs, loss, temperature, train=data, desc=desc
        )
        record = {
            "x": [float(v) for v in x],
            "settings": space.settings(x),
            "accuracy": max(h[metric] for h in trained.history),
            "size_mb": config.size_mb(),
            "gflops": config.flops().total / 1e9,
        }
        if flip_pairs is not None:
            record["flips"] = job.flip_rate(trained, *flip_pairs)
        return record

    return [
        job.remembered(
            "sample",
            [[float(v) for v in x], budget.surrogate_epochs, loss, temperature, bool(flip_pairs)],
            data,
            lambda x=x, k=k: measure(x, f"surrogate sample {k + 1}/{len(xs)}"),
        )
        for k, x in enumerate(xs)
    ]


def front_records(space: SearchSpace, xs: np.ndarray, fs: np.ndarray, names) -> list[dict]:
    """One record per front member: its settings and objective values."""
    return [
        {"settings": space.settings(x), **{n: float(v) for n, v in zip(names, f, strict=True)}}
        for x, f in zip(xs, fs, strict=True)
    ]


@distiller(
    "avatar",
    "AVATAR (ICSE-SEIS 2024): z3-pruned space, Bayesian-ridge accuracy surrogate, "
    "multi-objective GA over size error, accuracy and FLOPs",
)
@dataclass(frozen=True)
class Avatar(Distiller):
    """AVATAR; see the module docstring."""

    temperature: float = 1.0
    size_tolerance: float = 0.05
    tournament: int = 10
    cross_chance: float = 0.6
    mutation_rate: float = 0.1
    max_length_range: tuple[int, int] = (256, 512)

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("size_tolerance", self.size_tolerance, 0.0, 1.0)
        check_range("tournament", self.tournament, 2, 1000)
        check_range("cross_chance", self.cross_chance, 0.0, 1.0)
        check_range("mutation_rate", self.mutation_rate, 0.0, 1.0)
        object.__setattr__(self, "max_length_range", check_length_range(self.max_length_range))

    def budget_settings(self) -> Budget:
        return BUDGETS[self.budget]

    def search(
        self, space: SearchSpace, evaluate_samples, rng: np.random.Generator
    ) -> SearchOutcome:
        """Prune, sample, fit the surrogate, search; `evaluate_samples(space, X)` distils."""
        budget = self.budget_settings()
        pruned, report = prune(space, self.size_mb, {})
        initial = adaptive_random_population(pruned, budget.population, rng)
        samples = evaluate_samples(pruned, initial[: budget.surrogate_samples])
        surrogate = fit_surrogate(
            "bayesian-ridge",
            np.array([pruned.features(s["x"]) for s in samples]),
            np.array([s["accuracy"] for s in samples]),
        )

        def objectives(xs: np.ndarray) -> np.ndarray:
            configs = [pruned.decode(x) for x in xs]
            accuracy = surrogate.predict(np.array([pruned.features(x) for x in xs]))
            return np.array(
                [
                    [abs(c.size_mb() - self.size_mb), -a, c.flops().total / 1e9]
                    for c, a in zip(configs, accuracy, strict=True)
                ]
            )

        result = run_moga(
            pruned,
            objectives,
            initial,
            budget.generations,
            rng,
            tournament=self.tournament,
            cross_chance=self.cross_chance,
            mutation_rate=self.mutation_rate,
        )
        names = ("size_error_mb", "neg_accuracy", "gflops")
        history = [
            {
                "generation": g,
                "settings": pruned.settings(x),
                **dict(zip(names, map(float, f), strict=True)),
            }
            for x, f, g in zip(
                result.evaluated_x, result.evaluated_f, result.generation, strict=True
            )
        ]
        front = front_records(pruned, result.front_x, result.front_f, names)
        chosen_index, of_target_size = self._choose(result.front_f)
        chosen = pruned.decode(result.front_x[chosen_index])
        f = result.front_f[chosen_index]
        return SearchOutcome(
            chosen=chosen,
            history=history,
            pareto=front,
            samples=samples,
            predicted={
                "accuracy": -float(f[1]),
                "size_mb": chosen.size_mb(),
                "gflops": float(f[2]),
            },
            notes={"pruning": report, "chosen_of_target_size": of_target_size},
        )

    def _choose(self, fs: np.ndarray) -> tuple[int, bool]:
        """Highest predicted accuracy among the front members of the target size.

        A member is of the target size when |size - target| <= size_tolerance * target; fewer
        FLOPs break ties. When no member is, the one with the least size error is taken (and
        the returned flag is False).
        """
        fits = [i for i, f in enumerate(fs) if f[0] <= self.size_tolerance * self.size_mb]
        if not fits:
            return int(np.argmin(fs[:, 0])), False
        return min(fits, key=lambda i: (fs[i][1], fs[i][2])), True

    def run(self, job: DistillJob) -> DistillResult:
        budget = self.budget_settings()
        space = avatar_space(
            job.vocab_caps(AVATAR_CEILINGS), self.max_length_range, budget.learning_rate
        )
        outcome = self.search(
            space,
            lambda s, xs: measure_samples(job, s, xs, budget, "kl", self.temperature),
            np.random.default_rng(self.seed),
        )
        trained = job.train_student(
            outcome.chosen,
            self.final_epochs(),
            "kl",
            self.temperature,
            measure_untrained=True,
            checkpoint=True,
        )
        params = {**get_params(self), "loss": "kl"}
        return job.finish(self.name, params, outcome, trained)
