"""Saving a trained classifier as a model spec the model layer loads.

A saved teacher or student is a plain Hugging Face folder (`save_pretrained` of a
`RobertaForSequenceClassification` and of its `PreTrainedTokenizerFast`) plus
`metacompress-model.yaml` with format `transformers`, the task and the max_length the model was
trained with (the model layer encodes inputs exactly as `distill.encoding.encode` does).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from metacompress.models.spec import SPEC_NAME


def write_spec(folder: Path, task: str, max_length: int, **extra: Any) -> Path:
    """Write `metacompress-model.yaml` into `folder`; returns its path."""
    import yaml

    from metacompress.data.types import TASKS
    from metacompress.registry import check_choice

    check_choice("task", task, TASKS)
    spec = {"format": "transformers", "path": ".", "task": task, "max_length": int(max_length)}
    spec.update(extra)
    path = Path(folder) / SPEC_NAME
    path.write_text(yaml.safe_dump(spec, sort_keys=False))
    return path


def save_classifier(
    folder: Path, model: Any, tokenizer: Any, task: str, max_length: int, **extra: Any
) -> Path:
    """Save model, tokenizer and spec into `folder` (created); returns the spec path."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with quiet_transformers():
        model.save_pretrained(folder)
    tokenizer.model_max_length = max_length
    tokenizer.save_pretrained(folder)
    return write_spec(folder, task, max_length, **extra)


@contextmanager
def quiet_transformers() -> Iterator[None]:
    """Silence transformers' own progress bars (ours are the ones shown) for a block."""
    from transformers.utils import logging

    enabled = logging.is_progress_bar_enabled()
    logging.disable_progress_bar()
    try:
        yield
    finally:
        if enabled:
            logging.enable_progress_bar()
