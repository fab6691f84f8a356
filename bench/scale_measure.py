"""Measuring one scale-model run in its child process: exact bytes each GroupByKey
receives, CPU per stage, peak RSS (see bench/scale_model.py)."""

from __future__ import annotations

import collections
import json
import os
import random
import resource
import shutil
import sys
import time
from typing import Dict, Optional, Tuple

from bench_e2e import stage_of
from bench_unreachable import run_measured

#: stage names as pipeline/graph.py STAGES (kept literal: this file is read without Beam too)
STAGES = ("source", "optout", "decode", "license", "language", "filters", "exact_dedup", "near_dedup",
          "redact", "tokens", "sink")
#: top-level labels bench_e2e.LABEL_STAGE does not name
MORE_LABELS = {"ReleaseStats": "sink", "WriteStats": "sink", "AllShards": "sink", "NoTokenRejects": "tokens"}
#: parts of the source whose cost follows the tables (read, bucket, shuffle once), not the walk
TABLE_PARTS = ("ReadTables", "PrepareTables", "LatestVisit", "OriginTerms", "SumTerms", "CountOrigins",
               "WriteInputsDigest")
GBK_URN = "beam:transform:group_by_key:v1"
FLATTEN_URN = "beam:transform:flatten:v1"
ELEMENT_COUNT_URN = "beam:metric:element_count:v1"
SAMPLED_BYTE_SIZE_URN = "beam:metric:sampled_byte_size:v1"
EXECUTION_MSECS = "metric:ptransform_execution_time:total_msecs:v1"

# --- measuring a run (in the child process) --------------------------------------------------

def instrument() -> dict:
    """Record what the FnApiRunner shuffles: the encoded bytes every grouping buffer receives
    (``execution.GroupingBuffer.append``: what crosses each GroupByKey, by the transform's
    name), every GroupByKey it executes after its own rewrites (a lifted ``CombinePerKey``
    shuffles its ``Precombine`` output) with its input PCollections, every Flatten's inputs;
    and the CPU of ``pipeline.run``."""
    from apache_beam.runners.portability.fn_api_runner import execution, translations
    from apache_beam.runners.portability.fn_api_runner.fn_runner import FnApiRunner

    captured = {"gbk": [], "flatten": {}, "names": {}, "wire": collections.Counter(), "run_cpu": 0.0, "run_wall": 0.0}
    real_expand, real_run = translations.expand_gbk, FnApiRunner.run_pipeline
    real_get_buffer, real_append = execution.BundleContextManager.get_buffer, execution.GroupingBuffer.append

    def expand_gbk(stages, context):
        stages = list(stages)
        for stage in stages:
            for transform in stage.transforms:
                if transform.spec.urn == GBK_URN:
                    captured["gbk"].append((transform.unique_name, list(transform.inputs.values())))
                elif transform.spec.urn == FLATTEN_URN:
                    for out in transform.outputs.values():
                        captured["flatten"][out] = list(transform.inputs.values())
        captured["names"].update({tid: t.unique_name for tid, t in context.components.transforms.items()})
        return real_expand(stages, context)

    def get_buffer(self, buffer_id, transform_id):
        buffer = real_get_buffer(self, buffer_id, transform_id)
        kind, name = execution.split_buffer_id(buffer_id)
        if kind == "group" and not hasattr(buffer, "_scale_model_label"):
            transform = self.execution_context.pipeline_components.transforms.get(name)
            buffer._scale_model_label = transform.unique_name if transform is not None else name
        return buffer

    def append(self, elements_data):
        captured["wire"][getattr(self, "_scale_model_label", "?")] += len(elements_data)
        return real_append(self, elements_data)

    def run_pipeline(self, pipeline, options):
        before, start = resource.getrusage(resource.RUSAGE_SELF), time.perf_counter()
        try:
            return real_run(self, pipeline, options)
        finally:
            after = resource.getrusage(resource.RUSAGE_SELF)
            captured["run_cpu"] += after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
            captured["run_wall"] += time.perf_counter() - start

    translations.expand_gbk = expand_gbk
    execution.BundleContextManager.get_buffer = get_buffer
    execution.GroupingBuffer.append = append
    FnApiRunner.run_pipeline = run_pipeline
    return captured


def part_of(label: str) -> str:
    """The stage of a transform (``bench_e2e.stage_of``), the source split into its table-driven
    part (``source:tables``) and the rest (``source:walk``)."""
    top = label.split("/", 1)[0]
    if top.startswith("ref_"):  # runner-made steps (no time of their own)
        return "other"
    stage = MORE_LABELS.get(top) or stage_of(label)
    if stage == "source":
        parts = label.split("/")
        return "source:tables" if len(parts) > 1 and parts[1] in TABLE_PARTS else "source:walk"
    return stage


def measure_result(result, captured: dict) -> dict:
    """Per part: shuffles, elements (``element_count`` of their inputs), bytes (what the grouping
    buffers received) and Beam's sampled estimate of those bytes (element count x mean
    ``sampled_byte_size``); execution seconds."""
    from apache_beam.metrics import monitoring_infos as mi
    from apache_beam.metrics.metric import MetricsFilter

    counts: Dict[str, int] = {}
    sampled: Dict[str, Tuple[int, int]] = {}
    for info in result.monitoring_infos():
        pcoll = info.labels.get(mi.PCOLLECTION_LABEL)
        if not pcoll:
            continue
        if info.urn == ELEMENT_COUNT_URN:  # a PCollection read by another stage is reported there too
            counts[pcoll] = max(counts.get(pcoll, 0), mi.extract_counter_value(info))
        elif info.urn == SAMPLED_BYTE_SIZE_URN:
            samples, total, _low, _high = mi.extract_distribution(info)
            if samples > sampled.get(pcoll, (0, 0))[0]:
                sampled[pcoll] = (samples, total)

    def size(pcoll: str, depth: int = 0) -> Optional[Tuple[int, float]]:
        """(elements, sampled bytes estimate) of a PCollection, through Flattens the runner removed."""
        if pcoll in counts and (counts[pcoll] == 0 or sampled.get(pcoll, (0, 0))[0]):
            samples, total = sampled.get(pcoll, (1, 0))
            return counts[pcoll], counts[pcoll] * total / samples
        if pcoll in captured["flatten"] and depth < 20:
            parts = [size(p, depth + 1) for p in captured["flatten"][pcoll]]
            if all(p is not None for p in parts):
                return sum(p[0] for p in parts), sum(p[1] for p in parts)
        return None

    shuffles = collections.defaultdict(lambda: {"shuffles": 0, "elements": 0, "bytes": 0, "sampled_bytes": 0.0})
    unmeasured, detail = [], []
    for name, inputs in captured["gbk"]:
        part = part_of(name)
        wire = captured["wire"].get(name, 0)
        shuffles[part]["shuffles"] += 1
        shuffles[part]["bytes"] += wire
        elements, estimate = 0, 0.0
        for pcoll in inputs:
            got = size(pcoll)
            if got is None:
                unmeasured.append(name)
                continue
            elements, estimate = elements + got[0], estimate + got[1]
        shuffles[part]["elements"] += elements
        shuffles[part]["sampled_bytes"] += estimate
        detail.append((name, elements, wire, round(estimate)))
    strays = sorted(set(captured["wire"]) - {name for name, _inputs in captured["gbk"]})
    seconds = collections.Counter()
    for item in result.monitoring_metrics().query(MetricsFilter())["counters"]:
        if item.key.metric.name == EXECUTION_MSECS:
            step = captured["names"].get(item.key.step, item.key.step)
            seconds[part_of(step)] += (item.committed or 0) / 1000.0
    detail.sort(key=lambda d: -d[2])
    return {"shuffles": {k: dict(v) for k, v in shuffles.items()}, "unmeasured": unmeasured,
            "unmatched_buffers": strays, "each_shuffle": detail, "execution_seconds": dict(seconds)}


def child(kind: str, export: str, store: str, out: str, json_out: str, spill: bool) -> int:
    """One measured run: ``kind`` is ``source`` (the source alone) or ``build`` (the whole build)."""
    random.seed(0)  # Beam samples element sizes with ``random``
    captured = instrument()
    grabbed = {}
    started = time.perf_counter()
    if kind == "source":
        import apache_beam as beam

        from pipeline.build import collect_counters, load_optout_registry, make_source
        from pipeline.options import make_options

        registry = load_optout_registry(None)
        source = make_source(f"swh-export:{export}", content_store=store, matcher=registry.matcher())
        staging = os.path.join(out, ".staging")
        os.makedirs(staging, exist_ok=True)
        source.set_staging(staging)
        options, runner = make_options([], 1)
        pipeline = beam.Pipeline(runner=runner, options=options)
        _files, _rejects = pipeline | "Source" >> source
        result = pipeline.run()
        result.wait_until_finish()
        counters = collect_counters(result)
        stages = {stage: {"kept": values.get("kept", 0),
                          "dropped_total": sum(v for k, v in values.items() if k.startswith("dropped:")),
                          "counters": values} for stage, values in counters.items()}
        grabbed["result"] = result
    else:
        from pipeline.build import run_build

        manifest = run_build(f"swh-export:{export}", out, "0.1.0", log=lambda _m: None,
                             source_options={"content_store": store},
                             on_result=lambda r: grabbed.setdefault("result", r), spill=spill)
        stages = {stage: {"kept": v["kept"], "dropped_total": v["dropped_total"],
                          "counters": dict(v.get("counters", {}), **{f"dropped:{r}": n for r, n in v["dropped"].items()})}
                  for stage, v in manifest["stages"].items()}
    wall = time.perf_counter() - started
    figures = measure_result(grabbed["result"], captured)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    figures.update(stages=stages, run_cpu=captured["run_cpu"], run_wall=captured["run_wall"], wall=wall,
                   cpu=usage.ru_utime + usage.ru_stime)
    with open(json_out, "w") as handle:
        json.dump(figures, handle)
    return 0


def measured_run(kind: str, info: dict, work: str, env: dict, spill: bool) -> dict:
    out = os.path.join(work, f"out-{kind}")
    shutil.rmtree(out, ignore_errors=True)
    json_out = os.path.join(work, f"{kind}.json")
    argv = [sys.executable, os.path.join(os.path.dirname(os.path.abspath(__file__)), "scale_model.py"), "--child", kind, info["export"], info["store"], out, json_out]
    if spill:
        argv.append("--spill")
    figures = run_measured(argv, env, work, os.path.join(work, f"{kind}.log"))
    if figures["exit"]:
        with open(figures["log"], errors="replace") as handle:
            raise SystemExit(f"{kind} run failed at scale {info['scale']}:\n" + handle.read()[-4000:])
    with open(json_out) as handle:
        figures.update(json.load(handle))
    shutil.rmtree(out, ignore_errors=True)
    return figures
