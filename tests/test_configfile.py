"""YAML read with lines: every error says where the value came from (file and line, or flag)."""

from __future__ import annotations

import pytest

from metacompress.configfile import Origin, Reader, dotted, parse_yaml, read_yaml
from metacompress.errors import ConfigError


def test_every_key_path_has_its_line():
    value, origin = parse_yaml("a: 1\nb:\n  - x\n  - {c: 2,\n     d: 3}\n", "f.yaml")
    assert value == {"a": 1, "b": ["x", {"c": 2, "d": 3}]}
    assert origin.lines[("a",)] == 1 and origin.lines[("b", 1, "d")] == 5
    assert origin.line(("b", 1, "d", "deeper")) == 5
    assert dotted(("b", 1, "d")) == "b[1].d"


def test_errors_name_the_file_and_line_or_the_flag():
    _, origin = parse_yaml("workers: 2\nseed: x\n", "f.yaml")
    reader = Reader(Origin(origin.source, origin.lines, {("workers",): "--workers"}))
    with pytest.raises(ConfigError, match=r"^f.yaml:2: seed: expected an integer >= 0, got 'x'$"):
        reader.integer("x", ("seed",), 0)
    with pytest.raises(ConfigError, match=r"^--workers: expected an integer >= 1, got 0$"):
        reader.integer(0, ("workers",), 1)
    with pytest.raises(ConfigError, match=r"^f.yaml:1: other: expected a list"):
        reader.sequence("abc", ("other",))


def test_bad_files_are_errors_that_name_them(tmp_path):
    with pytest.raises(ConfigError, match=r"model spec .*absent.yaml not found"):
        read_yaml(tmp_path / "absent.yaml", "model spec")
    bad = tmp_path / "bad.yaml"
    bad.write_text("a: [1,\n")
    with pytest.raises(ConfigError, match=r"bad.yaml:2: not valid YAML"):
        read_yaml(bad)
    bad.write_text("a: 1\na: 2\n")
    with pytest.raises(ConfigError, match=r"bad.yaml:2: a: duplicate key"):
        read_yaml(bad)


def test_a_factory_error_gets_the_location_of_its_key():
    _, origin = parse_yaml("x:\n  p: 7\n", "f.yaml")

    def factory(p):
        raise ConfigError(f"p must be small, got {p}")

    with pytest.raises(ConfigError, match=r"^f.yaml:2: x.p: p must be small, got 7$"):
        Reader(origin).create(("x", "p"), factory, p=7)
