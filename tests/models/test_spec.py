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
