"""The shared stable hashes: the formulas of the docstring, the same in every process."""

from __future__ import annotations

import hashlib
import subprocess
import sys
from pathlib import Path

import metacompress
from metacompress.hashing import derive_seed, input_key


def test_input_key_is_sha256_of_the_compact_json_list():
    inputs = ("int f() { return 0; }", 'naïve "quoted"')
    text = '["int f() { return 0; }","naïve \\"quoted\\""]'
    assert input_key(inputs) == hashlib.sha256(text.encode("utf-8")).hexdigest()
    assert input_key(["a", "b"]) != input_key(["ab"]) != input_key(["a", "b", ""])


def test_derived_seeds_follow_the_formula_and_stay_below_2_63():
    digest = hashlib.sha256(b"7\0e1\0rename-locals").digest()
    assert derive_seed(7, "e1", "rename-locals") == int.from_bytes(digest[:8], "big") >> 1
    seeds = {derive_seed(s, e) for s in range(20) for e in ("a", "b")}
    assert len(seeds) == 40 and all(0 <= s < 2**63 for s in seeds)


SRC = str(Path(metacompress.__file__).resolve().parents[1])


def test_hashes_do_not_depend_on_the_process():
    code = "from metacompress.hashing import *; print(derive_seed(3, 'x'), input_key(['y']))"
    runs = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                       env={"PYTHONHASHSEED": str(n), "PYTHONPATH": SRC}).stdout
        for n in (1, 2)
    }  # fmt: skip
    assert runs == {f"{derive_seed(3, 'x')} {input_key(['y'])}\n"}
