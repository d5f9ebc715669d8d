import numpy as np
import pytest

from metacompress.errors import ConfigError
from metacompress.models import CallableClassifier, load_model, predict


def constant(batch):
    return np.tile([0.25, 0.75], (len(batch), 1))


def test_callable_checks_outputs():
    with pytest.raises(ConfigError, match="shape"):
        CallableClassifier(lambda b: np.zeros((len(b), 3)), "bad").predict_proba([("a",)])
    with pytest.raises(ConfigError, match="sum to 1"):
        CallableClassifier(lambda b: np.ones((len(b), 2)), "bad").predict_proba([("a",)])
    with pytest.raises(ConfigError, match="outside"):
        CallableClassifier(lambda b: np.array([[1.5, -0.5]]), "bad").predict_proba([("a",)])
    probs = CallableClassifier(lambda b: np.array([0.9] * len(b))).predict_proba([("a",), ("b",)])
    np.testing.assert_allclose(probs, [[0.1, 0.9], [0.1, 0.9]])


def test_callable_counts_queries_and_has_stable_fingerprint():
    model = CallableClassifier(constant, "c")
    model.predict_proba([("a",), ("b",)])
    assert model.queries == 2
    assert model.fingerprint == CallableClassifier(constant, "c").fingerprint
    assert model.fingerprint != CallableClassifier(constant, "d").fingerprint
    assert model.fingerprint != CallableClassifier(lambda b: constant(b), "c").fingerprint
    assert CallableClassifier(constant, fingerprint="v1").fingerprint == "v1"


def test_arity_is_enforced():
    with pytest.raises(ConfigError, match="clone"):
        CallableClassifier(constant, "c", arity=2).predict_proba([("a",)])


def test_predict_on_callable_has_no_truncation():
    pred = predict(CallableClassifier(constant), [("a",), ("b",)])
    assert pred.probs.shape == (2, 2) and not pred.truncated.any() and pred.hidden is None


def test_callable_spec_file_needs_trust(tmp_path):
    (tmp_path / "mymodel.py").write_text(
        "import numpy as np\ndef run(batch):\n    return np.tile([0.5, 0.5], (len(batch), 1))\n"
    )
    spec = tmp_path / "metacompress-model.yaml"
    spec.write_text("format: callable\nfunction: mymodel:run\nname: mine\ntask: vulnerability\n")
    with pytest.raises(ConfigError, match="trust"):
        load_model(spec)
    model = load_model(tmp_path, trust_remote_code=True)
    assert model.predict_proba([("x",)]).tolist() == [[0.5, 0.5]]
    in_python = load_model({"format": "callable", "function": constant, "task": "clone"})
    with pytest.raises(ConfigError, match="clone"):
        in_python.predict_proba([("x",)])


def test_hub_ids_and_plain_folders_need_no_spec_file(tmp_path):
    from metacompress.models import read_spec

    assert read_spec("microsoft/codebert-base") == (
        {"format": "transformers", "path": "microsoft/codebert-base"},
        None,
    )
    (tmp_path / "config.json").write_text("{}")
    assert read_spec(tmp_path) == ({"format": "transformers", "path": "."}, tmp_path)


def test_unknown_spec_keys_and_formats_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="no key"):
        load_model({"format": "callable", "function": constant, "colour": "red"})
    with pytest.raises(ConfigError, match="unknown model format"):
        load_model({"format": "nope"})
    with pytest.raises(ConfigError, match="not found"):
        load_model(str(tmp_path / "missing.yaml"))
    (tmp_path / "metacompress-model.yaml").write_text("path: .\n")
    with pytest.raises(ConfigError, match="no 'format'"):
        load_model(tmp_path)
