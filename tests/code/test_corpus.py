"""Renaming over real corpora: Devign (C), BigCloneBench (Java) and Juliet (compiled and run).

Over the Devign test functions and the BigCloneBench methods, every output of each renaming
transformation parses with no more error nodes than its input (indeed into the same tree,
which is why error-free renamings skip the re-parse), is an alpha-renaming of it, and is the
same for the same seed. The default run checks a seeded sample of 200 functions of each;
the full corpora run under `-m slow`. Juliet test cases are renamed, compiled with
`gcc -DINCLUDEMAIN -DOMITBAD`, run, and their output compared with the original program's.
"""

from __future__ import annotations

import json
import lzma
import random
import re
import shutil
import subprocess
import tarfile
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from metacompress.code.parsing import parse
from metacompress.code.rename import alpha_renaming_problems
from metacompress.code.symbols import analyse
from metacompress.code.transform import TRANSFORMS, Applied

RENAMES = ("rename-locals", "rename-parameters", "rename-all")
SAMPLE = 200
CORPORA = {
    "devign": ("devign/test.jsonl.xz", "c", 2732),
    "bigclonebench": ("bigclonebench/data.jsonl.xz", "java", 9133),
}
#: Share of functions the renaming of locals and parameters must apply to (sanity floor).
MIN_APPLIED = {"devign": 0.85, "bigclonebench": 0.98}


def load(shared_data: Path, corpus: str) -> list[str]:
    path, _, expected = CORPORA[corpus]
    with lzma.open(shared_data / path, "rt", encoding="utf-8") as handle:
        funcs = [json.loads(line)["func"] for line in handle]
    assert len(funcs) == expected
    return funcs


def check(funcs: list[str], lang: str) -> tuple[Counter, list[str]]:
    """Apply every renaming to every function; count outcomes and collect failures."""
    counts: Counter = Counter()
    failures: list[str] = []
    for index, code in enumerate(funcs):
        parsed = parse(code, lang)
        table = analyse(parsed)
        data = code.encode()
        for symbol in table.symbols:
            for start, end in symbol.occurrences:
                if data[start:end].decode("utf-8", "replace") != symbol.name:
                    failures.append(f"#{index}: span {start}:{end} is not {symbol.name}")
        for name in RENAMES:
            transform = TRANSFORMS.create(name)
            result = transform.apply_parsed(parsed, seed=index)
            if not isinstance(result, Applied):
                counts[f"{name} not applicable"] += 1
                continue
            counts[f"{name} applied"] += 1
            output = parse(result.code, lang)
            if output.error_count > parsed.error_count:
                failures.append(f"#{index} {name}: more parse errors")
            if str(output.root) != str(parsed.root):
                failures.append(f"#{index} {name}: the output parses into another tree")
            problems = alpha_renaming_problems(code, result.code, lang)
            if problems:
                failures.append(f"#{index} {name}: not an alpha-renaming: {problems[:2]}")
            if transform.apply(code, lang, seed=index) != result:
                failures.append(f"#{index} {name}: same seed, different output")
    return counts, failures


def run_corpus(shared_data: Path, corpus: str, sample: int | None) -> None:
    funcs = load(shared_data, corpus)
    if sample is not None:
        funcs = random.Random(2024).sample(funcs, sample)
    counts, failures = check(funcs, CORPORA[corpus][1])
    print(f"{corpus}: {len(funcs)} functions, {dict(sorted(counts.items()))}")
    assert not failures, f"{len(failures)} failures, first: {failures[:5]}"
    assert counts["rename-all applied"] >= MIN_APPLIED[corpus] * len(funcs)


@pytest.mark.data
@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_renaming_sample_is_alpha_renaming_and_deterministic(shared_data, corpus):
    run_corpus(shared_data, corpus, SAMPLE)


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.timeout(7200)
@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_renaming_full_corpus_is_alpha_renaming_and_deterministic(shared_data, corpus):
    run_corpus(shared_data, corpus, None)


# -- Juliet: compile and run -------------------------------------------------------------------

#: Cases excluded: network I/O, and rand() outputs (main seeds it with the time).
_EXCLUDED = re.compile(r"socket|listen|connect|rand")
#: Multi-file cases (`..._01a.c`) need their siblings; only single-file cases are used.
_MULTI_FILE = re.compile(r"_\d+[a-z]\.c$")


@pytest.fixture(scope="session")
def juliet(shared_data, tmp_path_factory) -> Path:
    """The Juliet subset extracted to a temporary folder, with io.c compiled once."""
    if shutil.which("gcc") is None:
        pytest.skip("gcc not installed")
    root = tmp_path_factory.mktemp("juliet")
    with tarfile.open(shared_data / "juliet" / "juliet-c-subset.tar.xz") as archive:
        archive.extractall(root, filter="data")
    support = root / "testcasesupport"
    subprocess.run(
        ["gcc", "-c", "-w", "-I", str(support), str(support / "io.c"), "-o", str(root / "io.o")],
        check=True,
        capture_output=True,
    )
    return root


def _build_and_run(root: Path, source: Path, exe: Path) -> tuple[int, bytes] | None:
    support = root / "testcasesupport"
    build = subprocess.run(
        ["gcc", "-w", "-DINCLUDEMAIN", "-DOMITBAD", "-I", str(support), str(source)]
        + [str(root / "io.o"), "-o", str(exe), "-lm"],
        capture_output=True,
    )
    if build.returncode:
        return None
    try:
        ran = subprocess.run([str(exe)], stdin=subprocess.DEVNULL, capture_output=True, timeout=20)
    except subprocess.TimeoutExpired:
        return None
    return ran.returncode, ran.stdout


def _juliet_case(root: Path, work: Path, index: int, source: Path) -> tuple[str, str]:
    name = RENAMES[index % len(RENAMES)]
    code = source.read_text(encoding="latin-1")
    result = TRANSFORMS.create(name).apply(code, "c", seed=index)
    if not isinstance(result, Applied):
        return "not applicable", f"{source.name} {name}: {result.reason}"
    original = _build_and_run(root, source, work / f"{index}-original")
    if original is None:
        return "original does not build or run", source.name
    renamed_source = work / f"{index}-{source.name}"
    renamed_source.write_text(result.code, encoding="latin-1")
    renamed = _build_and_run(root, renamed_source, work / f"{index}-renamed")
    if renamed is None:
        return "renamed does not build or run", f"{source.name} {name}"
    if renamed != original:
        return "different behaviour", f"{source.name} {name}"
    return "same behaviour", source.name


def run_juliet(root: Path, work: Path, count: int) -> Counter:
    cases = sorted(
        path
        for path in (root / "testcases").rglob("*.c")
        if not _MULTI_FILE.search(path.name) and not _EXCLUDED.search(path.name)
    )
    chosen = random.Random(7).sample(cases, count)
    TRANSFORMS.names()  # load the registry before the threads use it
    with ThreadPoolExecutor(2) as pool:
        outcomes = list(pool.map(lambda item: _juliet_case(root, work, *item), enumerate(chosen)))
    counts = Counter(outcome for outcome, _ in outcomes)
    print(f"juliet: {count} cases, {dict(sorted(counts.items()))}")
    bad = [
        detail
        for outcome, detail in outcomes
        if outcome in ("different behaviour", "renamed does not build or run")
    ]
    assert not bad, f"renaming changed Juliet programs: {bad[:5]}"
    assert counts["same behaviour"] >= 0.9 * count
    return counts


@pytest.mark.data
def test_renamed_juliet_cases_behave_the_same(juliet, tmp_path):
    run_juliet(juliet, tmp_path, 30)


@pytest.mark.data
@pytest.mark.slow
@pytest.mark.timeout(7200)
def test_renamed_juliet_cases_behave_the_same_330(juliet, tmp_path):
    counts = run_juliet(juliet, tmp_path, 330)
    assert counts["same behaviour"] >= 300
