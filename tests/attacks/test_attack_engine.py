"""The query engine: unique-query budgets, pooling, memo, partial answers."""

from __future__ import annotations

import numpy as np
import pytest

from metacompress.attacks.engine import Budget, Engine, Outcome
from metacompress.hashing import input_key


class LengthVictim:
    """P(positive) grows with the input's length; records every call."""

    fingerprint = "length"

    def __init__(self) -> None:
        self.calls: list[list[tuple[str, ...]]] = []

    def predict_proba(self, batch):
        self.calls.append(list(batch))
        p = np.array([min(len("".join(b)) / 100.0, 1.0) for b in batch])
        return np.stack([1 - p, p], axis=1)


def asking(requests, log):
    """A search that sends `requests` in turn and logs how many answers it got."""
    for request in requests:
        probs = yield request
        log.append(len(probs))
        if len(probs) < len(request):
            return Outcome("failed", "budget")
    return Outcome("success")


def test_budget_counts_unique_inputs_and_admits_a_prefix():
    budget = Budget(3)
    keys = [input_key((t,)) for t in "abcd"]
    assert budget.admit([keys[0], keys[0], keys[1]]) == 3
    assert budget.queries == 2
    assert budget.admit([keys[1], keys[2], keys[3]]) == 2
    assert budget.queries == 3
    assert budget.admit([keys[0]]) == 1
    assert budget.admit([keys[3]]) == 0


def test_input_key_is_unambiguous():
    assert input_key(("ab", "c")) != input_key(("a", "bc"))
    assert input_key(("a",)) == input_key(("a",))


def test_engine_pools_searches_and_memoises():
    victim = LengthVictim()
    engine = Engine(victim, batch_size=100)
    shared = [("x",), ("yy",)]
    logs: list[list[int]] = [[], []]
    searches = [
        (Budget(10), asking([shared, [("zzz",)]], logs[0])),
        (Budget(10), asking([shared, shared + [("w",)]], logs[1])),
    ]
    outcomes = engine.run(searches)
    assert [o.status for o in outcomes] == ["success", "success"]
    assert logs == [[2, 1], [2, 3]]
    # round 1: both searches' requests in one call, the shared inputs scored once
    assert victim.calls[0] == [("x",), ("yy",)]
    assert sorted(victim.calls[1]) == [("w",), ("zzz",)]
    assert engine.stats.model_inputs == 4
    assert engine.stats.memo_hits == 4


def test_engine_without_memo_pays_again_but_budgets_count_the_same():
    victim = LengthVictim()
    engine = Engine(victim, batch_size=100, max_active=1, memo=False)
    budgets = [Budget(10), Budget(10)]
    shared = [("x",), ("yy",)]
    engine.run(
        [
            (budgets[0], asking([shared, [("zzz",)]], [])),
            (budgets[1], asking([shared, shared + [("w",)]], [])),
        ]
    )
    assert [len(call) for call in victim.calls] == [2, 1, 2, 3]
    assert [b.queries for b in budgets] == [3, 3]


def test_partial_answer_when_the_budget_runs_out():
    log: list[int] = []
    budget = Budget(3)
    outcome = Engine(LengthVictim()).run(
        [(budget, asking([[("a",), ("b",)], [("a",), ("c",), ("d",)]], log))]
    )[0]
    assert outcome.reason == "budget"
    assert log == [2, 2]
    assert budget.queries == 3


def test_a_search_that_asks_after_exhaustion_is_an_error():
    def greedy_asker():
        yield [("a",), ("b",)]
        yield [("c",)]
        return Outcome("failed")

    with pytest.raises(RuntimeError, match="after its query budget was exhausted"):
        Engine(LengthVictim()).run([(Budget(1), greedy_asker())])


def test_batches_never_exceed_batch_size():
    victim = LengthVictim()
    engine = Engine(victim, batch_size=3)
    request = [(str(i) * (i + 1),) for i in range(8)]
    engine.run([(Budget(100), asking([request], []))])
    assert [len(c) for c in victim.calls] == [3, 3, 2]


def test_engine_rejects_a_wrong_shaped_victim():
    class Bad:
        fingerprint = "bad"

        def predict_proba(self, batch):
            return np.zeros((len(batch), 3))

    with pytest.raises(ValueError, match="shape"):
        Engine(Bad()).score([("a",)])


class WindowVictim:
    """Sees only the first `window` characters (and says so): P(positive) is 0.8 whatever they
    hold, so an attack never succeeds and spends its whole budget, whatever its seed."""

    fingerprint = "window"

    def __init__(self, window: int) -> None:
        self.window = window
        self.inputs: list[tuple[str, ...]] = []

    def predict_detailed(self, batch, return_hidden=False):
        from metacompress.models.base import Prediction

        self.inputs.extend(batch)
        seen = [b[0][: self.window] for b in batch]
        p = np.array([0.8 if "{" in text else 0.3 for text in seen])
        return Prediction(
            probs=np.stack([1 - p, p], axis=1),
            truncated=np.array([len(b[0]) > self.window for b in batch]),
            visible_chars=np.array([[min(len(b[0]), self.window)] for b in batch]),
        )

    def predict_proba(self, batch):
        return self.predict_detailed(batch).probs


LONG = (
    "int f(int n) {\n    int buf = n;\n    int head = 1;\n"
    + "    head = head + 1;\n" * 12
    + "    int tail = 0;\n    int tail2 = 0;\n    tail = tail2 + buf;\n    return tail;\n}\n"
)


def test_window_memo_skips_inputs_the_victim_cannot_tell_apart():
    from metacompress.attacks import ATTACKS
    from metacompress.data.types import Example

    examples = [Example("long", (LONG,), 1)]
    window = LONG.index("head = head") + 5
    runs = {}
    for memo in (True, False):
        victim = WindowVictim(window)
        attack = ATTACKS.create("mhm", budget=400, memo=memo, max_active=1)
        engine = attack.engine(victim)
        (result,) = attack.run(examples, victim, "c", seed=4, engine=engine)
        runs[memo] = (result, engine.stats, len(victim.inputs))
    assert runs[True][0] == runs[False][0]
    assert runs[True][1].window_hits > 0
    assert runs[True][2] < runs[False][2]
    assert runs[True][0].queries == runs[False][0].queries


def test_a_finished_search_leaves_the_memo_and_keeps_its_count():
    victim = LengthVictim()
    engine = Engine(victim, batch_size=100, max_active=1)
    budgets = [Budget(10), Budget(10)]
    seen_during: list[int] = []

    def search(requests):
        for request in requests:
            yield request
            seen_during.append(len(engine._memo))
        return Outcome("failed", "done")

    first = [[("a",), ("bb",)], [("a",), ("ccc",)]]
    second = [[("dddd",)], [("a",)]]  # "a" again, after the first example ended
    engine.run([(budgets[0], search(first)), (budgets[1], search(second))])
    assert [b.queries for b in budgets] == [3, 2] and not budgets[0].seen
    assert seen_during == [2, 3, 1, 2]  # only the active search's inputs are held
    assert engine._memo == {} and engine._window == {}
    assert [len(call) for call in victim.calls] == [2, 1, 1, 1]  # "a" scored again


def test_searches_are_read_only_when_there_is_room_for_them():
    victim = LengthVictim()
    pulled: list[int] = []
    at_call: list[int] = []
    real = victim.predict_proba

    def predict(batch):
        at_call.append(len(pulled))
        return real(batch)

    victim.predict_proba = predict
    logs: list[list[int]] = [[] for _ in range(5)]

    def searches():
        for k in range(5):
            pulled.append(k)
            yield Budget(10), asking([[("a" * (k + 1),)]], logs[k])

    outcomes = Engine(victim, max_active=2).run(searches())
    assert [o.status for o in outcomes] == ["success"] * 5
    assert at_call[0] == 2  # the first round ran with two searches read, not five
    assert logs == [[1]] * 5
