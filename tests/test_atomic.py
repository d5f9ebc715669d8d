"""Output files appear only when complete; storage failures are StorageErrors naming the path."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from metacompress.atomic import (
    StorageError,
    atomic_output,
    staged_folder,
    write_atomic,
)


def test_a_failed_write_keeps_what_the_file_held_and_leaves_no_temporary(tmp_path):
    path = tmp_path / "report.md"
    write_atomic(path, "old\n")
    with pytest.raises(RuntimeError), atomic_output(path) as handle:
        handle.write("half of the new")
        raise RuntimeError("interrupted")
    assert path.read_text() == "old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.md"]


def test_a_full_disk_is_a_storage_error_and_no_partial_file(tmp_path):
    """A file-size limit (RLIMIT_FSIZE) makes writes fail as a full disk does (EFBIG)."""
    script = textwrap.dedent(f"""
        import resource
        resource.setrlimit(resource.RLIMIT_FSIZE, (10_000, 10_000))
        from metacompress.atomic import StorageError, write_atomic
        try:
            write_atomic({str(tmp_path / "big.txt")!r}, "x" * 100_000)
        except StorageError as error:
            print("StorageError:", error)
    """)
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                          timeout=120)  # fmt: skip
    assert done.stdout.startswith(f"StorageError: cannot write to {tmp_path}"), done.stderr
    assert "File too large" in done.stdout
    assert list(tmp_path.iterdir()) == []


def test_a_staged_folder_moves_its_entries_in_with_the_named_one_last(tmp_path, monkeypatch):
    out = tmp_path / "export"
    (out / "model-tokenizer").mkdir(parents=True)
    (out / "model-tokenizer" / "stale.json").write_text("{}")
    moved = []
    import metacompress.atomic as atomic

    real_replace = atomic.os.replace
    monkeypatch.setattr(atomic.os, "replace", lambda a, b: (moved.append(b.name),
                                                           real_replace(a, b)))  # fmt: skip
    with staged_folder(out, last="model.yaml") as staging:
        (staging / "model.yaml").write_text("format: onnx\n")
        (staging / "model.onnx").write_bytes(b"graph")
        (staging / "model-tokenizer").mkdir()
        (staging / "model-tokenizer" / "tokenizer.json").write_text("{}")
    assert moved[-1] == "model.yaml"
    assert sorted(p.name for p in out.iterdir()) == ["model-tokenizer", "model.onnx", "model.yaml"]
    assert [p.name for p in (out / "model-tokenizer").iterdir()] == ["tokenizer.json"]


def test_a_failed_staged_export_leaves_the_destination_untouched(tmp_path):
    out = tmp_path / "export"
    out.mkdir()
    (out / "model.yaml").write_text("the earlier export\n")
    with pytest.raises(StorageError), staged_folder(out, last="model.yaml") as staging:
        (staging / "model.onnx").write_bytes(b"half")
        raise StorageError("disk full")
    assert [p.name for p in out.iterdir()] == ["model.yaml"]
    assert (out / "model.yaml").read_text() == "the earlier export\n"
