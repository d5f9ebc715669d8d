"""Conformance checks of an attack (the scikit-learn `check_estimator` way).

Every attack must: construct with its parameters, round-trip them and refuse bad shared ones
(budget, perturb, batch_size, memo) and unknown ones with a ConfigError; stay frozen; and,
run against a victim, give one result per example in order, never spend more than its budget,
skip with a reason, report success exactly when the final prediction differs from the label,
and give edits that turn each original input into its adversarial one without parsing worse;
the same seed gives the same results.

The default victim (`name_detector("buf")`) says "vulnerable" exactly when an identifier
`buf` occurs, so renaming `buf` flips it; `EXAMPLES` hold one example it gets right and can be
flipped, others it gets wrong or right without a `buf`, and one without a label.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

import numpy as np

from metacompress.data.types import Example

BUF_CODE = """int sum_buffer(int n, int scale) {
    char buf[16];
    int i, total = 0;
    for (i = 0; i < n; i++) {
        buf[i % 16] = i * scale;
        total += buf[i % 16];
    }
    return total;
}
"""

PLAIN_CODE = """static int add_twice(int a, int b) {
    int c = a + b;
    int d = c * 2;
    return d;
}
"""

LOOP_CODE = """int count_up(int limit) {
    int k, acc = 0;
    for (k = 0; k < limit; k++) {
        acc += k;
    }
    if (acc > 100) {
        acc = 100;
    } else {
        acc = acc + 1;
    }
    return acc;
}
"""

#: Examples for the default victim: flippable, misclassified, right, and unlabelled.
EXAMPLES = (
    Example("buf", (BUF_CODE,), 1),
    Example("plain-wrong", (PLAIN_CODE,), 1),
    Example("plain-right", (PLAIN_CODE,), 0),
    Example("loop", (LOOP_CODE,), 0),
    Example("unlabelled", (BUF_CODE,), None),
)
#: The budget the checks run attacks with.
BUDGET = 40

Check = Callable[..., None]


def name_detector(name: str, confident: float = 0.9) -> Callable[[Sequence[tuple[str, ...]]], Any]:
    """A batch function: P(positive) = `confident` iff the identifier `name` occurs in the
    first input, else 1 - `confident`."""
    pattern = re.compile(rf"\b{re.escape(name)}\b")

    def fn(batch: Sequence[tuple[str, ...]]) -> np.ndarray:
        return np.array(
            [
                [1 - confident, confident] if pattern.search(b[0]) else [confident, 1 - confident]
                for b in batch
            ]
        )

    return fn


def default_victim() -> Any:
    """The checks' victim: `name_detector("buf")` as a Classifier."""
    from metacompress.models import CallableClassifier

    return CallableClassifier(name_detector("buf"), "buf-detector")


def _resolve(attack: str | type) -> type:
    from metacompress.attacks.base import ATTACKS

    return ATTACKS.get(attack) if isinstance(attack, str) else attack


def check_parameters(
    cls: type, params: Mapping[str, Any], victim: Any, examples: Sequence[Example], lang: str
) -> None:
    """Constructs; round-trips; refuses bad shared and unknown parameters; frozen."""
    from metacompress.attacks.base import ATTACKS, Attack
    from metacompress.errors import ConfigError
    from metacompress.registry import get_params

    attack = cls(**params)
    assert isinstance(attack, Attack) and dataclasses.is_dataclass(attack), cls.__name__
    assert type(attack)(**get_params(attack)) == attack, f"{cls.name}: params do not round-trip"
    assert cls.name in ATTACKS and ATTACKS.entry(cls.name).description, f"{cls.name}: unregistered"
    for bad in ({"budget": 0}, {"perturb": "left"}, {"batch_size": 0}, {"memo": "yes"}):
        try:
            cls(**{**params, **bad})
        except ConfigError:
            continue
        raise AssertionError(f"{cls.name}: {bad} was accepted")
    try:
        ATTACKS.create(cls.name, colour=1)
    except ConfigError:
        pass
    else:
        raise AssertionError(f"{cls.name}: an unknown parameter was accepted")
    try:
        attack.budget = 3  # type: ignore[misc]
    except dataclasses.FrozenInstanceError:
        return
    raise AssertionError(f"{cls.name}: parameters can be changed after construction")


def _run(cls: type, params: Mapping[str, Any], victim: Any, examples: Sequence[Example],
         lang: str) -> list[Any]:  # fmt: skip
    return cls(budget=BUDGET, **params).run(list(examples), victim, lang, seed=0)


def check_results(
    cls: type, params: Mapping[str, Any], victim: Any, examples: Sequence[Example], lang: str
) -> None:
    """One well-formed result per example, in order, within the budget."""
    from metacompress.code.edits import apply_edits
    from metacompress.code.parsing import count_errors

    results = _run(cls, params, victim, examples, lang)
    assert [r.example_id for r in results] == [e.id for e in examples], f"{cls.name}: order"
    for example, result in zip(examples, results, strict=True):
        where = f"{cls.name} on {example.id}"
        assert result.attack == cls.name and result.label == example.label, where
        assert 0 <= result.queries <= BUDGET, f"{where}: {result.queries} queries"
        if result.status == "skipped":
            assert result.reason, f"{where}: skipped without a reason"
            continue
        assert result.original_prediction == example.label, where
        flipped = result.final_prediction != example.label
        assert flipped == (result.status == "success"), f"{where}: status {result.status}"
        if result.adversarial_inputs is not None:
            for original, new, edits in zip(
                example.inputs, result.adversarial_inputs, result.edits, strict=True
            ):
                assert apply_edits(original, edits) == new, f"{where}: edits"
                assert count_errors(new, lang) <= count_errors(original, lang), where


def check_deterministic(
    cls: type, params: Mapping[str, Any], victim: Any, examples: Sequence[Example], lang: str
) -> None:
    """The same seed gives the same statuses, query counts and adversarial inputs."""
    first, again = (_run(cls, params, victim, examples, lang) for _ in range(2))
    for a, b in zip(first, again, strict=True):
        assert (a.status, a.queries, a.adversarial_inputs) == (
            b.status, b.queries, b.adversarial_inputs
        ), f"{cls.name} on {a.example_id}: two runs with one seed differ"  # fmt: skip


#: Every check, each called as check(cls, params, victim, examples, lang).
ATTACK_CHECKS: tuple[Check, ...] = (check_parameters, check_results, check_deterministic)


def check_attack(
    attack: str | type,
    params: Mapping[str, Any] | None = None,
    victim: Any = None,
    examples: Sequence[Example] = EXAMPLES,
    lang: str = "c",
) -> None:
    """Run every check of ATTACK_CHECKS on an attack (its registered name or class) built with
    `params`, against `victim` (default: `default_victim()`) on `examples` in `lang`."""
    cls = _resolve(attack)
    params = dict(params or {})
    victim = victim if victim is not None else default_victim()
    for check in ATTACK_CHECKS:
        check(cls, params, victim, examples, lang)
