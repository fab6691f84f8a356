"""End-to-end benchmark: the full pipeline on a realistic corpus at 1x and 4x size.

The corpus is real code available offline: the installed Python distributions
of this environment laid out as bare git repositories with their license files
(bench/corpus.py). Each size is built in a fresh process on the local runner
(in-process FnApiRunner, one worker) and reports:

- overall MB/s per core (input bytes / CPU seconds of the process),
- per stage seconds and MB/s per core (Beam's per-transform execution time,
  grouped by the stage's top-level label),
- peak RSS and the bytes parked in spill files, and the 4x/1x time ratio (goal <= 4.4) and RSS ratio (goal: flat).

    python bench/bench_e2e.py --megabytes 20 --scale 4
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

from _common import commit  # noqa: E402
from corpus import build_corpus  # noqa: E402

#: top-level labels of the graph -> the stage they belong to
LABEL_STAGE = {"Source": "source", "WriteData": "sink", "WriteRejects": "sink",
               "AllRejects": "sink", "AllShardInfos": "sink", "WriteShardIndex": "sink"}


def stage_of(step: str) -> str:
    top = step.split("/", 1)[0]
    return LABEL_STAGE.get(top, top.lower() if top else "other")


def run_child(source: str, out: str) -> dict:
    """Runs in the child process: one build, then its figures as JSON on stdout."""
    from apache_beam.metrics.metric import MetricsFilter

    from pipeline.build import run_build
    from transforms import spill

    seconds = collections.Counter()
    spilled = [0]
    real_put = spill._Store.put

    def put(store, data):  # bytes parked on disk (in-process runner: this process writes them all)
        spilled[0] += len(data)
        return real_put(store, data)

    spill._Store.put = put

    def timings(result):
        for item in result.monitoring_metrics().query(MetricsFilter())["counters"]:
            if item.key.metric.name == "metric:ptransform_execution_time:total_msecs:v1":
                seconds[stage_of(item.key.step)] += (item.committed or 0) / 1000.0

    start = time.perf_counter()
    manifest = run_build(source, out, "0.1.0", log=lambda m: None, on_result=timings)
    wall = time.perf_counter() - start
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "wall_seconds": wall,
        "cpu_seconds": usage.ru_utime + usage.ru_stime,
        "peak_rss_mb": usage.ru_maxrss / 1024.0,
        "spilled_mb": spilled[0] / 1e6,
        "stage_seconds": dict(seconds),
        "files_released": manifest["totals"]["files"],
        "stages": {k: {"kept": v["kept"], "dropped": v["dropped_total"]} for k, v in manifest["stages"].items()},
    }


def reference_seconds() -> float:
    """CPU seconds of a fixed single-thread workload (hashing, a regex, JSON, a numpy sort):
    printed before and after the builds, so that two runs of the benchmark on a shared
    machine can be told apart from two versions of the code."""
    import hashlib
    import re

    import numpy as np

    text = "def f(x):\n    return x * 2  # 0xdeadbeef\n" * 20000

    def once():
        hashlib.sha1(text.encode()).hexdigest()
        len(re.findall(r"\b\w+\b", text))
        json.loads(json.dumps([{"k": i, "v": str(i)} for i in range(50000)]))
        np.sort(np.random.RandomState(0).randint(0, 1 << 30, 1_000_000))

    once()  # warm: caches, first-call costs
    start = time.process_time()
    for _ in range(3):
        once()
    return time.process_time() - start


def measure(corpus_dir: str, out: str) -> dict:
    proc = subprocess.run([sys.executable, os.path.abspath(__file__), "--child", f"git:{corpus_dir}", out],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"build failed:\n{proc.stderr[-3000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--megabytes", type=float, default=20, help="size of the 1x corpus")
    parser.add_argument("--scale", type=int, default=4)
    parser.add_argument("--workdir", default=None, help="keep corpora and releases here")
    parser.add_argument("--repeat", type=int, default=1,
                        help="builds per size; the figures are those of the median run by cpu time")
    parser.add_argument("--child", nargs=2, metavar=("SOURCE", "OUT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(run_child(*args.child)))
        return 0

    work = args.workdir or tempfile.mkdtemp(prefix="codestack-e2e-")
    results, spread = {}, {}
    reference = [reference_seconds()]
    for factor in (1, args.scale):
        corpus_dir = os.path.join(work, f"corpus-{factor}x")
        if not os.path.isdir(corpus_dir):
            built = build_corpus(corpus_dir, args.megabytes * factor)
            with open(corpus_dir + ".json", "w") as handle:
                json.dump(built, handle)
        with open(corpus_dir + ".json") as handle:
            built = json.load(handle)
        out = os.path.join(work, f"release-{factor}x")
        runs = []
        for _ in range(max(1, args.repeat)):
            if os.path.exists(out):
                shutil.rmtree(out)
            runs.append(measure(corpus_dir, out))
        runs.sort(key=lambda r: r["cpu_seconds"])
        figures = runs[len(runs) // 2]
        figures["input"] = built
        results[factor] = figures
        spread[factor] = [r["cpu_seconds"] for r in runs]
    reference.append(reference_seconds())

    print(f"codestack end-to-end benchmark  commit {commit()}  corpus: installed distributions (deterministic, no seed)")
    print(f"cores: {os.cpu_count()}  runner: FnApiRunner in-process, 1 worker  builds per size: {max(1, args.repeat)}")
    print(f"machine reference (a fixed single-thread workload; lower is faster): {reference[0]:.2f} s before, "
          f"{reference[1]:.2f} s after")
    for factor, r in results.items():
        mb = r["input"]["bytes"] / 1e6
        print(f"\n{factor}x: {r['input']['repositories']} repositories, {r['input']['files']} files, {mb:.1f} MB in; "
              f"{r['files_released']} files released")
        print(f"  wall {r['wall_seconds']:.1f} s   cpu {r['cpu_seconds']:.1f} s   "
              f"overall {mb / r['cpu_seconds']:.2f} MB/s per core   peak RSS {r['peak_rss_mb']:.0f} MB   "
              f"spilled to disk {r.get('spilled_mb', 0):.0f} MB")
        if len(spread[factor]) > 1:
            low, high = spread[factor][0], spread[factor][-1]
            print(f"  over {len(spread[factor])} builds: cpu {low:.1f}-{high:.1f} s, "
                  f"overall {mb / high:.2f}-{mb / low:.2f} MB/s per core (the median build is shown)")
        print(f"  {'stage':<14}{'seconds':>9}{'MB/s/core':>11}{'kept':>9}{'dropped':>9}")
        for stage, secs in sorted(r["stage_seconds"].items(), key=lambda kv: -kv[1]):
            if stage.startswith("ref_") or secs < 0.005:
                continue
            counts = r["stages"].get(stage, {})
            rate = f"{mb / secs:.1f}" if secs > 0 else "-"
            print(f"  {stage:<14}{secs:>9.2f}{rate:>11}{counts.get('kept', ''):>9}{counts.get('dropped', ''):>9}")
    one, big = results[1], results[args.scale]
    size_ratio = big["input"]["bytes"] / one["input"]["bytes"]
    print(f"\n{args.scale}x/1x: input {size_ratio:.2f}x, wall {big['wall_seconds'] / one['wall_seconds']:.2f}x, "
          f"cpu {big['cpu_seconds'] / one['cpu_seconds']:.2f}x (goal <= {args.scale * 1.1:.1f}x), "
          f"peak RSS {big['peak_rss_mb'] / one['peak_rss_mb']:.2f}x (goal: flat)")
    # what each extra megabyte costs, and what a run costs before its first byte (imports,
    # ScanCode's index, Beam's graph and runner stages, the card's plots): the second is
    # paid once per worker process, so on a large input the first is the throughput
    extra_mb = (big["input"]["bytes"] - one["input"]["bytes"]) / 1e6
    extra_cpu = big["cpu_seconds"] - one["cpu_seconds"]
    if extra_mb > 0 and extra_cpu > 0:
        fixed = one["cpu_seconds"] - one["input"]["bytes"] / 1e6 * extra_cpu / extra_mb
        print(f"marginal: {extra_mb / extra_cpu:.2f} MB/s per core ({extra_mb:.1f} MB more for {extra_cpu:.1f} cpu s more); "
              f"fixed cost per run ~{fixed:.1f} cpu s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
