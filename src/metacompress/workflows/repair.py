"""`repair`: find the inputs on which a student departs from its teacher, and distil them back.

`repair(teacher, student, train, task, out_dir, settings)`:
1. *Search.* A deviation search (`metacompress.attacks.deviation`, default `deviation` with
   `budget` queries per source) runs over every source of `train` (the data the student was
   distilled on, or data like it; labels are not needed) against teacher T and student S,
   `rounds` times with seeds derived from `seed` (a search stops at its first triggering
   input; more rounds find more of them per source).
2. *Validation.* A seeded share `valid_share` of the sources (round(share x n), none when
   that is 0 or would leave no source to train on) is set aside with the triggering inputs
   found on it: the fine-tuning never sees them.
3. *Data.* The other sources (so the student does not forget what it learned), plus every
   distinct triggering input found on them and its source, each `weight` times; every input
   labelled with T's soft labels. T's probabilities come from the searches' memo: no input is
   scored twice.
4. *Training.* S is fine-tuned by knowledge distillation on that data
   (`metacompress.distill.finetune`) and saved in `out_dir` as a new model spec, S2. After
   every epoch the student is measured on the validation set (`selection_score`) and S2 is
   the epoch with the best score: the clean accuracy of a student fine-tuned on a few hundred
   inputs swings by several points from one epoch to the next, and which epoch happened to be
   last must not decide how much of it a repair loses.
5. `out_dir/repair.json` records the settings, the search's summary (`summarize`), the counts
   of each kind of training and validation input, the validation agreement of S, and the
   training loss and validation metrics per epoch; `out_dir/deviations.jsonl` holds the
   search's result for every source and round.

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
    share of sources kept for validation, the fine-tuning and the seed."""

    search: str = "deviation"
    budget: int = 200
    search_params: dict[str, Any] = field(default_factory=dict)
    rounds: int = 1
    weight: int = 4
    valid_share: float = 0.2
    finetune: FinetuneSettings = FinetuneSettings()
    seed: int = 0

    def __post_init__(self) -> None:
        check_range("budget", self.budget, 1)
        check_range("rounds", self.rounds, 1)
        check_range("weight", self.weight, 1)
        check_range("valid_share", self.valid_share, 0.0, 0.5)

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


def validation_ids(examples: Sequence[Example], share: float, seed: int) -> set[str]:
    """Ids of the round(share x n) examples set aside for validation (a permutation seeded by
    `seed`); none when that is 0 or would leave no example to train on."""
    count = round(share * len(examples))
    if count < 1 or count >= len(examples):
        return set()
    rng = np.random.default_rng(derive_seed(seed, "repair validation"))
    return {examples[i].id for i in rng.permutation(len(examples))[:count]}


def selection_score(clean: float, triggering: float | None, clean_before: float) -> float:
    """The score by which repair keeps an epoch, from the student's agreement with T's label
    on the validation sources (`clean`), on their triggering inputs (`triggering`, None when
    there are none) and S's agreement on those sources (`clean_before`):

        triggering      when clean >= clean_before (the epoch lost nothing on clean inputs)
        clean - 1       otherwise (below every epoch that lost nothing; the least loss first)

    and `clean` alone when there is no triggering input to repair."""
    if triggering is None:
        return clean
    return triggering if clean >= clean_before else clean - 1.0


def validation(
    engine: Any, sources: Sequence[Example], found: Sequence[Example]
) -> tuple[Any, dict[str, Any]]:
    """The `select` of `finetune` that scores an epoch on the validation `sources` and the
    triggering inputs `found` on them (`selection_score`; None without sources), and the
    record of the validation set (counts, S's agreement on the sources). T's and S's answers
    come from the engine's memo."""
    from metacompress.attacks.deviation.pair import split

    record: dict[str, Any] = {"sources": len(sources), "triggering": len(found)}
    if not sources:
        return None, record
    clean_inputs, found_inputs = [e.inputs for e in sources], [e.inputs for e in found]
    teacher_probs, before = split(engine.score(clean_inputs))
    wanted = teacher_probs.argmax(axis=1)
    wanted_found = split(engine.score(found_inputs))[0].argmax(axis=1) if found else None
    record["clean_before"] = clean_before = _agreement(before, wanted)

    def select(probs_of: Any) -> dict[str, float]:
        clean = _agreement(probs_of(clean_inputs), wanted)
        metrics = {"valid_clean": clean}
        repaired = None
        if found:
            repaired = metrics["valid_triggering"] = _agreement(
                probs_of(found_inputs), wanted_found
            )
        return {**metrics, "score": selection_score(clean, repaired, clean_before)}

    return select, record


def _agreement(probs: np.ndarray, wanted: np.ndarray) -> float:
    return float((np.asarray(probs).argmax(axis=1) == wanted).mean())


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
    found = triggering_examples(train, rounds)
    held = validation_ids(train, settings.valid_share, settings.seed)
    kept = [e for e in train if e.id not in held]
    triggering = [e for e in found if e.meta["source"] not in held]
    by_id = {example.id: example for example in train}
    sources = [by_id[e.meta["source"]] for e in triggering]
    examples = kept + (triggering + sources) * settings.weight
    teacher_probs, _ = split(engine.score([e.inputs for e in examples]))
    select, valid = validation(engine, [e for e in train if e.id in held],
                               [e for e in found if e.meta["source"] in held])  # fmt: skip
    finetuned = finetune(student, examples, teacher_probs, out_dir, settings.finetune, select)
    out = Path(out_dir)
    with (out / DEVIATIONS_NAME).open("w", encoding="utf-8") as handle:
        for number, round_results in enumerate(rounds):
            for result in round_results:
                line = {"round": number, **result.to_dict()}
                handle.write(json.dumps(line, ensure_ascii=False) + "\n")
    record = {
        "student": str(student),
        "task": task,
        "settings": settings.to_dict(),
        "search": summarize(results).to_dict(),
        "found_per_round": [sum(r.found for r in round_results) for round_results in rounds],
        "engine": engine.stats.to_dict(),
        "training_inputs": {
            "train": len(kept),
            "triggering": len(triggering),
            "sources": len(sources),
            "weight": settings.weight,
            "total": len(examples),
        },
        "validation": valid,
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
