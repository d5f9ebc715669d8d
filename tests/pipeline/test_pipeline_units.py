"""The pure parts of the pipeline: seeds, variant units, the watchdog, the executor."""

from __future__ import annotations

import dataclasses
import signal
import time

import pytest
from pipeline_doubles import example_code

from metacompress.code.edits import Edit, apply_edits
from metacompress.errors import ConfigError
from metacompress.hashing import derive_seed
from metacompress.pipeline.executors import make_executor
from metacompress.pipeline.executors.local import LocalExecutor
from metacompress.pipeline.followups import FollowupSpec
from metacompress.pipeline.variants import VariantUnit, make_variant
from metacompress.pipeline.watchdog import UnitTimeout, time_limit

JAVA = "void m(int a) { int x = a; for (int i = 0; i < 2; i++) { x += i; } }"


def unit(spec: FollowupSpec, inputs=None, lang="c", limit=5.0) -> VariantUnit:
    inputs = tuple(inputs or (example_code(1),))
    return VariantUnit("e1", inputs, spec, lang, derive_seed(0, "e1", spec.name), limit)


def test_derived_seeds_depend_only_on_the_seed_and_the_names():
    assert derive_seed(1, "e1", "rename-locals") == derive_seed(1, "e1", "rename-locals")
    seeds = {derive_seed(s, e, f) for s in (1, 2) for e in ("e1", "e2") for f in ("a", "b")}
    assert len(seeds) == 8 and all(0 <= s < 2**63 for s in seeds)


def test_a_transformation_variant_records_its_edits_and_is_reproducible():
    spec = FollowupSpec("rename-locals", "transform", "rename-locals")
    first, again = make_variant(unit(spec)), make_variant(unit(spec))
    assert first == again and first.status == "ok"
    (steps,) = first.edits
    code = example_code(1)
    for step in steps:
        code = apply_edits(code, [Edit.from_dict(e) for e in step])
    assert (code,) == first.inputs and first.steps == (("rename-locals",),)


def test_combine_applies_k_steps_in_sequence():
    pool = ("rename-locals", "for-to-while", "swap-if-else")
    spec = FollowupSpec("combine-2", "transform", "compose", {"k": 2, "transforms": pool})
    outcome = make_variant(unit(spec))
    assert outcome.status == "ok" and len(outcome.steps[0]) == 2
    code = example_code(1)
    for step in outcome.edits[0]:
        code = apply_edits(code, [Edit.from_dict(e) for e in step])
    assert code == outcome.inputs[0]
    three = dataclasses.replace(spec, params={"k": 3, "transforms": pool})
    missing = make_variant(unit(three))
    assert missing.status == "not-applicable" and "only 2 of k=3" in missing.reason


def test_sides_choose_which_inputs_of_a_pair_change():
    both = FollowupSpec("rename-locals", "transform", "rename-locals")
    pair = (JAVA, JAVA.replace("m(", "n("))
    changed = make_variant(unit(both, pair, "java"))
    assert all(new != old for new, old in zip(changed.inputs, pair, strict=True))
    first = make_variant(unit(dataclasses.replace(both, sides="second"), pair, "java"))
    assert first.inputs[0] == pair[0] and first.inputs[1] != pair[1]
    assert first.steps[0] == () and first.edits[0] == ()


@pytest.mark.usefixtures("raising_transform", "spinning_transform")
def test_a_raising_or_endless_transformation_becomes_a_recorded_outcome():
    raises = FollowupSpec("test-raises", "transform", "test-raises")
    broken = make_variant(unit(raises, ["int f(int BOOM) { return BOOM; }"]))
    assert (
        broken.status == "error" and "RuntimeError: this transformation is broken" in broken.reason
    )
    start = time.perf_counter()
    endless = make_variant(unit(FollowupSpec("test-spins", "transform", "test-spins"), limit=0.3))
    assert endless.status == "timeout" and "0.3 s" in endless.reason
    assert time.perf_counter() - start < 3


def test_the_watchdog_interrupts_disarms_and_rearms_an_enclosing_alarm():
    with pytest.raises(UnitTimeout), time_limit(0.1):
        while True:
            pass
    with time_limit(0.2):
        pass
    time.sleep(0.3)
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.3)
        with time_limit(5):
            pass
        assert 0 < signal.getitimer(signal.ITIMER_REAL)[0] <= 0.3
        time.sleep(0.5)
        assert fired == [True]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _square(x: int) -> int:
    return x * x


def test_the_local_executor_keeps_order_with_several_processes():
    units = list(range(50))
    with LocalExecutor(2) as pool:
        assert list(pool.map(_square, units)) == [x * x for x in units]
    assert list(make_executor("local", 1).map(_square, units)) == [x * x for x in units]
    with pytest.raises(
        ConfigError, match="unknown executor backend .carrier-pigeon.; expected one of"
    ):
        make_executor("carrier-pigeon")
    with pytest.raises(ConfigError, match="workers"):
        LocalExecutor(0)
