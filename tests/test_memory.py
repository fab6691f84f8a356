"""transforms/memory.py: glibc allocator settings for local runs (no-ops elsewhere)."""

import os
import subprocess
import sys

from transforms.memory import limit_arenas, release_free_memory


def test_arenas_are_limited_for_this_process_and_the_ones_it_starts(monkeypatch):
    monkeypatch.delenv("MALLOC_ARENA_MAX", raising=False)
    limit_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "2"
    child = subprocess.run([sys.executable, "-c", "import os; print(os.environ['MALLOC_ARENA_MAX'])"],
                           capture_output=True, text=True, check=True)
    assert child.stdout.strip() == "2"
    monkeypatch.setenv("MALLOC_ARENA_MAX", "4")  # a user's own setting is kept
    limit_arenas()
    assert os.environ["MALLOC_ARENA_MAX"] == "4"
    release_free_memory()


def test_resident_is_built_once_shared_and_dropped_only_when_idle():
    import pickle
    import time

    from transforms.memory import Resident

    built, dropped = [], []

    def factory():
        built.append(object())
        return built[-1]

    resident = Resident("test-resident-idle", factory, idle_seconds=3600, drop=lambda: dropped.append(1))
    first = resident.acquire()
    assert resident.acquire() is first  # a second DoFn instance in the process: the same object
    assert len(built) == 1
    far = time.monotonic() + 7200
    assert not resident.drop_if_idle(far)  # two bundles still hold it
    resident.release()
    resident.release()
    assert not resident.drop_if_idle(time.monotonic())  # released, but not idle long enough
    assert resident.drop_if_idle(far)
    assert dropped == [1] and resident.stats() == {"held": False, "builds": 1, "drops": 1}
    assert resident.acquire() is not first  # built again on the next bundle
    resident.release()
    assert resident.stats()["builds"] == 2
    shipped = pickle.loads(pickle.dumps(Resident("test-resident-idle", dict, 3600)))  # a DoFn's copy: same key
    assert shipped.acquire() is resident.acquire()


def test_resident_watcher_drops_an_idle_object_by_itself():
    import time

    from transforms.memory import Resident

    resident = Resident("test-resident-watch", dict, idle_seconds=0.2)
    resident.acquire()
    resident.release()
    deadline = time.monotonic() + 10
    while resident.stats()["held"] and time.monotonic() < deadline:
        time.sleep(0.05)
    assert resident.stats() == {"held": False, "builds": 1, "drops": 1}
    never = Resident("test-resident-never", dict, idle_seconds=0)  # 0: kept for the process's life
    never.acquire()
    never.release()
    assert not never.drop_if_idle(time.monotonic() + 1e9)


def test_idle_residents_can_be_dropped_at_once():
    from transforms.memory import Resident, drop_idle_now

    held = Resident("test-resident-now", dict, idle_seconds=3600)
    held.acquire()
    busy = Resident("test-resident-busy", dict, idle_seconds=3600)
    busy.acquire()
    held.release()
    assert drop_idle_now() >= 1
    assert held.stats()["held"] is False and busy.stats()["held"] is True  # a bundle still holds it
    busy.release()
