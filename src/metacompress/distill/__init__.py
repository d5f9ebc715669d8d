"""Distillation: tokenizers, teachers, the size/FLOPs model, student search and KD training.

Public API:
- `train_teacher(examples_train, examples_valid, task, out_dir, ...) -> Path` (a model spec);
- `distill(method, teacher_spec, examples_unlabelled, examples_valid, task, out_dir, ...)
  -> DistillResult` with method "compressor", "avatar" or "morph" (see `DISTILLERS`);
- `split_labelled_unlabelled(examples, seed)`: the labelled / unlabelled halves.
Heavy dependencies (torch, transformers, pymoo, z3) load only when these run.
"""

from metacompress.distill.api import distill, split_labelled_unlabelled, train_teacher
from metacompress.distill.base import DISTILLERS, DistillResult, distiller

__all__ = [
    "DISTILLERS",
    "DistillResult",
    "distill",
    "distiller",
    "split_labelled_unlabelled",
    "train_teacher",
]
