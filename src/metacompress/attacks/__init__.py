"""Adversarial attacks on code models: MHM, ALERT, WIR-Random and a structural search.

Every attack is registered in `ATTACKS` (`metacompress list attacks`) and runs as
`ATTACKS.create(name, **params).run(examples, victim, lang, seed) -> list[AttackResult]`.
Every edit goes through the transformation engine (renamings through
`metacompress.code.rename.rename`, structural steps through `TRANSFORMS`), every query through
the query engine (`attacks.engine`: pooled batches, one memo per run, per-example budgets).
`summarize` aggregates results, `Comparison` sets a teacher against its student, `transfer`
evaluates adversarial examples on another model and `to_variants` turns them into follow-ups.
"""

from metacompress.attacks.base import ATTACKS, Attack, AttackResult, attack
from metacompress.attacks.engine import Budget, Engine, Outcome
from metacompress.attacks.summary import (
    AttackSummary,
    Comparison,
    comparison_intervals,
    drop_increase,
    drop_ratio,
    robustness_intervals,
    summarize,
)
from metacompress.attacks.transfers import TransferResult, to_variants, transfer, transfer_rate

__all__ = [
    "ATTACKS",
    "Attack",
    "AttackResult",
    "AttackSummary",
    "Budget",
    "Comparison",
    "Engine",
    "Outcome",
    "TransferResult",
    "attack",
    "comparison_intervals",
    "drop_increase",
    "drop_ratio",
    "robustness_intervals",
    "summarize",
    "to_variants",
    "transfer",
    "transfer_rate",
]
