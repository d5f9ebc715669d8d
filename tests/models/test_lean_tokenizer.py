"""The lean tokenizer reader: for every tokenizer folder it reads (the test tokenizers, each kind
`distill/tokenizer.py` trains, the Compressor study's files wrapped as the benchmarks wrap them)
the same backend, special tokens, token ids, masks, truncation and visible characters as
transformers' tokenizer on real code and edge cases, single inputs and pairs, and the same
encoder digest; every folder it cannot read as transformers does left to transformers, with
the reason; and a model loaded in a fresh process that never imports transformers."""

import json
import lzma
import shutil
import subprocess
import sys

import pytest
from transformers import AutoTokenizer, PreTrainedTokenizerFast, RobertaTokenizer

from metacompress.distill.tokenizer import TokenizerSpec, train_tokenizer
from metacompress.models import load_model
from metacompress.models.encoding import BlockEncoder, HFTemplateEncoder
from metacompress.models.lean_tokenizer import LeanTokenizer, read_tokenizer
from metacompress.models.torch_backend import load_hf_tokenizer
from metacompress.testing.tiny import tiny_classifier, tiny_tokenizer

EDGE = [
    "", " ", "\n\t  \n", "x", "int ü = 'λ'; // 日本語 😀 \u200b e\u0301", "<s> <mask> </s> <pad> a<unk>b",
    "A" * 3000, "ÀÉÎÕÜ ﬁ ① ｆｕｌｌ", "\r\n\r\nint\u00a0x;",
]  # fmt: skip


@pytest.fixture(scope="module")
def codes(shared_data):
    """Devign functions and BigCloneBench methods, then the edge cases."""
    found = []
    for name, key, n in (("devign/test.jsonl.xz", "func", 16), ("bigclonebench/data.jsonl.xz",
                                                                  "func", 10)):  # fmt: skip
        with lzma.open(shared_data / name, "rt", encoding="utf-8") as handle:
            for line, _ in zip(handle, range(n), strict=False):
                found.append(json.loads(line)[key])
    return found + ["\n".join(found[:6])] + EDGE


def compressor(shared_data, name, length=None):
    """A Compressor study file wrapped as the benchmarks and research folders wrap it."""
    return PreTrainedTokenizerFast(
        tokenizer_file=str(shared_data / "compressor-tokenizers" / name),
        bos_token="<s>", eos_token="</s>", unk_token="<unk>", pad_token="<pad>",
        mask_token="<mask>", cls_token="<s>", sep_token="</s>",
        **({"model_max_length": length} if length else {}),
    )  # fmt: skip


@pytest.fixture(scope="module")
def folders(tmp_path_factory, shared_data, codes):
    """Saved tokenizer folders of every kind the models use."""
    root = tmp_path_factory.mktemp("tokenizers")
    made = {
        "tiny-lowercase": tiny_tokenizer(lowercase=True),
        "tiny-mask": tiny_tokenizer(mask_token="<mask>"),
        "compressor-vulnerability": compressor(shared_data, "vulnerability_prediction-BPE_6000.json", 256),
        "compressor-clone": compressor(shared_data, "clone_detection-BPE_1000.json"),
    }  # fmt: skip
    for kind in ("bpe", "wordpiece", "unigram", "word"):
        spec = TokenizerSpec(
            kind=kind, vocab_size=600, lowercase=kind == "bpe", nfkd=kind == "unigram"
        )
        made[f"distill-{kind}"] = train_tokenizer(codes[:40], spec, max_length=128)
    for name, tokenizer in made.items():
        tokenizer.save_pretrained(root / name)
    reloaded = AutoTokenizer.from_pretrained(str(root / "distill-bpe"))  # saved again, as a
    reloaded.save_pretrained(root / "distill-bpe-resaved")  # loaded tokenizer is saved
    return {path.name: path for path in sorted(root.iterdir())}


def lean_and_reference(folder):
    lean = read_tokenizer(folder)
    assert isinstance(lean, LeanTokenizer), (folder.name, lean)
    return lean, AutoTokenizer.from_pretrained(str(folder))


def test_it_reads_every_folder_as_transformers_does(folders):
    for name, folder in folders.items():
        lean, reference = lean_and_reference(folder)
        assert lean.backend_tokenizer.to_str() == reference.backend_tokenizer.to_str(), name
        assert len(lean) == len(reference) and lean.pad_token_id == reference.pad_token_id
        assert lean.special_tokens_map == reference.special_tokens_map, name
        assert (lean.padding_side, lean.truncation_side) == (
            reference.padding_side, reference.truncation_side
        )  # fmt: skip
        assert (lean.cls_token, lean.sep_token, lean.pad_token) == (
            reference.cls_token, reference.sep_token, reference.pad_token
        )  # fmt: skip
        if lean.model_max_length is None:  # transformers' "no limit"
            assert reference.model_max_length > 10**20
        else:
            assert lean.model_max_length == reference.model_max_length


def assert_same_encodings(a, b, batch, name):
    items_a, items_b = a.encode_batch(batch), b.encode_batch(batch)
    for x, y, inputs in zip(items_a, items_b, batch, strict=True):
        assert [r.tolist() for r in x.rows] == [r.tolist() for r in y.rows], (name, inputs)
        assert x.truncated_inputs == y.truncated_inputs, (name, inputs)
        assert x.visible_chars == y.visible_chars, (name, inputs)
    for k in range(0, len(batch), 16):
        arrays_a = a.collate(items_a[k : k + 16])
        arrays_b = b.collate(items_b[k : k + 16])
        assert {n: v.tolist() for n, v in arrays_a.items()} == {
            n: v.tolist() for n, v in arrays_b.items()
        }


def test_template_encodings_equal_transformers_on_code_and_edge_cases(folders, codes):
    singles = [(c,) for c in codes]
    # pairs of long inputs are cut to 800 characters: the tokenizers library truncates a
    # pair of many-thousand-token inputs in seconds, with either reader
    short = [c[:800] for c in codes]
    pairs = [(short[i], short[(7 * i + 3) % len(codes)]) for i in range(len(codes))]
    pairs += [(e, f) for e in EDGE for f in EDGE[:4]] + [(f, e) for e in EDGE for f in EDGE[:4]]
    for name, folder in folders.items():
        lean, reference = lean_and_reference(folder)
        for max_length, arity, batch in ((64, 1, singles), (7, 1, singles), (96, 2, pairs)):
            ours = HFTemplateEncoder(lean, max_length, arity)
            theirs = HFTemplateEncoder(reference, max_length, arity)
            assert ours.digest() == theirs.digest(), name
            assert_same_encodings(ours, theirs, batch, name)


def test_block_encodings_equal_transformers(folders, codes):
    batch = [(a, b) for a, b in zip(codes, reversed(codes), strict=True)]
    for name, folder in folders.items():
        lean, reference = lean_and_reference(folder)
        encoders = [
            BlockEncoder(t.backend_tokenizer, 40, arity=2, bos=t.cls_token, eos=t.sep_token,
                         pad=t.pad_token, source=t)
            for t in (lean, reference)
        ]  # fmt: skip
        assert encoders[0].digest() == encoders[1].digest(), name
        assert_same_encodings(*encoders, batch, name)


def test_a_saved_lean_tokenizer_loads_as_it_was(folders, tmp_path):
    lean, _ = lean_and_reference(folders["tiny-mask"])
    lean.save_pretrained(tmp_path / "copy")
    again = read_tokenizer(tmp_path / "copy")
    assert again.backend_tokenizer.to_str() == lean.backend_tokenizer.to_str()
    assert again.special_tokens_map == lean.special_tokens_map


def changed_config(folder, tmp_path, **changes):
    target = tmp_path / "changed"
    shutil.copytree(folder, target)
    path = target / "tokenizer_config.json"
    config = json.loads(path.read_text())
    config.update(changes)
    path.write_text(json.dumps({k: v for k, v in config.items() if v is not None}))
    return target


def changed_backend(folder, tmp_path, change):
    target = tmp_path / "changed"
    shutil.copytree(folder, target)
    state = json.loads((target / "tokenizer.json").read_text())
    change(state)
    (target / "tokenizer.json").write_text(json.dumps(state))
    return target


def test_folders_it_cannot_read_as_transformers_does_go_to_transformers(folders, tmp_path):
    tiny = folders["tiny-lowercase"]

    def added_as_normal(state):
        state["added_tokens"][1]["special"] = False

    def truncated(state):
        state["truncation"] = {"direction": "Right", "max_length": 5, "strategy": "LongestFirst",
                               "stride": 0}  # fmt: skip

    def no_post_processor(state):
        state["post_processor"] = None

    cases = {
        "tokenizer class is 'RobertaTokenizer'": lambda p: changed_config(
            tiny, p, tokenizer_class="RobertaTokenizer"
        ),
        "keys this reader does not know: auto_map": lambda p: changed_config(
            tiny, p, auto_map={"AutoTokenizer": ["x.T", None]}
        ),
        "keys this reader does not know: add_prefix_space": lambda p: changed_config(
            tiny, p, add_prefix_space=True
        ),
        "pad_token '<nope>' is not a special": lambda p: changed_config(
            tiny, p, pad_token="<nope>"
        ),
        "pad_token '<pad>' is not a special": lambda p: changed_backend(tiny, p, added_as_normal),
        "sets truncation or padding": lambda p: changed_backend(tiny, p, truncated),
        "has no post-processor": lambda p: changed_backend(tiny, p, no_post_processor),
        "has special_tokens_map.json": lambda p: add_file(tiny, p, "special_tokens_map.json"),
    }
    for k, (reason, make) in enumerate(cases.items()):
        folder = make(tmp_path / str(k))
        assert reason in read_tokenizer(folder), reason
        tokenizer, reading = load_hf_tokenizer(str(folder), None, False, lean=True)
        assert not isinstance(tokenizer, LeanTokenizer)
        assert reading["tokenizer_reader"] == "transformers"
        assert reason in reading["tokenizer_reader_reason"]


def add_file(folder, tmp_path, name):
    target = tmp_path / "changed"
    shutil.copytree(folder, target)
    (target / name).write_text("{}")
    return target


def test_roberta_class_folders_with_or_without_tokenizer_json_go_to_transformers(folders, tmp_path):
    state = json.loads((folders["compressor-clone"] / "tokenizer.json").read_text())
    files = tmp_path / "files"
    files.mkdir()
    (files / "vocab.json").write_text(json.dumps(state["model"]["vocab"]))
    merges = [m if isinstance(m, str) else " ".join(m) for m in state["model"]["merges"]]
    (files / "merges.txt").write_text("#version: 0.2\n" + "\n".join(merges) + "\n")
    RobertaTokenizer.from_pretrained(str(files)).save_pretrained(tmp_path / "roberta")
    shutil.copytree(
        tmp_path / "roberta", tmp_path / "without", ignore=lambda *_: ["tokenizer.json"]
    )
    for name in ("vocab.json", "merges.txt"):
        shutil.copyfile(files / name, tmp_path / "without" / name)
    reasons = {"roberta": "does not know: add_prefix_space",
               "without": "the folder has no tokenizer.json"}  # fmt: skip
    for name, reason in reasons.items():
        tokenizer, reading = load_hf_tokenizer(str(tmp_path / name), None, False, lean=True)
        assert isinstance(tokenizer, RobertaTokenizer)
        assert reading["tokenizer_reader"] == "transformers"
        assert reason in reading["tokenizer_reader_reason"]


def test_trust_remote_code_and_modelling_transformers_read_with_transformers(folders):
    folder = str(folders["tiny-mask"])
    _, reading = load_hf_tokenizer(folder, None, True, lean=True)
    assert reading["tokenizer_reader_reason"] == "trust_remote_code is on"
    _, reading = load_hf_tokenizer(folder, None, False)
    assert reading["tokenizer_reader_reason"] == "modelling 'transformers' was asked for"


def test_a_model_with_its_files_read_lean_has_the_fingerprint_transformers_reading_gives(
    tmp_path, monkeypatch
):
    folder = tiny_classifier(tmp_path / "m", seed=3, spec={"format": "transformers"})
    lean = load_model(folder)
    info = lean.backend_info()
    assert (info["config_reader"], info["tokenizer_reader"], info["modelling"]) == (
        "lean", "lean", "lean"
    )  # fmt: skip
    monkeypatch.setattr("metacompress.models.lean_config.read_config", lambda path: "off")
    monkeypatch.setattr("metacompress.models.lean_tokenizer.read_tokenizer", lambda path: "off")
    read_by_transformers = load_model(folder)
    info = read_by_transformers.backend_info()
    assert (info["config_reader"], info["tokenizer_reader"], info["modelling"]) == (
        "transformers", "transformers", "lean"
    )  # fmt: skip
    assert lean.fingerprint == read_by_transformers.fingerprint
    assert (
        lean.describe()["tokenizer_sha256"] == read_by_transformers.describe()["tokenizer_sha256"]
    )


FRESH = """
import sys
from metacompress.models import load_model, modelling
modelling.ISOLATE_MIN_BYTES = 0  # the check against transformers runs in its child process
model = load_model(sys.argv[1])
info = model.backend_info()
assert info["modelling_checked_in"] == "a child process", info
print(sorted({m.split(".")[0] for m in sys.modules} & {"transformers", "huggingface_hub"}))
print(info["config_reader"], info["tokenizer_reader"], info["modelling"])
"""


def test_a_fresh_process_loading_a_lean_model_never_imports_transformers(tmp_path):
    folder = tiny_classifier(tmp_path / "m", seed=5, spec={"format": "transformers"})
    done = subprocess.run(
        [sys.executable, "-c", FRESH, str(folder)], capture_output=True, text=True, check=True
    )
    assert done.stdout.splitlines()[-2:] == ["[]", "lean lean lean"]
