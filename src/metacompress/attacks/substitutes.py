"""Naturalness-aware identifier substitutes from a masked language model (ALERT's generator).

For one code and the byte spans of an identifier's occurrences:
1. the code is tokenised by the MLM's tokenizer (truncated to `max_length` tokens) and run
   through the MLM once, unmasked, as ALERT and BERT-Attack do; an occurrence is the run of
   subword positions that exactly covers one span (occurrences past the window, or whose
   tokens straddle the identifier's boundary, are left out);
2. candidate subword sequences per occurrence: for a one-token identifier, the `top_k` most
   probable tokens at its position; for a multi-token identifier, the `top_k` sequences of
   highest summed log-probability whose token at each position is among that position's
   `bpe_width` most probable (ALERT/BERT-Attack rank the product of the top-4 tokens per
   position by perplexity; for a fixed length, the summed log-probability gives the same
   order, and a beam of width `top_k` finds exactly the top `top_k` because the score is a sum
   of independent per-position terms);
3. contextual similarity: each candidate replaces the occurrence in the token sequence, the
   MLM's encoder is run again, and the score is the sum over the occurrence's positions of the
   cosine between the original and the new contextual embeddings; the `keep` most similar
   candidates of each occurrence are kept (ALERT keeps 30 of 60). With `context_window` > 0
   only that many tokens either side of the occurrence are encoded (faster, an approximation;
   0 encodes the whole window as ALERT does);
4. candidates are decoded and stripped; those that are not identifier-shaped are dropped; the
   union over occurrences is ranked by best similarity (ties by name).

All forward passes are batched (`batch_size` sequences, sorted by length); the codes are taken
`CHUNK_CODES` at a time and the candidate sequences of step 3 are made one batch at a time, so
memory depends on neither the number of codes nor the number of candidates. The caller filters
the names for validity in its code (unused, not reserved). Results are memoised per (code,
spans), by digest, so attacking a teacher and then its student pays once.

Memory: the masked LM is loaded by a `generate` call that has codes not yet memoised and
released when that call ends, so it never sits in memory beside the victim while the searches
run. A masked LM whose weights hold at least `ISOLATE_MIN_BYTES` is loaded in a child process
(spawned; it returns the names and exits), so it is never in the attack's process at all, the
victim's process keeps its peak at the victim's size, and the memory the child used goes back
to the system when it exits (in the process, glibc keeps part of it). A smaller one is run in
the process: a child's own imports (about 250 MB) would cost more than the model.
"""

from __future__ import annotations

import gc
import hashlib
import re
import threading
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metacompress.errors import ConfigError

_IDENTIFIER = re.compile(r"[A-Za-z_$][A-Za-z0-9_$]*\Z")

Spans = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class SubstituteRequest:
    """One code and, per key (e.g. an identifier), the byte spans of its occurrences."""

    code: str
    spans: Mapping[Hashable, Spans]


def _architectures(folder: Path) -> list[str] | None:
    """The `architectures` a Hugging Face config.json names (None: none named, or unreadable)."""
    import json

    try:
        found = json.loads((folder / "config.json").read_text(encoding="utf-8")).get(
            "architectures"
        )
    except (OSError, ValueError, AttributeError):
        return None
    return [str(name) for name in found] if isinstance(found, list) and found else None


def _is_masked_lm(folder: Path) -> bool | None:
    """Whether the config.json of `folder` names a masked LM class (None: it names none)."""
    names = _architectures(folder)
    return None if names is None else any(name.endswith("ForMaskedLM") for name in names)


def resolve_mlm(spec: str | Path) -> Path:
    """The folder of a masked LM, by this rule:
    1. `spec` when its config.json names a `...ForMaskedLM` architecture;
    2. else `spec/mlm` when it holds a config.json (the layout of `metacompress train-teacher`,
       whose folder also holds the fine-tuned classifier's config.json);
    3. else `spec` when its config.json names no architecture (AutoModelForMaskedLM decides);
    4. else a ConfigError: no masked LM there (a classifier's folder is not taken for one,
       since its missing prediction head would be initialised at random)."""
    path = Path(spec)
    if _is_masked_lm(path):
        return path
    if (path / "mlm" / "config.json").is_file():
        return path / "mlm"
    if (path / "config.json").is_file() and _is_masked_lm(path) is None:
        return path
    if (path / "config.json").is_file():
        raise ConfigError(
            f"no masked language model at {spec}: its config.json names "
            f"{', '.join(_architectures(path) or [])}, not a masked LM, and there is no mlm/ "
            "beside it (train-teacher writes one unless masked-LM pre-training is off)"
        )
    raise ConfigError(
        f"no masked language model at {spec}: expected a Hugging Face folder with "
        "config.json (AutoModelForMaskedLM + AutoTokenizer), or a teacher folder with mlm/"
    )


def load_mlm_tokenizer(path: Path) -> Any:
    """The fast tokenizer of the masked LM folder `path` (offsets are needed)."""
    from transformers import AutoTokenizer

    tokenizer = AutoTokenizer.from_pretrained(str(path))
    if not getattr(tokenizer, "is_fast", False):
        raise ConfigError(f"the tokenizer at {path} must be a fast tokenizer (offsets)")
    return tokenizer


def load_mlm_model(path: Path, device: str = "cpu") -> Any:
    """The masked LM of the folder `path`, in eval mode on `device`."""
    from transformers import AutoModelForMaskedLM
    from transformers.utils import logging as hf_logging

    from metacompress.progress import enabled

    if not enabled():
        hf_logging.disable_progress_bar()
    return AutoModelForMaskedLM.from_pretrained(str(path)).to(device).eval()


@dataclass(frozen=True)
class _Occurrence:
    request: int
    key: Hashable
    positions: tuple[int, ...]


#: Masked LMs whose weight files hold at least this many bytes run in a child process.
ISOLATE_MIN_BYTES = 64 * 2**20
#: Codes whose substitutes are generated together (bounds the memory of one pass).
CHUNK_CODES = 64


@dataclass(frozen=True)
class SubstituteSettings:
    """The generator's settings (see the module docstring)."""

    top_k: int = 60
    keep: int = 30
    bpe_width: int = 4
    batch_size: int = 16
    max_length: int = 512
    context_window: int = 0
    device: str = "cpu"


def weights_bytes(path: Path) -> int:
    """Bytes of the weight files (safetensors, .bin) in the model folder `path`."""
    return sum(f.stat().st_size for f in (*path.glob("*.safetensors"), *path.glob("*.bin")))


class MLMSubstitutes:
    """Substitute generator over one masked LM (see the module docstring).

    `isolate`: run the masked LM in a child process (None: when its weights hold at least
    `ISOLATE_MIN_BYTES`).
    """

    def __init__(
        self,
        spec: str | Path,
        *,
        top_k: int = 60,
        keep: int = 30,
        bpe_width: int = 4,
        batch_size: int = 16,
        max_length: int = 512,
        context_window: int = 0,
        device: str = "cpu",
        isolate: bool | None = None,
    ) -> None:
        self.path = resolve_mlm(spec)
        self.settings = SubstituteSettings(
            top_k, keep, bpe_width, batch_size, max_length, context_window, device
        )
        self.isolate = weights_bytes(self.path) >= ISOLATE_MIN_BYTES if isolate is None else isolate
        self._memo: dict[bytes, dict[Hashable, list[str]]] = {}
        self._lock = threading.Lock()

    def generate(self, requests: Sequence[SubstituteRequest]) -> list[dict[Hashable, list[str]]]:
        """Per request, per key: substitute names, most similar first."""
        keys = [_memo_key(r) for r in requests]
        with self._lock:
            todo = sorted({key: i for i, key in enumerate(keys) if key not in self._memo}.values())
            if todo:
                wanted = [requests[i] for i in todo]
                if self.isolate:
                    generated = _in_child(self.path, self.settings, wanted)
                else:
                    generated = generate_substitutes(self.path, self.settings, wanted)
                for i, found in zip(todo, generated, strict=True):
                    self._memo[keys[i]] = found
            return [self._memo[key] for key in keys]


def _memo_key(request: SubstituteRequest) -> bytes:
    spans = sorted((repr(k), tuple(v)) for k, v in request.spans.items())
    digest = hashlib.blake2b(request.code.encode("utf-8"), digest_size=16)
    digest.update(repr(spans).encode("utf-8"))
    return digest.digest()


def generate_substitutes(
    path: Path, settings: SubstituteSettings, requests: Sequence[SubstituteRequest]
) -> list[dict[Hashable, list[str]]]:
    """The substitutes of `requests` from the masked LM at `path`, loaded for this call only,
    `CHUNK_CODES` codes at a time."""
    masked_lm = MaskedLM(path, settings)
    try:
        found: list[dict[Hashable, list[str]]] = []
        for start in range(0, len(requests), CHUNK_CODES):
            found.extend(masked_lm.substitutes(requests[start : start + CHUNK_CODES]))
        return found
    finally:
        masked_lm.model = None
        del masked_lm
        gc.collect()


def _child_main(
    path: Path, settings: SubstituteSettings, requests: list[SubstituteRequest], threads: int
) -> list[dict[Hashable, list[str]]]:
    import torch

    torch.set_num_threads(threads)
    return generate_substitutes(path, settings, requests)


def _in_child(
    path: Path, settings: SubstituteSettings, requests: Sequence[SubstituteRequest]
) -> list[dict[Hashable, list[str]]]:
    """`generate_substitutes` in a spawned child process with this process's torch threads."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import torch

    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        job = pool.submit(_child_main, path, settings, list(requests), torch.get_num_threads())
        return job.result()


class MaskedLM:
    """One loaded masked LM and its tokenizer, generating substitutes (steps 1-4 of the module
    docstring)."""

    def __init__(self, path: Path, settings: SubstituteSettings) -> None:
        from transformers import AutoConfig

        self.path = path
        self.tokenizer = load_mlm_tokenizer(path)
        config = AutoConfig.from_pretrained(str(path))
        self.model: Any = load_mlm_model(path, settings.device)
        self.top_k, self.keep, self.bpe_width = settings.top_k, settings.keep, settings.bpe_width
        self.batch_size, self.device = settings.batch_size, settings.device
        self.context_window = settings.context_window
        limit = getattr(config, "max_position_embeddings", settings.max_length)
        offset = 2 if getattr(config, "model_type", "") == "roberta" else 0
        self.max_length = min(settings.max_length, limit - offset)

    def substitutes(self, requests: Sequence[SubstituteRequest]) -> list[dict[Hashable, list[str]]]:
        """Per request, per key: substitute names, most similar first."""
        import torch

        encoded = [self._encode(r.code) for r in requests]
        occurrences = [
            _Occurrence(i, key, positions)
            for i, request in enumerate(requests)
            for key, spans in request.spans.items()
            for positions in self._positions(request.code, encoded[i][1], spans)
        ]
        if not occurrences:
            return [{} for _ in requests]
        sequences = [ids for ids, _ in encoded]
        wanted: list[set[int]] = [set() for _ in requests]
        for occurrence in occurrences:
            wanted[occurrence.request].update(occurrence.positions)
        picks = [sorted(w) for w in wanted]
        with torch.inference_mode():
            picked = self._encode_batch(sequences, picks)
            rows = [
                dict(zip(pick, states, strict=True))
                for pick, states in zip(picks, picked, strict=True)
            ]
            before = [torch.stack([rows[o.request][p] for p in o.positions]) for o in occurrences]
            candidates = self._candidates(before)
            scored = self._similarities(occurrences, candidates, sequences, before)
        found: list[dict[Hashable, dict[str, float]]] = [{} for _ in requests]
        for occurrence, ranked in zip(occurrences, scored, strict=True):
            names = found[occurrence.request].setdefault(occurrence.key, {})
            for sequence, similarity in ranked[: self.keep]:
                name = self.tokenizer.decode(list(sequence)).strip()
                if _IDENTIFIER.match(name) and similarity > names.get(name, float("-inf")):
                    names[name] = similarity
        return [
            {key: sorted(names, key=lambda n: (-names[n], n)) for key, names in per.items()}
            for per in found
        ]

    def _encode(self, code: str) -> tuple[list[int], list[tuple[int, int]]]:
        enc = self.tokenizer(
            code, truncation=True, max_length=self.max_length, return_offsets_mapping=True
        )
        offsets = []
        for start, end in enc["offset_mapping"]:
            while start < end and code[start].isspace():
                start += 1
            offsets.append((start, end))
        return list(enc["input_ids"]), offsets

    @staticmethod
    def _positions(
        code: str, offsets: list[tuple[int, int]], spans: Spans
    ) -> list[tuple[int, ...]]:
        """Per span, the token positions that exactly cover it (spans that no run of whole
        tokens covers are left out)."""
        data = code.encode("utf-8")
        result = []
        for byte_start, byte_end in spans:
            start = len(data[:byte_start].decode("utf-8", errors="ignore"))
            end = start + len(data[byte_start:byte_end].decode("utf-8", errors="ignore"))
            inside = [j for j, (s, e) in enumerate(offsets) if s < e and s < end and e > start]
            if not inside:
                continue
            covered = all(start <= offsets[j][0] and offsets[j][1] <= end for j in inside)
            if covered and offsets[inside[0]][0] == start and offsets[inside[-1]][1] == end:
                result.append(tuple(inside))
        return result

    def _encode_batch(
        self, sequences: Sequence[Sequence[int]], picks: Sequence[Sequence[int]]
    ) -> list[Any]:
        """For each sequence, its last-layer contextual embeddings at the positions `picks[i]`
        (a (len(picks[i]), d) tensor); batches of `batch_size`, sorted by length."""
        import torch

        pad = self.tokenizer.pad_token_id or 0
        order = sorted(range(len(sequences)), key=lambda i: len(sequences[i]))
        out: list[Any] = [None] * len(sequences)
        base = self.model.base_model
        for start in range(0, len(order), self.batch_size):
            chunk = order[start : start + self.batch_size]
            width = max(len(sequences[i]) for i in chunk)
            ids = torch.full((len(chunk), width), pad, dtype=torch.long)
            mask = torch.zeros((len(chunk), width), dtype=torch.long)
            for row, i in enumerate(chunk):
                ids[row, : len(sequences[i])] = torch.tensor(list(sequences[i]))
                mask[row, : len(sequences[i])] = 1
            states = base(input_ids=ids.to(self.device), attention_mask=mask.to(self.device))
            hidden = states.last_hidden_state
            for row, i in enumerate(chunk):
                out[i] = hidden[row, list(picks[i])].float().cpu()
        return out

    def _head(self, states: Any) -> Any:
        for name in ("lm_head", "cls", "predictions"):
            head = getattr(self.model, name, None)
            if head is not None:
                return head(states.to(self.device)).float().cpu()
        raise ConfigError(
            f"cannot find the prediction head of {type(self.model).__name__} "
            "(expected an attribute lm_head, cls or predictions)"
        )

    def _candidates(self, before: list[Any]) -> list[list[tuple[int, ...]]]:
        """Per occurrence (its original embeddings), up to `top_k` candidate token sequences,
        best first (see step 2 of the module docstring)."""
        import torch

        result = []
        for states in before:
            log_probs = torch.log_softmax(self._head(states), dim=-1)
            width = min(self.top_k if len(states) == 1 else self.bpe_width, log_probs.shape[-1])
            beams: list[tuple[tuple[int, ...], float]] = [((), 0.0)]
            for row in log_probs:
                top = torch.topk(row, width)
                expanded = [
                    (seq + (int(t),), score + float(s))
                    for seq, score in beams
                    for s, t in zip(top.values, top.indices, strict=True)
                ]
                expanded.sort(key=lambda item: -item[1])
                beams = expanded[: self.top_k]
            result.append([seq for seq, _ in beams])
        return result

    def _similarities(
        self,
        occurrences: list[_Occurrence],
        candidates: list[list[tuple[int, ...]]],
        sequences: list[list[int]],
        before: list[Any],
    ) -> list[list[tuple[tuple[int, ...], float]]]:
        """Per occurrence, (candidate, summed cosine similarity), most similar first.

        The candidate sequences are made and encoded `batch_size` at a time, occurrences in
        order of their (cropped) length, so memory stays one batch whatever the number of
        candidates; the batches are those of sorting every candidate sequence by length.
        """
        import torch

        spans = []
        for occurrence in occurrences:
            ids = sequences[occurrence.request]
            lo, hi = 0, len(ids)
            if self.context_window > 0:
                lo = max(0, occurrence.positions[0] - self.context_window)
                hi = min(len(ids), occurrence.positions[-1] + 1 + self.context_window)
            spans.append((lo, hi, tuple(p - lo for p in occurrence.positions)))
        if self.context_window > 0:
            crops = [
                sequences[o.request][lo:hi]
                for o, (lo, hi, _) in zip(occurrences, spans, strict=True)
            ]
            before = self._encode_batch(crops, [local for *_, local in spans])
        scored: list[list[tuple[tuple[int, ...], float]]] = [[] for _ in occurrences]
        pending: list[tuple[int, tuple[int, ...], list[int], tuple[int, ...]]] = []

        def flush() -> None:
            after = self._encode_batch([new for *_, new, _ in pending], [p[3] for p in pending])
            for (o, seq, _, _), states in zip(pending, after, strict=True):
                cosine = torch.nn.functional.cosine_similarity(before[o], states, dim=-1)
                scored[o].append((seq, float(cosine.sum())))
            pending.clear()

        order = sorted(range(len(occurrences)), key=lambda o: spans[o][1] - spans[o][0])
        for o in order:
            lo, hi, local = spans[o]
            ids = sequences[occurrences[o].request]
            original = tuple(ids[p] for p in occurrences[o].positions)
            for seq in candidates[o]:
                if seq == original:
                    continue
                new = list(ids[lo:hi])
                for p, token in zip(local, seq, strict=True):
                    new[p] = token
                pending.append((o, seq, new, local))
                if len(pending) == self.batch_size:
                    flush()
        if pending:
            flush()
        for ranked in scored:
            ranked.sort(key=lambda item: -item[1])
        return scored
