"""Vulnerability labels checked by running the code: gcc with AddressSanitizer and UBSan.

One example of every (variant, label) is compiled into a single program (each function renamed
by a macro, each driver turned into a numbered case) and run once per case. A vulnerable
function must end in a sanitizer report on its trigger input; its safe counterpart must run to
the end without one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from metacompress.data.synth import generate
from metacompress.data.synth.harness import C_PRELUDE, SANITIZER_ENV, SANITIZER_FLAGS
from metacompress.data.types import Example

REPORT_MARKS = ("ERROR: AddressSanitizer", "runtime error:")


def _sanitizers_work(tmp: Path) -> str | None:
    """None when gcc builds and runs a sanitized program here, else the reason it does not."""
    if shutil.which("gcc") is None:
        return "gcc is not installed"
    source = tmp / "probe.c"
    source.write_text("int main(void) { return 0; }\n")
    build = subprocess.run(
        ["gcc", *SANITIZER_FLAGS, str(source), "-o", str(tmp / "probe")],
        capture_output=True,
        text=True,
    )
    if build.returncode != 0:
        return f"gcc cannot build with -fsanitize=address,undefined: {build.stderr[-300:]}"
    run = subprocess.run([str(tmp / "probe")], capture_output=True, text=True)
    if run.returncode != 0:
        return f"sanitized programs do not run here: {run.stderr[-300:]}"
    return None


def _one_of_each(examples: list[Example]) -> list[Example]:
    chosen: dict[tuple[str, int | None], Example] = {}
    for example in examples:
        chosen.setdefault((example.meta["variant"], example.label), example)
    return list(chosen.values())


def _combined_program(examples: list[Example]) -> str:
    parts = [C_PRELUDE]
    for k, example in enumerate(examples):
        entry = example.meta["entry"]
        driver = example.meta["harness"].replace("int main(void)", f"static int case_{k}(void)")
        parts.append(
            f"#define {entry} synth_case_{k}\n{example.inputs[0]}\n{driver}#undef {entry}\n"
        )
    cases = "".join(f"    case {k}: return case_{k}();\n" for k in range(len(examples)))
    parts.append(
        "int main(int argc, char **argv)\n{\n    switch (argc > 1 ? atoi(argv[1]) : -1) {\n"
        f"{cases}    default: return 99;\n    }}\n}}\n"
    )
    return "\n".join(parts)


def _run_all(
    examples: list[Example], tmp: Path
) -> list[tuple[Example, subprocess.CompletedProcess]]:
    reason = _sanitizers_work(tmp)
    if reason is not None:
        pytest.skip(reason)
    source = tmp / "cases.c"
    source.write_text(_combined_program(examples))
    binary = tmp / "cases"
    build = subprocess.run(
        ["gcc", *SANITIZER_FLAGS, str(source), "-o", str(binary)], capture_output=True, text=True
    )
    assert build.returncode == 0, build.stderr[-3000:]
    env = {**os.environ, **SANITIZER_ENV}
    runs = []
    for k, example in enumerate(examples):
        result = subprocess.run(
            [str(binary), str(k)], capture_output=True, text=True, env=env, timeout=60
        )
        runs.append((example, result))
    return runs


def _check(runs: list[tuple[Example, subprocess.CompletedProcess]]) -> None:
    for example, result in runs:
        report = any(mark in result.stderr for mark in REPORT_MARKS)
        if example.label == 1:
            assert report and result.returncode != 0, (example.meta["variant"], result.stderr)
        else:
            assert not report and result.returncode == 0, (example.meta["variant"], result.stderr)
            assert result.stdout.strip(), example.meta["variant"]


@pytest.fixture(scope="module")
def sanitized_runs(tmp_path_factory):
    sample = _one_of_each(generate("vulnerability", 600, seed=11))
    return _run_all(sample, tmp_path_factory.mktemp("sanitizers"))


def test_sample_covers_every_variant_in_both_forms(sanitized_runs):
    checked = {(e.meta["variant"], e.label) for e, _ in sanitized_runs}
    every = {(e.meta["variant"], e.label) for e in generate("vulnerability", 3000, seed=2)}
    assert every <= checked
    assert {e.meta["pattern"] for e, _ in sanitized_runs} == {
        "buffer-overflow", "off-by-one", "null-dereference", "division-by-zero",
        "use-after-free", "integer-overflow", "format-string",
    }  # fmt: skip


def test_vulnerable_functions_trigger_and_safe_counterparts_run_clean(sanitized_runs):
    _check(sanitized_runs)
    assert {e.label for e, _ in sanitized_runs} == {0, 1}


@pytest.mark.slow
def test_many_random_surface_forms(tmp_path):
    _check(_run_all(generate("vulnerability", 300, seed=2024), tmp_path))
