"""Fingerprint every transformation's outputs on real code, to prove a refactoring changed none
of them (or only the ones it meant to).

    python benchmarks/transforms/output_hashes.py --out /tmp/before.jsonl
    ... change the code ...
    python benchmarks/transforms/output_hashes.py --out /tmp/after.jsonl --compare /tmp/before.jsonl

Every transformation registered in TRANSFORMS is applied with its default parameters and seeds
0 and 1 to each of the 2,732 Devign test functions (C) and the first 1,500 BigCloneBench
methods (Java, `--java-n`). One JSON line per (transformation, corpus, seed) holds the sha256 of
the whole run and a 12-hex-digit sha256 of each call's answer: the output code when it
applied, `not applicable: <reason>` when it did not. `--compare` names every (transformation,
corpus, seed, function) whose answer differs, the first few with a diff of the two outputs
when the old run is a `--details` file (the outputs kept in full), and exits 1 when any does.
"""

from __future__ import annotations

import argparse
import difflib
import hashlib
import json
import lzma
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("METACOMPRESS_SHARED_DATA", ROOT.parent / "shared" / "data"))
CORPORA = {
    "devign": ("devign/test.jsonl.xz", "c"),
    "bigclonebench": ("bigclonebench/data.jsonl.xz", "java"),
}
SEEDS = (0, 1)
NOT_APPLICABLE = "not applicable: "


def load(corpus: str, n: int | None) -> list[str]:
    path, _ = CORPORA[corpus]
    with lzma.open(SHARED / path, "rt", encoding="utf-8") as handle:
        funcs = [json.loads(line)["func"] for line in handle]
    return funcs[:n] if n else funcs


def answer(transformation, code: str, lang: str, seed: int) -> str:
    """What one call gives: the output code, or the reason it does not apply."""
    from metacompress.code.transform import Applied

    result = transformation.apply(code, lang, seed)
    return result.code if isinstance(result, Applied) else f"{NOT_APPLICABLE}{result.reason}"


def fingerprints(
    corpora: dict[str, list[str]], only: list[str] | None, details: bool
) -> list[dict]:
    from metacompress.code.combine import is_combinator
    from metacompress.code.transform import TRANSFORMS

    rows = []
    for entry in TRANSFORMS.entries():
        if only and entry.name not in only:
            continue
        transformation = TRANSFORMS.create(entry.name)
        for corpus, funcs in corpora.items():
            lang = CORPORA[corpus][1]
            if lang not in entry.meta.get("languages", ()):
                continue
            for seed in SEEDS:
                whole = hashlib.sha256()
                items, texts, applied = [], [], []
                for code in funcs:
                    text = answer(transformation, code, lang, seed)
                    digest = hashlib.sha256(text.encode("utf-8"))
                    whole.update(digest.digest())
                    items.append(digest.hexdigest()[:12])
                    applied.append("0" if text.startswith(NOT_APPLICABLE) else "1")
                    if details:
                        texts.append(text)
                row = {
                    "transform": entry.name,
                    "corpus": corpus,
                    "seed": seed,
                    "n": len(funcs),
                    "sha256": whole.hexdigest(),
                    "items": items,
                    "applied": "".join(applied),
                    "combinator": is_combinator(entry.obj),
                }
                if details:
                    row["texts"] = texts
                rows.append(row)
                print(f"{entry.name:30} {corpus:14} seed {seed}  {row['sha256'][:16]}", flush=True)
    return rows


def compare(new_rows: list[dict], old_path: Path, shown: int) -> int:
    """Print every answer that differs from the run in `old_path`; the number of them."""
    with old_path.open(encoding="utf-8") as handle:
        old = {(r["transform"], r["corpus"], r["seed"]): r for r in map(json.loads, handle)}
    differing = 0
    for row in new_rows:
        key = (row["transform"], row["corpus"], row["seed"])
        before = old.get(key)
        if before is None:
            print(f"new: {key} (not in {old_path})")
            continue
        if before["sha256"] == row["sha256"]:
            continue
        changed = [
            i for i, (a, b) in enumerate(zip(before["items"], row["items"], strict=True)) if a != b
        ]
        differing += len(changed)
        old_applied, new_applied = _applied(before), row["applied"]
        gained = sum(a == "0" and b == "1" for a, b in zip(old_applied, new_applied, strict=True))
        lost = sum(a == "1" and b == "0" for a, b in zip(old_applied, new_applied, strict=True))
        print(
            f"changed: {key}: {len(changed)} of {row['n']} answers (now applicable {gained}, "
            f"no longer applicable {lost}): {changed[:20]}"
        )
        if "texts" in before and "texts" in row:
            for index in changed[:shown]:
                diff = difflib.unified_diff(
                    before["texts"][index].splitlines(),
                    row["texts"][index].splitlines(),
                    f"before #{index}",
                    f"after #{index}",
                    lineterm="",
                    n=1,
                )
                print("\n".join(diff))
    missing = set(old) - {(r["transform"], r["corpus"], r["seed"]) for r in new_rows}
    for key in sorted(missing):
        print(f"gone: {key}")
    for (corpus, seed), (was, now) in sorted(_transformable(old.values(), new_rows).items()):
        print(
            f"{corpus} seed {seed}: functions some single transformation applies to: "
            f"{was} before, {now} after"
        )
    return differing


def _applied(row: dict) -> str:
    """The row's applied flags (derived from its outputs for a file written without them)."""
    if "applied" in row:
        return row["applied"]
    return "".join("0" if text.startswith(NOT_APPLICABLE) else "1" for text in row["texts"])


def _transformable(old_rows, new_rows) -> dict[tuple[str, int], tuple[int, int]]:
    """(corpus, seed) -> how many functions at least one non-combinator transformation applied
    to, in the old run and in the new one (over the transformations both runs hold)."""
    old = {(r["transform"], r["corpus"], r["seed"]): r for r in old_rows}
    counts: dict[tuple[str, int], list[set[int]]] = {}
    for row in new_rows:
        before = old.get((row["transform"], row["corpus"], row["seed"]))
        if (
            before is None
            or row.get("combinator")
            or "texts" not in before
            and "applied" not in before
        ):
            continue
        sets = counts.setdefault((row["corpus"], row["seed"]), [set(), set()])
        sets[0].update(i for i, flag in enumerate(_applied(before)) if flag == "1")
        sets[1].update(i for i, flag in enumerate(row["applied"]) if flag == "1")
    return {key: (len(a), len(b)) for key, (a, b) in counts.items()}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True, help="JSON lines written here")
    parser.add_argument("--compare", type=Path, default=None, help="an earlier --out file")
    parser.add_argument("--c-n", type=int, default=None, help="first N Devign functions")
    parser.add_argument("--java-n", type=int, default=1500, help="first N BigCloneBench methods")
    parser.add_argument("--only", nargs="*", default=None, help="transformation names")
    parser.add_argument("--details", action="store_true", help="keep every output in full")
    parser.add_argument("--show", type=int, default=3, help="diffs shown per changed run")
    args = parser.parse_args()

    corpora = {
        "devign": load("devign", args.c_n),
        "bigclonebench": load("bigclonebench", args.java_n),
    }
    rows = fingerprints(corpora, args.only, args.details)
    tmp = args.out.with_name(args.out.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as handle:
        for row in rows:
            handle.write(json.dumps(row) + "\n")
    tmp.replace(args.out)
    if args.compare is None:
        return 0
    differing = compare(rows, args.compare, args.show)
    print(f"{differing} answers differ" if differing else "all answers identical")
    return 1 if differing else 0


if __name__ == "__main__":
    sys.exit(main())
