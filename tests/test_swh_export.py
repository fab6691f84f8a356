"""``swh-export:`` source and the content store: ids and files equal git's, S3 equals local,
broken exports and blobs are dead-lettered with the rest intact."""

import concurrent.futures
import gzip
import hashlib
import io
import logging
import os
import subprocess
import threading
import time

import apache_beam as beam
import pyarrow as pa
import pytest

from gitrepos import git, make_repo
from pipeline.errors import UsageError
from pipeline.sources.git import ReadGitRepositories
from pipeline.sources.swh_export import (
    RepoHead,
    RepoMeta,
    ReadSwhExport,
    VisitFilter,
    as_of_micros,
    choose_branch,
    latest_snapshots,
    listing,
    meta_order,
    metadata_from_row,
    preference_key,
    read_repo_metadata,
    table_rows,
)
from swh_export_builder import (
    add_rows,
    build_export,
    drop_rows,
    free_port,
    gzip_bomb,
    put_garbage_file,
    remove_table,
    run_and_collect,
    source_and_decode,
    upload,
)
from transforms.base import DictCounter
from transforms.fetch import (
    BlobError,
    BlobReaders,
    DecodeConfig,
    StoreBlobReader,
    decode_batch,
    inflate,
)
from transforms.record import CodeFile

GIT = ["git", "-c", "user.name=Test", "-c", "user.email=test@example.org"]
DEEP = "/".join(["d"] * 66) + "/deep.txt"
METADATA = """repo_name,github_id,stars,forks,license,default_branch,created_at,event_created_at,language
test-owner/alpha,42,7,3,mit,,2015-01-02,2024-01-01T10:00:00Z,Python
other/gamma,99,10,0,,,,,
test-owner/delta,7,0,0,,refs/tags/v1,,,
"""


def sh(folder, *args):
    subprocess.run([*GIT, "-C", str(folder), *args], check=True, capture_output=True)


def ls_tree(folder, ref="HEAD"):
    """``{path bytes: (mode, oid)}`` of ``git ls-tree -r ref``."""
    out = subprocess.run(["git", "-C", str(folder), "ls-tree", "-r", "-z", ref], check=True, capture_output=True).stdout
    entries = {}
    for item in out.split(b"\0"):
        if item:
            meta, path = item.split(b"\t", 1)
            mode, _kind, oid = meta.split()
            entries[path] = (mode.decode(), oid.decode())
    return entries


def blob(folder, oid):
    return subprocess.run(["git", "-C", str(folder), "cat-file", "blob", oid], check=True, capture_output=True).stdout


def expected_files(folder, ref="HEAD"):
    """What must reach the language stage: regular files with UTF-8 names at most 64
    folders deep, minus binaries and blobs of 10 MB or more: ``{path: (content_id, blob_id)}``."""
    out = {}
    for path, (mode, oid) in ls_tree(folder, ref).items():
        if mode not in ("100644", "100755") or path.count(b"/") > 64:
            continue
        try:
            name = path.decode("utf-8")
        except UnicodeDecodeError:
            continue
        raw = blob(folder, oid)
        if b"\0" in raw or len(raw) >= 10_000_000:
            continue
        out[name] = (oid, hashlib.sha1(raw).hexdigest())
    return out


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    root = tmp_path_factory.mktemp("swh")
    repos = root / "repos"
    alpha = make_repo(repos, "alpha", {
        "README.md": "# alpha\n", "src/main.py": "print('alpha')\n", "src/pkg/util.py": "X = 1\n",
        "img/logo.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "big/huge.txt": "0123456789abcde\n" * 625_001,
        "latin.txt": "caf\xe9 cr\xe8me\n".encode("latin-1")})
    os.symlink("src/main.py", os.path.join(alpha, "link.py"))
    os.makedirs(os.path.join(alpha, "bin"))
    with open(os.path.join(alpha, "bin", "run.sh"), "w") as handle:
        handle.write("#!/bin/sh\necho run\n")
    os.chmod(os.path.join(alpha, "bin", "run.sh"), 0o755)
    with open(os.path.join(alpha.encode(), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"y = 2\n")
    sh(alpha, "add", "-A")
    sh(alpha, "commit", "-qm", "more")
    sh(alpha, "tag", "-a", "v1", "-m", "release 1")
    sh(alpha, "branch", "dev")
    beta = make_repo(repos, "beta", {"top.txt": "top\n", DEEP: "deep\n", "d/shallow.txt": "shallow\n"})
    sh(beta, "update-index", "--add", "--cacheinfo", f"160000,{'ab' * 20},vendor/sub")
    sh(beta, "commit", "-qm", "submodule")
    make_repo(repos, "gamma", {"same.py": "same = True\n"})
    make_repo(repos, "gamma-fork", {"same.py": "same = True\n"}, origin="https://github.com/other/gamma")
    delta = make_repo(repos, "delta", {"a.py": "a = 1\n"})
    sh(delta, "tag", "-a", "v1", "-m", "v1")
    with open(os.path.join(delta, "b.py"), "w") as handle:
        handle.write("b = 2\n")
    sh(delta, "add", "-A")
    sh(delta, "commit", "-qm", "b")
    make_repo(repos, "empty", {})
    folders = sorted(str(p) for p in repos.iterdir())
    export, store = str(root / "export"), str(root / "content")
    summary = build_export(folders, export, store, rows_per_file=5, stripe_size=256, batch_rows=4)
    metadata = root / "metadata.csv"
    metadata.write_text(METADATA)
    return {"root": root, "repos": str(repos), "export": export, "store": store, "summary": summary,
            "metadata": str(metadata), "folders": {os.path.basename(f): f for f in folders}}


# --- pure parts ----------------------------------------------------------------------

MAIN = b"refs/heads/main"


def test_head_alias_target_is_the_hex_of_the_branch_name():
    branches = {b"HEAD": ("alias", MAIN.hex()), MAIN: ("revision", "aa" * 20), b"refs/heads/dev": ("revision", "bb" * 20)}
    assert choose_branch(branches) == (MAIN, "revision", "aa" * 20)
    assert choose_branch(branches, "dev") == (b"refs/heads/dev", "revision", "bb" * 20)
    assert choose_branch(branches, "refs/heads/gone") == (MAIN, "revision", "aa" * 20)


def test_dangling_alias_falls_back_to_main_then_master():
    count = DictCounter()
    branches = {b"HEAD": ("alias", b"refs/heads/gone".hex()), b"refs/heads/master": ("revision", "cc" * 20)}
    assert choose_branch(branches, count=count) == (b"refs/heads/master", "revision", "cc" * 20)
    assert count == {"branches:dangling_alias": 1}
    assert choose_branch({b"refs/tags/v1": ("release", "dd" * 20)}, "refs/tags/v1") == (
        b"refs/tags/v1", "release", "dd" * 20)
    assert choose_branch({}) == (None, "empty_repository", "the snapshot has no branch")
    assert choose_branch({b"refs/heads/x": ("revision", "ee" * 20)})[:2] == (None, "no_branch")


def head(origin, meta=None, revision_date="2020-01-01T00:00:00+00:00", visit_date="2024-01-01T00:00:00+00:00"):
    return RepoHead(origin, "s", 1, visit_date, "refs/heads/main", "r", "d", revision_date, revision_date, meta)


def test_same_root_preference():
    licensed = head("https://github.com/z/licensed", RepoMeta(license="mit"))
    starred = head("https://github.com/a/starred", RepoMeta(stars=100, forks=5))
    forked = head("https://github.com/a/forked", RepoMeta(stars=100, forks=6))
    older = head("https://github.com/a/older", revision_date="2019-01-01T00:00:00+00:00")
    low_id = head("https://github.com/a/low", RepoMeta(github_id=1))
    high_id = head("https://github.com/a/high", RepoMeta(github_id=2))
    first_visit = head("https://github.com/b/v", visit_date="2023-01-01T00:00:00+00:00")
    ranked = sorted([first_visit, high_id, low_id, older, starred, forked, licensed], key=preference_key)
    assert [h.origin.rsplit("/", 1)[1] for h in ranked] == ["licensed", "forked", "starred", "older", "low", "high", "v"]


def test_listing_caps_entries():
    entries = [(b"a", "file", "1" * 40, 0o100644), (b"d", "dir", "2" * 40, 0o40000), (b"s", "rev", "3" * 40, 0o160000)]
    assert listing(entries, 3) == (((b"d", "2" * 40),), (((b"a", "1" * 40, 0o100644),), 1))
    assert listing(entries, 2) == (3, 3)


def test_table_rows_reads_2021_column_names_and_filters_visits():
    batch = pa.RecordBatch.from_pydict({
        "origin": ["https://github.com/a/b", "https://gitlab.com/c/d", "https://github.com/e/f", "https://github.com/g/h"],
        "visit": [3, 1, 2, 4], "date": pa.array([10, 20, 30, 40], pa.timestamp("s")),
        "status": ["full", "full", "partial", "full"], "snapshot_id": ["aa" * 20, "bb" * 20, "cc" * 20, None]})
    rows = list(table_rows("origin_visit_status", batch, VisitFilter(as_of_us=25_000_000, origin_prefixes=())))
    assert rows == [("https://github.com/a/b", (3, 10_000_000, "aa" * 20)),
                    ("https://gitlab.com/c/d", (1, 20_000_000, "bb" * 20))]
    github = VisitFilter(origin_prefixes=("https://github.com/",))
    assert [r[0] for r in table_rows("origin_visit_status", batch, github)] == ["https://github.com/a/b"]
    with pytest.raises(KeyError):
        list(table_rows("content", batch))


def test_as_of_and_prefix_pick_the_visit(world, tmp_path):
    export = str(tmp_path / "export")
    build_export([world["folders"]["gamma"], world["folders"]["delta"]], export)
    delta = "https://github.com/test-owner/delta"
    later = pa.scalar(1_800_000_000_000_000, pa.timestamp("us")).as_py()
    add_rows(export, "origin_visit_status", [
        {"origin": delta, "visit": 2, "date": later, "status": "full", "snapshot": "ff" * 20, "type": "git"},
        {"origin": delta, "visit": 3, "date": later, "status": "partial", "snapshot": "ee" * 20, "type": "git"}])
    assert latest_snapshots(export)[delta] == (2, 1_800_000_000_000_000, "ff" * 20)
    assert latest_snapshots(export, VisitFilter(as_of_micros("2024-01-01"), ()))[delta][0] == 1
    assert sorted(latest_snapshots(export, VisitFilter(None, ("https://github.com/test-owner/g",)))) == [
        "https://github.com/test-owner/gamma"]
    with pytest.raises(UsageError):
        as_of_micros("last tuesday")


def test_metadata_csv_and_parquet(tmp_path):
    import pyarrow.csv as pcsv
    import pyarrow.parquet as pq

    csv = tmp_path / "m.csv"
    csv.write_text(METADATA + ",1,2,3,,,,,\n")
    count = DictCounter()
    from_csv = dict(read_repo_metadata(str(csv), count))
    assert count == {"metadata:bad_rows": 1}
    assert from_csv["test-owner/alpha"] == RepoMeta(42, 7, 3, "mit", None, "2015-01-02T00:00:00+00:00",
                                                    "2024-01-01T10:00:00+00:00", "Python")
    table = pcsv.read_csv(io.BytesIO(METADATA.encode())).rename_columns(
        ["repo_name", "github_id", "star_events_count", "fork_events_count", "gha_license_id", "default_branch",
         "gha_created_at", "gha_event_created_at", "gha_language"])
    pq.write_table(table, tmp_path / "m.parquet")
    assert dict(read_repo_metadata(str(tmp_path / "m.parquet"))) == from_csv


@pytest.mark.parametrize("column", ["owner_id", "owner_github_id", "repo_owner_id", "Owner_GitHub_Id", "REPO_OWNER_ID"])
def test_metadata_owner_id_column_aliases(tmp_path, column):
    csv = tmp_path / "m.csv"
    csv.write_text(f"Repo_Name,repo_id,{column}\nnew-name/project,9001,4242\nother/x,9002,\n")
    assert dict(read_repo_metadata(str(csv))) == {"new-name/project": RepoMeta(github_id=9001, owner_id=4242),
                                                  "other/x": RepoMeta(github_id=9002)}
    # appended last: positional RepoMeta(...) of the other fields keeps its meaning
    assert RepoMeta._fields[-1] == "owner_id" and RepoMeta(1, 2, 3).owner_id is None
    assert metadata_from_row({"repo_name": "a/b", "owner_id": "77.0"}) == ("a/b", RepoMeta(owner_id=77))


def test_duplicate_metadata_rows_choose_one_even_with_missing_values():
    rows = [RepoMeta(github_id=5, license="mit", owner_id=None), RepoMeta(github_id=5, license=None, owner_id=3),
            RepoMeta(github_id=5, license="mit", owner_id=3), RepoMeta(github_id=None, owner_id=1)]
    assert sorted(rows, key=meta_order) == [rows[2], rows[0], rows[1], rows[3]]


# --- the content store reader ----------------------------------------------------------

def record(blob_id, locator="store:/nowhere", length=5):
    return CodeFile(blob_id=blob_id, content_id="c", directory_id="d", path="a.py", repo_name="o/r",
                    snapshot_id="s", revision_id="r", branch_name="main", locator=locator, length_bytes=length)


class FlakyFs:
    """A pyarrow-like filesystem: fails ``failures`` times, then serves ``blobs``."""

    def __init__(self, blobs, failures=0, latency=0.0):
        self.blobs, self.failures, self.latency, self.calls = blobs, failures, latency, 0
        self._lock = threading.Lock()
        self.reading = self.most_at_once = 0  # reads under way now / at most at one time

    def open_input_stream(self, path, compression=None):
        with self._lock:
            self.calls += 1
            self.reading += 1
            self.most_at_once = max(self.most_at_once, self.reading)
        time.sleep(self.latency)
        with self._lock:
            self.reading -= 1
        if self.failures:
            self.failures -= 1
            raise OSError("AWS Error NETWORK_CONNECTION during GetObject operation: connection reset")
        name = path.rsplit("/", 1)[1]
        if name not in self.blobs:
            raise FileNotFoundError(path)
        return io.BytesIO(self.blobs[name])


def store_reader(fs, **kw):
    sleeps = []
    reader = StoreBlobReader(sleep=sleeps.append, open_fs=lambda root: (fs, "/root"), **kw)
    return reader, sleeps


def test_store_reader_retries_with_backoff_then_dead_letters():
    sha1 = hashlib.sha1(b"x = 1").hexdigest()
    reader, sleeps = store_reader(FlakyFs({sha1: gzip.compress(b"x = 1")}, failures=2), attempts=4, backoff_seconds=0.5)
    assert reader(record(sha1)) == b"x = 1"
    assert sleeps == [0.5, 1.0]
    reader, sleeps = store_reader(FlakyFs({}, failures=9), attempts=3, backoff_seconds=0.5)
    with pytest.raises(BlobError) as failed:
        reader(record(sha1))
    assert failed.value.reason == "fetch_failed" and sleeps == [0.5, 1.0]
    reader, _ = store_reader(FlakyFs({}))
    with pytest.raises(BlobError) as missing:
        reader(record(sha1))
    assert missing.value.reason == "missing_blob"


def test_bounded_inflate():
    bomb = gzip.compress(b"\0" * 11_000_000)
    assert len(bomb) < 20_000
    with pytest.raises(BlobError) as exploded:
        inflate(io.BytesIO(bomb), 10_000_000)
    assert exploded.value.reason == "inflates_too_large"
    assert inflate(io.BytesIO(gzip.compress(b"a" * 10) + gzip.compress(b"b")), 11) == b"a" * 10 + b"b"
    for broken in (b"", b"not gzip", gzip.compress(b"x" * 100)[:-4]):
        with pytest.raises(BlobError) as corrupt:
            inflate(io.BytesIO(broken), 1000)
        assert corrupt.value.reason == "corrupt_blob"


def test_batch_fetch_is_concurrent_and_counts_like_the_core():
    texts = [f"x = {i}\n".encode() for i in range(32)]
    blobs = {hashlib.sha1(t).hexdigest(): gzip.compress(t) for t in texts}
    fs = FlakyFs(blobs, latency=0.05)
    read = BlobReaders({"store": StoreBlobReader(open_fs=lambda root: (fs, "/root"))})
    records = [record(hashlib.sha1(t).hexdigest(), length=len(t)) for t in texts]
    records.append(record("0" * 40, length=20_000_000))  # size-capped: never requested
    count = DictCounter()
    with concurrent.futures.ThreadPoolExecutor(16) as pool:
        outcomes = decode_batch(records, read, DecodeConfig(), count, pool)
    assert [o.content for o in outcomes[:-1]] == [t.decode() for t in texts]
    assert outcomes[-1].reason == "too_large" and fs.calls == 32
    assert count == {"encoding:UTF-8": 32}
    assert fs.most_at_once > 1  # concurrent, not one by one (counted, not timed)


# --- whole source -----------------------------------------------------------------------

def by_repo(records):
    out = {}
    for r in records:
        out.setdefault(r.repo_name, {})[r.path] = r
    return out


@pytest.mark.slow
def test_files_reaching_decode_equal_ls_tree_and_the_git_source(world, tmp_path):
    source = ReadSwhExport(world["export"], world["store"], repo_metadata=world["metadata"])
    source.check()
    got, counters = source_and_decode(str(tmp_path / "export"), source)
    git_got, _ = source_and_decode(str(tmp_path / "git"), ReadGitRepositories(world["repos"]))
    folders = world["folders"]
    decoded = by_repo(got["decoded"])
    from_git = by_repo(git_got["decoded"])
    assert sorted(decoded) == ["other/gamma", "test-owner/alpha", "test-owner/beta", "test-owner/delta"]
    snapshots = {r.repo_name: r.snapshot_id for r in git_got["files"]}
    for name, ref in (("alpha", "HEAD"), ("beta", "HEAD"), ("gamma-fork", "HEAD"), ("delta", "refs/tags/v1")):
        folder = folders[name]
        repo_name = "other/gamma" if name == "gamma-fork" else f"test-owner/{name}"
        files = decoded[repo_name]
        assert {p: (r.content_id, r.blob_id) for p, r in files.items()} == expected_files(folder, ref), name
        commit = git(folder, "rev-parse", f"{ref}^{{commit}}")
        for r in files.values():
            assert (r.revision_id, r.directory_id) == (commit, git(folder, "rev-parse", f"{ref}^{{tree}}"))
            assert r.snapshot_id == snapshots[repo_name]
            assert r.visit_date == "2023-11-15T22:14:20+00:00" and r.locator == f"store:{world['store']}"
        if name != "delta":  # the git source builds HEAD; delta's metadata picks its release v1
            fields = ("content_id", "blob_id", "directory_id", "revision_id", "snapshot_id", "branch_name",
                      "revision_date", "committer_date", "content", "src_encoding", "length_bytes", "num_lines")
            same_in_git = from_git["test-owner/gamma" if name == "gamma-fork" else repo_name]
            assert sorted(files) == sorted(same_in_git)
            for path, r in files.items():
                assert [getattr(r, f) for f in fields] == [getattr(same_in_git[path], f) for f in fields]
    delta = decoded["test-owner/delta"]["a.py"]
    assert delta.branch_name == "refs/tags/v1" and delta.github_id == 7
    alpha = decoded["test-owner/alpha"]["src/main.py"]
    assert (alpha.github_id, alpha.star_events_count, alpha.fork_events_count, alpha.gha_license_id,
            alpha.gha_created_at, alpha.gha_event_created_at, alpha.gha_language, alpha.branch_name) == (
        42, 7, 3, "mit", "2015-01-02T00:00:00+00:00", "2024-01-01T10:00:00+00:00", "Python", "refs/heads/main")
    assert decoded["test-owner/alpha"]["latin.txt"].src_encoding != "UTF-8"
    assert sorted((r.reason, r.path) for r in got["source_rejects"]) == [
        ("empty_repository", ""), ("path_not_utf8", "caf\\xe9.py"), ("too_deep", "/".join(["d"] * 65))]
    assert sorted((r.reason, r.path) for r in git_got["source_rejects"]) == [
        ("empty_repository", ""), ("path_not_utf8", "caf\\xe9.py"), ("too_deep", "/".join(["d"] * 65))]
    assert got["decode_rejects"] == []
    source_counts = counters["source"]
    assert (source_counts["dropped:same_root_directory"], source_counts["dropped:submodule"],
            source_counts["dropped:symlink"], source_counts["repositories:read"]) == (1, 1, 1, 4)
    assert source_counts["kept"] == len(got["files"]) and counters["decode"]["dropped:binary"] == 1
    assert counters["decode"]["dropped:too_large"] == 1
    assert source_counts["orc:directory_entry:files"] > 5  # many files, many stripes: one unit of work each


@pytest.mark.slow
def test_renamed_owner_is_opted_out_by_github_id_before_a_branch_is_read(tmp_path):
    """The registry names the account by its old name and its GitHub id; the metadata gives
    the repository's owner id under the new name: the origin is left out as the metadata is
    joined, before a branch, tree or blob of it is read."""
    from registry import Matcher, make_entry

    repos = tmp_path / "repos"
    project = make_repo(repos, "project", {"a.py": "renamed = 1\n", "lib/b.py": "owner = 'new'\n"},
                        origin="https://github.com/new-name/project")
    tool = make_repo(repos, "tool", {"t.py": "tool = 1\n", "README.md": "# tool\n"},
                     origin="https://github.com/other-owner/tool")
    export, store = str(tmp_path / "export"), str(tmp_path / "content")
    build_export([project, tool], export, store)
    metadata = tmp_path / "metadata.csv"
    # spelled as GitHub Archive may spell them: the join ignores case
    metadata.write_text("repo_name,github_id,owner_github_id\nNew-Name/Project,9001,4242\nother-owner/TOOL,9002,17\n")
    matcher = Matcher([make_entry("owner", "old-name", "https://github.com/codestack-demo/codestack/issues/6",
                                  "2024-06-03", github_id=4242)])

    source = ReadSwhExport(export, store, repo_metadata=str(metadata), max_depth=4, matcher=matcher)
    got, counters = source_and_decode(str(tmp_path / "out"), source)
    assert sorted((r.repo_name, r.path, r.github_id, r.owner_github_id) for r in got["files"]) == [
        ("other-owner/tool", "README.md", 9002, 17), ("other-owner/tool", "t.py", 9002, 17)]
    assert got["source_rejects"] == [] and {r.repo_name for r in got["decoded"]} == {"other-owner/tool"}
    counts = counters["source"]
    assert (counts["visits:opted_out"], counts["origins:visited"], counts["repositories:read"], counts["kept"]) == (
        1, 1, 1, 2)
    decode = counters["decode"]  # the only stage that reads blobs saw the other repository's two files
    assert decode.get("kept", 0) + sum(n for name, n in decode.items() if name.startswith("dropped:")) == 2

    # the same export without the registry: the project was there to be read
    everything = ReadSwhExport(export, store, repo_metadata=str(metadata), max_depth=4)
    got, counters = source_and_decode(str(tmp_path / "all"), everything)
    assert {(r.repo_name, r.owner_github_id) for r in got["files"]} == {
        ("new-name/project", 4242), ("other-owner/tool", 17)}
    assert "visits:opted_out" not in counters["source"] and counters["source"]["origins:visited"] == 2


@pytest.fixture()
def s3_server(monkeypatch):
    from moto.server import ThreadedMotoServer
    from pyarrow import fs

    port = free_port()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    for key, value in {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_REGION": "us-east-1",
                       "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}.items():
        monkeypatch.setenv(key, value)
    s3 = fs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", region="us-east-1",
                         access_key="testing", secret_key="testing", allow_bucket_creation=True)
    s3.create_dir("codestack")
    yield s3
    server.stop()


def mini_release(folder, source):
    """Source -> decode -> the release's own shard writers; ``{shard path: sha256}``."""
    from pipeline.sink import SinkConfig, read_index, write_data, write_index, write_rejects
    from transforms.fetch import FetchDecode

    staging = os.path.join(folder, "staging")
    os.makedirs(staging)

    def build(pipeline):
        files, rejects = pipeline | "Source" >> source
        decoded, decode_rejects = files | FetchDecode(DecodeConfig())
        data = write_data(decoded, staging, SinkConfig())
        rejected = write_rejects((rejects, decode_rejects) | "Rejects" >> beam.Flatten(), staging, SinkConfig())
        write_index((data, rejected) | "Infos" >> beam.Flatten(), staging)
        return {}

    run_and_collect(folder, build)
    return {info.path: info.sha256 for info in read_index(staging)}


@pytest.mark.slow
def test_same_release_bytes_from_a_local_store_and_from_s3(world, tmp_path, s3_server):
    export, store = str(tmp_path / "export"), str(tmp_path / "content")
    build_export(world["folders"].values(), export, store)  # one file per table: fewer requests
    upload(store, s3_server, "codestack/content")
    upload(export, s3_server, "codestack/export")
    local = mini_release(str(tmp_path / "local"), ReadSwhExport(export, store, max_depth=4))
    remote = ReadSwhExport("s3://codestack/export", "s3://codestack/content", max_depth=4)
    remote.check()
    from_s3 = mini_release(str(tmp_path / "s3"), remote)
    assert local == from_s3 and any(path.startswith("data/") for path in local)
    # what a manifest records does not depend on where the blobs are served from
    assert ReadSwhExport(export, "s3://codestack/content").describe() == ReadSwhExport(export, store).describe()
    assert remote.describe()["export"] == "s3://codestack/export"


@pytest.mark.slow
def test_full_release_is_identical_from_a_local_store_and_from_s3(world, tmp_path, s3_server):
    """Two whole builds (every stage, card, manifest), blobs from a folder vs from an S3 server."""
    from pipeline.build import run_build

    export, store = str(tmp_path / "export"), str(tmp_path / "content")
    build_export(world["folders"].values(), export, store)
    upload(store, s3_server, "codestack/content")
    local, remote = str(tmp_path / "local"), str(tmp_path / "remote")
    run_build(f"swh-export:{export}", local, "0.1.0", log=lambda m: None, source_options={"content_store": store})
    run_build(f"swh-export:{export}", remote, "0.1.0", log=lambda m: None,
              source_options={"content_store": "s3://codestack/content"})
    with open(os.path.join(local, "SHA256SUMS")) as a, open(os.path.join(remote, "SHA256SUMS")) as b:
        assert a.read() == b.read()


@pytest.mark.slow
def test_inputs_digest_is_combined_by_the_workers(world, tmp_path, monkeypatch):
    """A build never reads origin_visit_status on the driver (a full export has hundreds of
    millions of origins): the workers combine the order-independent digest; it equals the
    driver-side computation on a small export."""
    import pipeline.sources.swh_export as swh_export
    from pipeline.build import run_build

    export, store = str(tmp_path / "export"), str(tmp_path / "content")
    build_export(world["folders"].values(), export, store)
    expected = ReadSwhExport(export, store).describe()

    def refuse(*args, **kwargs):
        raise AssertionError("the driver read origin_visit_status")

    monkeypatch.setattr(swh_export.source, "latest_snapshots", refuse)
    manifest = run_build(f"swh-export:{export}", str(tmp_path / "rel"), "0.1.0", log=lambda m: None,
                         source_options={"content_store": store})
    assert manifest["source"]["snapshots_digest"] == expected["snapshots_digest"]
    assert manifest["source"]["origins"] == expected["origins"] > 0


@pytest.mark.slow
def test_broken_export_and_store_are_dead_lettered_rest_intact(world, tmp_path):
    repos = tmp_path / "repos"
    x = make_repo(repos, "x", {"a.py": "a = 1\n", "b.py": "b = 2\n", "c.py": "c = 3\n", "d.py": "d = 4\n"})
    y = make_repo(repos, "y", {"y.py": "y = 1\n"})
    export, store = str(tmp_path / "export"), str(tmp_path / "content")
    build_export([x, y], export, store)
    tree = {path.decode(): blob(x, oid) for path, (_mode, oid) in ls_tree(x).items()}
    sha1 = {path: hashlib.sha1(raw).hexdigest() for path, raw in tree.items()}
    put_garbage_file(export, "content")
    drop_rows(export, "revision", "id", git(y, "rev-parse", "HEAD"))
    os.remove(os.path.join(store, sha1["a.py"]))
    gzip_bomb(store, sha1["b.py"])
    with open(os.path.join(store, sha1["c.py"]), "wb") as handle:
        handle.write(gzip.compress(b"c = 'tampered'\n"))
    got, _counters = source_and_decode(str(tmp_path / "out"), ReadSwhExport(export, store, max_depth=4))
    assert [(r.path, r.content) for r in got["decoded"]] == [("d.py", "d = 4\n")]
    assert sorted((r.reason, r.path) for r in got["decode_rejects"]) == [
        ("corrupt_blob", "c.py"), ("inflates_too_large", "b.py"), ("missing_blob", "a.py")]
    reasons = sorted((r.reason, r.origin_url) for r in got["source_rejects"])
    assert reasons == [("dangling_branch", "https://github.com/test-owner/y"), ("unreadable_orc", "")]
    assert "content-00000000-0000-0000-0000-00000000dead.orc" in [
        r.detail for r in got["source_rejects"] if r.reason == "unreadable_orc"][0]


def test_missing_table_or_store_is_a_one_line_usage_error(world, tmp_path, capsys):
    from pipeline.cli import main

    export = str(tmp_path / "export")
    build_export([world["folders"]["gamma"]], export, str(tmp_path / "content"))
    remove_table(export, "release")
    with pytest.raises(UsageError, match="table release is missing"):
        ReadSwhExport(export, str(tmp_path / "content")).check()
    args = ["build", "--source", f"swh-export:{world['export']}", "--output", str(tmp_path / "out"),
            "--release-version", "0.1.0"]
    assert main(args) == 2
    assert "needs --content-store" in capsys.readouterr().err
    assert main(args + ["--content-store", str(tmp_path / "nowhere")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "--content-store" in err and "not found" in err
    assert main(["build", "--source", f"git:{world['repos']}", "--output", str(tmp_path / "o2"),
                 "--release-version", "0.1.0", "--as-of", "2024-01-01"]) == 2
