"""Deviation search against random sampling from the same space, on one teacher-student pair.

    python benchmarks/deviation/bench_deviation.py (--teacher T --student S | --planted) \
        --data FILE --task vulnerability|clone [--pairs PAIRS] [--limit N] [--budget B] \
        --out results.json

Both searches get the same sources, the same budget (unique queries, one query = one input
scored by both models) and the same seed; each runs with its own engine, so neither is answered
from the other's memo. Measured per search: the share of searched sources with a triggering
input, the median queries to the first one, the queries spent per triggering input (all
queries on searched sources / found), wall and CPU time of this process (torch on one thread).
The ratios are baseline / search. The random walk (`walk=True`) is run too, as an ablation. Every variant found is checked
again afterwards, outside the timed search (`validity.py`: replayed from the stored edits,
catalogue steps and renamings only, parses no worse, and for synthetic C functions the same
behaviour as the source when compiled and run with gcc in the function's harness); the found
variants go to `--variants` (default: OUT with `.variants.jsonl`).

`--planted` replaces the models by a planted pair of functions (vulnerability data only): the
teacher answers by the function's name (P = 0.8 for the names of positive examples, 0.2 for
any other name, such as one `rename-function` made); the student answers like it, moved by
`PLANTED_STEP` towards the other class per dead branch `if (0)` in the code, so it departs
from the teacher exactly when the code holds five dead branches (`insert-dead-branch`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

PLANTED_STEP = 0.07

RUNS = (
    ("deviation", {}),
    ("deviation-random", {}),
    ("deviation-random", {"walk": True}),
)


def measure(
    name: str, params: dict, examples, teacher, student, lang: str, args, workdir: Path
) -> tuple[dict, list]:
    from validity import validity

    from metacompress.attacks.deviation import SEARCHES, summarize

    search = SEARCHES.create(name, budget=args.budget, perturb=args.perturb, **params)
    engine = search.engine(teacher, student)
    wall, cpu = time.perf_counter(), time.process_time()
    results = search.run(examples, teacher, student, lang, seed=args.seed, engine=engine)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    summary = summarize(results)
    return {
        "search": name,
        "params": params,
        "summary": summary.to_dict(),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "engine": engine.stats.to_dict(),
        "steps_of_found": [list(r.steps) for r in results if r.found],
        "validity": validity(results, examples, lang, workdir),
    }, [r for r in results if r.found]


def planted_pair(examples):
    """The planted teacher and student of the module docstring, for `examples`."""
    import re

    import numpy as np

    from metacompress.models import CallableClassifier

    name = re.compile(r"(\w+)\s*\(")
    positive = {name.search(e.inputs[0]).group(1) for e in examples if e.label == 1}

    def teacher(batch):
        return np.array(
            [[0.2, 0.8] if name.search(b[0]).group(1) in positive else [0.8, 0.2] for b in batch]
        )

    def student(batch):
        rows = teacher(batch)
        for row, inputs in zip(rows, batch, strict=True):
            label = int(row[1] > 0.5)
            shift = min(PLANTED_STEP * inputs[0].count("if (0)"), row[label])
            row[label] -= shift
            row[1 - label] += shift
        return rows

    return CallableClassifier(teacher, "planted-teacher"), CallableClassifier(student, "planted")


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else round(a / b, 2)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--teacher")
    parser.add_argument("--student")
    parser.add_argument("--planted", action="store_true", help="the planted pair instead")
    parser.add_argument("--data", required=True)
    parser.add_argument("--task", required=True, choices=("vulnerability", "clone"))
    parser.add_argument("--pairs", help="BigCloneBench pair file")
    parser.add_argument("--limit", type=int, help="seeded stratified sample of N sources")
    parser.add_argument("--budget", type=int, default=500)
    parser.add_argument("--perturb", default="first", choices=("first", "both"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", required=True)
    parser.add_argument("--variants", help="found variants, JSONL (default: OUT.variants.jsonl)")
    args = parser.parse_args()

    import torch

    from metacompress.data.loaders import load_examples
    from metacompress.models import load_model

    torch.set_num_threads(1)
    lang = {"vulnerability": "c", "clone": "java"}[args.task]
    loaded = load_examples(args.data, args.task, limit=args.limit, seed=args.seed, pairs=args.pairs)
    if args.planted:
        teacher, student = planted_pair(loaded.examples)
    elif args.teacher and args.student:
        teacher, student = load_model(args.teacher), load_model(args.student)
    else:
        parser.error("give --teacher and --student, or --planted")
    load_before = os.getloadavg()
    runs, found = [], []
    with tempfile.TemporaryDirectory() as work:
        for index, (name, params) in enumerate(RUNS):
            run, variants = measure(
                name, params, loaded.examples, teacher, student, lang, args, Path(work) / str(index)
            )
            runs.append(run)
            found += [{"run": index, "params": params, **r.to_dict()} for r in variants]
    variants_path = Path(args.variants or Path(args.out).with_suffix(".variants.jsonl"))
    variants_path.write_text("".join(json.dumps(row) + "\n" for row in found), encoding="utf-8")
    guided, baseline = runs[0]["summary"], runs[1]["summary"]
    record = {
        "teacher": "planted" if args.planted else args.teacher,
        "student": "planted" if args.planted else args.student,
        "data": args.data,
        "pairs": args.pairs,
        "task": args.task,
        "sources": len(loaded.examples),
        "budget": args.budget,
        "seed": args.seed,
        "machine": {
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average_before": load_before,
        },
        "runs": runs,
        "ratios_baseline_over_search": {
            "queries_per_found": ratio(baseline["queries_per_found"], guided["queries_per_found"]),
            "median_queries": ratio(baseline["median_queries"], guided["median_queries"]),
            "cpu_s": ratio(runs[1]["cpu_s"], runs[0]["cpu_s"]),
        },
    }
    record["machine"]["load_average_after"] = os.getloadavg()
    Path(args.out).write_text(json.dumps(record, indent=1) + "\n", encoding="utf-8")
    for run in runs:
        s = run["summary"]
        print(
            f"{run['search']}{'(walk)' if run['params'] else ''}: found {s['found']}/"
            f"{s['searched']} (share {s['found_share']}), median queries {s['median_queries']}, "
            f"queries per found {s['queries_per_found']}, wall {run['wall_s']} s, "
            f"CPU {run['cpu_s']} s; validity {run['validity']}"
        )
    print("baseline / search:", record["ratios_baseline_over_search"])


if __name__ == "__main__":
    main()
