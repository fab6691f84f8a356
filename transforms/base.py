"""What every stage shares: outcomes, counters, and the thin Beam wrapper.

A stage's pure core is a plain function ``core(record, count) -> CodeFile | Drop``
(built once per worker by a factory, so heavy models load in ``DoFn.setup``).
``count(name)`` increments a counter: a Beam counter in production, a dict in
tests. The wrapper counts ``kept`` and ``dropped:<reason>`` for the stage,
routes ``Drop(dead_letter=True)`` and any exception to the dead-letter output,
and never lets one bad record stop the run.
"""

from __future__ import annotations

import collections
from typing import Callable, Iterable, NamedTuple, Optional, Union

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.record import CodeFile, Reject, reject_for

#: Tag of the dead-letter output of every stage.
REJECTS = "rejects"
#: Counter namespace prefix; a stage ``decode`` counts in ``codestack.decode``.
NAMESPACE = "codestack"

Count = Callable[[str], None]


class Drop(NamedTuple):
    """A record leaves the pipeline. ``dead_letter``: it could not be processed
    (and goes to ``rejects/``), as opposed to being filtered out by policy."""

    reason: str
    detail: str = ""
    dead_letter: bool = False


Outcome = Union[CodeFile, Drop]
Core = Callable[[CodeFile, Count], Outcome]


class DictCounter(collections.Counter):
    """The counter tests pass to a core: ``count("kept")`` adds one."""

    def __call__(self, name: str, n: int = 1) -> None:
        self[name] += n


class BeamCounter:
    """``count(name)`` backed by Beam counters in namespace ``codestack.<stage>``."""

    def __init__(self, stage: str):
        self._namespace = f"{NAMESPACE}.{stage}"
        self._counters = {}

    def __call__(self, name: str, n: int = 1) -> None:
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = Metrics.counter(self._namespace, name)
        counter.inc(n)


def apply_core(stage: str, core: Core, record: CodeFile, count: Count) -> Iterable:
    """Run one core on one record; yield the kept record or a tagged reject."""
    try:
        out = core(record, count)
    except Exception as exc:  # one bad record never kills a run
        count("dropped:error")
        yield beam.pvalue.TaggedOutput(
            REJECTS, reject_for(record, stage, "error", f"{type(exc).__name__}: {exc}")
        )
        return
    if isinstance(out, Drop):
        count(f"dropped:{out.reason}")
        if out.dead_letter:
            yield beam.pvalue.TaggedOutput(REJECTS, reject_for(record, stage, out.reason, out.detail))
        return
    count("kept")
    yield out


class _StageFn(beam.DoFn):
    def __init__(self, stage: str, factory: Callable[[], Core]):
        self._stage = stage
        self._factory = factory
        self._core: Optional[Core] = None
        self._count: Optional[BeamCounter] = None

    def setup(self):
        self._core = self._factory()
        self._count = BeamCounter(self._stage)

    def process(self, record: CodeFile):
        yield from apply_core(self._stage, self._core, record, self._count)


class Stage(beam.PTransform):
    """A record-to-record stage: ``kept, rejects = records | Stage("decode", factory)``.

    ``factory()`` runs once per worker (``DoFn.setup``) and returns the core.
    """

    def __init__(self, stage: str, factory: Callable[[], Core]):
        super().__init__(label=stage)
        self._stage = stage
        self._factory = factory

    def expand(self, records):
        outputs = records | "Apply" >> beam.ParDo(_StageFn(self._stage, self._factory)).with_output_types(
            CodeFile
        ).with_outputs(REJECTS, main="kept")
        return outputs.kept, outputs[REJECTS]
