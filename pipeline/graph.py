"""The codestack graph, top to bottom in stage order.

    source ─▶ [opt-out] ─▶ decode (size/binary guard, fetch, decode) ─▶ [malware] ─▶ [license]
      ─▶ [language] ─▶ [quality filters] ─▶ [exact dedup] ─▶ [near dedup]
      ─▶ [decontaminate] ─▶ [PII/secret redaction] ─▶ [token counts] ─▶ shards per language
    every stage's rejects ─▶ rejects/
    every stage's counts (per bundle, as data) ─▶ counters.json (the manifest's counters)

License runs before language (DESIGN.md draws them the other way): it needs no
language, language never drops a file, and most files of an archive are left
out by license, so they are never classified.

Stages in [brackets] are wired in here, in that order, as they are built;
a stage not yet built is absent, not faked.
"""

from __future__ import annotations

import functools

import apache_beam as beam

from pipeline.config import Config
from pipeline.counters import WriteCounters
from pipeline.sink import write_data, write_index, write_rejects
from transforms import decontaminate, fetch, filters, language, malware, optout, redact, tokens
from transforms import license as license_stage
from transforms.dedup import exact as exact_dedup
from transforms.dedup import near as near_dedup
from transforms.base import Stage
from transforms.cache.beam_io import ReadCache, WriteCache
from transforms.previous import ReadPrevious
from transforms.record import Reject

#: stage names in graph order (counter namespaces ``codestack.<stage>``)
STAGES = ("source", optout.STAGE, fetch.STAGE, malware.STAGE, license_stage.STAGE, language.STAGE, filters.STAGE, exact_dedup.STAGE,
          near_dedup.STAGE, decontaminate.STAGE, redact.STAGE, tokens.STAGE, "sink")
#: stages that run only when asked for (``--clamd``, ``--benchmark``, ``--tokenizer``)
OPTIONAL_STAGES = (malware.STAGE, decontaminate.STAGE, tokens.STAGE)


def count_tokens(records, tokenizer):
    """Stage ``tokens``, only with ``--tokenizer`` (a :class:`transforms.tokens.TokenizerSpec`):
    the last stage before the sink, so it counts the text that is released."""
    if tokenizer is None:
        return records, records.pipeline | "NoTokenRejects" >> beam.Create([]).with_output_types(Reject)
    return records | Stage(tokens.STAGE, functools.partial(tokens.make_core, tokenizer))


def build_graph(pipeline: beam.Pipeline, source: beam.PTransform, config: Config, staging: str, registry=None,
                tokenizer=None, needles=None, cache=None, previous=()) -> None:
    """``registry``: the opt-out :class:`registry.Registry` (default: the packaged one);
    ``tokenizer``: a :class:`transforms.tokens.TokenizerSpec` to fill ``num_tokens`` (default: none);
    ``needles``: where the driver staged the benchmarks' needle table (default: no decontamination);
    ``cache``: a :class:`transforms.cache.beam_io.CachePlan` (``--cache``; default: none);
    ``previous``: the data shards of the ``--previous`` release (default: none)."""
    if hasattr(source, "set_staging"):  # a source that leaves its inputs digest for the driver
        source.set_staging(staging)
    files, source_rejects = pipeline | "Source" >> source
    if registry is None:
        from registry import load

        registry = load()
    files, source_rejects = (files, source_rejects) | optout.OptOut(registry.matcher())
    # decode groups the records by blob before any content is read, reads and decodes each
    # blob once and fans it out to every occurrence (forks: most files occur in many trees).
    # That group-by-blob is the shuffle that spreads the source's files over the workers
    # (a Reshuffle stood here before it). A worker keeps a batch of blobs downloading on a
    # thread pool; a source may bring readers for its own locators
    # (``source.blob_readers()``: scheme -> factory)
    readers = source.blob_readers() if hasattr(source, "blob_readers") else {}
    # --cache: the cache's entries join the records in that same group-by-blob; each cached
    # stage takes a blob's answer from its records' memo, and leaves new answers in cache_out
    cache_in = cache_out = None
    if cache is not None:
        cache_out = []
        if cache.reads:
            cache_in = pipeline | "ReadCache" >> ReadCache(cache.reads, getattr(source, "blob_key_kind", "both"))
    cached = cache_out is not None
    # --previous: the previous release's files join that group-by-blob too: a file it held is
    # marked (dedup keeps it where nothing else decides; each stage counts why one leaves)
    key_kind = getattr(source, "blob_key_kind", "both")
    previous_in = pipeline | "ReadPrevious" >> ReadPrevious(previous, key_kind) if previous else None
    decoded, decode_rejects = files | fetch.FetchDecode(config.decode, readers, cache=cache_in, cache_out=cache_out,
                                                        previous=previous_in)
    # malware: ClamAV (clamd) scans every decoded file's bytes; what it flags, or cannot scan, leaves here
    malware_rejects = pipeline | "NoMalwareRejects" >> beam.Create([]).with_output_types(Reject)
    if config.malware.enabled:
        decoded, malware_rejects = decoded | malware.Malware(config.malware)
    # license: a file's header, else the nearest folder's license files/manifests, else gha_license_id;
    # only permissive files (and no_license ones with license.include_no_license) go on. It runs
    # before language, which it does not need and which never drops: the files it leaves out
    # (most of an archive) are never classified (the content model costs ~10 ms a file)
    licensed, license_rejects = decoded | license_stage.License(config.license, cache_out=cache_out)
    # language: Linguist name (modeline, filename, shebang, extension, heuristics, content model),
    # is_vendor, is_generated; never drops
    named, language_rejects = licensed | Stage(
        language.STAGE, functools.partial(language.make_core, config.language, cached), cache_out=cache_out)
    # quality filters (The Stack v2 defaults) and the language allow/deny lists
    filtered, filter_rejects = named | Stage(
        filters.STAGE, functools.partial(filters.make_core, config.filters, cached), cache_out=cache_out)

    deduped = filtered
    if config.exact_dedup.enabled:
        deduped = deduped | exact_dedup.ExactDedup(config.exact_dedup)
    if config.near_dedup.enabled:
        deduped = deduped | near_dedup.NearDedup(config.near_dedup, cache_out=cache_out)
    # benchmark decontamination: after dedup (a duplicate is never searched), before redaction changes the text
    decontaminate_rejects = pipeline | "NoDecontaminateRejects" >> beam.Create([]).with_output_types(Reject)
    if needles:
        deduped, decontaminate_rejects = deduped | decontaminate.Decontaminate(needles)
    # PII and secret redaction: after dedup (a duplicate is never scanned), before the token counts
    redacted, redact_rejects = deduped | Stage(
        redact.STAGE, functools.partial(redact.make_core, config.redact, cached), cache_out=cache_out)
    released, token_rejects = count_tokens(redacted, tokenizer)
    data_shards = write_data(released, staging, config.sink)
    rejects = (source_rejects, decode_rejects, malware_rejects, language_rejects, license_rejects, filter_rejects,
               decontaminate_rejects, redact_rejects, token_rejects) | "AllRejects" >> beam.Flatten()
    reject_shards = write_rejects(rejects, staging, config.sink)
    write_index((data_shards, reject_shards) | "AllShardInfos" >> beam.Flatten(), staging)
    if cached:  # the answers computed in this build, as new shards of the cache
        (tuple(cache_out) | "NewCacheEntries" >> beam.Flatten()
         | "WriteCache" >> WriteCache(cache.write_folder, cache.versions, cache.list_path))
    # last: what every stage above counted, summed from the counts its bundles emitted (not from
    # the runner's metrics, which some runners lose or count twice): <staging>/counters.json
    pipeline | "Counters" >> WriteCounters(staging)
