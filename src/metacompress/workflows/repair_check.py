"""How well a repair worked, measured on held-out data H the repair did not see.

`evaluate_repair(teacher, before, after, held_out, task, settings)` with teacher T, the student
before repair S and after it S2:
- *triggering inputs on H*: the repair's deviation search with S on H's sources;
- *repaired share*: the share of those inputs on which S2 now gives T's label (T's argmax on
  that input). DFlare's record on image models is 48.48 %;
- *clean accuracy* of T, S and S2 on H's labelled sources, and the change S2 - S in points;
- *search after repair*: the same search with S2 on H; found share, median queries to the
  first triggering input and queries per triggering input before and after (does finding a
  deviation now cost more queries?).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.workflows.repair import RepairSettings, as_classifier, search_pair


def accuracy(probs: np.ndarray, labels: Sequence[int | None]) -> float | None:
    """Accuracy over the labelled rows; None when no row has a label."""
    keep = [i for i, label in enumerate(labels) if label is not None]
    if not keep:
        return None
    predicted = np.asarray(probs).reshape(-1, 2)[keep].argmax(axis=1)
    return float((predicted == np.array([labels[i] for i in keep])).mean())


def evaluate_repair(
    teacher: Any,
    before: Any,
    after: Any,
    held_out: Sequence[Example],
    task: str,
    settings: RepairSettings | None = None,
) -> dict[str, Any]:
    """The measures of the module docstring, as a JSON-ready dict."""
    settings = settings or RepairSettings()
    from metacompress.attacks.deviation import summarize
    from metacompress.attacks.deviation.pair import split
    from metacompress.models import predict

    teacher, before, after = as_classifier(teacher), as_classifier(before), as_classifier(after)
    held_out = list(held_out)
    results_before, engine = search_pair(teacher, before, held_out, task, settings)
    found = [r for r in results_before if r.found]
    repaired = None
    if found:
        now = predict(after, [tuple(r.inputs) for r in found]).probs.argmax(axis=1)
        wanted = np.array([int(np.argmax(r.teacher_probs)) for r in found])
        repaired = float((now == wanted).mean())
    sources = [e.inputs for e in held_out]
    teacher_probs, before_probs = split(engine.score(sources))
    after_probs = predict(after, sources).probs
    labels = [e.label for e in held_out]
    clean = {
        "teacher": accuracy(teacher_probs, labels),
        "before": accuracy(before_probs, labels),
        "after": accuracy(after_probs, labels),
    }
    change = None
    if clean["before"] is not None and clean["after"] is not None:
        change = round(100 * (clean["after"] - clean["before"]), 2)
    results_after, _ = search_pair(teacher, after, held_out, task, settings)
    return {
        "held_out_sources": len(held_out),
        "triggering_inputs": len(found),
        "repaired": 0 if repaired is None else round(repaired * len(found)),
        "repaired_share": repaired,
        "clean_accuracy": clean,
        "clean_accuracy_change_points": change,
        "search_before": summarize(results_before).to_dict(),
        "search_after": summarize(results_after).to_dict(),
    }
