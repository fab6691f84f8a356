"""Blob readers by locator scheme: local git (:class:`GitBlobReader`) and SWH's content store
(:class:`StoreBlobReader`: gzip blobs by ``sha1`` in a folder or an object store)."""

from __future__ import annotations

import collections
import functools
import os
import re
import time
import zlib
from typing import Callable, Dict, Optional, Tuple
from urllib.parse import urlparse

from transforms.fetch.core import BlobError, DecodeConfig
from transforms.record import CodeFile


class GitBlobReader:
    """Reads blobs of records whose ``locator`` is ``git:<repository path>``.

    Keeps a few repositories open per worker (least recently used closed first).
    Local and not thread-safe: it reads in the worker's own thread.
    """

    concurrent = False

    def __init__(self, max_open: int = 32):
        self._repos: "collections.OrderedDict[str, object]" = collections.OrderedDict()
        self._max_open = max_open

    def _repo(self, path: str):
        import pygit2

        repo = self._repos.pop(path, None)
        if repo is None:
            repo = pygit2.Repository(path)
        self._repos[path] = repo
        while len(self._repos) > self._max_open:
            self._repos.popitem(last=False)
        return repo

    def __call__(self, record: CodeFile) -> bytes:
        scheme, _, where = record.locator.partition(":")
        if scheme != "git":
            raise BlobError("unknown_locator", f"no reader for locator {record.locator!r}")
        import pygit2

        try:
            # the object database directly: one read, no object lookup by prefix first (2x faster)
            kind, data = self._repo(where).odb.read(pygit2.Oid(hex=record.content_id))
        except (KeyError, ValueError) as exc:
            raise BlobError("missing_blob", f"{record.content_id} not in the repository: {exc}") from exc
        if kind != pygit2.enums.ObjectType.BLOB:
            raise BlobError("missing_blob", f"{record.content_id} is not a blob in the repository")
        return data


class BlobReaders:
    """Dispatches on the locator scheme to the reader that knows it."""

    def __init__(self, readers: Dict[str, Callable[[CodeFile], bytes]]):
        self._readers = readers

    def _reader(self, record: CodeFile) -> Callable[[CodeFile], bytes]:
        reader = self._readers.get(record.locator.partition(":")[0])
        if reader is None:
            raise BlobError("unknown_locator", f"no reader for locator {record.locator!r}")
        return reader

    def concurrent(self, record: CodeFile) -> bool:
        """May this record's blob be read from a worker's fetch thread?"""
        reader = self._readers.get(record.locator.partition(":")[0])
        return bool(getattr(reader, "concurrent", False))

    def __call__(self, record: CodeFile) -> bytes:
        return self._reader(record)(record)


# --- the content store ---------------------------------------------------------

#: environment variables read by :func:`open_filesystem` for ``s3://`` locations (the
#: credentials ones are read by the AWS SDK itself; a change gives a new filesystem)
S3_ENV = ("AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_DEFAULT_REGION", "CODESTACK_S3_ANONYMOUS",
          "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE")
_SHA1_HEX = re.compile(r"^[0-9a-f]{40}$")


@functools.lru_cache(maxsize=None)
def _s3_filesystem(settings: Tuple[Tuple[str, str], ...]):
    import pyarrow.fs

    env = dict(settings)
    options = {"region": env.get("AWS_REGION") or env.get("AWS_DEFAULT_REGION") or "us-east-1",
               "connect_timeout": 10, "request_timeout": 60}
    endpoint = env.get("AWS_ENDPOINT_URL_S3") or env.get("AWS_ENDPOINT_URL")
    if endpoint:
        parsed = urlparse(endpoint if "://" in endpoint else f"https://{endpoint}")
        options["endpoint_override"] = parsed.netloc + parsed.path.rstrip("/")
        options["scheme"] = parsed.scheme
    if env.get("CODESTACK_S3_ANONYMOUS", "").lower() in ("1", "true", "yes"):
        options["anonymous"] = True
    return pyarrow.fs.S3FileSystem(**options)


def open_filesystem(location: str):
    """``(pyarrow filesystem, path)`` for a local folder, ``file://``, ``s3://`` or another pyarrow URI.

    S3 credentials come from the AWS SDK's usual chain (``AWS_ACCESS_KEY_ID`` /
    ``AWS_SECRET_ACCESS_KEY``, a profile, instance metadata); ``CODESTACK_S3_ANONYMOUS=1``
    reads public buckets unsigned (SWH's ``s3://softwareheritage``); ``AWS_ENDPOINT_URL_S3``
    or ``AWS_ENDPOINT_URL`` points at another S3-protocol server; region from ``AWS_REGION``.
    """
    import pyarrow.fs

    if location.startswith("s3://"):
        settings = tuple(sorted((k, os.environ[k]) for k in S3_ENV if os.environ.get(k)))
        return _s3_filesystem(settings), location[len("s3://"):].rstrip("/")
    if "://" in location and not location.startswith("file://"):
        filesystem, path = pyarrow.fs.FileSystem.from_uri(location)
        return filesystem, path.rstrip("/")
    if location.startswith("file://"):
        location = urlparse(location).path
    return pyarrow.fs.LocalFileSystem(), os.path.abspath(location)


def inflate(stream, max_bytes: int, chunk: int = 1 << 20) -> bytes:
    """Gunzip ``stream`` (a file-like of gzip members) without ever holding more than
    ``max_bytes`` of output: a blob that would inflate past it raises ``BlobError``."""
    out = bytearray()
    inflater = None
    members = 0
    data = b""
    while True:
        if not data:
            data = stream.read(chunk)
            if not data:
                break
        if inflater is None:
            inflater = zlib.decompressobj(wbits=31)
        try:
            out += inflater.decompress(data, max_bytes + 1 - len(out))
        except zlib.error as exc:
            raise BlobError("corrupt_blob", f"not gzip: {exc}") from exc
        if len(out) > max_bytes:
            raise BlobError("inflates_too_large", f"inflates past {max_bytes} bytes")
        if inflater.eof:  # a member ends; what follows is the next one
            data, inflater, members = inflater.unused_data, None, members + 1
        else:
            data = inflater.unconsumed_tail
    if inflater is not None:
        raise BlobError("corrupt_blob", "truncated gzip stream")
    if not members:
        raise BlobError("corrupt_blob", "empty blob file")
    return bytes(out)


class StoreBlobReader:
    """Reads ``store:<root>`` records: the gzip blob ``<root>/<blob_id>`` (``blob_id`` = SWH ``sha1``).

    ``<root>`` is a local folder or an ``s3://`` prefix (``s3://softwareheritage/content``).
    Decompression is bounded by ``max_bytes``; transient errors (network, throttling)
    are retried ``attempts`` times with doubling waits; a missing or corrupt blob,
    or one still failing after the retries, raises :class:`BlobError` (dead letter).
    Thread-safe: a worker's fetch threads share one reader.
    """

    concurrent = True

    def __init__(self, max_bytes: int = DecodeConfig.max_bytes, attempts: int = DecodeConfig.fetch_attempts,
                 backoff_seconds: float = DecodeConfig.fetch_backoff_seconds, sleep: Callable[[float], None] = time.sleep,
                 open_fs: Callable[[str], tuple] = open_filesystem):
        self._max_bytes = max_bytes
        self._attempts = max(1, attempts)
        self._backoff = backoff_seconds
        self._sleep = sleep
        self._open_fs = open_fs
        self._roots: Dict[str, tuple] = {}

    def _root(self, root: str):
        found = self._roots.get(root)
        if found is None:
            found = self._roots[root] = self._open_fs(root)
        return found

    def __call__(self, record: CodeFile) -> bytes:
        scheme, _, root = record.locator.partition(":")
        if scheme != "store" or not root:
            raise BlobError("unknown_locator", f"no store reader for locator {record.locator!r}")
        if not _SHA1_HEX.match(record.blob_id):
            raise BlobError("missing_blob", f"blob_id {record.blob_id!r} is not a sha1")
        filesystem, base = self._root(root)
        key = f"{base}/{record.blob_id}"
        error: Optional[BaseException] = None
        for attempt in range(self._attempts):
            if attempt:
                self._sleep(self._backoff * 2 ** (attempt - 1))
            try:
                with filesystem.open_input_stream(key, compression=None) as stream:
                    return inflate(stream, self._max_bytes)
            except FileNotFoundError as exc:
                raise BlobError("missing_blob", f"{record.blob_id} not in the content store {root}") from exc
            except OSError as exc:  # network, throttling, a reset connection: try again
                error = exc
        raise BlobError("fetch_failed", f"{root}/{record.blob_id}: {self._attempts} attempts, last: {error}")
