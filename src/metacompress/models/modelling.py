"""Whose code computes a RoBERTa classifier: transformers' modelling code, or the lean RoBERTa
of `metacompress.models.lean_roberta` (plain torch, 116 MB less resident memory: transformers'
modelling code is never imported), chosen at load and checked.

Choices (`LoadOptions.modelling`):
- "auto" (the default): the lean RoBERTa when `lean_roberta.unsupported_reason(config)` lets
  the config through (and, for format `transformers`, the checkpoint's tensors are exactly the
  ones it has), kept only when on the probe batch (`kernels.PROBE_INPUTS`: two inputs of
  different lengths, so padding is exercised) every probability of the loaded model (its
  kernels included) differs from transformers' with torch's eager kernels by at most
  `kernels.TOLERANCE` = 1e-5; else transformers (the reason is recorded);
- "transformers": transformers' modelling code;
- "lean": the lean RoBERTa, a ConfigError when the config is not one it implements or the
  probe disagrees.

The reference runs in this process when transformers' RoBERTa code is already imported or the
weights hold less than `ISOLATE_MIN_BYTES` = 64 MiB (a small model: the import costs time, not
memory that matters); otherwise in a child interpreter that loads the model with
transformers, scores the probe and exits, so this process never imports that code (about
6 CPU seconds for a 12-layer, 768-hidden encoder on the benchmark machine). The
verdict (modelling, reason, largest difference, where it was checked) is part of
`backend_info()`, hence of a run's summary.json, and "lean" is part of the model's identity
(its fingerprint), as the kernels are.
"""

from __future__ import annotations

import dataclasses
import sys
from typing import Any

import numpy as np

from metacompress.errors import ConfigError
from metacompress.models.kernels import PROBE_INPUTS, TOLERANCE
from metacompress.models.lean_roberta import unsupported_reason

MODELLINGS = ("auto", "transformers", "lean")
#: Weights (bytes) from which the reference is computed in a child process, unless
#: transformers' RoBERTa code is imported already.
ISOLATE_MIN_BYTES = 64 * 2**20
TRANSFORMERS_ROBERTA = "transformers.models.roberta.modeling_roberta"


def choose(config: Any, wanted: str) -> tuple[bool, str]:
    """(use the lean RoBERTa, why) for `config` when `wanted` is asked for (before the probe)."""
    if wanted == "transformers":
        return False, "asked for"
    reason = unsupported_reason(config)
    if reason is not None:
        if wanted == "lean":
            raise ConfigError(f"modelling 'lean' cannot be used: {reason}")
        return False, reason
    return True, "the config is one the lean RoBERTa implements"


def sequence_classifier(config: Any, lean: bool) -> Any:
    """RoBERTa's sequence classifier with `config.num_labels` logits, lean or transformers'."""
    if lean:
        from metacompress.models.lean_roberta import LeanRobertaForSequenceClassification

        return LeanRobertaForSequenceClassification(config)
    from transformers import RobertaForSequenceClassification

    return RobertaForSequenceClassification(config)


def roberta_model(config: Any, add_pooling_layer: bool, lean: bool) -> Any:
    """RoBERTa's bare encoder, lean or transformers'."""
    if lean:
        from metacompress.models.lean_roberta import LeanRobertaModel

        return LeanRobertaModel(config, add_pooling_layer=add_pooling_layer)
    from transformers import RobertaModel

    return RobertaModel(config, add_pooling_layer=add_pooling_layer)


def probe_arrays(model: Any) -> dict[str, np.ndarray]:
    """The probe batch as the model's encoder arrays."""
    return model.encoder.collate(model.encoder.encode_batch(PROBE_INPUTS[model.arity or 1]))


def checked(model: Any, source: Any) -> tuple[Any, dict[str, Any] | None]:
    """(the model to use, the check's verdict or None when no check was made).

    The model is `model` (loaded from the spec `source`, a `spec.SpecSource`) if it does not
    run the lean RoBERTa or the lean RoBERTa agrees with transformers on the probe; otherwise
    the model loaded again with transformers ("auto"; a ConfigError for "lean"). The verdict is
    written into the backend's info; a verdict already in `source.modelling_check` (a model
    sent to another process) is taken as it is."""
    info = getattr(getattr(model, "backend", None), "info", None)
    if not isinstance(info, dict) or info.get("modelling") != "lean":
        return model, None
    verdict = source.modelling_check
    try:
        if verdict is None:
            verdict = _compare(model, source)
    except ConfigError as error:  # the reference could not be computed
        reason = str(error)
    else:
        info.update(verdict)
        if verdict["modelling_max_abs_diff"] <= TOLERANCE:
            return model, verdict
        reason = (
            f"the lean RoBERTa differs from transformers by "
            f"{verdict['modelling_max_abs_diff']:.2e} > {TOLERANCE:.0e} on the probe"
        )
    if source.options.modelling == "lean":
        raise ConfigError(f"modelling 'lean' cannot be used: {reason}")
    from metacompress.models.spec import reload

    fallback = reload(_with_transformers(source, kernels=source.options.kernels))
    fallback.backend.info.update(modelling_reason=reason)
    return fallback, None


def _compare(model: Any, source: Any) -> dict[str, Any]:
    arrays = probe_arrays(model)
    ours = model.backend.run(arrays)[0].astype(np.float64)
    module = model.backend.module
    weights = sum(
        int(t.numel()) * t.element_size() for t in (*module.parameters(), *module.buffers())
    )
    if TRANSFORMERS_ROBERTA in sys.modules or weights < ISOLATE_MIN_BYTES:
        reference, where = reference_probabilities(_with_transformers(source)), "this process"
    else:
        reference, where = _in_child(_with_transformers(source)), "a child process"
    diff = float(np.max(np.abs(ours - reference))) if ours.shape == reference.shape else np.inf
    return {
        "modelling_max_abs_diff": diff if diff == diff else float("inf"),  # NaN fails
        "modelling_checked_in": where,
        "modelling_probe_inputs": len(ours),
    }


def _with_transformers(source: Any, kernels: str = "eager") -> Any:
    options = dataclasses.replace(source.options, modelling="transformers", kernels=kernels)
    return dataclasses.replace(source, options=options, origin=None, modelling_check=None)


def reference_probabilities(source: Any) -> np.ndarray:
    """P of the probe batch from the model of `source` (transformers, eager kernels)."""
    from metacompress.models.spec import reload

    reference = reload(source)
    return reference.backend.run(probe_arrays(reference))[0].astype(np.float64)


#: The child's program: a (source, torch threads) pickle on stdin, the probabilities' pickle on
#: stdout. A fresh interpreter (not multiprocessing's spawn, which imports the caller's main
#: script again, and fails in a script without a `__main__` guard).
CHILD_PROGRAM = (
    "import pickle, sys, torch\n"
    "from metacompress.models.modelling import reference_probabilities\n"
    "source, threads = pickle.load(sys.stdin.buffer)\n"
    "torch.set_num_threads(threads)\n"
    "sys.stdout.buffer.write(pickle.dumps(reference_probabilities(source)))\n"
)


def _in_child(source: Any) -> np.ndarray:
    """`reference_probabilities` in a child interpreter with this process's torch threads; a
    ConfigError with the child's last line of error when it fails."""
    import pickle
    import subprocess

    import torch

    done = subprocess.run(
        [sys.executable, "-c", CHILD_PROGRAM],
        input=pickle.dumps((source, torch.get_num_threads())),
        capture_output=True,
        check=False,
    )
    if done.returncode != 0:
        lines = done.stderr.decode("utf-8", "replace").strip().splitlines() or ["no message"]
        raise ConfigError(
            f"the check of the lean RoBERTa against transformers failed in its child process "
            f"(exit {done.returncode}): {lines[-1][:300]}"
        )
    return pickle.loads(done.stdout)
