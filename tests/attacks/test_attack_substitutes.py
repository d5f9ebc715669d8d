"""The masked-LM substitute generator (ALERT's naturalness-aware substitutes)."""

from __future__ import annotations

import re

import pytest
from attack_doubles import BUF_CODE, JAVA_A

from metacompress.attacks.substitutes import (
    MaskedLM,
    MLMSubstitutes,
    SubstituteRequest,
    SubstituteSettings,
    resolve_mlm,
)
from metacompress.code.parsing import parse
from metacompress.code.symbols import symbol_table
from metacompress.errors import ConfigError


def spans_of(code: str, lang: str) -> dict[str, tuple[tuple[int, int], ...]]:
    spans: dict[str, list[tuple[int, int]]] = {}
    for symbol in symbol_table(parse(code, lang)):
        spans.setdefault(symbol.name, []).extend(symbol.occurrences)
    return {name: tuple(found) for name, found in spans.items()}


def test_substitutes_are_identifiers_ranked_and_memoised(tiny_mlm):
    generator = MLMSubstitutes(tiny_mlm, top_k=20)
    requests = [
        SubstituteRequest(BUF_CODE, spans_of(BUF_CODE, "c")),
        SubstituteRequest(JAVA_A, spans_of(JAVA_A, "java")),
    ]
    found = generator.generate(requests)
    assert set(found[0]) <= set(requests[0].spans)
    assert found[0]["buf"], "the MLM proposes substitutes for buf"
    for per_key in found:
        for names in per_key.values():
            assert len(names) == len(set(names))
            assert all(re.fullmatch(r"[A-Za-z_$][A-Za-z0-9_$]*", n) for n in names)
    # one occurrence keeps at most top_k // 2 candidates; several occurrences add up
    single = generator.generate(
        [SubstituteRequest(BUF_CODE, {"buf": requests[0].spans["buf"][:1]})]
    )
    assert 0 < len(single[0]["buf"]) <= 10
    assert generator.generate(requests[:1]) == found[:1]
    assert generator.generate(requests[1:]) == found[1:]


def test_batching_does_not_change_the_substitutes(tiny_mlm):
    requests = [
        SubstituteRequest(BUF_CODE, spans_of(BUF_CODE, "c")),
        SubstituteRequest(JAVA_A, spans_of(JAVA_A, "java")),
    ]
    together = MLMSubstitutes(tiny_mlm, top_k=12, batch_size=16).generate(requests)
    alone = [MLMSubstitutes(tiny_mlm, top_k=12, batch_size=1).generate([r])[0] for r in requests]
    assert together == alone


def test_positions_cover_identifiers_exactly(tiny_mlm):
    masked_lm = MaskedLM(tiny_mlm, SubstituteSettings())
    code = "int a_b = xy + 1;"
    ids, offsets = masked_lm._encode(code)
    positions = masked_lm._positions(code, offsets, ((4, 7), (10, 12), (3, 5)))
    assert len(positions) == 2
    for span, found in zip(((4, 7), (10, 12)), positions, strict=True):
        assert offsets[found[0]][0] == span[0] and offsets[found[-1]][1] == span[1]


def test_context_window_gives_substitutes_too(tiny_mlm):
    generator = MLMSubstitutes(tiny_mlm, top_k=10, context_window=8)
    (found,) = generator.generate([SubstituteRequest(BUF_CODE, spans_of(BUF_CODE, "c"))])
    assert found["buf"]


def test_resolving_the_masked_lm(tiny_mlm, tmp_path):
    assert resolve_mlm(tiny_mlm.parent) == tiny_mlm
    assert resolve_mlm(tiny_mlm) == tiny_mlm
    with pytest.raises(ConfigError, match="no masked language model"):
        resolve_mlm(tmp_path)


def _classifier_config(folder):
    """A sequence classifier's config.json in `folder` (what train-teacher leaves beside mlm/)."""
    from transformers import RobertaConfig

    folder.mkdir(parents=True, exist_ok=True)
    RobertaConfig(architectures=["RobertaForSequenceClassification"]).save_pretrained(folder)
    (folder / "metacompress-model.yaml").write_text("format: transformers\npath: .\n")
    return folder


def test_a_train_teacher_folder_resolves_to_its_masked_lm(tiny_mlm, tmp_path):
    import shutil

    teacher = _classifier_config(tmp_path / "teacher")
    shutil.copytree(tiny_mlm, teacher / "mlm")
    assert resolve_mlm(teacher) == teacher / "mlm"
    assert MLMSubstitutes(teacher, top_k=10).path == teacher / "mlm"


def test_a_classifier_folder_is_not_taken_for_a_masked_lm(tmp_path):
    teacher = _classifier_config(tmp_path / "teacher")
    with pytest.raises(ConfigError, match="RobertaForSequenceClassification, not a masked LM"):
        resolve_mlm(teacher)


def test_the_masked_lm_is_released_after_generating(tiny_mlm, monkeypatch):
    import weakref

    from metacompress.attacks import substitutes

    loaded = []
    real = substitutes.load_mlm_model

    def tracking(path, device="cpu"):
        model = real(path, device)
        loaded.append(weakref.ref(model))
        return model

    monkeypatch.setattr(substitutes, "load_mlm_model", tracking)
    generator = MLMSubstitutes(tiny_mlm, top_k=10, batch_size=3)
    assert not generator.isolate  # a small masked LM runs in the process
    request = SubstituteRequest(BUF_CODE, spans_of(BUF_CODE, "c"))
    first = generator.generate([request])
    assert first[0] and len(loaded) == 1
    assert loaded[0]() is None  # nothing holds the MLM any more
    assert generator.generate([request]) == first and len(loaded) == 1  # memoised: not loaded


def test_a_large_masked_lm_runs_in_a_child_process_with_the_same_result(tiny_mlm, monkeypatch):
    from metacompress.attacks import substitutes

    requests = [
        SubstituteRequest(BUF_CODE, spans_of(BUF_CODE, "c")),
        SubstituteRequest(JAVA_A, spans_of(JAVA_A, "java")),
    ]
    in_process = MLMSubstitutes(tiny_mlm, top_k=10, isolate=False).generate(requests)
    monkeypatch.setattr(substitutes, "ISOLATE_MIN_BYTES", 1)
    isolated = MLMSubstitutes(tiny_mlm, top_k=10)
    assert isolated.isolate
    monkeypatch.setattr(substitutes, "load_mlm_model", None)  # never loaded in this process
    assert isolated.generate(requests) == in_process


def test_codes_are_taken_in_chunks_with_the_same_result(tiny_mlm, monkeypatch):
    from metacompress.attacks import substitutes

    requests = [
        SubstituteRequest(BUF_CODE, spans_of(BUF_CODE, "c")),
        SubstituteRequest(JAVA_A, spans_of(JAVA_A, "java")),
        SubstituteRequest(BUF_CODE, {"buf": spans_of(BUF_CODE, "c")["buf"][:1]}),
    ]
    together = MLMSubstitutes(tiny_mlm, top_k=10).generate(requests)
    monkeypatch.setattr(substitutes, "CHUNK_CODES", 1)
    assert MLMSubstitutes(tiny_mlm, top_k=10).generate(requests) == together
