"""One read per blob: the occurrences of a blob share its fetch and decode (:func:`decode_group`),
and a worker keeps a batch of blobs downloading (:class:`InFlight`); no Beam."""

from __future__ import annotations

import collections
import concurrent.futures
import functools
import hashlib
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union

from transforms.base import Count, Drop, Outcome
from transforms.cache.memo import Memo
from transforms.fetch.core import (DecodeConfig, Shared, blob_from_memo, decode_blob, decode_blob_memo,
                                   decode_record, fetch_blob, too_large)
from transforms.fetch.readers import BlobReaders, GitBlobReader, StoreBlobReader
from transforms.record import CodeFile


# --- one read per blob: the occurrences of a blob share its fetch and decode -------------

def blob_key(record: CodeFile) -> str:
    """What the occurrences of one blob are grouped by before anything is read: ``blob_id``
    (SWH ``sha1``, known from the export), else ``sha1_git:<content_id>`` (git and the API
    know the git id before the bytes), else the occurrence itself (nothing says it has twins)."""
    if record.blob_id:
        return record.blob_id
    if record.content_id:
        return f"sha1_git:{record.content_id}"
    where = "\0".join((record.locator, record.origin_url, record.repo_name, record.snapshot_id,
                       record.revision_id, record.branch_name, record.path))
    return "occurrence:" + hashlib.sha1(where.encode("utf-8", "surrogatepass")).hexdigest()


def _error(exc: Exception) -> Drop:
    """An unexpected exception as the dead letter :func:`transforms.base.apply_core` makes of it."""
    return Drop("error", f"{type(exc).__name__}: {exc}", True)


def _fetch(record: CodeFile, read: Callable[[CodeFile], bytes], config: DecodeConfig) -> Union[Tuple[bytes, str], Drop]:
    try:
        return fetch_blob(record, read, config)
    except Exception as exc:  # a reader's bug costs this place's copy, as it did one record
        return _error(exc)


def _decode(fetched: Tuple[bytes, str], config: DecodeConfig) -> Shared:
    try:
        return decode_blob(*fetched, config)
    except Exception as exc:
        return _error(exc)


class MemoDecoder:
    """Decodes a group's blob once its bytes are read (and checked): from the cache's payload
    when the group brought one, else from scratch, handing the new payload to ``memo``.
    A payload that does not apply (a damaged entry) is ignored and the blob decoded afresh."""

    def __init__(self, config: DecodeConfig, memo: Optional[Memo], payload: Optional[bytes]):
        self._config = config
        self._memo = memo
        self._payload = payload

    def __call__(self, record: CodeFile, fetched: Tuple[bytes, str]) -> Shared:
        raw, blob_id = fetched
        try:
            if self._payload is not None:
                try:
                    return blob_from_memo(raw, blob_id, self._payload)
                except Exception:  # noqa: BLE001 - a bad entry costs a decode, never the record
                    self._payload = None
            shared, payload = decode_blob_memo(raw, blob_id, self._config)
            if self._memo is not None:
                self._memo.put_ids(blob_id, record.content_id, payload)
            return shared
        except Exception as exc:
            return _error(exc)


class _Failures:
    """Locators that could not give the blob (locator -> Drop), the last ``limit`` of them:
    a locator forgotten and met again is read again (the same answer, one more read)."""

    def __init__(self, limit: int):
        self._limit = max(1, limit)
        self._drops: "collections.OrderedDict[str, Drop]" = collections.OrderedDict()

    def get(self, locator: str) -> Optional[Drop]:
        drop = self._drops.get(locator)
        if drop is not None:
            self._drops.move_to_end(locator)
        return drop

    def add(self, locator: str, drop: Drop) -> Drop:
        self._drops[locator] = drop
        self._drops.move_to_end(locator)
        while len(self._drops) > self._limit:
            self._drops.popitem(last=False)
        return drop


def decode_group(occurrences: Iterable[CodeFile], read: Callable[[CodeFile], bytes], config: DecodeConfig,
                 count: Count, max_failures: int = 1024,
                 decode: Optional[Callable[[CodeFile, Tuple[bytes, str]], Shared]] = None) -> Iterator[Tuple[CodeFile, Shared]]:
    """Every occurrence of one blob (records with one :func:`blob_key`), each with what the
    blob comes to for it; the blob is read and decoded once.

    Streams: ``occurrences`` is iterated, never held (a blob with 10^8 copies is fine); it
    must be re-iterable (a GroupByKey's values, a list), which is used only when a read fails.
    The first occurrence the size guard lets through is read; a read that fails (missing,
    corrupt, unreadable at that locator: one damaged repository) is tried at the group's other
    locators, and the first that gives the bytes serves every occurrence, so what a copy gets
    never depends on the order the group comes in (the bytes are the same wherever they are
    read: they are checked against ``blob_id``, and git reads by the content's id). When no
    locator gives them, each occurrence gets its own locator's Drop. The size guard is per
    occurrence, on its own metadata.

    Counts ``blobs:occurrences`` (every record), ``blobs:fetched`` (blobs read at least once)
    and ``blobs:refetched`` (reads at other locators after a failed one); the stage's
    ``kept``/``dropped:<reason>`` stay with the caller, per occurrence. ``decode(record, (bytes,
    blob_id))``: how the bytes read become the blob's decode (default :func:`decode_blob`)."""
    if iter(occurrences) is occurrences:
        raise TypeError("decode_group needs a re-iterable group of occurrences (a list, a GroupByKey's values), "
                        "not an iterator")
    shared: Optional[Shared] = None
    failures = _Failures(max_failures)
    reads = 0
    searched = False

    def attempt(record: CodeFile) -> Optional[Shared]:
        """Read at ``record``'s locator: the blob's decode, or None (the failure is remembered)."""
        nonlocal reads
        count("blobs:fetched" if reads == 0 else "blobs:refetched")
        reads += 1
        fetched = _fetch(record, read, config)
        if isinstance(fetched, Drop):
            failures.add(record.locator, fetched)
            return None
        return _decode(fetched, config) if decode is None else decode(record, fetched)

    def search() -> Optional[Shared]:
        """A locator of the group that gives the bytes, if any (a second pass over the group)."""
        for other in occurrences:
            if not too_large(other, config) and failures.get(other.locator) is None:
                found = attempt(other)
                if found is not None:
                    return found
        return None

    seen = 0
    for record in occurrences:
        seen += 1
        if too_large(record, config):
            yield record, Drop("too_large")
            continue
        if shared is None and failures.get(record.locator) is None:
            shared = attempt(record)
        if shared is None and not searched:
            searched = True
            shared = search()
        if shared is None:  # no locator gives the bytes: this copy's own locator says why
            own = failures.get(record.locator)
            if own is None:  # forgotten while the search remembered newer failures: ask again
                shared = attempt(record)
                own = failures.get(record.locator)
            if shared is None:
                yield record, own
                continue
        yield record, shared
    count("blobs:occurrences", seen)


# --- a worker's readers and downloads ----------------------------------------------------

ReaderFactories = Mapping[str, Callable[[], Callable[[CodeFile], bytes]]]


def default_readers(config: DecodeConfig) -> Dict[str, Callable[[], Callable[[CodeFile], bytes]]]:
    return {
        "git": GitBlobReader,
        "store": functools.partial(StoreBlobReader, max_bytes=config.max_bytes, attempts=config.fetch_attempts,
                                   backoff_seconds=config.fetch_backoff_seconds),
    }


def make_readers(config: DecodeConfig, readers: Optional[ReaderFactories] = None) -> BlobReaders:
    """The worker's readers: the defaults plus ``readers`` (scheme -> factory) from the source."""
    factories = dict(default_readers(config))
    factories.update(readers or {})
    return BlobReaders({scheme: factory() for scheme, factory in sorted(factories.items())})


def make_core(config: DecodeConfig, readers: Optional[ReaderFactories] = None):
    """The stage per record (every copy read; :class:`FetchDecode` reads per blob): a core for
    :class:`transforms.base.Stage`, built in ``DoFn.setup`` (the blob readers once per worker)."""
    return _bound_core(make_readers(config, readers), config)


class _Fetched:
    """A reader that hands back what a fetch thread already got (bytes or the error)."""

    def __init__(self, future: "concurrent.futures.Future"):
        self._future = future

    def __call__(self, _record: CodeFile) -> bytes:
        return self._future.result()


def fetch_batch(records: List[CodeFile], read: BlobReaders, config: DecodeConfig,
                executor: concurrent.futures.Executor) -> List[Callable[[CodeFile], bytes]]:
    """One reader per record. Blobs of concurrent readers start downloading now, all
    at once on ``executor``; blobs the size guard will skip are never requested;
    other readers (local git) read when the core asks."""
    out: List[Callable[[CodeFile], bytes]] = []
    for record in records:
        if record.length_bytes < config.max_bytes and read.concurrent(record):
            out.append(_Fetched(executor.submit(read, record)))
        else:
            out.append(read)
    return out


def decode_batch(records: List[CodeFile], read: BlobReaders, config: DecodeConfig, count: Count,
                 executor: concurrent.futures.Executor) -> List[Outcome]:
    """The stage on a batch of records (no Beam; every copy read, as benchmarks of the readers
    want): fetch concurrently, then decode each in order."""
    readers = fetch_batch(records, read, config, executor)
    return [decode_record(record, reader, config, count) for record, reader in zip(records, readers)]


def _bound_core(read: Callable[[CodeFile], bytes], config: DecodeConfig):
    def core(record: CodeFile, count: Count) -> Outcome:
        return decode_record(record, read, config, count)

    return core


class _Prefetched:
    """A group's reader: its first occurrence's locator answers from the download already
    started on a fetch thread; other locators (after a failure there) read when asked."""

    def __init__(self, read: Callable[[CodeFile], bytes], locator: str, future: "concurrent.futures.Future"):
        self._read = read
        self._locator = locator
        self._future = future

    def __call__(self, record: CodeFile) -> bytes:
        if record.locator == self._locator:
            return self._future.result()
        return self._read(record)


class InFlight:
    """The blob groups one worker has on their way (no Beam): when a group comes in, the blob
    of its first occurrence starts downloading on ``executor`` (a concurrent reader, past the
    size guard); a group is decoded and fanned out (:func:`decode_group`) once ``size`` groups
    wait behind it, or at :meth:`drain`. So ``size`` blobs are in flight at once, as
    ``fetch_batch`` records were, and a worker holds at most that many blobs' bytes and never a
    group's occurrences (only each group's re-iterable, as the runner hands it over)."""

    def __init__(self, read: BlobReaders, config: DecodeConfig, count: Count, executor: concurrent.futures.Executor,
                 size: Optional[int] = None):
        self._read = read
        self._config = config
        self._count = count
        self._executor = executor
        self._size = max(1, config.fetch_batch if size is None else size)
        self._waiting: "collections.deque" = collections.deque()

    def _reader(self, occurrences: Iterable[CodeFile]) -> Callable[[CodeFile], bytes]:
        first = next(iter(occurrences), None)
        if first is None or too_large(first, self._config) or not self._read.concurrent(first):
            return self._read  # local git reads in the worker's thread, when the group is decoded
        return _Prefetched(self._read, first.locator, self._executor.submit(self._read, first))

    def add(self, occurrences: Iterable[CodeFile], tag=None, decode=None) -> Iterator[Tuple[object, CodeFile, Shared]]:
        """Take one group (with a ``tag`` that comes back with each of its occurrences, and
        the ``decode`` of :func:`decode_group`); returns ``(tag, record, shared)`` of the
        groups that are ready, oldest first."""
        self._waiting.append((tag, occurrences, self._reader(occurrences), decode))
        return self._ready(self._size)

    def drain(self) -> Iterator[Tuple[object, CodeFile, Shared]]:
        """``(tag, record, shared)`` of every group still waiting."""
        return self._ready(0)

    def _ready(self, keep: int) -> Iterator[Tuple[object, CodeFile, Shared]]:
        while len(self._waiting) > keep:
            tag, occurrences, read, decode = self._waiting.popleft()
            for record, shared in decode_group(occurrences, read, self._config, self._count, decode=decode):
                yield tag, record, shared
