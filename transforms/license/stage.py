"""The Beam graph of the license stage (:class:`License`)."""

from __future__ import annotations

import functools
import uuid
from typing import Callable, Iterable, Iterator, Optional, Tuple

import apache_beam as beam
from apache_beam.metrics import Metrics

from transforms.counts import COUNTS, counted
from transforms.memory import Resident
from transforms.base import CACHE, REJECTS, BeamCounter, Drop, count_fate
from transforms.cache.memo import Memo, dumps as memo_dumps, loads as memo_loads
from transforms.record import CodeFile, pack, reject_for, unpack
from transforms.license.config import RUNTIME_NAMESPACE, STAGE, LicenseConfig
from transforms.license.names import (_is_strong_license_file, ancestors, depth_of, folder_of, is_license_file,
                                      is_readme, manifest_kind)
from transforms.license.spdx import Evidence, Spdx, Verdict
from transforms.license.engine import Engine, MemoScanner, forget_scancode_cache, make_engine
from transforms.license.repository import notice_role
from transforms.license.scope import assign, evidence_folder, extract, folder_verdict

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
    """file -> ``((snapshot, folder), (packed file, header))`` + tagged ``((snapshot, folder), evidence)``.

    ScanCode's index is taken (:class:`Resident`) by the first file of a bundle that needs a
    scan. With the cache (``cached``), a file's scans come from its ``memo`` where they can
    (:class:`MemoScanner`), and the results of new scans go to the ``cache`` output."""

    def __init__(self, engine: Resident, config: LicenseConfig, spdx_factory: Callable[[], Spdx],
                 cached: bool = False):
        self._resident = engine
        self._config = config
        self._spdx_factory = spdx_factory
        self._cached = cached

    def setup(self):
        self._count = BeamCounter(STAGE)
        self._runtime = _RuntimeCounter()
        self._memo = Memo(STAGE, enabled=self._cached)
        self._spdx = self._spdx_factory() if self._cached else None

    def start_bundle(self):
        self._engine = None
        self._scans = [0, 0]  # (answered by the cache, computed)

    def _acquired(self) -> Engine:
        if self._engine is None:
            self._engine = self._resident.acquire()
        return self._engine

    def finish_bundle(self):
        if self._engine is not None:
            self._engine = None
            self._resident.release()
        if self._cached:
            from transforms.cache.beam_io import counter

            hits, misses = self._memo.take_counts()
            for name, n in (("license:hit", hits), ("license:miss", misses), ("license:scans_cached", self._scans[0]),
                            ("license:scans_computed", self._scans[1])):
                if n:
                    counter(self._count, name, n)
        yield from self._count.emit()

    def process(self, record: CodeFile):
        try:
            if self._cached:
                header, items, new = self._extract_cached(record)
            else:
                header, items = extract(record, self._acquired(), self._count, self._runtime)
                new = None
        except Exception as exc:  # one bad file never stops the run
            self._count("dropped:error")
            count_fate(self._count, STAGE, record, "error")
            yield beam.pvalue.TaggedOutput(REJECTS, reject_for(record, STAGE, "error", f"{type(exc).__name__}: {exc}"))
            return
        if new is not None:
            self._memo.put(record, new)
            for entry in self._memo.drain():
                yield beam.pvalue.TaggedOutput(CACHE, tuple(entry))
        key = (record.snapshot_id, folder_of(record.path))
        for item in items:
            yield beam.pvalue.TaggedOutput(EVIDENCE, ((record.snapshot_id, evidence_folder(record.path, item)), item))
        yield key, (pack(record), header)  # every file of the input crosses the folder join: packed

    def _extract_cached(self, record: CodeFile):
        """:func:`extract` with the cache: ``(header, items, new payload or None)``. The blob's
        payload (:func:`cached_extract`) holds what extract gave for it in each path role, with
        the counts it made, and every ScanCode result it needed; a role met before is replayed
        (no text is read), another one is extracted with the cached scans."""
        payload = self._memo.peek(record)
        cached = memo_loads(payload) if payload is not None else {}
        role = path_role(record.path, record.repo_name)
        done = (cached.get("roles") or {}).get(role)
        if done is not None:
            self._memo.hits += 1
            header, items = replay_extract(done, record.path, self._count)
            return header, items, None
        scanner = MemoScanner(lambda: self._acquired().scanner, scans_payload(cached.get("scans", [])))
        counts = _Recording(self._count)
        header, items = extract(record, Engine(self._config, self._spdx, scanner), counts, self._runtime)
        self._scans[0] += scanner.from_cache
        self._scans[1] += scanner.computed
        self._memo.misses += 1
        roles = dict(cached.get("roles") or {})
        roles[role] = recorded_extract(header, items, counts.counts)
        return header, items, memo_dumps({"roles": roles, "scans": scanner.results_list()})


class _Recording:
    """A count that also remembers what it counted (for the cache's replay)."""

    def __init__(self, count):
        self._count = count
        self.counts: dict = {}

    def __call__(self, name: str, n: int = 1) -> None:
        self._count(name, n)
        self.counts[name] = self.counts.get(name, 0) + n


def path_role(path: str, repo_name: str = "") -> str:
    """What of a file's path (and its repository's name) decides what :func:`extract` does with its text."""
    if is_license_file(path):
        return "license_file:strong" if _is_strong_license_file(path) else "license_file"
    return f"other:{int(is_readme(path))}:{manifest_kind(path) or ''}:{notice_role(path, repo_name)}"


def recorded_extract(header, items, counts) -> dict:
    def plain(evidence):
        return None if evidence is None else [evidence.kind, evidence.expression, evidence.detail]

    return {"header": plain(header), "items": [plain(item) for item in items], "counts": dict(sorted(counts.items()))}


def replay_extract(done: dict, path: str, count):
    """``(header, items)`` of a recorded extract, for a file at ``path``; its counts counted again."""
    for name, n in done.get("counts", {}).items():
        count(name, n)
    header = done.get("header")
    header = Evidence(header[0], path, header[1], header[2]) if header else None
    return header, [Evidence(kind, path, expression, detail) for kind, expression, detail in done.get("items", [])]


def scans_payload(scans) -> Optional[bytes]:
    return memo_dumps(scans) if scans else None


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

    def finish_bundle(self):
        yield from self._count.emit()

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
                count_fate(self._count, STAGE, record, "error")
                yield beam.pvalue.TaggedOutput(REJECTS, reject_for(record, STAGE, "error", f"{type(exc).__name__}: {exc}"))
                continue
            if isinstance(out, Drop):
                self._count(f"dropped:{out.reason}")
                count_fate(self._count, STAGE, record, out.reason)
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
                 spdx_factory: Callable[[], Spdx] = Spdx, cache_out: Optional[list] = None):
        super().__init__(label=STAGE)
        self._config = config
        self._engine_factory = engine_factory or functools.partial(make_engine, config)
        self._spdx_factory = spdx_factory
        self._cache_out = cache_out  # with the cache: ScanCode results per blob from it; new ones to this list

    def expand(self, records):
        engine = Resident(f"license-engine-{uuid.uuid4().hex}", self._engine_factory,
                          self._config.release_idle_seconds, forget_scancode_cache)
        cached = self._cache_out is not None
        extracted = records | "Extract" >> beam.ParDo(
            _ExtractFn(engine, self._config, self._spdx_factory, cached)).with_outputs(EVIDENCE, REJECTS, CACHE, COUNTS,
                                                                                      main="files")
        counted(extracted)
        if cached:
            self._cache_out.append(extracted[CACHE])
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
            .with_outputs(REJECTS, COUNTS, main="kept")
        )
        counted(assigned)
        rejects = (extracted[REJECTS], assigned[REJECTS]) | "Rejects" >> beam.Flatten()
        return assigned.kept, rejects
