"""One adversarial attack on a model, or on a teacher and its student side by side.

`attack(method, model, examples, student=..., **params)` runs the registered attack `method`
(`metacompress list attacks`) on each model with the same seed, summarises each run
(`attacks.summarize`: success rate, clean and adversarial accuracy or F1, relative drop,
queries, perturbation size), and with a student compares them (`attacks.Comparison`: how much
larger the student's relative drop is) and evaluates the adversarial examples of each model on
the other (`attacks.transfer`). `AttackReport.write(folder)` writes what `metacompress attack`
writes: results.jsonl per model, transfer.jsonl, summary.json.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metacompress.data.types import Example
from metacompress.errors import ConfigError

LANGUAGES = {"vulnerability": "c", "clone": "java"}
#: The two directions adversarial examples are carried in.
DIRECTIONS = ("teacher->student", "student->teacher")


@dataclass
class VictimRun:
    """One model attacked: its results, their summary, the query engine's counts, the time."""

    spec: str
    victim: Any
    results: list[Any]
    summary: Any
    engine: dict[str, Any]
    seconds: float
    resumed: dict[str, int] = field(default_factory=dict)

    def record(self) -> dict[str, Any]:
        """The summary.json record; after a resume, `resumed` says how many results came from
        the journal and how many cut lines were dropped (the engine counts and the seconds are
        this call's only)."""
        body = {"model": self.spec, "summary": self.summary.to_dict(), "engine": self.engine,
                "seconds": self.seconds}  # fmt: skip
        if any(self.resumed.values()):
            body["resumed"] = dict(self.resumed)
        return body


@dataclass
class AttackReport:
    """The runs of one attack (key "model", or "teacher" and "student") and, for a pair, the
    comparison and the transfers (direction -> TransferResults)."""

    attack: Any
    task: str
    seed: int
    examples: int
    runs: dict[str, VictimRun]
    comparison: Any = None
    transfers: dict[str, list[Any]] = field(default_factory=dict)

    @property
    def drop_increase_percent(self) -> float | None:
        """100 (d_S - d_T) / d_T of the relative drops (None without a student, or d_T = 0)."""
        return None if self.comparison is None else self.comparison.drop_increase_percent

    def to_dict(self) -> dict[str, Any]:
        """The summary.json body: the attack, its parameters and each run's record; for a pair
        the drop increase and the transfer rates."""
        from metacompress.attacks import transfer_rate
        from metacompress.registry import get_params

        body: dict[str, Any] = {
            "attack": self.attack.name, "params": dict(get_params(self.attack)),
            "task": self.task, "seed": self.seed, "examples": self.examples,
        }  # fmt: skip
        if "model" in self.runs:
            body.update(self.runs["model"].record())
            return body
        body.update({role: self.runs[role].record() for role in ("teacher", "student")})
        body["drop_increase_percent"] = self.drop_increase_percent
        body["drop_ratio"] = self.comparison.drop_ratio
        body["transfer_rate"] = {d: transfer_rate(found) for d, found in self.transfers.items()}
        return body

    def write(self, folder: str | Path, extra: Mapping[str, Any] | None = None) -> Path:
        """Write results.jsonl (per model), transfer.jsonl and summary.json (with `extra`
        keys) to `folder`; the path of summary.json."""
        out = Path(folder)
        for role, run in self.runs.items():
            where = out if role == "model" else out / role
            write_jsonl(where / "results.jsonl", [r.to_dict() for r in run.results])
        if self.transfers:
            write_jsonl(out / "transfer.jsonl", [
                {"direction": d, **t.to_dict()} for d, found in self.transfers.items() for t in found
            ])  # fmt: skip
        path = out / "summary.json"
        body = {**self.to_dict(), **dict(extra or {})}
        path.write_text(json.dumps(body, indent=2) + "\n", encoding="utf-8")
        return path


def write_jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    """One JSON object per line, UTF-8, the folder made when missing."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row, ensure_ascii=False) + "\n")


def _task_of(examples: Sequence[Example], task: str | None) -> str:
    if task is not None:
        if task not in LANGUAGES:
            raise ConfigError(f"task must be one of {sorted(LANGUAGES)}, got {task!r}")
        return task
    arities = {len(e.inputs) for e in examples}
    if len(arities) != 1:
        raise ConfigError(f"examples mix {sorted(arities)} inputs per example; pass task=")
    return "clone" if arities == {2} else "vulnerability"


def _model(model: Any, role: str, load_options: Mapping[str, Any]) -> tuple[Any, str]:
    """The victim and its name; a spec that cannot be loaded is an error naming its `role`."""
    from metacompress.models import load_model_as

    if hasattr(model, "predict_proba"):
        return model, str(getattr(model, "name", type(model).__name__))
    return load_model_as(role, model, **load_options), str(model)


def attack(
    method: str,
    model: Any,
    examples: Sequence[Example] | Any,
    *,
    student: Any = None,
    task: str | None = None,
    seed: int = 0,
    load_options: Mapping[str, Any] | None = None,
    journal: str | Path | None = None,
    **params: Any,
) -> AttackReport:
    """Attack `model` (a Classifier or a model spec) with the registered attack `method` built
    with `params`, on `examples` (Examples or a LoadResult); with `student`, attack both and
    compare. `task` defaults from the examples' arity; `load_options` go to `load_model` for
    specs (device, allow_pickle, trust_remote_code). Every model is loaded before any is
    attacked, so a student spec that cannot load fails before the teacher's attack is spent.
    With `journal` (a folder), each model's results are kept there as they are found
    (`workflows.attack_journal`) and a call with the same settings goes on from them."""
    from metacompress.attacks import ATTACKS, Comparison, summarize, transfer
    from metacompress.workflows.attack_journal import open_journal

    examples = list(getattr(examples, "examples", examples))
    if not examples:
        raise ConfigError("no examples to attack")
    task = _task_of(examples, task)
    chosen = ATTACKS.create(method, **params)
    victims = {"model": model} if student is None else {"teacher": model, "student": student}
    loaded = {role: _model(given, role, load_options or {}) for role, given in victims.items()}
    runs: dict[str, VictimRun] = {}
    for role, (victim, spec) in loaded.items():
        engine = chosen.engine(victim)
        fingerprint = str(getattr(victim, "fingerprint", ""))
        kept = None if journal is None else open_journal(
            Path(journal) / f"{role}.jsonl", chosen, seed, fingerprint, examples
        )
        started = time.perf_counter()
        done = None if kept is None else kept.done
        write = None if kept is None else kept.write
        try:
            results = chosen.run(examples, victim, LANGUAGES[task], seed, engine=engine,
                                 done=done, on_result=write)  # fmt: skip
        finally:
            if kept is not None:
                kept.close()
        seconds = time.perf_counter() - started
        resumed = {} if kept is None else kept.resumed()
        runs[role] = VictimRun(spec, victim, results, summarize(results, task),
                               engine.stats.to_dict(), seconds, resumed)  # fmt: skip
    report = AttackReport(chosen, task, seed, len(examples), runs)
    if student is not None:
        teacher_run, student_run = runs["teacher"], runs["student"]
        report.comparison = Comparison(teacher_run.summary, student_run.summary)
        report.transfers = {
            DIRECTIONS[0]: transfer(teacher_run.results, examples, student_run.victim),
            DIRECTIONS[1]: transfer(student_run.results, examples, teacher_run.victim),
        }
    return report
