"""Byte-identity check of the example configs: sha256 of every deterministic output of a run.

Runs each config of examples/ (devign, bigclonebench, synthetic) with ``--limit`` on two tiny
RoBERTa classifiers (`metacompress.testing.tiny`, seeds 0 and 1; no hub; Devign and
BigCloneBench from the shared data folder, the synthetic benchmark generated), through the
``metacompress run`` command, and records the sha256 of:

- every file under the run's ``tables/`` (the CSV, Markdown and LaTeX exports, the paper's
  tables), and the schema and rows of every Parquet table (pyarrow; the file's bytes name the
  writer's version);
- ``report.md`` and ``report.junit.xml``;
- ``report.json`` and ``summary.json`` with their machine- and time-dependent keys left out
  (provenance, timings and CPU timings, cache counters, the config hash and model specs) and
  the rest serialised canonically, the temporary folder replaced by ``<WORK>``;
- ``config.yaml`` with the temporary folder replaced by ``<WORK>``.

Everywhere the temporary folder is replaced by ``<WORK>``, and the speed the run measures on
this machine (the columns `MEASURED`: latency and throughput of each model) is blanked.

    python scripts/example_outputs.py --check      # compare with scripts/example_outputs.json
    python scripts/example_outputs.py --record     # (re)write scripts/example_outputs.json
    python scripts/example_outputs.py --check --src ../other-checkout/src

Exit status 0 when every hash matches (or after --record), 1 when one differs (the differing
files are printed), 2 when the shared data folder is missing. The models are built with one
torch thread and the run uses one worker, so the numbers do not depend on the machine's load.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
RECORD = Path(__file__).with_suffix(".json")
CONFIGS = ("devign", "bigclonebench", "synthetic")
LIMIT = 3
#: summary.json / report.json keys that name the machine, the time or the temporary folder.
VOLATILE = ("provenance", "timings", "cpu_timings", "cache", "config_sha256", "spec", "report_error", "meta")
#: Table columns measured on the machine (column name: its title in Markdown and LaTeX).
MEASURED = {"latency_ms": "Latency (ms)", "throughput": "Thr. (/s)"}
#: The cell separator of the table rows of a text format.
SEPARATORS = {".md": " | ", ".tex": " & "}


def shared_data() -> Path | None:
    """The shared data folder (METACOMPRESS_SHARED_DATA, else ../shared/data)."""
    folder = Path(os.environ.get("METACOMPRESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
    return folder if folder.is_dir() else None


def _strip(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _strip(v) for k, v in value.items() if k not in VOLATILE}
    if isinstance(value, list):
        return [_strip(v) for v in value]
    return value


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _mask_text_table(text: str, separator: str) -> str:
    """`text` with the cells under a `MEASURED` title blanked, in every table whose header row
    (cells split on `separator`) names one; a table ends at the first line with another count
    of cells that is not a rule (``|---|`` in Markdown, ``\\midrule`` in LaTeX)."""
    lines, columns, width = text.split("\n"), [], 0
    for n, line in enumerate(lines):
        cells = line.split(separator)
        found = [i for i, cell in enumerate(cells) if cell.strip() in MEASURED.values()]
        if found:
            columns, width = found, len(cells)
        elif line.startswith("\\") or (line and set(line) <= set("|-: ")):
            continue
        elif columns and len(cells) == width:
            lines[n] = separator.join("" if i in columns else c for i, c in enumerate(cells))
        else:
            columns = []
    return "\n".join(lines)


def _mask_csv(text: str) -> str:
    """`text` (CSV with a header row) with the `MEASURED` columns blanked."""
    rows = list(csv.reader(io.StringIO(text)))
    if not rows:
        return text
    columns = [i for i, name in enumerate(rows[0]) if name in MEASURED]
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(
        [rows[0]] + [["" if i in columns else c for i, c in enumerate(r)] for r in rows[1:]]
    )
    return out.getvalue()


def _parquet_text(path: Path) -> str:
    """The schema and rows of the Parquet table `path`, `MEASURED` columns nulled."""
    import pyarrow.parquet as pq

    table = pq.read_table(path)
    rows = [{k: (None if k in MEASURED else v) for k, v in row.items()}
            for row in table.to_pylist()]  # fmt: skip
    return json.dumps({"schema": str(table.schema), "rows": rows}, sort_keys=True, default=repr)


def output_hash(path: Path, work: Path) -> str:
    """The sha256 of the output file `path`, volatile parts neutralised (module docstring)."""
    if path.suffix == ".parquet":
        text = _parquet_text(path)
    else:
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".csv":
            text = _mask_csv(text)
        elif path.suffix in SEPARATORS:
            text = _mask_text_table(text, SEPARATORS[path.suffix])
    return _sha(text.replace(str(work), "<WORK>").encode("utf-8"))


def run_config(name: str, work: Path, data: Path, src: Path) -> dict[str, str]:
    """Run examples/NAME.yaml on the tiny models in `work`; the hashes of its outputs."""
    import yaml

    raw = yaml.safe_load((EXAMPLES / f"{name}.yaml").read_text(encoding="utf-8"))
    for key in ("path", "pairs"):
        if key in raw["data"]:
            raw["data"][key] = str(data / Path(raw["data"][key]).relative_to("../../shared/data"))
    raw.update(
        teacher=str(work / "teacher"), student=str(work / "student"), device="cpu", workers=1,
        output=str(work / name),
    )  # fmt: skip
    config = work / f"{name}.yaml"
    config.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    env = {**os.environ, "OMP_NUM_THREADS": "1", "PYTHONPATH": str(src)}
    command = [sys.executable, "-m", "metacompress", "--quiet", "run", str(config),
               "--limit", str(LIMIT)]  # fmt: skip
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode not in (0, 1):  # 1: a gate failed, which tiny random models may do
        raise SystemExit(f"{name}: metacompress run failed ({done.returncode}):\n{done.stderr}")
    run_dir = work / name
    hashes = {
        p.relative_to(run_dir).as_posix(): output_hash(p, work)
        for p in sorted((run_dir / "tables").rglob("*"))
        if p.is_file()
    }
    for file in ("report.md", "report.junit.xml"):
        hashes[file] = output_hash(run_dir / file, work)
    for file in ("summary.json", "report.json"):
        body = _strip(json.loads((run_dir / file).read_text(encoding="utf-8")))
        text = json.dumps(body, sort_keys=True).replace(str(work), "<WORK>")
        hashes[file] = _sha(text.encode("utf-8"))
    text = (run_dir / "config.yaml").read_text(encoding="utf-8").replace(str(work), "<WORK>")
    hashes["config.yaml"] = _sha(text.encode("utf-8"))
    return hashes


def compute(
    src: Path = ROOT / "src", names: tuple[str, ...] = CONFIGS
) -> dict[str, dict[str, str]]:
    """The hashes of every config of `names`, run with the metacompress sources in `src`."""
    data = shared_data()
    if data is None:
        print("the shared data folder is missing (set METACOMPRESS_SHARED_DATA)", file=sys.stderr)
        raise SystemExit(2)
    sys.path.insert(0, str(ROOT / "src"))  # the model builder of this checkout
    from metacompress.testing.tiny import tiny_classifier

    with tempfile.TemporaryDirectory(prefix="mc-identity-") as tmp:
        work = Path(tmp)
        tiny_classifier(work / "teacher", 0)
        tiny_classifier(work / "student", 1)
        return {name: run_config(name, work, data, src) for name in names}


def compare(expected: dict[str, dict[str, str]], found: dict[str, dict[str, str]]) -> list[str]:
    """'CONFIG/FILE' of every output whose hash differs, is missing or is new."""
    return [
        f"{name}/{file}"
        for name in sorted(set(expected) | set(found))
        for file in sorted(set(expected.get(name, {})) | set(found.get(name, {})))
        if expected.get(name, {}).get(file) != found.get(name, {}).get(file)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    action = parser.add_mutually_exclusive_group(required=True)
    action.add_argument("--check", action="store_true", help="compare with the recorded hashes")
    action.add_argument("--record", action="store_true", help="write the recorded hashes")
    parser.add_argument(
        "--src",
        type=Path,
        default=ROOT / "src",
        help="the metacompress sources to run (default: ./src)",
    )
    args = parser.parse_args()
    found = compute(args.src.resolve())
    if args.record:
        RECORD.write_text(json.dumps(found, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        print(f"wrote {RECORD}")
        return 0
    differing = compare(json.loads(RECORD.read_text(encoding="utf-8")), found)
    for item in differing:
        print(f"differs: {item}")
    print("identical" if not differing else f"{len(differing)} output(s) differ")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
