"""The codestack graph, top to bottom in stage order.

    source ─▶ [opt-out] ─▶ decode (size/binary guard, fetch, decode) ─▶ [language]
      ─▶ [license] ─▶ [quality filters] ─▶ [exact dedup] ─▶ [near dedup]
      ─▶ [PII/secret redaction] ─▶ [token counts] ─▶ shards per language
    every stage's rejects ─▶ rejects/

Stages in [brackets] are wired in here, in that order, as they are built;
a stage not yet built is absent, not faked.
"""

from __future__ import annotations

import functools

import apache_beam as beam

from pipeline.config import Config
from pipeline.sink import write_data, write_index, write_rejects
from transforms import fetch
from transforms.base import Stage

#: stage names in graph order (counter namespaces ``codestack.<stage>``)
STAGES = ("source", fetch.STAGE, "sink")


def build_graph(pipeline: beam.Pipeline, source: beam.PTransform, config: Config, staging: str) -> None:
    files, source_rejects = pipeline | "Source" >> source
    files = files | "Spread" >> beam.Reshuffle()
    decoded, decode_rejects = files | Stage(fetch.STAGE, functools.partial(fetch.make_core, config.decode))

    data_shards = write_data(decoded, staging, config.sink)
    rejects = (source_rejects, decode_rejects) | "AllRejects" >> beam.Flatten()
    reject_shards = write_rejects(rejects, staging, config.sink)
    write_index((data_shards, reject_shards) | "AllShardInfos" >> beam.Flatten(), staging)
