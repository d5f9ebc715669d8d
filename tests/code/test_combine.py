import pytest

from metacompress.code.combine import Compose, candidates, line_edits
from metacompress.code.edits import apply_edits
from metacompress.code.parsing import parse
from metacompress.code.rename import alpha_renaming_problems
from metacompress.code.transform import TRANSFORMS, Applied, NotApplicable
from metacompress.errors import ConfigError

C_CODE = """\
int copy_name(char *dst, const char *src, int size)
{
    int count = 0;
    for (int i = 0; i < size; i++) {
        if (src[i] == '\\0')
            break;
        dst[i] = src[i];
        count += 1;
    }
    dst[count] = '\\0';
    return count;
}
"""

JAVA_CODE = """\
public int total(int[] values, int limit) {
    int sum = 0;
    for (int i = 0; i < values.length; i++) {
        if (values[i] > limit) {
            sum += values[i];
        } else {
            sum -= 1;
        }
    }
    return sum;
}
"""


def test_candidates_come_from_the_registry_without_combinators():
    names = candidates("c")
    assert {"rename-locals", "rename-parameters", "rename-all"} <= set(names)
    assert "compose" not in names and "compose" in TRANSFORMS
    assert names == sorted(names)
    for name in names:
        assert "c" in TRANSFORMS.entry(name).meta["languages"]


@pytest.mark.parametrize(("code", "lang"), [(C_CODE, "c"), (JAVA_CODE, "java")])
def test_compose_records_each_step_and_replays(code, lang):
    for seed in range(4):
        result = TRANSFORMS.create("compose", k=3).apply(code, lang, seed=seed)
        assert isinstance(result, Applied), result
        assert len(result.steps) == len(set(result.steps)) == 3
        assert len(result.step_edits) == 3
        replayed = code
        for edits in result.step_edits:
            assert edits
            replayed = apply_edits(replayed, edits)
        assert replayed == result.code
        assert apply_edits(code, result.edits) == result.code
        assert parse(result.code, lang).error_count <= parse(code, lang).error_count


def test_compose_is_deterministic_and_varies_with_the_seed():
    compose = TRANSFORMS.create("compose", k=2)
    first = compose.apply(C_CODE, "c", seed=11)
    assert first == compose.apply(C_CODE, "c", seed=11)
    step_sets = {compose.apply(C_CODE, "c", seed=s).steps for s in range(12)}
    assert len(step_sets) > 3


def test_compose_of_renamings_is_an_alpha_renaming():
    compose = Compose(k=2, transforms=("rename-locals", "rename-parameters"))
    result = compose.apply(C_CODE, "c", seed=0)
    assert isinstance(result, Applied)
    assert set(result.steps) == {"rename-locals", "rename-parameters"}
    assert alpha_renaming_problems(C_CODE, result.code, "c") == []


def test_compose_not_applicable_when_fewer_than_k_apply():
    compose = Compose(k=2, transforms=("rename-locals", "rename-parameters"))
    result = compose.apply("int f(int a) { return a; }", "c", seed=0)
    assert isinstance(result, NotApplicable)
    assert result.reason.startswith("only 1 of k=2 transformations apply")
    assert "rename-locals: no renamable local variables" in result.reason
    assert "does not support" in compose.apply("x = 1", "python").reason


@pytest.mark.parametrize(
    "params",
    [
        {"k": 0},
        {"k": "2"},
        {"k": True},
        {"transforms": "rename-all"},
        {"transforms": ["compose", "rename-all"]},
        {"transforms": ["no-such-transform", "rename-all"]},
        {"k": 3, "transforms": ["rename-all", "rename-all", "rename-locals"]},
    ],
)
def test_bad_parameters_are_config_errors(params):
    with pytest.raises(ConfigError):
        TRANSFORMS.create("compose", **params)


def test_line_edits_turn_old_into_new():
    old = "a\nb\nc\nd\n"
    new = "a\nB\nc\nd\ne\n"
    edits = line_edits(old, new)
    assert apply_edits(old, edits) == new
    assert len(edits) == 2 and line_edits(old, old) == ()
