"""The questions the pipeline's stages ask the run store, and the answers as plain values.

Every query of a run in progress lives here, so the stages (`metacompress.pipeline.runner`)
hold no SQL. Reads that can be large are streamed or paged: `example_pages` reads
EXAMPLES_PER_PAGE examples at a time, `pending_inputs` holds one integer per input,
`prediction_columns` reads integer columns.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from metacompress.data.types import SOURCE, Example
from metacompress.rundir.layout import STUDENT, TEACHER
from metacompress.rundir.store import RunStore

#: Examples read from the store at a time by `example_pages`.
EXAMPLES_PER_PAGE = 500
#: Parameters per `IN (...)` list (SQLite's default limit is far above; this keeps them short).
IN_LIST = 500


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _example(row: tuple[Any, ...]) -> Example:
    example_id, inputs, label, meta = row
    return Example(example_id, tuple(json.loads(inputs)), label, json.loads(meta))


def examples(store: RunStore) -> list[Example]:
    """Every loaded example, in data order."""
    return [_example(row) for row in store.query(
        "SELECT example_id, inputs, label, meta FROM examples ORDER BY position"
    )]  # fmt: skip


def example_pages(store: RunStore) -> Iterator[list[Example]]:
    """The examples in data order, EXAMPLES_PER_PAGE at a time (only the ids all at once)."""
    ids = [i for (i,) in store.query("SELECT example_id FROM examples ORDER BY position")]
    for page in _chunks(ids, EXAMPLES_PER_PAGE):
        marks = ",".join("?" * len(page))
        rows = {row[0]: row for row in store.query(
            "SELECT example_id, inputs, label, meta FROM examples"
            f" WHERE example_id IN ({marks})", page,
        )}  # fmt: skip
        yield [_example(rows[i]) for i in page]


def made_units(store: RunStore) -> set[tuple[str, str]]:
    """(example id, follow-up) of every variant already in the store."""
    return set(store.query("SELECT example_id, followup FROM variants"))


def pending_inputs(store: RunStore, model: str) -> np.ndarray:
    """One ``variants`` rowid per unique input `model` has not scored yet, shortest first
    (ties by input key): 8 bytes per input, whatever the data's size."""
    return np.fromiter(
        (rowid for (rowid,) in store.stream(
            "SELECT MIN(rowid) FROM variants WHERE status = 'ok' AND input_key"
            " NOT IN (SELECT input_key FROM outputs WHERE model = ?)"
            " GROUP BY input_key ORDER BY MAX(LENGTH(inputs)), input_key",
            (model,),
        )),
        dtype=np.int64,
    )  # fmt: skip


def scored_source_inputs(store: RunStore, model: str, limit: int) -> list[str]:
    """The JSON inputs of the first `limit` source variants `model` scored, in data order."""
    return [text for (text,) in store.query(
        "SELECT v.inputs FROM variants v JOIN examples e ON e.example_id = v.example_id"
        " JOIN outputs o ON o.input_key = v.input_key AND o.model = ? AND o.status = 'ok'"
        " WHERE v.followup = ? AND v.status = 'ok' ORDER BY e.position LIMIT ?",
        (model, SOURCE, limit),
    )]  # fmt: skip


def inputs_of(store: RunStore, rowids: np.ndarray) -> list[tuple[str, tuple[str, ...]]]:
    """(input_key, inputs) of the ``variants`` rows `rowids`, in their order."""
    found: dict[int, tuple[str, str]] = {}
    for part in _chunks(rowids.tolist(), IN_LIST):
        marks = ",".join("?" * len(part))
        for rowid, key, inputs in store.query(
            f"SELECT rowid, input_key, inputs FROM variants WHERE rowid IN ({marks})", part
        ):
            found[rowid] = (key, inputs)
    return [(found[r][0], tuple(json.loads(found[r][1]))) for r in rowids.tolist()]


#: Columns of each model output in a `followup_pairs` row, for aliases ts (teacher on the
#: source), ss (student on the source), tf and sf (on the follow-up), in that order.
PAIR_OUTPUT_COLUMNS = ("p_negative", "p_positive", "status", "hidden")


def followup_pairs(
    store: RunStore, followup: str, student: str = STUDENT
) -> list[tuple[Any, ...]]:
    """The (source, follow-up) pairs of `followup` whose follow-up was made, in data order.

    Each row: variant_id, example_id, label, then PAIR_OUTPUT_COLUMNS of the teacher on the
    source, `student` on the source, the teacher on the follow-up and `student` on the
    follow-up (NULL where a model has no output).
    """
    cols = ", ".join(
        ", ".join(f"{alias}.{column}" for column in PAIR_OUTPUT_COLUMNS)
        for alias in ("ts", "ss", "tf", "sf")
    )
    return store.query(
        f"SELECT v.variant_id, v.example_id, e.label, {cols} FROM variants v"
        " JOIN examples e ON e.example_id = v.example_id"
        " JOIN variants s ON s.example_id = v.example_id AND s.followup = ?"
        " LEFT JOIN outputs ts ON ts.model = ? AND ts.input_key = s.input_key"
        " LEFT JOIN outputs ss ON ss.model = ? AND ss.input_key = s.input_key"
        " LEFT JOIN outputs tf ON tf.model = ? AND tf.input_key = v.input_key"
        " LEFT JOIN outputs sf ON sf.model = ? AND sf.input_key = v.input_key"
        " WHERE v.followup = ? AND v.status = 'ok' ORDER BY e.position",
        (SOURCE, TEACHER, student, TEACHER, student, followup),
    )


def set_level_values(
    store: RunStore, relation: str, followup: str, student: str = STUDENT
) -> dict[str, float | None]:
    """key -> value of the set-level numbers `relation` reported on `followup` for the pair
    of `student`."""
    return dict(store.query(
        "SELECT key, value FROM set_level WHERE relation = ? AND followup = ? AND student = ?",
        (relation, followup, student),
    ))  # fmt: skip


def set_level_rows(store: RunStore) -> list[tuple[str, str, str, float | None, str]]:
    """Every (relation, followup, key, value, student) of ``set_level``, sorted."""
    return store.query(
        "SELECT relation, followup, key, value, student FROM set_level"
        " ORDER BY relation, followup, student, key"
    )


def relation_verdicts(
    store: RunStore, relation: str, followups: Sequence[str], student: str = STUDENT
) -> list[tuple[Any, ...]]:
    """(variant_id, example_id, applicable, holds, reason) of `relation` between the teacher
    and `student` on the pairs of the follow-up sets `followups` (one set, or the members of a
    pool), by variant id."""
    if not followups:
        return []
    marks = ",".join("?" * len(followups))
    return store.query(
        "SELECT variant_id, example_id, applicable, holds, reason FROM verdicts"
        f" WHERE relation = ? AND student = ? AND followup IN ({marks}) ORDER BY variant_id",
        (relation, student, *followups),
    )


def output_ranges(store: RunStore) -> list[tuple[str, float | None, float | None, int]]:
    """(model, lowest P(positive), highest P(positive), inputs) over each model's ok outputs."""
    return store.query(
        "SELECT model, MIN(p_positive), MAX(p_positive), COUNT(*) FROM outputs"
        " WHERE status = 'ok' GROUP BY model ORDER BY model"
    )


def prediction_columns(
    store: RunStore, followup: str, student: str = STUDENT
) -> tuple[np.ndarray, ...]:
    """(labels with -1 for unknown, teacher predictions, `student`'s predictions, example
    positions) of the follow-up's variants that both models scored, read as integers."""
    rows = store.stream(
        "SELECT COALESCE(e.label, -1), t.predicted, s.predicted, e.position FROM variants v"
        " JOIN examples e ON e.example_id = v.example_id"
        " JOIN outputs t ON t.model = ? AND t.input_key = v.input_key"
        " JOIN outputs s ON s.model = ? AND s.input_key = v.input_key"
        " WHERE v.followup = ? AND v.status = 'ok' AND t.status = 'ok' AND s.status = 'ok'",
        (TEACHER, student, followup),
    )
    flat = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64)
    table = flat.reshape(-1, 4)
    return table[:, 0], table[:, 1], table[:, 2], table[:, 3]


def model_predictions(store: RunStore, followup: str, model: str) -> tuple[np.ndarray, ...]:
    """(labels with -1 for unknown, `model`'s predictions) of the follow-up's variants that
    `model` scored, read as integers."""
    rows = store.stream(
        "SELECT COALESCE(e.label, -1), o.predicted FROM variants v"
        " JOIN examples e ON e.example_id = v.example_id"
        " JOIN outputs o ON o.model = ? AND o.input_key = v.input_key"
        " WHERE v.followup = ? AND v.status = 'ok' AND o.status = 'ok'",
        (model, followup),
    )
    table = np.fromiter(itertools.chain.from_iterable(rows), dtype=np.int64).reshape(-1, 2)
    return table[:, 0], table[:, 1]


def attack_results(store: RunStore, followup: str) -> list[tuple[Any, ...]]:
    """(example_id, label, status, reason, queries, identifiers_changed, original_p_positive,
    final_p_positive) of every attack result of `followup`, in data order."""
    return store.query(
        "SELECT a.example_id, e.label, a.status, a.reason, a.queries, a.identifiers_changed,"
        " a.original_p_positive, a.final_p_positive FROM attack_results a"
        " JOIN examples e ON e.example_id = a.example_id WHERE a.followup = ?"
        " ORDER BY e.position",
        (followup,),
    )


def replace_results(
    store: RunStore, stage: str, tables: dict[str, Sequence[Sequence[Any]]]
) -> None:
    """Replace the rows of every table in `tables` and mark `stage` done, in one transaction."""
    with store.transaction() as db:
        for table in tables:
            db.execute(f"DELETE FROM {table}")
        for table, rows in tables.items():
            RunStore.insert(db, table, rows)
        store.mark_done(db, stage)


def first_error(store: RunStore, followup: str) -> str:
    """One recorded reason why a variant of `followup` failed ("" when none is recorded)."""
    rows = store.query(
        "SELECT reason FROM errors WHERE followup = ? AND stage IN ('variants', 'attack')"
        " ORDER BY example_id LIMIT 1",
        (followup,),
    )
    return rows[0][0] if rows else ""


def counts(store: RunStore) -> dict[str, Any]:
    """The ``counts`` of summary.json (see `metacompress.rundir.summary`)."""
    q = store.query
    variants: dict[str, dict[str, int]] = {}
    for followup, status, n in q(
        "SELECT followup, status, COUNT(*) FROM variants GROUP BY followup, status"
        " ORDER BY followup, status"
    ):
        variants.setdefault(followup, {})[status] = n
    outputs: dict[str, dict[str, int]] = {}
    for model, status, n, truncated in q(
        "SELECT model, status, COUNT(*), SUM(COALESCE(truncated, 0)) FROM outputs"
        " GROUP BY model, status ORDER BY model, status"
    ):
        entry = outputs.setdefault(model, {"truncated": 0})
        entry[status] = n
        entry["truncated"] += int(truncated or 0)
    errors = dict(q(
        "SELECT stage || ':' || kind, COUNT(*) FROM errors GROUP BY stage, kind"
        " ORDER BY stage, kind"
    ))  # fmt: skip
    return {
        "examples": store.count("examples"),
        "data": json.loads(store.get_meta("data") or "{}"),
        "unique_inputs": int(q("SELECT COUNT(DISTINCT input_key) FROM variants")[0][0]),
        "variants": variants,
        "outputs": outputs,
        "errors": errors,
        "attacks": {
            f: dict(
                q(
                    "SELECT status, COUNT(*) FROM attack_results WHERE followup = ?"
                    " GROUP BY status ORDER BY status",
                    (f,),
                )
            )
            for (f,) in q("SELECT DISTINCT followup FROM attack_results ORDER BY followup")
        },  # fmt: skip
    }
