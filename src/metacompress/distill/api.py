"""The Python API of distillation: train a teacher, distil a student with a named method."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from metacompress.data.types import Example
from metacompress.distill.base import DISTILLERS, DistillResult


def train_teacher(
    examples_train: Sequence[Example],
    examples_valid: Sequence[Example],
    task: str,
    out_dir: str | Path,
    preset: str = "tiny",
    mlm_pretrain: bool = True,
    epochs: int | None = None,
    seed: int = 0,
    **options: Any,
) -> Path:
    """Train a teacher; returns the path of its `metacompress-model.yaml`.

    See `metacompress.distill.teacher.train_teacher` for `options` (init, max_length,
    batch_size, learning_rate, mlm_epochs, resume).
    """
    from metacompress.distill.teacher import train_teacher as train

    return train(
        examples_train,
        examples_valid,
        task,
        out_dir,
        preset=preset,
        mlm_pretrain=mlm_pretrain,
        epochs=epochs,
        seed=seed,
        **options,
    )


def distill(
    method: str,
    teacher_spec: Any,
    examples_unlabelled: Sequence[Example],
    examples_valid: Sequence[Example],
    task: str,
    out_dir: str | Path,
    size_mb: float = 3.0,
    budget: str = "tiny",
    seed: int = 0,
    **params: Any,
) -> DistillResult:
    """Distil a student from `teacher_spec` with `method` ("compressor", "avatar", "morph").

    `teacher_spec` is anything `metacompress.models.load_model` accepts, or a Classifier;
    `params` are further parameters of the method's distiller (e.g. temperature).
    """
    from metacompress.distill.pipeline import DistillJob

    method_params = {"size_mb": size_mb, "budget": budget, "seed": seed, **params}
    distiller = DISTILLERS.create(method, **method_params)
    job = DistillJob.prepare(
        teacher_spec, examples_unlabelled, examples_valid, task, out_dir, seed=seed
    )
    return distiller.run(job)


def split_labelled_unlabelled(
    examples: Sequence[Example], seed: int = 0
) -> tuple[list[Example], list[Example]]:
    """The labelled half (teacher fine-tuning) and the unlabelled half (distillation)."""
    from metacompress.distill.pipeline import split_labelled_unlabelled as split

    return split(examples, seed)
