import pytest

from metacompress.configfile import Origin, Reader
from metacompress.errors import ConfigError
from metacompress.pipeline.followups import FollowupSpec
from metacompress.pipeline.relation_specs import (
    GateSpec,
    RelationSpec,
    check_gate,
    parse_gate,
    parse_gates,
    parse_relations,
)

RELATIONS = (RelationSpec("agree", "prediction-agreement"), RelationSpec("ece", "ece-gap"))
FOLLOWUPS = (FollowupSpec("rename-locals", "transform", "rename-locals"),)


def reader() -> Reader:
    return Reader(Origin("exp.yaml", {("gates",): 20, ("gates", 0): 21}))


def test_command_line_gates_parse_both_spellings_and_refuse_bad_text():
    assert parse_gate("prediction-agreement=0.05", "max_violation") == GateSpec(
        "prediction-agreement", "max_violation", 0.05, "all"
    )
    assert parse_gate("js@unused=0.9", "fail_under") == GateSpec("js", "fail_under", 0.9, "unused")
    assert parse_gate("js:induced=0.1", "max_violation").measure == "induced"
    for bad in ("prediction-agreement", "x=2", "=0.1", "x=abc", "x:median=0.1", "x=nan"):
        with pytest.raises(ConfigError, match="--max-violation: expected RELATION"):
            parse_gate(bad, "max_violation")


def test_relations_get_unique_ids_and_checked_params():
    specs = parse_relations(reader(), ["prediction-agreement", {"name": "ece-gap", "id": "e"}])
    assert [(s.id, s.name) for s in specs] == [("prediction-agreement", "prediction-agreement"),
                                               ("e", "ece-gap")]  # fmt: skip
    with pytest.raises(ConfigError, match=r"relations\[1\].id: relation id .* is used twice"):
        parse_relations(reader(), ["prediction-agreement", "prediction-agreement"])
    with pytest.raises(ConfigError, match=r"relations: expected at least one relation"):
        parse_relations(reader(), [])


@pytest.mark.parametrize(
    ("gate", "message"),
    [
        (GateSpec("nope", "max_violation", 0.1), "unknown relation 'nope'"),
        (GateSpec("agree", "max_violation", 0.1, "elsewhere"), "unknown follow-up 'elsewhere'"),
        (GateSpec("ece", "max_violation", 0.1, measure="rate"), "does not apply to 'ece'"),
        (GateSpec("agree", "max_violation", 0.1, measure="value"), "does not apply to 'agree'"),
        (GateSpec("agree", "fail_under", 0.9, measure="difference"), "fail_under reads a rate"),
        (GateSpec("agree", "max_violation", -0.5), r"must be in \[0, 1\]"),
    ],
)  # fmt: skip
def test_a_gate_that_cannot_be_read_in_the_run_is_refused(gate, message):
    with pytest.raises(ConfigError, match=message):
        check_gate(gate, RELATIONS, FOLLOWUPS)


def test_gates_that_make_sense_pass_and_config_errors_are_located():
    fine = (GateSpec("agree", "max_violation", -0.5, "rename-locals", "difference"),
            GateSpec("ece", "max_violation", 0.1), GateSpec("agree", "fail_under", 0.9, "source"))
    for gate in fine:  # fmt: skip
        assert check_gate(gate, RELATIONS, FOLLOWUPS) is gate
    raw = [{"relation": "ece", "measure": "value", "max_violation": 0.2}]
    assert parse_gates(reader(), raw, RELATIONS, FOLLOWUPS) == (
        GateSpec("ece", "max_violation", 0.2, measure="value"),
    )
    with pytest.raises(ConfigError, match=r"exp.yaml:21: gates\[0\]: expected exactly one of"):
        parse_gates(reader(), [{"relation": "agree"}], RELATIONS, FOLLOWUPS)
