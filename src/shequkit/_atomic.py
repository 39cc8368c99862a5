"""Atomic file writes: a temporary file in the target's directory, renamed into place.

An interrupted write (exception, Ctrl-C, SIGKILL, power loss) never leaves a
truncated output: either the old file is still there or the complete new one
is. The order is: write the temporary file, flush and ``fsync`` it, rename it
over the target (atomic on POSIX and Windows), then ``fsync`` the directory so
the rename itself survives a power loss.

An exception removes the temporary file. A process killed outright cannot: it
leaves a hidden ``.<name>.<random>.tmp`` beside the target, which no glob for
the output's extension matches and which only its owner can read (it is
created ``0600`` and given the usual permissions only when complete), since a
half-written export may hold personal data. Such leftovers may be deleted.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

__all__ = ["atomic_write", "create_private"]


@contextlib.contextmanager
def atomic_write(path: str | os.PathLike[str], *, fsync: bool = True) -> Iterator[IO[bytes]]:
    """Open a binary temporary file next to ``path``; on success rename it onto ``path``.

    On any exception the temporary file is removed and ``path`` is untouched.
    The file ends with the permissions a plain ``open()`` would give it (the
    umask applies), not mkstemp's ``0600``.

    Args:
        path: the target file.
        fsync: flush the file and, after the rename, its directory to disk.
            Turn off only for scratch output where durability does not matter.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    # mkstemp creates the file 0600: private while incomplete.
    handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    try:
        with os.fdopen(handle, "wb") as stream:
            yield stream
            stream.flush()
            if fsync:
                os.fsync(stream.fileno())
        os.chmod(temp_name, 0o666 & ~_umask())
        os.replace(temp_name, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp_name)
        raise
    if fsync:
        _fsync_directory(directory)


def _umask() -> int:
    """The process umask, read without changing it where the system allows."""
    with contextlib.suppress(OSError, ValueError), open("/proc/self/status") as status:
        for line in status:
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    # Elsewhere it can only be read by setting it: restore at once.
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def _fsync_directory(directory: Path) -> None:
    # Make the rename itself durable; directories cannot be opened on Windows.
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def create_private(path: str | os.PathLike[str]) -> None:
    """Create ``path`` empty and owner-only (``0600``) unless it exists.

    For files that hold personal data and are not outputs for others: sync state and
    sandbox databases (SQLite gives their ``-wal`` and ``-shm`` files the same mode).
    SQLite's in-memory name ``":memory:"`` is not a file and is left alone.
    """
    if os.fspath(path) in (":memory:", ""):
        return
    try:
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return
    os.close(descriptor)
