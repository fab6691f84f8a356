"""The scale model of the archive: SWH-layout exports of the archive's shape at chosen sizes,
built end to end, with per-stage rows, CPU and bytes shuffled, and fitted costs.

1. **The model** (``scale_shape.make_model``; seeded, deterministic). Scale ``s`` is ``s`` *blocks*
   of the same fork-family templates (:data:`FAMILIES`; each block its own seed), so every
   size has the same shape in exact proportion, plus one feature that grows with ``s``:

   - fork families: an upstream (``n`` files, folders up to :data:`MAX_TREE_DEPTH` deep,
     a few to tens of entries a folder, an MIT LICENSE with the family's copyright line at
     its root, a README, some empty ``__init__.py`` (the empty blob), a few files from the
     block's shared pool, some with an e-mail address or an IP) and its forks: every third
     fork is identical to its upstream (same revision, same snapshot, same root); the
     others edit a line of a file (a near duplicate), add a file or delete one. Directory
     ids are git tree ids (content-addressed), so forks share every subtree they did not
     touch; blobs are shared across forks (exact dedup, decode per blob);
   - per block: a 60-deep folder chain (files every tenth level), a snapshot with
     ``--pr-refs`` pull-request branches, submodule and symlink entries, releases (tags);
   - one directory of ``--huge-entries`` x ``s`` files (100,000 at ``s=100`` by default)
     in a repository of its own;
   - every origin has three full visits (the latest snapshot: ``HEAD`` alias ->
     ``refs/heads/main`` or ``master``, a ``dev`` branch, tags; older snapshots point at
     historic revisions), and some a later ``partial`` visit with an older snapshot and a
     ``failed`` one without (the latest *full* visit wins);
   - history (``bench_unreachable.write_inflated``): ``--historic`` unreachable versions
     of every reachable directory (with their contents rows, no blob) and revisions, rows
     shuffled among the reachable ones, written as zstd ORC (``--files-per-table`` files,
     ``--stripe-kb`` stripes).

   Every reachable content is a small text file in the content store (gzip, by ``sha1``).
   ``reachable_entries`` = directory entries the walk reaches (entries of every directory
   occurrence in the trees of the distinct latest roots: files, folders, submodules,
   symlinks); ``files`` = the records the source must emit.

2. **Runs**, each in a child process (cwd, HOME and TMPDIR in the work folder; CPU =
   user+sys of the child, peak RSS from ``wait4``): (a) the source alone
   (``ReadSwhExport`` on the FnApiRunner, as ``bench_swh_export.run_source``), (b) the
   whole build (``pipeline.build.run_build``, what ``codestack build --source
   swh-export:EXPORT --content-store STORE --output OUT --release-version 0.1.0`` runs,
   in-process so the ``PipelineResult`` can be read). Records between stages are not
   spilled to local files (``run_build(spill=False)``; ``--spill`` to spill as a local
   CLI build does), so what crosses each shuffle is what a distributed runner moves.

   - **bytes shuffled, measured**: the encoded bytes every grouping buffer of the FnApiRunner
     receives (a wrapper on ``execution.GroupingBuffer.append``), by GroupByKey, i.e. every
     GroupByKey the runner executes after its own rewrites (a lifted ``CombinePerKey``
     shuffles its ``Precombine`` output), recorded with its input PCollections (a wrapper
     on ``translations.expand_gbk``). Beam's own estimate, element count x mean sampled
     byte size (``beam:metric:element_count:v1``, ``beam:metric:sampled_byte_size:v1`` from
     ``result.monitoring_infos()``, through a Flatten to its inputs when the runner removed
     it), is printed beside it: it samples few elements of a large PCollection (10, then
     ~10/i), and is off by 20-30% on the shuffles of few, very unequal elements (the
     tables' Arrow pieces). A shuffle belongs to the stage of its transform's top-level
     label (``bench_e2e.stage_of``).
   - **CPU per stage**: Beam's per-transform execution time
     (``metric:ptransform_execution_time:total_msecs:v1``, as ``bench_e2e``), by stage,
     scaled so that the stages add up to the CPU seconds of ``pipeline.run`` (rusage of
     the child around it; the runner's own overhead is spread in proportion).
   - rows in/out per stage: the build's counters (``kept``, ``dropped:*``; the source's
     in = ORC rows read).

3. **Fits** over the sizes, relative least squares (each point weighted by 1/y, so the
   smallest size counts as much as the largest): per stage CPU = a + b x files in, and
   (a second fit, not an addition) CPU = a + c x bytes in, shuffle bytes = a + b x files
   in; the source's table-driven part (reading, bucketing and shuffling the tables): one fit
   of its CPU and shuffle bytes over the Arrow IPC bytes the tables shuffle (computed here
   with the source's own functions), times each table's Arrow bytes per row; its
   walk-driven part (resolve, walk, contents) per reachable entry. A stage's bytes in = its files in x the mean bytes of a file occurrence (the
   model's files keep one size distribution: per file and per byte cannot be told apart
   here, they are alternatives). ``fit`` holds each fit's largest relative residual.

The issue's test: bytes shuffled per reachable directory entry flat (+-20%) while the size
grows 100x, for the source and for the whole build: PASS/FAIL.

``--at REV`` measures the code of a commit (``git archive REV`` into the work folder, first on the
path of the parent and of every child) instead of the working tree, which others may edit while
the sizes run.

    /work/venv/bin/python bench/scale_model.py --sizes 1,10,100 --at HEAD --costs-out bench/scale_costs.json \\
        [--seed 0] [--historic 10] [--huge-entries 1000] [--workdir DIR] [--keep] [--skip-build] [--spill]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from typing import Dict, List, Tuple

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(1, ROOT)

from _common import commit  # noqa: E402
from bench_unreachable import child_env, code_at  # noqa: E402

#: ``--at REV``: the code measured (``git archive REV``), ahead of the working tree (which the
#: modules above put first on the path), in the parent and every child
CODE_ENV = "SCALE_MODEL_CODE"
if os.environ.get(CODE_ENV):
    sys.path.insert(0, os.environ[CODE_ENV])

from scale_measure import STAGES, child, measured_run  # noqa: E402
from scale_shape import make_export  # noqa: E402

#: the issue's bound on the spread of bytes shuffled per reachable entry across sizes
FLAT = 0.20


# --- fits and report --------------------------------------------------------------------------

def fit_line(xs: List[float], ys: List[float]) -> dict:
    """y = a + b x by least squares on relative residuals (weights 1/y); the largest relative
    residual. With all y zero: zeros."""
    if not any(ys):
        return {"a": 0.0, "b": 0.0, "max_rel_error": 0.0}
    top = max(abs(y) for y in ys)
    w = [1.0 / (abs(y) if abs(y) > 1e-9 * top else top) for y in ys]
    sw = sum(wi * wi for wi in w)
    sx = sum(wi * wi * x for wi, x in zip(w, xs))
    sy = sum(wi * wi * y for wi, y in zip(w, ys))
    sxx = sum(wi * wi * x * x for wi, x in zip(w, xs))
    sxy = sum(wi * wi * x * y for wi, x, y in zip(w, xs, ys))
    det = sw * sxx - sx * sx
    if abs(det) < 1e-300:
        b, a = 0.0, sy / sw
    else:
        b = (sw * sxy - sx * sy) / det
        a = (sy - b * sx) / sw
    errors = [abs(y - a - b * x) * wi for x, y, wi in zip(xs, ys, w)]
    return {"a": a, "b": b, "max_rel_error": max(errors)}


def stage_rows(stages: dict) -> Dict[str, Tuple[int, int]]:
    """``{stage: (rows in, rows out)}`` from a run's counters (the source's in: ORC rows read)."""
    out = {}
    for stage, values in stages.items():
        counters = values.get("counters", {})
        if stage == "source":
            rows_in = sum(v for k, v in counters.items() if k.startswith("orc:") and k.endswith(":rows"))
        else:
            rows_in = values["kept"] + values["dropped_total"]
        out[stage] = (rows_in, values["kept"])
    return out


def stage_figures(run: dict) -> Dict[str, dict]:
    """Per part: execution seconds scaled to the CPU of ``pipeline.run``, shuffles."""
    seconds = run["execution_seconds"]
    total = sum(seconds.values()) or 1.0
    parts = set(seconds) | set(run["shuffles"])
    return {part: {"cpu": run["run_cpu"] * seconds.get(part, 0.0) / total,
                   "exec_seconds": seconds.get(part, 0.0),
                   "shuffles": run["shuffles"].get(part, {}).get("shuffles", 0),
                   "shuffle_elements": run["shuffles"].get(part, {}).get("elements", 0),
                   "shuffle_bytes": run["shuffles"].get(part, {}).get("bytes", 0.0)} for part in parts}


def merged(figures: Dict[str, dict]) -> Dict[str, dict]:
    """``source:tables`` and ``source:walk`` added up as ``source``."""
    out = {k: dict(v) for k, v in figures.items() if not k.startswith("source:")}
    source = [v for k, v in figures.items() if k.startswith("source:")]
    if source:
        out["source"] = {key: sum(v[key] for v in source) for key in source[0]}
    return out


def flatness(label: str, ratios: List[float]) -> Tuple[bool, str]:
    base = ratios[0]
    spread = [r / base - 1 for r in ratios] if base else [0.0]
    ok = all(abs(s) <= FLAT for s in spread)
    text_ = ", ".join(f"{r:,.1f}" for r in ratios)
    return ok, (f"{label}: bytes shuffled per reachable entry {text_} (vs the smallest: "
                f"{', '.join(f'{s:+.0%}' for s in spread)}; goal within +-{FLAT:.0%}): {'PASS' if ok else 'FAIL'}")


def movers(results: List[dict], entries: List[int], top: int = 10) -> None:
    """The shuffles whose bytes per reachable entry moved most from the smallest size to the largest."""
    run = "build_run" if all("build_run" in r for r in results) else "source_run"
    per_entry = []
    for r, n in zip(results, entries):
        per_entry.append({name: wire / n for name, _elements, wire, _estimate in r[run]["each_shuffle"]})
    names = set(per_entry[0]) | set(per_entry[-1])
    moved = sorted(names, key=lambda k: -abs(per_entry[-1].get(k, 0) - per_entry[0].get(k, 0)))[:top]
    print(f"\nshuffles whose bytes per reachable entry moved most ({'whole build' if run == 'build_run' else 'source'}; "
          f"B per entry at each size)")
    for name in moved:
        values = ", ".join(f"{p.get(name, 0):,.1f}" for p in per_entry)
        print(f"  {name:<60} {values}")


def machine() -> str:
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    return f"{os.cpu_count()} cores, {model}"


def _mb(n: float) -> str:
    return f"{n / 1e6:,.1f}"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,100", help="scale factors (blocks of fork families), comma-separated")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--historic", type=int, default=10, help="unreachable historic versions per reachable directory")
    parser.add_argument("--change", type=float, default=0.25, help="share of a directory's files new in a historic version")
    parser.add_argument("--huge-entries", type=int, default=1000, help="entries of the huge directory per unit of scale")
    parser.add_argument("--pr-refs", type=int, default=300, help="pull-request branches of one snapshot per block")
    parser.add_argument("--files-per-table", type=int, default=4)
    parser.add_argument("--stripe-kb", type=int, default=1024, help="ORC stripe size of the export")
    parser.add_argument("--skip-build", action="store_true", help="run the source alone only")
    parser.add_argument("--spill", action="store_true", help="spill records between stages to local files, as a "
                        "local CLI build does (shuffles then carry tickets, not records)")
    parser.add_argument("--costs-out", help="write the fitted costs as JSON here")
    parser.add_argument("--at", metavar="REV", help="measure the code of this commit (git archive into the work "
                        "folder, first on the path of every run) instead of the working tree, which others may be "
                        "editing while the sizes run")
    parser.add_argument("--workdir", help="work folder (default: a new temporary folder)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("--child", nargs=5, metavar=("KIND", "EXPORT", "STORE", "OUT", "JSON"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        return child(*args.child, spill=args.spill)

    sizes = [int(s) for s in args.sizes.split(",")]
    work = os.path.abspath(args.workdir) if args.workdir else tempfile.mkdtemp(prefix="scale-model-")
    os.makedirs(work, exist_ok=True)
    command = " ".join(["python", os.path.relpath(os.path.abspath(__file__), ROOT)] + sys.argv[1:])
    code, measured = None, commit()
    if args.at:
        measured = subprocess.run(["git", "-C", ROOT, "rev-parse", "--short", args.at], capture_output=True, text=True,
                                  check=True).stdout.strip()
        code = code_at(measured, work)
        os.environ[CODE_ENV] = code
        sys.path.insert(0, code)
        dirty = ""
    else:
        dirty = subprocess.run(["git", "-C", ROOT, "status", "--porcelain", "--", "pipeline", "transforms", "registry",
                                "manifests"], capture_output=True, text=True).stdout.strip()
    args.measured = measured
    print(f"scale_model  commit {measured}{' (git archive)' if code else ' (working tree)'}"
          f"{' (uncommitted changes in pipeline/transforms/...)' if dirty else ''}  "
          f"machine {machine()}  sizes {sizes}  seed {args.seed}  historic x{args.historic}  "
          f"spill {'on' if args.spill else 'off'}  workdir {work}")
    print(f"command: {command}")
    results = []
    try:
        for scale in sizes:
            folder = os.path.join(work, f"scale-{scale}")
            shutil.rmtree(folder, ignore_errors=True)
            os.makedirs(folder)
            info = make_export(folder, scale, args)
            print(f"\nscale {scale}: {info['origins']} origins ({info['distinct_roots']} distinct roots), "
                  f"{info['reachable_entries']:,} reachable entries, {info['files']:,} files "
                  f"({_mb(info['blob_bytes'])} MB; {info['unique_blobs']:,} unique blobs, "
                  f"{_mb(info['unique_blob_bytes'])} MB), directories {info['reachable_directories']:,} reachable + "
                  f"{info['historic_directories']:,} historic, directory_entry rows "
                  f"{info['table_rows']['directory_entry']:,} ({info['reachable_directory_entry_rows']:,} reachable), "
                  f"deepest folder {info['max_depth']}, file depth p95 {info['depth_p95']}, largest directory "
                  f"{info['max_entries']:,} entries (median {info['median_entries']}); ORC "
                  f"{_mb(sum(info['table_bytes'].values()))} MB; made in {info['generate_cpu_seconds']:.1f} CPU s",
                  flush=True)
            env = child_env(folder, code)
            if code:
                env[CODE_ENV] = code
            info["source_run"] = measured_run("source", info, folder, env, args.spill)
            run = info["source_run"]
            print(f"  source alone: CPU {run['cpu']:.1f} s (pipeline {run['run_cpu']:.1f} s), peak RSS "
                  f"{run['rss_mb']:.0f} MB, files {run['stages'].get('source', {}).get('kept')}, shuffled "
                  f"{_mb(sum(v['bytes'] for v in run['shuffles'].values()))} MB", flush=True)
            if not args.skip_build:
                info["build_run"] = measured_run("build", info, folder, env, args.spill)
                run = info["build_run"]
                print(f"  whole build:  CPU {run['cpu']:.1f} s (pipeline {run['run_cpu']:.1f} s), peak RSS "
                      f"{run['rss_mb']:.0f} MB, released {run['stages'].get('sink', {}).get('kept')}, shuffled "
                      f"{_mb(sum(v['bytes'] for v in run['shuffles'].values()))} MB", flush=True)
            for key in ("source_run", "build_run"):
                if info.get(key, {}).get("unmeasured"):
                    print(f"  {key}: shuffles without a measured input: {info[key]['unmeasured']}")
            results.append(info)
            if not args.keep:
                shutil.rmtree(info["export"], ignore_errors=True)
                shutil.rmtree(info["store"], ignore_errors=True)
        return report(results, args, command)
    finally:
        if args.keep:
            print(f"kept: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


def report(results: List[dict], args, command: str) -> int:
    """Print the tables, the fits and the flatness; write the costs JSON."""
    entries = [r["reachable_entries"] for r in results]
    mean_file_bytes = [r["blob_bytes"] / max(1, r["files"]) for r in results]
    ok = True
    source_parts = [stage_figures(r["source_run"]) for r in results]
    print("\nthe source alone, per part (CPU: Beam's execution time scaled to the CPU of pipeline.run)")
    print(f"  {'scale':>5} {'part':<14} {'CPU s':>8} {'shuffles':>8} {'elements':>11} {'MB shuffled':>12}")
    for r, parts in zip(results, source_parts):
        for part in sorted(parts):
            p = parts[part]
            if part == "other" and not p["shuffles"]:
                continue
            print(f"  {r['scale']:>5} {part:<14} {p['cpu']:8.2f} {p['shuffles']:8d} {p['shuffle_elements']:11,d} "
                  f"{_mb(p['shuffle_bytes']):>12}")
    source_bytes = [sum(p["shuffle_bytes"] for p in parts.values()) for parts in source_parts]
    lines = []
    good, line = flatness("source alone", [b / e for b, e in zip(source_bytes, entries)])
    ok &= good
    lines.append(line)

    builds = [r for r in results if "build_run" in r]
    stage_table = []
    if len(builds) == len(results):
        print("\nthe whole build, per stage (rows from the build's counters; CPU: Beam's execution time scaled to "
              "the CPU of pipeline.run)")
        print(f"  {'scale':>5} {'stage':<12} {'rows in':>10} {'rows out':>10} {'CPU s':>8} {'shuffles':>8} "
              f"{'MB shuffled':>12} {'B shuffled/row in':>18}")
        for r in builds:
            rows = stage_rows(r["build_run"]["stages"])
            parts = merged(stage_figures(r["build_run"]))
            table = {}
            for stage in STAGES + tuple(sorted(set(parts) - set(STAGES))):
                if stage not in rows and stage not in parts or stage == "other" and not parts[stage]["shuffles"]:
                    continue
                rin, rout = rows.get(stage, (0, 0))
                p = parts.get(stage, {"cpu": 0.0, "shuffles": 0, "shuffle_bytes": 0.0, "exec_seconds": 0.0})
                table[stage] = {"rows_in": rin, "rows_out": rout, "cpu": p["cpu"], "shuffles": p["shuffles"],
                                "shuffle_bytes": p["shuffle_bytes"]}
                per_row = f"{p['shuffle_bytes'] / rin:,.0f}" if rin else "-"
                print(f"  {r['scale']:>5} {stage:<12} {rin:10,d} {rout:10,d} {p['cpu']:8.2f} {p['shuffles']:8d} "
                      f"{_mb(p['shuffle_bytes']):>12} {per_row:>18}")
            stage_table.append(table)
        build_bytes = [sum(v["bytes"] for v in r["build_run"]["shuffles"].values()) for r in builds]
        good, line = flatness("whole build ", [b / e for b, e in zip(build_bytes, entries)])
        ok &= good
        lines.append(line)

    print("\nper size")
    print(f"  {'scale':>5} {'dir_entry rows':>14} {'reach. entries':>14} {'files':>9} {'blob MB':>8} "
          f"{'src CPU s':>9} {'src RSS MB':>10} {'src MB shuf':>11} {'build CPU s':>11} {'build RSS MB':>12} "
          f"{'build MB shuf':>13}")
    for i, r in enumerate(results):
        b = r.get("build_run")
        print(f"  {r['scale']:>5} {r['table_rows']['directory_entry']:14,d} {r['reachable_entries']:14,d} "
              f"{r['files']:9,d} {_mb(r['blob_bytes']):>8} {r['source_run']['cpu']:9.1f} "
              f"{r['source_run']['rss_mb']:10.0f} {_mb(source_bytes[i]):>11} "
              + (f"{b['cpu']:11.1f} {b['rss_mb']:12.0f} {_mb(build_bytes[i]):>13}" if b else ""))
    print("  bytes shuffled: what the runner's grouping buffers received (exact); Beam's sampled estimate "
          "(element_count x mean sampled_byte_size) of the same, source / build: "
          + "; ".join(f"{_mb(sum(v['sampled_bytes'] for v in r['source_run']['shuffles'].values()))} / "
                      + (f"{_mb(sum(v['sampled_bytes'] for v in r['build_run']['shuffles'].values()))}"
                         if "build_run" in r else "-") + " MB" for r in results))
    movers(results, entries)

    # fits
    fit = {}
    # the table-driven part follows the Arrow bytes the tables shuffle (one fit over the sizes),
    # shared out per table by each table's shuffled bytes per row (at the largest size)
    tables = sorted(results[0]["table_shuffle_ipc_bytes"])
    ipc_total = [sum(r["table_shuffle_ipc_bytes"].values()) for r in results]
    table_cpu = [p.get("source:tables", {}).get("cpu", 0.0) for p in source_parts]
    table_shuffle = [p.get("source:tables", {}).get("shuffle_bytes", 0.0) for p in source_parts]
    walk_cpu = [p.get("source:walk", {}).get("cpu", 0.0) for p in source_parts]
    walk_shuffle = [p.get("source:walk", {}).get("shuffle_bytes", 0.0) for p in source_parts]
    tables_cpu_fit, tables_shuffle_fit = fit_line(ipc_total, table_cpu), fit_line(ipc_total, table_shuffle)
    last = results[-1]
    ipc_per_row = {t: last["table_shuffle_ipc_bytes"][t] / max(1, last["table_rows"][t]) for t in tables}
    source = {"cpu_seconds_per_table_row": {t: tables_cpu_fit["b"] * ipc_per_row[t] for t in tables},
              "shuffle_bytes_per_table_row": {t: tables_shuffle_fit["b"] * ipc_per_row[t] for t in tables}}
    fit["source"] = {"tables_cpu_per_ipc_byte": tables_cpu_fit, "tables_shuffle_per_ipc_byte": tables_shuffle_fit}
    walk_cpu_fit, walk_shuffle_fit = fit_line(entries, walk_cpu), fit_line(entries, walk_shuffle)
    source["cpu_seconds_per_reachable_entry"] = walk_cpu_fit["b"]
    source["shuffle_bytes_per_reachable_entry"] = walk_shuffle_fit["b"]
    source["fixed_cpu_seconds"] = walk_cpu_fit["a"] + tables_cpu_fit["a"]
    fit["source"]["walk_cpu_per_reachable_entry"] = walk_cpu_fit
    fit["source"]["walk_shuffle_per_reachable_entry"] = walk_shuffle_fit
    source_total = fit_line(entries, [r["source_run"]["cpu"] for r in results])
    fit["source"]["cpu_total_per_reachable_entry"] = source_total

    print("\nfitted costs (relative least squares over the sizes; error = largest relative residual)")
    print(f"  source, table-driven part (read, bucket, shuffle once): CPU {tables_cpu_fit['a']:.2f} s + "
          f"{tables_cpu_fit['b'] * 1e9:.1f} ns x Arrow byte shuffled (err {tables_cpu_fit['max_rel_error']:.0%}); "
          f"shuffled {tables_shuffle_fit['b']:.3f} B per Arrow byte (err {tables_shuffle_fit['max_rel_error']:.0%}); "
          f"per table row:")
    for t in tables:
        print(f"    {t:<20} {ipc_per_row[t]:7.1f} Arrow B/row   CPU {source['cpu_seconds_per_table_row'][t] * 1e6:7.2f} us/row"
              f"   shuffled {source['shuffle_bytes_per_table_row'][t]:7.1f} B/row")
    print(f"  source, walk-driven part (resolve, walk, contents): CPU {walk_cpu_fit['a']:.2f} s + "
          f"{walk_cpu_fit['b'] * 1e6:.1f} us x reachable entries (err {walk_cpu_fit['max_rel_error']:.0%}); shuffled "
          f"{walk_shuffle_fit['a']:,.0f} B + {walk_shuffle_fit['b']:.1f} B x reachable entries "
          f"(err {walk_shuffle_fit['max_rel_error']:.0%})")
    print(f"  source alone, whole process: CPU = {source_total['a']:.1f} s + {source_total['b'] * 1e6:.1f} us x "
          f"reachable entries (err {source_total['max_rel_error']:.0%})")

    stages_out = {}
    fixed = None
    if stage_table:
        fit["stages"] = {}
        print(f"  {'stage':<12} {'CPU us/file':>12} {'fixed CPU s':>11} {'err':>5} {'CPU ns/byte':>12} {'err':>5} "
              f"{'shuffle B/file':>14} {'err':>5} {'out/in':>7}")
        for stage in STAGES:
            if not any(stage in t for t in stage_table):
                continue
            rows_in = [t.get(stage, {}).get("rows_in", 0) for t in stage_table]
            rows_out = [t.get(stage, {}).get("rows_out", 0) for t in stage_table]
            cpu = [t.get(stage, {}).get("cpu", 0.0) for t in stage_table]
            shuffle = [t.get(stage, {}).get("shuffle_bytes", 0.0) for t in stage_table]
            # bytes in: files in x the mean bytes of a file occurrence (the source's in: ORC bytes)
            bytes_in = ([sum(r["table_bytes"].values()) for r in results] if stage == "source"
                        else [n * m for n, m in zip(rows_in, mean_file_bytes)])
            per_file, per_byte, per_shuffle = fit_line(rows_in, cpu), fit_line(bytes_in, cpu), fit_line(rows_in, shuffle)
            out_per_in = sum(rows_out) / sum(rows_in) if sum(rows_in) else 0.0
            stages_out[stage] = {"cpu_seconds_per_file": per_file["b"], "cpu_seconds_per_byte": per_byte["b"],
                                 "shuffle_bytes_per_file": per_shuffle["b"], "out_per_in": out_per_in,
                                 "fixed_cpu_seconds": per_file["a"]}
            fit["stages"][stage] = {"cpu_per_file": per_file["max_rel_error"], "cpu_per_byte": per_byte["max_rel_error"],
                                    "shuffle_per_file": per_shuffle["max_rel_error"]}
            print(f"  {stage:<12} {per_file['b'] * 1e6:12.2f} {per_file['a']:11.2f} {per_file['max_rel_error']:5.0%} "
                  f"{per_byte['b'] * 1e9:12.3f} {per_byte['max_rel_error']:5.0%} {per_shuffle['b']:14.1f} "
                  f"{per_shuffle['max_rel_error']:5.0%} {out_per_in:7.3f}")
        total = fit_line([r["files"] for r in results], [r["build_run"]["cpu"] for r in results])
        fixed = total["a"]
        fit["build_cpu_per_file"] = total
        print(f"  whole build (process CPU): {total['a']:.1f} s fixed + {total['b'] * 1e6:.1f} us x files "
              f"(the source's records; err {total['max_rel_error']:.0%})")
    print()
    for line in lines:
        print(line)

    if args.costs_out:
        sizes_out = []
        for i, r in enumerate(results):
            entry = {k: r[k] for k in ("scale", "table_rows", "table_bytes", "reachable_entries", "files", "blob_bytes",
                                       "unique_blobs", "unique_blob_bytes", "origins", "distinct_roots",
                                       "reachable_directories", "historic_directories")}
            b = r.get("build_run")
            entry.update(cpu_seconds=b["cpu"] if b else None, peak_rss_mb=b["rss_mb"] if b else None,
                         shuffle_bytes=build_bytes[i] if b else None,
                         source_cpu_seconds=r["source_run"]["cpu"], source_peak_rss_mb=r["source_run"]["rss_mb"],
                         source_shuffle_bytes=source_bytes[i])
            if stage_table:
                entry["stages"] = stage_table[i]
            sizes_out.append(entry)
        costs = {"commit": args.measured, "date": datetime.date.today().isoformat(), "machine": machine(),
                 "command": command, "sizes": sizes_out, "source": source, "stages": stages_out,
                 "fixed_cpu_seconds": fixed, "fit": fit,
                 "notes": ("CPU per stage: Beam's per-transform execution time (a wall-clock sampler) scaled so "
                           "the stages add up to the CPU of pipeline.run, one in-process worker; shuffle bytes: "
                           "the encoded bytes the FnApiRunner's grouping buffers received for every GroupByKey "
                           "(after combiner lifting), exact; the stages' 'per file' is per record in (the "
                           "source's: per ORC row read; see 'source' for its per-table and per-reachable-entry "
                           "split); per file and per byte are two fits of the same CPU (the model's file sizes "
                           "do not vary with scale), not to be added; stage fixed_cpu_seconds: the fits' "
                           "intercepts; fixed_cpu_seconds: the whole build's process CPU at zero files (imports, "
                           "ScanCode's index, graph, publishing); records between stages "
                           + ("spilled to local files (shuffles carry tickets)" if args.spill
                              else "not spilled (what a distributed runner shuffles)"))}
        with open(args.costs_out, "w") as handle:
            json.dump(costs, handle, indent=1, sort_keys=False)
            handle.write("\n")
        print(f"costs written to {args.costs_out}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
