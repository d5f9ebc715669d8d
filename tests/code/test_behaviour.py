"""The compile-and-run harness itself: statuses, outputs, exceptions, time limits."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from metacompress.code.behaviour import (
    COMPILE_ERROR,
    OK,
    TIMEOUT,
    Outcome,
    run_c,
    run_java_programs,
    same_behaviour,
)
from metacompress.errors import ConfigError

needs_gcc = pytest.mark.skipif(shutil.which("gcc") is None, reason="gcc is not installed")
needs_jdk = pytest.mark.skipif(shutil.which("javac") is None, reason="no JDK installed")


def test_same_behaviour_compares_output_status_and_exception():
    ran = Outcome(OK, "x\n", returncode=0)
    assert same_behaviour(ran, Outcome(OK, "x\n", "noise", returncode=0))
    assert not same_behaviour(ran, Outcome(OK, "y\n", returncode=0))
    assert not same_behaviour(ran, Outcome(OK, "x\n", returncode=1))
    assert not same_behaviour(ran, Outcome(OK, "x\n", returncode=0, exception="E"))
    assert not same_behaviour(Outcome(TIMEOUT), Outcome(TIMEOUT))


@needs_gcc
def test_run_c(tmp_path: Path):
    ran = run_c('#include <stdio.h>\nint main(void) { puts("hi"); return 3; }\n', tmp_path)
    assert (ran.status, ran.stdout, ran.returncode) == (OK, "hi\n", 3)
    broken = run_c("int main(void) { return x; }\n", tmp_path, name="broken")
    assert broken.status == COMPILE_ERROR and "x" in broken.message
    slow = run_c("int main(void) { for (;;) {} }\n", tmp_path, name="slow", timeout=0.5)
    assert slow.status == TIMEOUT
    reads = run_c(
        '#include <stdio.h>\nint main(void) { printf("%d\\n", getchar()); return 0; }\n',
        tmp_path,
        name="reads",
    )
    assert reads.stdout == "-1\n"


@needs_jdk
def test_run_java_programs(tmp_path: Path):
    programs = {
        "ok": 'public class Main { public static void main(String[] a) { System.out.println("hi"); } }',
        "hidden": "class Hidden { public static void main(String[] a) { System.out.print(1); } }",
        "broken": 'public class Main { public static void main(String[] a) { int x = "s"; } }',
        "throws": "public class T { public static void main(String[] a) { int[] x = {}; x[1]++; } }",
        "spins": "public class S { public static void main(String[] a) { while (true) { } } }",
        "after": 'public class Main { public static void main(String[] a) { System.out.print("z"); } }',
    }
    outcomes = run_java_programs(programs, tmp_path, timeout=1, jobs=2)
    assert (outcomes["ok"].status, outcomes["ok"].stdout) == (OK, "hi\n")
    assert outcomes["hidden"].stdout == "1"
    assert (
        outcomes["broken"].status == COMPILE_ERROR and "incompatible" in outcomes["broken"].message
    )
    assert outcomes["throws"].exception == "java.lang.ArrayIndexOutOfBoundsException"
    assert outcomes["spins"].status == TIMEOUT
    assert outcomes["after"].stdout == "z"


def test_java_programs_must_not_declare_a_package(tmp_path: Path):
    with pytest.raises(ConfigError):
        run_java_programs({"p": "package x; public class A {}"}, tmp_path)
