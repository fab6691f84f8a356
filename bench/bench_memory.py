"""Memory of a local multi-process build at scale: peak RSS of the whole process
tree (the driver and its worker processes), the bytes spilled to disk, CPU and
wall time, on a corpus of real source (bench/corpus.py).

    python bench/bench_memory.py --workdir /work/bench-2g --megabytes 2300 \\
        --archives /work/cache/pypi --fetch-archives --workers 2

Builds the corpus under ``WORKDIR/corpus`` once (kept for later runs), then runs
``codestack build --source git:WORKDIR/corpus --output WORKDIR/release
--release-version 0.1.0 --workers N`` as a child process and samples, every
``--interval`` seconds, from ``/proc``:

- every process of the tree: RSS, PSS (``smaps_rollup``: shared pages split
  between the processes that map them) and the kernel's own peak (``VmHWM``),
  CPU seconds, command line;
- the tree's total RSS and PSS (the peaks of these sums are the headline: a
  sum can only be sampled, a process's own peak is exact);
- the spill folder ``WORKDIR/release/.staging/spill`` (bytes on disk) and the
  whole staging folder;
- each stage's counters (the build's progress files, ``$CODESTACK_PROGRESS_DIR``),
  so that memory can be read against what the pipeline was doing.

Every sample goes to ``WORKDIR/timeline.jsonl``, the build's output to
``WORKDIR/build.log``, the figures to ``WORKDIR/summary.json``. The environment
passes through to the build and its workers (e.g. ``MALLOC_ARENA_MAX=2``).

On a 2-core machine, a 2.30 GB corpus (249,356 files in 776 repositories, 2.11
GB of it unique; 51,125 files released, 2.32 GB spilled at most, 320-350 CPU s):
peak RSS of the tree 4.87-5.11 GB (driver 1.44-1.47, workers 1.99-2.08 at their
own peaks; e6eed1e, 9028b49), 4.34 GB with ``MALLOC_ARENA_MAX=2`` (1.17, 1.92,
1.90). The floor
is two ScanCode indexes (~1.3 GB a worker): 3.27 GB on a 20 MB corpus. The
driver's peak is near dedup's band-bucket shuffle (``near_dedup/GroupBuckets``:
~2 million (band key, blob id) pairs held decoded in the FnApiRunner's grouping
table), the workers' the sink's row groups (pyarrow's pool keeps ~176 MB after
writing 32 MB row groups, ~84 MB with 8 MB ones: ``--config`` with
``sink.row_group_bytes``).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from typing import Dict, List, Optional

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))
sys.path.insert(0, HERE)

from _common import commit  # noqa: E402
from corpus import build_corpus, fetch_archives  # noqa: E402

TICK = os.sysconf("SC_CLK_TCK")
PAGE = os.sysconf("SC_PAGE_SIZE")


def _read(path: str) -> Optional[str]:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return handle.read()
    except OSError:
        return None


def _stat(pid: int):
    """``(ppid, cpu seconds)`` of a process from /proc/PID/stat, or None."""
    text = _read(f"/proc/{pid}/stat")
    if not text:
        return None
    fields = text[text.rindex(")") + 2:].split()  # after "pid (comm) "
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


def tree(root: int) -> Dict[int, float]:
    """``{pid: cpu seconds}`` of ``root`` and all its descendants."""
    parents, cpu = {}, {}
    for name in os.listdir("/proc"):
        if name.isdigit():
            got = _stat(int(name))
            if got:
                parents[int(name)], cpu[int(name)] = got
    members, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        for pid, ppid in parents.items():
            if ppid == parent and pid not in members:
                members.add(pid)
                frontier.append(pid)
    return {pid: cpu[pid] for pid in members if pid in cpu}


def memory(pid: int) -> Optional[Dict[str, int]]:
    """RSS, its kernel-tracked peak (HWM) and PSS of a process, in bytes."""
    status = _read(f"/proc/{pid}/status")
    if status is None:
        return None
    out = {}
    for line in status.splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            out[key] = int(value.split()[0]) * 1024
    rollup = _read(f"/proc/{pid}/smaps_rollup") or ""
    for line in rollup.splitlines():
        if line.startswith("Pss:"):
            out["Pss"] = int(line.split()[1]) * 1024
    return out if "VmRSS" in out else None


def folder_bytes(folder: str) -> Dict[str, int]:
    """Apparent size and allocated bytes of the files under ``folder``."""
    size = disk = files = 0
    for parent, _, names in os.walk(folder):
        for name in names:
            try:
                st = os.stat(os.path.join(parent, name))
            except OSError:
                continue
            size += st.st_size
            disk += st.st_blocks * 512
            files += 1
    return {"bytes": size, "disk_bytes": disk, "files": files}


def stage_counts(folder: str) -> Dict[str, Dict[str, int]]:
    from pipeline.progress import read_progress

    return read_progress(folder)


def label(cmdline: str, pid: int, root: int) -> str:
    if pid == root:
        return "driver"
    if "sdk_worker_main" in cmdline or "worker" in cmdline:
        return "worker"
    return "other"


def sample_build(command: List[str], env: dict, log_path: str, timeline_path: str, spill: str, staging: str,
                 progress_dir: str, interval: float) -> dict:
    processes: Dict[int, dict] = {}  # pid -> cmdline, label, peaks, last cpu
    peaks = {"tree_rss": 0, "tree_pss": 0, "spill": {"bytes": 0, "disk_bytes": 0, "files": 0}, "staging_bytes": 0,
             "processes": 0}
    at_peak: dict = {}
    start = time.perf_counter()
    with open(log_path, "w") as log, open(timeline_path, "w") as timeline:
        child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
        # the spill folder is walked in a thread of its own (it may hold many files) so the RSS samples keep their pace
        disk = {"spill": {"bytes": 0, "disk_bytes": 0, "files": 0}, "staging_bytes": 0}
        done = threading.Event()

        def watch_disk():
            while not done.wait(interval):
                disk["spill"] = folder_bytes(spill)
                disk["staging_bytes"] = folder_bytes(staging)["bytes"]
                if disk["spill"]["disk_bytes"] > peaks["spill"]["disk_bytes"]:
                    peaks["spill"] = dict(disk["spill"])
                peaks["staging_bytes"] = max(peaks["staging_bytes"], disk["staging_bytes"])

        watcher = threading.Thread(target=watch_disk, daemon=True)
        watcher.start()
        last_counts, counts_at = {}, 0.0
        while child.poll() is None:
            now = time.perf_counter() - start
            members = tree(child.pid)
            rss = pss = 0
            per = {}
            for pid, cpu in members.items():
                mem = memory(pid)
                if mem is None:
                    continue
                info = processes.get(pid)
                if info is None:
                    cmdline = (_read(f"/proc/{pid}/cmdline") or "").replace("\0", " ").strip()
                    info = processes[pid] = {"cmdline": cmdline[:300], "label": label(cmdline, pid, child.pid),
                                             "first_seen": round(now, 1), "peak_rss": 0, "hwm": 0, "peak_pss": 0}
                info.update(cpu=cpu, last_seen=round(now, 1))
                info["peak_rss"] = max(info["peak_rss"], mem["VmRSS"])
                info["hwm"] = max(info["hwm"], mem.get("VmHWM", 0))
                info["peak_pss"] = max(info["peak_pss"], mem.get("Pss", 0))
                rss += mem["VmRSS"]
                pss += mem.get("Pss", 0)
                per[pid] = mem["VmRSS"]
            if now - counts_at >= 5 or not last_counts:
                last_counts, counts_at = stage_counts(progress_dir), now
            row = {"t": round(now, 1), "tree_rss": rss, "tree_pss": pss, "rss": per, "spill": disk["spill"],
                   "staging_bytes": disk["staging_bytes"], "stages": last_counts}
            timeline.write(json.dumps(row) + "\n")
            peaks["processes"] = max(peaks["processes"], len(per))
            if rss > peaks["tree_rss"]:
                peaks["tree_rss"] = rss
                at_peak = row
            peaks["tree_pss"] = max(peaks["tree_pss"], pss)
            time.sleep(interval)
        done.set()
        watcher.join()
    wall = time.perf_counter() - start
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"returncode": child.returncode, "wall_seconds": wall,
            "cpu_seconds_rusage": children.ru_utime + children.ru_stime,
            "cpu_seconds_sampled": sum(p["cpu"] for p in processes.values()),
            "peaks": peaks, "at_peak": at_peak, "processes": processes, "final_stages": stage_counts(progress_dir)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--workdir", required=True, help="corpus, release, log and figures go here")
    parser.add_argument("--megabytes", type=float, default=2300, help="corpus size (built once, then reused)")
    parser.add_argument("--archives", default=None, help="wheels / source archives for the corpus (bench/corpus.py)")
    parser.add_argument("--fetch-archives", action="store_true", help="download the pinned wheels into --archives")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--interval", type=float, default=0.5, help="seconds between samples")
    parser.add_argument("--keep-release", action="store_true", help="keep the release folder afterwards")
    parser.add_argument("--config", default=None, help="passed to codestack build (e.g. a smaller sink.row_group_bytes)")
    args = parser.parse_args(argv)

    work = os.path.abspath(args.workdir)
    os.makedirs(work, exist_ok=True)
    at_start = commit()  # the code that runs: others may commit while the build does
    corpus_dir = os.path.join(work, "corpus")
    if not os.path.isdir(corpus_dir):
        if args.fetch_archives and args.archives:
            fetch_archives(args.archives)
        began = time.perf_counter()
        built = build_corpus(corpus_dir, args.megabytes, args.archives)
        built["build_seconds"] = round(time.perf_counter() - began, 1)
        with open(corpus_dir + ".json", "w") as handle:
            json.dump(built, handle, indent=1)
    with open(corpus_dir + ".json") as handle:
        built = json.load(handle)

    out = os.path.join(work, "release")
    if os.path.exists(out):
        shutil.rmtree(out)
    progress_dir = os.path.join(work, "progress")
    shutil.rmtree(progress_dir, ignore_errors=True)
    os.makedirs(progress_dir)
    codestack = shutil.which("codestack", path=os.path.dirname(sys.executable)) or shutil.which("codestack")
    command = [codestack, "build", "--source", f"git:{corpus_dir}", "--output", out, "--release-version", "0.1.0",
               "--workers", str(args.workers)] + (["--config", os.path.abspath(args.config)] if args.config else [])
    env = dict(os.environ, CODESTACK_PROGRESS_DIR=progress_dir)  # the stages' counters, also without a terminal
    figures = sample_build(command, env, os.path.join(work, "build.log"), os.path.join(work, "timeline.jsonl"),
                           os.path.join(out, ".staging", "spill"), os.path.join(out, ".staging"), progress_dir,
                           args.interval)
    manifest = {}
    if os.path.isfile(os.path.join(out, "manifest.json")):
        with open(os.path.join(out, "manifest.json")) as handle:
            manifest = json.load(handle)
    figures.update(command=command, commit=at_start, corpus=built,
                   malloc_arena_max=os.environ.get("MALLOC_ARENA_MAX"),
                   files_released=manifest.get("totals", {}).get("files"),
                   stages={k: {"kept": v.get("kept"), "dropped": v.get("dropped_total")}
                           for k, v in manifest.get("stages", {}).items()})
    with open(os.path.join(work, "summary.json"), "w") as handle:
        json.dump(figures, handle, indent=1)
    if not args.keep_release and figures["returncode"] == 0:
        shutil.rmtree(out, ignore_errors=True)

    gb = 1e9
    peaks = figures["peaks"]
    print(f"codestack memory benchmark  commit {figures['commit']}  cores: {os.cpu_count()}  "
          f"--workers {args.workers}  sample every {args.interval} s"
          + (f"  MALLOC_ARENA_MAX={figures['malloc_arena_max']}" if figures["malloc_arena_max"] else ""))
    print(f"corpus: {built['repositories']} repositories, {built['files']} files, {built['bytes'] / gb:.2f} GB "
          f"({built.get('text_bytes', 0) / gb:.2f} GB text, {built.get('unique_bytes', 0) / gb:.2f} GB unique)")
    print(f"build: exit {figures['returncode']}, wall {figures['wall_seconds']:.0f} s, cpu "
          f"{max(figures['cpu_seconds_rusage'], figures['cpu_seconds_sampled']):.0f} s; "
          f"{figures['files_released']} files released")
    print(f"peak RSS, whole tree (sampled sum): {peaks['tree_rss'] / gb:.2f} GB at t={figures['at_peak'].get('t')} s; "
          f"peak PSS {peaks['tree_pss'] / gb:.2f} GB; up to {peaks['processes']} processes")
    for pid, p in sorted(figures["processes"].items(), key=lambda kv: -kv[1]["hwm"]):
        if p["hwm"] > 50e6:
            print(f"  {p['label']:<7} pid {pid}: peak RSS {p['hwm'] / gb:.2f} GB (sampled {p['peak_rss'] / gb:.2f}, "
                  f"PSS {p['peak_pss'] / gb:.2f}), cpu {p['cpu']:.0f} s, t {p['first_seen']}-{p['last_seen']} s")
    print(f"spilled: {peaks['spill']['bytes'] / gb:.2f} GB in {peaks['spill']['files']} files at most "
          f"({peaks['spill']['disk_bytes'] / gb:.2f} GB allocated); staging at most {peaks['staging_bytes'] / gb:.2f} GB")
    print(f"stages: {json.dumps(figures['stages'])}")
    return 0 if figures["returncode"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
