"""Resident memory of this process from Linux's /proc, for the benchmarks' memory columns.

A file of its own, importing nothing of metacompress (whose import would count in the
"start" stage the memory benchmarks measure); a benchmark finds it with
`sys.path.insert(0, str(Path(__file__).resolve().parents[1]))`.

`status_mb(fields)` reads fields of /proc/self/status (VmRSS: resident now; VmHWM: the peak
resident size; RssAnon, RssFile: the anonymous and file-backed parts) in MiB (kB // 1024, the
unit every benchmark README here calls MB). `reset_peak()` writes 5 to /proc/self/clear_refs,
which sets VmHWM to the current VmRSS, so the next VmHWM is the peak of what follows.
"""

from __future__ import annotations


def status_mb(*fields: str) -> dict[str, int]:
    """The given fields of /proc/self/status in MiB."""
    with open("/proc/self/status", encoding="ascii") as handle:
        found = dict(line.split(":", 1) for line in handle)
    return {name: int(found[name].split()[0]) // 1024 for name in fields}


def reset_peak() -> None:
    """Start a new peak-resident-memory measurement (VmHWM := VmRSS)."""
    with open("/proc/self/clear_refs", "w", encoding="ascii") as handle:
        handle.write("5")
