"""`metacompress reproduce`: the paper's experiment end to end, resumable stage by stage.

For each task (vulnerability, clone) and each teacher architecture (`roberta`, the
CodeBERT-like teacher, and `graphcodebert`), in this order of stages:

1. teacher: masked-LM pre-training on the task's code, then fine-tuning on the labelled half
   of the training data (`distill.api.train_teacher`); `models/TASK/TEACHER/`;
2. students: Compressor, AVATAR and MORPH distilled from that teacher on the unlabelled half
   (`distill.api.distill`); `models/TASK/TEACHER-students/METHOD/`;
3. study: one run with the teacher and its three students on the test inputs: every
   applicable transformation, their 2-step combinations, and the four attacks (MHM, ALERT,
   WIR-Random, structural) against every model (`pipeline.runner.run_experiment`);
   `configs/TASK-TEACHER.yaml`, `runs/TASK-TEACHER/`;
4. tables: the paper's tables over every study (`report.compare`): a row group per task and
   teacher; `tables/`.

The data of each task is the budget's (`reproduce_budgets`): the synthetic benchmark at the
demo budget, Devign and BigCloneBench otherwise; the test inputs of the studies are written to
`data/TASK/test.jsonl`. Stages are recorded in `reproduce.json` (`reproduce_stages.StageBook`):
a killed reproduce continues with the first unfinished stage, a teacher's training from its
checkpoints, a study from its run store; a finished stage is reused only when its inputs
(settings, seed, upstream stages) are unchanged.
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
    STUDENT_METHODS,
    TEACHER_ARCHS,
    TEACHER_NAMES,
    Budget,
    TaskBudget,
    get_budget,
)
from metacompress.workflows.reproduce_stages import StageBook
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


@dataclass(frozen=True)
class Splits:
    """One task's data: labelled (teacher), unlabelled (students), validation, test, and the
    code masked-LM pre-training reads."""

    labelled: list
    unlabelled: list
    valid: list
    test: list
    pretrain_codes: list[str]


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


def _synthetic_splits(task: str, settings: TaskBudget, seed: int) -> Splits:
    from metacompress.data.synth import generate
    from metacompress.distill.api import split_labelled_unlabelled

    n = settings.n_train + settings.n_valid + settings.n_test
    examples = generate(task, n, seed=seed)
    order = list(range(len(examples)))
    random.Random(seed).shuffle(order)
    shuffled = [examples[i] for i in order]
    train = shuffled[: settings.n_train]
    valid = shuffled[settings.n_train : settings.n_train + settings.n_valid]
    test = shuffled[settings.n_train + settings.n_valid :]
    labelled, unlabelled = split_labelled_unlabelled(train, seed=seed)
    codes = [code for e in train for code in e.inputs]
    return Splits(labelled, unlabelled, valid, test, codes)


def check_data(tasks: Sequence[str], budget: Budget, data_dir: Path | None) -> None:
    """Refuse, before any stage, a budget that reads the public data sets without them."""
    for task in tasks:
        if budget.task(task).data != "shared":
            continue
        if data_dir is None:
            raise ConfigError(
                f"budget {budget.name} reads {DATA_FOLDERS[task]}/ ({task}) from the shared "
                "data folder: give --data FOLDER or set METACOMPRESS_SHARED_DATA"
            )
        if not (data_dir / DATA_FOLDERS[task]).is_dir():
            raise ConfigError(
                f"--data {data_dir}: expected a folder {DATA_FOLDERS[task]}/ with the {task} "
                "data as CodeXGLUE lays it out"
            )


def _shared_splits(task: str, settings: TaskBudget, seed: int, data_dir: Path) -> Splits:
    from metacompress.distill.task_data import load_task_data

    data = load_task_data(task, data_dir / DATA_FOLDERS[task], seed=seed)
    test = data.test
    if settings.n_test and settings.n_test < len(test):
        keep = sorted(random.Random(seed).sample(range(len(test)), settings.n_test))
        test = [test[i] for i in keep]
    return Splits(data.labelled, data.unlabelled, data.valid, test, data.pretrain_codes)


def _data_identity(task: str, settings: TaskBudget, data_dir: Path | None) -> dict[str, Any]:
    """What the task's data depends on besides the settings: the shared files' names and
    sizes (synthetic data depends on the settings and seed only)."""
    if settings.data == "synthetic" or data_dir is None:
        return {"source": settings.data}
    folder = data_dir / DATA_FOLDERS[task]
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return {"source": str(folder), "files": {p.name: p.stat().st_size for p in files}}


class Reproduction:
    """One reproduce directory: its budget, data and stages (see the module docstring)."""

    def __init__(
        self,
        out_dir: Path,
        budget: Budget,
        tasks: Sequence[str],
        teachers: Sequence[str],
        seed: int,
        data_dir: Path | None,
        book: StageBook,
    ) -> None:
        self.out = out_dir
        self.budget = budget
        self.tasks = tuple(tasks)
        self.teachers = tuple(teachers)
        self.seed = seed
        self.data_dir = data_dir
        self.book = book
        self.keys: dict[str, str] = {}

    @functools.cache  # noqa: B019 - one Reproduction per call of run_reproduce
    def splits(self, task: str) -> Splits:
        settings = self.budget.task(task)
        if settings.data == "synthetic":
            return _synthetic_splits(task, settings, self.seed)
        assert self.data_dir is not None  # check_data refused a shared budget without it
        return _shared_splits(task, settings, self.seed, self.data_dir)

    def base_inputs(self, task: str) -> dict[str, Any]:
        settings = self.budget.task(task)
        return {"task": task, "seed": self.seed, "budget": self.budget.name,
                "data": _data_identity(task, settings, self.data_dir)}  # fmt: skip

    def teacher_dir(self, task: str, arch: str) -> Path:
        return self.out / "models" / task / TEACHER_NAMES[arch]

    def student_dir(self, task: str, arch: str, method: str) -> Path:
        return self.out / "models" / task / f"{TEACHER_NAMES[arch]}-students" / method

    def run_dir(self, task: str, arch: str) -> Path:
        return self.out / "runs" / f"{task}-{TEACHER_NAMES[arch]}"

    def test_file(self, task: str) -> Path:
        return self.out / "data" / task / "test.jsonl"

    # -- stage 1 ---------------------------------------------------------------------------
    def teacher(self, task: str, arch: str) -> None:
        settings = self.budget.task(task)
        preset = _teacher_preset(self.budget.name, task, arch, settings)
        inputs = {**self.base_inputs(task), "arch": arch, "preset": _plain(preset),
                  "options": dict(settings.teacher_options),
                  "data_sizes": [settings.n_train, settings.n_valid]}  # fmt: skip
        folder = self.teacher_dir(task, arch)

        def work() -> dict[str, Any]:
            from metacompress.distill.api import train_teacher

            data = self.splits(task)
            resume = (folder / "checkpoints").is_dir()
            spec = train_teacher(
                data.labelled, data.valid, task, folder, preset=preset, seed=self.seed,
                resume=resume, **_arch_options(arch, data), **settings.teacher_options,
            )  # fmt: skip
            return {"spec": str(Path(spec).relative_to(self.out)), **_teacher_metrics(folder)}

        name = f"teacher:{task}:{TEACHER_NAMES[arch]}"
        what = f"{arch} teacher, {preset if isinstance(preset, str) else 'budget'} preset"
        self.keys[name], _ = self.book.run(name, inputs, folder, work, what)

    # -- stage 2 ---------------------------------------------------------------------------
    def student(self, task: str, arch: str, method: str) -> None:
        settings = self.budget.task(task)
        teacher_key = self.keys[f"teacher:{task}:{TEACHER_NAMES[arch]}"]
        params = _student_params(method, settings.student_length)
        inputs = {**self.base_inputs(task), "teacher": teacher_key, "method": method,
                  "size_mb": settings.student_size_mb, "budget_level": settings.distill_budget,
                  "params": params, "n_unlabelled": settings.n_unlabelled}  # fmt: skip
        folder = self.student_dir(task, arch, method)

        def work() -> dict[str, Any]:
            from metacompress.distill.api import distill

            data = self.splits(task)
            unlabelled = data.unlabelled[: settings.n_unlabelled or None]
            shutil.rmtree(folder, ignore_errors=True)  # a distillation starts afresh
            result = distill(
                method, self.teacher_dir(task, arch), unlabelled, data.valid, task, folder,
                size_mb=settings.student_size_mb, budget=settings.distill_budget,
                seed=self.seed, **params,
            )  # fmt: skip
            return {"spec": str(result.student_spec.relative_to(self.out)),
                    "size_mb": result.size_mb, "parameters": result.parameters,
                    "valid_accuracy": result.accuracy, "valid_agreement": result.agreement}  # fmt: skip

        name = f"student:{task}:{TEACHER_NAMES[arch]}:{method}"
        what = f"{STUDENT_METHODS[method]}, {settings.student_size_mb:g} MB"
        self.keys[name], _ = self.book.run(name, inputs, folder, work, what)

    # -- stage 3 ---------------------------------------------------------------------------
    def study(self, task: str, arch: str) -> None:
        settings = self.budget.task(task)
        teacher = TEACHER_NAMES[arch]
        upstream = {m: self.keys[f"student:{task}:{teacher}:{m}"] for m in STUDENT_METHODS}
        inputs = {**self.base_inputs(task), "students": upstream, "n_test": settings.n_test,
                  "attacks": _plain(settings.attacks), "combine": settings.combine,
                  "bootstrap": settings.bootstrap}  # fmt: skip
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

        settings = self.budget.task(task)
        teacher = TEACHER_NAMES[arch]
        test_file = self.test_file(task)
        if not test_file.is_file():
            test_file.parent.mkdir(parents=True, exist_ok=True)
            write_jsonl(self.splits(task).test, test_file, task)
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
                params["mlm"] = str(self.mlm_source(task, arch))
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

    def mlm_source(self, task: str, arch: str) -> Path:
        """ALERT's masked LM: the pre-trained `mlm/` of the task's CodeBERT-like teacher, as
        ALERT takes CodeBERT's for every victim; the study's own teacher's without one."""
        roberta = self.teacher_dir(task, "roberta") / "mlm"
        return roberta if roberta.is_dir() else self.teacher_dir(task, arch) / "mlm"

    # -- stage 4 ---------------------------------------------------------------------------
    def tables(self) -> Path:
        from metacompress.report.compare import compare

        studies = {f"study:{t}:{TEACHER_NAMES[a]}": self.run_dir(t, a)
                   for t in self.tasks for a in self.teachers}  # fmt: skip
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


def _teacher_preset(budget: str, task: str, arch: str, settings: TaskBudget) -> Any:
    """The teacher preset: a named one, or the budget's teacher of `distill.presets`."""
    if settings.teacher_preset != "budget":
        return settings.teacher_preset
    from metacompress.distill.presets import teacher_preset

    return teacher_preset(budget, task, arch)


def _arch_options(arch: str, data: Splits) -> dict[str, Any]:
    """Keyword arguments of `train_teacher` for `arch`, pre-training on all the task's code."""
    import inspect

    from metacompress.distill.api import train_teacher

    accepted = inspect.signature(train_teacher).parameters
    options: dict[str, Any] = {}
    if "pretrain_codes" in accepted or arch != "roberta":
        options["pretrain_codes"] = data.pretrain_codes
    if arch != "roberta":
        options["arch"] = arch
    return options


def _teacher_metrics(folder: Path) -> dict[str, Any]:
    import json

    record = json.loads((folder / "metrics.json").read_text(encoding="utf-8"))
    best = record.get("best") or {}
    return {"valid": {k: v for k, v in best.items() if k.startswith("valid_")},
            "seconds": record.get("seconds")}  # fmt: skip


def _student_params(method: str, length: int) -> dict[str, Any]:
    """The block size: Compressor's fixed `max_length`, AVATAR's and MORPH's searched range."""
    if method == "compressor":
        return {"max_length": length}
    return {"max_length_range": [max(8, length // 2), length]}


def run_reproduce(
    out_dir: str | Path,
    task: str = "both",
    budget: str | Budget = "demo",
    teachers: Sequence[str] = TEACHER_ARCHS,
    seed: int = 0,
    data_dir: str | Path | None = None,
    quiet: bool = False,
    restart: bool = False,
    on_stage_done: Callable[[str], None] | None = None,
) -> ReproduceResult:
    """Run (or continue) the reproduction into `out_dir` (see the module docstring).

    `on_stage_done(name)` is called after each stage is recorded (tests stop a run there).
    """
    if task not in TASK_CHOICES:
        raise ConfigError(f"--task must be one of {', '.join(TASK_CHOICES)}, got {task!r}")
    unknown = [t for t in teachers if t not in TEACHER_ARCHS]
    if unknown or not teachers:
        raise ConfigError(
            f"teachers must be some of {', '.join(TEACHER_ARCHS)}, got {', '.join(teachers)!r}"
        )
    chosen = get_budget(budget)
    tasks = TASK_CHOICES[task]
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    data = Path(data_dir) if data_dir is not None else default_data_dir()
    check_data(tasks, chosen, data)
    book = StageBook(out, quiet=quiet, restart=restart, on_done=on_stage_done)
    work = Reproduction(out, chosen, tasks, teachers, seed, data, book)
    book.say(f"budget {chosen.name}, tasks {', '.join(tasks)}, teachers {', '.join(teachers)}")
    pairs = [(t, a) for t in tasks for a in teachers]
    for t, a in pairs:
        work.teacher(t, a)
    for t, a in pairs:
        for method in STUDENT_METHODS:
            work.student(t, a, method)
    for t, a in pairs:
        work.study(t, a)
    tables = work.tables()
    summary = write_summary(tables, out / "summary.md")
    book.say(f"tables: {tables}")
    return ReproduceResult(out, tables, summary, {f"{t}-{TEACHER_NAMES[a]}": work.run_dir(t, a)
                                         for t, a in pairs}, dict(book.stages))  # fmt: skip
