"""GraphCodeBERT inputs (code tokens + data-flow nodes) and the model that reads them.

Inputs of one code, following the published design (Guo et al., ICLR 2021, and its CodeXGLUE
fine-tuning code), with C = max_length (code length), D = data_flow_length:
- code tokens: the tree-sitter tokens of the code, each tokenized on its own (" " + token for
  all but the first), flattened and cut to C + D - 2 - min(#nodes, D) pieces (and to what the
  position embeddings hold); the sequence is `[cls] + pieces + [sep]`;
- data-flow nodes (`metacompress.code.dataflow`) appended after the code, as many as fit in
  C + D, each with the `unk` token id;
- position ids: 0 for data-flow nodes, padding_idx + 1 + i (2, 3, ...) for the i-th code
  position, padding_idx (1) for padding;
- attention mask (L x L): code positions see each other; cls and sep see every non-padding
  position; a node and the pieces of its token see each other; a node sees the nodes its value
  comes from. Masked pairs get -10000 added to the attention scores, as in the published model.
  A row that would see nothing (padding, or a node whose token was cut and whose sources were
  dropped) sees itself only, so outputs do not depend on the padded length.
- the embedding of a node is the mean of the word embeddings of the code pieces it sees.

A pair (clone detection) is two such sequences, encoded separately and read by the pair head.

Truncation: `truncated` when pieces or nodes were cut. `visible_chars` is the whole input: data
flow nodes and their edges reach beyond the code window (a variable used after the window still
gets a node; a loop can link a late definition to an early use), so no edit can be proved
invisible to this model.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import torch
from torch import nn

from metacompress.code.dataflow import extract_dataflow
from metacompress.errors import ConfigError
from metacompress.models.encoding import Encoded, Encoder, save_backend_or_hf, tokenizer_digest
from metacompress.models.heads import PairHead, to_positive_last


class GraphCodeBERTEncoder(Encoder):
    """Code tokens, data-flow nodes, position ids and graph-guided attention masks."""

    def __init__(
        self,
        backend: Any,
        max_length: int,
        data_flow_length: int,
        lang: str,
        *,
        arity: int | None,
        position_limit: int,
        specials: tuple[str, str, str, str] = ("<s>", "</s>", "<pad>", "<unk>"),
        source: Any = None,
    ) -> None:
        from tokenizers import Tokenizer

        self.backend = Tokenizer.from_str(backend.to_str())
        self.backend.no_truncation()
        self.backend.no_padding()
        ids = []
        for token in specials:
            found = self.backend.token_to_id(token)
            if found is None:
                raise ConfigError(f"tokenizer has no special token {token!r}")
            ids.append(int(found))
        self.cls_id, self.sep_id, self.pad_id, self.unk_id = ids
        self.max_length = max_length
        self.data_flow_length = data_flow_length
        self.lang = lang
        self.arity = arity
        self.position_limit = position_limit
        self.source = source
        self.vocab_size = self.backend.get_vocab_size(with_added_tokens=True)
        self._digest = tokenizer_digest(
            self.backend,
            {
                "template": "graphcodebert",
                "max_length": max_length,
                "data_flow_length": data_flow_length,
                "lang": lang,
                "position_limit": position_limit,
                "special": list(specials),
            },
            source=source,
        )

    def digest(self) -> str:
        return self._digest

    def input_names(self, arity: int) -> tuple[str, ...]:
        return ("input_ids", "position_ids", "attention_mask")

    def save_tokenizer(self, folder: Path) -> str:
        return save_backend_or_hf(self.backend, self.source, folder)

    def encode_batch(self, batch: Sequence[tuple[str, ...]]) -> list[Encoded]:
        items = []
        for inputs in batch:
            parts = [self._encode_one(code) for code in inputs]
            items.append(
                Encoded(
                    rows=tuple(p[0] for p in parts),
                    truncated_inputs=tuple(p[1] for p in parts),
                    visible_chars=tuple(len(code) for code in inputs),
                    extra={"graphs": tuple(p[2] for p in parts)},
                )
            )
        return items

    def _encode_one(self, code: str) -> tuple[np.ndarray, bool, dict[str, Any]]:
        flow = extract_dataflow(code, self.lang)
        texts = [t.text if i == 0 else " " + t.text for i, t in enumerate(flow.tokens)]
        pieces = [e.ids for e in self.backend.encode_batch(texts, add_special_tokens=False)]
        spans, pos = [], 0
        for piece in pieces:
            spans.append((pos, pos + len(piece)))
            pos += len(piece)
        flat = [i for piece in pieces for i in piece]
        budget = self.max_length + self.data_flow_length
        keep = budget - 2 - min(len(flow.nodes), self.data_flow_length)
        keep = max(0, min(keep, self.position_limit - 2))
        source = [self.cls_id, *flat[:keep], self.sep_id]
        nodes = flow.nodes[: max(0, budget - len(source))]
        ids = np.asarray(source + [self.unk_id] * len(nodes), dtype=np.int64)
        where = {node.token: k for k, node in enumerate(nodes)}
        graph = {
            "n_code": len(source),
            "to_code": [(spans[n.token][0] + 1, spans[n.token][1] + 1) for n in nodes],
            "to_nodes": [[where[s] for s in n.sources if s in where] for n in nodes],
        }
        truncated = len(flat) > keep or len(nodes) < len(flow.nodes)
        return ids, truncated, graph

    def _mask(self, ids: np.ndarray, graph: dict[str, Any], width: int) -> np.ndarray:
        mask = np.zeros((width, width), dtype=bool)
        n_code = graph["n_code"]
        n_all = len(ids)
        mask[:n_code, :n_code] = True
        specials = np.nonzero((ids[:n_code] == self.cls_id) | (ids[:n_code] == self.sep_id))[0]
        mask[specials, :n_all] = True
        for k, (a, b) in enumerate(graph["to_code"]):
            if a < n_code and b < n_code:
                mask[n_code + k, a:b] = True
                mask[a:b, n_code + k] = True
        for k, sources in enumerate(graph["to_nodes"]):
            for s in sources:
                mask[n_code + k, n_code + s] = True
        lonely = ~mask.any(axis=1)
        mask[lonely, lonely] = True
        return mask

    def collate(self, items: Sequence[Encoded]) -> dict[str, np.ndarray]:
        width = max(item.length for item in items)
        n_rows = len(items[0].rows)
        ids = np.full((len(items), n_rows, width), self.pad_id, dtype=np.int64)
        positions = np.full((len(items), n_rows, width), self.pad_id, dtype=np.int64)
        masks = np.zeros((len(items), n_rows, width, width), dtype=bool)
        first = self.pad_id + 1
        for i, item in enumerate(items):
            for r, (row, graph) in enumerate(zip(item.rows, item.extra["graphs"], strict=True)):
                n_code = graph["n_code"]
                ids[i, r, : len(row)] = row
                positions[i, r, :n_code] = np.arange(first, first + n_code)
                positions[i, r, n_code : len(row)] = 0
                masks[i, r] = self._mask(row, graph, width)
        if n_rows == 1:
            return {
                "input_ids": ids[:, 0],
                "position_ids": positions[:, 0],
                "attention_mask": masks[:, 0],
            }
        return {"input_ids": ids, "position_ids": positions, "attention_mask": masks}


class GraphCodeBERTModule(nn.Module):
    """`encoder` is a RobertaForSequenceClassification (its own classifier is the "sigmoid"
    or "softmax" head); `classifier` is the pair head of the clone-detection model."""

    def __init__(
        self, encoder: nn.Module, head: str, positive_column: int, hidden_size: int
    ) -> None:
        super().__init__()
        self.encoder = encoder
        self.head = head
        self.positive_column = positive_column
        if head == "pair":
            self.classifier = PairHead(hidden_size)

    def convention(self) -> dict[str, object]:
        """The head convention (part of the model's fingerprint)."""
        return {"head": self.head, "positive_column": self.positive_column}

    def hidden_states(
        self,
        input_ids: torch.Tensor,
        position_ids: torch.Tensor,
        attention_mask: torch.Tensor,
    ) -> torch.Tensor:
        """The encoder's last hidden states (rows, L, h) of (rows, L) inputs: node embeddings
        are the mean word embedding of the code pieces each node sees."""
        attention_mask = attention_mask.bool()
        roberta = self.encoder.roberta
        embeddings = roberta.embeddings.word_embeddings(input_ids)
        nodes = position_ids.eq(0)
        tokens = position_ids.ge(2)
        node_to_token = nodes[:, :, None] & tokens[:, None, :] & attention_mask
        weights = node_to_token.to(embeddings.dtype)
        weights = weights / (weights.sum(-1) + 1e-10)[:, :, None]
        averaged = torch.einsum("abc,acd->abd", weights, embeddings)
        keep = (~nodes)[:, :, None].to(embeddings.dtype)
        embeddings = embeddings * keep + averaged * (1.0 - keep)
        masked = (~attention_mask)[:, None].to(embeddings.dtype)
        bias = masked * -10000.0
        return roberta(
            inputs_embeds=embeddings,
            attention_mask=bias,
            position_ids=position_ids,
            token_type_ids=torch.zeros_like(position_ids),
        )[0]

    def forward(
        self,
        input_ids: torch.Tensor,
        position_ids: torch.Tensor,
        attention_mask: torch.Tensor,
    ) -> tuple[torch.Tensor, torch.Tensor]:
        batch = input_ids.shape[0]
        length = input_ids.shape[-1]
        if input_ids.dim() == 3:
            input_ids = input_ids.reshape(-1, length)
            position_ids = position_ids.reshape(-1, length)
            attention_mask = attention_mask.reshape(-1, length, length)
        states = self.hidden_states(input_ids, position_ids, attention_mask)
        if self.head == "pair":
            pooled = states[:, 0].reshape(batch, -1)
            logits = self.classifier(pooled)
        else:
            pooled = states[:, 0]
            logits = self.encoder.classifier(states)
        return to_positive_last(logits, self.head, self.positive_column), pooled.float()
