"""Counters as data: what a stage counts reaches the driver through the pipeline itself.

A DoFn counts into a :class:`Tally` (one per DoFn instance, keyed ``(namespace, name)``),
and at the end of each bundle :meth:`Tally.emit` sends the bundle's sums as elements
``((namespace, name), n)`` of its ``counts`` output, in the global window: a few elements
per bundle, never one per record. The transform that applies the ParDo declares that
output and hands it to :func:`counted`; the graph flattens every such output of the
pipeline (:func:`counts_of`), sums per key, and writes one small file the driver reads
after the run.

Why not Beam's metrics: a runner commits the outputs of a bundle together with its
state, and drops the outputs of a bundle that failed or was retried, so counts that
travel as data are exact on every runner; committed metrics are lost on some runners
(Prism drops some bundles' metrics) and attempted ones count retried bundles twice.
A failed bundle's counts never reach a later one: Beam's SDK harness discards the DoFn
instances of a failed bundle (a retry runs on fresh ones, whose tallies start empty).
The tally still increments Beam counters of the same names, for monitoring UIs.
"""

from __future__ import annotations

import threading
import weakref
from typing import Dict, Iterable, Iterator, List, Tuple

import apache_beam as beam
from apache_beam.metrics import Metrics
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

#: tag of the counts output of every counting ParDo
COUNTS = "counts"

Key = Tuple[str, str]  # (namespace, name)


class Tally:
    """The counts one DoFn instance made in its current bundle (and the Beam counters)."""

    def __init__(self):
        self._counts: Dict[Key, int] = {}
        self._metrics: dict = {}
        self._lock = threading.Lock()  # a stage may count from its reader threads

    def tally(self, namespace: str, name: str, n: int = 1) -> None:
        """Add ``n`` to counter ``name`` of ``namespace`` (zero too: the counter then exists)."""
        key = (namespace, name)
        with self._lock:
            self._counts[key] = self._counts.get(key, 0) + n
            metric = self._metrics.get(key)
            if metric is None:
                metric = self._metrics[key] = Metrics.counter(namespace, name)
        metric.inc(n)

    def take(self) -> List[Tuple[Key, int]]:
        """The bundle's counts, sorted, and forget them."""
        with self._lock:
            counts, self._counts = self._counts, {}
        return sorted(counts.items())

    def emit(self) -> Iterator[beam.pvalue.TaggedOutput]:
        """For ``finish_bundle``: the bundle's counts as ``counts`` outputs in the global window."""
        for item in self.take():
            yield beam.pvalue.TaggedOutput(COUNTS, WindowedValue(item, MIN_TIMESTAMP, (GlobalWindow(),)))


# the counts outputs of each pipeline under construction, in the order they were applied
_OUTPUTS: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()


def counted(outputs):
    """``outputs`` of a ParDo applied ``.with_outputs(COUNTS, ...)``: its counts are the
    pipeline's (see :func:`counts_of`). Returns ``outputs``."""
    pcoll = outputs[COUNTS]
    _OUTPUTS.setdefault(pcoll.pipeline, []).append(pcoll)
    return outputs


class CountedParDo(beam.PTransform):
    """``pcoll | CountedParDo(fn, *side_inputs)``: ``beam.ParDo(fn, ...)`` of a DoFn with one
    output besides its counts; its counts are :func:`counted`, the main output returned."""

    def __init__(self, fn: beam.DoFn, *args, output_type=None):
        super().__init__()
        self._fn = fn
        self._args = args
        self._output_type = output_type

    def expand(self, pcoll):
        do = beam.ParDo(self._fn, *self._args)
        if self._output_type is not None:
            do = do.with_output_types(self._output_type)
        return counted(pcoll | "ParDo" >> do.with_outputs(COUNTS, main="main")).main


def counts_of(pipeline) -> list:
    """Every counts output :func:`counted` in ``pipeline`` so far."""
    return list(_OUTPUTS.get(pipeline, ()))


def merge(items: Iterable[Tuple[Key, int]]) -> Dict[str, Dict[str, int]]:
    """``{namespace: {name: n}}`` (sorted) of summed ``((namespace, name), n)`` items."""
    out: Dict[str, Dict[str, int]] = {}
    for (namespace, name), n in items:
        names = out.setdefault(namespace, {})
        names[name] = names.get(name, 0) + int(n)
    return {namespace: dict(sorted(names.items())) for namespace, names in sorted(out.items())}


class SumCounts(beam.PTransform):
    """``pipeline | SumCounts()``: one element, the ``{namespace: {name: n}}`` of every counts
    output :func:`counted` in ``pipeline`` (apply it last). A CombinePerKey: each worker sums
    its bundles' counts before the shuffle."""

    def expand(self, pbegin):
        outputs = counts_of(pbegin.pipeline)
        if not outputs:
            outputs = [pbegin | "NoCounts" >> beam.Create([]).with_output_types(Tuple[Tuple[str, str], int])]
        return (
            tuple(outputs)
            | "AllCounts" >> beam.Flatten().with_output_types(Tuple[Tuple[str, str], int])
            | "SumPerCounter" >> beam.CombinePerKey(sum)
            | "AllCounters" >> beam.combiners.ToList()
            | "ByNamespace" >> beam.Map(merge)
        )
