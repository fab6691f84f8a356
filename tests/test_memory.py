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
