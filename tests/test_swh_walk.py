"""The export source at archive scale: bucketed tables (read once, looked up by the row
groups that can hold a key), a walk whose reads follow what is reached, and hot keys
(the empty blob, a subtree every fork shares, a snapshot with a million branches, a
repository of a million files) streamed under a memory limit."""

import os
import subprocess
import tracemalloc

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gitrepos import make_repo
from pipeline.sources.swh_export import ReadSwhExport, RepoHead, RepoMeta
from pipeline.sources.swh_export import buckets as bucketing
from pipeline.sources.swh_export.buckets import (
    BucketFile, BucketReader, bucket_numbers, bucket_of, digits_for, split_by_bucket, to_ipc, write_bucket)
from pipeline.sources.swh_export.resolve import BestHead, _ChooseBranchFn
from pipeline.sources.swh_export.walk import ContentFn, DescendFn, _EmitFn
from swh_export_builder import build_export, source_and_decode
from transforms.base import DictCounter

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
#: a hot key's values are streamed: this much Python memory at most for 10^6 of them
#: (a list of 10^6 small tuples alone takes over 100 MB)
HOT_LIMIT = 40 << 20
MILLION = 1_000_000


def _hex(i: int) -> str:
    import hashlib

    return hashlib.sha1(str(i).encode()).hexdigest()


# --- buckets: pure ----------------------------------------------------------------------

@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.none(), st.text(max_size=6), st.text(alphabet="0123456789abcdefABCDEF", max_size=6)),
                max_size=30), st.integers(0, 4))
def test_vectorized_buckets_equal_the_per_key_rule(keys, digits):
    numbers = bucket_numbers(pa.array(keys, pa.string()), digits).tolist()
    assert numbers == [bucket_of(key, digits) for key in keys]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.text(alphabet="0123456789abcdef", min_size=14, max_size=17),
                          st.sampled_from(["0" * 40, "f" * 40, "0" * 15 + "1", "0" * 15 + "0a", "A" * 40]),
                          st.text(max_size=3)), max_size=40))
def test_key_order_sorts_as_arrow_does(keys):
    import pyarrow.compute as pc

    array = pa.array(keys, pa.string())
    assert array.take(pa.array(bucketing.key_order(array))).to_pylist() == \
        array.take(pc.sort_indices(array)).to_pylist()


def test_bucket_count_follows_the_table_size():
    assert digits_for(0) == 0 and digits_for(64 << 20) == 0
    assert digits_for((64 << 20) + 1) == 1
    assert digits_for(15 << 40) == 5  # a 15 TiB table: 1M buckets of at most 64 MB
    assert digits_for(1 << 60) == bucketing.MAX_DIGITS


def test_split_write_and_read_only_the_row_groups_that_hold_the_keys(tmp_path):
    keys = [_hex(i % 50) for i in range(400)]  # every key 8 times: a key spans row groups
    table = pa.table({"directory_id": keys, "target": [str(i) for i in range(400)]})
    pieces, unusable = split_by_bucket(table, "directory_id", 1)
    assert unusable == 0 and sorted(b for b, _ in pieces) == sorted({int(k[0], 16) for k in keys})
    assert sum(p.num_rows for _, p in pieces) == 400
    bucket, piece = max(pieces, key=lambda p: p[1].num_rows)
    half = piece.num_rows // 2
    location = str(tmp_path / "b.parquet")
    rows = write_bucket([to_ipc(piece.slice(half)), to_ipc(piece.slice(0, half))], location, "directory_id",
                        row_group_rows=3)
    assert rows == piece.num_rows
    handle = BucketFile(location, "directory_id")
    wanted = sorted(set(piece.column("directory_id").to_pylist()))[:2] + ["f" * 40]
    got = handle.read(wanted, ["target"])
    expected = sorted(t for k, t in zip(piece.column("directory_id").to_pylist(), piece.column("target").to_pylist())
                      if k in wanted)
    assert sorted(got.column("target").to_pylist()) == expected
    groups = handle.row_groups(sorted(wanted))
    assert 0 < len(groups) <= 2 * 8 // 3 + 4 < -(-rows // 3)  # 2 keys of 8 rows each: a few groups, not all
    assert handle.read(["0" * 40]).num_rows == 0
    handle.close()


def test_a_coarse_piece_group_is_split_on_disk_into_sorted_bucket_files(tmp_path):
    keys = [_hex(i) for i in range(600)]
    table = pa.table({"sha1_git": keys, "length": pa.array(range(600), pa.int64())})
    pieces, _ = split_by_bucket(table, "sha1_git", 1)
    bucket, piece = pieces[0]  # one coarse piece (1 digit) holds up to 16 buckets of 2 digits
    written = bucketing.write_buckets([to_ipc(piece.slice(0, 10)), to_ipc(piece.slice(10))],
                                      lambda b: str(tmp_path / f"{b:02x}.parquet"), "sha1_git", 2, row_group_rows=4)
    assert [b >> 4 for b, _, _ in written] == [bucket] * len(written) and len(written) > 1
    assert [b for b, _, _ in written] == sorted(b for b, _, _ in written)
    assert sum(rows for _, _, rows in written) == piece.num_rows
    for b, location, rows in written:
        got = BucketFile(location, "sha1_git")
        ids = [k for k in piece.column("sha1_git").to_pylist() if int(k[:2], 16) == b]
        assert got.read(ids, ["length"]).num_rows == rows == len(ids)
        assert sorted(got.read(ids).column("sha1_git").to_pylist()) == sorted(ids)
        got.close()


# --- the walk on an export: many buckets and small row groups give the same files -----------

@pytest.fixture(scope="module")
def forest(tmp_path_factory):
    root = tmp_path_factory.mktemp("forest")
    repos = root / "repos"
    deep = "/".join(f"d{i}" for i in range(6)) + "/leaf.py"
    base = {"README.md": "# tree\n", "src/a.py": "a = 1\n", "src/b/c.py": "c = 3\n", deep: "leaf = 1\n",
            "empty.txt": "", "docs/index.md": "hello\n"}
    folders = [make_repo(repos, "tree", base)]
    for n in range(3):  # forks: same subtrees, one file changed each
        folders.append(make_repo(repos, f"fork{n}", dict(base, **{"src/a.py": f"a = {n + 10}\n"})))
    odd = make_repo(repos, "odd", {"x.py": "x = 1\n"})
    os.symlink("x.py", os.path.join(odd, "link.py"))
    with open(os.path.join(odd.encode(), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"y = 2\n")
    subprocess.run([*GIT, "-C", odd, "add", "-A"], check=True, capture_output=True)
    subprocess.run([*GIT, "-C", odd, "commit", "-qm", "more"], check=True, capture_output=True)
    folders.append(odd)
    export, store = str(root / "export"), str(root / "content")
    build_export(sorted(folders), export, store, rows_per_file=7, stripe_size=256, batch_rows=4)
    return {"root": root, "export": export, "store": store}


def _summary(found, counters):
    files = sorted((f.repo_name, f.path, f.blob_id, f.content_id, f.directory_id, f.revision_id)
                   for f in found["files"])
    rejects = sorted((r.reason, r.repo_name, r.path, r.detail) for r in found["source_rejects"])
    return files, rejects, counters.get("source", {})


def test_many_buckets_and_tiny_row_groups_give_the_same_files(forest, tmp_path):
    one = _summary(*source_and_decode(str(tmp_path / "one"), ReadSwhExport(forest["export"], forest["store"])))
    # 256 buckets a table, shuffled as 16 pieces a stripe: each piece group is split on disk
    many_source = ReadSwhExport(forest["export"], forest["store"], bucket_bytes=64, row_group_rows=2, piece_digits=1)
    assert min(many_source.digits().values()) >= 1 and max(many_source.digits().values()) >= 2
    many = _summary(*source_and_decode(str(tmp_path / "many"), many_source))
    assert one == many
    files, rejects, counters = one
    assert len({f[0] for f in files}) == 5 and ("odd", "link.py") not in {(f[0], f[1]) for f in files}
    assert [r[0] for r in rejects] == ["path_not_utf8"]
    assert counters["dropped:symlink"] == 1


def test_reads_follow_what_is_reached_and_empty_levels_read_nothing(forest, tmp_path, monkeypatch):
    """Every directory key read is one a tree reaches; directories are read at the levels
    that have a frontier (the deepest tree has 7 levels), not at all 65."""
    reads = []
    original = BucketReader.read

    def counting(self, bucket, keys, columns=None):
        reads.append((self._key, tuple(keys)))
        return original(self, bucket, keys, columns)

    monkeypatch.setattr(BucketReader, "read", counting)
    found, _counters = source_and_decode(str(tmp_path / "out"), ReadSwhExport(forest["export"], forest["store"]))
    directory_reads = [keys for key, keys in reads if key == "directory_id"]
    assert 0 < len(directory_reads) <= 8  # one read per level with a frontier (one bucket, one chunk)
    reached = {f.directory_id for f in found["files"]}
    assert set(directory_reads[0]) >= reached  # level 0 reads the roots (and nothing else)
    assert all(len(keys) == len(set(keys)) for keys in directory_reads)  # a key shared by forks: read once


# --- hot keys: 10^6 values of one key, streamed -------------------------------------------

def _bucket_files(tmp_path, table_name, table):
    location = str(tmp_path / f"{table_name}.parquet")
    write_bucket([to_ipc(table)], location, bucketing.TABLE_KEYS[table_name], row_group_rows=1024)
    return [(table_name, 0, location, table.num_rows)]


def _drain(outputs) -> int:
    n = 0
    for _ in outputs:
        n += 1
    return n


def _peak(run):
    tracemalloc.start()
    try:
        result = run()
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def _ready(fn):
    fn._count = DictCounter()
    return fn


def test_empty_blob_under_a_million_trees_is_streamed(tmp_path):
    empty = "e69de29bb2d1d6434b8b29ae775ad8c2e48c5391"
    files = _bucket_files(tmp_path, "content", pa.table({
        "sha1_git": [empty, _hex(1)], "sha1": ["da39a3ee5e6b4b0d3255bfef95601890afd80709", _hex(2)],
        "length": pa.array([0, 5], pa.int64()), "status": ["visible", "visible"]}))
    fn = _ready(ContentFn())
    values = ((empty, (f"root{i % 1000}", f"pkg{i}/__init__.py")) for i in range(MILLION))
    count, peak = _peak(lambda: _drain(fn._results((0, values), files)))
    assert count == MILLION and peak < HOT_LIMIT, peak


def test_subtree_shared_by_a_million_forks_is_read_once_and_streamed(tmp_path, monkeypatch):
    shared = _hex(7)
    files = _bucket_files(tmp_path, "directory_entry", pa.table({
        "directory_id": [shared] * 3, "name": pa.array([b"a.py", b"b.py", b"sub"], pa.binary()),
        "type": ["file", "file", "dir"], "target": [_hex(8), _hex(9), _hex(10)],
        "perms": pa.array([0o100644, 0o100644, 0o40000], pa.int64())}))
    reads = []
    original = BucketReader.read
    monkeypatch.setattr(BucketReader, "read", lambda self, b, k, c=None: reads.append(len(k)) or original(self, b, k, c))
    fn = _ready(DescendFn())
    values = ((shared, (_hex(MILLION + i), "vendor/", 1)) for i in range(MILLION))
    count, peak = _peak(lambda: _drain(fn._results((0, values), files)))
    assert count == 3 * MILLION and peak < HOT_LIMIT, peak
    assert reads == [1]  # the listing is read once, then cached across chunks


def test_snapshot_with_a_million_branches_shared_by_many_origins(tmp_path):
    snapshot = _hex(11)
    names = [f"refs/pull/{i}/head".encode() for i in range(MILLION - 2)] + [b"HEAD", b"refs/heads/trunk"]
    targets = [_hex(i) for i in range(MILLION - 2)] + [b"refs/heads/trunk".hex(), _hex(12)]
    kinds = ["revision"] * (MILLION - 2) + ["alias", "revision"]
    files = _bucket_files(tmp_path, "snapshot_branch", pa.table({
        "snapshot_id": [snapshot] * MILLION, "name": pa.array(names, pa.binary()), "target": targets,
        "target_type": kinds}))
    del names, targets, kinds
    fn = _ready(_ChooseBranchFn())
    origins = MILLION // 10
    values = ((snapshot, (f"https://github.com/o/r{i}", (1, 0, snapshot), None)) for i in range(origins))
    outputs = []

    def run():
        n = 0
        for out in fn._results((0, values), files):
            n += 1
            if n <= 2:
                outputs.append(out)
        return n

    count, peak = _peak(run)
    assert count == origins and peak < HOT_LIMIT, peak  # the branches never became Python values
    assert outputs[0].tag == "revision" and outputs[0].value[0] == _hex(12)
    assert outputs[0].value[1][4] == "refs/heads/trunk"


class _Again:
    """A re-iterable of generated values, as a runner hands grouped values over."""

    def __init__(self, make):
        self._make = make

    def __iter__(self):
        return self._make()


def test_repository_of_a_million_files_and_a_million_forks_of_one_root():
    head = RepoHead("https://github.com/o/r", _hex(1), 1, None, "refs/heads/main", _hex(2), _hex(3), None, None,
                    None)

    def tagged():
        for i in range(MILLION):
            yield "item", ("file", f"f{i}.py", _hex(4), _hex(5), 10)
        yield "head", head

    fn = _ready(_EmitFn("/store"))
    count, peak = _peak(lambda: _drain(fn._results((head.directory, _Again(tagged)))))
    assert count == MILLION and peak < HOT_LIMIT, peak

    combine = BestHead()

    def forks():
        accumulator = combine.create_accumulator()
        for i in range(MILLION):
            accumulator = combine.add_input(accumulator, head._replace(
                origin=f"https://github.com/f{i}/r", meta=RepoMeta(stars=i % 1000)))
        return combine.extract_output(accumulator)

    (n, best), peak = _peak(forks)
    assert n == MILLION and best.meta.stars == 999
    assert best.origin == min(f"https://github.com/f{i}/r" for i in range(999, MILLION, 1000))
    assert peak < HOT_LIMIT, peak
