"""The distillation pipeline the three methods share.

1. The teacher's soft labels on the unlabelled half (and on the validation set) are computed
   once through the model layer (`load_model`, `CachedClassifier` with an SQLite cache in the
   output folder, `predict`) and saved to `soft_labels.npz`.
2. A student is a randomly initialised `RobertaForSequenceClassification` with its own
   tokenizer trained on the task's code (the unlabelled half), trained on the teacher's soft
   labels with the method's loss; the epoch with the best validation accuracy is kept, as in
   the methods' replication packages.
3. The result folder is the student itself (model, tokenizer and model spec: the model layer
   loads the folder) and holds the search history, the Pareto front, the chosen configuration
   with its size and FLOPs, and the student's validation accuracy and agreement with the
   teacher, before and after training (`metrics.json`). The spec is written last, so a folder
   with one holds a finished distillation (`DistillResult.load` reads it back).
"""

from __future__ import annotations

import hashlib
import json
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import TASKS, Example
from metacompress.distill.base import DistillResult
from metacompress.distill.checkpoints import Checkpoints
from metacompress.distill.encoding import encode_table
from metacompress.distill.losses import LOSSES, teacher_log_probs
from metacompress.distill.size import StudentArch, flops, parameter_count
from metacompress.distill.spec import save_classifier
from metacompress.distill.student import StudentConfig
from metacompress.distill.token_table import TokenTable, inputs_digest
from metacompress.distill.tokenizer import TokenizerSpec, code_texts, train_tokenizer
from metacompress.distill.training import (
    FitSettings,
    classification_metrics,
    fit,
    predict_logits,
    sequence_loss,
    softmax,
)
from metacompress.errors import ConfigError
from metacompress.progress import progress
from metacompress.registry import check_choice

LANGS = {"vulnerability": "c", "clone": "java"}
ARITY = {"vulnerability": 1, "clone": 2}
TEACHER_BATCH = 256
#: Padded tokens per micro-batch of student training (`training.micro_batches`): a 16 x 400
#: batch of Compressor's 12-layer, 8-head students holds about 4 GB of activations; in
#: micro-batches of 2,048 tokens about a third, for the same update.
STUDENT_BATCH_TOKENS = 2048


@dataclass
class TrainedStudent:
    """A distilled student in memory, with its training history."""

    config: StudentConfig
    model: Any
    tokenizer: Any
    arch: StudentArch
    history: list[dict[str, float]]
    untrained: dict[str, float] = field(default_factory=dict)


@dataclass
class SearchOutcome:
    """What an architecture search returns: the chosen configuration and its evidence.

    `history` holds one record per evaluated candidate, `pareto` the final non-dominated set
    (multi-objective searches), `samples` the configurations really distilled to fit the
    surrogates, `predicted` the surrogate predictions for the chosen configuration.
    """

    chosen: StudentConfig
    history: list[dict[str, Any]]
    pareto: list[dict[str, Any]] = field(default_factory=list)
    samples: list[dict[str, Any]] = field(default_factory=list)
    predicted: dict[str, float] = field(default_factory=dict)
    notes: dict[str, Any] = field(default_factory=dict)


def training_key(
    config: StudentConfig,
    epochs: int,
    loss: str,
    temperature: float,
    examples: Sequence[Example],
    probs: np.ndarray,
    seed: int,
) -> str:
    """A digest of everything that shapes one student training (for its checkpoints)."""
    settings = json.dumps([config.to_dict(), epochs, loss, temperature, seed], sort_keys=True)
    return training_key_digest(settings, examples, probs)


def training_key_digest(settings: str, examples: Sequence[Example], probs: np.ndarray) -> str:
    """16 hex digits of sha256 over `settings`, the examples' inputs and the soft labels."""
    digest = inputs_digest(settings, [e.inputs for e in examples])
    return hashlib.sha256(digest.encode() + np.ascontiguousarray(probs).tobytes()).hexdigest()[:16]


def teacher_classifier(teacher: Any, cache_path: Path) -> Any:
    """The teacher as a cached Classifier: a spec (path, folder, dict) or a Classifier."""
    from metacompress.models import CachedClassifier, Classifier, load_model

    inner = teacher if isinstance(teacher, Classifier) else load_model(teacher)
    return CachedClassifier(inner, cache_path)


def teacher_probs(teacher: Any, examples: Sequence[Example], desc: str) -> np.ndarray:
    """The teacher's (n, 2) probabilities on `examples`, through the model layer."""
    from metacompress.models import predict

    chunks = [
        predict(teacher, [e.inputs for e in examples[i : i + TEACHER_BATCH]]).probs
        for i in progress(range(0, len(examples), TEACHER_BATCH), desc=desc)
    ]
    return np.concatenate(chunks) if chunks else np.zeros((0, 2))


def check_examples(examples: Sequence[Example], task: str, what: str) -> list[Example]:
    """`examples` as a list, after checking each has the task's number of inputs."""
    check_choice("task", task, TASKS)
    examples = list(examples)
    bad = [e.id for e in examples if len(e.inputs) != ARITY[task]]
    if bad:
        raise ConfigError(
            f"{what}: task {task!r} expects {ARITY[task]} input(s) per example; "
            f"{len(bad)} example(s) differ, first {bad[0]!r}"
        )
    if not examples:
        raise ConfigError(f"{what}: expected at least one example, got none")
    return examples


def split_labelled_unlabelled(
    examples: Sequence[Example], seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """Split training data into a labelled half (teacher) and an unlabelled half (student).

    A seeded permutation; the first half (rounded up) is the labelled half.
    """
    order = np.random.default_rng(seed).permutation(len(examples))
    half = (len(examples) + 1) // 2
    return [examples[i] for i in order[:half]], [examples[i] for i in order[half:]]


class DistillJob:
    """One distillation: teacher soft labels, data, output folder and the student trainer."""

    def __init__(
        self,
        task: str,
        unlabelled: list[Example],
        valid: list[Example],
        probs: np.ndarray,
        valid_probs: np.ndarray,
        out_dir: Path,
        seed: int = 0,
    ) -> None:
        self.task = task
        self.unlabelled = unlabelled
        self.valid = valid
        self.probs = probs
        self.valid_probs = valid_probs
        self.out_dir = out_dir
        self.seed = seed
        self.started = time.time()
        self._tokenizers: dict[TokenizerSpec, Any] = {}
        self._tables: dict[tuple, TokenTable] = {}

    @classmethod
    def prepare(
        cls,
        teacher: Any,
        unlabelled: Sequence[Example],
        valid: Sequence[Example],
        task: str,
        out_dir: str | Path,
        seed: int = 0,
    ) -> DistillJob:
        """Query the teacher once (cached) and save its soft labels to `soft_labels.npz`."""
        unlabelled = check_examples(unlabelled, task, "unlabelled data")
        valid = check_examples(valid, task, "validation data")
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        model = teacher_classifier(teacher, out / "teacher-cache.sqlite")
        probs = teacher_probs(model, unlabelled, "teacher soft labels")
        valid_probs = teacher_probs(model, valid, "teacher on validation")
        np.savez(
            out / "soft_labels.npz",
            unlabelled_ids=np.array([e.id for e in unlabelled]),
            unlabelled_probs=probs,
            valid_ids=np.array([e.id for e in valid]),
            valid_probs=valid_probs,
        )
        return cls(task, unlabelled, valid, probs, valid_probs, out, seed)

    @property
    def lang(self) -> str:
        return LANGS[self.task]

    def remembered(
        self,
        kind: str,
        key: Any,
        train: tuple[Sequence[Example], np.ndarray],
        compute: Callable[[], dict[str, Any]],
    ) -> dict[str, Any]:
        """`compute()`, kept as `out_dir/memo/KIND-DIGEST.json` (DIGEST of `key`, the training
        data, its soft labels and the seed) and read back instead of recomputed."""
        examples, probs = train
        digest = training_key_digest(json.dumps([kind, key, self.seed]), examples, probs)
        path = self.out_dir / "memo" / f"{kind}-{digest}.json"
        if path.is_file():
            return json.loads(path.read_text())
        record = compute()
        path.parent.mkdir(parents=True, exist_ok=True)
        _write_json(path.with_suffix(".partial"), record)
        path.with_suffix(".partial").replace(path)
        return record

    def tokenizer(self, spec: TokenizerSpec) -> Any:
        """A tokenizer trained on the unlabelled half's code (memoised per spec).

        Callers pass max_length to `encode`; saving sets the tokenizer's model_max_length.
        """
        if spec not in self._tokenizers:
            texts = code_texts(e.inputs for e in self.unlabelled)
            self._tokenizers[spec] = train_tokenizer(texts, spec)
        return self._tokenizers[spec]

    def vocab_caps(self, ceilings: Sequence[TokenizerSpec]) -> dict[str, int]:
        """Tokenizer kind -> the vocabulary it reaches on this data when asked for its ceiling."""
        return {spec.kind: len(self.tokenizer(spec)) for spec in ceilings}

    def subset(self, limit: int | None) -> tuple[list[Example], np.ndarray]:
        """At most `limit` unlabelled examples (a seeded sample) and their soft labels."""
        if limit is None or limit >= len(self.unlabelled):
            return self.unlabelled, self.probs
        keep = np.sort(np.random.default_rng(self.seed).permutation(len(self.unlabelled))[:limit])
        return [self.unlabelled[i] for i in keep], self.probs[keep]

    def train_student(
        self,
        config: StudentConfig,
        epochs: int,
        loss: str,
        temperature: float,
        *,
        train: tuple[Sequence[Example], np.ndarray] | None = None,
        measure_untrained: bool = False,
        desc: str = "student",
        checkpoint: bool = False,
    ) -> TrainedStudent:
        """Distil a fresh student of `config` on the soft labels (default: all unlabelled).

        With `checkpoint`, the training checkpoints under `out_dir/checkpoints/student-KEY`,
        KEY a digest of everything that shapes it (configuration, epochs, loss, temperature,
        data, soft labels, seed), and a rerun with the same KEY resumes from there.
        """
        import torch
        from transformers import RobertaForSequenceClassification

        check_choice("loss", loss, sorted(LOSSES))
        examples, probs = train if train is not None else (self.unlabelled, self.probs)
        tokenizer = self.tokenizer(config.tokenizer_spec())
        arch = config.arch(len(tokenizer))
        torch.manual_seed(self.seed)
        model = RobertaForSequenceClassification(config.roberta_config(len(tokenizer)))
        untrained = (
            self.evaluate(model, tokenizer, config, loss, temperature) if measure_untrained else {}
        )
        sequences = self.table(tokenizer, config, examples)
        targets = teacher_log_probs(probs)
        loss_fn = LOSSES[loss]

        def validate() -> dict[str, float]:
            metrics = self.evaluate(model, tokenizer, config, loss, temperature)
            return {f"valid_{k}": v for k, v in metrics.items()}

        checkpoints = None
        if checkpoint:
            key = training_key(config, epochs, loss, temperature, examples, probs, self.seed)
            checkpoints = Checkpoints(self.out_dir / "checkpoints" / f"student-{key}")
        history = fit(
            model,
            sequences.lengths,
            sequence_loss(
                model,
                sequences,
                targets,
                lambda logits, target: loss_fn(logits, target, temperature),
                tokenizer.pad_token_id,
            ),
            FitSettings(
                epochs,
                config.learning_rate,
                config.batch_size,
                self.seed,
                select_metric="valid_accuracy" if self.has_labels else "valid_agreement",
                desc=desc,
                max_batch_tokens=STUDENT_BATCH_TOKENS,
            ),
            evaluate=validate,
            checkpoints=checkpoints,
        )
        return TrainedStudent(config, model, tokenizer, arch, history, untrained)

    @property
    def has_labels(self) -> bool:
        return any(e.label is not None for e in self.valid)

    def table(
        self, tokenizer: Any, config: StudentConfig, examples: Sequence[Example]
    ) -> TokenTable:
        """`examples` encoded for a student of `config`, tokenised once per (tokenizer,
        window, data) in this job (memory) and across jobs (`out_dir/cache`)."""
        inputs = [e.inputs for e in examples]
        key = (id(tokenizer), config.max_length, inputs_digest("", inputs))
        if key not in self._tables:
            self._tables[key] = encode_table(
                tokenizer, inputs, config.max_length, self.out_dir / "cache"
            )
        return self._tables[key]

    def student_probs(
        self, model: Any, tokenizer: Any, config: StudentConfig, examples: Sequence[Example]
    ) -> np.ndarray:
        sequences = self.table(tokenizer, config, examples)
        return softmax(predict_logits(model, sequences, tokenizer.pad_token_id))

    def evaluate(
        self, model: Any, tokenizer: Any, config: StudentConfig, loss: str, temperature: float
    ) -> dict[str, float]:
        """Validation accuracy (labels), agreement with the teacher and the distillation loss."""
        import torch

        probs = self.student_probs(model, tokenizer, config, self.valid)
        labels = np.array([-1 if e.label is None else e.label for e in self.valid])
        metrics = classification_metrics(probs, labels)
        metrics["agreement"] = float(
            (probs.argmax(axis=1) == self.valid_probs.argmax(axis=1)).mean()
        )
        logits = torch.as_tensor(np.log(np.clip(probs, 1e-12, 1.0)), dtype=torch.float32)
        target = torch.as_tensor(teacher_log_probs(self.valid_probs))
        metrics["kd_loss"] = float(LOSSES[loss](logits, target, temperature))
        return metrics

    def flip_rate(
        self,
        trained: TrainedStudent,
        originals: Sequence[Example],
        variants: Sequence[Example],
    ) -> float:
        """Fraction of (original, metamorphic variant) pairs the student labels differently."""
        if not originals:
            return 0.0
        a = self.student_probs(trained.model, trained.tokenizer, trained.config, originals)
        b = self.student_probs(trained.model, trained.tokenizer, trained.config, variants)
        return float((a.argmax(axis=1) != b.argmax(axis=1)).mean())

    def teacher_metrics(self) -> dict[str, float]:
        labels = np.array([-1 if e.label is None else e.label for e in self.valid])
        return classification_metrics(self.valid_probs, labels)

    def finish(
        self,
        method: str,
        params: dict[str, Any],
        outcome: SearchOutcome,
        trained: TrainedStudent,
        extra_metrics: dict[str, Any] | None = None,
    ) -> DistillResult:
        """Save the student and every record of the run; returns the DistillResult."""
        out = self.out_dir
        params_count = parameter_count(trained.arch)
        measured = sum(p.numel() for p in trained.model.parameters())
        if measured != params_count:
            raise RuntimeError(f"size model says {params_count} parameters, model has {measured}")
        student_flops = flops(trained.arch)
        chosen = {
            "config": trained.config.to_dict(),
            "tokenizer_vocab_size": len(trained.tokenizer),
            "parameters": params_count,
            "size_mb": params_count * 4 / 1e6,
            "flops": student_flops.total,
            "flops_breakdown": asdict(student_flops),
            "predicted": outcome.predicted,
        }
        final = self.evaluate(
            trained.model, trained.tokenizer, trained.config, params["loss"], params["temperature"]
        )
        metrics = {
            "method": method,
            "params": params,
            "task": self.task,
            "unlabelled_examples": len(self.unlabelled),
            "valid_examples": len(self.valid),
            "teacher": self.teacher_metrics(),
            "student": final,
            "untrained_student": trained.untrained,
            "training_history": trained.history,
            "surrogate_samples": len(outcome.samples),
            "notes": outcome.notes,
            "seconds": round(time.time() - self.started, 2),
        }
        metrics.update(extra_metrics or {})
        _write_json(out / "chosen_config.json", chosen)
        _write_json(out / "metrics.json", metrics)
        with (out / "search_history.jsonl").open("w") as f:
            for record in outcome.history:
                f.write(json.dumps(record) + "\n")
        if outcome.samples:
            _write_json(out / "surrogate_samples.json", outcome.samples)
        if outcome.pareto:
            _write_json(out / "pareto_front.json", outcome.pareto)
        # The model spec is written last: a folder with one holds a finished distillation.
        spec = save_classifier(
            out, trained.model, trained.tokenizer, self.task, trained.config.max_length
        )
        return DistillResult(
            method=method,
            out_dir=out,
            student_spec=spec,
            config=trained.config.to_dict(),
            size_mb=params_count * 4 / 1e6,
            parameters=params_count,
            flops=student_flops.total,
            metrics=metrics,
            pareto_front=outcome.pareto,
            seconds=metrics["seconds"],
        )


def _write_json(path: Path, data: Any) -> None:
    path.write_text(json.dumps(data, indent=1, default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")
