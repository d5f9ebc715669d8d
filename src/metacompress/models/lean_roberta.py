"""A RoBERTa encoder in plain torch, for inference: the classifiers the model layer loads,
without importing transformers' modelling code.

Importing `transformers.models.roberta.modeling_roberta` costs about 116 MB of resident memory
(it pulls in sympy, scipy, torch.distributed and torch._dynamo: 1,500 modules), a third of a
125 M encoder's weights; this module needs torch alone and takes the same weights under the
same names (a state dict saved by transformers loads as it is, and the weights' checksum is
the same).

What it computes, for an input of token ids x (padding id p) and mask m (1 = token):
- embeddings: LayerNorm(E_word[x] + E_type[0] + E_pos[pos]), pos_i = p + cumsum(x != p)_i for
  a token and p for padding (RoBERTa numbers positions from p + 1);
- each layer: a = LayerNorm(h + W_o SDPA(W_q h, W_k h, W_v h; keys where m = 1)),
  h' = LayerNorm(a + W_2 gelu(W_1 a)), gelu the exact (erf) one;
- heads: "classification" dense(h) -> tanh -> out_proj on the first token (RoBERTa's
  sequence classifier), or none (the bare encoder of the pair formats, with its pooler's
  weights kept so the state dict is whole).

It implements exactly the configs `unsupported_reason` lets through (model_type roberta, an
absolute position embedding, activation "gelu", an encoder without cross-attention); a caller
uses it only after checking it against transformers on real inputs
(`metacompress.models.modelling`).

Its layers are built without initial values (`torch.empty`, whose pages the kernel gives only
when written), since a checkpoint always fills them: the loaders check that every tensor is
there. (Building on torch's meta device instead would import torch._dynamo and sympy, the very
modules this code avoids.)
"""

from __future__ import annotations

from typing import Any

import torch
from torch import nn
from torch.nn import functional


class Linear(nn.Linear):
    """`nn.Linear` without initial values (a checkpoint fills it)."""

    def reset_parameters(self) -> None:
        pass


class Embedding(nn.Embedding):
    """`nn.Embedding` without initial values (a checkpoint fills it)."""

    def reset_parameters(self) -> None:
        pass


class LayerNorm(nn.LayerNorm):
    """`nn.LayerNorm` without initial values (a checkpoint fills it)."""

    def reset_parameters(self) -> None:
        pass


def unsupported_reason(config: Any) -> str | None:
    """Why this module cannot compute what transformers computes for `config` (None: it can)."""
    checks = (
        (getattr(config, "model_type", None) == "roberta", "model_type is not roberta"),
        (getattr(config, "hidden_act", None) == "gelu", "activation is not exact gelu"),
        (
            getattr(config, "position_embedding_type", "absolute") in (None, "absolute"),
            "position embeddings are not absolute",
        ),
        (not getattr(config, "is_decoder", False), "it is a decoder"),
        (not getattr(config, "add_cross_attention", False), "it has cross-attention"),
        (
            config.hidden_size % config.num_attention_heads == 0,
            "hidden size not a multiple of the heads",
        ),  # fmt: skip
        (getattr(config, "pad_token_id", None) is not None, "it has no padding id"),
    )
    for ok, reason in checks:
        if not ok:
            return f"the config is not one the lean RoBERTa implements: {reason}"
    return None


class Embeddings(nn.Module):
    """Word, position (numbered from the padding id + 1) and token-type 0 embeddings, summed
    and normalised."""

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.padding_idx = int(config.pad_token_id)
        hidden = config.hidden_size
        self.word_embeddings = Embedding(config.vocab_size, hidden, self.padding_idx)
        self.position_embeddings = Embedding(
            config.max_position_embeddings, hidden, self.padding_idx
        )
        self.token_type_embeddings = Embedding(config.type_vocab_size, hidden)
        self.LayerNorm = LayerNorm(hidden, eps=config.layer_norm_eps)

    def forward(self, input_ids: torch.Tensor) -> torch.Tensor:
        tokens = input_ids.ne(self.padding_idx).int()
        positions = (torch.cumsum(tokens, dim=1).type_as(tokens) * tokens).long() + self.padding_idx
        summed = self.word_embeddings(input_ids) + self.token_type_embeddings.weight[0]
        return self.LayerNorm(summed + self.position_embeddings(positions))


class Projections(nn.Module):
    """The query, key and value projections of one layer."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.query = Linear(hidden, hidden)
        self.key = Linear(hidden, hidden)
        self.value = Linear(hidden, hidden)


class DenseNorm(nn.Module):
    """LayerNorm(residual + dense(x))."""

    def __init__(self, inputs: int, hidden: int, eps: float) -> None:
        super().__init__()
        self.dense = Linear(inputs, hidden)
        self.LayerNorm = LayerNorm(hidden, eps=eps)

    def forward(self, x: torch.Tensor, residual: torch.Tensor) -> torch.Tensor:
        return self.LayerNorm(self.dense(x) + residual)


class Attention(nn.Module):
    """Multi-head self-attention (SDPA, padding keys masked) and its output projection."""

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.heads = int(config.num_attention_heads)
        self.add_module("self", Projections(config.hidden_size))
        self.output = DenseNorm(config.hidden_size, config.hidden_size, config.layer_norm_eps)

    def forward(self, h: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        b, n, width = h.shape
        projections = self._modules["self"]

        def split(linear: nn.Module) -> torch.Tensor:
            return linear(h).view(b, n, self.heads, width // self.heads).transpose(1, 2)

        mixed = functional.scaled_dot_product_attention(
            split(projections.query), split(projections.key), split(projections.value), keys
        )
        return self.output(mixed.transpose(1, 2).reshape(b, n, width), h)


class Intermediate(nn.Module):
    """gelu(dense(x)), the exact gelu."""

    def __init__(self, hidden: int, width: int) -> None:
        super().__init__()
        self.dense = Linear(hidden, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return functional.gelu(self.dense(x))


class Layer(nn.Module):
    """Attention, then the feed-forward block, each with its residual and LayerNorm."""

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.attention = Attention(config)
        self.intermediate = Intermediate(config.hidden_size, config.intermediate_size)
        self.output = DenseNorm(config.intermediate_size, config.hidden_size, config.layer_norm_eps)

    def forward(self, h: torch.Tensor, keys: torch.Tensor) -> torch.Tensor:
        a = self.attention(h, keys)
        return self.output(self.intermediate(a), a)


class LayerStack(nn.Module):
    """The encoder's layers (named `layer`, as in transformers)."""

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.layer = nn.ModuleList(Layer(config) for _ in range(config.num_hidden_layers))


class Pooler(nn.Module):
    """tanh(dense(first token)): kept for its weights; the formats read the first token."""

    def __init__(self, hidden: int) -> None:
        super().__init__()
        self.dense = Linear(hidden, hidden)


class LeanRobertaModel(nn.Module):
    """The bare encoder: (last hidden states,) for `input_ids` and `attention_mask`."""

    def __init__(self, config: Any, add_pooling_layer: bool = True) -> None:
        super().__init__()
        reason = unsupported_reason(config)
        if reason is not None:
            raise ValueError(reason)
        self.config = config
        self.embeddings = Embeddings(config)
        self.encoder = LayerStack(config)
        self.pooler = Pooler(config.hidden_size) if add_pooling_layer else None

    @property
    def base_model(self) -> nn.Module:
        return self

    def get_input_embeddings(self) -> nn.Embedding:
        return self.embeddings.word_embeddings

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> tuple[torch.Tensor]:
        keys = attention_mask.bool()[:, None, None, :]
        h = self.embeddings(input_ids)
        for layer in self.encoder.layer:
            h = layer(h, keys)
        return (h,)


class ClassificationHead(nn.Module):
    """out_proj(tanh(dense(x))), the sequence classifier's head."""

    def __init__(self, hidden: int, labels: int) -> None:
        super().__init__()
        self.dense = Linear(hidden, hidden)
        self.out_proj = Linear(hidden, labels)

    def forward(self, first: torch.Tensor) -> torch.Tensor:
        return self.out_proj(torch.tanh(self.dense(first)))


class ClassifierOutput:
    """What a sequence classifier returns: its `logits`."""

    def __init__(self, logits: torch.Tensor) -> None:
        self.logits = logits


class LeanRobertaForSequenceClassification(nn.Module):
    """RoBERTa's sequence classifier: the encoder without pooler, the head on the first token;
    `config.num_labels` logits."""

    def __init__(self, config: Any) -> None:
        super().__init__()
        self.config = config
        self.roberta = LeanRobertaModel(config, add_pooling_layer=False)
        self.classifier = ClassificationHead(config.hidden_size, config.num_labels)

    @property
    def base_model(self) -> nn.Module:
        return self.roberta

    def get_input_embeddings(self) -> nn.Embedding:
        return self.roberta.get_input_embeddings()

    def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> ClassifierOutput:
        states = self.roberta(input_ids=input_ids, attention_mask=attention_mask)[0]
        return ClassifierOutput(self.classifier(states[:, 0]))
