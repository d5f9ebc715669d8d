"""`repair`: find the inputs on which a student departs from its teacher, and distil them back.

`repair(teacher, student, train, task, out_dir, settings)`:
1. *Search.* A deviation search (`metacompress.attacks.deviation`, default `deviation` with
   `budget` queries per source) runs over every source of `train` (the data the student was
   distilled on, or data like it; labels are not needed) against teacher T and student S,
   `rounds` times with seeds derived from `seed` (a search stops at its first triggering
   input; more rounds find more of them per source).
2. *Data.* `train` itself (so the student does not forget what it learned), plus every
   distinct triggering input found and its source, each `weight` times; every input labelled
   with T's soft labels. T's probabilities come from the searches' memo: no input is scored
   twice.
3. *Training.* S is fine-tuned by knowledge distillation on that data
   (`metacompress.distill.finetune`) and saved in `out_dir` as a new model spec, S2.
4. `out_dir/repair.json` records the settings, the search's summary (`summarize`), the counts
   of each kind of training input and the training loss per epoch; `out_dir/deviations.jsonl`
   holds the search's result for every source and round.

`evaluate_repair(teacher, before, after, held_out, task, settings)` measures a repair on data
the repair did not see (see `metacompress.workflows.repair_check`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.distill.finetune import FinetuneSettings
from metacompress.errors import ConfigError
from metacompress.hashing import derive_seed
from metacompress.registry import check_range

LANGS = {"vulnerability": "c", "clone": "java"}
REPORT_NAME = "repair.json"
DEVIATIONS_NAME = "deviations.jsonl"


@dataclass(frozen=True)
class RepairSettings:
    """The search (`search`, `budget` unique queries per source, further `search_params`,
    `rounds` per source), the repeat `weight` of triggering inputs and their sources, the
    fine-tuning and the seed."""

    search: str = "deviation"
    budget: int = 200
    search_params: dict[str, Any] = field(default_factory=dict)
    rounds: int = 1
    weight: int = 4
    finetune: FinetuneSettings = FinetuneSettings()
    seed: int = 0

    def __post_init__(self) -> None:
        check_range("budget", self.budget, 1)
        check_range("rounds", self.rounds, 1)
        check_range("weight", self.weight, 1)

    def create_search(self) -> Any:
        from metacompress.attacks.deviation import SEARCHES

        return SEARCHES.create(self.search, budget=self.budget, **self.search_params)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class RepairResult:
    """The repaired student's spec, the search's results on the training data and the record
    written to `repair.json`."""

    spec: Path
    results: list[Any]
    record: dict[str, Any]


def as_classifier(model: Any, label: str = "model", **options: Any) -> Any:
    """`model` if it is a Classifier, else the model its spec describes, loaded with `options`
    (those of `load_model`: device, allow_pickle, trust_remote_code, ...); a failure to load is
    a ConfigError that starts with `label`."""
    from metacompress.models import Classifier
    from metacompress.models.spec import load_model_as

    return model if isinstance(model, Classifier) else load_model_as(label, model, **options)


def search_pair(
    teacher: Any,
    student: Any,
    examples: Sequence[Example],
    task: str,
    settings: RepairSettings,
    seed: int | None = None,
    engine: Any = None,
) -> tuple[list[Any], Any]:
    """The deviation search's results on `examples` (with `seed`, default the settings') and
    the engine that holds its memo (a new one unless given)."""
    if task not in LANGS:
        raise ConfigError(f"task must be one of {sorted(LANGS)}, got {task!r}")
    search = settings.create_search()
    engine = engine or search.engine(teacher, student)
    seed = settings.seed if seed is None else seed
    return search.run(list(examples), teacher, student, LANGS[task], seed, engine), engine


def triggering_examples(
    examples: Sequence[Example], rounds: Sequence[Sequence[Any]]
) -> list[Example]:
    """One example per distinct triggering input found in any round: its inputs, its source's
    label and id, and the steps that made it."""
    by_id = {example.id: example for example in examples}
    found: dict[tuple[str, ...], Example] = {}
    for number, results in enumerate(rounds):
        for r in results:
            if r.found and tuple(r.inputs) not in found:
                found[tuple(r.inputs)] = Example(
                    f"{r.example_id}#deviation-{number}",
                    tuple(r.inputs),
                    by_id[r.example_id].label,
                    {"source": r.example_id, "steps": list(r.steps)},
                )
    return list(found.values())


def repair(
    teacher: Any,
    student: str | Path,
    train: Sequence[Example],
    task: str,
    out_dir: str | Path,
    settings: RepairSettings | None = None,
    load_options: Mapping[str, Any] | None = None,
) -> RepairResult:
    """Repair `student` against `teacher` on `train` (see the module docstring); models given
    as specs are loaded with `load_options` (see `as_classifier`)."""
    from metacompress.attacks.deviation import summarize
    from metacompress.attacks.deviation.pair import split
    from metacompress.distill.finetune import finetune, trainable_spec

    settings = settings or RepairSettings()
    train = list(train)
    if not train:
        raise ConfigError("repair needs training data; none was given")
    _, student_task, _ = trainable_spec(student)
    if student_task != task:
        raise ConfigError(f"{student}: the student is a {student_task} model, not {task}")
    options = dict(load_options or {})
    teacher_model = as_classifier(teacher, "teacher", **options)
    student_model = as_classifier(student, "student", **options)
    results, engine = search_pair(teacher_model, student_model, train, task, settings)
    rounds = [results] + [
        search_pair(teacher_model, student_model, train, task, settings,
                    derive_seed(settings.seed, "repair round", number), engine)[0]
        for number in range(1, settings.rounds)
    ]  # fmt: skip
    triggering = triggering_examples(train, rounds)
    by_id = {example.id: example for example in train}
    sources = [by_id[e.meta["source"]] for e in triggering]
    examples = train + (triggering + sources) * settings.weight
    teacher_probs, _ = split(engine.score([e.inputs for e in examples]))
    finetuned = finetune(student, examples, teacher_probs, out_dir, settings.finetune)
    out = Path(out_dir)
    with (out / DEVIATIONS_NAME).open("w", encoding="utf-8") as handle:
        for number, found in enumerate(rounds):
            for result in found:
                line = {"round": number, **result.to_dict()}
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    record = {
        "student": str(student),
        "task": task,
        "settings": settings.to_dict(),
        "search": summarize(results).to_dict(),
        "found_per_round": [sum(r.found for r in found) for found in rounds],
        "engine": engine.stats.to_dict(),
        "training_inputs": {
            "train": len(train),
            "triggering": len(triggering),
            "sources": len(sources),
            "weight": settings.weight,
            "total": len(examples),
        },
        "history": finetuned.history,
    }
    (out / REPORT_NAME).write_text(json.dumps(record, indent=1, default=_plain) + "\n")
    return RepairResult(finetuned.spec, results, record)


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
