"""A study (one teacher, three students) against the models' pure-inference lower bound and
against three separate runs plus a merge.

    python benchmarks/study/bench_study.py --n 500 --out benchmarks/study/results.json

Models (`--models`): random-init RoBERTa classifiers saved as Hugging Face folders with the
Compressor BPE_6000 vulnerability tokenizer (format `transformers`, max_length `--max-length`),
built by `benchmarks/pipeline/bench_run.build_model`, three students of one architecture
(seeds 1 to 3, named compressor, avatar and morph):
- `tiny` (default): the teacher of the pipeline benchmark (4 layers, hidden 256, 4.8M
  parameters) and students of 2 layers, hidden 128 (1.2M parameters, 4.9 MB);
- `paper`: the paper's shapes, a CodeBERT-sized teacher (12 layers, hidden 768, 12 heads,
  intermediate 3,072, the embedding padded to RoBERTa's 50,265 rows: 124.5M parameters,
  498 MB) and 3 MB students (2 layers, hidden 96, 4 heads, intermediate 256: 0.79M
  parameters) like Compressor's. Data: `--n` examples of the built-in synthetic vulnerability benchmark (seed 0).
Follow-ups: rename-locals, rename-parameters, for-to-while, insert-unused-variable; every
relation; `--bootstrap` resamples (1,000 by default); the default reports, so the paper tables
are included.
With `--attack`, an MHM attack (budget 20) against the teacher and every student is added;
the lower bound then covers the inputs the run stored (the final adversarial inputs), not
the attacks' search queries, so only the comparison with separate runs is meaningful.

Every run, merge and bound is measured in a fresh process of its own (`--job`), one after
another, one torch thread, each run in a fresh folder: the CPU kernels are built once per
input shape (oneDNN primitives for each padded batch shape), so a process that has already
run the same inputs skips a cost that a first pass pays (the teacher at n = 500: 21.6 CPU-s on
a first pass, 16.0 on the next ones). Before, everything ran in one process: the bound and the
separate runs, measured after the study, had every kernel built for them.
1. the study, with `cache: run` (nothing shared with another run): `run_experiment` from the
   YAML config to the reports, models loaded from their specs; after it, in the same process,
   the "hot" lower bound below (`lower_bound_hot`: every kernel already built; shown for
   comparison, its CPU not counted as the study's; left out with `--no-hot-bound`);
2. its lower bound: each of the four models, in the study's order, loaded, warmed up on 8
   inputs, then called once on all the study's unique inputs (`bench_run.lower_bound`: ideal
   length-sorted batches, the run's batch size 32); only that call is timed;
3. three separate runs with `cache: run` (the teacher with one student each, the same config
   otherwise; no prediction shared, as before the shared cache existed) and `compare` of the
   three, like four commands;
4. the same three runs sharing one fresh prediction cache folder (`cache: FOLDER`, the default
   `cache: shared` pointed at an empty folder) and `compare` of the three.
Ratios: study / sum of the lower bounds (target <= 1.15; also against the hot bound), study /
(three runs + merge) (target < 1) for 3 and for 4. For each job: wall and CPU seconds of the
job itself (`seconds`, `cpu_seconds`: from the config to the reports, the process and its
waited-for children, torch already imported) and of its whole process (`process_seconds`,
`process_cpu_seconds`: start-up and imports included, what a command costs); per run, the
model inputs scored (cache misses, summed over the models: the work a model does), the
queries the models got, and the CPU seconds per stage (summary.json `cpu_timings`).
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
STUDENTS = ("compressor", "avatar", "morph")
#: The teacher's and the students' architecture (`bench_run.build_model`) of each `--models`.
SIZES = {
    "tiny": (
        {"layers": 4, "hidden": 256, "heads": 4, "intermediate": 1024},
        {"layers": 2, "hidden": 128, "heads": 2, "intermediate": 512},
    ),
    "paper": (
        {"layers": 12, "hidden": 768, "heads": 12, "intermediate": 3072, "vocab": 50265},
        {"layers": 2, "hidden": 96, "heads": 4, "intermediate": 256},
    ),
}


def architectures(size: str) -> dict[str, dict]:
    """The architecture of the teacher (seed 0) and of each student (seeds 1 to 3)."""
    teacher, student = SIZES[size]
    return {"teacher": {**teacher, "seed": 0},
            **{name: {**student, "seed": seed} for seed, name in enumerate(STUDENTS, start=1)}}


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


def work(summary: dict) -> dict[str, int]:
    """Model inputs scored (cache misses) and queries, summed over the run's models."""
    counters = summary["cache"].values()
    return {"scored": sum(c["misses"] for c in counters),
            "queries": sum(c["queries"] for c in counters)}  # fmt: skip


def in_fresh_process(job: dict) -> dict:
    """`job` done by this script in a new process (`--job`): its JSON answer, with the wall
    and CPU seconds of the whole process (start-up and imports included) beside the seconds
    the job measured itself."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    start, cpu = time.perf_counter(), cpu_seconds()
    done = subprocess.run([sys.executable, __file__, "--job", json.dumps(job)], env=env,
                          capture_output=True, text=True)  # fmt: skip
    if done.returncode:
        raise RuntimeError(f"job {job['kind']} failed:\n{done.stderr[-3000:]}")
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    return {**answer, "process_seconds": round(time.perf_counter() - start, 2),
            "process_cpu_seconds": round(cpu_seconds() - cpu, 2),
            "load_average_after": [round(x, 2) for x in os.getloadavg()]}  # fmt: skip


def run_job(raw: dict, folder: Path, hot_bound: dict[str, str] | None = None) -> dict:
    """One run from its config, timed; with `hot_bound` (model name -> folder), the lower
    bound of its inputs measured afterwards in this same process."""
    outcome, seconds, cpu = timed(run_config, raw, folder)
    answer = {"seconds": seconds, "cpu_seconds": cpu, **work(outcome.summary),
              "unique_inputs": outcome.summary["counts"]["unique_inputs"],
              "cache": outcome.summary["cache"], "stages": outcome.summary["timings"],
              "stages_cpu": outcome.summary["cpu_timings"]}  # fmt: skip
    if hot_bound:
        models = {k: Path(v) for k, v in hot_bound.items()}
        bound, _, bound_cpu = timed(lower_bound, Path(raw["output"]), models)
        answer.update(lower_bound_hot=bound, lower_bound_hot_cpu_seconds=bound_cpu)
    return answer


def do_job(job: dict) -> dict:
    """What `--job` does: a run, a `compare` of runs, or a lower bound."""
    if job["kind"] == "run":
        return run_job(job["config"], Path(job["folder"]), job.get("hot_bound"))
    if job["kind"] == "compare":
        from metacompress.report.compare import compare

        _, seconds, cpu = timed(compare, [Path(d) for d in job["dirs"]], Path(job["out"]))
        return {"seconds": seconds, "cpu_seconds": cpu}
    return lower_bound(Path(job["run_dir"]), {k: Path(v) for k, v in job["models"].items()})


def separate_runs(models: dict[str, Path], args, folder: Path, cache: str) -> dict:
    """The teacher with each student in its own run, then `compare` of the runs, each in a
    fresh process, one after another."""
    runs, total = [], {"seconds": 0.0, "cpu_seconds": 0.0, "process_cpu_seconds": 0.0,
                       "scored": 0, "queries": 0}  # fmt: skip
    for name in STUDENTS:
        raw = config({**models, "student": models[name]}, ["student"], args.n, args.attack,
                     args.bootstrap, folder / name, cache)  # fmt: skip
        run = in_fresh_process({"kind": "run", "config": raw, "folder": str(folder)})
        runs.append({"student": name, **run})
        for key in total:
            total[key] += run[key]
    merge = in_fresh_process({"kind": "compare", "dirs": [str(folder / n) for n in STUDENTS],
                              "out": str(folder / "merged")})  # fmt: skip
    for key in ("seconds", "cpu_seconds", "process_cpu_seconds"):
        total[key] = round(total[key] + merge[key], 2)
    return {**total, "runs": runs, "merge": merge}


#: The report's key of the separate runs with each `--separate` cache.
SEPARATE = {"run": "separate_runs", "shared": "separate_runs_shared_cache"}


def ratios(study: dict, other: dict, key: str, seconds: str) -> dict[str, float]:
    """The study's wall and CPU seconds (and its scored inputs and whole-process CPU seconds,
    where `other` has them) over `other`'s, named after `key`."""
    name = key.replace("separate_runs", "to_separate_runs").replace("lower_bound",
                                                                    "to_lower_bound")
    cpu = "cpu_" + ("total" if seconds == "total" else "seconds")
    out = {f"ratio_{name}": round(study["seconds"] / other[seconds], 3),
           f"cpu_ratio_{name}": round(study["cpu_seconds"] / other[cpu], 3)}  # fmt: skip
    for measure, prefix in (("scored", "scored"), ("process_cpu_seconds", "process_cpu")):
        if measure in other and key != "lower_bound":
            out[f"{prefix}_ratio_{name}"] = round(study[measure] / other[measure], 3)
    return out


def run_config(raw: dict, folder: Path):
    from metacompress.pipeline.config import parse_config
    from metacompress.pipeline.runner import run_experiment

    return run_experiment(parse_config(raw, base_dir=folder))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=500, help="synthetic examples")
    parser.add_argument("--models", choices=sorted(SIZES), default="tiny",
                        help="model sizes (module docstring)")
    parser.add_argument("--separate", nargs="*", choices=sorted(SEPARATE),
                        default=["run", "shared"],
                        help="the separate runs to measure: with `cache: run`, with one shared "
                        "cache (default both)")
    parser.add_argument("--no-hot-bound", action="store_true",
                        help="leave out the lower bound in the study's process")
    parser.add_argument("--max-length", type=int, default=256)
    parser.add_argument("--attack", action="store_true", help="add MHM against every model")
    parser.add_argument("--bootstrap", type=int, default=1000, help="bootstrap resamples")
    parser.add_argument("--tokenizers", type=Path, default=SHARED / "compressor-tokenizers")
    parser.add_argument("--out", type=Path, help="write the JSON report here too")
    parser.add_argument("--keep", type=Path, help="work in this (new) folder and keep it")
    parser.add_argument("--job", help="(internal) one measured job, as JSON")
    args = parser.parse_args()
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    import torch
    from transformers.utils import logging

    torch.set_num_threads(1)
    logging.disable_progress_bar()
    if args.job:
        print(json.dumps(do_job(json.loads(args.job))))
        return
    tokenizer = args.tokenizers / "vulnerability_prediction-BPE_6000.json"
    load = os.getloadavg()
    if args.keep:
        args.keep.mkdir(parents=True)
    with tempfile.TemporaryDirectory(dir=args.keep) as tmp:
        root = args.keep or Path(tmp)
        models, sizes = {}, {}
        for name, arch in architectures(args.models).items():
            models[name], sizes[name] = build_model(root / name, tokenizer, args.max_length, arch)
        study_raw = config(models, list(STUDENTS), args.n, args.attack, args.bootstrap,
                           root / "study")  # fmt: skip
        paths = {name: str(path) for name, path in models.items()}
        study = in_fresh_process({"kind": "run", "config": study_raw, "folder": str(root),
                                  "hot_bound": None if args.no_hot_bound else paths})  # fmt: skip
        hot = study.pop("lower_bound_hot", None)  # its CPU is not the study's
        study["process_cpu_seconds"] = round(
            study["process_cpu_seconds"] - study.pop("lower_bound_hot_cpu_seconds", 0.0), 2
        )
        report = {
            "command": " ".join(["python", *sys.argv]),
            "n": args.n,
            "models": args.models,
            "max_length": args.max_length,
            "architectures": architectures(args.models),
            "attack": args.attack,
            "bootstrap": args.bootstrap,
            "parameters": sizes,
            "unique_inputs": study["unique_inputs"],
            "study": study,
            "lower_bound_hot": hot,
            "cpu_ratio_to_lower_bound_hot": round(study["cpu_seconds"] / hot["cpu_total"], 3)
            if hot else None,
            "load_average_before": [round(x, 2) for x in load],
        }  # fmt: skip
        bound = in_fresh_process({"kind": "bound", "run_dir": str(root / "study"),
                                  "models": paths})  # fmt: skip
        report.update(lower_bound=bound, **ratios(study, bound, "lower_bound", "total"))
        write_report(report, args.out, quiet=True)  # a partial report, in case of a stop
        for cache in args.separate:
            key = SEPARATE[cache]
            folder = root / key
            runs = separate_runs(models, args, folder, "run" if cache == "run" else
                                 str(folder / "cache"))  # fmt: skip
            report.update({key: runs}, **ratios(study, runs, key, "seconds"))
            write_report(report, args.out, quiet=True)
        report["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    write_report(report, args.out)


if __name__ == "__main__":
    main()
