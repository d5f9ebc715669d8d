"""Compile and run C and Java programs, to check that a transformation preserved behaviour.

A program's behaviour is what it prints (stdout), how it ends (exit status, or for Java the
class of an uncaught exception) and whether it ends within a time limit. Two runs behave alike
when all of that is equal (`same_behaviour`). Programs never get stdin (it is /dev/null).

C: `compile_c` runs gcc on one file (plus objects or sources shared by many programs, such as
Juliet's testcasesupport/io.c compiled once with `compile_object`), `run_executable` runs the
result with a timeout.

Java: `run_java_programs` runs many small programs in one JVM, because starting a JVM per
program costs more than running it. Each program is a compilation unit without a `package`
line whose class with `public static void main(String[])` is the entry point. Each is put in
its own package (so equal class names do not clash), all are compiled by one javac call
(programs that fail to compile are reported and the rest recompiled), and a small runner calls
each `main` with System.out and System.err captured. A program that calls System.exit or
leaves threads running is outside this harness's contract.
"""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from metacompress.errors import ConfigError
from metacompress.registry import check_range

OK = "ok"
COMPILE_ERROR = "compile-error"
TIMEOUT = "timeout"
#: Output beyond this many characters is cut (a runaway program cannot exhaust memory).
MAX_OUTPUT = 1_000_000


@dataclass(frozen=True)
class Outcome:
    """How a program ended: `status` is "ok" (it ran to the end: see `returncode` and
    `exception`), "compile-error" or "timeout"; `message` holds the compiler's errors."""

    status: str
    stdout: str = ""
    stderr: str = ""
    returncode: int | None = None
    exception: str | None = None
    message: str = ""

    @property
    def ran(self) -> bool:
        return self.status == OK


def same_behaviour(a: Outcome, b: Outcome) -> bool:
    """Both ran to the end with the same output, exit status and uncaught exception class."""
    return (
        a.ran
        and b.ran
        and a.stdout == b.stdout
        and a.returncode == b.returncode
        and a.exception == b.exception
    )


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise ConfigError(f"expected the program {tool!r} on PATH to check behaviour, got none")
    return path


def _decode(data: bytes) -> str:
    return data[:MAX_OUTPUT].decode("utf-8", errors="replace")


def compile_object(
    source: Path,
    output: Path,
    *,
    include_dirs: Sequence[Path] = (),
    defines: Sequence[str] = (),
    compiler: str = "gcc",
    timeout: float = 120,
) -> Outcome:
    """Compile one C file to an object file (for support code shared by many programs)."""
    command = [_require(compiler), "-c", "-w", *(f"-D{d}" for d in defines)]
    command += [f"-I{d}" for d in include_dirs] + [str(source), "-o", str(output)]
    return _compile(command, timeout)


def compile_c(
    source: Path,
    output: Path,
    *,
    include_dirs: Sequence[Path] = (),
    defines: Sequence[str] = (),
    extra_inputs: Sequence[Path] = (),
    libraries: Sequence[str] = ("m",),
    compiler: str = "gcc",
    timeout: float = 120,
) -> Outcome:
    """`gcc -w -D... -I... EXTRA... SOURCE -o OUTPUT -l...`; status "ok" when it compiled."""
    command = [_require(compiler), "-w", *(f"-D{d}" for d in defines)]
    command += [f"-I{d}" for d in include_dirs] + [str(p) for p in extra_inputs]
    command += [str(source), "-o", str(output)] + [f"-l{lib}" for lib in libraries]
    return _compile(command, timeout)


def _compile(command: list[str], timeout: float) -> Outcome:
    try:
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
    except subprocess.TimeoutExpired:
        return Outcome(COMPILE_ERROR, message=f"compiler timed out after {timeout}s")
    if done.returncode != 0:
        return Outcome(COMPILE_ERROR, message=_decode(done.stderr))
    return Outcome(OK)


def run_executable(
    command: Sequence[str], *, timeout: float = 10, cwd: Path | None = None
) -> Outcome:
    """Run `command` with no stdin; status "timeout" when it runs longer than `timeout`."""
    try:
        done = subprocess.run(
            list(command),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=timeout,
            cwd=cwd,
            check=False,
        )
    except subprocess.TimeoutExpired as stopped:
        return Outcome(TIMEOUT, stdout=_decode(stopped.stdout or b""))
    return Outcome(OK, _decode(done.stdout), _decode(done.stderr), done.returncode)


def run_c(
    code: str,
    workdir: Path,
    *,
    name: str = "program",
    timeout: float = 10,
    **compile_options,
) -> Outcome:
    """Write `code` to WORKDIR/NAME.c, compile it with `compile_c` and run it."""
    workdir.mkdir(parents=True, exist_ok=True)
    source = workdir / f"{name}.c"
    source.write_text(code, encoding="utf-8")
    executable = workdir / name
    compiled = compile_c(source, executable, **compile_options)
    if not compiled.ran:
        return compiled
    return run_executable([str(executable)], timeout=timeout, cwd=workdir)


# ----------------------------------------------------------------------------------- Java

RUNNER_CLASS = "MetaCompressBehaviourRunner"
#: Calls each named class's main with System.out/err captured, in a daemon thread joined with
#: a time limit, and prints one line per program: `@@@ CLASS STATUS EXC OUT ERR` (base64).
_RUNNER_SOURCE = """
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.util.Base64;

public class MetaCompressBehaviourRunner {
    public static void main(String[] args) throws Exception {
        long limit = Long.parseLong(args[0]);
        PrintStream out = System.out;
        PrintStream err = System.err;
        Base64.Encoder b64 = Base64.getEncoder();
        for (int i = 1; i < args.length; i++) {
            String name = args[i];
            ByteArrayOutputStream captured = new ByteArrayOutputStream();
            ByteArrayOutputStream capturedErr = new ByteArrayOutputStream();
            String[] status = {"ok", ""};
            Thread worker = new Thread(() -> {
                try {
                    java.lang.reflect.Method main =
                        Class.forName(name).getDeclaredMethod("main", String[].class);
                    main.setAccessible(true);
                    main.invoke(null, (Object) new String[0]);
                } catch (InvocationTargetException e) {
                    status[1] = e.getCause().getClass().getName();
                } catch (Throwable e) {
                    status[0] = "runner-error";
                    status[1] = e.toString();
                }
            }, "main");
            System.setOut(new PrintStream(captured, true, "UTF-8"));
            System.setErr(new PrintStream(capturedErr, true, "UTF-8"));
            worker.setDaemon(true);
            worker.start();
            worker.join(limit);
            boolean late = worker.isAlive();
            System.out.flush();
            System.setOut(out);
            System.setErr(err);
            out.println("@@@ " + name + " " + (late ? "timeout" : status[0]) + " "
                + b64.encodeToString(status[1].getBytes("UTF-8")) + " "
                + b64.encodeToString(captured.toByteArray()) + " "
                + b64.encodeToString(capturedErr.toByteArray()));
            out.flush();
            if (late) {
                System.exit(3);
            }
        }
    }
}
"""
#: Short-lived JVMs start faster with the client compiler only and the serial collector (javac
#: takes half the CPU time on small files).
_FAST_JVM = ("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")
_FAST_JVM_FOR_JAVAC = tuple(f"-J{flag}" for flag in _FAST_JVM)
_MAIN_CLASS = re.compile(
    r"(?:public\s+|final\s+|abstract\s+)*class\s+([A-Za-z_$][\w$]*)[^{]*\{"
    r"(?=[\s\S]*?static\s+void\s+main\s*\()"
)
_PUBLIC_CLASS = re.compile(r"public\s+(?:final\s+|abstract\s+)*class\s+([A-Za-z_$][\w$]*)")
_PACKAGE = re.compile(r"^\s*package\s", re.MULTILINE)
_ERROR_FILE = re.compile(r"^(.*?\.java):\d+: error:", re.MULTILINE)


def _main_class(source: str) -> str:
    public = _PUBLIC_CLASS.search(source)
    if public:
        return public.group(1)
    found = _MAIN_CLASS.search(source)
    if found is None:
        raise ConfigError("expected a Java class with a main method, got none")
    return found.group(1)


def run_java_programs(
    programs: Mapping[str, str],
    workdir: Path,
    *,
    timeout: float = 10,
    compile_timeout: float = 600,
    jobs: int = 1,
) -> dict[str, Outcome]:
    """Compile and run each Java program (key -> source) and return key -> Outcome.

    Keys must be usable as Java package names once prefixed (letters, digits, `_`); each run
    may take `timeout` seconds (a program that takes longer is reported "timeout", and the
    runner restarts for the remaining ones). With `jobs` > 1 the programs are split into that
    many batches, each compiled and run by its own javac and JVM, concurrently.
    """
    check_range("jobs", jobs, 1, None)
    keys = list(programs)
    if jobs == 1 or len(keys) < 2:
        return _run_java_batch(programs, workdir, timeout, compile_timeout)
    groups = [keys[i::jobs] for i in range(jobs)]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        parts = pool.map(
            lambda item: _run_java_batch(
                {k: programs[k] for k in item[1]},
                workdir / f"batch{item[0]}",
                timeout,
                compile_timeout,
            ),
            [(i, g) for i, g in enumerate(groups) if g],
        )
        merged = {k: v for part in parts for k, v in part.items()}
    return {k: merged[k] for k in keys}


def _run_java_batch(
    programs: Mapping[str, str], workdir: Path, timeout: float, compile_timeout: float
) -> dict[str, Outcome]:
    """`run_java_programs` for one batch: one javac call (repeated without the programs that
    fail to compile) and one runner JVM."""
    javac, java = _require("javac"), _require("java")
    source_dir, class_dir = workdir / "src", workdir / "classes"
    source_dir.mkdir(parents=True, exist_ok=True)
    class_dir.mkdir(parents=True, exist_ok=True)
    files: dict[str, Path] = {}
    classes: dict[str, str] = {}
    outcomes: dict[str, Outcome] = {}
    for key_name, source in programs.items():
        if not re.fullmatch(r"\w+", key_name):
            raise ConfigError(f"expected a program key of letters, digits and _, got {key_name!r}")
        if _PACKAGE.search(source):
            raise ConfigError(f"expected program {key_name!r} without a package line")
        package = f"p_{key_name}"
        try:
            main = _main_class(source)
        except ConfigError as error:
            outcomes[key_name] = Outcome(COMPILE_ERROR, message=str(error))
            continue
        path = source_dir / package / f"{main}.java"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"package {package};\n{source}", encoding="utf-8")
        files[key_name] = path
        classes[key_name] = f"{package}.{main}"
    runner = source_dir / f"{RUNNER_CLASS}.java"
    runner.write_text(_RUNNER_SOURCE, encoding="utf-8")
    pending = dict(files)
    while True:
        command = [javac, *_FAST_JVM_FOR_JAVAC, "-proc:none", "-nowarn", "-encoding", "UTF-8"]
        command += ["-d", str(class_dir), str(runner)]
        command += [str(p) for p in pending.values()]
        try:
            done = subprocess.run(command, capture_output=True, timeout=compile_timeout)
        except subprocess.TimeoutExpired:
            for key_name in pending:
                outcomes[key_name] = Outcome(COMPILE_ERROR, message="javac timed out")
            pending = {}
            break
        if done.returncode == 0:
            break
        report = _decode(done.stdout + done.stderr)
        failing = {Path(p).resolve() for p in _ERROR_FILE.findall(report)}
        broken = [k for k, p in pending.items() if p.resolve() in failing]
        if not broken:
            for key_name in pending:
                outcomes[key_name] = Outcome(COMPILE_ERROR, message=report)
            pending = {}
            break
        for key_name in broken:
            outcomes[key_name] = Outcome(
                COMPILE_ERROR, message=_errors_of(report, pending[key_name])
            )
            del pending[key_name]
        if not pending:
            break
    outcomes.update(_run_all(java, class_dir, [(k, classes[k]) for k in pending], timeout))
    return {k: outcomes[k] for k in programs}


def _errors_of(report: str, path: Path) -> str:
    lines = [line for line in report.splitlines() if line.startswith(str(path))]
    return "\n".join(lines) or report


def _record(line: str) -> tuple[str, Outcome] | None:
    """Parse one `@@@ CLASS STATUS EXC OUT ERR` line of the runner."""
    parts = line.split(" ")
    if len(parts) != 6 or parts[0] != "@@@":
        return None
    _, cls, status, exception, out, err = parts

    def text(field: str) -> str:
        return base64.b64decode(field).decode("utf-8", errors="replace")

    if status == "runner-error":
        return cls, Outcome(COMPILE_ERROR, message=text(exception))
    return cls, Outcome(
        TIMEOUT if status == TIMEOUT else OK,
        stdout=text(out),
        stderr=text(err),
        returncode=0,
        exception=text(exception) or None,
    )


def _run_all(
    java: str, class_dir: Path, todo: list[tuple[str, str]], timeout: float
) -> dict[str, Outcome]:
    """Run the classes in one JVM, restarting it after a program that timed out."""
    outcomes: dict[str, Outcome] = {}
    by_class = {cls: key_name for key_name, cls in todo}
    remaining = [cls for _, cls in todo]
    while remaining:
        command = [java, *_FAST_JVM, "-Xss16m", "-cp", str(class_dir), RUNNER_CLASS]
        command.append(str(int(timeout * 1000)))
        try:
            done = subprocess.run(
                command + remaining,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=timeout * (len(remaining) + 1) + 30,
                check=False,
            )
            stdout = done.stdout
        except subprocess.TimeoutExpired as stopped:
            stdout = stopped.stdout or b""
        seen = set()
        for line in stdout.decode("utf-8", errors="replace").splitlines():
            record = _record(line)
            if record is not None and record[0] in by_class:
                seen.add(record[0])
                outcomes[by_class[record[0]]] = record[1]
        if not seen:
            for cls in remaining:
                outcomes[by_class[cls]] = Outcome(TIMEOUT)
            break
        remaining = [cls for cls in remaining if cls not in seen]
    return outcomes
