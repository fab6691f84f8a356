"""``codestack build``: run the graph, then publish the release folder.

The pipeline writes shards to ``<output>/.staging/``; only after it has finished
does the driver move them to their final paths, write ``manifest.json`` and,
last, ``SHA256SUMS``. A run killed midway leaves no manifest and no final shard
from that run; the next run clears what is left and starts over.
"""

from __future__ import annotations

import collections
import os
import re
import shutil
import sys
from typing import Callable, Dict, List, Optional

import apache_beam as beam

from manifests.checksums import SUMS, write_sums
from manifests.manifest import MANIFEST, build_manifest, stage_counts, write_manifest
from pipeline.config import Config, load_config
from pipeline.errors import UsageError
from pipeline.graph import STAGES, build_graph
from pipeline.options import make_options
from pipeline.sink import read_index
from transforms.base import NAMESPACE

STAGING = ".staging"
#: what a build may find (and clear) in an output folder left by a killed run
OWNED = {STAGING, "data", "rejects", SUMS, MANIFEST, MANIFEST + ".tmp", SUMS + ".tmp"}
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def codestack_version() -> str:
    try:
        from importlib.metadata import version

        return version("codestack")
    except Exception:  # running from a source tree that is not installed
        return "0+unknown"


def make_source(spec: str) -> beam.PTransform:
    kind, sep, where = spec.partition(":")
    if not sep or not where:
        raise UsageError(f"--source {spec!r}: expected KIND:WHERE, e.g. git:./repos")
    if kind == "git":
        if not os.path.isdir(where):
            raise UsageError(f"--source {spec}: {where} is not a folder")
        from pipeline.sources.git import ReadGitRepositories

        return ReadGitRepositories(where)
    raise UsageError(f"--source {spec}: unknown source kind {kind!r} (available: git:FOLDER)")


def prepare_output(output: str) -> str:
    """Make sure ``output`` can receive a release; clear what a killed run left."""
    if os.path.exists(output) and not os.path.isdir(output):
        raise UsageError(f"--output {output}: exists and is not a folder")
    os.makedirs(output, exist_ok=True)
    entries = set(os.listdir(output))
    if MANIFEST in entries and SUMS in entries:
        raise UsageError(f"--output {output}: already holds a release; choose a new folder for version")
    foreign = sorted(entries - OWNED)
    if foreign:
        raise UsageError(f"--output {output}: not empty and not a codestack release ({foreign[0]} is in the way)")
    for name in sorted(entries):
        full = os.path.join(output, name)
        if os.path.isdir(full):
            shutil.rmtree(full)
        else:
            os.remove(full)
    staging = os.path.join(output, STAGING)
    os.makedirs(staging)
    return staging


def collect_counters(result) -> Dict[str, Dict[str, int]]:
    """``{stage: {counter: value}}`` from the finished pipeline's metrics."""
    from apache_beam.metrics.metric import MetricsFilter

    counters: Dict[str, Dict[str, int]] = collections.defaultdict(lambda: collections.defaultdict(int))
    for item in result.metrics().query(MetricsFilter())["counters"]:
        namespace = item.key.metric.namespace
        if not namespace.startswith(NAMESPACE + "."):
            continue
        stage = namespace[len(NAMESPACE) + 1 :]
        try:
            value = item.committed
        except Exception:
            value = None
        if value is None:
            value = item.attempted
        counters[stage][item.key.metric.name] += int(value or 0)
    return {stage: dict(sorted(values.items())) for stage, values in sorted(counters.items())}


def publish(output: str, staging: str, manifest_fields: dict, counters: Dict[str, Dict[str, int]]) -> dict:
    """Move the staged shards into place, then write the manifest and SHA256SUMS."""
    shards, rejects = [], []
    for info in read_index(staging):
        final = os.path.join(output, info.path)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        os.replace(os.path.join(staging, info.path), final)
        entry = {"path": info.path, "sha256": info.sha256, "bytes": info.bytes, "rows": info.rows}
        if info.path.startswith("data/"):
            shards.append(dict(entry, language=info.group))
        else:
            rejects.append(entry)
    manifest = build_manifest(
        shards=shards, rejects=rejects, stages=stage_counts(counters, STAGES), **manifest_fields
    )
    shutil.rmtree(staging)
    write_manifest(output, manifest)
    write_sums(output)
    return manifest


def run_build(
    source_spec: str,
    output: str,
    version: str,
    config_path: Optional[str] = None,
    workers: int = 1,
    beam_args: Optional[List[str]] = None,
    config: Optional[Config] = None,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
) -> dict:
    if not _VERSION.match(version or ""):
        raise UsageError(f"--release-version {version!r}: expected X.Y.Z, e.g. 0.1.0")
    if workers < 1:
        raise UsageError(f"--workers {workers}: must be at least 1")
    config = config or load_config(config_path)
    source = make_source(source_spec)
    output = os.path.abspath(output)
    staging = prepare_output(output)
    options, runner = make_options(list(beam_args or []), workers)
    log(f"codestack: building {version} from {source_spec} into {output}")
    pipeline = beam.Pipeline(runner=runner, options=options) if runner else beam.Pipeline(options=options)
    build_graph(pipeline, source, config, staging)
    result = pipeline.run()
    state = result.wait_until_finish()
    if str(state).split(".")[-1] not in ("DONE", "UNKNOWN"):
        raise UsageError(f"pipeline ended in state {state}")
    counters = collect_counters(result)
    manifest_fields = dict(
        name="codestack",
        version=version,
        codestack_version=codestack_version(),
        config=config.to_dict(),
        config_hash=config.digest(),
        source=source.describe(),
    )
    return publish(output, staging, manifest_fields, counters)


def summary_table(manifest: dict) -> str:
    """The per-stage kept/dropped table printed after a build."""
    rows = [("stage", "kept", "dropped", "top drop reasons")]
    for stage, values in manifest["stages"].items():
        reasons = sorted(values["dropped"].items(), key=lambda kv: (-kv[1], kv[0]))[:3]
        rows.append((stage, str(values["kept"]), str(values["dropped_total"]),
                     ", ".join(f"{k} {v}" for k, v in reasons)))
    widths = [max(len(r[i]) for r in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) if i in (0, 3) else cell.rjust(w) for i, (cell, w) in enumerate(zip(r, widths))).rstrip()
             for r in rows]
    totals = manifest["totals"]
    lines.append(f"{totals['files']} files in {totals['shards']} shards "
                 f"({len(manifest['languages'])} languages), {totals['rejects']} rejects")
    return "\n".join(lines)
