"""Format `graphcodebert`: a GraphCodeBERT fine-tune with data-flow inputs.

Spec keys (besides those of the research formats: `path`, `config`, `tokenizer`, `task`,
`state_dict_key`, `weights_layout`): `max_length` (code length C, default 512),
`data_flow_length` (D, default 128), `language` (default: c for vulnerability, java for clone),
`head` (default: "sigmoid" for vulnerability, as the CodeXGLUE-style GraphCodeBERT defect model;
"pair" for clone, as GraphCodeBERT's BigCloneBench model), `positive_column` (for "softmax"),
`position_limit` (default: from the config's position embeddings).

Checkpoint layout ("study"): `encoder.*` holds a RobertaForSequenceClassification, `classifier.*`
the pair head (clone), as the published `Model` classes save them.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from metacompress.code.parsing import LANGUAGES
from metacompress.models.adapters.research import RawCheckpointFormat
from metacompress.models.encoding import Encoder
from metacompress.models.formats import arity_of, model_format
from metacompress.registry import check_choice, check_range

#: The head and the language of each task when the spec does not say.
DEFAULT_HEAD = {"vulnerability": "sigmoid", "clone": "pair"}
DEFAULT_LANGUAGE = {"vulnerability": "c", "clone": "java"}


@model_format("graphcodebert", "GraphCodeBERT with data-flow-graph inputs (C, Java)")
@dataclass(frozen=True)
class GraphCodeBERTFormat(RawCheckpointFormat):
    max_length: int = 512
    data_flow_length: int = 128
    language: str | None = None
    head: str | None = None
    positive_column: int = 1
    position_limit: int | None = None

    def __post_init__(self) -> None:
        super().__post_init__()
        check_range("data_flow_length", self.data_flow_length, 0)
        if self.language is not None:
            check_choice("language", self.language, LANGUAGES)
        if self.head is not None:
            check_choice("head", self.head, ("sigmoid", "softmax", "pair"))
            check_choice(
                "head", self.head, ("pair",) if self.task == "clone" else ("sigmoid", "softmax")
            )
        check_choice("positive_column", self.positive_column, (0, 1))
        if self.position_limit is not None:
            check_range("position_limit", self.position_limit, 3)

    @property
    def resolved_head(self) -> str:
        return self.head or DEFAULT_HEAD[str(self.task)]

    def resolved(self, config: Any) -> GraphCodeBERTFormat:
        """Head, language and position limit filled in (from the task and the config)."""
        limit = self.position_limit
        if limit is None:
            limit = int(config.max_position_embeddings) - int(config.pad_token_id) - 1
        return dataclasses.replace(
            self,
            position_limit=limit,
            head=self.resolved_head,
            language=self.language or DEFAULT_LANGUAGE[str(self.task)],
        )

    def encoder_for(self, backend: Any, hf: Any) -> Encoder:
        from metacompress.models.graphcodebert import GraphCodeBERTEncoder

        specials = ("<s>", "</s>", "<pad>", "<unk>")
        if hf is not None:
            specials = (hf.cls_token, hf.sep_token, hf.pad_token, hf.unk_token)
        return GraphCodeBERTEncoder(
            backend,
            self.max_length,
            self.data_flow_length,
            self.language or DEFAULT_LANGUAGE[str(self.task)],
            arity=arity_of(self.task),
            position_limit=self.position_limit or self.max_length + 2,
            specials=specials,
            source=hf,
        )

    def build_module(self, config: Any, state: dict[str, Any], lean: bool = False) -> Any:
        from transformers import RobertaForSequenceClassification

        from metacompress.models.graphcodebert import GraphCodeBERTModule

        head = self.resolved_head
        config.num_labels = 1 if head == "sigmoid" else 2
        encoder = RobertaForSequenceClassification(config)
        return GraphCodeBERTModule(encoder, head, self.positive_column, config.hidden_size)
