"""Model spec files: errors name the file, the line and the key at fault."""

from __future__ import annotations

import pytest

from metacompress.errors import ConfigError
from metacompress.models import load_model


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("format: callable\nfunction: m:f\ncolour: red\n",
         r"spec.yaml:3: colour: model format 'callable' has no key 'colour'"),
        ("format: transformers\npath: .\nbatch_size: 0\n", r"spec.yaml:\d: \w+: "),
        ("format: nope\n", r"spec.yaml:1: format: unknown model format 'nope'"),
        ("path: .\n", r"spec.yaml:1: format: no 'format' key; expected one of: "),
        ("- a list\n", r"spec.yaml:1: config: a model spec must be a mapping"),
        ("format: [unclosed\n", r"spec.yaml:2: not valid YAML"),
    ],
)  # fmt: skip
def test_spec_file_errors_are_located(tmp_path, text, message):
    path = tmp_path / "spec.yaml"
    path.write_text(text)
    with pytest.raises(ConfigError, match=message):
        load_model(path)


def test_load_model_as_names_the_model_whatever_the_failure(tmp_path, monkeypatch):
    from metacompress.models import load_model_as

    with pytest.raises(ConfigError, match=r"^--student: model spec '\S*absent' not found"):
        load_model_as("--student", tmp_path / "absent")
    (tmp_path / "broken_module.py").write_text("raise ImportError('no torch here')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    spec = {"format": "callable", "function": "broken_module:f"}
    with pytest.raises(ConfigError, match=r"^exp.yaml:5: teacher: cannot import .*no torch here"):
        load_model_as("exp.yaml:5: teacher", spec, trust_remote_code=True)

    def library_failure(*args, **kwargs):  # a failure the loaders do not word themselves
        raise RuntimeError("CUDA error: device-side assert\ndetails")

    monkeypatch.setattr("metacompress.models.spec.load_model", library_failure)
    with pytest.raises(ConfigError, match=r"^teacher: cannot load the model: RuntimeError: "
                                          r"CUDA error: device-side assert$"):
        load_model_as("teacher", spec)
