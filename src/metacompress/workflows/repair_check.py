"""How well a repair worked, measured on held-out data H the repair did not see.

`evaluate_repair(teacher, before, after, held_out, task, settings)` with teacher T, the student
before repair S and after it S2:
- *triggering inputs on H*: the repair's deviation search with S on H's sources;
- *repaired share*: the share of those inputs on which S2 now gives T's label (T's argmax on
  that input). DFlare's record on image models is 48.48 %;
- *clean accuracy* of T, S and S2 on H's labelled sources, and the change S2 - S in points;
- *search after repair*: the same search with S2 on H; found share, median queries to the
  first triggering input and queries per triggering input before and after (does finding a
  deviation now cost more queries?);
- *induced violation rates* (`metacompress.relations.rates`: violations among the pairs whose
  source pair holds) of every input-level relation, T against S and T against S2, on the
  catalogue follow-ups of H: every non-combinator transformation of the language applied once
  to each source (`followups`), pooled over transformations.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.workflows.repair import LANGS, RepairSettings, as_classifier, search_pair

#: The origin under which the catalogue follow-ups are pooled.
CATALOGUE = "catalogue"


def accuracy(probs: np.ndarray, labels: Sequence[int | None]) -> float | None:
    """Accuracy over the labelled rows; None when no row has a label."""
    keep = [i for i, label in enumerate(labels) if label is not None]
    if not keep:
        return None
    predicted = np.asarray(probs).reshape(-1, 2)[keep].argmax(axis=1)
    return float((predicted == np.array([labels[i] for i in keep])).mean())


def followups(examples: Sequence[Example], lang: str, seed: int) -> list[tuple[str, str, tuple]]:
    """(example id, transformation, inputs) for every catalogue transformation that applies to
    an example; the first input of a pair is transformed, with a seed per (example, name)."""
    from metacompress.code.combine import candidates
    from metacompress.code.transform import TRANSFORMS
    from metacompress.hashing import derive_seed

    made = []
    for name in candidates(lang):
        transformation = TRANSFORMS.create(name)
        for example in examples:
            result = transformation.apply(
                example.inputs[0], lang, derive_seed(seed, name, example.id)
            )
            if result.applicable:
                made.append((example.id, name, (result.code, *example.inputs[1:])))
    return made


def induced_rates(
    teacher: Any, students: dict[str, Any], examples: Sequence[Example], task: str, seed: int
) -> dict[str, dict[str, float]]:
    """Per student, the induced violation rate of every input-level relation (teacher against
    that student) on the pooled catalogue follow-ups of `examples` (NaN when undefined)."""
    from metacompress.models import predict
    from metacompress.relations.aggregate import evaluate_and_aggregate
    from metacompress.relations.base import INPUT_LEVEL, RELATIONS, OutputPair

    made = followups(examples, LANGS[task], seed)
    if not made:
        return {name: {} for name in students}
    row = {example.id: i for i, example in enumerate(examples)}
    sources = [row[example_id] for example_id, _, _ in made]
    labels = np.array([-1 if examples[i].label is None else examples[i].label for i in sources])
    relations = {name: RELATIONS.create(name) for name in RELATIONS.names()}

    def probs(model: Any, inputs: list[tuple]) -> np.ndarray:
        return predict(model, inputs).probs

    teacher_source = probs(teacher, [e.inputs for e in examples])[sources]
    teacher_followup = probs(teacher, [inputs for _, _, inputs in made])
    rates: dict[str, dict[str, float]] = {}
    for name, student in students.items():
        pair = OutputPair(
            teacher_source, probs(student, [e.inputs for e in examples])[sources],
            teacher_followup, probs(student, [inputs for _, _, inputs in made]), labels,
        )  # fmt: skip
        _, summaries = evaluate_and_aggregate(
            relations, pair, [i for i, _, _ in made], [CATALOGUE] * len(made), pooled=None,
            seed=seed,
        )  # fmt: skip
        rates[name] = {
            s.relation: float(s.rates.induced.rate)
            for s in summaries
            if s.origin == CATALOGUE and s.level == INPUT_LEVEL and s.rates is not None
        }
    return rates


def evaluate_repair(
    teacher: Any,
    before: Any,
    after: Any,
    held_out: Sequence[Example],
    task: str,
    settings: RepairSettings | None = None,
    load_options: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The measures of the module docstring, as a JSON-ready dict; models given as specs are
    loaded with `load_options` (see `as_classifier`)."""
    settings = settings or RepairSettings()
    from metacompress.attacks.deviation import summarize
    from metacompress.attacks.deviation.pair import split
    from metacompress.models import predict

    options = dict(load_options or {})
    teacher = as_classifier(teacher, "teacher", **options)
    before = as_classifier(before, "student", **options)
    after = as_classifier(after, "repaired student", **options)
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
    induced = induced_rates(teacher, {"before": before, "after": after}, held_out, task,
                            settings.seed)  # fmt: skip
    return {
        "held_out_sources": len(held_out),
        "triggering_inputs": len(found),
        "repaired": 0 if repaired is None else round(repaired * len(found)),
        "repaired_share": repaired,
        "clean_accuracy": clean,
        "clean_accuracy_change_points": change,
        "search_before": summarize(results_before).to_dict(),
        "search_after": summarize(results_after).to_dict(),
        "induced_violation_rates": induced,
    }
