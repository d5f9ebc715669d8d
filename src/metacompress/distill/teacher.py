"""Teacher training: fine-tune a Hugging Face checkpoint, or build one offline.

With `init` (a hub id such as microsoft/codebert-base or microsoft/graphcodebert-base, or a
local folder) the checkpoint's tokenizer and encoder are fine-tuned as a
`RobertaForSequenceClassification` (CodeXGLUE's recipe: AdamW, lr 2e-5, linear schedule).
Offline, a byte-level BPE tokenizer is trained on the task's code and a RoBERTa encoder of a
size preset is built; with `mlm_pretrain` it is first pre-trained with masked-language
modelling on the task's code and saved as `out_dir/mlm/` (a `RobertaForMaskedLM` folder with
its tokenizer, for ALERT-style attacks), then fine-tuned for the task.

Each stage writes a checkpoint per epoch under `out_dir/checkpoints/` and resumes from the
latest with `resume=True`; validation metrics per epoch go to `out_dir/metrics.json`. The
teacher kept is the epoch with the best validation accuracy (vulnerability) or F1 (clone), as
CodeXGLUE selects them. The result is `out_dir/metacompress-model.yaml`.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import TASKS, Example
from metacompress.distill.encoding import encode
from metacompress.distill.size import StudentArch, roberta_config
from metacompress.distill.spec import quiet_transformers, save_classifier
from metacompress.distill.tokenizer import TokenizerSpec, code_texts, train_tokenizer
from metacompress.distill.training import (
    Checkpoints,
    FitSettings,
    classification_metrics,
    fit,
    mask_tokens,
    predict_logits,
    softmax,
)
from metacompress.errors import ConfigError
from metacompress.registry import check_choice, check_range


@dataclass(frozen=True)
class TeacherPreset:
    """Architecture and training settings of an offline teacher."""

    vocab_size: int
    hidden_size: int
    num_layers: int
    num_heads: int
    intermediate_size: int
    max_length: int
    epochs: int
    mlm_epochs: int
    batch_size: int
    learning_rate: float
    mlm_learning_rate: float


#: tiny: seconds to a minute on 2 CPU cores for a few hundred short functions; small: a real
#: but fast model; base: CodeBERT's shape (125M parameters), for a GPU.
PRESETS = {
    "tiny": TeacherPreset(2000, 64, 2, 4, 256, 128, 10, 1, 8, 5e-4, 1e-3),
    "small": TeacherPreset(8000, 256, 4, 4, 1024, 256, 5, 2, 16, 3e-4, 5e-4),
    "base": TeacherPreset(50265, 768, 12, 12, 3072, 512, 5, 1, 32, 2e-5, 1e-4),
}
#: Fine-tuning a pre-trained checkpoint (CodeXGLUE defect detection: 5 epochs, lr 2e-5, batch 32).
INIT_PRESET = TeacherPreset(0, 0, 0, 0, 0, 512, 5, 1, 32, 2e-5, 5e-5)


def select_metric(task: str) -> str:
    """The validation metric a teacher is selected by: accuracy (Devign), F1 (BigCloneBench)."""
    return "f1" if task == "clone" else "accuracy"


def _labelled(examples: Sequence[Example], what: str) -> list[Example]:
    kept = [e for e in examples if e.label is not None]
    if not kept:
        raise ConfigError(f"{what}: expected labelled examples, got none with a label")
    return kept


def _load_init(init: str, max_length: int) -> tuple[Any, Any]:
    from transformers import AutoTokenizer, RobertaForSequenceClassification

    tokenizer = AutoTokenizer.from_pretrained(init)
    model = RobertaForSequenceClassification.from_pretrained(init, num_labels=2)
    limit = model.config.max_position_embeddings - 2
    if max_length > limit:
        raise ConfigError(f"max_length must be at most {limit} for {init}, got {max_length}")
    return tokenizer, model


def _pretrain_mlm(
    texts: list[str],
    tokenizer: Any,
    config: Any,
    preset: TeacherPreset,
    out_dir: Path,
    seed: int,
    resume: bool,
    init: str | None,
) -> dict[str, Any]:
    """Masked-LM pre-training on the task's code; saves `out_dir/mlm/`; returns its state."""
    import torch
    from transformers import RobertaForMaskedLM

    mlm_dir = out_dir / "mlm"
    if resume and (mlm_dir / "config.json").is_file():
        return RobertaForMaskedLM.from_pretrained(mlm_dir).roberta.state_dict()
    torch.manual_seed(seed)
    if init is not None:
        model = RobertaForMaskedLM.from_pretrained(init)
    else:
        model = RobertaForMaskedLM(config)
    sequences = encode(tokenizer, [(t,) for t in texts], preset.max_length)
    generator = torch.Generator().manual_seed(seed)
    specials = sorted(set(tokenizer.all_special_ids))

    def forward(m, ids, mask):
        masked, labels = mask_tokens(
            ids, mask, tokenizer.mask_token_id, m.config.vocab_size, specials, generator
        )
        return m(input_ids=masked, attention_mask=mask, labels=labels).loss

    settings = FitSettings(
        preset.mlm_epochs, preset.mlm_learning_rate, preset.batch_size, seed, desc="mlm"
    )
    history = fit(
        model,
        sequences,
        np.zeros(len(sequences), dtype=np.int64),
        lambda loss, _: loss,
        settings,
        tokenizer.pad_token_id,
        checkpoints=Checkpoints(out_dir / "checkpoints" / "mlm"),
        forward=forward,
    )
    mlm_dir.mkdir(parents=True, exist_ok=True)
    with quiet_transformers():
        model.save_pretrained(mlm_dir)
    tokenizer.save_pretrained(mlm_dir)
    (mlm_dir / "metrics.json").write_text(json.dumps(history, indent=1))
    return model.roberta.state_dict()


def train_teacher(
    examples_train: Sequence[Example],
    examples_valid: Sequence[Example],
    task: str,
    out_dir: str | Path,
    preset: str = "tiny",
    mlm_pretrain: bool = True,
    epochs: int | None = None,
    seed: int = 0,
    *,
    init: str | None = None,
    max_length: int | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    mlm_epochs: int | None = None,
    resume: bool = False,
) -> Path:
    """Train a teacher classifier on `examples_train`; returns the path of its model spec.

    See the module docstring. `preset` is tiny, small or base (ignored with `init`, whose
    settings follow CodeXGLUE); the keyword arguments override the preset.
    """
    import torch
    from transformers import RobertaForSequenceClassification

    check_choice("task", task, TASKS)
    check_choice("preset", preset, sorted(PRESETS))
    started = time.time()
    train = _labelled(examples_train, "teacher training data")
    valid = [e for e in examples_valid if e.label is not None]
    base = INIT_PRESET if init is not None else PRESETS[preset]
    overrides = {
        "epochs": epochs,
        "max_length": max_length,
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "mlm_epochs": mlm_epochs,
    }
    settings = replace(base, **{k: v for k, v in overrides.items() if v is not None})
    check_range("epochs", settings.epochs, 1, 1000)
    check_range("max_length", settings.max_length, 8, 100_000)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    if not resume:
        shutil.rmtree(out / "checkpoints", ignore_errors=True)
        shutil.rmtree(out / "mlm", ignore_errors=True)
    torch.manual_seed(seed)
    texts = code_texts(e.inputs for e in train)
    if init is not None:
        tokenizer, model = _load_init(init, settings.max_length)
        config = model.config
    else:
        tokenizer = train_tokenizer(
            texts, TokenizerSpec("bpe", settings.vocab_size), settings.max_length
        )
        arch = StudentArch(
            len(tokenizer),
            settings.num_layers,
            settings.hidden_size,
            settings.intermediate_size,
            settings.num_heads,
            settings.max_length,
        )
        config = roberta_config(arch)
        model = RobertaForSequenceClassification(config)
    history: dict[str, Any] = {}
    if mlm_pretrain and settings.mlm_epochs > 0:
        encoder_state = _pretrain_mlm(texts, tokenizer, config, settings, out, seed, resume, init)
        model.roberta.load_state_dict(encoder_state, strict=False)
        history["mlm"] = json.loads((out / "mlm" / "metrics.json").read_text())
    sequences = encode(tokenizer, [e.inputs for e in train], settings.max_length)
    labels = np.array([e.label for e in train], dtype=np.int64)
    valid_sequences = encode(tokenizer, [e.inputs for e in valid], settings.max_length)
    valid_labels = np.array([e.label for e in valid], dtype=np.int64)
    metric = select_metric(task)

    def validate(_epoch: int) -> dict[str, float]:
        if not valid:
            return {}
        logits = predict_logits(model, valid_sequences, tokenizer.pad_token_id)
        return {
            f"valid_{k}": v
            for k, v in classification_metrics(softmax(logits), valid_labels).items()
        }

    import torch.nn.functional as F

    history["classifier"] = fit(
        model,
        sequences,
        labels,
        lambda logits, target: F.cross_entropy(logits, target),
        FitSettings(
            settings.epochs,
            settings.learning_rate,
            settings.batch_size,
            seed,
            select_metric=f"valid_{metric}" if valid else None,
            desc="teacher",
        ),
        tokenizer.pad_token_id,
        on_epoch_end=validate,
        checkpoints=Checkpoints(out / "checkpoints" / "classifier"),
    )
    spec = save_classifier(out, model, tokenizer, task, settings.max_length)
    record = {
        "task": task,
        "init": init,
        "preset": None if init is not None else preset,
        "settings": asdict(settings),
        "mlm_pretrain": bool(mlm_pretrain),
        "seed": seed,
        "train_examples": len(train),
        "valid_examples": len(valid),
        "parameters": int(sum(p.numel() for p in model.parameters())),
        "seconds": round(time.time() - started, 2),
        "history": history,
    }
    (out / "metrics.json").write_text(json.dumps(record, indent=1))
    return spec
