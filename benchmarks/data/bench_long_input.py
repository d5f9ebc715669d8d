"""Peak memory of loading and tokenizing data that holds one 5 MB function, with the default
bound on code length (`metacompress.data.rows.MAX_CODE_CHARS`) and with the bound raised.

    python benchmarks/data/bench_long_input.py --out benchmarks/data/results/long_input.json

The data: 200 synthetic vulnerability functions (`metacompress.data.synth`, seed 0) and one
function of about 5 MB (a straight line of 131,000 assignments). Each measurement runs in a
fresh process, which loads the file with `load_examples(max_chars=...)` and encodes every
loaded function with the Compressor BPE-6000 vulnerability tokenizer of ../shared/data (as the
models' encoders do before truncating), and reports its own peak resident memory
(`ru_maxrss`), wall and CPU seconds.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = """
import json, resource, sys, time
from tokenizers import Tokenizer
from metacompress.data import load_examples
path, tokenizer, max_chars = sys.argv[1], sys.argv[2], int(sys.argv[3])
wall, cpu = time.perf_counter(), time.process_time()
result = load_examples(path, "vulnerability", max_chars=max_chars)
backend = Tokenizer.from_file(tokenizer)
tokens = sum(len(backend.encode(e.inputs[0]).ids) for e in result.examples)
print(json.dumps({
    "max_chars": max_chars, "examples": len(result.examples),
    "skipped": [str(s) for s in result.skipped], "tokens": tokens,
    "wall_s": round(time.perf_counter() - wall, 2), "cpu_s": round(time.process_time() - cpu, 2),
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
}))
"""


def write_data(path: Path) -> int:
    from metacompress.data.export import example_to_record
    from metacompress.data.synth import generate

    lines = ["int big(int a) {", "    int x0 = a;"]
    lines += [f"    int x{i} = x{i - 1} + {i} * a;" for i in range(1, 131_000)]
    big = "\n".join([*lines, "    return x130999;", "}"])
    with open(path, "w", encoding="utf-8") as handle:
        for example in generate("vulnerability", 200, 0):
            handle.write(json.dumps(example_to_record(example, "vulnerability")) + "\n")
        handle.write(json.dumps({"idx": 999_999, "func": big, "target": 1}) + "\n")
    return len(big)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--shared-data", type=Path,
                        default=Path(__file__).resolve().parents[3] / "shared" / "data")
    args = parser.parse_args()
    tokenizer = args.shared_data / "compressor-tokenizers" / "vulnerability_prediction-BPE_6000.json"
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data.jsonl"
        big_chars = write_data(data)
        runs = []
        for max_chars in (200_000, 10_000_000):
            done = subprocess.run([sys.executable, "-c", CHILD, str(data), str(tokenizer),
                                   str(max_chars)], capture_output=True, text=True, check=True)
            runs.append(json.loads(done.stdout))
    report = {
        "command": "python benchmarks/data/bench_long_input.py --out " + str(args.out),
        "big_function_chars": big_chars,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                    "load_average": os.getloadavg(), "date": time.strftime("%Y-%m-%d")},
        "runs": runs,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
