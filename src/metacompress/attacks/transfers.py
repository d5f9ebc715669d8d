"""Transfer of adversarial examples between models, and adversarial examples as follow-ups.

`transfer(results, examples, target)` evaluates the adversarial examples found against one
model (e.g. the teacher) on another (the student): an example is *applicable* when the target
classifies its original input correctly, and *transferred* when, in addition, the target
misclassifies the adversarial input. Transfer rate = transferred / applicable.
`transfer_flags` is that rule on predictions already made (the run scores every model on
every adversarial input).

`to_variants(results, victim)` turns adversarial examples into `Variant`s with origin
"attack:<attack>@<victim>" (e.g. "attack:mhm@teacher"), the follow-up inputs MetaCompress
checks its relations on; their edits are relative to the original input.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from metacompress.attacks.base import SUCCESS, AttackResult
from metacompress.attacks.engine import Engine
from metacompress.data.types import Example, Variant
from metacompress.errors import ConfigError
from metacompress.models.base import Classifier


@dataclass(frozen=True)
class TransferResult:
    """One adversarial example evaluated on another model."""

    example_id: str
    attack: str
    label: int
    original_probs: tuple[float, ...]
    adversarial_probs: tuple[float, ...]
    applicable: bool
    transferred: bool

    def to_dict(self) -> dict[str, Any]:
        return {
            "example_id": self.example_id,
            "attack": self.attack,
            "label": self.label,
            "original_probs": list(self.original_probs),
            "adversarial_probs": list(self.adversarial_probs),
            "applicable": self.applicable,
            "transferred": self.transferred,
        }


def transfer_flags(
    labels: np.ndarray, original: np.ndarray, adversarial: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """(applicable, transferred) per adversarial example, from the target's predictions on the
    original and the adversarial inputs (a negative label or prediction: unknown, so not
    applicable)."""
    labels = np.asarray(labels, dtype=int)
    original = np.asarray(original, dtype=int)
    adversarial = np.asarray(adversarial, dtype=int)
    applicable = (labels >= 0) & (adversarial >= 0) & (original == labels)
    return applicable, applicable & (adversarial != labels)


def transfer(
    results: Sequence[AttackResult],
    examples: Sequence[Example],
    target: Classifier,
    batch_size: int = 64,
) -> list[TransferResult]:
    """Evaluate the successful adversarial examples of `results` on `target`."""
    by_id = {example.id: example for example in examples}
    chosen = [r for r in results if r.status == SUCCESS and r.adversarial_inputs is not None]
    missing = sorted({r.example_id for r in chosen} - set(by_id))
    if missing:
        raise ConfigError(f"results name examples that were not given: {missing[:5]}")
    if not chosen:
        return []
    engine = Engine(target, batch_size=batch_size)
    originals = engine.score([by_id[r.example_id].inputs for r in chosen])
    adversarial = engine.score([r.adversarial_inputs for r in chosen])  # type: ignore[misc]
    labels = np.array([by_id[r.example_id].label for r in chosen], dtype=int)
    applicable, transferred = transfer_flags(
        labels, np.argmax(originals, axis=1), np.argmax(adversarial, axis=1)
    )
    return [
        TransferResult(
            example_id=result.example_id,
            attack=result.attack,
            label=int(label),
            original_probs=tuple(float(v) for v in before),
            adversarial_probs=tuple(float(v) for v in after),
            applicable=bool(ok),
            transferred=bool(moved),
        )
        for result, label, before, after, ok, moved in zip(
            chosen, labels, originals, adversarial, applicable, transferred, strict=True
        )
    ]


def transfer_rate(transfers: Sequence[TransferResult]) -> float | None:
    """transferred / applicable; None when no example is applicable."""
    applicable = [t for t in transfers if t.applicable]
    if not applicable:
        return None
    return sum(t.transferred for t in applicable) / len(applicable)


def to_variants(
    results: Sequence[AttackResult],
    victim: str,
    seed: int | None = None,
    include_failed: bool = False,
) -> list[Variant]:
    """Variants (origin "attack:<attack>@<victim>") of the adversarial examples in `results`;
    with `include_failed`, also the best inputs of failed searches."""
    variants = []
    for result in results:
        if result.adversarial_inputs is None:
            continue
        if result.status != SUCCESS and not (include_failed and result.status == "failed"):
            continue
        origin = f"attack:{result.attack}@{victim}"
        variants.append(
            Variant(
                id=f"{result.example_id}/{origin}",
                example_id=result.example_id,
                inputs=result.adversarial_inputs,
                origin=origin,
                edits=result.edits,
                seed=seed,
                steps=result.steps,
            )
        )
    return variants
