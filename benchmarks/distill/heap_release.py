"""CPU time and peak memory of training under four heap settings: glibc's defaults (`default`);
the heap's free pages given back after a step when more than `memory.SLACK_BYTES` are free
(`slack`, what `training.fit` does); given back after every step (`always`); glibc's mmap
threshold fixed at a size (a number of bytes; what `fit` did until 2026-12-02: 65536).

Masked-LM pre-training of the cpu budget's Devign teacher (`teacher_preset("cpu",
"vulnerability")`: 4 layers x 128, batches of 32 x up to 256 tokens) for STEPS steps on one
torch thread; the tokenizer is trained first and not measured. Run the settings at the same
time, one process each, and compare within that run:

    for s in default slack always 65536; do
        OMP_NUM_THREADS=1 python benchmarks/distill/heap_release.py $s 60 OUT_$s &
    done; wait

Prints user and system CPU seconds of the training, its wall seconds, the resident size when
training starts, the peak resident size during training (the kernel's high-water mark, reset
when training starts: the tokenizer's training before it peaks higher than some settings'
steps) and at its end, and the last training loss (the same in every setting: allocation
changes no arithmetic).
"""

from __future__ import annotations

import json
import os
import resource
import sys
import time
from pathlib import Path

import torch

import metacompress.distill.memory as memory
import metacompress.distill.training as training
from metacompress.distill.presets import task_data, teacher_preset
from metacompress.distill.teacher import build_teacher
from metacompress.distill.training import FitSettings

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from process_memory import reset_peak, status_mb  # noqa: E402

SHARED = Path(os.environ.get("METACOMPRESS_SHARED_DATA", Path(__file__).parents[2] / ".." / "shared" / "data"))  # fmt: skip


def use_setting(setting: str) -> None:
    if setting == "slack":
        return
    if setting == "always":
        training.release_freed_heap = lambda: memory.release_freed_heap(slack_bytes=-1)
        return
    training.release_freed_heap = lambda: False
    if setting != "default":
        assert memory.fix_mmap_threshold(int(setting))


def main(setting: str, steps: int, out: Path) -> None:
    torch.set_num_threads(1)
    use_setting(setting)
    data = task_data("cpu", "vulnerability", SHARED)
    preset = teacher_preset("cpu", "vulnerability")
    codes = list(data.pretrain_codes)
    teacher = build_teacher("roberta", "vulnerability", preset, codes, out, None, False)
    fit = FitSettings(
        preset.mlm_epochs, preset.mlm_learning_rate, preset.batch_size, 0,
        desc="pre-training", eval_every=steps, max_steps=steps,
    )  # fmt: skip
    reset_peak()
    start_mb = status_mb("VmRSS")["VmRSS"]
    before, started = resource.getrusage(resource.RUSAGE_SELF), time.time()
    teacher.pretrain(codes, fit, out / "mlm", None, None)
    after = resource.getrusage(resource.RUSAGE_SELF)
    peak_mb, end_mb = status_mb("VmHWM")["VmHWM"], status_mb("VmRSS")["VmRSS"]
    loss = json.loads((out / "mlm" / "metrics.json").read_text())[-1]["train_loss"]
    print(f"setting={setting} steps={steps} user_s={after.ru_utime - before.ru_utime:.1f} "
          f"sys_s={after.ru_stime - before.ru_stime:.1f} wall_s={time.time() - started:.0f} "
          f"start_mb={start_mb:.0f} peak_mb={peak_mb:.0f} end_mb={end_mb:.0f} "
          f"loss={loss:.4f}")  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
