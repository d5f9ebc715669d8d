"""Config loading: defaults, resolved paths, round trip, and errors that say where and what."""

from __future__ import annotations

from pathlib import Path

import pytest

from metacompress.errors import ConfigError
from metacompress.pipeline.config import load_config, parse_config
from metacompress.pipeline.relation_specs import GateSpec, parse_gate

GOOD = """\
task: vulnerability
seed: 3
data:
  format: devign
  path: data/test.jsonl.xz
  limit: 20
teacher: models/teacher
student: {format: callable, function: "pkg.mod:fn"}
followups:
  - rename-locals
  - transform: insert-unused-variable
    id: unused
  - combine: 2
    from: [rename-locals, for-to-while]
relations:
  - prediction-agreement
  - name: distribution-similarity
    id: js
    params: {max_divergence: 0.05}
gates:
  - relation: js
    max_violation: 0.1
  - relation: prediction-agreement
    followup: unused
    fail_under: 0.9
"""


def write(tmp_path: Path, text: str, name: str = "exp.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text)
    return path


def test_a_good_config_is_resolved_with_defaults_and_paths_beside_the_file(tmp_path):
    (tmp_path / "models" / "teacher").mkdir(parents=True)
    config = load_config(write(tmp_path, GOOD))
    assert config.task == "vulnerability" and config.lang == "c" and config.seed == 3
    assert config.data["path"] == str(tmp_path / "data" / "test.jsonl.xz")
    assert config.teacher == str(tmp_path / "models" / "teacher")
    assert config.student["base_dir"] == str(tmp_path)
    assert [f.name for f in config.followups] == ["rename-locals", "unused", "combine-2"]
    combine = config.followup("combine-2")
    assert (combine.component, combine.params) == (
        "compose",
        {"k": 2, "transforms": ["rename-locals", "for-to-while"]},
    )
    assert [r.id for r in config.relations] == ["prediction-agreement", "js"]
    assert config.gates[1] == GateSpec("prediction-agreement", "fail_under", 0.9, "unused")
    assert config.output == str(tmp_path / "runs" / "exp")
    assert (config.workers, config.batch_size, config.bootstrap) == (1, 32, 1000)


def test_the_resolved_config_round_trips_and_overrides_apply(tmp_path):
    config = load_config(write(tmp_path, GOOD), out=tmp_path / "elsewhere", limit=5)
    assert config.limit == 5 and config.output == str(tmp_path / "elsewhere")
    again = parse_config(config.to_dict(), source=config.source)
    assert again == config
    assert again.result_hash() == config.result_hash()
    assert config.replace(workers=4).result_hash() == config.result_hash()
    assert config.replace(seed=4).result_hash() != config.result_hash()


def test_all_followups_expand_to_the_catalogue_of_the_language(tmp_path):
    config = load_config(write(tmp_path, GOOD.replace("  - rename-locals\n", "  - all\n", 1)))
    names = [f.name for f in config.followups]
    assert "rename-locals" in names and "for-to-while" in names and "compose" not in names


def test_attack_followups_name_their_victim(tmp_path):
    from metacompress.attacks.base import ATTACKS

    attack = ATTACKS.names()[0]
    text = GOOD.replace("  - rename-locals\n", f"  - attack: {attack}\n    against: both\n", 1)
    config = load_config(write(tmp_path, text))
    attacks = [f for f in config.followups if f.kind == "attack"]
    assert [(f.name, f.victim) for f in attacks] == [
        (f"{attack}@teacher", "teacher"),
        (f"{attack}@student", "student"),
    ]
    assert parse_config(config.to_dict()) == config


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("task: vulnerability", "task: vulnerabilty", r"exp.yaml:1: task: expected one of"),
        ("seed: 3", "seed: -1", r"exp.yaml:2: seed: expected an integer >= 0, got -1"),
        ("  limit: 20", "  limit: many", r"exp.yaml:6: data.limit: expected an integer"),
        ("  - rename-locals", "  - rename-everything", r"exp.yaml:10: followups\[0\]: unknown"),
        ("    id: unused", "    ids: unused", r"exp.yaml:12: followups\[1\].ids: unknown key"),
        ("  - combine: 2", "  - combine: 0", r"exp.yaml:13: followups\[2\].combine: expected an"),
        ("    params: {max_divergence: 0.05}", "    params: {max_divergence: 7}",
         r"exp.yaml:19: relations\[1\].params: max_divergence must be in"),
        ("  - relation: js", "  - relation: jss", r"exp.yaml:21: gates\[0\]: gate on unknown"),
        ("    max_violation: 0.1", "    max_violation: 1.5",
         r"exp.yaml:22: gates\[0\].max_violation: expected a number in \[0, 1\]"),
        ("seed: 3", "sed: 3", r"exp.yaml:2: sed: unknown key; expected one of"),
        ("seed: 3", "seed: 3\ntime_limit: .nan",  # NaN compares false with every bound
         r"exp.yaml:3: time_limit: expected a number in \[0.001, 86400\], got nan"),
        ("seed: 3", "seed: 3\ntime_limit: 1.0e+300",
         r"exp.yaml:3: time_limit: expected a number in \[0.001, 86400\], got 1e\+300"),
        ("seed: 3", "seed: 3\nstatistics: {confidence: .nan}",
         r"exp.yaml:3: statistics.confidence: expected a number in \[0.5, 0.999\], got nan"),
        ("    fail_under: 0.9", "    fail_under: .nan",
         r"exp.yaml:25: gates\[1\].fail_under: expected a number in \[0, 1\], got nan"),
        ("    id: unused", "    id: unused/x",
         r"exp.yaml:11: followups\[1\]: follow-up id 'unused/x' may not contain '/'"),
    ],
)  # fmt: skip
def test_errors_name_the_file_the_line_the_key_and_what_was_expected(tmp_path, old, new, message):
    assert old in GOOD
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, GOOD.replace(old, new, 1)))


def test_yaml_syntax_errors_missing_keys_and_duplicates_are_located(tmp_path):
    with pytest.raises(ConfigError, match=r"bad.yaml:4: not valid YAML: .* line 3\)"):
        load_config(write(tmp_path, "task: clone\ndata:\n  path: [unclosed\n", "bad.yaml"))
    with pytest.raises(ConfigError, match=r"short.yaml:1: student: missing required key"):
        load_config(write(tmp_path, "task: clone\ndata: {path: x}\nteacher: t\n", "short.yaml"))
    with pytest.raises(ConfigError, match=r"dup.yaml:2: task: duplicate key"):
        load_config(write(tmp_path, "task: clone\ntask: clone\n", "dup.yaml"))
    with pytest.raises(ConfigError, match="not found"):
        load_config(tmp_path / "absent.yaml")
    with pytest.raises(ConfigError, match="empty"):
        load_config(write(tmp_path, "# nothing\n", "empty.yaml"))


def test_followups_that_come_to_none_are_refused(tmp_path):
    for empty in ("[]", "[{transforms: []}]"):
        text = GOOD.split("followups:")[0] + f"followups: {empty}\nrelations: all\n"
        with pytest.raises(ConfigError, match=r"exp.yaml:9: followups: expected at least one"):
            load_config(write(tmp_path, text))


def test_each_model_spec_is_located_for_load_errors(tmp_path):
    def origins(text: str) -> dict[str, str]:
        where = load_config(write(tmp_path, text)).model_origins
        return {name: text.removeprefix(f"{tmp_path}/") for name, text in where.items()}

    assert origins(GOOD) == {"teacher": "exp.yaml:7: teacher", "student": "exp.yaml:8: student"}
    several = GOOD.replace('student: {format: callable, function: "pkg.mod:fn"}',
                           "students:\n  a: models/a\n  b: {model: models/b, seed: 1}")
    assert origins(several) == {"teacher": "exp.yaml:7: teacher", "a": "exp.yaml:9: students.a",
                                "b": "exp.yaml:10: students.b"}  # fmt: skip


def test_duplicate_followup_ids_are_refused(tmp_path):
    text = GOOD.replace("    id: unused\n", "    id: rename-locals\n", 1)
    with pytest.raises(
        ConfigError,
        match=r"exp.yaml:11: followups\[1\]: follow-up id 'rename-locals' is used twice",
    ):
        load_config(write(tmp_path, text))


def test_command_line_gates_are_checked_against_the_config(tmp_path):
    with pytest.raises(ConfigError, match="unknown relation 'nope'"):
        load_config(write(tmp_path, GOOD), extra_gates=[parse_gate("nope=0.1", "fail_under")])


def test_the_schema_in_the_module_docstring_is_a_valid_config(tmp_path):
    import textwrap

    from metacompress.pipeline import config as module

    doc = module.__doc__
    block = doc[doc.index("::\n\n    task:") + 3 : doc.index("\nFollow-up ids are unique")]
    config = load_config(write(tmp_path, textwrap.dedent(block)))
    assert [f.name for f in config.followups][-2:] == ["mhm@teacher", "mhm@student"]
    assert config.gates[1].relation == "label-invariance-student"


def test_overrides_pass_the_same_checks_and_errors_name_the_flag(tmp_path):
    path = write(tmp_path, GOOD)
    flags = {"workers": "--workers", "device": "--device", "limit": "--limit"}
    config = load_config(path, overrides={"workers": 3, "device": "cuda:1"}, flags=flags)
    assert (config.workers, config.device) == (3, "cuda:1")
    for overrides, limit, message in [
        ({"workers": 0}, None, r"^--workers: expected an integer >= 1, got 0$"),
        ({"device": "gpu"}, None, r"^--device: device must be cpu, cuda, cuda:N or auto"),
        ({}, 0, r"^--limit: expected an integer >= 1, got 0$"),
        ({"ray_address": "auto"}, None, r"^ray_address \(override\): a cluster address"),
    ]:
        with pytest.raises(ConfigError, match=message):
            load_config(path, overrides=overrides, limit=limit, flags=flags)


def test_device_follows_the_model_layers_rule_in_the_file_and_in_load_options(tmp_path):
    from metacompress.models.formats import LoadOptions

    assert load_config(write(tmp_path, "device: cuda:2\n" + GOOD)).device == "cuda:2"
    assert LoadOptions(device="cuda:2").device == "cuda:2"
    for bad in ("cuda:x", "tpu", "cpu:0"):
        with pytest.raises(
            ConfigError, match=rf"exp.yaml:1: device: device must be .* got '{bad}'"
        ):
            load_config(write(tmp_path, f"device: '{bad}'\n" + GOOD))
        with pytest.raises(ConfigError, match=rf"^device must be .* got '{bad}'"):
            LoadOptions(device=bad)


def test_replace_validates_its_changes_like_the_file(tmp_path):
    config = load_config(write(tmp_path, GOOD))
    assert config.replace(backend="ray", ray_address="auto").ray_address == "auto"
    with pytest.raises(ConfigError, match="needs the ray backend, got backend 'local'"):
        config.replace(ray_address="auto")
    with pytest.raises(ConfigError, match="chunk_size"):
        config.replace(chunk_size=0)


def test_a_model_spec_mapping_is_checked_where_it_is_written(tmp_path):
    text = GOOD.replace('function: "pkg.mod:fn"}', 'function: "pkg.mod:fn", colour: red}')
    with pytest.raises(ConfigError, match=r"exp.yaml:8: student: model format 'callable' has no"):
        load_config(write(tmp_path, text))


def test_sources_given_as_objects_may_be_left_out():
    raw = {"task": "clone", "followups": ["rename-locals"], "relations": ["prediction-agreement"]}
    config = parse_config(raw, given=("data", "teacher", "student"))
    assert (config.data, config.teacher, config.student) == ({}, None, None)
    with pytest.raises(ConfigError, match="teacher: missing required key"):
        parse_config(raw, given=("data", "student"))
