"""Benchmark of the ``swh-export:`` source: the tree walk (rows/s) and the content-store fetch (blobs/s).

A generated corpus (seeded): ``--repos`` bare git repositories of ``--files`` files in
total, in folders up to 6 deep, text of 200 B to 6 kB, a few files shared between
repositories. :func:`pipeline.swh_fixtures.build_export` turns them into an SWH export
(zstd ORC) and a content store (gzip blobs), as SWH publishes them.

Figures:
- walk: the whole source (read 6 tables, resolve, 65 levels of joins, contents) on
  Beam's FnApiRunner (in-process, one worker): ORC rows/s, directory_entry rows/s, files/s;
  peer: the git source (``git:``) on the same repositories, files/s, same runner.
- fetch: the decode stage's blob reading on every blob: ``StoreBlobReader`` with the
  stage's thread pool (``fetch_threads`` x ``fetch_batch``) and with one thread, blobs/s
  and MB/s (inflated); peer: ``GitBlobReader`` (pygit2) on the same blobs.
- fetch with a network round trip: the local store behind a fixed ``--latency-ms`` wait
  per request (what a worker sees from S3), ``--latency-blobs`` blobs, 16 threads vs 1.
- fetch over the S3 protocol: the same reader against an S3 server (moto, in its own
  process, on 127.0.0.1; CPU-bound on this machine) for ``--s3-blobs`` blobs, 16 threads vs 1.

    /work/venv/bin/python bench/bench_swh_export.py [--files 100000] [--repos 20] [--seed 0] \
        [--latency-ms 20 --latency-blobs 500] [--s3-blobs 1000]
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import os
import random
import socket
import subprocess
import sys
import tempfile
import time

from _common import commit

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

WORDS = ("def class return import self value index count items result data config path name "
         "for while if else try except with yield lambda None True False print len range").split()




def text(rng: random.Random) -> bytes:
    lines = []
    for _ in range(rng.randint(5, 150)):
        lines.append("    " * rng.randint(0, 3) + " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 9))))
    return ("\n".join(lines) + "\n").encode()


def tree(repo, files):
    import pygit2

    builder, children = repo.TreeBuilder(), {}
    for path, oid in sorted(files.items()):
        head, _, rest = path.partition("/")
        if rest:
            children.setdefault(head, {})[rest] = oid
        else:
            builder.insert(head, oid, pygit2.GIT_FILEMODE_BLOB)
    for name, sub in sorted(children.items()):
        builder.insert(name, tree(repo, sub), pygit2.GIT_FILEMODE_TREE)
    return builder.write()


def generate(root: str, n_files: int, n_repos: int, seed: int):
    import pygit2

    rng = random.Random(seed)
    shared = [text(rng) for _ in range(50)]
    folders = []
    per_repo = n_files // n_repos
    for r in range(n_repos):
        folder = os.path.join(root, f"repo{r:03d}.git")
        repo = pygit2.init_repository(folder, bare=True, initial_head="main")
        repo.remotes.create("origin", f"https://github.com/bench/repo{r:03d}")
        dirs = [""]
        for _ in range(max(1, per_repo // 12)):
            parent = rng.choice(dirs)
            if parent.count("/") < 6:
                dirs.append(f"{parent}{rng.choice(WORDS)}{len(dirs)}/")
        files = {}
        while len(files) < per_repo:
            data = rng.choice(shared) if rng.random() < 0.02 else text(rng)
            files[f"{rng.choice(dirs)}f{len(files)}.py"] = repo.create_blob(data)
        sig = pygit2.Signature("Bench", "bench@example.org", 1_700_000_000, 0)
        repo.create_commit("refs/heads/main", sig, sig, "import\n", tree(repo, files), [])
        folders.append(folder)
    return folders


def run_source(source):
    """Run a source to completion on the FnApiRunner; (seconds, files, counters)."""
    import apache_beam as beam
    from apache_beam.runners.portability.fn_api_runner import FnApiRunner

    from pipeline.build import collect_counters

    pipeline = beam.Pipeline(runner=FnApiRunner())
    files, _rejects = pipeline | "Source" >> source
    started = time.perf_counter()
    result = pipeline.run()
    result.wait_until_finish()
    seconds = time.perf_counter() - started
    counters = collect_counters(result)["source"]
    return seconds, counters.get("kept", 0), counters


def fetch_rate(read, records, threads: int, batch: int):
    """blobs/s and inflated MB/s reading every record's blob, ``batch`` at a time on ``threads``."""
    started = time.perf_counter()
    total = 0
    with concurrent.futures.ThreadPoolExecutor(threads) as pool:
        for start in range(0, len(records), batch):
            for raw in pool.map(read, records[start:start + batch]):
                total += len(raw)
    seconds = time.perf_counter() - started
    return len(records) / seconds, total / seconds / 1e6, seconds


class SlowFilesystem:
    """A pyarrow filesystem whose every open waits ``latency`` seconds first (a network round trip)."""

    def __init__(self, inner, latency: float):
        self._inner, self._latency = inner, latency

    def open_input_stream(self, path, compression=None):
        time.sleep(self._latency)
        return self._inner.open_input_stream(path, compression=compression)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def s3_fetch(store: str, records, threads_list, batch: int):
    """Upload ``records``' blobs to an S3 server in another process; fetch rates per thread count."""
    import pyarrow.fs as pafs

    from transforms.fetch import StoreBlobReader

    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        env = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_REGION": "us-east-1",
               "AWS_ENDPOINT_URL": f"http://127.0.0.1:{port}"}
        os.environ.update(env)
        s3 = pafs.S3FileSystem(endpoint_override=f"127.0.0.1:{port}", scheme="http", region="us-east-1",
                               access_key="bench", secret_key="bench", allow_bucket_creation=True)
        for _ in range(100):
            try:
                s3.create_dir("bench")
                break
            except OSError:
                time.sleep(0.1)
        for record in records:
            with open(os.path.join(store, record.blob_id), "rb") as src, \
                    s3.open_output_stream(f"bench/content/{record.blob_id}") as dst:
                dst.write(src.read())
        remote = [r._replace(locator="store:s3://bench/content") for r in records]
        reader = StoreBlobReader()
        return {threads: fetch_rate(reader, remote, threads, batch) for threads in threads_list}
    finally:
        server.terminate()
        server.wait()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--repos", type=int, default=20)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--latency-ms", type=float, default=20.0)
    parser.add_argument("--latency-blobs", type=int, default=500)
    parser.add_argument("--s3-blobs", type=int, default=1000)
    args = parser.parse_args(argv)

    import pygit2

    from pipeline.sources.git import ReadGitRepositories, read_repository
    from pipeline.sources.swh_export import ReadSwhExport
    from pipeline.swh_fixtures import build_export
    from transforms.base import DictCounter
    from transforms.fetch import DecodeConfig, GitBlobReader, StoreBlobReader
    from transforms.record import CodeFile

    config = DecodeConfig()
    print(f"bench_swh_export  commit {commit()}  seed {args.seed}  files {args.files}  repos {args.repos}")
    with tempfile.TemporaryDirectory(prefix="bench-swh-") as tmp:
        started = time.perf_counter()
        folders = generate(os.path.join(tmp, "repos"), args.files, args.repos, args.seed)
        generated = time.perf_counter() - started
        export, store = os.path.join(tmp, "export"), os.path.join(tmp, "content")
        started = time.perf_counter()
        summary = build_export(folders, export, store, rows_per_file=50_000)
        exported = time.perf_counter() - started
        rows = sum(summary.rows[t] for t in ("origin_visit_status", "snapshot_branch", "release", "revision",
                                             "directory_entry", "content"))
        print(f"corpus: generated in {generated:.1f} s; export in {exported:.1f} s: "
              f"{summary.rows['directory_entry']} directory_entry rows, {summary.rows['content']} contents, "
              f"{summary.rows['directory']} directories, {rows} rows in the 6 tables read, {summary.blobs} blobs")

        seconds, files, counters = run_source(ReadSwhExport(export, store))
        read_rows = sum(v for k, v in counters.items() if k.startswith("orc:") and k.endswith(":rows"))
        print(f"walk   swh-export (FnApiRunner, 1 worker): {seconds:.1f} s, {read_rows / seconds:,.0f} ORC rows/s, "
              f"{summary.rows['directory_entry'] / seconds:,.0f} directory_entry rows/s, {files / seconds:,.0f} files/s "
              f"({files} files)")
        git_seconds, git_files, _ = run_source(ReadGitRepositories(os.path.join(tmp, "repos")))
        print(f"peer   git source   (FnApiRunner, 1 worker): {git_seconds:.1f} s, {git_files / git_seconds:,.0f} files/s "
              f"({git_files} files)")

        records = []
        for folder in folders:
            records.extend(r for r in read_repository(folder, DictCounter()) if isinstance(r, CodeFile))
        opened, store_records = {}, []
        for r in records:
            repo = opened.get(r.locator) or opened.setdefault(r.locator, pygit2.Repository(r.locator[len("git:"):]))
            sha1 = hashlib.sha1(repo[r.content_id].read_raw()).hexdigest()
            store_records.append(r._replace(blob_id=sha1, locator=f"store:{store}"))
        reader = StoreBlobReader(max_bytes=config.max_bytes)
        for threads in (config.fetch_threads, 1):
            rate, mbps, seconds = fetch_rate(reader, store_records, threads, config.fetch_batch)
            print(f"fetch  content store, local folder, {threads:2d} thread(s): {rate:,.0f} blobs/s, {mbps:.1f} MB/s "
                  f"({len(store_records)} blobs, {seconds:.1f} s)")
        git_reader = GitBlobReader()
        rate, mbps, seconds = fetch_rate(git_reader, records, 1, config.fetch_batch)
        print(f"peer   git blobs (pygit2), 1 thread: {rate:,.0f} blobs/s, {mbps:.1f} MB/s ({seconds:.1f} s)")
        if args.latency_blobs:
            import pyarrow.fs as pafs

            slow = SlowFilesystem(pafs.LocalFileSystem(), args.latency_ms / 1000)
            sample = random.Random(args.seed).sample(store_records, min(args.latency_blobs, len(store_records)))
            for threads in (config.fetch_threads, 1):
                reader = StoreBlobReader(open_fs=lambda root: (slow, root))
                rate, mbps, seconds = fetch_rate(reader, sample, threads, config.fetch_batch)
                print(f"fetch  content store, {args.latency_ms:.0f} ms per request, {threads:2d} thread(s): "
                      f"{rate:,.0f} blobs/s, {mbps:.1f} MB/s ({len(sample)} blobs, {seconds:.1f} s)")
        if args.s3_blobs:
            sample = random.Random(args.seed).sample(store_records, min(args.s3_blobs, len(store_records)))
            for threads, (rate, mbps, seconds) in s3_fetch(store, sample,
                                                           (config.fetch_threads, 1), config.fetch_batch).items():
                print(f"fetch  content store, S3 (moto on 127.0.0.1), {threads:2d} thread(s): {rate:,.0f} blobs/s, "
                      f"{mbps:.1f} MB/s ({len(sample)} blobs, {seconds:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
