"""Benchmark of the archive-scale walk: an export with ~F x more unreachable directory versions.

The goal (the issue): "An export of the same repositories with ~2,000x more
unreachable directory versions (plus their revisions and content rows) gives the
same released rows, for at most 1.5x the CPU of the plain export." A real SWH
export holds far more historic directories than the latest snapshots reach; the
walk must not pay per row for them.

1. plain export: the demo's sample repositories (``pipeline.samples.build_samples``),
   plus ``--repos`` generated repositories of ``--files`` files in total
   (``bench_swh_export.generate``, seeded; folders up to 6 deep; no license file, so
   their files leave at the license stage, as most of an archive does), turned into an
   SWH export and a content store by ``pipeline.swh_fixtures.build_export``, as
   ``codestack demo`` does. The default (samples + 4 repositories of 400 files: 52
   directories, 467 directory_entry rows) gives 934,000 unreachable directory_entry
   rows at ``--factor 2000``; the samples alone (``--repos 0``) give 70,000, too few
   to tell a walk that pays per unreachable row from one that does not.
2. inflated export: every table of the plain export (read with ``pyarrow.orc``, written
   back with the same ORC schema, zstd, ``--files-per-table`` files of
   ``--stripe-kb`` stripes), plus, per reachable directory, ``--factor`` unreachable
   historic versions: version v of directory D has D's entries with its subdirectories
   replaced by their version v (whole historic trees) and each file replaced by a new
   content with probability ``--change`` (at least one per directory with files); ids
   are sha1 of a seed string (hex). New ``directory`` rows, ``content`` rows for the new
   files (sha1_git, sha1, sha256, blake2s256, length, status 'visible'; no blob in the
   store: nothing reaches them), ``revision`` rows for the historic roots (older dates)
   and ``revision_history`` chaining them. No visit, snapshot or branch is added:
   nothing new is reachable. Rows are shuffled per table (seeded) so unreachable rows
   sit among reachable ones, as in a real export.
3. both exports are built by ``python -m pipeline.cli build --source swh-export:EXPORT
   --content-store STORE --output OUT --release-version 0.1.0`` in a child process
   (cwd, HOME and TMPDIR inside the work folder, one local worker); CPU = user+sys of
   the child and its descendants (the change of ``getrusage(RUSAGE_CHILDREN)``), peak
   RSS from the child's ``os.wait4`` rusage. The released
   data shards must be byte-identical (sha256 of every file under ``data/``); the
   manifests differ in the export's name.
4. the shuffles of the swh-export build's graph (``bench/graph_shuffles.py``).

``--at REV`` measures the code of a commit (``git archive REV`` into the work folder,
put first on PYTHONPATH of every child) instead of the working tree.

    /work/venv/bin/python bench/bench_unreachable.py [--factor 2000] [--repos 4 --files 400] \
        [--seed 0] [--repeat 1] [--workdir DIR] [--keep] [--at REV]

Exit code 0 only if the released shards are identical and the CPU ratio meets the goal.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)

from _common import commit  # noqa: E402

#: the goal: inflated CPU / plain CPU
GOAL = 1.5
HISTORIC_STEP_US = 3_600 * 1_000_000  # each older version is an hour older


# --- the plain export -------------------------------------------------------------------------

def make_plain(work: str, repos: int, files: int, seed: int):
    """Sample repositories (+ generated ones) -> ``work/plain/export`` and ``work/content``."""
    from pipeline.samples import build_samples
    from pipeline.swh_fixtures import build_export

    folders = list(build_samples(os.path.join(work, "repos", "samples")).values())
    if repos:
        from bench_swh_export import generate

        folders += generate(os.path.join(work, "repos", "generated"), files, repos, seed)
    export, store = os.path.join(work, "plain", "export"), os.path.join(work, "content")
    summary = build_export(folders, export, store)
    return export, store, summary


# --- the inflated export ----------------------------------------------------------------------

def read_tables(export: str):
    """``{table: pyarrow.Table}`` of every table of an export (its files concatenated)."""
    import pyarrow as pa
    import pyarrow.orc

    out = {}
    for table in sorted(os.listdir(os.path.join(export, "orc"))):
        folder = os.path.join(export, "orc", table)
        parts = [pyarrow.orc.read_table(os.path.join(folder, name))
                 for name in sorted(os.listdir(folder)) if name.endswith(".orc")]
        out[table] = pa.concat_tables(parts) if len(parts) > 1 else parts[0]
    return out


def orc_schemas(export: str) -> Dict[str, str]:
    """``{table: ORC type string}`` of each file of an export (all files of a table must agree)."""
    import pyarrow.orc

    out = {}
    for table in sorted(os.listdir(os.path.join(export, "orc"))):
        folder = os.path.join(export, "orc", table)
        kinds = {str(pyarrow.orc.ORCFile(os.path.join(folder, name)).schema)
                 for name in os.listdir(folder) if name.endswith(".orc")}
        out[table] = " | ".join(sorted(kinds))
    return out


class Ids:
    """Deterministic new ids: sha1 (hex) of ``<seed>/<kind>/<parts>``."""

    def __init__(self, seed: int):
        self._seed = seed

    def __call__(self, kind: str, *parts) -> str:
        text = "/".join([str(self._seed), kind] + [p.hex() if isinstance(p, bytes) else str(p) for p in parts])
        return hashlib.sha1(text.encode()).hexdigest()


def historic_rows(plain, factor: int, seed: int, change: float):
    """New rows per table (lists of pyarrow tables with the plain tables' schemas)."""
    import pyarrow as pa
    import pyarrow.compute as pc

    ids = Ids(seed)
    rng = random.Random(f"{seed}/historic")
    entries = plain["directory_entry"].to_pydict()
    listing: Dict[str, List[tuple]] = {}
    for d, name, kind, target, perms in zip(entries["directory_id"], entries["name"], entries["type"],
                                            entries["target"], entries["perms"]):
        listing.setdefault(d, []).append((name, kind, target, perms))
    directories = sorted(set(plain["directory"].column("id").to_pylist()) | set(listing))
    new = {t: [] for t in ("directory", "directory_entry", "content", "revision", "revision_history")}
    schema = {t: plain[t].schema for t in new}

    def table(name, columns):
        return pa.table([pa.array(columns[f.name], type=f.type) for f in schema[name]], schema=schema[name])

    for v in range(factor):
        dirs = {"id": [], "raw_manifest": []}
        rows = {"directory_id": [], "name": [], "type": [], "target": [], "perms": []}
        content = {c: [] for c in schema["content"].names}
        for d in directories:
            here = ids("dir", d, v)
            dirs["id"].append(here)
            dirs["raw_manifest"].append(None)
            listed = listing.get(d, [])
            files = [i for i, e in enumerate(listed) if e[1] == "file"]
            changed = {i for i in files if rng.random() < change}
            if files and not changed:
                changed.add(rng.choice(files))
            for i, (name, kind, target, perms) in enumerate(listed):
                if kind == "dir":
                    target = ids("dir", target, v)
                elif i in changed:
                    target = ids("file", d, name, v)
                    length = rng.randint(50, 50_000)
                    content["sha1"].append(ids("sha1", target))
                    content["sha1_git"].append(target)
                    content["sha256"].append(hashlib.sha256(target.encode()).hexdigest())
                    content["blake2s256"].append(hashlib.blake2s(target.encode()).hexdigest())
                    content["length"].append(length)
                    content["status"].append("visible")
                    content["data"].append(None)
                rows["directory_id"].append(here)
                rows["name"].append(name)
                rows["type"].append(kind)
                rows["target"].append(target)
                rows["perms"].append(perms)
        new["directory"].append(table("directory", dirs))
        new["directory_entry"].append(table("directory_entry", rows))
        new["content"].append(table("content", content))

    # a historic revision per version of each revision's root, an hour older per version
    revisions = plain["revision"]
    if revisions.num_rows:
        rev_ids = revisions.column("id").to_pylist()
        roots = revisions.column("directory").to_pylist()
        for v in range(factor):
            older = (factor - v) * HISTORIC_STEP_US
            out = revisions
            for column in ("id", "directory", "message", "date", "committer_date"):
                index = out.schema.get_field_index(column)
                field = out.schema.field(index)
                if column == "id":
                    values = pa.array([ids("rev", r, v) for r in rev_ids], type=field.type)
                elif column == "directory":
                    values = pa.array([ids("dir", d, v) for d in roots], type=field.type)
                elif column == "message":
                    values = pa.array([b"historic version %d\n" % v] * len(rev_ids), type=field.type)
                else:  # shift the timestamps back, in the column's own unit
                    unit = field.type.unit
                    step = older * {"s": 1e-6, "ms": 1e-3, "us": 1, "ns": 1000}[unit]
                    values = pc.subtract(out.column(index).cast(pa.int64()), int(step)).cast(field.type)
                out = out.set_column(index, field, values)
            new["revision"].append(out)
            if v:
                new["revision_history"].append(table("revision_history", {
                    "id": [ids("rev", r, v) for r in rev_ids], "parent_id": [ids("rev", r, v - 1) for r in rev_ids],
                    "parent_rank": [0] * len(rev_ids)}))
    return new


def write_inflated(plain_export: str, export: str, factor: int, seed: int, change: float,
                   files_per_table: int, stripe_bytes: int) -> Dict[str, tuple]:
    """The plain export's tables plus the historic rows, shuffled, at ``export``; ``{table: (plain, inflated)}`` rows."""
    import pyarrow as pa
    import pyarrow.orc

    from pipeline.swh_fixtures import export_file_name

    plain = read_tables(plain_export)
    new = historic_rows(plain, factor, seed, change)
    counts = {}
    for table_name, rows in sorted(plain.items()):
        full = pa.concat_tables([rows] + new.get(table_name, [])).combine_chunks()
        order = list(range(full.num_rows))
        random.Random(f"{seed}/shuffle/{table_name}").shuffle(order)
        full = full.take(pa.array(order, type=pa.int64()))
        folder = os.path.join(export, "orc", table_name)
        os.makedirs(folder, exist_ok=True)
        parts = max(1, min(files_per_table, full.num_rows))
        bounds = [full.num_rows * i // parts for i in range(parts + 1)]
        for index in range(parts):
            chunk = full.slice(bounds[index], bounds[index + 1] - bounds[index])
            name = export_file_name(table_name, index, [(f"inflated seed={seed} factor={factor}", bounds[index],
                                                         bounds[index + 1])])
            pyarrow.orc.write_table(chunk, os.path.join(folder, name), compression="zstd",
                                    stripe_size=stripe_bytes, batch_size=1024)
        counts[table_name] = (rows.num_rows, full.num_rows)
    return counts


def stripes(export: str) -> Dict[str, tuple]:
    """``{table: (files, stripes)}``."""
    import pyarrow.orc

    out = {}
    for table in sorted(os.listdir(os.path.join(export, "orc"))):
        folder = os.path.join(export, "orc", table)
        names = [n for n in os.listdir(folder) if n.endswith(".orc")]
        out[table] = (len(names), sum(pyarrow.orc.ORCFile(os.path.join(folder, n)).nstripes for n in names))
    return out


# --- the builds -------------------------------------------------------------------------------

def child_env(work: str, code: Optional[str]) -> dict:
    env = dict(os.environ, HOME=os.path.join(work, "home"), TMPDIR=os.path.join(work, "tmp"))
    for key in ("HOME", "TMPDIR"):
        os.makedirs(env[key], exist_ok=True)
    if code:
        env["PYTHONPATH"] = code + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


def run_measured(argv: List[str], env: dict, cwd: str, log: str) -> dict:
    """Run ``argv``; exit code, CPU seconds (user+sys of it and its descendants: the change in
    ``getrusage(RUSAGE_CHILDREN)``), its peak RSS (``wait4``'s rusage), wall seconds."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(log, "wb") as out:
        started = time.perf_counter()
        proc = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT)
        _pid, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc.returncode = os.waitstatus_to_exitcode(status)
    user, system = after.ru_utime - before.ru_utime, after.ru_stime - before.ru_stime
    return {"exit": proc.returncode, "cpu": user + system, "user": user, "sys": system,
            "rss_mb": usage.ru_maxrss / 1024, "wall": wall, "log": log}


def build(name: str, export: str, store: str, work: str, env: dict, tag: str) -> dict:
    out = os.path.join(work, "releases", tag)
    argv = [sys.executable, "-m", "pipeline.cli", "build", "--source", f"swh-export:{export}", "--content-store",
            store, "--output", out, "--release-version", "0.1.0"]
    figures = run_measured(argv, env, work, os.path.join(work, "logs", f"build-{tag}.log"))
    figures["argv"] = argv
    figures["output"] = out
    return figures


def data_digests(release: str) -> Dict[str, str]:
    """``{path under data/: sha256}``."""
    out = {}
    base = os.path.join(release, "data")
    for folder, _dirs, names in os.walk(base):
        for name in names:
            path = os.path.join(folder, name)
            with open(path, "rb") as handle:
                out[os.path.relpath(path, base)] = hashlib.sha256(handle.read()).hexdigest()
    return out


def manifest_summary(release: str) -> dict:
    path = os.path.join(release, "manifest.json")
    if not os.path.exists(path):
        return {}
    with open(path) as handle:
        manifest = json.load(handle)
    return {"totals": manifest.get("totals", {}),
            "stages": {s: (v.get("kept"), v.get("dropped_total")) for s, v in manifest.get("stages", {}).items()},
            "source_counters": manifest.get("stages", {}).get("source", {}).get("counters", {})}


def shuffles(export: str, store: str, work: str, env: dict) -> dict:
    argv = [sys.executable, os.path.join(HERE, "graph_shuffles.py"), f"swh-export:{export}", "--content-store", store]
    proc = subprocess.run(argv, env=env, cwd=work, capture_output=True, text=True)
    if proc.returncode:
        return {"error": proc.stderr.strip().splitlines()[-1:] or [f"exit {proc.returncode}"]}
    return json.loads(proc.stdout)


def code_at(rev: str, work: str) -> str:
    """The files of commit ``rev`` (``git archive``) under the work folder."""
    folder = os.path.join(work, f"code-{rev}")
    os.makedirs(folder, exist_ok=True)
    archive = subprocess.run(["git", "-C", ROOT, "archive", rev], capture_output=True, check=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    return folder


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--factor", type=int, default=2000, help="unreachable historic versions per reachable directory")
    parser.add_argument("--repos", type=int, default=4, help="generated repositories added to the samples (0: the demo's samples only)")
    parser.add_argument("--files", type=int, default=400, help="files in the generated repositories, in total")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--change", type=float, default=0.25,
                        help="chance that a file of a directory is a new content in a historic version")
    parser.add_argument("--files-per-table", type=int, default=4)
    parser.add_argument("--stripe-kb", type=int, default=256, help="ORC stripe size of the inflated export")
    parser.add_argument("--repeat", type=int, default=1, help="build each export this many times; the least CPU counts")
    parser.add_argument("--workdir", help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (exports, releases, logs)")
    parser.add_argument("--at", metavar="REV", help="measure the code of this commit (git archive) instead of the working tree")
    args = parser.parse_args(argv)

    work = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="bench-unreachable-")
    os.makedirs(os.path.join(work, "logs"), exist_ok=True)
    code = None
    if args.at:
        rev = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", args.at], capture_output=True, text=True,
                             check=True).stdout.strip()
        code = code_at(rev, work)
        sys.path.insert(0, code)
    measured = f"{rev} (git archive)" if args.at else "working tree"
    dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "pipeline", "transforms", "registry",
                            "manifests"], capture_output=True, text=True).stdout.strip()
    print(f"bench_unreachable  commit {commit()}  measured: {measured}"
          f"{'' if args.at or not dirty else ' (uncommitted changes in pipeline/transforms/...)'}  seed {args.seed}  "
          f"factor {args.factor}  repos: samples + {args.repos} generated ({args.files if args.repos else 0} files)  "
          f"change {args.change}  workdir {work}")
    try:
        started = time.perf_counter()
        plain_export, store, summary = make_plain(work, args.repos, args.files, args.seed)
        made = time.perf_counter() - started
        inflated_export = os.path.join(work, "inflated", "export")
        started = time.perf_counter()
        counts = write_inflated(plain_export, inflated_export, args.factor, args.seed, args.change,
                                args.files_per_table, args.stripe_kb * 1024)
        inflated_s = time.perf_counter() - started
        print(f"exports: plain in {made:.1f} s ({summary.blobs} blobs in the store), inflated in {inflated_s:.1f} s")
        plain_layout, inflated_layout = stripes(plain_export), stripes(inflated_export)
        print(f"{'table':22s} {'plain rows':>11s} {'inflated rows':>14s} {'ratio':>8s}  files/stripes plain -> inflated")
        for table, (before, after) in sorted(counts.items()):
            ratio = f"{after / before:.1f}x" if before else "-"
            print(f"{table:22s} {before:11,d} {after:14,d} {ratio:>8s}  "
                  f"{plain_layout[table][0]}/{plain_layout[table][1]} -> {inflated_layout[table][0]}/{inflated_layout[table][1]}")
        entries = counts["directory_entry"]
        print(f"directory_entry rows inflated/plain: {entries[1] / entries[0]:,.1f}x "
              f"({entries[1] - entries[0]:,d} unreachable rows)")
        same_types = orc_schemas(plain_export) == orc_schemas(inflated_export)
        print(f"ORC schemas of every table the same in both exports: {'yes' if same_types else 'NO'}")

        env = child_env(work, code)
        counted = shuffles(plain_export, store, work, env)
        if "error" in counted:
            print(f"shuffles: could not count: {counted['error']}")
        else:
            print(f"shuffles (GroupByKey leaves) in the swh-export build's graph: {counted['total']} "
                  f"= source {counted['source']} + rest {counted['rest']}")
            print(f"  source by kind {counted['source_by_kind']}  by part {counted['source_by_part']}")
            print(f"  rest by kind {counted['rest_by_kind']}")

        results = {}
        for attempt in range(args.repeat):
            for name, export in (("plain", plain_export), ("inflated", inflated_export)):
                figures = build(name, export, store, work, env, f"{name}-{attempt}" if args.repeat > 1 else name)
                info = manifest_summary(figures["output"])
                figures.update(info)
                counters = info.get("source_counters", {})
                print(f"build {name:8s}: exit {figures['exit']}  CPU {figures['cpu']:8.1f} s (user {figures['user']:.1f} "
                      f"+ sys {figures['sys']:.1f})  wall {figures['wall']:7.1f} s  peak RSS {figures['rss_mb']:7.0f} MB  "
                      f"released files {info.get('totals', {}).get('files')}  source kept/dropped "
                      f"{info.get('stages', {}).get('source')}  directory_entry rows read "
                      f"{counters.get('orc:directory_entry:rows')}")
                if figures["exit"]:
                    with open(figures["log"], errors="replace") as handle:
                        tail = handle.read().strip().splitlines()[-5:]
                    print("  " + "\n  ".join(tail))
                best = results.get(name)
                if best is None or (figures["exit"] == 0 and (best["exit"] or figures["cpu"] < best["cpu"])):
                    results[name] = figures
        if args.repeat > 1:
            print(f"best of {args.repeat}: plain CPU {results['plain']['cpu']:.1f} s, inflated CPU "
                  f"{results['inflated']['cpu']:.1f} s")
        print("build command: " + ("PYTHONPATH=" + code + " " if code else "") + "python "
              + " ".join(results["inflated"]["argv"][1:]) + f"   (cwd, HOME, TMPDIR under {work})")

        plain_data = data_digests(results["plain"]["output"])
        inflated_data = data_digests(results["inflated"]["output"])
        same = (results["plain"]["exit"] == 0 and results["inflated"]["exit"] == 0 and bool(plain_data)
                and plain_data == inflated_data)
        stages_same = results["plain"].get("stages") == results["inflated"].get("stages")
        print(f"same released rows (sha256 of all {len(plain_data)} files under data/): {'PASS' if same else 'FAIL'}"
              f"  (stage kept/dropped counts {'the same' if stages_same else 'DIFFER'})")
        ratio = results["inflated"]["cpu"] / results["plain"]["cpu"]
        extra = results["inflated"]["cpu"] - results["plain"]["cpu"]
        unreachable = entries[1] - entries[0]
        print(f"CPU inflated/plain: {ratio:.2f}x (goal <= {GOAL}x: {'PASS' if ratio <= GOAL else 'FAIL'}); "
              f"extra {extra:.1f} s = {extra / unreachable * 1e6:,.1f} s per million unreachable directory_entry rows; "
              f"peak RSS inflated/plain {results['inflated']['rss_mb'] / results['plain']['rss_mb']:.2f}x")
        return 0 if same and ratio <= GOAL else 1
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
