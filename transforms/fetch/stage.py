"""The Beam stage ``decode`` (:class:`FetchDecode`): records grouped by blob in one shuffle, with the
cache's entries joined in it, and each group fanned out to its occurrences."""

from __future__ import annotations

import concurrent.futures
from typing import Iterable, Iterator, Optional, Tuple

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue

from transforms.base import CACHE, REJECTS, BeamCounter, Count, Drop, Outcome, apply_core
from transforms.cache.beam_io import ENTRY, RECORD, counter as cache_counter, parse_entry
from transforms.cache.memo import Memo, memo_get, memo_of, memo_without
from transforms.counts import COUNTS, counted
from transforms.fetch.core import STAGE, DecodeConfig, Shared, occurrence
from transforms.fetch.group import InFlight, MemoDecoder, ReaderFactories, blob_key, make_readers
from transforms.previous import PREVIOUS, parse_previous
from transforms.record import CodeFile, pack, unpack


class _Unpacked:
    """A group's packed records (a GroupByKey's values), unpacked one at a time as iterated;
    the cache's entries in the group (:mod:`transforms.cache.beam_io`) are passed over."""

    def __init__(self, packed: Iterable[bytes], released: frozenset = frozenset()):
        self._packed = packed
        self._released = released  # (repo_name, path) of the blob's file in the --previous release

    def __iter__(self) -> Iterator[CodeFile]:
        for value in self._packed:
            if value[:1] == RECORD:
                record = unpack(memoryview(value)[1:])
                if self._released and (record.repo_name, record.path) in self._released:
                    record = record._replace(released_before=True)
                yield record


def keyed(record: CodeFile) -> Tuple[str, bytes]:
    """``(blob_key(record), tagged packed record)``: a record as it crosses the group-by-blob shuffle."""
    return blob_key(record), RECORD + pack(record)


def _core_of(shared: Shared, memo: tuple):
    def core(record: CodeFile, count: Count) -> Outcome:
        out = occurrence(record, shared, count)
        return out._replace(memo=memo) if memo and not isinstance(out, Drop) else out

    return core


class _FetchDecodeFn(beam.DoFn):
    """Groups of one blob in, one decoded record (or reject) per occurrence out. With the
    cache, a group also holds the blob's cached answers: they become each occurrence's
    ``memo``, and a decode done afresh leaves its answer on the ``cache`` output."""

    def __init__(self, config: DecodeConfig, readers: Optional[ReaderFactories], cached: bool = False,
                 joined: bool = False):
        self._config = config
        self._readers = dict(readers or {})
        self._cached = cached
        self._joined = joined or cached  # the group may hold the cache's entries or the previous release's rows

    def setup(self):
        self._read = make_readers(self._config, self._readers)
        self._executor = concurrent.futures.ThreadPoolExecutor(max(1, self._config.fetch_threads),
                                                               thread_name_prefix="codestack-fetch")
        self._count = BeamCounter(STAGE)
        self._memo = Memo(STAGE, enabled=self._cached)

    def start_bundle(self):
        self._flight = InFlight(self._read, self._config, self._count, self._executor)

    def process(self, group, window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        _key, values = group
        memo, payload, released = (), None, frozenset()
        if self._joined:  # a first pass over the group for what joined the records (tags only)
            found, previous, records = [], [], False
            for value in values:
                tag = value[:1]
                if tag == ENTRY:
                    found.append(parse_entry(value))
                elif tag == PREVIOUS:
                    previous.append(parse_previous(value))
                else:
                    records = True
            if not records:
                return ()  # a cached blob, or a released file, that no file of this build holds
            released = frozenset(previous)
        if self._cached:
            if found:
                memo = memo_of((stage, body) for _shard, stage, body in found)
                payload = memo_get(memo, STAGE)
                memo = memo_without(memo, STAGE)
                for shard in sorted({shard for shard, _stage, _body in found}):
                    cache_counter(self._count, f"used:{shard}")  # blobs this build took from each shard
            cache_counter(self._count, "decode:hit" if payload is not None else "decode:miss")
        decode = MemoDecoder(self._config, self._memo if self._cached else None, payload)
        return self._emit(self._flight.add(_Unpacked(values, released), (window, timestamp, memo), decode))

    def finish_bundle(self):
        yield from self._emit(self._flight.drain())
        yield from self._count.emit()  # after the drain: it counts too

    def _emit(self, ready):
        # a group may leave in a later call than the one it came in (or in finish_bundle):
        # its outputs carry its own window and timestamp
        for (window, timestamp, memo), record, shared in ready:
            for out in apply_core(STAGE, _core_of(shared, memo), record, self._count):
                if isinstance(out, beam.pvalue.TaggedOutput):
                    yield beam.pvalue.TaggedOutput(out.tag, WindowedValue(out.value, timestamp, (window,)))
                else:
                    yield WindowedValue(out, timestamp, (window,))
            for entry in self._memo.drain():
                yield beam.pvalue.TaggedOutput(CACHE, WindowedValue(tuple(entry), timestamp, (window,)))

    def teardown(self):
        executor = getattr(self, "_executor", None)
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


class FetchDecode(beam.PTransform):
    """``kept, rejects = records | FetchDecode(config, readers)``: the ``decode`` stage.

    Each blob is read and decoded once, however many trees hold it: records (metadata
    only) cross a shuffle packed, grouped by :func:`blob_key` (the shuffle also spreads
    the source's output over workers: the graph needs no Reshuffle before it), and each
    group fans out again to one decoded record per occurrence (:func:`decode_group`).
    Counts like any :class:`transforms.base.Stage`, per occurrence (``codestack.decode``:
    ``kept``, ``dropped:<reason>``, ``encoding:<name>``), plus ``blobs:fetched`` and
    ``blobs:occurrences``; a worker has ``config.fetch_batch`` groups' blobs downloading
    at once on ``config.fetch_threads`` threads (:class:`InFlight`), so a worker waiting on
    the network has a batch of requests in flight rather than one.

    ``cache``: the cache's entries keyed like the records (:class:`transforms.cache.beam_io.ReadCache`),
    joined in the same shuffle; then ``cache_out`` (a list) receives the new entries' output.
    """

    def __init__(self, config: DecodeConfig, readers: Optional[ReaderFactories] = None, cache=None,
                 cache_out: Optional[list] = None, previous=None):
        super().__init__(label=STAGE)
        self._config = config
        self._readers = dict(readers or {})
        self._cache = cache
        self._cache_out = cache_out
        self._previous = previous

    def expand(self, records):
        keyed_records = records | "KeyByBlob" >> beam.Map(keyed).with_output_types(Tuple[str, bytes])
        joined = [p for p in (self._cache, self._previous) if p is not None]
        if joined:
            keyed_records = (keyed_records, *joined) | "WithCache" >> beam.Flatten().with_output_types(
                Tuple[str, bytes])
        groups = keyed_records | "GroupByBlob" >> beam.GroupByKey()
        cached = self._cache_out is not None
        outputs = groups | "FetchDecode" >> beam.ParDo(_FetchDecodeFn(self._config, self._readers, cached,
                                                                      self._previous is not None)
                                                       ).with_output_types(CodeFile).with_outputs(REJECTS, CACHE, COUNTS,
                                                                                                  main="kept")
        counted(outputs)
        if cached:
            self._cache_out.append(outputs[CACHE])
        return outputs.kept, outputs[REJECTS]
