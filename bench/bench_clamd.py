"""Malware scanning: the ``malware`` stage's scanning path vs a naive clamd client, same files,
same clamd, same run.

    python bench/bench_clamd.py [--files 3000] [--seed 0] [--connections 4] [--batch-size 64]
                                [--repeats 3] [--clamd ADDRESS]

Corpus: a fixed sample of real files, the ``.py`` files of this environment's installed
packages (``site-packages`` of the running Python), sorted, then ``--files`` of them drawn
with ``--seed``; every 100th gets the EICAR test string appended, so the FOUND path runs too.
Each file is a decoded record (``content``, ``src_encoding``) as the stage gets it.

What is timed, per worker (this one process), wall clock:

* ``stage``: what the stage's DoFn does with a bundle, without Beam: records handed to
  :class:`transforms.malware.Scanner` (``--connections`` pooled sockets and as many threads)
  as they come, the oldest outcome taken once ``--batch-size`` wait; with kept sessions
  (IDSESSION, the default) and with one connection per scan (``sessions: false``);
* ``naive`` (the peer): one new connection per file, no pool, no concurrency.

clamd is started here with the tests' signature database (tests/clamd_daemon.py: 4
signatures) and ``DisableCache yes`` (so a file scanned twice is scanned twice), unless
``--clamd`` names a running one. No realistic database can be downloaded on this machine:
with ClamAV's official database (millions of signatures) each scan costs clamd much more,
and the figures here mostly measure the protocol, the connections and the concurrency
around the scan, not ClamAV's matching. No timed assertion: figures only.
"""

from __future__ import annotations

import argparse
import collections
import glob
import os
import random
import statistics
import sys
import sysconfig
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, ROOT)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests"))

from _common import commit  # noqa: E402
from clamd_daemon import EICAR, SIGNATURES, Clamd, clamd_binary  # noqa: E402

from transforms.base import DictCounter, apply_core  # noqa: E402
from transforms.malware import STAGE, MalwareConfig, Scanner, check_scanner, file_bytes  # noqa: E402
from transforms.malware.clamd import scan_once  # noqa: E402
from transforms.malware.core import judge  # noqa: E402
from transforms.record import CodeFile  # noqa: E402


def corpus(files: int, seed: int):
    site = sysconfig.get_paths()["purelib"]
    paths = sorted(glob.glob(os.path.join(site, "**", "*.py"), recursive=True))
    chosen = sorted(random.Random(seed).sample(paths, min(files, len(paths))))
    records = []
    for i, path in enumerate(chosen):
        with open(path, "rb") as handle:
            raw = handle.read()
        if i % 100 == 99:
            raw += f"\n# {EICAR}\n".encode()
        rel = os.path.relpath(path, site)
        records.append(CodeFile(blob_id=f"b{i}", content_id=f"c{i}", directory_id="d", path=rel, repo_name="bench/x",
                                snapshot_id="s", revision_id="r", branch_name="main", src_encoding="UTF-8",
                                content=raw.decode("utf-8", "surrogateescape"), length_bytes=len(raw)))
    return site, len(paths), records


def run_stage(records, config: MalwareConfig):
    """The DoFn's loop over one bundle (``_MalwareFn.process``/``finish_bundle``), without Beam."""
    scanner = Scanner(config)
    count = DictCounter()
    waiting = collections.deque()

    def ready(keep):
        while len(waiting) > keep:
            record, future = waiting.popleft()
            list(apply_core(STAGE, lambda _r, _c: future.result(), record, count))

    started = time.perf_counter()
    for record in records:
        waiting.append((record, scanner.submit(record)))
        ready(config.batch_size)
    ready(0)
    seconds = time.perf_counter() - started
    scanner.close()
    return seconds, count


def run_naive(records, address: str, timeout: float):
    count = DictCounter()
    started = time.perf_counter()
    for record in records:
        drop = judge(scan_once(address, file_bytes(record), timeout))
        count(f"dropped:{drop.reason}" if drop else "kept")
    return time.perf_counter() - started, count


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--files", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--connections", type=int, default=MalwareConfig.connections)
    parser.add_argument("--batch-size", type=int, default=MalwareConfig.batch_size)
    parser.add_argument("--repeats", type=int, default=3, help="runs of each variant (interleaved); the median is shown")
    parser.add_argument("--transport", choices=("unix", "tcp"), default="unix",
                        help="socket to the clamd started here (ignored with --clamd)")
    parser.add_argument("--clamd", default="", help="a running clamd's address instead of one started here")
    args = parser.parse_args(argv)

    site, available, records = corpus(args.files, args.seed)
    megabytes = sum(len(file_bytes(r)) for r in records) / 1e6
    daemon = None
    if args.clamd:
        address = args.clamd
        database = "the database of the clamd at " + address
    else:
        binary = clamd_binary()
        if binary is None:
            sys.exit("bench_clamd: clamd not found (apt-get install clamav-daemon)")
        daemon = Clamd(binary, stream_max=64 << 20, file_max=64 << 20, extra=("DisableCache yes",))
        daemon.wait_ready()
        address = getattr(daemon, args.transport)
        database = (f"THE TEST DATABASE ({SIGNATURES} signatures: EICAR, a marker, 2 file hashes; tests/clamd_daemon.py),"
                    " clamd cache off -- not a realistic database, none can be downloaded here")
    try:
        info = check_scanner(address)
        print(f"commit {commit()}  clamd {info['engine']} at {address}  (MaxThreads 8, on {os.cpu_count()} CPUs)")
        print(f"database: {database}")
        print(f"corpus: {len(records)} of the {available} .py files under {site} (seed {args.seed}), "
              f"{megabytes:.2f} MB, every 100th with EICAR appended")
        print(f"stage: connections {args.connections}, batch_size {args.batch_size}; repeats {args.repeats}, median")
        variants = {
            "stage, sessions": lambda: run_stage(records, MalwareConfig(
                clamd=address, connections=args.connections, batch_size=args.batch_size, sessions=True)),
            "stage, connection per scan": lambda: run_stage(records, MalwareConfig(
                clamd=address, connections=args.connections, batch_size=args.batch_size, sessions=False)),
            "naive (peer)": lambda: run_naive(records, address, MalwareConfig.timeout_seconds),
        }
        seconds = collections.defaultdict(list)
        clamd_cpu = collections.defaultdict(list)
        counts = {}
        run_naive(records[:50], address, 10.0)  # warm up
        for _ in range(args.repeats):
            for name, run in variants.items():
                cpu = daemon.cpu_seconds() if daemon else None
                took, count = run()
                seconds[name].append(took)
                if daemon:
                    clamd_cpu[name].append(daemon.cpu_seconds() - cpu)
                counts.setdefault(name, dict(count))
                assert counts[name] == dict(count), "a variant answered differently between runs"
        if len({tuple(sorted(c.items())) for c in counts.values()}) != 1:
            print(f"WARNING: the variants disagree: {counts}")
        print(f"outcomes: {dict(sorted(next(iter(counts.values())).items()))}")
        naive = statistics.median(seconds["naive (peer)"])
        print(f"{'variant':28} {'seconds':>8} {'files/s':>9} {'MB/s':>7} {'clamd CPU s':>12} {'vs naive':>9}")
        for name in variants:
            took = statistics.median(seconds[name])
            cpu = f"{statistics.median(clamd_cpu[name]):.2f}" if daemon else "-"
            print(f"{name:28} {took:8.2f} {len(records) / took:9.0f} {megabytes / took:7.2f} {cpu:>12} "
                  f"{naive / took:8.2f}x")
    finally:
        if daemon:
            daemon.stop()


if __name__ == "__main__":
    main()
