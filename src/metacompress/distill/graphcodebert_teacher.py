"""The GraphCodeBERT teacher: the RoBERTa encoder fed code tokens plus the data-flow graph.

Inputs are exactly those of the model format `graphcodebert` (`models.graphcodebert`: code
pieces, then one node per data-flow variable, graph-guided attention, node embeddings averaged
from their code pieces), built by that format's own encoder, so the saved teacher reads at
test time what it was trained on. The module is the format's `GraphCodeBERTModule`: a
`RobertaForSequenceClassification` with the sigmoid head (vulnerability, as CodeXGLUE's
defect model) or the pair head over the two methods' first-token vectors (clone, as
GraphCodeBERT's BigCloneBench model).

Pre-training (Guo et al., ICLR 2021): masked language modelling on the code pieces, plus edge
prediction and node alignment (`graph_objectives`), the three losses summed with equal
weights. The masked LM (encoder and LM head) is saved as `mlm/`, a `RobertaForMaskedLM`
folder, like the RoBERTa teacher's. Fine-tuning is cross-entropy on the head (the sigmoid
logit z is the two-class logit pair (0, z)). Encodings (tokens and graphs) are computed once
per code and cached as JSON under the cache folder. The result is saved as format
`graphcodebert` (weights in safetensors, the config, the tokenizer and the spec).
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from metacompress.data.types import Example
from metacompress.distill.checkpoints import Checkpoints
from metacompress.distill.graph_objectives import graph_targets, pair_loss
from metacompress.distill.mlm import step_generator
from metacompress.distill.spec import quiet_transformers, write_spec
from metacompress.distill.teacher_arch import Prepared, TeacherArch, distinct_codes, labels_of
from metacompress.distill.token_table import inputs_digest
from metacompress.distill.training import FitSettings, LossOf, fit, mask_tokens, softmax
from metacompress.models.encoding import Encoded

LANGUAGE = {"vulnerability": "c", "clone": "java"}
HEAD = {"vulnerability": "sigmoid", "clone": "pair"}
PREDICT_BATCH = 32


def encode_graphs(encoder: Any, codes: Sequence[str], cache_dir: Path | None) -> list[Encoded]:
    """One GraphCodeBERT encoding per code (one row and its graph), cached as JSON."""
    path = None
    if cache_dir is not None:
        key = inputs_digest(encoder.digest(), [(c,) for c in codes])[:32]
        path = Path(cache_dir) / f"graphs-{key}.json"
        if path.is_file():
            saved = json.loads(path.read_text())
            return [
                Encoded(
                    (np.asarray(r["ids"], dtype=np.int64),),
                    (r["cut"],),
                    (r["chars"],),
                    {"graphs": (r["graph"],)},
                )
                for r in saved
            ]
    items = []
    for start in range(0, len(codes), 256):
        items.extend(encoder.encode_batch([(c,) for c in codes[start : start + 256]]))
    if path is not None:
        path.parent.mkdir(parents=True, exist_ok=True)
        records = [
            {
                "ids": item.rows[0].tolist(),
                "cut": bool(item.truncated_inputs[0]),
                "chars": int(item.visible_chars[0]),
                "graph": item.extra["graphs"][0],
            }
            for item in items
        ]
        partial = path.with_suffix(f".{os.getpid()}.tmp")
        partial.write_text(json.dumps(records))
        os.replace(partial, path)
    return items


class GraphTeacher(TeacherArch):
    """A GraphCodeBERT classifier (format `graphcodebert`); see the module docstring."""

    format_name = "graphcodebert"

    def __init__(self, model, tokenizer, max_length, cache_dir, fmt, encoder) -> None:
        super().__init__(model, tokenizer, max_length, cache_dir)
        self.fmt = fmt
        self.graph_encoder = encoder

    @classmethod
    def build(cls, config: Any, tokenizer: Any, settings: Any, task: str, cache_dir: Path | None):
        from metacompress.models.adapters.graphcodebert_format import GraphCodeBERTFormat

        fmt = GraphCodeBERTFormat(
            task=task,
            max_length=settings.max_length,
            data_flow_length=settings.data_flow_length,
            language=LANGUAGE[task],
            head=HEAD[task],
        ).resolved(config)
        model = fmt.build_module(config, {})
        encoder = fmt.encoder_for(tokenizer.backend_tokenizer, tokenizer)
        return cls(model, tokenizer, settings.max_length, cache_dir, fmt, encoder)

    @property
    def encoder(self) -> Any:
        return self.model.encoder.roberta

    def encode_codes(self, codes: Sequence[str]) -> list[Encoded]:
        return encode_graphs(self.graph_encoder, codes, self.cache_dir)

    def _tensors(self, items: Sequence[Encoded], attention_mask: np.ndarray | None = None):
        import torch

        arrays = self.graph_encoder.collate(items)
        if attention_mask is not None:
            arrays["attention_mask"] = attention_mask
        return {k: torch.from_numpy(np.ascontiguousarray(v)) for k, v in arrays.items()}

    def _states(self, items: Sequence[Encoded], attention_mask=None, input_ids=None) -> Any:
        t = self._tensors(items, attention_mask)
        ids = t["input_ids"] if input_ids is None else input_ids
        return self.model.hidden_states(ids, t["position_ids"], t["attention_mask"])

    def pretrain(
        self,
        codes: Sequence[str],
        settings: FitSettings,
        mlm_dir: Path,
        checkpoints: Checkpoints,
        init: str | None = None,
    ) -> int:
        """Masked LM + edge prediction + node alignment; saves `mlm_dir`; returns the number
        of codes."""
        import torch
        from torch import nn
        from transformers import RobertaForMaskedLM

        items = self.encode_codes(codes)
        if (mlm_dir / "config.json").is_file() and (mlm_dir / "metrics.json").is_file():
            state = RobertaForMaskedLM.from_pretrained(mlm_dir).roberta.state_dict()
            self.encoder.load_state_dict(state, strict=False)
            return len(items)
        config = self.encoder.config
        lm = RobertaForMaskedLM(config)
        lm.roberta = self.encoder
        lm.tie_weights()
        trainable = nn.ModuleDict({"graph": self.model, "lm_head": lm.lm_head})
        specials = sorted(set(self.tokenizer.all_special_ids))
        lengths = np.array([item.length for item in items])

        def loss_of(index: list[int], step: int) -> Any:
            batch = [items[i] for i in index]
            generator = step_generator(settings.seed, step)
            rng = np.random.default_rng(int(torch.randint(0, 2**31, (1,), generator=generator)))
            arrays = self.graph_encoder.collate(batch)
            targets = graph_targets(batch, arrays["attention_mask"], rng)
            ids = torch.from_numpy(arrays["input_ids"])
            code = torch.from_numpy(arrays["position_ids"] >= 2)
            masked, labels = mask_tokens(
                ids, code, self.tokenizer.mask_token_id, config.vocab_size, specials, generator
            )
            states = self._states(batch, targets.attention_mask, masked)
            chosen = labels.ne(-100)
            mlm = torch.nn.functional.cross_entropy(lm.lm_head(states[chosen]), labels[chosen])
            return mlm + pair_loss(states, targets.edges) + pair_loss(states, targets.align)

        history = fit(trainable, lengths, loss_of, settings, checkpoints=checkpoints)
        mlm_dir.mkdir(parents=True, exist_ok=True)
        with quiet_transformers():
            lm.save_pretrained(mlm_dir)
        self.tokenizer.save_pretrained(mlm_dir)
        (mlm_dir / "metrics.json").write_text(json.dumps(history, indent=1))
        return len(items)

    def prepare(self, examples: Sequence[Example]) -> Prepared:
        codes, index = distinct_codes(examples)
        items = self.encode_codes(codes)
        lengths = np.array([item.length for item in items])[index].max(axis=1)
        return Prepared(lengths, labels_of(examples), {"items": items, "index": index})

    def _logits(self, items: Sequence[Encoded], index: np.ndarray) -> Any:
        """Two-class logits of the examples whose codes are `index` (n, arity) into `items`."""
        import torch

        functions, inverse = np.unique(index.reshape(-1), return_inverse=True)
        states = self._states([items[f] for f in functions])
        inverse = inverse.reshape(index.shape)
        if self.fmt.head == "pair":
            pooled = states[:, 0]
            return self.model.classifier(
                torch.cat([pooled[inverse[:, 0]], pooled[inverse[:, 1]]], dim=-1)
            )
        logit = self.model.encoder.classifier(states)[inverse[:, 0], :1]
        return torch.cat([torch.zeros_like(logit), logit], dim=-1)

    def loss_of(self, data: Prepared, loss_fn: Any) -> LossOf:
        import torch

        items, index = data.parts["items"], data.parts["index"]
        targets = torch.as_tensor(data.labels)

        def loss_of(batch: list[int], _step: int) -> Any:
            return loss_fn(self._logits(items, index[batch]), targets[batch])

        return loss_of

    def predict(self, data: Prepared) -> np.ndarray:
        import torch

        items, index = data.parts["items"], data.parts["index"]
        self.model.eval()
        order = np.argsort(data.lengths, kind="stable")
        out = np.zeros((len(index), 2), dtype=np.float32)
        with torch.inference_mode():
            for start in range(0, len(order), PREDICT_BATCH):
                chunk = order[start : start + PREDICT_BATCH]
                out[chunk] = self._logits(items, index[chunk]).float().numpy()
        return softmax(out)

    def save(self, out_dir: Path, task: str) -> Path:
        from safetensors.torch import save_file

        out_dir.mkdir(parents=True, exist_ok=True)
        state = {k: v.detach().contiguous() for k, v in self.model.state_dict().items()}
        save_file(state, out_dir / "model.safetensors")
        self.encoder.config.save_pretrained(out_dir)
        self.tokenizer.save_pretrained(out_dir)
        return write_spec(
            out_dir,
            task,
            self.max_length,
            format=self.format_name,
            data_flow_length=self.fmt.data_flow_length,
            language=self.fmt.language,
            head=self.fmt.head,
        )
