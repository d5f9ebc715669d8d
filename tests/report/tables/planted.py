"""A planted study built by hand: a teacher and three students with designed accuracy, attack
susceptibility, transfer and disagreement rates, drawn independently per example.

Each proportion is planted exactly (`exactly`: round(p * n) of n, at random places), so every
estimate equals its design up to rounding and every interval must cover it. Design:
- accuracy: teacher 0.90, compressor 0.85, avatar 0.80, morph 0.70;
- attack "mhm": a correct example is flipped with probability SUSCEPTIBILITY[model]; a wrong
  one is skipped ("misclassified"); so ASR = relative drop = susceptibility, and the drop
  increase against the teacher is 100 (s - s_T) / s_T: +50 %, +100 %, +200 %;
- transfer: the teacher's adversarial inputs fool a student that was right with probability
  TRANSFER_TO[student]; a student's fool the teacher with probability TRANSFER_FROM;
- relations: source pairs violated with probability SOURCE_RATE; a follow-up pair whose source
  pair holds is violated with probability INDUCED[student] (one whose source pair is violated,
  with probability 0.8), on two transformation families and on the attack follow-ups.
"""

from __future__ import annotations

import numpy as np

from metacompress.attacks.base import FAILED, MISCLASSIFIED, SKIPPED, SUCCESS, AttackResult
from metacompress.report.tables.study import (
    ATTACK,
    TRANSFORM,
    AttackRecord,
    FollowupRecord,
    ModelRecord,
    PairRecord,
    StudyResults,
)

ACCURACY = {"teacher": 0.90, "compressor": 0.85, "avatar": 0.80, "morph": 0.70}
SUSCEPTIBILITY = {"teacher": 0.2, "compressor": 0.3, "avatar": 0.4, "morph": 0.6}
TRANSFER_TO = {"compressor": 0.3, "avatar": 0.5, "morph": 0.7}
TRANSFER_FROM = 0.1
SOURCE_RATE = 0.1
INDUCED = {"compressor": 0.1, "avatar": 0.2, "morph": 0.4}
SIZE_MB = {"teacher": 480.0, "compressor": 3.0, "avatar": 3.0, "morph": 6.0}
FOLLOWUPS = (
    FollowupRecord("rename-locals", TRANSFORM, "rename"),
    FollowupRecord("swap-branches", TRANSFORM, "conditionals"),
    FollowupRecord("mhm@teacher", ATTACK, "mhm"),
)


def exactly(rng, n: int, p: float) -> np.ndarray:
    """n flags, exactly round(p * n) of them True, at random places."""
    flags = np.zeros(n, dtype=bool)
    flags[rng.permutation(n)[: round(p * n)]] = True
    return flags


def within(rng, mask: np.ndarray, p: float) -> np.ndarray:
    """Flags True on exactly round(p * k) of the k places where `mask` is True."""
    flags = np.zeros(mask.size, dtype=bool)
    flags[np.flatnonzero(mask)] = exactly(rng, int(mask.sum()), p)
    return flags


def _probs(label: int) -> tuple[float, float]:
    return (0.2, 0.8) if label == 1 else (0.8, 0.2)


def _attack(rng, ids, labels, predicted, susceptibility):
    results, final = [], predicted.copy()
    flips = within(rng, predicted == labels, susceptibility)
    for i, (eid, y, p) in enumerate(zip(ids, labels, predicted, strict=True)):
        if p != y:
            results.append(AttackResult(eid, SKIPPED, MISCLASSIFIED, 1, label=int(y),
                                        original_probs=_probs(p), attack="mhm"))  # fmt: skip
            continue
        flipped = bool(flips[i])
        final[i] = 1 - p if flipped else p
        results.append(AttackResult(
            eid, SUCCESS if flipped else FAILED, "", 20, 1 if flipped else 0,
            adversarial_inputs=("x",), original_probs=_probs(p), final_probs=_probs(final[i]),
            label=int(y), attack="mhm",
        ))  # fmt: skip
    return tuple(results), final


def _scored(rng, labels, predicted, adversarial_mask, rate):
    """A target's predictions on adversarial inputs: wrong with probability `rate` where it was
    right on the clean input and the input exists, else its clean prediction."""
    out = np.where(adversarial_mask, predicted, -1)
    flip = within(rng, adversarial_mask & (predicted == labels), rate)
    return np.where(flip, 1 - predicted, out)


def planted_study(n: int = 600, seed: int = 0, n_boot: int = 300, task: str = "vulnerability",
                  dataset: str = "Devign") -> StudyResults:  # fmt: skip
    rng = np.random.default_rng(seed)
    ids = tuple(f"e{i:04d}" for i in range(n))
    labels = exactly(rng, n, 0.5).astype(int)
    predicted = {m: np.where(exactly(rng, n, a), labels, 1 - labels) for m, a in ACCURACY.items()}
    models = tuple(
        ModelRecord(m, "teacher" if m == "teacher" else "student", m.upper() if m != "teacher"
                    else "teacher", predicted[m], seed=None if m == "teacher" else 1,
                    size_mb=SIZE_MB[m], parameters=int(SIZE_MB[m] * 250_000),
                    latency_ms=10.0 if m == "teacher" else 1.0)
        for m in ACCURACY
    )  # fmt: skip
    attacks = []
    for victim in ACCURACY:
        results, final = _attack(rng, ids, labels, predicted[victim], SUSCEPTIBILITY[victim])
        success = np.array([r.status == SUCCESS for r in results])
        finals = {victim: np.where(success | (predicted[victim] == labels), final, -1)}
        for other in ACCURACY:
            if other != victim:
                rate = TRANSFER_TO[other] if victim == "teacher" else (
                    TRANSFER_FROM if other == "teacher" else 0.0)  # fmt: skip
                finals[other] = _scored(rng, labels, predicted[other], success, rate)
        attacks.append(AttackRecord("mhm", victim, results, finals))
    pairs = []
    for student, induced in INDUCED.items():
        source_v = exactly(rng, n, SOURCE_RATE)
        for followup in ("rename-locals", "swap-branches", "mhm@teacher", f"mhm@{student}"):
            violated = within(rng, source_v, 0.8) | within(rng, ~source_v, induced)
            pairs.append(PairRecord("prediction-agreement", student, followup, np.ones(n, bool),
                                    violated, np.ones(n, bool), source_v,
                                    np.array(ids, dtype=object)))  # fmt: skip
    followups = (*FOLLOWUPS, *(FollowupRecord(f"mhm@{s}", ATTACK, "mhm") for s in INDUCED))
    return StudyResults(task, dataset, ids, labels, models, followups, tuple(attacks),
                        tuple(pairs), seed=seed, n_boot=n_boot)  # fmt: skip
