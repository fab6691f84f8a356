"""Memory and fan-out at scale.

- The git source streams a repository: the peak memory (tracemalloc) of walking
  100k files is that of walking 10k, whether the files sit in folders of a
  hundred or all in one folder; holding the records instead would take ~50 MB.
- Hot keys (thousands of blobs behind one dedup key, one LSH bucket shared by
  a thousand files) are tested where the dedup stages are: ``tests/test_dedup.py``
  (``test_exact_hot_key``, ``test_hot_bucket_is_one_star_component`` and the hot
  key in ``test_beam_stages_equal_the_core_in_process_and_two_workers``).
"""

import tracemalloc

import pytest

from pipeline.sources.git import read_repository
from transforms.base import DictCounter

pytestmark = pytest.mark.slow

FIXED_TIME = 1_700_000_000


def make_wide_repository(folder: str, files: int, per_folder: int, per_parent: int = 100) -> None:
    """A bare repository of ``files`` files, ``per_folder`` to a folder and ``per_parent``
    folders to a parent, written with TreeBuilder (the blobs are 100 shared small ones:
    the walk reads each entry's header, not its bytes)."""
    import pygit2

    repo = pygit2.init_repository(folder, bare=True, initial_head="main")
    repo.remotes.create("origin", "https://github.com/scale-test/wide")
    blobs = [repo.create_blob(b"value = %d\n" % i) for i in range(100)]
    parents = {}
    for index in range((files + per_folder - 1) // per_folder):
        builder = repo.TreeBuilder()
        for i in range(min(per_folder, files - index * per_folder)):
            builder.insert(f"file_{i:06d}.py", blobs[i % len(blobs)], pygit2.GIT_FILEMODE_BLOB)
        parent = parents.setdefault(index // per_parent, repo.TreeBuilder())
        parent.insert(f"folder_{index % per_parent:03d}", builder.write(), pygit2.GIT_FILEMODE_TREE)
    root = repo.TreeBuilder()
    for index, parent in sorted(parents.items()):
        root.insert(f"part_{index:03d}", parent.write(), pygit2.GIT_FILEMODE_TREE)
    author = pygit2.Signature("Scale Author", "author@example.org", FIXED_TIME, 0)
    repo.create_commit("refs/heads/main", author, author, "Import\n", root.write(), [])


def walk_peak(folder: str):
    """``(records, peak bytes, counters)`` of consuming ``read_repository`` as the source does."""
    from transforms.memory import drop_idle_now

    drop_idle_now()  # an earlier test's ScanCode index is not dropped by its watcher while this measures
    count = DictCounter()
    records = 0
    tracemalloc.start()
    try:
        for _record in read_repository(folder, count):
            records += 1
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return records, peak, count


@pytest.mark.parametrize("per_folder", [100, None], ids=["folders-of-100", "one-folder"])
def test_git_source_streams_a_repository_of_100k_files(tmp_path, per_folder):
    peaks = {}
    for files in (10_000, 100_000):
        folder = str(tmp_path / f"wide-{files}.git")
        make_wide_repository(folder, files, per_folder or files)
        records, peaks[files], count = walk_peak(folder)
        assert records == files
        assert count == {"repositories:read": 1, "kept": files}
    # ten times the files, the same memory: nothing per file is kept (the records of 100k files: ~50 MB)
    assert peaks[100_000] < 1.5 * peaks[10_000] + 64_000, peaks
    assert peaks[100_000] < 1_000_000, peaks
