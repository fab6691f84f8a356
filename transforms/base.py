"""What every stage shares: outcomes, counters, and the thin Beam wrapper.

A stage's pure core is a plain function ``core(record, count) -> CodeFile | Drop``
(built once per worker by a factory, so heavy models load in ``DoFn.setup``).
``count(name)`` increments a counter: in production a :class:`BeamCounter`, whose
counts leave each bundle as data (:mod:`transforms.counts`; the manifest's counters are
those), a dict in tests. A core whose answers are cached per blob carries a ``memo``
(:class:`transforms.cache.memo.Memo`): the wrapper sends the entries it made to the
``cache`` output. The wrapper counts ``kept`` and ``dropped:<reason>`` for the stage,
routes ``Drop(dead_letter=True)`` and any exception to the dead-letter output,
and never lets one bad record stop the run.
"""

from __future__ import annotations

import collections
import json
import os
import threading
import time
from typing import Callable, Iterable, NamedTuple, Optional, Union

import apache_beam as beam

from transforms.counts import COUNTS, Tally, counted
from transforms.record import CodeFile, reject_for

#: Tag of the dead-letter output of every stage.
REJECTS = "rejects"
#: Tag of the new cache entries of a cached stage (:mod:`transforms.cache`).
CACHE = "cache"
#: Counter namespace of why files of the previous release left (``build --previous``, :mod:`transforms.previous`)
FATES = "codestack-previous"
#: Counter namespace prefix; a stage ``decode`` counts in ``codestack.decode``.
NAMESPACE = "codestack"

Count = Callable[[str], None]

#: when set, counters are also mirrored to ``$CODESTACK_PROGRESS_DIR/<pid>.json``
#: for the progress line a person at a terminal sees (display only)
PROGRESS_ENV = "CODESTACK_PROGRESS_DIR"


class Drop(NamedTuple):
    """A record leaves the pipeline. ``dead_letter``: it could not be processed
    (and goes to ``rejects/``), as opposed to being filtered out by policy."""

    reason: str
    detail: str = ""
    dead_letter: bool = False


Outcome = Union[CodeFile, Drop]
Core = Callable[[CodeFile, Count], Outcome]


class DictCounter(collections.Counter):
    """The counter tests pass to a core: ``count("kept")`` adds one; counts of other
    namespaces (:func:`count_fate`) go to ``tallied[(namespace, name)]``."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.tallied = collections.Counter()

    def __call__(self, name: str, n: int = 1) -> None:
        self[name] += n

    def tally(self, namespace: str, name: str, n: int = 1) -> None:
        self.tallied[(namespace, name)] += n


class _ProgressMirror:
    """Per-process running totals written for the driver's progress line."""

    def __init__(self, folder: str):
        self._path = os.path.join(folder, f"{os.getpid()}.json")
        self._totals: dict = {}
        self._lock = threading.Lock()
        self._last = 0.0

    def add(self, stage: str, name: str, n: int) -> None:
        with self._lock:
            stage_totals = self._totals.setdefault(stage, {})
            stage_totals[name] = stage_totals.get(name, 0) + n
            now = time.monotonic()
            if now - self._last < 0.5:
                return
            self._last = now
        self.flush()

    def flush(self) -> None:
        with self._lock:
            data = json.dumps(self._totals)
        try:
            with open(self._path + ".tmp", "w", encoding="utf-8") as handle:
                handle.write(data)
            os.replace(self._path + ".tmp", self._path)
        except OSError:
            pass  # display only


_MIRRORS: dict = {}


def flush_progress() -> None:
    """Write this process's latest totals now (the driver, before its last redraw)."""
    for mirror in list(_MIRRORS.values()):
        mirror.flush()


def _progress_mirror():
    folder = os.environ.get(PROGRESS_ENV)
    if not folder:
        return None
    key = (folder, os.getpid())
    if key not in _MIRRORS:
        _MIRRORS[key] = _ProgressMirror(folder)
    return _MIRRORS[key]


class BeamCounter(Tally):
    """``count(name)`` of one DoFn instance, in namespace ``codestack.<stage>``: a
    :class:`transforms.counts.Tally` (``count.tally(namespace, name)`` counts in another
    namespace), so the DoFn's ``finish_bundle`` must ``yield from count.emit()``."""

    def __init__(self, stage: str):
        super().__init__()
        self._stage = stage
        self._namespace = f"{NAMESPACE}.{stage}"
        self._mirror = _progress_mirror()

    def __call__(self, name: str, n: int = 1) -> None:
        self.tally(self._namespace, name, n)
        if self._mirror is not None:
            self._mirror.add(self._stage, name, n)


def count_fate(count, stage: str, record: CodeFile, reason: str, n: int = 1) -> None:
    """A file of the previous release left at ``stage`` for ``reason`` (counted only for such
    files), in namespace ``FATES`` of ``count`` (a :class:`BeamCounter` or :class:`DictCounter`)."""
    tally = getattr(count, "tally", None)
    if record.released_before and n and tally is not None:
        tally(FATES, f"{stage}:{reason}", n)


def apply_core(stage: str, core: Core, record: CodeFile, count: Count) -> Iterable:
    """Run one core on one record; yield the kept record or a tagged reject."""
    try:
        out = core(record, count)
    except Exception as exc:  # one bad record never kills a run
        count("dropped:error")
        count_fate(count, stage, record, "error")
        yield beam.pvalue.TaggedOutput(
            REJECTS, reject_for(record, stage, "error", f"{type(exc).__name__}: {exc}")
        )
        return
    if isinstance(out, Drop):
        count(f"dropped:{out.reason}")
        count_fate(count, stage, record, out.reason)
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
        self._memo = getattr(self._core, "memo", None)  # a cached stage's transforms.cache.memo.Memo

    def process(self, record: CodeFile):
        yield from apply_core(self._stage, self._core, record, self._count)
        if self._memo is not None and self._memo.enabled:
            for entry in self._memo.drain():
                yield beam.pvalue.TaggedOutput(CACHE, tuple(entry))

    def finish_bundle(self):
        if self._memo is not None and self._memo.enabled:
            from transforms.cache.beam_io import counter

            hits, misses = self._memo.take_counts()
            if hits:
                counter(self._count, f"{self._stage}:hit", hits)
            if misses:
                counter(self._count, f"{self._stage}:miss", misses)
        yield from self._count.emit()


class Stage(beam.PTransform):
    """A record-to-record stage: ``kept, rejects = records | Stage("decode", factory)``.

    ``factory()`` runs once per worker (``DoFn.setup``) and returns the core.
    """

    def __init__(self, stage: str, factory: Callable[[], Core], cache_out: Optional[list] = None):
        super().__init__(label=stage)
        self._stage = stage
        self._factory = factory
        self._cache_out = cache_out

    def expand(self, records):
        outputs = records | "Apply" >> beam.ParDo(_StageFn(self._stage, self._factory)).with_output_types(
            CodeFile
        ).with_outputs(REJECTS, CACHE, COUNTS, main="kept")
        counted(outputs)
        if self._cache_out is not None:  # a cached stage's core has a ``memo``: its new entries
            self._cache_out.append(outputs[CACHE])
        return outputs.kept, outputs[REJECTS]
