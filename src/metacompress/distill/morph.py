"""MORPH (Panichella: "Metamorphic-Based Many-Objective Distillation of LLMs for Code-related
Tasks", ICSE 2025).

1. Metamorphic data: every unlabelled and validation example gets a metamorphic copy made by
   the transformation engine (`metamorphic.metamorphic_copies`; parameter renaming by default,
   as the engine has no function-renaming transformation). The training set is the unlabelled
   half plus its copies, each copy carrying its source's soft label.
2. Surrogates: AVATAR's space is pruned with z3 to the size target (MORPH extends AVATAR's
   setting); `surrogate_samples` configurations drawn by Latin hypercube sampling, kept only
   when they fit the size target, are distilled briefly; gradient-boosted trees predict their validation accuracy and
   their prediction flips (the fraction of validation examples whose predicted label changes
   on the metamorphic copy).
3. Search: AGE-MOEA (`search.agemoea`) with Latin hypercube initialisation, binary tournament,
   simulated binary crossover (eta 15, probability 0.9), polynomial mutation (eta 30) and a
   repair operator (grid snapping, hidden size a multiple of the heads) minimises four
   objectives: size (MB), GFLOPs, -predicted accuracy and predicted flips, subject to
   size <= target.
4. Choice and distillation: the feasible front member with the highest predicted accuracy
   (fewer predicted flips on ties) is distilled on the augmented data with soft cross-entropy
   at T = 10 plus (1 - cosine similarity) of the softened outputs.

Budgets. Published settings (the replication package's search script): population 50,
100 generations, SBX(eta 15, p 0.9), PM(eta 30); surrogate samples distilled 5 epochs and the
chosen model 20. The number of surrogate samples is not stated there; `paper` uses AVATAR's 20.
The short budgets cut the distillations more than the search (which only queries the
surrogates): `tiny`: population 20, 20 generations, 3 samples of 1 epoch on at most 120
examples (and their copies), 3 final epochs, the learning rate fixed at 1e-3 (as AVATAR's). `small`: population 30, 40 generations, 4 samples
of 2 epochs on at most 150 examples (and their copies), 8 final epochs.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from metacompress.distill.avatar import check_length_range, front_records, measure_samples
from metacompress.distill.base import Budget, Distiller, DistillResult, distiller
from metacompress.distill.metamorphic import DEFAULT_TRANSFORMS, metamorphic_copies
from metacompress.distill.pipeline import DistillJob, SearchOutcome
from metacompress.distill.search.constraints import prune
from metacompress.distill.search.space import SearchSpace
from metacompress.distill.search.surrogate import fit_surrogate
from metacompress.distill.spaces import AVATAR_CEILINGS, avatar_space
from metacompress.errors import ConfigError
from metacompress.registry import check_range, get_params

BUDGETS = {
    "tiny": Budget(
        20, 20, surrogate_samples=3, final_epochs=3, max_train_examples=120, learning_rate=1e-3
    ),
    "small": Budget(
        30, 40, surrogate_samples=4, surrogate_epochs=2, final_epochs=8, max_train_examples=150
    ),
    "paper": Budget(50, 100, surrogate_samples=20, surrogate_epochs=5, final_epochs=20),
}
OBJECTIVES = ("size_mb", "gflops", "neg_accuracy", "flips")
LHS_BATCHES = 20


@distiller(
    "morph",
    "MORPH (ICSE 2025): AGE-MOEA over size, FLOPs, predicted accuracy and metamorphic "
    "prediction flips; soft CE + cosine loss on metamorphically augmented data",
)
@dataclass(frozen=True)
class Morph(Distiller):
    """MORPH; see the module docstring."""

    temperature: float = 10.0
    transforms: tuple[str, ...] = DEFAULT_TRANSFORMS
    sbx_eta: float = 15.0
    sbx_prob: float = 0.9
    pm_eta: float = 30.0
    max_length_range: tuple[int, int] = (256, 512)

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("sbx_eta", self.sbx_eta, 1.0, 100.0)
        check_range("sbx_prob", self.sbx_prob, 0.0, 1.0)
        check_range("pm_eta", self.pm_eta, 1.0, 100.0)
        if isinstance(self.transforms, str) or not self.transforms:
            raise ConfigError(
                f"transforms must be a non-empty list of names, got {self.transforms!r}"
            )
        object.__setattr__(self, "transforms", tuple(self.transforms))
        object.__setattr__(self, "max_length_range", check_length_range(self.max_length_range))

    def budget_settings(self) -> Budget:
        return BUDGETS[self.budget]

    def latin_hypercube(self, space: SearchSpace, n: int) -> np.ndarray:
        """`n` repaired configurations within the size target, by Latin hypercube sampling.

        Hypercubes of `n` points (pymoo's LHS) are drawn until `n` points fit the size target
        (kept in drawing order); after `LHS_BATCHES` hypercubes the smallest others fill up.
        """
        from pymoo.core.problem import Problem
        from pymoo.operators.sampling.lhs import LHS

        problem = Problem(n_var=len(space.genes), xl=space.lower, xu=space.upper)
        rng = np.random.default_rng(self.seed)
        fitting, others = [], []
        for _ in range(LHS_BATCHES):
            for x in LHS().do(problem, n, random_state=rng).get("X"):
                x = space.repair(x)
                size = space.decode(x).size_mb()
                (fitting if size <= self.size_mb else others).append((size, x))
            if len(fitting) >= n:
                break
        others.sort(key=lambda item: item[0])
        return np.array([x for _, x in (fitting + others)[:n]])

    def search(self, space: SearchSpace, evaluate_samples) -> SearchOutcome:
        """Sample, fit the surrogates, run AGE-MOEA; `evaluate_samples(space, X)` distils."""
        from pymoo.core.problem import Problem
        from pymoo.core.repair import Repair
        from pymoo.operators.crossover.sbx import SBX
        from pymoo.operators.mutation.pm import PM
        from pymoo.operators.sampling.lhs import LHS
        from pymoo.optimize import minimize

        from metacompress.distill.search.agemoea import make_algorithm

        budget = self.budget_settings()
        space, report = prune(space, self.size_mb, {})
        samples = evaluate_samples(space, self.latin_hypercube(space, budget.surrogate_samples))
        features = np.array([space.features(s["x"]) for s in samples])
        accuracy = fit_surrogate(
            "gradient-boosting", features, [s["accuracy"] for s in samples], self.seed
        )
        flips = fit_surrogate(
            "gradient-boosting", features, [s["flips"] for s in samples], self.seed
        )
        target = self.size_mb
        history: list[dict] = []

        def objectives(xs: np.ndarray) -> np.ndarray:
            configs = [space.decode(x) for x in xs]
            features = np.array([space.features(x) for x in xs])
            return np.column_stack(
                [
                    [c.size_mb() for c in configs],
                    [c.flops().total / 1e9 for c in configs],
                    -accuracy.predict(features),
                    flips.predict(features),
                ]
            )

        class Compression(Problem):
            def __init__(self) -> None:
                super().__init__(
                    n_var=len(space.genes), n_obj=4, n_ieq_constr=1, xl=space.lower, xu=space.upper
                )
                self.generation = 0

            def _evaluate(self, X, out, *args, **kwargs):
                F = objectives(X)
                out["F"] = F
                out["G"] = F[:, :1] - target
                for x, f in zip(X, F, strict=True):
                    history.append(
                        {
                            "generation": self.generation,
                            "settings": space.settings(x),
                            **dict(zip(OBJECTIVES, map(float, f), strict=True)),
                        }
                    )
                self.generation += 1

        class SpaceRepair(Repair):
            def _do(self, problem, X, **kwargs):
                return np.array([space.repair(x) for x in X])

        algorithm = make_algorithm(
            budget.population,
            LHS(),
            SBX(eta=self.sbx_eta, prob=self.sbx_prob),
            PM(eta=self.pm_eta),
            SpaceRepair(),
        )
        result = minimize(
            Compression(), algorithm, ("n_gen", budget.generations), seed=self.seed, verbose=False
        )
        xs, fs = np.atleast_2d(result.opt.get("X")), np.atleast_2d(result.opt.get("F"))
        feasible = [i for i in range(len(xs)) if fs[i][0] <= target]
        if not feasible:
            raise ConfigError(f"MORPH found no configuration within {target} MB; raise the budget")
        best = min(feasible, key=lambda i: (fs[i][2], fs[i][3]))
        chosen = space.decode(xs[best])
        return SearchOutcome(
            chosen=chosen,
            history=history,
            pareto=front_records(space, xs, fs, OBJECTIVES),
            samples=samples,
            predicted={
                "size_mb": float(fs[best][0]),
                "gflops": float(fs[best][1]),
                "accuracy": -float(fs[best][2]),
                "flips": float(fs[best][3]),
            },
            notes={"pruning": report},
        )

    def run(self, job: DistillJob) -> DistillResult:
        budget = self.budget_settings()
        train_src, train_variants, train_reasons = metamorphic_copies(
            job.unlabelled, job.lang, self.transforms, self.seed
        )
        valid_src, valid_variants, valid_reasons = metamorphic_copies(
            job.valid, job.lang, self.transforms, self.seed + 1
        )
        flip_pairs = ([job.valid[i] for i in valid_src], valid_variants)
        subset, subset_probs = job.subset(budget.max_train_examples)
        subset_ids = {e.id for e in subset}
        picked = [k for k, i in enumerate(train_src) if job.unlabelled[i].id in subset_ids]
        sample_train = (
            list(subset) + [train_variants[k] for k in picked],
            np.concatenate(
                [subset_probs, job.probs[[train_src[k] for k in picked]].reshape(-1, 2)]
            ),
        )
        space = avatar_space(
            job.vocab_caps(AVATAR_CEILINGS), self.max_length_range, budget.learning_rate
        )
        outcome = self.search(
            space,
            lambda s, xs: measure_samples(
                job, s, xs, budget, "morph", self.temperature, sample_train, flip_pairs
            ),
        )
        outcome.notes["metamorphic"] = {
            "transforms": list(self.transforms),
            "train_copies": len(train_variants),
            "train_without_copy": len(job.unlabelled) - len(train_variants),
            "valid_copies": len(valid_variants),
            "valid_without_copy": len(job.valid) - len(valid_variants),
            "reasons": dict(train_reasons + valid_reasons),
        }
        augmented = (
            job.unlabelled + train_variants,
            np.concatenate([job.probs, job.probs[train_src].reshape(-1, 2)]),
        )
        trained = job.train_student(
            outcome.chosen,
            self.final_epochs(),
            "morph",
            self.temperature,
            train=augmented,
            measure_untrained=True,
            checkpoint=True,
        )
        extra = {"student_flip_rate": job.flip_rate(trained, *flip_pairs)}
        params = {**get_params(self), "loss": "morph"}
        return job.finish(self.name, params, outcome, trained, extra)
