"""Local runs: the bytes of packed records wait in files, not in the runner's memory.

The in-process runner (FnApiRunner) keeps every PCollection that crosses a
shuffle or a fused-stage boundary in memory until its consumer has run.
Records cross them packed (:func:`transforms.record.pack`, Beam's coder of a
record); on a local run the packed bytes go one step further: :func:`park`
appends them to a per-process file in a spill folder and the runner holds a
17-byte ticket (a tag and the bytes' location) instead; :func:`unpark` reads
them back. Near dedup parks its shingle sets the same way. The runner's memory
then grows by a few dozen bytes a file, not by the files: a claim check, the
content waits where it can be fetched and only the ticket crosses the shuffle.

Spilling is switched on for a process (and the worker processes it starts) by
the environment variable :data:`ENV`, which the build sets, to a folder under
the release's staging folder, for local runners only: workers of Dataflow or
Flink share no disk, and those runners spill their shuffles themselves. The
folder is deleted when the run ends; after a crash, the next build clears it
with the rest of the staging folder.

Files are append-only and never rewritten, so a ticket stays valid for the
whole run. The cost is disk: every crossing writes the LZ4-compressed record
once (about 0.37 of its size).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import struct
import threading
from typing import Dict, Iterator, Optional, Tuple

#: the environment variable that names the spill folder of the current run
ENV = "CODESTACK_SPILL_DIR"
#: packed values shorter than this stay inline (a location is 16 bytes)
MIN_BYTES = 256

_LOCATION = struct.Struct("<IQI")  # writer pid, offset, length


class SpillError(OSError):
    """A spilled value cannot be read back (its run's spill folder is gone)."""


class _Store:
    """The spill folder of one run, as seen by one process: its own append-only
    file for writing, and read handles on every writer's file."""

    def __init__(self, folder: str):
        self.folder = folder
        self.pid = os.getpid()
        self._lock = threading.Lock()
        self._fd: Optional[int] = None
        self._offset = 0
        self._readers: Dict[int, int] = {}

    def _path(self, pid: int) -> str:
        return os.path.join(self.folder, f"{pid}.spill")

    def put(self, data: bytes) -> bytes:
        with self._lock:
            if self._fd is None:
                os.makedirs(self.folder, exist_ok=True)
                self._fd = os.open(self._path(self.pid), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
                self._offset = os.fstat(self._fd).st_size
            offset = self._offset
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
            self._offset += len(data)
        return _LOCATION.pack(self.pid, offset, len(data))

    def get(self, location) -> bytes:
        pid, offset, length = _LOCATION.unpack(location)
        fd = self._readers.get(pid)
        if fd is None:
            with self._lock:
                fd = self._readers.get(pid)
                if fd is None:
                    try:
                        fd = os.open(self._path(pid), os.O_RDONLY)
                    except OSError as exc:
                        raise SpillError(f"spilled value not found: {exc}") from None
                    self._readers[pid] = fd
        data = os.pread(fd, length, offset)
        if len(data) != length:
            raise SpillError(f"spilled value truncated: {self._path(pid)} has {len(data)} of {length} bytes at {offset}")
        return data

    def close(self) -> None:
        with self._lock:
            for fd in ([self._fd] if self._fd is not None else []) + list(self._readers.values()):
                os.close(fd)
            self._fd, self._readers = None, {}


_stores: Dict[Tuple[str, int], _Store] = {}
_stores_lock = threading.Lock()


def _store(folder: str) -> _Store:
    key = (folder, os.getpid())  # a forked child writes its own file
    store = _stores.get(key)
    if store is None:
        with _stores_lock:
            store = _stores.setdefault(key, _Store(folder))
    return store


def active() -> Optional[str]:
    """The spill folder of the current run, or None (spilling off)."""
    return os.environ.get(ENV) or None


_INLINE, _SPILLED = b"\x00", b"\x01"


def park(data: bytes) -> bytes:
    """``data`` as a tag and either ``data`` itself or, spilling on and ``data``
    at least :data:`MIN_BYTES` long, the 16-byte location where it was spilled."""
    folder = active()
    if not folder or len(data) < MIN_BYTES:
        return _INLINE + data
    return _SPILLED + _store(folder).put(data)


def unpark(parked) -> memoryview:
    """The ``data`` :func:`park` made ``parked`` of (as a memoryview)."""
    view = memoryview(parked)
    if view[:1] == _INLINE:
        return view[1:]
    folder = active()
    if not folder:
        raise SpillError(f"a spilled value was read with spilling off (${ENV} unset)")
    return memoryview(_store(folder).get(view[1:]))


@contextlib.contextmanager
def spilling(folder: str) -> Iterator[str]:
    """Switch spilling on for this process (and the workers it starts) while the
    block runs; afterwards close this process's files and delete ``folder``."""
    previous = os.environ.get(ENV)
    os.environ[ENV] = folder
    try:
        yield folder
    finally:
        if previous is None:
            os.environ.pop(ENV, None)
        else:
            os.environ[ENV] = previous
        with _stores_lock:
            for key in [k for k in _stores if k[0] == folder]:
                _stores.pop(key).close()
        shutil.rmtree(folder, ignore_errors=True)
