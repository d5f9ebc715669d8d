"""`metacompress reproduce`: the paper's experiment end to end, resumable stage by stage.

For each task (vulnerability, clone) and each teacher architecture (`roberta`, the
CodeBERT-like teacher, and `graphcodebert`), in this order of stages:

1. teacher: masked-LM pre-training on the task's code, then fine-tuning on the labelled half
   of the training data (`distill.presets.train_stage_teacher`); `models/TASK/TEACHER/`;
2. students: Compressor, AVATAR and MORPH distilled from that teacher on the unlabelled half
   (`distill.presets.distil_stage_student`); `models/TASK/TEACHER-students/METHOD/`;
3. study: one run with the teacher and its three students on the test inputs: every
   applicable transformation, their 2-step combinations, and the four attacks (MHM, ALERT,
   WIR-Random, structural) against every model (`pipeline.runner.run_experiment`);
   `configs/TASK-TEACHER.yaml`, `runs/TASK-TEACHER/`;
4. tables: the paper's tables over every study (`report.compare`): a row group per task and
   teacher; `tables/`.

The teachers, students and data of each budget are `distill.presets`'s: the synthetic
benchmark at the demo budget, Devign and BigCloneBench otherwise; the studies' settings are
`reproduce_budgets`'s, their test inputs (a seeded sample of the test split) are written to
`data/TASK/test.jsonl`. Stages are recorded in `reproduce.json` (`reproduce_stages.StageBook`):
a killed reproduce continues with the first unfinished stage, a teacher's training from its
checkpoints, a study from its run store; a finished stage is reused only when its inputs
(settings, seed, upstream stages) are unchanged. The teachers are independent of each other,
and so are the students once their teachers are done: with `jobs` > 1 they run that many at a
time, each in its own process (`reproduce_jobs`), with the same results.
"""

from __future__ import annotations

import functools
import os
import random
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from metacompress.errors import ConfigError
from metacompress.workflows.reproduce_budgets import (
    ATTACKS,
    BUDGETS,
    STUDENT_METHODS,
    TEACHER_ARCHS,
    TEACHER_NAMES,
    StudySettings,
    study_settings,
)
from metacompress.workflows.reproduce_jobs import (
    DataSource,
    distil_student_job,
    train_teacher_job,
)
from metacompress.workflows.reproduce_stages import Stage, StageBook
from metacompress.workflows.reproduce_summary import write_summary

TASK_CHOICES = {"vulnerability": ("vulnerability",), "clone": ("clone",),
                "both": ("vulnerability", "clone")}  # fmt: skip
#: Folder names of the public data sets under the shared data folder.
DATA_FOLDERS = {"vulnerability": "devign", "clone": "bigclonebench"}


@dataclass(frozen=True)
class ReproduceResult:
    """Where a reproduce put its studies and tables (paths inside `out_dir`)."""

    out_dir: Path
    tables_dir: Path
    summary: Path
    run_dirs: dict[str, Path]
    stages: dict[str, dict[str, Any]]


def default_data_dir() -> Path | None:
    """$METACOMPRESS_SHARED_DATA, else a `shared/data` folder beside the working directory's
    project (as the benchmarks find it), else None."""
    env = os.environ.get("METACOMPRESS_SHARED_DATA")
    if env:
        return Path(env)
    for base in (Path.cwd(), *Path.cwd().parents):
        candidate = base.parent / "shared" / "data"
        if (base / "pyproject.toml").is_file() and candidate.is_dir():
            return candidate
    return None


def check_data(tasks: Sequence[str], budget: str, data_dir: Path | None) -> None:
    """Refuse, before any stage, a budget that reads the public data sets without them."""
    if budget == "demo":
        return
    for task in tasks:
        if data_dir is None:
            raise ConfigError(
                f"budget {budget} reads {DATA_FOLDERS[task]}/ ({task}) from the shared data "
                "folder: give --data FOLDER or set METACOMPRESS_SHARED_DATA"
            )
        if not (data_dir / DATA_FOLDERS[task]).is_dir():
            raise ConfigError(
                f"--data {data_dir}: expected a folder {DATA_FOLDERS[task]}/ with the {task} "
                "data as CodeXGLUE lays it out"
            )


def _data_identity(task: str, budget: str, data_dir: Path | None) -> dict[str, Any]:
    """What the task's data depends on besides the budget and seed: the synthetic sizes, or
    the shared files' names and sizes."""
    from metacompress.distill.presets import SYNTHETIC_SIZES

    if budget == "demo" or data_dir is None:
        return {"synthetic": list(SYNTHETIC_SIZES[task])}
    folder = data_dir / DATA_FOLDERS[task]
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return {"source": str(folder), "files": {p.name: p.stat().st_size for p in files}}


def _test_sample(test: list, n: int, seed: int) -> list:
    """A seeded sample of `n` test examples in their order (all of them when n is 0)."""
    if not n or n >= len(test):
        return test
    return [test[i] for i in sorted(random.Random(seed).sample(range(len(test)), n))]


class Reproduction:
    """One reproduce directory: its budget, data and stages (see the module docstring)."""

    def __init__(
        self,
        out_dir: Path,
        budget: str,
        study: StudySettings,
        seed: int,
        data_dir: Path | None,
        book: StageBook,
    ) -> None:
        self.out = out_dir
        self.budget = budget
        self.study_settings = study
        self.seed = seed
        self.data_dir = data_dir
        self.book = book
        self.keys: dict[str, str] = {}

    def source(self, task: str) -> DataSource:
        from metacompress.distill.presets import SYNTHETIC_SIZES

        sizes = tuple(SYNTHETIC_SIZES[task]) if self.budget == "demo" else None
        folder = str(self.data_dir) if self.data_dir is not None else None
        return DataSource(self.budget, task, folder, self.seed, sizes)

    @functools.cache  # noqa: B019 - one Reproduction per call of run_reproduce
    def data(self, task: str) -> Any:
        return self.source(task).load()

    def base_inputs(self, task: str) -> dict[str, Any]:
        return {"task": task, "seed": self.seed, "budget": self.budget,
                "data": _data_identity(task, self.budget, self.data_dir)}  # fmt: skip

    def teacher_dir(self, task: str, arch: str) -> Path:
        return self.out / "models" / task / TEACHER_NAMES[arch]

    def student_dir(self, task: str, arch: str, method: str) -> Path:
        return self.out / "models" / task / f"{TEACHER_NAMES[arch]}-students" / method

    def run_dir(self, task: str, arch: str) -> Path:
        return self.out / "runs" / f"{task}-{TEACHER_NAMES[arch]}"

    def test_file(self, task: str) -> Path:
        return self.out / "data" / task / "test.jsonl"

    # -- stage 1 ---------------------------------------------------------------------------
    def teacher(self, task: str, arch: str) -> Stage:
        from metacompress.distill.presets import teacher_init, teacher_preset

        preset = teacher_preset(self.budget, task, arch)
        inputs = {**self.base_inputs(task), "arch": arch, "preset": _plain(preset),
                  "init": teacher_init(self.budget, arch)}  # fmt: skip
        folder = self.teacher_dir(task, arch)
        job = functools.partial(train_teacher_job, self.source(task), arch, preset, self.out,
                                folder)  # fmt: skip
        what = f"{arch}, {preset.num_layers} layers of {preset.hidden_size}"
        return Stage(f"teacher:{task}:{TEACHER_NAMES[arch]}", inputs, folder, job, what)

    # -- stage 2 ---------------------------------------------------------------------------
    def student(self, task: str, arch: str, plan: Any) -> Stage:
        teacher_key = self.keys[f"teacher:{task}:{TEACHER_NAMES[arch]}"]
        inputs = {**self.base_inputs(task), "teacher": teacher_key, "plan": _plain(plan)}
        folder = self.student_dir(task, arch, plan.method)
        job = functools.partial(distil_student_job, self.source(task), plan,
                                self.teacher_dir(task, arch), self.out, folder)  # fmt: skip
        size = plan.params.get("size_mb")
        what = (
            f"{STUDENT_METHODS[plan.method]}, {size:g} MB" if size else STUDENT_METHODS[plan.method]
        )
        name = f"student:{task}:{TEACHER_NAMES[arch]}:{plan.method}"
        return Stage(name, inputs, folder, job, what)

    def run_stages(self, stages: Sequence[Stage], jobs: int) -> None:
        """Run (or reuse) independent stages, up to `jobs` at a time; keeps their keys."""
        for name, (key, _) in self.book.run_all(stages, jobs).items():
            self.keys[name] = key

    # -- stage 3 ---------------------------------------------------------------------------
    def study(self, task: str, arch: str) -> None:
        settings = self.study_settings
        teacher = TEACHER_NAMES[arch]
        upstream = {m: self.keys[f"student:{task}:{teacher}:{m}"] for m in STUDENT_METHODS}
        inputs = {**self.base_inputs(task), "teacher": self.keys[f"teacher:{task}:{teacher}"],
                  "students": upstream, "study": _plain(settings.settings())}  # fmt: skip
        folder = self.run_dir(task, arch)

        def work() -> dict[str, Any]:
            from metacompress.pipeline.config import load_config
            from metacompress.pipeline.runner import run_experiment

            config = self.study_config(task, arch)
            resume = (folder / "run.sqlite").is_file()
            outcome = run_experiment(load_config(config), resume=resume)
            return {"run_dir": str(folder.relative_to(self.out)),
                    "config": str(config.relative_to(self.out)), "passed": outcome.passed}  # fmt: skip

        name = f"study:{task}:{teacher}"
        what = f"{settings.n_test or 'all'} test inputs, teacher and 3 students"
        self.keys[name], _ = self.book.run(name, inputs, folder, work, what)

    def study_config(self, task: str, arch: str) -> Path:
        """Write the study's experiment config (paths relative to its folder); its path."""
        from metacompress.data.export import write_jsonl

        settings = self.study_settings
        teacher = TEACHER_NAMES[arch]
        test_file = self.test_file(task)
        test_file.parent.mkdir(parents=True, exist_ok=True)
        write_jsonl(_test_sample(self.data(task).test, settings.n_test, self.seed), test_file, task)
        config_path = self.out / "configs" / f"{task}-{TEACHER_NAMES[arch]}.yaml"
        config_path.parent.mkdir(parents=True, exist_ok=True)
        base = config_path.parent

        def rel(path: Path) -> str:
            return os.path.relpath(path, base)

        students = {m: {"model": rel(self.model_folder(f"student:{task}:{teacher}:{m}")),
                        "method": label} for m, label in STUDENT_METHODS.items()}  # fmt: skip
        attacks = []
        for name in ATTACKS:
            params = dict(settings.attacks.get(name, {}))
            if name == "alert":
                params["mlm"] = self.mlm_source(task, arch)
            attacks.append({"attack": name, "against": "both", "params": params})
        config = {
            "task": task,
            "seed": self.seed,
            "data": {"format": "jsonl", "path": rel(test_file)},
            "teacher": rel(self.model_folder(f"teacher:{task}:{teacher}")),
            "students": students,
            "batch_size": settings.batch_size,
            "cache": "run",
            "followups": ["all", {"combine": settings.combine}, *attacks],
            "relations": "all",
            "statistics": {"bootstrap": settings.bootstrap},
            "output": rel(self.run_dir(task, arch)),
        }
        text = yaml.safe_dump(config, sort_keys=False)
        config_path.write_text(text, encoding="utf-8")
        return config_path

    def model_folder(self, stage: str) -> Path:
        """The folder of the model spec a finished stage recorded (its name labels it)."""
        return (self.out / self.book.stages[stage]["outputs"]["spec"]).parent

    def mlm_source(self, task: str, arch: str) -> str:
        """ALERT's masked LM, CodeBERT's for every victim as in ALERT: the checkpoint the
        CodeBERT-like teacher is fine-tuned from (paper budget), else the `mlm/` that teacher
        was pre-trained as; the study's own teacher's without one."""
        from metacompress.distill.presets import teacher_init

        init = teacher_init(self.budget, "roberta")
        if init is not None:
            return init
        roberta = self.teacher_dir(task, "roberta") / "mlm"
        return str(roberta if roberta.is_dir() else self.teacher_dir(task, arch) / "mlm")

    # -- stage 4 ---------------------------------------------------------------------------
    def tables(self, tasks: Sequence[str], teachers: Sequence[str]) -> Path:
        from metacompress.report.compare import compare

        studies = {f"study:{t}:{TEACHER_NAMES[a]}": self.run_dir(t, a)
                   for t in tasks for a in teachers}  # fmt: skip
        folder = self.out / "tables"
        inputs = {"studies": {name: self.keys[name] for name in studies}}

        def work() -> dict[str, Any]:
            shutil.rmtree(folder, ignore_errors=True)
            compare(list(studies.values()), out=folder)
            return {"tables": str(folder.relative_to(self.out))}

        self.keys["tables"], _ = self.book.run("tables", inputs, folder, work, "paper tables")
        return folder


def _plain(value: Any) -> Any:
    import dataclasses
    import json

    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return json.loads(json.dumps(value, default=str))


def run_reproduce(
    out_dir: str | Path,
    task: str = "both",
    budget: str = "demo",
    teachers: Sequence[str] = TEACHER_ARCHS,
    seed: int = 0,
    data_dir: str | Path | None = None,
    quiet: bool = False,
    restart: bool = False,
    study: StudySettings | None = None,
    on_stage_done: Callable[[str], None] | None = None,
    jobs: int = 1,
) -> ReproduceResult:
    """Run (or continue) the reproduction into `out_dir` (see the module docstring).

    `jobs` > 1 runs up to that many teachers (then students) at once, each in its own process
    with this process's torch threads; the results are those of `jobs` = 1.

    `study` replaces the budget's study settings; `on_stage_done(name)` is called after each
    stage is recorded (tests stop a run there).
    """
    from metacompress.distill.presets import student_plans

    if task not in TASK_CHOICES:
        raise ConfigError(f"--task must be one of {', '.join(TASK_CHOICES)}, got {task!r}")
    unknown = [t for t in teachers if t not in TEACHER_ARCHS]
    if unknown or not teachers:
        raise ConfigError(
            f"teachers must be some of {', '.join(TEACHER_ARCHS)}, got {', '.join(teachers)!r}"
        )
    if jobs < 1:
        raise ConfigError(f"--jobs must be at least 1, got {jobs}")
    settings = study if study is not None else study_settings(budget)
    if budget not in BUDGETS:
        raise ConfigError(f"--budget must be one of {', '.join(BUDGETS)}, got {budget!r}")
    tasks = TASK_CHOICES[task]
    out = Path(out_dir).resolve()
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    check_data(tasks, budget, data)
    out.mkdir(parents=True, exist_ok=True)
    book = StageBook(out, quiet=quiet, restart=restart, on_done=on_stage_done)
    work = Reproduction(out, budget, settings, seed, data, book)
    book.say(f"budget {budget}, tasks {', '.join(tasks)}, teachers {', '.join(teachers)}")
    pairs = [(t, a) for t in tasks for a in teachers]
    work.run_stages([work.teacher(t, a) for t, a in pairs], jobs)
    work.run_stages([work.student(t, a, plan) for t, a in pairs
                     for plan in student_plans(budget, t)], jobs)  # fmt: skip
    for t, a in pairs:
        work.study(t, a)
    tables = work.tables(tasks, teachers)
    summary = write_summary(tables, out / "summary.md")
    book.say(f"tables: {tables}")
    return ReproduceResult(out, tables, summary, {f"{t}-{TEACHER_NAMES[a]}": work.run_dir(t, a)
                                                  for t, a in pairs}, dict(book.stages))  # fmt: skip
