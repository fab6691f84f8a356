"""The cost model: an export's table sizes, the scale model's fitted costs and the
assumptions about what the latest snapshots reach -> per stage core-hours, shuffle
bytes, blob GET requests, bytes read, and dollars at list prices. Plain values only."""

from __future__ import annotations

import dataclasses
import itertools
from typing import Dict, List, Mapping, Tuple

from pipeline.plan.stats import ExportStats

#: the stages after the source, in graph order, and what each does to the record count
CONTENT_STAGES = ("decode", "license", "language", "filters", "exact_dedup", "near_dedup", "redact", "sink")
#: assumptions that have a range (the others are fixed anchors)
RANGED = ("license_share", "copies_per_blob", "directories_per_file", "filters_keep", "near_dedup_keep")


@dataclasses.dataclass(frozen=True)
class StageCost:
    stage: str
    records_in: float
    cpu_seconds: float
    shuffle_bytes: float
    get_requests: float = 0.0
    bytes_read: float = 0.0


@dataclasses.dataclass(frozen=True)
class Workload:
    """The reachable set an export implies under one choice of assumptions."""

    unique_blobs: float
    files: float
    reachable_entries: float
    blob_bytes: float
    released_files: float


def workload(stats: ExportStats, assumptions: Mapping, choice: Mapping[str, float]) -> Workload:
    anchor = assumptions["anchor"]
    scale = stats.tables["directory_entry"].rows / float(anchor["directory_entry_rows"])
    released = float(anchor["released_unique_files"]) * scale
    unique = released / choice["license_share"]
    files = unique * choice["copies_per_blob"]
    mean_bytes = float(anchor["released_bytes"]) / float(anchor["released_unique_files"])
    return Workload(unique_blobs=unique, files=files, reachable_entries=files * (1 + choice["directories_per_file"]),
                    blob_bytes=unique * mean_bytes,
                    released_files=files * choice["license_share"] * choice["filters_keep"]
                    / choice["copies_per_blob"] * choice["near_dedup_keep"])


def _rate(costs: Mapping, stage: str, key: str) -> float:
    return float(costs.get("stages", {}).get(stage, {}).get(key, 0.0) or 0.0)


def stage_costs(stats: ExportStats, costs: Mapping, assumptions: Mapping, choice: Mapping[str, float]) -> List[StageCost]:
    """Per stage costs for one choice of the ranged assumptions."""
    work = workload(stats, assumptions, choice)
    source = costs["source"]
    per_row = source.get("cpu_seconds_per_table_row", {})
    shuffle_row = source.get("shuffle_bytes_per_table_row", {})
    cpu = sum(t.rows * float(per_row.get(name, 0.0)) for name, t in stats.tables.items())
    cpu += work.reachable_entries * float(source.get("cpu_seconds_per_reachable_entry", 0.0))
    shuffle = sum(t.rows * float(shuffle_row.get(name, 0.0)) for name, t in stats.tables.items())
    shuffle += work.reachable_entries * float(source.get("shuffle_bytes_per_reachable_entry", 0.0))
    # the tables are read once, then written as bucket files and read back by the lookups
    out = [StageCost("source", sum(t.rows for t in stats.tables.values()), cpu, shuffle,
                     bytes_read=3.0 * stats.total_bytes)]
    mean_bytes = work.blob_bytes / work.unique_blobs if work.unique_blobs else 0.0
    records = work.files
    keep = {"license": choice["license_share"], "filters": choice["filters_keep"],
            "exact_dedup": 1.0 / choice["copies_per_blob"], "near_dedup": choice["near_dedup_keep"]}
    per_byte = costs.get("content_cpu_seconds_per_byte", {})
    model_bytes = float(costs.get("scale_model_mean_file_bytes", 0.0) or 0.0)
    for stage in CONTENT_STAGES:
        # decode reads and decodes each unique blob once, then fans the result out to its copies
        units = work.unique_blobs if stage == "decode" else records
        if stage in per_byte:  # measured on real code (bench/e2e): CPU follows bytes
            cpu = units * mean_bytes * float(per_byte[stage])
        else:
            cpu = units * _rate(costs, stage, "cpu_seconds_per_file")
        # what crosses a shuffle is the packed file: the scale model's bytes per file, per byte of its files
        shuffle_per_file = _rate(costs, stage, "shuffle_bytes_per_file")
        shuffle = records * (shuffle_per_file * mean_bytes / model_bytes if model_bytes else shuffle_per_file)
        gets = work.unique_blobs if stage == "decode" else 0.0
        read = work.blob_bytes if stage == "decode" else 0.0
        out.append(StageCost(stage, records, cpu, shuffle, get_requests=gets, bytes_read=read))
        records *= keep.get(stage, 1.0)
    return out


def dollars(cpu_seconds: float, shuffle_bytes: float, prices: Mapping, assumptions: Mapping) -> Dict[str, float]:
    """Dataflow list-price dollars of a run: vCPU, memory, disk, shuffle."""
    vcpu_hours = cpu_seconds / 3600.0 / float(assumptions.get("cores_per_vcpu", 1.0))
    out = {
        "vcpu": vcpu_hours * float(prices["vcpu_hour"]),
        "memory": vcpu_hours * float(prices["memory_gb_per_vcpu"]) * float(prices["memory_gb_hour"]),
        "disk": vcpu_hours * float(prices.get("disk_gb_per_vcpu", 0)) * float(prices.get("disk_gb_hour", 0)),
        "shuffle": shuffle_bytes / 1e9 * float(prices["shuffle_gb"]),
    }
    out["total"] = sum(out.values())
    return out


def choices(assumptions: Mapping) -> Tuple[Dict[str, float], List[Dict[str, float]]]:
    """The central choice, and every combination of low/high of the ranged assumptions."""
    central = {name: float(assumptions[name]["central"]) for name in RANGED}
    corners = [dict(zip(RANGED, values)) for values in itertools.product(
        *[(float(assumptions[name]["low"]), float(assumptions[name]["high"])) for name in RANGED])]
    return central, corners


def plan(stats: ExportStats, costs: Mapping, assumptions: Mapping, prices: Mapping) -> dict:
    """The whole prediction as plain values: per stage central figures, totals with a
    range (every corner of the assumptions, widened by the fit's relative error)."""
    central, corners = choices(assumptions)
    stages = stage_costs(stats, costs, assumptions, central)
    fit_error = float(costs.get("fit_relative_error", 0.0) or 0.0)

    def totals(rows: List[StageCost]) -> Dict[str, float]:
        cpu = sum(r.cpu_seconds for r in rows)
        shuffle = sum(r.shuffle_bytes for r in rows)
        return {"cpu_seconds": cpu, "shuffle_bytes": shuffle, "get_requests": sum(r.get_requests for r in rows),
                "bytes_read": sum(r.bytes_read for r in rows), "dollars": dollars(cpu, shuffle, prices, assumptions)["total"]}

    middle = totals(stages)
    spread = [totals(stage_costs(stats, costs, assumptions, corner)) for corner in corners]
    low = {key: min(s[key] for s in spread) * (1 - fit_error) for key in middle}
    high = {key: max(s[key] for s in spread) * (1 + fit_error) for key in middle}
    return {
        "export": {"name": stats.name, "source": stats.source, "notes": list(stats.notes),
                   "tables": {name: dataclasses.asdict(t) for name, t in sorted(stats.tables.items())}},
        "workload": dataclasses.asdict(workload(stats, assumptions, central)),
        "stages": [dataclasses.asdict(s) for s in stages],
        "total": middle,
        "low": low,
        "high": high,
        "dollars": dollars(middle["cpu_seconds"], middle["shuffle_bytes"], prices, assumptions),
        "s3_get_dollars_if_billed": middle["get_requests"] / 1000.0 * float(prices.get("s3_get_per_1000", 0.0)),
    }
