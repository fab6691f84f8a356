"""Stage ``decode``: size guard, fetch the bytes, binary check, decode, text statistics.

Pure core: :func:`decode_bytes` and :func:`text_stats` work on plain values;
:func:`decode_record` is the stage for one record. A blob occurs in many trees
(forks; the empty file and a stock LICENSE in 10^8 of them), so the stage works per
blob: :func:`decode_group` reads and decodes a blob once (:func:`fetch_blob`,
:func:`decode_blob`) and fans the result out to each occurrence (:func:`occurrence`:
the occurrence keeps its own path, repository, metadata and ``extension``), streaming
the occurrences, never holding them. :class:`InFlight` keeps a worker's downloads
going across groups (a thread pool; content-store reads are network-bound).
:class:`FetchDecode` is the Beam stage: records cross one shuffle packed, grouped by
:func:`blob_key`, and a thin DoFn runs the groups through :class:`InFlight`.

Blob readers by locator scheme: ``git:<repository>`` (:class:`GitBlobReader`) and
``store:<root>`` (:class:`StoreBlobReader`: SWH's content store, a gzip blob per
``sha1`` at ``<root>/<sha1>``, a local folder or ``s3://bucket/prefix``). A source
may add readers for its own locators.

Defaults follow The Stack v2: blobs of 10 MB or more are skipped before they
are read; a NUL byte means binary (unless a UTF-16/32 byte-order mark says the
text is wide); UTF-8 first (mostly-UTF-8 with a few damaged bytes too, each
invalid sequence becoming U+FFFD), else the encoding charset-normalizer detects
(a Latin code page made for the language it sees preferred), which is recorded
in ``src_encoding``; what cannot be decoded goes to the dead letter.
"""

from __future__ import annotations

import codecs
import collections
import concurrent.futures
import dataclasses
import functools
import hashlib
import os
import posixpath
import re
import time
import zlib
from typing import Callable, Dict, Iterable, Iterator, List, Mapping, Optional, Tuple, Union
from urllib.parse import urlparse

import apache_beam as beam
from apache_beam.utils.windowed_value import WindowedValue

from transforms.base import REJECTS, BeamCounter, Count, Drop, Outcome, apply_core
from transforms.record import CodeFile, pack, unpack

STAGE = "decode"


@dataclasses.dataclass(frozen=True)
class DecodeConfig:
    #: blobs of this many bytes or more are skipped without being read
    max_bytes: int = 10_000_000
    #: try charset-normalizer when the bytes are not UTF-8
    detect_encoding: bool = True
    #: a detected (non UTF-8) decoding must be at least this coherent (0..1)
    min_detection_coherence: float = 0.0
    #: blobs (one per group of occurrences) a worker has downloading at once
    fetch_batch: int = 64
    #: threads per worker fetching blobs from a content store
    fetch_threads: int = 16
    #: attempts per blob on transient errors (network, throttling) before the dead letter
    fetch_attempts: int = 4
    #: wait before the second attempt; doubled before each next one
    fetch_backoff_seconds: float = 0.5


_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le", "UTF-32LE"),
    (codecs.BOM_UTF32_BE, "utf-32-be", "UTF-32BE"),
    (codecs.BOM_UTF8, "utf-8", "UTF-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16LE"),
    (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16BE"),
)


def _iana_name(python_codec: str) -> str:
    """``cp1252`` -> ``WINDOWS-1252``, ``latin_1`` -> ``ISO-8859-1`` (stable display names)."""
    name = codecs.lookup(python_codec).name
    if name.startswith("cp") and name[2:].isdigit() and len(name) == 6:
        return f"WINDOWS-{name[2:]}"
    match = re.fullmatch(r"iso8859-(\d+)", name)
    if match:
        return f"ISO-8859-{match.group(1)}"
    return name.upper().replace("_", "-")


def damaged_utf8(raw: bytes) -> Optional[str]:
    """UTF-8 with a few damaged bytes (a torn edit, a file cut mid-character), decoded with
    U+FFFD for each invalid sequence, when its valid non-ASCII characters outnumber the
    invalid sequences; else None. A legacy single-byte file almost never holds valid
    multi-byte sequences, and a code-page guess would garble every correct character."""
    text = raw.decode("utf-8", "replace")
    invalid = text.count("\ufffd") - raw.count("\ufffd".encode("utf-8"))
    if invalid <= 0:
        return None
    valid = len(text) - len(text.encode("ascii", "ignore")) - text.count("\ufffd")
    return text if valid > invalid else None


_WESTERN = frozenset({"English", "French", "German", "Spanish", "Portuguese", "Italian", "Dutch", "Danish",
                      "Norwegian", "Swedish", "Finnish", "Indonesian"})
_CENTRAL = frozenset({"Polish", "Czech", "Slovak", "Hungarian", "Slovene", "Croatian", "Romanian", "Serbian"})
#: Latin-script single-byte code pages (codec names as charset-normalizer reports them) -> the
#: languages they were made for (charset-normalizer's names; its own table says "Latin Based" for all)
LATIN_CODE_PAGES = {
    **dict.fromkeys(("cp1252", "latin_1", "iso8859_15", "cp437", "cp850", "cp858", "cp860", "cp863", "cp865",
                     "mac_roman", "mac_iceland", "hp_roman8"), _WESTERN),
    **dict.fromkeys(("cp1250", "iso8859_2", "iso8859_16", "cp852", "mac_latin2"), _CENTRAL),
    **dict.fromkeys(("cp1254", "iso8859_9", "cp857", "mac_turkish"), frozenset({"Turkish"})),
    **dict.fromkeys(("cp1257", "iso8859_4", "iso8859_13", "cp775"), frozenset({"Estonian", "Lithuanian"})),
    "cp1258": frozenset({"Vietnamese"}),
    **dict.fromkeys(("iso8859_3", "iso8859_10", "iso8859_14"), frozenset()),
}


def language_consistent(matches, best, max_extra_chaos: float = 0.1):
    """charset-normalizer ranks Latin code pages by chaos, which short text rarely tells
    apart (Latin-1 French comes out as cp1250, a 'lève' as 'lčve'). When its best guess
    is a Latin code page not made for the language it detected in the decoded text,
    take the first match that is (cp1252 for French), if about as orderly."""
    if best is None or best.encoding not in LATIN_CODE_PAGES or best.language in LATIN_CODE_PAGES[best.encoding]:
        return best
    for match in matches:
        if (match.language in LATIN_CODE_PAGES.get(match.encoding, ())
                and match.chaos <= best.chaos + max_extra_chaos):
            return match
    return best


def decode_bytes(raw: bytes, config: DecodeConfig = DecodeConfig()) -> Union[Tuple[str, str], Drop]:
    """Return ``(text, src_encoding)`` or a ``Drop`` (binary / undecodable)."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(codec), label
            except UnicodeDecodeError as exc:
                return Drop("undecodable", f"{label} byte-order mark but invalid {label}: {exc.reason}", True)
    if b"\x00" in raw:
        return Drop("binary")
    try:
        return raw.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    damaged = damaged_utf8(raw)
    if damaged is not None:
        return damaged, "UTF-8"
    if not config.detect_encoding:
        return Drop("undecodable", "not UTF-8", True)
    from charset_normalizer import from_bytes

    matches = from_bytes(raw)
    best = language_consistent(matches, matches.best())
    if best is None or best.encoding is None:
        return Drop("undecodable", "not UTF-8 and no encoding detected", True)
    if best.coherence < config.min_detection_coherence:
        return Drop("undecodable", f"{best.encoding} detected with coherence {best.coherence:.2f}", True)
    try:
        return raw.decode(best.encoding), _iana_name(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        return Drop("undecodable", f"detected {best.encoding} but: {exc}", True)


_NOT_ALNUM = re.compile(r"[\W_]+")
_NOT_ALPHA = re.compile(r"[\W\d_]+")


_ASCII_ALPHA = bytes(range(65, 91)) + bytes(range(97, 123))
_ASCII_DIGITS = bytes(range(48, 58))
_ASCII_NOT_ALNUM = bytes(b for b in range(256) if b not in _ASCII_ALPHA + _ASCII_DIGITS)
_ASCII_NOT_ALPHA = bytes(b for b in range(256) if b not in _ASCII_ALPHA)


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def _letter_counts(text: str) -> Tuple[int, int]:
    """``(alphanumeric, alphabetic)`` characters, as the Unicode regexes ``[\\W_]`` and
    ``[\\W\\d_]`` count them (``_NOT_ALNUM`` / ``_NOT_ALPHA``): ASCII characters at C speed
    (``bytes.translate`` over the UTF-8 bytes, which drops every non-ASCII byte), the
    others by ``str.isalnum`` / ``str.isdecimal`` (what those classes test); 4x faster
    than the regexes on the non-ASCII files of bench/e2e's corpus, same counts."""
    if text.isascii():
        raw = text.encode("ascii")
        return len(raw.translate(None, _ASCII_NOT_ALNUM)), len(raw.translate(None, _ASCII_NOT_ALPHA))
    raw = text.encode("utf-8", "surrogatepass")
    others = "".join(_NON_ASCII.findall(text))
    alnum = sum(map(str.isalnum, others))
    decimal = sum(map(str.isdecimal, others))  # decimal digits are alphanumeric, not alphabetic
    return (len(raw.translate(None, _ASCII_NOT_ALNUM)) + alnum,
            len(raw.translate(None, _ASCII_NOT_ALPHA)) + alnum - decimal)


def text_stats(text: str) -> Dict[str, Union[int, float]]:
    """Line and character statistics of a decoded file (The Stack's definitions)."""
    lines = text.splitlines()
    n = len(text)
    lengths = list(map(len, lines))
    alnum, alpha = _letter_counts(text) if n else (0, 0)
    return {
        "num_lines": len(lines),
        "avg_line_length": (sum(lengths) / len(lengths)) if lengths else 0.0,
        "max_line_length": max(lengths) if lengths else 0,
        "alphanum_fraction": (alnum / n) if n else 0.0,
        "alpha_fraction": (alpha / n) if n else 0.0,
    }


def extension_of(path: str) -> str:
    """``src/a.tar.gz`` -> ``gz``; ``Makefile`` and ``.bashrc`` -> ``''``."""
    ext = posixpath.splitext(posixpath.basename(path))[1]
    return ext[1:] if ext else ""


def git_blob_id(raw: bytes) -> str:
    """SWH ``sha1_git`` of a content: the git blob id."""
    return hashlib.sha1(b"blob %d\x00" % len(raw) + raw).hexdigest()


@dataclasses.dataclass(frozen=True)
class Blob:
    """A blob read and decoded: what every occurrence of it shares (the bytes decide all of it)."""

    blob_id: str  # sha1 of the bytes
    length_bytes: int
    content: str
    src_encoding: str
    stats: Mapping[str, Union[int, float]]  # text_stats(content)


#: what a blob comes to for each of its occurrences: decoded, or left out (binary, undecodable, ...)
Shared = Union[Blob, Drop]


def too_large(record: CodeFile, config: DecodeConfig) -> bool:
    """The size guard, on the record's metadata: such a blob is never read."""
    return record.length_bytes >= config.max_bytes


def fetch_blob(record: CodeFile, read: Callable[[CodeFile], bytes],
               config: DecodeConfig) -> Union[Tuple[bytes, str], Drop]:
    """``(bytes, sha1)`` read at ``record``'s locator and checked against ``record.blob_id``,
    or the Drop that says why that place could not give them."""
    try:
        raw = read(record)
    except BlobError as exc:
        return Drop(exc.reason, str(exc), True)
    if len(raw) >= config.max_bytes:
        return Drop("too_large")
    blob_id = hashlib.sha1(raw).hexdigest()
    if record.blob_id and record.blob_id != blob_id:
        return Drop("corrupt_blob", f"sha1 {blob_id} != expected {record.blob_id}", True)
    return raw, blob_id


def decode_blob(raw: bytes, blob_id: str, config: DecodeConfig) -> Shared:
    """Binary check, decode and text statistics of one blob's bytes."""
    decoded = decode_bytes(raw, config)
    if isinstance(decoded, Drop):
        return decoded
    text, encoding = decoded
    return Blob(blob_id=blob_id, length_bytes=len(raw), content=text, src_encoding=encoding, stats=text_stats(text))


def occurrence(record: CodeFile, shared: Shared, count: Count) -> Outcome:
    """One occurrence of a blob: the blob's decode with the occurrence's own path, repository
    and metadata; ``extension`` comes from the occurrence's path."""
    if isinstance(shared, Drop):
        return shared
    count(f"encoding:{shared.src_encoding}")
    return record._replace(
        blob_id=shared.blob_id,
        content=shared.content,
        src_encoding=shared.src_encoding,
        length_bytes=shared.length_bytes,
        extension=extension_of(record.path),
        **shared.stats,
    )


def decode_record(
    record: CodeFile, read: Callable[[CodeFile], bytes], config: DecodeConfig, count: Count
) -> Outcome:
    """The whole stage for one record: guard, fetch, verify ids, decode, stats."""
    if too_large(record, config):
        return Drop("too_large")
    fetched = fetch_blob(record, read, config)
    if isinstance(fetched, Drop):
        return fetched
    return occurrence(record, decode_blob(*fetched, config), count)


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
                 count: Count, max_failures: int = 1024) -> Iterator[Tuple[CodeFile, Shared]]:
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
    ``kept``/``dropped:<reason>`` stay with the caller, per occurrence."""
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
        return _decode(fetched, config)

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


class BlobError(Exception):
    """A blob could not be read; ``reason`` names the counter and the dead-letter reason."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


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


# --- the stage -------------------------------------------------------------------

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

    def add(self, occurrences: Iterable[CodeFile], tag=None) -> Iterator[Tuple[object, CodeFile, Shared]]:
        """Take one group (with a ``tag`` that comes back with each of its occurrences);
        returns ``(tag, record, shared)`` of the groups that are ready, oldest first."""
        self._waiting.append((tag, occurrences, self._reader(occurrences)))
        return self._ready(self._size)

    def drain(self) -> Iterator[Tuple[object, CodeFile, Shared]]:
        """``(tag, record, shared)`` of every group still waiting."""
        return self._ready(0)

    def _ready(self, keep: int) -> Iterator[Tuple[object, CodeFile, Shared]]:
        while len(self._waiting) > keep:
            tag, occurrences, read = self._waiting.popleft()
            for record, shared in decode_group(occurrences, read, self._config, self._count):
                yield tag, record, shared


class _Unpacked:
    """A group's packed records (a GroupByKey's values), unpacked one at a time as iterated."""

    def __init__(self, packed: Iterable[bytes]):
        self._packed = packed

    def __iter__(self) -> Iterator[CodeFile]:
        return map(unpack, self._packed)


def keyed(record: CodeFile) -> Tuple[str, bytes]:
    """``(blob_key(record), pack(record))``: a record as it crosses the group-by-blob shuffle."""
    return blob_key(record), pack(record)


def _core_of(shared: Shared):
    def core(record: CodeFile, count: Count) -> Outcome:
        return occurrence(record, shared, count)

    return core


class _FetchDecodeFn(beam.DoFn):
    """Groups of one blob in, one decoded record (or reject) per occurrence out."""

    def __init__(self, config: DecodeConfig, readers: Optional[ReaderFactories]):
        self._config = config
        self._readers = dict(readers or {})

    def setup(self):
        self._read = make_readers(self._config, self._readers)
        self._executor = concurrent.futures.ThreadPoolExecutor(max(1, self._config.fetch_threads),
                                                               thread_name_prefix="codestack-fetch")
        self._count = BeamCounter(STAGE)

    def start_bundle(self):
        self._flight = InFlight(self._read, self._config, self._count, self._executor)

    def process(self, group, window=beam.DoFn.WindowParam, timestamp=beam.DoFn.TimestampParam):
        _key, packed = group
        yield from self._emit(self._flight.add(_Unpacked(packed), (window, timestamp)))

    def finish_bundle(self):
        yield from self._emit(self._flight.drain())

    def _emit(self, ready):
        # a group may leave in a later call than the one it came in (or in finish_bundle):
        # its outputs carry its own window and timestamp
        for (window, timestamp), record, shared in ready:
            for out in apply_core(STAGE, _core_of(shared), record, self._count):
                if isinstance(out, beam.pvalue.TaggedOutput):
                    yield beam.pvalue.TaggedOutput(out.tag, WindowedValue(out.value, timestamp, (window,)))
                else:
                    yield WindowedValue(out, timestamp, (window,))

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
    """

    def __init__(self, config: DecodeConfig, readers: Optional[ReaderFactories] = None):
        super().__init__(label=STAGE)
        self._config = config
        self._readers = dict(readers or {})

    def expand(self, records):
        groups = (records
                  | "KeyByBlob" >> beam.Map(keyed).with_output_types(Tuple[str, bytes])
                  | "GroupByBlob" >> beam.GroupByKey())
        outputs = groups | "FetchDecode" >> beam.ParDo(_FetchDecodeFn(self._config, self._readers)).with_output_types(
            CodeFile).with_outputs(REJECTS, main="kept")
        return outputs.kept, outputs[REJECTS]
