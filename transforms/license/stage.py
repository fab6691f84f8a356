"""The Beam graph of the license stage (:class:`License`)."""

from __future__ import annotations

import functools
import uuid
from typing import Callable, Iterable, Iterator, Optional, Tuple

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.memory import Resident
from transforms.base import REJECTS, BeamCounter, Drop
from transforms.record import CodeFile, pack, reject_for, unpack
from transforms.license.config import RUNTIME_NAMESPACE, STAGE, LicenseConfig
from transforms.license.names import ancestors, depth_of, folder_of
from transforms.license.spdx import Spdx, Verdict
from transforms.license.engine import Engine, forget_scancode_cache, make_engine
from transforms.license.scope import assign, extract, folder_verdict

# --------------------------------------------------------------------------- Beam

EVIDENCE = "evidence"


class _RuntimeCounter:
    def __init__(self):
        self._counters = {}

    def __call__(self, name: str, n: int = 1) -> None:
        counter = self._counters.get(name)
        if counter is None:
            counter = self._counters[name] = Metrics.counter(RUNTIME_NAMESPACE, name)
        counter.inc(n)


class _ExtractFn(beam.DoFn):
    """file -> ``((snapshot, folder), (packed file, header))`` + tagged ``((snapshot, folder), evidence)``."""

    def __init__(self, engine: Resident):
        self._resident = engine

    def setup(self):
        self._count = BeamCounter(STAGE)
        self._runtime = _RuntimeCounter()

    def start_bundle(self):
        self._engine = self._resident.acquire()

    def finish_bundle(self):
        self._engine = None
        self._resident.release()

    def process(self, record: CodeFile):
        try:
            header, items = extract(record, self._engine, self._count, self._runtime)
        except Exception as exc:  # one bad file never stops the run
            self._count("dropped:error")
            yield beam.pvalue.TaggedOutput(REJECTS, reject_for(record, STAGE, "error", f"{type(exc).__name__}: {exc}"))
            return
        key = (record.snapshot_id, folder_of(record.path))
        for item in items:
            yield beam.pvalue.TaggedOutput(EVIDENCE, (key, item))
        yield key, (pack(record), header)  # every file of the input crosses the folder join: packed


def _ask_ancestors(key: Tuple[str, str]) -> Iterator[Tuple[Tuple[str, str], str]]:
    snapshot, folder = key
    for ancestor in ancestors(folder):
        yield (snapshot, ancestor), folder


#: tags of the two unions grouped by key: (asking folder | evidence), (file | verdict)
_ASK, _EVIDENCE = 0, 1
_FILE, _VERDICT = 0, 1


class _ReachFn(beam.DoFn):
    """``(snapshot, ancestor)``: its evidence and the folders below asking for it ->
    ``((snapshot, folder), (depth, verdict))`` for each asking folder."""

    def __init__(self, spdx_factory: Callable[[], Spdx]):
        self._spdx_factory = spdx_factory

    def setup(self):
        self._spdx = self._spdx_factory()

    def process(self, element):
        (snapshot, ancestor), values = element
        items = [value for tag, value in values if tag == _EVIDENCE]  # first pass: the evidence only
        if not items:
            return
        verdict = folder_verdict(ancestor, items, self._spdx)
        depth = depth_of(ancestor)
        for tag, folder in values:  # second pass: the asking folders
            if tag == _ASK:
                yield (snapshot, folder), (depth, verdict)


def _deepest(answers: Iterable[Tuple[int, Verdict]]) -> Optional[Tuple[int, Verdict]]:
    """The nearest ancestor's verdict (depths of one folder's ancestors are distinct)."""
    best = None
    for answer in answers:
        if answer is not None and (best is None or answer[0] > best[0]):
            best = answer
    return best


class _AssignFn(beam.DoFn):
    def __init__(self, config: LicenseConfig, spdx_factory: Callable[[], Spdx]):
        self._config = config
        self._spdx_factory = spdx_factory

    def setup(self):
        self._spdx = self._spdx_factory()
        self._count = BeamCounter(STAGE)

    def process(self, element):
        _key, values = element
        verdict = None
        for tag, value in values:  # first pass: the folder's verdict (at most one)
            if tag == _VERDICT:
                verdict = value[1]
        for tag, value in values:  # second pass: the files, one at a time
            if tag != _FILE:
                continue
            packed, header = value
            record = unpack(packed)
            try:
                out = assign(record, header, verdict, self._spdx, self._config, self._count)
            except Exception as exc:
                self._count("dropped:error")
                yield beam.pvalue.TaggedOutput(REJECTS, reject_for(record, STAGE, "error", f"{type(exc).__name__}: {exc}"))
                continue
            if isinstance(out, Drop):
                self._count(f"dropped:{out.reason}")
                continue
            self._count("kept")
            yield out


def _tag(tag: int):
    def tagged(element):
        key, value = element
        return key, (tag, value)

    return tagged


class License(beam.PTransform):
    """``kept, rejects = records | License(config)``: see the module docstring for the graph."""

    def __init__(self, config: LicenseConfig = LicenseConfig(), engine_factory: Optional[Callable[[], Engine]] = None,
                 spdx_factory: Callable[[], Spdx] = Spdx):
        super().__init__(label=STAGE)
        self._config = config
        self._engine_factory = engine_factory or functools.partial(make_engine, config)
        self._spdx_factory = spdx_factory

    def expand(self, records):
        engine = Resident(f"license-engine-{uuid.uuid4().hex}", self._engine_factory,
                          self._config.release_idle_seconds, forget_scancode_cache)
        extracted = records | "Extract" >> beam.ParDo(_ExtractFn(engine)).with_outputs(
            EVIDENCE, REJECTS, main="files"
        )
        files = extracted.files
        asks = (
            files
            | "FolderKeys" >> beam.Keys()
            | "Folders" >> beam.Distinct()
            | "Ancestors" >> beam.FlatMap(_ask_ancestors)
        )
        answers = (
            (
                extracted[EVIDENCE] | "TagEvidence" >> beam.Map(_tag(_EVIDENCE)),
                asks | "TagAsks" >> beam.Map(_tag(_ASK)),
            )
            | "EvidenceAndAsks" >> beam.Flatten()
            | "ByAncestor" >> beam.GroupByKey()
            | "Reach" >> beam.ParDo(_ReachFn(self._spdx_factory))
            | "Nearest" >> beam.CombinePerKey(_deepest)
        )
        assigned = (
            (
                files | "TagFiles" >> beam.Map(_tag(_FILE)),
                answers | "TagVerdicts" >> beam.Map(_tag(_VERDICT)),
            )
            | "FilesAndVerdicts" >> beam.Flatten()
            | "ByFolder" >> beam.GroupByKey()
            | "Assign" >> beam.ParDo(_AssignFn(self._config, self._spdx_factory))
            .with_output_types(CodeFile)
            .with_outputs(REJECTS, main="kept")
        )
        rejects = (extracted[REJECTS], assigned[REJECTS]) | "Rejects" >> beam.Flatten()
        return assigned.kept, rejects
