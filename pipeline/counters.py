"""The build's counters as data: ``<staging>/counters.json``, what the manifest counts.

Every counting DoFn emits its bundle's counts as elements (:mod:`transforms.counts`);
:class:`WriteCounters`, applied last in the graph, sums them per counter and writes one
small file, ``{namespace: {name: n}}``. The driver reads it after the run
(:func:`read_counters`) instead of the runner's metrics: a runner drops the outputs of a
failed or retried bundle, so these counts are exact on every runner.
"""

from __future__ import annotations

import json
from typing import Dict

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from pipeline.sink import write_file
from transforms.base import NAMESPACE
from transforms.counts import SumCounts

COUNTERS = "counters.json"

Counters = Dict[str, Dict[str, int]]


def _write(counters: Counters, staging: str) -> None:
    write_file(FileSystems.join(staging, COUNTERS), json.dumps(counters, sort_keys=True, indent=1).encode())


class WriteCounters(beam.PTransform):
    """``pipeline | WriteCounters(staging)``: every counts output of the pipeline so far, summed,
    to ``<staging>/counters.json`` (apply it after every stage)."""

    def __init__(self, staging: str):
        super().__init__()
        self._staging = staging

    def expand(self, pbegin):
        return pbegin | "SumCounts" >> SumCounts() | "Write" >> beam.Map(_write, self._staging)


def read_counters(staging: str) -> Counters:
    """``{namespace: {name: n}}`` the pipeline wrote (every namespace: stages, fates, cache)."""
    with FileSystems.open(FileSystems.join(staging, COUNTERS)) as handle:
        return json.loads(handle.read().decode("utf-8"))


def stage_counters(counters: Counters) -> Counters:
    """``{stage: {counter: n}}`` of the stages' namespaces (``codestack.<stage>``), sorted."""
    prefix = NAMESPACE + "."
    return {namespace[len(prefix):]: dict(sorted(names.items()))
            for namespace, names in sorted(counters.items()) if namespace.startswith(prefix)}
