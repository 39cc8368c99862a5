"""Crash safety: a writer killed outright (SIGKILL) never leaves a broken output.

``shequkit convert`` and ``shequkit sample`` are killed while writing a large
output. The target must then be exactly the previous file, or absent if there
was none; whatever the killed process left behind must be a hidden temporary
entry beside the target that no glob for the output's extension matches and
that only its owner can read. And ``atomic_write`` must fsync the file before
the rename and the directory after it.
"""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from shequkit._atomic import atomic_write

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL is POSIX")

COMMUNITIES = 1500  # about 160,000 records: seconds of writing, however fast the machine


def _shequkit(*args: str | Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "shequkit", *map(str, args)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _run(*args: str | Path) -> None:
    """Run a command to its end; it must succeed."""
    completed = subprocess.run(
        [sys.executable, "-m", "shequkit", *map(str, args)],
        capture_output=True,
        timeout=900,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")


@pytest.fixture(scope="module")
def large_input(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("input") / "large.jsonl"
    _run("sample", "-n", COMMUNITIES, "-o", path)
    return path


def _leftovers(directory: Path, target: Path) -> list[Path]:
    return sorted(p for p in directory.iterdir() if p.name.startswith(f".{target.name}."))


def _kill_while_writing(process: subprocess.Popen[bytes], target: Path, *, grown: bool) -> None:
    """SIGKILL ``process`` once its temporary output exists (and has data, if ``grown``)."""
    deadline = time.monotonic() + 600
    try:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"the writer finished before it could be killed: {target.name}")
            temps = [p for p in _leftovers(target.parent, target) if p.suffix == ".tmp"]
            if temps and (not grown or any(_size(p) > 64 * 1024 for p in temps)):
                process.send_signal(signal.SIGKILL)
                break
            time.sleep(0.002)
        else:
            pytest.fail("the temporary output never appeared")
    finally:
        process.kill()
        process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _assert_only_private_hidden_leftovers(directory: Path, target: Path) -> None:
    for entry in _leftovers(directory, target):
        mode = stat.S_IMODE(entry.lstat().st_mode)
        assert entry.name.startswith("."), entry
        assert entry.suffix != target.suffix, entry  # never picked up as an output
        assert entry.is_dir() or entry.suffix == ".tmp", entry
        assert mode & 0o077 == 0, f"{entry.name} is readable by others: {oct(mode)}"
    assert sorted(directory.glob(f"*{target.suffix}")) == ([target] if target.exists() else [])


@pytest.mark.parametrize(("suffix", "grown"), [(".jsonl", True), (".xml", True), (".xlsx", False)])
def test_convert_killed_while_writing_leaves_the_previous_target(
    tmp_path: Path, large_input: Path, suffix: str, grown: bool
) -> None:
    target = tmp_path / "out" / f"out{suffix}"
    target.parent.mkdir()
    small = tmp_path / "small.jsonl"
    _run("sample", "-n", "2", "-o", small)
    _run("convert", small, target)
    previous = target.read_bytes()

    _kill_while_writing(_shequkit("convert", large_input, target), target, grown=grown)

    assert target.read_bytes() == previous
    _assert_only_private_hidden_leftovers(target.parent, target)


def test_convert_killed_while_writing_a_new_target_leaves_none(
    tmp_path: Path, large_input: Path
) -> None:
    target = tmp_path / "new.jsonl"

    _kill_while_writing(_shequkit("convert", large_input, target), target, grown=True)

    assert not target.exists()
    _assert_only_private_hidden_leftovers(tmp_path, target)


@pytest.mark.parametrize("previous", [b"", b'{"kind": "meta", "complete": "previous file"}\n'])
def test_sample_killed_while_writing_leaves_the_previous_target_or_none(
    tmp_path: Path, previous: bytes
) -> None:
    target = tmp_path / "sample.jsonl"
    if previous:
        target.write_bytes(previous)

    process = _shequkit("sample", "-n", COMMUNITIES, "-o", target)
    _kill_while_writing(process, target, grown=True)

    assert target.read_bytes() == previous if previous else not target.exists()
    _assert_only_private_hidden_leftovers(tmp_path, target)


def test_a_killed_write_does_not_stop_the_next_one(tmp_path: Path, large_input: Path) -> None:
    target = tmp_path / "out" / "out.jsonl"
    target.parent.mkdir()
    _kill_while_writing(_shequkit("convert", large_input, target), target, grown=True)
    small = tmp_path / "small.jsonl"
    _run("sample", "-n", "2", "-o", small)

    _run("convert", small, target)

    assert target.read_bytes().count(b"\n") == small.read_bytes().count(b"\n")
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


# -- atomic_write itself ------------------------------------------------------------------------


def test_atomic_write_fsyncs_the_file_before_the_rename_and_the_directory_after(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "out.bin"
    synced: list[tuple[str, bool]] = []  # (what was fsynced, whether the target existed then)
    real_fsync = os.fsync

    def recording_fsync(fd: int) -> None:
        kind = "directory" if stat.S_ISDIR(os.fstat(fd).st_mode) else "file"
        synced.append((kind, target.exists()))
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", recording_fsync)
    with atomic_write(target) as stream:
        stream.write(b"data")

    assert synced == [("file", False), ("directory", True)]
    assert target.read_bytes() == b"data"


def test_atomic_write_keeps_the_incomplete_file_private(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    with atomic_write(target) as stream:
        (temp,) = _leftovers(tmp_path, target)
        mode_while_writing = stat.S_IMODE(temp.stat().st_mode)
        stream.write(b"data")

    assert mode_while_writing == 0o600
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~_umask()
    assert _leftovers(tmp_path, target) == []


def test_atomic_write_interrupted_by_an_exception_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "out.bin"
    target.write_bytes(b"old")

    def interrupted() -> None:
        with atomic_write(target) as stream:
            stream.write(b"new, half")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()

    assert target.read_bytes() == b"old"
    assert _leftovers(tmp_path, target) == []
