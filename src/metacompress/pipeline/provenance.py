"""Where a run's numbers came from: package versions, git commit, host, model identities."""

from __future__ import annotations

import os
import platform
import subprocess
import sys
from importlib import metadata
from pathlib import Path
from typing import Any

#: Distributions whose versions are recorded (those that can change a number of a run).
PACKAGES = (
    "metacompress", "numpy", "scipy", "torch", "transformers", "tokenizers", "safetensors",
    "tree-sitter", "tree-sitter-c", "tree-sitter-java", "pyarrow", "scikit-learn", "pyyaml",
    "onnxruntime",
)  # fmt: skip

#: Keys of a model's `describe()` (or attributes) that hold a checksum of its loaded weights.
CHECKSUM_KEYS = ("weights_sha256", "weights_checksum", "checksum")


def versions() -> dict[str, str | None]:
    """Installed version of each of PACKAGES (None when absent), and Python's."""
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            found[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            found[name] = None
    return found


def git_commit(folder: Path | None = None) -> str | None:
    """The commit checked out where the metacompress sources live (None outside a checkout).

    A "+dirty" suffix marks uncommitted changes to tracked files.
    """
    where = folder or Path(__file__).resolve().parent
    try:
        commit = subprocess.run(
            ["git", "-C", str(where), "rev-parse", "HEAD"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
        dirty = subprocess.run(
            ["git", "-C", str(where), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True, text=True, timeout=10, check=True,
        ).stdout.strip()  # fmt: skip
    except (OSError, subprocess.SubprocessError):
        return None
    return f"{commit}+dirty" if dirty else commit


def host() -> dict[str, Any]:
    return {
        "name": platform.node(),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
    }


def describe_model(model: Any, spec: Any) -> dict[str, Any]:
    """Fingerprint, spec, the model's own description and its weight checksum when it has one."""
    info: dict[str, Any] = {"spec": spec, "fingerprint": model.fingerprint}
    describe = getattr(model, "describe", None)
    if callable(describe):
        info["description"] = describe()
    checksum = None
    for key in CHECKSUM_KEYS:
        checksum = checksum or getattr(model, key, None) or info.get("description", {}).get(key)
    info["weights_sha256"] = checksum
    return info
