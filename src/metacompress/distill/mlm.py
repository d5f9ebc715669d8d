"""Masked-language-model pre-training of a RoBERTa encoder on a task's unlabelled code.

BERT's objective (Devlin et al.; RoBERTa's dynamic masking): in every batch, 15 % of the real,
non-special tokens are chosen as targets; 80 % of those become `<mask>`, 10 % a random token,
10 % stay; the loss is the cross-entropy of the masked LM head on the targets. The masks of a
step are drawn by a generator seeded with (seed, step), so a resumed run masks the same way.

The sequences are the ones the fine-tuned model will read (the caller encodes them with the
model's own encoding), so pre-training sees the same window. The result is saved as
`mlm_dir` (a `RobertaForMaskedLM` folder with its tokenizer, the model ALERT-style attacks
use to propose substitutes) with its learning curve in `mlm_dir/metrics.json`; the function
returns the encoder's state dict, which the classifier loads.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from metacompress.distill.checkpoints import Checkpoints
from metacompress.distill.encoding import pad_batch
from metacompress.distill.spec import quiet_transformers
from metacompress.distill.token_table import TokenTable
from metacompress.distill.training import FitSettings, fit, mask_tokens

MASK_SEED_STRIDE = 1_000_003


def step_generator(seed: int, step: int) -> Any:
    """The torch generator of the random choices of one training step."""
    import torch

    return torch.Generator().manual_seed(seed * MASK_SEED_STRIDE + step)


def masked_lm_loss(model: Any, masked: Any, mask: Any, labels: Any) -> Any:
    """Cross-entropy of the LM head of `model` (a RobertaForMaskedLM) at the target positions.

    The head (a hidden-to-vocabulary product) runs on the targets only, not on every position
    as `RobertaForMaskedLM.forward` does; the loss is the same, the head costs 15 % of it.
    """
    import torch.nn.functional as F

    states = model.roberta(input_ids=masked, attention_mask=mask)[0]
    targets = labels.ne(-100)
    logits = model.lm_head(states[targets])
    return F.cross_entropy(logits, labels[targets])


def pretrain_mlm(
    config: Any,
    tokenizer: Any,
    table: TokenTable,
    settings: FitSettings,
    mlm_dir: Path,
    checkpoints: Checkpoints | None = None,
    init: str | None = None,
) -> dict[str, Any]:
    """Pre-train (or, with `init`, continue pre-training) a masked LM on `table`; see the
    module docstring. Returns the state dict of its `roberta` encoder."""
    import torch
    from transformers import RobertaForMaskedLM

    if (mlm_dir / "config.json").is_file() and (mlm_dir / "metrics.json").is_file():
        return RobertaForMaskedLM.from_pretrained(mlm_dir).roberta.state_dict()
    torch.manual_seed(settings.seed)
    model = RobertaForMaskedLM.from_pretrained(init) if init else RobertaForMaskedLM(config)
    specials = sorted(set(tokenizer.all_special_ids))
    pad_id = tokenizer.pad_token_id

    def loss_of(index: list[int], step: int) -> Any:
        ids, mask = pad_batch(table.take(index), pad_id)
        masked, labels = mask_tokens(
            ids,
            mask,
            tokenizer.mask_token_id,
            model.config.vocab_size,
            specials,
            step_generator(settings.seed, step),
        )
        return masked_lm_loss(model, masked, mask, labels)

    history = fit(model, table.lengths, loss_of, settings, checkpoints=checkpoints)
    mlm_dir.mkdir(parents=True, exist_ok=True)
    with quiet_transformers():
        model.save_pretrained(mlm_dir)
    tokenizer.save_pretrained(mlm_dir)
    (mlm_dir / "metrics.json").write_text(json.dumps(history, indent=1))
    return model.roberta.state_dict()
