"""glibc's allocator on local runs: fewer arenas, and freed memory handed back.

A process with many threads (the fetch pool, Beam's data channels) gets up to 8 malloc
arenas per core, each keeping what was freed in it; after ScanCode's index has been
unpickled (1.4 million objects), about 0.1-0.35 GB of freed memory stays with the
process. Measured on a 2.3 GB ``--workers 2`` build (bench/bench_memory.py): the
process tree's peak RSS 4.87 -> 4.34 GB with two arenas, CPU unchanged. Elsewhere
(another libc, macOS) these calls do nothing.

:class:`Resident` holds a heavy per-process object (ScanCode's index) while bundles
use it and drops it when they stop.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import logging
import os
import threading
import time

#: glibc's mallopt parameter for the number of arenas
_M_ARENA_MAX = -8
ARENAS = "2"


def _libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


def limit_arenas() -> None:
    """This process uses at most two malloc arenas, and so do the processes it starts
    (``MALLOC_ARENA_MAX``, read by glibc when a process starts)."""
    os.environ.setdefault("MALLOC_ARENA_MAX", ARENAS)
    libc = _libc()
    if libc is not None and hasattr(libc, "mallopt"):
        libc.mallopt(_M_ARENA_MAX, int(os.environ["MALLOC_ARENA_MAX"]))


def release_free_memory() -> None:
    """Hand memory that is free in malloc's arenas back to the system (``malloc_trim``)."""
    libc = _libc()
    if libc is not None and hasattr(libc, "malloc_trim"):
        libc.malloc_trim(0)


class Resident:
    """A heavy object (ScanCode's index: ~1 GB) held once per process while bundles use
    it, and dropped once no bundle has used it for ``idle_seconds``.

    ``apache_beam.utils.shared.Shared`` keeps what it built for the life of the process;
    but a worker runs a stage's bundles and then moves on to later stages (on the local
    runner one stage after the other), and the license stage's index would sit through
    dedup, redaction and the sink. Measured on a 2.3 GB ``--workers 2`` build
    (bench/bench_memory.py): each worker's RSS fell from 1.66 to 0.88 GB 30 s after its
    last license bundle, and the tree's peak from 4.34 to 3.71 GB. If a bundle comes after the drop, the object is built again
    (``factory``, ~2 s for the index), so results never depend on it.

    DoFns call :meth:`acquire` in ``start_bundle`` and :meth:`release` in
    ``finish_bundle``; ``drop`` (optional) forgets what the factory cached elsewhere
    (ScanCode's own module-level cache). Instances are picklable: what they share
    lives in this module, under ``key``. ``idle_seconds`` 0 keeps the object for
    the life of the process.
    """

    def __init__(self, key: str, factory, idle_seconds: float = 30.0, drop=None):
        self.key = key
        self.factory = factory
        self.idle_seconds = idle_seconds
        self.drop = drop

    def _slot(self) -> "_Slot":
        with _SLOTS_LOCK:
            slot = _SLOTS.get(self.key)
            if slot is None:
                slot = _SLOTS[self.key] = _Slot()
            return slot

    def acquire(self):
        slot = self._slot()
        with slot.lock:
            slot.active += 1
            if slot.value is None:
                started = time.monotonic()
                slot.value = self.factory()
                slot.builds += 1
                _LOG.info("%s: built (%d time(s) in this process) in %.1f s", self.key, slot.builds,
                          time.monotonic() - started)
            value = slot.value
        if self.idle_seconds > 0:
            slot.watch(self)
        return value

    def release(self) -> None:
        slot = self._slot()
        with slot.lock:
            slot.active = max(0, slot.active - 1)
            slot.last_used = time.monotonic()

    def drop_if_idle(self, now: float) -> bool:
        """Drops the object if no bundle holds it and none used it for ``idle_seconds``."""
        if self.idle_seconds <= 0:
            return False
        slot = self._slot()
        with slot.lock:
            if slot.value is None or slot.active or now - slot.last_used < self.idle_seconds:
                return False
            slot.value = None
            slot.drops += 1
            _LOG.info("%s: dropped after %.0f s unused", self.key, now - slot.last_used)
            if self.drop is not None:
                self.drop()
        import gc

        gc.unfreeze()  # what the factory froze (gc.freeze) is collectable again
        gc.collect()
        release_free_memory()
        return True

    def stats(self) -> dict:
        slot = self._slot()
        return {"held": slot.value is not None, "builds": slot.builds, "drops": slot.drops}


def drop_idle_now() -> int:
    """Drop every resident object no bundle holds, however recently used (a process about
    to measure its own memory, e.g. a test); returns how many were dropped."""
    dropped = 0
    with _SLOTS_LOCK:
        keys = list(_SLOTS)
    for key in keys:
        slot = _SLOTS[key]
        resident = slot.resident
        if resident is not None:
            with slot.lock:
                slot.last_used = float("-inf")
            dropped += resident.drop_if_idle(time.monotonic())
    return dropped


class _Slot:
    def __init__(self):
        self.lock = threading.Lock()
        self.value = None
        self.active = 0
        self.last_used = time.monotonic()
        self.builds = 0
        self.drops = 0
        self.watcher = None
        self.resident = None

    def watch(self, resident: Resident) -> None:
        """One daemon thread per slot and process looks every few seconds."""
        with self.lock:
            self.resident = resident
            if self.watcher is not None and self.watcher.is_alive():
                return
            period = max(0.05, min(5.0, resident.idle_seconds / 4))

            def loop():
                while True:
                    time.sleep(period)
                    resident.drop_if_idle(time.monotonic())

            self.watcher = threading.Thread(target=loop, daemon=True, name=f"resident-{resident.key[:8]}")
            self.watcher.start()


_LOG = logging.getLogger(__name__)
_SLOTS: dict = {}
_SLOTS_LOCK = threading.Lock()
