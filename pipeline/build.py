"""``codestack build``: run the graph, then publish the release folder.

The pipeline writes shards to ``<output>/.staging/``; only after it has finished
does the driver move them to their final paths, write ``CHANGELOG.md``, the
dataset card (``README.md``, ``plots/``), ``manifest.json`` and, last,
``SHA256SUMS`` (:func:`manifests.publish.finish_release`). A run killed midway
leaves no manifest and no final shard from that run; the next run clears what
is left and starts over. Before publishing, the error budget
(:mod:`pipeline.error_budget`) stops a build whose stages failed on too many
records: nothing is published and the staging folder, with its rejects, stays.
"""

from __future__ import annotations

import collections
import contextlib
import os
import re
import shutil
import sys
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems
from apache_beam.options.pipeline_options import TestOptions

from manifests.checksums import SUMS
from manifests.changelog import CHANGELOG, check_previous
from manifests.manifest import MANIFEST, build_manifest, columns_of, stage_counts
from manifests.publish import finish_release
from pipeline.config import Config, load_config
from pipeline.counters import read_counters, stage_counters
from pipeline.error_budget import ErrorsConfig, describe, find_violations, read_reject_details
from pipeline.errors import ErrorBudgetExceeded, UsageError
from pipeline.graph import OPTIONAL_STAGES, STAGES, build_graph
from pipeline.options import check_beam_flags, make_options
from pipeline.progress import progress
from pipeline.sink import PARQUET_SCHEMA, ShardInfo, read_index
from pipeline.stats import read_stats
from pipeline.versions import codestack_version, data_versions
from transforms.spill import spilling
from transforms.base import FATES, NAMESPACE
from transforms.previous import previous_shards

STAGING = ".staging"
#: what a build may find (and clear) in an output folder left by a killed run
OWNED = {STAGING, "data", "rejects", SUMS, MANIFEST, MANIFEST + ".tmp", SUMS + ".tmp",
         "README.md", "README.md.tmp", CHANGELOG, CHANGELOG + ".tmp", "plots"}
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


def make_source(spec: str, content_store: Optional[str] = None, repo_metadata: Optional[str] = None,
                as_of: Optional[str] = None, origin_prefixes: Sequence[str] = (), matcher=None) -> beam.PTransform:
    """The source a ``--source`` spec names, with the options that apply to it; ``matcher``
    (the opt-out registry's) makes every source skip named repositories before reading
    anything of them."""
    kind, sep, where = spec.partition(":")
    if not sep or not where:
        raise UsageError(f"--source {spec!r}: expected KIND:WHERE, e.g. git:./repos")
    swh_options = {"--repo-metadata": repo_metadata, "--as-of": as_of, "--origin-prefix": origin_prefixes}
    if kind != "swh-export" and content_store:
        raise UsageError(f"--content-store applies to swh-export sources only, not {kind}")
    if kind == "git":
        unused = sorted(flag for flag, value in swh_options.items() if value)
        if unused:
            raise UsageError(f"{unused[0]} applies to swh-export and swh-api sources only, not git")
        if not os.path.isdir(where):
            raise UsageError(f"--source {spec}: {where} is not a folder")
        from pipeline.sources.git import ReadGitRepositories

        return ReadGitRepositories(where, matcher=matcher)
    if kind == "swh-export":
        if not content_store:
            raise UsageError(f"--source {spec}: needs --content-store PATH_OR_URI (the blobs, e.g. s3://softwareheritage/content)")
        from pipeline.sources.swh_export import ReadSwhExport

        source = ReadSwhExport(where, content_store, as_of=as_of, origin_prefixes=origin_prefixes,
                               repo_metadata=repo_metadata, matcher=matcher)
        source.check()
        return source
    if kind == "swh-api":
        from pipeline.sources.swh_api import ReadSwhApi

        source = ReadSwhApi(where, as_of=as_of, origin_prefixes=origin_prefixes, repo_metadata=repo_metadata,
                            matcher=matcher)
        source.check()
        return source
    raise UsageError(f"--source {spec}: unknown source kind {kind!r} "
                     "(available: git:FOLDER, swh-export:PATH_OR_URI, swh-api:FILE)")


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


def remote_staging(location: str, output: str) -> str:
    """A per-release staging folder under ``location`` (e.g. ``gs://bucket/tmp``), emptied.

    Workers of a remote runner cannot write to the driver's disk: they write the
    shards there, and the driver brings them into the release folder."""
    staging = FileSystems.join(location, "codestack-staging", os.path.basename(output.rstrip("/")) or "release")
    _delete_tree(staging)
    return staging


def _delete_tree(folder: str) -> None:
    """Delete everything under a (remote) folder; object stores want the trailing slash."""
    matches = FileSystems.match([folder.rstrip("/") + "/**"])[0].metadata_list
    if matches:
        FileSystems.delete(sorted(m.path for m in matches))


def _bring_shard(staging: str, rel: str, final: str) -> None:
    """Move a staged shard to its final path in the (local) release folder."""
    if "://" not in staging:
        os.replace(os.path.join(staging, rel), final)
        return
    source = FileSystems.join(staging, *rel.split("/"))
    tmp = final + ".tmp"
    with FileSystems.open(source, compression_type="uncompressed") as src, open(tmp, "wb") as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
    os.replace(tmp, final)


def choose_staging(local: str, output: str, staging_location: Optional[str], options, runner) -> str:
    """Where the workers write shards: ``local`` (under ``output``), or a per-release folder
    under ``staging_location`` when that is remote (``local`` is removed then). A remote
    runner's workers cannot reach ``local``: without a location for them, one line (exit 2)."""
    if staging_location:
        FileSystems.set_options(options)  # e.g. --s3_endpoint_url for the driver's own staging reads
        if "://" in staging_location:
            os.rmdir(local)
            return remote_staging(staging_location, output)
    elif runner is None and not options.view_as(TestOptions).dry_run and not _shares_disk(options):
        raise UsageError("--shard-staging: a remote runner's workers cannot write to the local --output "
                         f"{output}; give a location they can write, e.g. --shard-staging gs://BUCKET/tmp")
    return local


def bring_shards(staging: str, output: str) -> List[Tuple[ShardInfo, dict]]:
    """Move every staged shard to its place under ``output``: ``(info, manifest entry)`` each."""
    moved = []
    for info in read_index(staging):
        final = os.path.join(output, info.path)
        os.makedirs(os.path.dirname(final), exist_ok=True)
        _bring_shard(staging, info.path, final)
        moved.append((info, {"path": info.path, "sha256": info.sha256, "bytes": info.bytes, "rows": info.rows}))
    return moved


def clear_staging(staging: str) -> None:
    if "://" in staging:
        _delete_tree(staging)
    else:
        shutil.rmtree(staging)


def _shares_disk(options) -> bool:
    """Portable runners with an EXTERNAL or LOOPBACK worker pool run on this machine."""
    from apache_beam.options.pipeline_options import PortableOptions

    return (options.view_as(PortableOptions).environment_type or "").upper() in ("EXTERNAL", "LOOPBACK")


# Metrics: the build reads its counters from the data (pipeline.counters); these read the
# runner's metrics, for tests and benchmarks of single transforms on the local runner.
def counter_value(item) -> int:
    """A counter's committed value, else its attempted one (runners that only have those)."""
    try:
        value = item.committed
    except Exception:
        value = None
    if value is None:
        value = item.attempted
    return int(value or 0)


def namespace_counters(result, namespace: str) -> Dict[str, int]:
    """``{counter: value}`` of one counter namespace (e.g. the cache's) of a finished pipeline."""
    from apache_beam.metrics.metric import MetricsFilter

    out: Dict[str, int] = collections.defaultdict(int)
    for item in result.metrics().query(MetricsFilter())["counters"]:
        if item.key.metric.namespace == namespace:
            out[item.key.metric.name] += counter_value(item)
    return dict(sorted(out.items()))


def collect_counters(result) -> Dict[str, Dict[str, int]]:
    """``{stage: {counter: value}}`` from the finished pipeline's metrics."""
    from apache_beam.metrics.metric import MetricsFilter

    counters: Dict[str, Dict[str, int]] = collections.defaultdict(lambda: collections.defaultdict(int))
    for item in result.metrics().query(MetricsFilter())["counters"]:
        namespace = item.key.metric.namespace
        if not namespace.startswith(NAMESPACE + "."):
            continue
        stage = namespace[len(NAMESPACE) + 1 :]
        counters[stage][item.key.metric.name] += counter_value(item)
    return {stage: dict(sorted(values.items())) for stage, values in sorted(counters.items())}


def check_error_budget(counters: Dict[str, Dict[str, int]], budget: ErrorsConfig, staging: str) -> None:
    """Stop before publishing if a stage failed on too many records (:mod:`pipeline.error_budget`):
    one line naming the stages and their top errors; the staging folder and its rejects stay."""
    violations = find_violations(counters, budget, STAGES)
    if violations:
        details = read_reject_details(staging, violations, budget.reasons)
        raise ErrorBudgetExceeded(describe(violations, budget, details, rejects_at=staging.rstrip("/") + "/rejects/"))


def publish(output: str, staging: str, manifest_fields: dict, counters: Dict[str, Dict[str, int]],
            fates: Optional[Dict[str, int]] = None, opted_out=None,
            previous: Optional[str] = None, mixture: Optional[dict] = None,
            log: Callable[[str], None] = lambda msg: None, enabled: Sequence[str] = ()) -> dict:
    """Move the staged shards into place, then write the changelog (against the
    ``previous`` release, if given), the dataset card and its plots, the manifest
    and, last, SHA256SUMS. ``enabled``: the optional stages this build ran (listed in
    the manifest even when no record reached them)."""
    shards, rejects = [], []
    for info, entry in bring_shards(staging, output):
        if info.path.startswith("data/"):
            shards.append(dict(entry, language=info.group))
        else:
            rejects.append(entry)
    order = [stage for stage in STAGES if stage not in OPTIONAL_STAGES or stage in counters or stage in enabled]
    manifest = build_manifest(
        shards=shards, rejects=rejects, stages=stage_counts(counters, order), stats=read_stats(staging),
        columns=columns_of(PARQUET_SCHEMA), **manifest_fields
    )
    if mixture is not None:  # --mixture: the plan over this release's own token counts, for the card
        from manifests import mixture as mixtures

        try:
            manifest["mixture"] = mixtures.manifest_entry(mixtures.plan_of_manifest(manifest, **mixture))
        except mixtures.MixtureError as exc:
            log(f"codestack: warning: --mixture not applied: {exc}")
    clear_staging(staging)
    return finish_release(output, manifest, previous_root=previous, fates=fates, opted_out=opted_out)


def run_build(
    source_spec: str,
    output: str,
    version: str,
    config_path: Optional[str] = None,
    workers: int = 1,
    beam_args: Optional[List[str]] = None,
    config: Optional[Config] = None,
    log: Callable[[str], None] = lambda msg: print(msg, file=sys.stderr),
    optout_registry: Optional[str] = None,
    previous: Optional[str] = None,
    tokenizer: Optional[str] = None,
    source_options: Optional[dict] = None,
    on_result: Optional[Callable[[object], None]] = None,
    staging_location: Optional[str] = None,
    spill: bool = True,
    mixture: Optional[str] = None,
    cache: Optional[str] = None,
) -> dict:
    """``cache``: the per-blob result cache (``--cache URI``, :mod:`pipeline.cache`);
    ``source_options``: keyword arguments of :func:`make_source` (content store, metadata, ...);
    ``on_result``: called with the finished Beam ``PipelineResult`` (benchmarks read its timings);
    ``staging_location``: where workers write shards (a remote runner needs e.g. ``gs://bucket/tmp``);
    ``spill``: on a local runner, records between stages wait in files under the staging folder
    (:mod:`transforms.spill`) instead of the runner's memory; the release is the same either way."""
    if not _VERSION.match(version or ""):
        raise UsageError(f"--release-version {version!r}: expected X.Y.Z, e.g. 0.1.0")
    if workers < 1:
        raise UsageError(f"--workers {workers}: must be at least 1")
    check_beam_flags(list(beam_args or []))  # Beam would drop a flag it does not know, silently
    config = config or load_config(config_path)
    registry = load_optout_registry(optout_registry)
    if previous:
        try:
            check_previous(previous, version)
        except ValueError as exc:
            raise UsageError(f"--previous: {exc}") from exc
    tokenizer_info, tokenizer_spec = load_tokenizer(tokenizer)
    mixture_spec = load_mixture(mixture, tokenizer)
    benchmarks = load_decontamination(config)
    scanner = check_malware_scanner(config)
    source = make_source(source_spec, matcher=registry.matcher(), **(source_options or {}))
    output = os.path.abspath(output)
    staging = prepare_output(output)
    options, runner = make_options(list(beam_args or []), workers)
    staging = choose_staging(staging, output, staging_location, options, runner)
    log(f"codestack: building {version} from {source_spec} into {output}")
    needles = stage_needles(benchmarks, staging)
    cache_plan = None
    if cache is not None:
        from pipeline import cache as build_cache

        FileSystems.set_options(options)  # e.g. --s3_endpoint_url for the driver's reads of the cache's index
        cache_plan = build_cache.prepare(cache, config, staging, log)
    pipeline = beam.Pipeline(runner=runner, options=options) if runner else beam.Pipeline(options=options)
    build_graph(pipeline, source, config, staging, registry=registry, tokenizer=tokenizer_spec, needles=needles,
                cache=cache_plan, previous=previous_shards(previous) if previous else ())
    # local runners: packed records wait in files under the staging folder, not in the runner's memory
    spill_folder = os.path.join(staging, "spill") if spill and runner is not None and "://" not in staging else None
    if runner is not None:  # local: the driver and the worker processes it starts use two malloc arenas
        from transforms.memory import limit_arenas

        limit_arenas()
    with progress(STAGES), (spilling(spill_folder) if spill_folder else contextlib.nullcontext()):
        result = pipeline.run()
        state = result.wait_until_finish()
    if options.view_as(TestOptions).dry_run:
        # e.g. Dataflow's --dry_run=True: the job graph was built and staged, nothing ran
        shutil.rmtree(staging, ignore_errors=True)
        transforms = len(pipeline.to_runner_api().components.transforms)
        log(f"codestack: dry run: job graph of {transforms} transforms built; nothing was run or published")
        return {"dry_run": True, "transforms": transforms}
    if str(state).split(".")[-1] not in ("DONE", "UNKNOWN"):
        raise UsageError(f"pipeline ended in state {state}")
    everything = read_counters(staging)  # every namespace the pipeline counted, as data (pipeline.counters)
    counters = stage_counters(everything)
    if on_result is not None:
        on_result(result)
    if cache_plan is not None:  # the new entries are right whatever the error budget says
        build_cache.publish(cache_plan, everything.get(build_cache.NAMESPACE, {}), version, log)
    check_error_budget(counters, config.errors, staging)
    manifest_fields = dict(
        name="codestack",
        version=version,
        codestack_version=codestack_version(),
        versions=data_versions(),
        config=config.to_dict(),
        config_hash=config.digest(),
        source=source.describe(),
        extra={"optout_registry": registry.summary(),
               **({"decontamination": decontamination_summary(benchmarks, config)} if benchmarks else {}),
               **({"malware_scanner": scanner} if scanner else {})},
        tokenizer=tokenizer_info,
    )
    enabled = [stage for stage, on in (("malware", scanner), ("decontaminate", benchmarks)) if on]
    fates = everything.get(FATES, {}) if previous else None  # why files of the previous release left
    matcher = registry.matcher()
    return publish(output, staging, manifest_fields, counters, fates=fates,
                   opted_out=lambda repo: matcher.match(repo_name=repo) is not None,
                   previous=os.path.abspath(previous) if previous else None,
                   mixture=mixture_spec, log=log, enabled=enabled)


def load_mixture(path: Optional[str], tokenizer: Optional[str]) -> Optional[dict]:
    """``--mixture FILE``: the spec, checked before anything runs (exit 2 if bad)."""
    if not path:
        return None
    if not tokenizer:
        raise UsageError("--mixture needs --tokenizer: a mixture is planned over the release's token counts")
    from manifests import mixture as mixtures
    from pipeline.config import read_yaml

    raw = read_yaml(path, what="mixture")
    try:
        spec = mixtures.parse_spec(raw, source=path)
    except mixtures.MixtureError as exc:
        raise UsageError(str(exc)) from exc
    return dict(spec, source=path)


def check_malware_scanner(config: Config) -> Optional[dict]:
    """With ``malware.clamd`` set: clamd answers (engine and database versions, for the
    manifest), or the build stops here with one line (exit 2)."""
    if not config.malware.enabled:
        return None
    from transforms.malware import check_scanner

    try:
        found = check_scanner(config.malware.clamd, timeout=min(30.0, config.malware.timeout_seconds))
    except ValueError as exc:  # ScannerUnavailable, or an address that does not parse
        raise UsageError(str(exc)) from exc
    return dict(found)


def load_decontamination(config: Config):
    """The configured benchmarks, read and checked before anything runs (a bad one: exit 2)."""
    if not config.decontaminate.benchmarks:
        return []
    from transforms.decontaminate import BenchmarkError, load_benchmarks

    try:
        return load_benchmarks(config.decontaminate.benchmarks, config.decontaminate.min_chars)
    except BenchmarkError as exc:
        raise UsageError(str(exc)) from exc


def stage_needles(benchmarks, staging: str) -> Optional[str]:
    """Write the benchmarks' needle table where workers read it (``DoFn.setup``)."""
    if not benchmarks:
        return None
    from transforms.decontaminate import NeedleTable, write_table

    path = FileSystems.join(staging, "decontaminate", "needles.json.gz")
    write_table(NeedleTable.from_benchmarks(benchmarks), path)
    return path


def decontamination_summary(benchmarks, config: Config) -> dict:
    """The manifest's ``decontamination``: each benchmark's source, sha256, items and needles."""
    return {"min_chars": config.decontaminate.min_chars, "benchmarks": [b.describe() for b in benchmarks]}


def load_tokenizer(path: Optional[str]):
    """``(identity for the manifest, spec for the workers)`` of ``--tokenizer``, or ``(None, None)``."""
    if not path:
        return None, None
    from transforms import tokens

    try:
        info = tokens.describe_tokenizer(path)
    except tokens.TokenizerError as exc:
        raise UsageError(f"--tokenizer {path}: {exc}") from exc
    return info, tokens.spec_for(path, info)


def load_optout_registry(path: Optional[str]):
    """The opt-out registry at ``path`` (default: the packaged one), as a UsageError if unusable."""
    from pipeline.commands.optout import load_registry

    try:
        return load_registry(path)
    except UsageError as exc:
        raise UsageError(f"--optout-registry: {exc}") from exc


def optout_summary(manifest: dict) -> str:
    """One line: the registry applied and what it left out (no names)."""
    registry = manifest.get("optout_registry")
    if not registry:
        return ""
    stages = manifest.get("stages", {})
    stage = stages.get("optout", {})
    source = stages.get("source", {}).get("counters", {})
    unread = [f"{source[key]} {what}" for key, what in (("repositories:opted_out", "repositories"),
                                                       ("visits:opted_out", "visits")) if source.get(key)]
    repos = stage.get("counters", {}).get("repositories:excluded", 0)
    files = stage.get("dropped", {}).get("opted_out", 0)
    entries = f"{registry['entries']} {'entry' if registry['entries'] == 1 else 'entries'}"
    return (f"opt-out registry sha256 {registry['sha256'][:12]} ({entries}): "
            f"never read: {', '.join(unread) or 'none'}; left out after the source: "
            f"{repos} repositories, {files} files")


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
    if optout_summary(manifest):
        lines.append(optout_summary(manifest))
    return "\n".join(lines)
