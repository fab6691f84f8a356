"""``codestack plan``: what a build of an SWH export will cost, from metadata alone.

- :mod:`.stats`: rows and bytes per table, from the export's ORC footers or from
  published figures (``--table-stats``; ``data/swh-*.yaml`` for published exports);
- :mod:`.model`: those sizes x the scale model's fitted costs (``data/costs.json``,
  measured by ``bench/scale_model.py``) x the assumptions about what the latest
  snapshots reach (``data/assumptions.yaml``) -> per stage core-hours, shuffle, blob
  GET requests, bytes read, and dollars at the list prices of ``data/prices.yaml``;
- :func:`render`: the table a person reads (``--json`` gives the plain values).
"""

from __future__ import annotations

import json
import os
from typing import Mapping, Optional

from pipeline.errors import UsageError

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")


def load_data(name: str, override: Optional[str] = None):
    """A packaged data file of the plan (``costs.json``, ``prices.yaml``, ``assumptions.yaml``),
    or the user's file that replaces it."""
    import yaml

    path = override or os.path.join(DATA, name)
    try:
        with open(path, encoding="utf-8") as handle:
            data = json.load(handle) if path.endswith(".json") else yaml.safe_load(handle)
    except (OSError, ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"{path}: cannot read it: {exc}") from exc
    if not isinstance(data, dict):
        raise UsageError(f"{path}: expected a mapping")
    return data


def _hours(seconds: float) -> str:
    return f"{seconds / 3600.0:,.0f}"


def _tb(count: float) -> str:
    return f"{count / 1e12:,.2f}"


def _n(count: float) -> str:
    for unit, size in (("T", 1e12), ("G", 1e9), ("M", 1e6), ("k", 1e3)):
        if count >= size:
            return f"{count / size:,.2f}{unit}"
    return f"{count:,.0f}"


def render(result: Mapping, costs: Mapping, assumptions: Mapping, prices: Mapping, versions: Mapping) -> str:
    """The plan as text: tables, per stage figures, totals with their range, dollars, and
    every assumption the figures rest on."""
    lines = [f"codestack plan: {result['export']['name']}", f"  figures: {result['export']['source']}"]
    lines += [f"  note: {note}" for note in result["export"]["notes"]]
    lines.append("")
    lines.append(f"{'table':<22}{'rows':>16}{'bytes':>14}")
    for name, table in result["export"]["tables"].items():
        lines.append(f"{name:<22}{_n(table['rows']):>16}{_n(table['bytes']) + 'B':>14}")
    work = result["workload"]
    lines.append("")
    lines.append(f"reachable (assumed, see below): {_n(work['unique_blobs'])} unique blobs, {_n(work['files'])} file "
                 f"occurrences, {_n(work['reachable_entries'])} directory entries, {_tb(work['blob_bytes'])} TB of "
                 f"blobs; released ~{_n(work['released_files'])} files")
    lines.append("")
    lines.append(f"{'stage':<13}{'records in':>13}{'core-hours':>13}{'shuffle TB':>12}{'blob GETs':>12}{'read TB':>10}")
    for stage in result["stages"]:
        lines.append(f"{stage['stage']:<13}{_n(stage['records_in']):>13}{_hours(stage['cpu_seconds']):>13}"
                     f"{_tb(stage['shuffle_bytes']):>12}{_n(stage['get_requests']):>12}{_tb(stage['bytes_read']):>10}")
    total, low, high = result["total"], result["low"], result["high"]
    lines.append(f"{'total':<13}{'':>13}{_hours(total['cpu_seconds']):>13}{_tb(total['shuffle_bytes']):>12}"
                 f"{_n(total['get_requests']):>12}{_tb(total['bytes_read']):>10}")
    lines.append(f"range: {_hours(low['cpu_seconds'])} to {_hours(high['cpu_seconds'])} core-hours, "
                 f"{_tb(low['shuffle_bytes'])} to {_tb(high['shuffle_bytes'])} TB shuffled, "
                 f"{_n(low['get_requests'])} to {_n(high['get_requests'])} blob GETs")
    bill = result["dollars"]
    lines.append("")
    lines.append(f"Dataflow at list prices of {prices['date']} ({prices['region']}): ${bill['total']:,.0f} "
                 f"(range ${low['dollars']:,.0f}-${high['dollars']:,.0f}): vCPU ${bill['vcpu']:,.0f}, memory "
                 f"${bill['memory']:,.0f}, disk ${bill['disk']:,.0f}, shuffle ${bill['shuffle']:,.0f}")
    lines.append(f"  prices: {prices['source']}; shuffle at ${prices['shuffle_gb']}/GB without volume adjustments")
    lines.append(f"  blob GETs: {_n(total['get_requests'])} (s3://softwareheritage is an AWS Open Data bucket; "
                 f"at S3 list price they would be ${result['s3_get_dollars_if_billed']:,.0f})")
    lines.append(f"  e.g. 200 workers of 4 vCPU: {total['cpu_seconds'] / 3600.0 / 800.0:,.1f} hours if the work spreads "
                 f"evenly and fetches overlap with compute (Dataflow bills wall time, these figures are CPU time)")
    lines.append("")
    lines.append("assumptions:")
    anchor = assumptions["anchor"]
    lines.append(f"  anchor: The Stack v2 (SWH 2023-09-06): {_n(anchor['released_unique_files'])} released unique files, "
                 f"{_tb(anchor['released_bytes'])} TB, from {_n(anchor['directory_entry_rows'])} directory entries; "
                 f"other exports scale with their directory_entry rows")
    from pipeline.plan.model import RANGED

    for name in RANGED:
        value = assumptions[name]
        lines.append(f"  {name}: {value['central']} (range {value['low']}-{value['high']})")
    lines.append(f"  one measured core = {assumptions.get('cores_per_vcpu', 1.0)} Dataflow vCPU; "
                 f"fit error +-{100 * float(costs.get('fit_relative_error', 0) or 0):.0f}% widens the range")
    lines.append(f"  costs: bench/scale_model.py at {costs.get('commit', '?')} on {costs.get('machine', '?')} "
                 f"({costs.get('date', '?')})")
    if versions:
        lines.append("  versions: " + ", ".join(f"{k} {v}" for k, v in sorted(versions.items())))
    return "\n".join(lines)
