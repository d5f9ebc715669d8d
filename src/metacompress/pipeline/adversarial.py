"""Stage 3: follow-up inputs found by attacks (against the teacher, against the student) and by
deviation searches (asking both).

One attack follow-up (ATTACK@VICTIM) runs the attack once over every example of the run, with
the seed `derive_seed(seed, follow-up id)`: the attacks draw each example's randomness from
(seed, attack, example id) and build their substitute vocabulary from all the examples given,
so one call over the whole run is what makes the result independent of chunking and resumes.
The victim is the run's cached model, so a resumed attack re-asks nothing it asked before.

Follow-ups are not selected by success: every attacked example gives one (status ok), the
adversarial input on success and the final input the search reached on failure (its best
candidate, or the unchanged input when it changed nothing); whether it succeeded is the
``attack_results`` status of the example. Selecting only successes would make the attacked
model's label invariance fail on 100 % of its follow-ups by construction. The follow-up is
scored by both models, so the other model's output on it is the transferred result. A skipped
example (not attacked: unlabelled, already misclassified, nothing to rename) has no follow-up
(status not-applicable, with the attack's reason). An attack that raises marks every example
of its follow-up "error" with the reason.

A deviation search follow-up (`metacompress.attacks.deviation`) works the same way with both
models: one call over the run's examples (the renaming vocabulary drawn from all of them), with
the seed `derive_seed(seed, follow-up id)`; every searched example gives a follow-up, the
triggering input on success and the input with the largest teacher-student gap on failure;
whether it succeeded is the ``search_results`` status of the example. An example the models
already disagree on has no follow-up (not-applicable, with the reason).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from metacompress.data.types import Example
from metacompress.hashing import derive_seed
from metacompress.pipeline.followups import FollowupSpec
from metacompress.pipeline.students import STUDENT, TEACHER
from metacompress.pipeline.variants import ERROR, NOT_APPLICABLE, OK, VariantOutcome

SUCCESS, FAILED = "success", "failed"


@dataclass(frozen=True)
class AttackOutcome:
    """What one attack follow-up gives for one example: its variant and its attack row."""

    variant: VariantOutcome
    row: tuple | None


def _p_positive(probs: Sequence[float] | None) -> float | None:
    return None if probs is None or len(probs) < 2 else float(probs[1])


def _plain_edits(edits: Any) -> tuple:
    return tuple(
        tuple(e.to_dict() if hasattr(e, "to_dict") else dict(e) for e in side) for side in edits
    )


def _outcome(spec: FollowupSpec, example: Example, result: Any, seed: int) -> AttackOutcome:
    row = (
        example.id,
        spec.name,
        spec.victim,
        result.status,
        result.reason or "",
        int(result.queries),
        int(result.identifiers_changed),
        _p_positive(result.original_probs),
        _p_positive(result.final_probs),
    )
    attacked = result.status in (SUCCESS, FAILED)
    if not attacked or (result.status == SUCCESS and not result.adversarial_inputs):
        reason = f"attack {result.status}" + (f": {result.reason}" if result.reason else "")
        return AttackOutcome(VariantOutcome(example.id, spec.name, NOT_APPLICABLE, reason, seed),
                             row)  # fmt: skip
    inputs = tuple(result.adversarial_inputs or example.inputs)
    edits = _plain_edits(result.edits) if result.adversarial_inputs else ()
    return AttackOutcome(_variant(spec, example, inputs, edits, result.steps, seed), row)


def _variant(
    spec: FollowupSpec, example: Example, inputs: tuple, edits: Any, steps: Any, seed: int
) -> VariantOutcome:
    """The ok follow-up `inputs`, whose edits (one tuple per input, relative to the example's
    input) are stored as one step named by the search's `steps`."""
    edits = edits or tuple(() for _ in inputs)
    names = tuple((tuple(steps) or (spec.component,)) if side else () for side in edits)
    return VariantOutcome(example.id, spec.name, OK, "", seed, names,
                          tuple((side,) if side else () for side in edits), inputs)  # fmt: skip


def _search_outcome(spec: FollowupSpec, example: Example, result: Any, seed: int) -> AttackOutcome:
    row = (example.id, spec.name, result.status, result.reason or "", int(result.queries))
    if result.inputs is None:
        reason = f"search {result.status}" + (f": {result.reason}" if result.reason else "")
        return AttackOutcome(VariantOutcome(example.id, spec.name, NOT_APPLICABLE, reason, seed),
                             row)  # fmt: skip
    variant = _variant(spec, example, tuple(result.inputs), _plain_edits(result.edits),
                       result.steps, seed)  # fmt: skip
    return AttackOutcome(variant, row)


def run_search(
    spec: FollowupSpec,
    examples: Sequence[Example],
    corpus: Sequence[Example],
    models: Mapping[str, Any],
    lang: str,
    seed: int,
) -> list[AttackOutcome]:
    """Run one deviation-search follow-up over `examples` (vocabulary from `corpus`)."""
    from metacompress.attacks.deviation import SEARCHES

    search_seed = derive_seed(seed, spec.name)
    try:
        search = SEARCHES.create(spec.component, **spec.params)
        student = models[spec.victim or STUDENT]  # a study: one search per student
        results = search.run(list(examples), models[TEACHER], student, lang, seed=search_seed,
                             corpus=list(corpus))  # fmt: skip
    except Exception as error:  # the whole search failed: every example says why
        reason = f"{type(error).__name__}: {error}"
        return [AttackOutcome(VariantOutcome(e.id, spec.name, ERROR, reason, search_seed), None)
                for e in examples]  # fmt: skip
    return [_search_outcome(spec, e, r, search_seed) for e, r in zip(examples, results,
                                                                      strict=True)]  # fmt: skip


def run_attack(
    spec: FollowupSpec, examples: Sequence[Example], victim: Any, lang: str, seed: int
) -> list[AttackOutcome]:
    """Run one attack follow-up over `examples`; one outcome per example, in order."""
    from metacompress.attacks.base import ATTACKS

    attack_seed = derive_seed(seed, spec.name)
    try:
        attack = ATTACKS.create(spec.component, **spec.params)
        results = attack.run(list(examples), victim, lang, seed=attack_seed)
    except Exception as error:  # the whole attack failed: every example says why
        reason = f"{type(error).__name__}: {error}"
        return [AttackOutcome(VariantOutcome(e.id, spec.name, ERROR, reason, attack_seed), None)
                for e in examples]  # fmt: skip
    by_id = {result.example_id: result for result in results}
    outcomes = []
    for example in examples:
        result = by_id.get(example.id)
        if result is None:
            missing = VariantOutcome(example.id, spec.name, ERROR, "attack gave no result",
                                     attack_seed)  # fmt: skip
            outcomes.append(AttackOutcome(missing, None))
        else:
            outcomes.append(_outcome(spec, example, result, attack_seed))
    return outcomes


@dataclass(frozen=True)
class AttackShard:
    """Examples [start, stop) of one attack or search follow-up; `examples` holds every
    example."""

    spec: FollowupSpec
    examples: tuple[Example, ...]
    start: int
    stop: int
    lang: str
    seed: int


def attack_shard(models: Mapping[str, Any], shard: AttackShard) -> list[AttackOutcome]:
    """Unit of the attack stage: the outcomes of the shard's examples.

    A deviation search runs on the shard's examples, with every example as its corpus.

    The examples outside the shard stay in the call without their label, so the attack skips
    them unscored but still draws its vocabulary from every example; each example's search has
    its own seed and budget, so a shard's outcomes are those of one call over all examples.
    """
    if shard.spec.kind == "search":
        mine = shard.examples[shard.start : shard.stop]
        return run_search(shard.spec, mine, shard.examples, models, shard.lang, shard.seed)
    examples = [
        e if shard.start <= i < shard.stop else dataclasses.replace(e, label=None)
        for i, e in enumerate(shard.examples)
    ]
    victim = models[shard.spec.victim]
    outcomes = run_attack(shard.spec, examples, victim, shard.lang, shard.seed)
    return outcomes[shard.start : shard.stop]
