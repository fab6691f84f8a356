"""Benchmark of the ``license`` stage on a realistic repository set.

The set: the Python distributions installed next to codestack, each laid out as
a repository (its installed files as in site-packages, its dist-info license
files copied to the root, its METADATA as the root PKG-INFO), chosen by a seeded
shuffle until ``--max-mb`` of text. Vendored libraries (``pip/_vendor/...``,
``*/vendor/*`` with their own LICENSE) make nested scopes as in real repositories.

Figures: license files scanned per second (cold cache, then warm: the same files
met again, as in the next snapshot or a fork), the stage's MB/s and files/s on
the whole set (in memory: the functions the Beam graph runs, joined with a dict)
and on Beam's FnApiRunner for a subset, the ScanCode cache hit rate, and the
peer: ScanCode's own detection run on every file, as a scan of every file
would (timed on a seeded sample, extrapolated to the set).

    /work/venv/bin/python bench/bench_license.py [--max-mb 120] [--seed 0] [--peer-files 40] [--beam-mb 15]
"""

from __future__ import annotations

import argparse
import collections
import hashlib
import importlib.metadata
import os
import random
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from transforms import license as lic  # noqa: E402
from transforms.base import DictCounter, Drop  # noqa: E402
from transforms.fetch import DecodeConfig, decode_bytes  # noqa: E402
from transforms.record import CodeFile  # noqa: E402
from _common import commit  # noqa: E402

SKIP_DISTS = {"scancode-toolkit"}  # its data folder is a corpus of 2,470 license texts, not a repository


def distribution_files(dist):
    """``{repository path: absolute file}`` of one installed distribution, license files also at the root."""
    files = {}
    for item in sorted(dist.files or (), key=str):
        rel = str(item).replace(os.sep, "/")
        if rel.startswith("..") or rel.endswith(".pyc") or "/__pycache__/" in rel:
            continue
        files[rel] = str(dist.locate_file(item))
    for rel, full in sorted(files.copy().items()):
        parts = rel.split("/")
        if not parts[0].endswith(".dist-info"):
            continue
        if parts[-1] == "METADATA":
            files.setdefault("PKG-INFO", full)
        elif (len(parts) == 2 and lic.is_license_file(rel)) or (len(parts) == 3 and parts[1] == "licenses"):
            files.setdefault(parts[-1], full)
    return files


def build_corpus(max_mb: float, seed: int):
    dists = {}
    for dist in importlib.metadata.distributions():
        name = dist.metadata["Name"]
        if name and name.lower() not in SKIP_DISTS and name not in dists:
            dists[name] = dist
    names = sorted(dists)
    random.Random(seed).shuffle(names)
    config = DecodeConfig()
    records, skipped, text_bytes, repos = [], collections.Counter(), 0, 0
    for name in names:
        if text_bytes >= max_mb * 1e6:
            break
        dist = dists[name]
        snapshot = hashlib.sha1(f"{name} {dist.version}".encode()).hexdigest()
        repos += 1
        for path, full in sorted(distribution_files(dist).items()):
            try:
                size = os.path.getsize(full)
                if size >= config.max_bytes:
                    skipped["too_large"] += 1
                    continue
                with open(full, "rb") as handle:
                    raw = handle.read()
            except OSError:
                skipped["unreadable"] += 1
                continue
            decoded = decode_bytes(raw, config)
            if isinstance(decoded, Drop):
                skipped[decoded.reason] += 1
                continue
            text_bytes += len(raw)
            records.append(CodeFile(
                blob_id=hashlib.sha1(raw).hexdigest(), content_id="", directory_id="", path=path, repo_name=name,
                snapshot_id=snapshot, revision_id="", branch_name="", content=decoded[0], length_bytes=len(raw),
            ))
    return records, skipped, text_bytes, repos


def fresh(engine: lic.Engine) -> lic.Engine:
    return lic.Engine(engine.config, engine.spdx, lic.Scanner(engine.scanner._index, engine.config.cache_entries))


def mb(n: float) -> str:
    return f"{n / 1e6:.1f} MB"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-mb", type=float, default=120.0, help="text of the repository set (default 120 MB)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--peer-files", type=int, default=40, help="files in the peer's timed sample")
    parser.add_argument("--beam-mb", type=float, default=15.0, help="text run through the Beam stage (0: skip)")
    args = parser.parse_args(argv)

    print(f"bench_license  commit {commit()}  seed {args.seed}  python {sys.version.split()[0]}")
    t0 = time.perf_counter()
    records, skipped, text_bytes, repos = build_corpus(args.max_mb, args.seed)
    print(f"corpus: {repos} installed distributions as repositories, {len(records)} text files, {mb(text_bytes)} "
          f"(left out as a build would: {dict(sorted(skipped.items()))}); built in {time.perf_counter() - t0:.1f} s")
    license_files = [r for r in records if lic.is_license_file(r.path)]
    manifests = [r for r in records if lic.manifest_kind(r.path)]
    print(f"  license-like files {len(license_files)} ({len({r.blob_id for r in license_files})} distinct blobs, "
          f"{mb(sum(r.length_bytes for r in license_files))}), manifests {len(manifests)}")

    t0 = time.perf_counter()
    engine = lic.make_engine(lic.LicenseConfig())
    print(f"ScanCode index load: {time.perf_counter() - t0:.1f} s (once per worker process)")

    # 1. license files per second: cold cache, then the same files again (warm)
    cold = fresh(engine)
    count = DictCounter()
    t0 = time.perf_counter()
    for record in license_files:
        lic.license_file_evidence(record, cold, count)
    cold_s = time.perf_counter() - t0
    hits_cold = cold.scanner.hits
    t0 = time.perf_counter()
    for record in license_files:
        lic.license_file_evidence(record, cold, DictCounter())
    warm_s = time.perf_counter() - t0
    lf_bytes = sum(r.length_bytes for r in license_files)
    print(f"license files, cold cache: {len(license_files)} in {cold_s:.2f} s = {len(license_files) / cold_s:.1f} files/s, "
          f"{lf_bytes / 1e6 / cold_s:.2f} MB/s; ScanCode runs {cold.scanner.misses}, cache hits {hits_cold} "
          f"({hits_cold / len(license_files):.1%}: identical license texts); truncated {count.get('scan:truncated', 0)}")
    print(f"license files, warm cache (met again): {len(license_files)} in {warm_s:.3f} s = "
          f"{len(license_files) / warm_s:.0f} files/s, hit rate {(cold.scanner.hits - hits_cold) / len(license_files):.1%}")

    # 2. the whole stage in memory, cold cache
    stage = fresh(engine)
    count = DictCounter()
    t0 = time.perf_counter()
    outcomes = list(lic.license_records(records, stage, count))
    stage_s = time.perf_counter() - t0
    scans = stage.scanner.hits + stage.scanner.misses
    print(f"stage (in memory, cold cache): {len(records)} files, {mb(text_bytes)} in {stage_s:.1f} s = "
          f"{text_bytes / 1e6 / stage_s:.2f} MB/s, {len(records) / stage_s:.0f} files/s")
    print(f"  ScanCode requests {scans} (" + ", ".join(f"{k[6:]} {v}" for k, v in sorted(count.items()) if k.startswith("scans:"))
          + f"), runs {stage.scanner.misses}, cache hit rate {stage.scanner.hits / max(scans, 1):.1%}; "
          f"ScanCode read {mb(stage.scanner.scanned_chars)} of {mb(text_bytes)}")
    print("  " + ", ".join(f"{k} {v}" for k, v in sorted(count.items())
                           if k.startswith(("license_type:", "assigned_by:", "dropped:", "kept", "manifest:", "evidence:"))))
    del outcomes

    # 3. the Beam stage on the FnApiRunner, on a subset (whole repositories)
    if args.beam_mb > 0:
        import apache_beam as beam
        from apache_beam.runners.portability.fn_api_runner import FnApiRunner

        subset, size, seen = [], 0, set()
        for record in records:
            if record.snapshot_id not in seen and size >= args.beam_mb * 1e6:
                break
            seen.add(record.snapshot_id)
            subset.append(record)
            size += record.length_bytes
        same = fresh(engine)
        t0 = time.perf_counter()
        list(lic.license_records(subset, same, DictCounter()))
        memory_s = time.perf_counter() - t0
        t0 = time.perf_counter()
        pipeline = beam.Pipeline(runner=FnApiRunner())
        kept, _rejects = pipeline | beam.Create(subset, reshuffle=False) | lic.License(lic.LicenseConfig())
        _ = kept | beam.combiners.Count.Globally()
        pipeline.run().wait_until_finish()
        beam_s = time.perf_counter() - t0
        print(f"stage on Beam (FnApiRunner, 1 process, cold cache, index already loaded): {len(subset)} files of "
              f"{len(seen)} repositories, {mb(size)} in {beam_s:.1f} s = {size / 1e6 / beam_s:.2f} MB/s "
              f"(in memory, same subset, cold cache: {memory_s:.1f} s = {size / 1e6 / memory_s:.2f} MB/s)")

    # 4. the peer: ScanCode on every file
    sample = random.Random(args.seed).sample(records, min(args.peer_files, len(records)))
    sample_bytes = sum(r.length_bytes for r in sample)
    scanner = fresh(engine).scanner
    t0 = time.perf_counter()
    for record in sample:
        scanner.detect(record.content)
    peer_s = time.perf_counter() - t0
    peer_mbs = sample_bytes / 1e6 / peer_s
    print(f"peer, ScanCode detection on every file: seeded sample of {len(sample)} files, {mb(sample_bytes)} in "
          f"{peer_s:.1f} s = {peer_mbs:.3f} MB/s, {len(sample) / peer_s:.1f} files/s -> the set would take "
          f"~{text_bytes / 1e6 / peer_mbs:.0f} s vs {stage_s:.1f} s for the stage ({text_bytes / 1e6 / peer_mbs / stage_s:.0f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
