"""The NIST Juliet C test cases, extracted once per session, with testcasesupport/io.c compiled
once: the `juliet` fixture (tests/code/conftest.py) of the behaviour tests that compile and run
them. Test cases that use the network, or random values, are left out."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import tarfile
import threading
from dataclasses import dataclass, field
from pathlib import Path

from metacompress.code.behaviour import (
    Outcome,
    compile_c,
    compile_object,
    run_executable,
    same_behaviour,
)

ARCHIVE = Path("juliet") / "juliet-c-subset.tar.xz"
SINGLE_FILE = re.compile(r"_\d+\.c$")
#: Test cases that wait on the network (or for a connection) are left out.
NETWORK = re.compile(r"socket|listen|connect", re.IGNORECASE)
#: Random values (main seeds rand() with the time in seconds, so two quick runs of the original
#: agree while a later run differs): such test cases are left out.
RANDOM = re.compile(r"(?<![\w])rand\s*\(|RAND32|RAND64|globalReturnsTrueOrFalse")
RUN_TIMEOUT = 5.0


@dataclass
class Juliet:
    """An extracted Juliet tree with testcasesupport/io.c compiled once."""

    root: Path
    io_object: Path
    work: Path
    files: list[Path]
    originals: dict[Path, Outcome | None] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def compile_and_run(self, source: Path, output: Path) -> Outcome:
        compiled = compile_c(
            source,
            output,
            include_dirs=[self.root / "testcasesupport"],
            defines=["INCLUDEMAIN", "OMITBAD"],
            extra_inputs=[self.io_object],
        )
        if not compiled.ran:
            return compiled
        return run_executable([str(output)], timeout=RUN_TIMEOUT, cwd=output.parent)

    def original(self, path: Path) -> Outcome | None:
        """The original program's behaviour, or None when it is unusable (no compile, a
        timeout, or different output on two runs)."""
        with self.lock:
            if path in self.originals:
                return self.originals[path]
        folder = self.work / "original" / path.stem
        folder.mkdir(parents=True, exist_ok=True)
        first = self.compile_and_run(path, folder / "program")
        usable: Outcome | None = None
        if first.ran:
            second = run_executable([str(folder / "program")], timeout=RUN_TIMEOUT, cwd=folder)
            usable = first if same_behaviour(first, second) else None
        with self.lock:
            self.originals[path] = usable
        return usable


def extract(archive: Path, root: Path) -> Juliet:
    """Extract the Juliet `archive` under `root` and compile its io.c."""
    if shutil.which("tar"):
        subprocess.run(["tar", "xJf", str(archive), "-C", str(root)], check=True)
    else:
        with tarfile.open(archive) as bundle:
            bundle.extractall(root, filter="data")
    io_object = root / "io.o"
    compiled = compile_object(
        root / "testcasesupport" / "io.c", io_object, include_dirs=[root / "testcasesupport"]
    )
    assert compiled.ran, compiled.message
    files = sorted(
        p
        for p in (root / "testcases").rglob("*.c")
        if SINGLE_FILE.search(p.name) and not NETWORK.search(p.name)
    )
    random.Random(0).shuffle(files)
    work = root / "work"
    work.mkdir()
    return Juliet(root, io_object, work, files)
