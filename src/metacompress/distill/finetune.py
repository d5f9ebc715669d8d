"""Knowledge-distillation fine-tuning of a saved student (the training step of `repair`).

`finetune(student, examples, teacher_probs, out_dir, settings)` loads a student saved as this
package saves one (`spec.save_classifier`: a Hugging Face sequence classifier folder with its
tokenizer and `metacompress-model.yaml`, format `transformers`), trains it further on
`examples` against the teacher's soft labels with the distillation loss

    T^2 * KL(softmax(log p_teacher / T) || softmax(z_student / T))      (`losses.kd_kl_loss`)

and saves the result in `out_dir` as a new model spec with the same task and max_length.
Inputs are encoded exactly as the model layer encodes them (`encoding.encode_table` at the
spec's max_length). The weights of the last epoch are kept, unless `select` is given:
`select(probs_of)` is called after every epoch with `probs_of(inputs)`, the student's
probabilities (n, 2) on a list of inputs at that point, and returns metrics holding a `score`;
they join the epoch's record and the student keeps the weights of the epoch with the highest
score (the earliest of equals).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.errors import ConfigError
from metacompress.registry import check_range

#: `select(probs_of)`: metrics of the student at the end of an epoch, `score` among them.
Selection = Callable[[Callable[[Sequence[tuple[str, ...]]], np.ndarray]], dict[str, float]]


@dataclass(frozen=True)
class FinetuneSettings:
    """Epochs, learning rate, batch size, distillation temperature and seed of a fine-tuning."""

    epochs: int = 3
    learning_rate: float = 1e-4
    batch_size: int = 16
    temperature: float = 1.0
    seed: int = 0

    def __post_init__(self) -> None:
        check_range("epochs", self.epochs, 1)
        check_range("learning_rate", self.learning_rate, 1e-7, 1.0)
        check_range("batch_size", self.batch_size, 1)
        check_range("temperature", self.temperature, 0.01, 1000)


@dataclass(frozen=True)
class Finetuned:
    """Where the fine-tuned student was saved and its record per epoch (training loss, and the
    `select` metrics when given)."""

    spec: Path
    history: list[dict[str, float]]


def trainable_spec(student: str | Path) -> tuple[Path, str, int]:
    """(folder, task, max_length) of a student saved in format `transformers`, or a
    ConfigError saying why it cannot be fine-tuned (read from the spec alone)."""
    from metacompress.models.spec import read_spec

    data, base = read_spec(student)
    if data.get("format") != "transformers" or base is None:
        raise ConfigError(
            f"{student}: repair fine-tunes students saved in format 'transformers' (what "
            f"`metacompress distill` writes), got format {data.get('format')!r}"
        )
    if data.get("task") is None or data.get("max_length") is None:
        raise ConfigError(f"{student}: the model spec must give its task and max_length")
    return base / str(data.get("path", ".")), str(data["task"]), int(data["max_length"])


def load_trainable(student: str | Path) -> tuple[Any, Any, str, int]:
    """(model, tokenizer, task, max_length) of a student saved in format `transformers`."""
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    folder, task, max_length = trainable_spec(student)
    try:
        model = AutoModelForSequenceClassification.from_pretrained(folder)
        tokenizer = AutoTokenizer.from_pretrained(folder)
    except (OSError, ValueError) as error:
        raise ConfigError(f"{student}: cannot load the student for training: {error}") from None
    return model, tokenizer, task, max_length


def finetune(
    student: str | Path,
    examples: Sequence[Example],
    teacher_probs: np.ndarray,
    out_dir: str | Path,
    settings: FinetuneSettings = FinetuneSettings(),
    select: Selection | None = None,
) -> Finetuned:
    """Fine-tune `student` on `examples` (see the module docstring)."""
    import torch

    from metacompress.distill.encoding import encode, encode_table
    from metacompress.distill.losses import kd_kl_loss, teacher_log_probs
    from metacompress.distill.spec import save_classifier
    from metacompress.distill.training import (
        FitSettings,
        fit,
        predict_logits,
        sequence_loss,
        softmax,
    )

    if len(examples) != len(teacher_probs):
        raise ConfigError(
            f"{len(examples)} examples but {len(teacher_probs)} rows of teacher probabilities"
        )
    if not examples:
        raise ConfigError("fine-tuning needs at least one example")
    model, tokenizer, task, max_length = load_trainable(student)
    torch.manual_seed(settings.seed)
    sequences = encode_table(tokenizer, [e.inputs for e in examples], max_length)

    def probs_of(inputs: Sequence[tuple[str, ...]]) -> np.ndarray:
        encoded = encode(tokenizer, list(inputs), max_length)
        return softmax(predict_logits(model, encoded, tokenizer.pad_token_id))

    history = fit(
        model,
        sequences.lengths,
        sequence_loss(
            model,
            sequences,
            teacher_log_probs(teacher_probs),
            lambda logits, target: kd_kl_loss(logits, target, settings.temperature),
            tokenizer.pad_token_id,
        ),
        FitSettings(
            settings.epochs,
            settings.learning_rate,
            settings.batch_size,
            settings.seed,
            select_metric="score" if select is not None else None,
            desc="repair",
        ),
        evaluate=(lambda: select(probs_of)) if select is not None else None,
    )
    spec = save_classifier(Path(out_dir), model, tokenizer, task, max_length)
    return Finetuned(spec, history)
