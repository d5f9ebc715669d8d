"""A study (one teacher, three students) against the models' pure-inference lower bound and
against three separate runs plus a merge.

    python benchmarks/study/bench_study.py --n 500 --out benchmarks/study/results.json

Models: random-init RoBERTa classifiers saved as Hugging Face folders with the Compressor
BPE_6000 vulnerability tokenizer (format `transformers`, max_length `--max-length`), built by
`benchmarks/pipeline/bench_run.build_model`: the teacher of the pipeline benchmark (4 layers,
hidden 256) and three students (2 layers, hidden 128, seeds 1 to 3, named compressor, avatar
and morph). Data: `--n` examples of the built-in synthetic vulnerability benchmark (seed 0).
Follow-ups: rename-locals, rename-parameters, for-to-while, insert-unused-variable; every
relation; `--bootstrap` resamples (1,000 by default); the default reports, so the paper tables
are included.
With `--attack`, an MHM attack (budget 20) against the teacher and every student is added;
the lower bound then covers the inputs the run stored (the final adversarial inputs), not
the attacks' search queries, so only the comparison with separate runs is meaningful.

Measured in one process, one torch thread, each run in a fresh folder:
1. the study, with `cache: run` (nothing shared with another run): `run_experiment` from the
   YAML config to the reports, models loaded from their specs;
2. its lower bound: in a fresh process (one torch thread, like the study's), each of the four
   models, in the study's order, loaded, warmed up on 8 inputs, then called once on all the
   study's unique inputs (`bench_run.lower_bound`: ideal length-sorted batches); only that
   call is timed. A fresh process because the CPU kernels are built once per input shape
   (oneDNN primitives for each padded batch shape): a process that has already run the study
   holds them all, and its pass over the inputs leaves out a cost that any single pass pays
   (the teacher at n = 500: 21.6 CPU-s on a first pass, 16.0 on the next ones). That in-process
   bound is reported too (`lower_bound_hot`), measured right after the fresh one;
3. three separate runs with `cache: run` (the teacher with one student each, the same config
   otherwise; no prediction shared, as before the shared cache existed) and `compare` of the
   three;
4. the same three runs sharing one fresh prediction cache folder (`cache: FOLDER`, the default
   `cache: shared` pointed at an empty folder) and `compare` of the three.
Ratios: study / sum of the lower bounds (target <= 1.15; also against the in-process bound),
study / (three runs + merge) (target < 1) for 3 and for 4. Wall and CPU time (this process and
its waited-for children) of each; per run, the model inputs scored (cache misses, summed over
the models: the work a model does) and the queries the models got; the study's CPU seconds
per stage (summary.json `cpu_timings`).

    python benchmarks/study/bench_study.py --lower-bound RUN_DIR --models-root FOLDER

prints the lower bound of a kept run directory (models in FOLDER/teacher, ...) as JSON.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks" / "pipeline"))
from bench_run import SHARED, build_model, cpu_seconds, lower_bound  # noqa: E402
from synthetic_run import write_report  # noqa: E402

FOLLOWUPS = ["rename-locals", "rename-parameters", "for-to-while", "insert-unused-variable"]
TEACHER = {"layers": 4, "hidden": 256, "heads": 4, "intermediate": 1024, "seed": 0}
STUDENTS = {
    name: {"layers": 2, "hidden": 128, "heads": 2, "intermediate": 512, "seed": seed}
    for seed, name in enumerate(("compressor", "avatar", "morph"), start=1)
}


def config(models: dict[str, Path], students: list[str], n: int, attack: bool, boot: int,
           out: Path, cache: str = "run") -> dict:  # fmt: skip
    followups: list = list(FOLLOWUPS)
    if attack:
        followups.append({"attack": "mhm", "against": "both", "params": {"budget": 20}})
    raw = {
        "task": "vulnerability", "seed": 0, "data": {"format": "synth", "n": n},
        "teacher": str(models["teacher"]), "batch_size": 32, "followups": followups,
        "relations": "all", "cache": cache, "output": str(out),
        "statistics": {"bootstrap": boot},
    }  # fmt: skip
    if students == ["student"]:
        raw["student"] = str(models[students[0]])
    else:
        raw["students"] = {name: str(models[name]) for name in students}
    return raw


def timed(run, *args, **kwargs) -> tuple[object, float, float]:
    start, cpu = time.perf_counter(), cpu_seconds()
    result = run(*args, **kwargs)
    return result, round(time.perf_counter() - start, 2), round(cpu_seconds() - cpu, 2)


def work(outcome) -> dict[str, int]:
    """Model inputs scored (cache misses) and queries, summed over the run's models."""
    counters = outcome.summary["cache"].values()
    return {"scored": sum(c["misses"] for c in counters),
            "queries": sum(c["queries"] for c in counters)}  # fmt: skip


def separate_runs(models: dict[str, Path], args, folder: Path, cache: str) -> dict:
    """The teacher with each student in its own run, then `compare` of the runs."""
    from metacompress.report.compare import compare

    runs, total = [], {"seconds": 0.0, "cpu_seconds": 0.0, "scored": 0, "queries": 0}
    for name in STUDENTS:
        raw = config({**models, "student": models[name]}, ["student"], args.n, args.attack,
                     args.bootstrap, folder / name, cache)  # fmt: skip
        outcome, seconds, cpu = timed(run_config, raw, folder)
        runs.append({"student": name, "seconds": seconds, "cpu_seconds": cpu, **work(outcome),
                     "cache": outcome.summary["cache"], "stages": outcome.summary["timings"]})
        for key, value in {"seconds": seconds, "cpu_seconds": cpu, **work(outcome)}.items():
            total[key] += value
    _, merge_s, merge_cpu = timed(compare, [folder / name for name in STUDENTS], folder / "merged")
    total["seconds"] = round(total["seconds"] + merge_s, 2)
    total["cpu_seconds"] = round(total["cpu_seconds"] + merge_cpu, 2)
    return {**total, "runs": runs, "merge": {"seconds": merge_s, "cpu_seconds": merge_cpu}}


def run_config(raw: dict, folder: Path):
    from metacompress.pipeline.config import parse_config
    from metacompress.pipeline.runner import run_experiment

    return run_experiment(parse_config(raw, base_dir=folder))


def fresh_lower_bound(run_dir: Path, models: dict[str, Path]) -> dict:
    """`bench_run.lower_bound` of `run_dir` measured in a new process (see the docstring)."""
    root = {path.parent for path in models.values()}
    if len(root) != 1 or any(path.name != name for name, path in models.items()):
        raise ValueError(f"expected the models in one folder under their names, got {models}")
    command = [sys.executable, __file__, "--lower-bound", str(run_dir), "--models-root",
               str(root.pop())]  # fmt: skip
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="synthetic examples")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--attack", action="store_true", help="add MHM against every model")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--tokenizers", type=Path, default=SHARED / "compressor-tokenizers")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--lower-bound", type=Path, help="only the lower bound of this run dir")
    parser.add_argument("--models-root", type=Path, help="with --lower-bound: the models' folder")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch
    from transformers.utils import logging

    torch.set_num_threads(1)
    logging.disable_progress_bar()
    if args.lower_bound:
        names = ["teacher", *STUDENTS]
        print(json.dumps(lower_bound(args.lower_bound, {n: args.models_root / n for n in names})))
        return
    tokenizer = args.tokenizers / "vulnerability_prediction-BPE_6000.json"
    load = os.getloadavg()
    if args.keep:
        args.keep.mkdir(parents=True)
    with tempfile.TemporaryDirectory(dir=args.keep) as tmp:
        root = args.keep or Path(tmp)
        models, sizes = {}, {}
        for name, arch in {"teacher": TEACHER, **STUDENTS}.items():
            models[name], sizes[name] = build_model(root / name, tokenizer, args.max_length, arch)
        study_raw = config(models, list(STUDENTS), args.n, args.attack, args.bootstrap,
                           root / "study")  # fmt: skip
        study, study_s, study_cpu = timed(run_config, study_raw, root)
        bound = fresh_lower_bound(root / "study", models)
        hot = lower_bound(root / "study", models)
        separate = separate_runs(models, args, root / "separate", "run")
        shared = separate_runs(models, args, root / "shared", str(root / "shared" / "cache"))
        report = {
            "command": " ".join(["python", *sys.argv]),
            "n": args.n,
            "attack": args.attack,
            "bootstrap": args.bootstrap,
            "parameters": sizes,
            "unique_inputs": study.summary["counts"]["unique_inputs"],
            "study": {"seconds": study_s, "cpu_seconds": study_cpu, **work(study),
                      "stages": study.summary["timings"],
                      "stages_cpu": study.summary["cpu_timings"]},  # fmt: skip
            "lower_bound": bound,
            "lower_bound_hot": hot,
            "separate_runs": separate,
            "separate_runs_shared_cache": shared,
            "ratio_to_lower_bound": round(study_s / bound["total"], 3),
            "cpu_ratio_to_lower_bound": round(study_cpu / bound["cpu_total"], 3),
            "cpu_ratio_to_lower_bound_hot": round(study_cpu / hot["cpu_total"], 3),
            "ratio_to_separate_runs": round(study_s / separate["seconds"], 3),
            "cpu_ratio_to_separate_runs": round(study_cpu / separate["cpu_seconds"], 3),
            "scored_ratio_to_separate_runs": round(work(study)["scored"] / separate["scored"], 3),
            "ratio_to_separate_runs_shared_cache": round(study_s / shared["seconds"], 3),
            "cpu_ratio_to_separate_runs_shared_cache": round(
                study_cpu / shared["cpu_seconds"], 3
            ),
            "scored_ratio_to_separate_runs_shared_cache": round(
                work(study)["scored"] / shared["scored"], 3
            ),
            "load_average_before": [round(x, 2) for x in load],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        }
    write_report(report, args.out)


if __name__ == "__main__":
    main()
