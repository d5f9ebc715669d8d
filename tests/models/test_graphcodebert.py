"""GraphCodeBERT inputs and model against a re-implementation of the published feature code
(fixed padding to C + D, the published attention-mask loops, an additive -10000 mask)."""

import numpy as np
import pytest
import torch
from torch import nn
from transformers import RobertaForSequenceClassification

from metacompress.code.dataflow import extract_dataflow
from metacompress.errors import ConfigError
from metacompress.models import load_model, predict

C_FUNCS = [
    "int f(int a) { int x = a * 2; if (x > 3) x = x - 1; return x; }",
    "void g(char *p, int n) { while (n > 0) { p[n] = 0; n--; } }",
]
JAVA = [
    "int add(int a, int b) { int s = a; s += b; return s; }",
    "int plus(int x, int y) { return x + y; }",
]


def published_features(tokenizer, code, lang, code_length, dfg_length):
    flow = extract_dataflow(code, lang)
    tokens = [t.text for t in flow.tokens]
    dfg = [(n.name, n.token, n.relation, [], list(n.sources)) for n in flow.nodes]
    pieces = [
        tokenizer.tokenize("@ " + x)[1:] if i != 0 else tokenizer.tokenize(x)
        for i, x in enumerate(tokens)
    ]
    ori2cur = {-1: (0, 0)}
    for i in range(len(pieces)):
        ori2cur[i] = (ori2cur[i - 1][1], ori2cur[i - 1][1] + len(pieces[i]))
    flat = [y for x in pieces for y in x]
    flat = flat[: code_length + dfg_length - 2 - min(len(dfg), dfg_length)]
    source = [tokenizer.cls_token] + flat + [tokenizer.sep_token]
    ids = tokenizer.convert_tokens_to_ids(source)
    position = [i + tokenizer.pad_token_id + 1 for i in range(len(source))]
    dfg = dfg[: code_length + dfg_length - len(source)]
    ids += [tokenizer.unk_token_id for _ in dfg]
    position += [0 for _ in dfg]
    pad = code_length + dfg_length - len(ids)
    position += [tokenizer.pad_token_id] * pad
    ids += [tokenizer.pad_token_id] * pad
    reverse = {x[1]: k for k, x in enumerate(dfg)}
    dfg = [x[:-1] + ([reverse[i] for i in x[-1] if i in reverse],) for x in dfg]
    to_dfg = [x[-1] for x in dfg]
    to_code = [(ori2cur[x[1]][0] + 1, ori2cur[x[1]][1] + 1) for x in dfg]
    total = code_length + dfg_length
    mask = np.zeros((total, total), dtype=bool)
    node_index = sum(i > 1 for i in position)
    max_length = sum(i != 1 for i in position)
    mask[:node_index, :node_index] = True
    for idx, i in enumerate(ids):
        if i in [tokenizer.cls_token_id, tokenizer.sep_token_id]:
            mask[idx, :max_length] = True
    for idx, (a, b) in enumerate(to_code):
        if a < node_index and b < node_index:
            mask[idx + node_index, a:b] = True
            mask[a:b, idx + node_index] = True
    for idx, nodes in enumerate(to_dfg):
        for a in nodes:
            if a + node_index < len(position):
                mask[idx + node_index, a + node_index] = True
    return torch.tensor(ids), torch.tensor(position), torch.tensor(mask)


def published_states(encoder, ids, position, mask):
    nodes_mask = position.eq(0)
    token_mask = position.ge(2)
    emb = encoder.roberta.embeddings.word_embeddings(ids)
    n2t = nodes_mask[:, :, None] & token_mask[:, None, :] & mask
    n2t = n2t / (n2t.sum(-1) + 1e-10)[:, :, None]
    avg = torch.einsum("abc,acd->abd", n2t, emb)
    emb = emb * (~nodes_mask)[:, :, None] + avg * nodes_mask[:, :, None]
    extended = (1.0 - mask[:, None].float()) * -10000.0
    return encoder.roberta(inputs_embeds=emb, attention_mask=extended, position_ids=position)[0]


class DefectModel(nn.Module):
    def __init__(self, encoder):
        super().__init__()
        self.encoder = encoder


class PairHeadRef(nn.Module):
    def __init__(self, hidden):
        super().__init__()
        self.dense = nn.Linear(hidden * 2, hidden)
        self.out_proj = nn.Linear(hidden, 2)


class CloneModel(nn.Module):
    def __init__(self, encoder, hidden):
        super().__init__()
        self.encoder = encoder
        self.classifier = PairHeadRef(hidden)


def test_vulnerability_model_matches_published_features(tmp_path, tokenizer, config_factory, tools):
    torch.manual_seed(0)
    config = config_factory(len(tokenizer), num_labels=1, positions=200)
    wrapper = DefectModel(RobertaForSequenceClassification(config)).eval()
    torch.save(wrapper.state_dict(), tmp_path / "model.bin")
    config.to_json_file(tmp_path / "config.json")
    tokenizer.save_pretrained(tmp_path)
    tools.write_spec(
        tmp_path,
        format="graphcodebert",
        task="vulnerability",
        path="model.bin",
        max_length=96,
        data_flow_length=32,
    )
    model = load_model(tmp_path, batch_size=1)
    pred = predict(model, [(f,) for f in C_FUNCS], return_hidden=True)
    for i, code in enumerate(C_FUNCS):
        ids, pos, mask = published_features(tokenizer, code, "c", 96, 32)
        with torch.no_grad():
            states = published_states(wrapper.encoder, ids[None], pos[None], mask[None])
            p = torch.sigmoid(wrapper.encoder.classifier(states))[0, 0].item()
        assert pred.probs[i, 1] == pytest.approx(p, abs=1e-5)
        np.testing.assert_allclose(pred.hidden[i], states[0, 0].numpy(), atol=1e-5)
    assert not pred.truncated.any()
    again = load_model(tmp_path, batch_size=2).predict_proba([(f,) for f in reversed(C_FUNCS)])
    np.testing.assert_allclose(again, pred.probs[::-1], atol=1e-6)


def test_clone_model_matches_published_features(tmp_path, tokenizer, config_factory):
    torch.manual_seed(1)
    config = config_factory(len(tokenizer), num_labels=2, positions=200)
    wrapper = CloneModel(RobertaForSequenceClassification(config), 32).eval()
    torch.save(wrapper.state_dict(), tmp_path / "model.bin")
    config.to_json_file(tmp_path / "config.json")
    tokenizer.save_pretrained(tmp_path)
    spec = {
        "format": "graphcodebert",
        "task": "clone",
        "path": str(tmp_path / "model.bin"),
        "max_length": 64,
        "data_flow_length": 16,
    }
    pairs = [(JAVA[0], JAVA[1]), (JAVA[1], JAVA[1])]
    pred = predict(load_model(spec, batch_size=2), pairs)
    for i, (a, b) in enumerate(pairs):
        feats = [published_features(tokenizer, c, "java", 64, 16) for c in (a, b)]
        ids, pos, mask = (torch.stack([f[k] for f in feats]) for k in range(3))
        with torch.no_grad():
            states = published_states(wrapper.encoder, ids, pos, mask)
            x = states[:, 0].reshape(1, -1)
            logits = wrapper.classifier.out_proj(torch.tanh(wrapper.classifier.dense(x)))
            p = torch.softmax(logits, -1)[0].numpy()
        np.testing.assert_allclose(pred.probs[i], p, atol=1e-5)


def test_inputs_positions_and_mask(tokenizer):
    from metacompress.models.graphcodebert import GraphCodeBERTEncoder

    enc = GraphCodeBERTEncoder(tokenizer.backend_tokenizer, 40, 8, "c", arity=1, position_limit=128)
    code = "int f(int a) { return a; }"
    (item,) = enc.encode_batch([(code,)])
    arrays = enc.collate([item, *enc.encode_batch([("int g(int a, int b) { return a + b; }",)])])
    ids, pos, mask = arrays["input_ids"][0], arrays["position_ids"][0], arrays["attention_mask"][0]
    graph = item.extra["graphs"][0]
    n_code, n = graph["n_code"], len(item.rows[0])
    assert pos[:n_code].tolist() == list(range(2, 2 + n_code))
    assert pos[n_code:n].tolist() == [0, 0] and set(pos[n:].tolist()) <= {1}
    assert ids[n_code:n].tolist() == [tokenizer.unk_token_id] * 2
    a_def, a_use = n_code, n_code + 1  # the parameter a and its use in return a
    assert mask[a_use, a_def] and not mask[a_def, a_use]
    (s, e) = graph["to_code"][1]
    assert mask[a_use, s:e].all() and mask[s:e, a_use].all()
    assert not mask[a_use, 1] and mask[0, :n].all() and not mask[0, n:].any()
    assert mask[:n_code, :n_code].all()


def test_truncation_is_flagged_and_nothing_is_called_invisible(tmp_path, tokenizer, config_factory):
    config = config_factory(len(tokenizer), num_labels=1, positions=200)
    torch.save(
        DefectModel(RobertaForSequenceClassification(config)).state_dict(), tmp_path / "model.bin"
    )
    config.to_json_file(tmp_path / "config.json")
    tokenizer.save_pretrained(tmp_path)
    spec = {
        "format": "graphcodebert",
        "task": "vulnerability",
        "path": str(tmp_path / "model.bin"),
        "max_length": 12,
        "data_flow_length": 4,
    }
    long_code = "int f(int a) { " + " ".join(f"a = a + {i};" for i in range(20)) + " return a; }"
    pred = predict(load_model(spec), [(long_code,), ("int x;",)])
    assert pred.truncated.tolist() == [True, False]
    assert pred.visible_chars[:, 0].tolist() == [len(long_code), len("int x;")]
    sizes = [
        load_model(spec, batch_size=b).predict_proba([(long_code,), ("int x;",)]) for b in (1, 2)
    ]
    np.testing.assert_allclose(sizes[0], sizes[1], atol=1e-6)


def test_graphcodebert_settings_are_checked(tmp_path):
    with pytest.raises(ConfigError, match="head"):
        load_model(
            {"format": "graphcodebert", "task": "clone", "head": "sigmoid", "path": str(tmp_path)}
        )
    with pytest.raises(ConfigError, match="language"):
        load_model(
            {"format": "graphcodebert", "task": "clone", "language": "go", "path": str(tmp_path)}
        )
