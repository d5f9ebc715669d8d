"""Resume checks: a run directory continues only the run it holds, with the same models.

A run directory holds a run once its first stage has committed: that transaction records the
hash of every result-changing setting of the config (``meta.config_sha256``) and the
fingerprint of each model (``meta.fingerprint:ROLE``), the entries of `run_identity`. Before
that (a model that would not load, data that could not be read) the folder holds nothing and
any config may start there. `check_resume` refuses a directory that holds a run unless asked
to resume, a resume with another config (naming the result-changing settings that differ) and
a directory in another format of the tables (`check_format`); `check_fingerprints` refuses a
resume with other models.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from metacompress.errors import ConfigError
from metacompress.rundir.layout import CONFIG_NAME, FORMAT_VERSION
from metacompress.rundir.store import RunStore


def check_resume(
    store: RunStore, result_hash: str, config: Mapping[str, Any], run_dir: Path, resume: bool
) -> bool:
    """Whether this continues an earlier run; refuse a mismatched or unasked-for one.

    `result_hash` hashes the settings that can change a result; `config` holds those settings
    as plain values (to name the ones that differ; settings that cannot change a result, such
    as the number of workers, are not in it and never named).
    """
    check_format(store.get_meta("format_version"), run_dir)
    stored = store.get_meta("config_sha256")
    if stored is None:
        return False
    if not resume:
        raise ConfigError(
            f"run directory {run_dir} already holds a run; pass --resume to continue it, "
            "or choose another --out"
        )
    if stored != result_hash:
        old = read_config(run_dir)
        changed = sorted(k for k in config if old.get(k) != config[k]) if old else ["?"]
        raise ConfigError(
            f"cannot resume {run_dir}: its config differs in {', '.join(changed)}; "
            "resume with the config it was started with, or choose another --out"
        )
    return True


def check_format(version: str | None, run_dir: Path) -> None:
    """Refuse a run directory written in another format of the tables (ConfigError)."""
    if version is not None and version != FORMAT_VERSION:
        raise ConfigError(
            f"{run_dir} holds run-directory format {version}; this MetaCompress reads and writes "
            f"format {FORMAT_VERSION}; run the experiment again into another folder"
        )


def read_config(run_dir: Path) -> dict[str, Any]:
    """The resolved config a run directory was started with ({} when unreadable)."""
    import yaml

    try:
        return yaml.safe_load((run_dir / CONFIG_NAME).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        return {}


def check_fingerprints(store: RunStore, fingerprints: Mapping[str, str], run_dir: Path) -> None:
    """Refuse a model whose fingerprint changed since the run started."""
    for role, current in fingerprints.items():
        stored = store.get_meta(f"fingerprint:{role}")
        if stored is not None and stored != current:
            raise ConfigError(
                f"cannot resume {run_dir}: the {role} model changed since the run started "
                f"(fingerprint {stored[:12]} -> {current[:12]})"
            )


def run_identity(result_hash: str, fingerprints: Mapping[str, str]) -> dict[str, str]:
    """The ``meta`` entries the first stage records with its results (see the module doc)."""
    return {"config_sha256": result_hash, **{f"fingerprint:{r}": f for r, f in fingerprints.items()}}
