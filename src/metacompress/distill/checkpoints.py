"""Training checkpoints: one folder per evaluation, the latest `keep` kept, plus the best model.

`step-N/state.pt` holds the model, optimizer and scheduler state dicts, torch's random state
(so a resumed run draws the same dropout masks) and the loop's counters (step, CPU and wall
seconds used, best value, evaluations since the best); `step-N/history.json` the evaluation
records so far. `best/model.pt` holds the weights of the best evaluation. Everything is loaded
with `weights_only=True`. A folder counts only once its history file exists (it is written
last), so a run killed while saving resumes from the previous checkpoint.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any


class Checkpoints:
    """The checkpoints of one training stage, under `root`."""

    def __init__(self, root: Path, keep: int = 2) -> None:
        self.root = Path(root)
        self.keep = keep

    def _done(self) -> list[Path]:
        return [p for p in self.root.glob("step-*") if (p / "history.json").is_file()]

    def latest(self) -> Path | None:
        return max(self._done(), key=lambda p: int(p.name.split("-")[1]), default=None)

    def save(self, step: int, state: dict[str, Any], history: list[dict]) -> None:
        import torch

        folder = self.root / f"step-{step}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        torch.save(state, folder / "state.pt")
        (folder / "history.json").write_text(json.dumps(history, indent=1))
        steps = sorted(int(p.name.split("-")[1]) for p in self.root.glob("step-*"))
        for old in steps[: max(0, len(steps) - self.keep)]:
            shutil.rmtree(self.root / f"step-{old}", ignore_errors=True)

    def save_best(self, model_state: dict[str, Any]) -> None:
        import torch

        (self.root / "best").mkdir(parents=True, exist_ok=True)
        partial = self.root / "best" / "model.pt.partial"
        torch.save(model_state, partial)
        partial.replace(self.root / "best" / "model.pt")

    def load(self, folder: Path) -> tuple[dict[str, Any], list[dict]]:
        import torch

        state = torch.load(folder / "state.pt", weights_only=True)
        return state, json.loads((folder / "history.json").read_text())

    def load_best(self) -> dict[str, Any] | None:
        import torch

        path = self.root / "best" / "model.pt"
        return torch.load(path, weights_only=True) if path.is_file() else None

    def clear(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)
