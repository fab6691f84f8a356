"""Stage ``decode``: size guard, fetch the bytes, binary check, decode, text statistics.

Pure core: :func:`decode_bytes` and :func:`text_stats` work on plain values.
:func:`make_core` binds them to a blob reader (built once per worker).

Defaults follow The Stack v2: blobs of 10 MB or more are skipped before they
are read; a NUL byte means binary (unless a UTF-16/32 byte-order mark says the
text is wide); UTF-8 first, else the encoding charset-normalizer detects, which
is recorded in ``src_encoding``; what cannot be decoded goes to the dead letter.
"""

from __future__ import annotations

import codecs
import collections
import dataclasses
import hashlib
import posixpath
import re
from typing import Callable, Dict, Optional, Tuple, Union

from transforms.base import Count, Drop, Outcome
from transforms.record import CodeFile

STAGE = "decode"


@dataclasses.dataclass(frozen=True)
class DecodeConfig:
    #: blobs of this many bytes or more are skipped without being read
    max_bytes: int = 10_000_000
    #: try charset-normalizer when the bytes are not UTF-8
    detect_encoding: bool = True
    #: a detected (non UTF-8) decoding must be at least this coherent (0..1)
    min_detection_coherence: float = 0.0


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
    if not config.detect_encoding:
        return Drop("undecodable", "not UTF-8", True)
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
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


def text_stats(text: str) -> Dict[str, Union[int, float]]:
    """Line and character statistics of a decoded file (The Stack's definitions)."""
    lines = text.splitlines()
    n = len(text)
    lengths = [len(line) for line in lines]
    return {
        "num_lines": len(lines),
        "avg_line_length": (sum(lengths) / len(lengths)) if lengths else 0.0,
        "max_line_length": max(lengths) if lengths else 0,
        "alphanum_fraction": (len(_NOT_ALNUM.sub("", text)) / n) if n else 0.0,
        "alpha_fraction": (len(_NOT_ALPHA.sub("", text)) / n) if n else 0.0,
    }


def extension_of(path: str) -> str:
    """``src/a.tar.gz`` -> ``gz``; ``Makefile`` and ``.bashrc`` -> ``''``."""
    ext = posixpath.splitext(posixpath.basename(path))[1]
    return ext[1:] if ext else ""


def git_blob_id(raw: bytes) -> str:
    """SWH ``sha1_git`` of a content: the git blob id."""
    return hashlib.sha1(b"blob %d\x00" % len(raw) + raw).hexdigest()


def decode_record(
    record: CodeFile, read: Callable[[CodeFile], bytes], config: DecodeConfig, count: Count
) -> Outcome:
    """The whole stage for one record: guard, fetch, verify ids, decode, stats."""
    if record.length_bytes >= config.max_bytes:
        return Drop("too_large")
    try:
        raw = read(record)
    except BlobError as exc:
        return Drop(exc.reason, str(exc), True)
    if len(raw) >= config.max_bytes:
        return Drop("too_large")
    blob_id = hashlib.sha1(raw).hexdigest()
    if record.blob_id and record.blob_id != blob_id:
        return Drop("corrupt_blob", f"sha1 {blob_id} != expected {record.blob_id}", True)
    decoded = decode_bytes(raw, config)
    if isinstance(decoded, Drop):
        return decoded
    text, encoding = decoded
    count(f"encoding:{encoding}")
    return record._replace(
        blob_id=blob_id,
        content=text,
        src_encoding=encoding,
        length_bytes=len(raw),
        extension=extension_of(record.path),
        **text_stats(text),
    )


class BlobError(Exception):
    """A blob could not be read; ``reason`` names the counter and the dead-letter reason."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


class GitBlobReader:
    """Reads blobs of records whose ``locator`` is ``git:<repository path>``.

    Keeps a few repositories open per worker (least recently used closed first).
    """

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
        try:
            return self._repo(where)[record.content_id].read_raw()
        except (KeyError, ValueError) as exc:
            raise BlobError("missing_blob", f"{record.content_id} not in {where}: {exc}") from exc


class BlobReaders:
    """Dispatches on the locator scheme to the reader that knows it."""

    def __init__(self, readers: Dict[str, Callable[[CodeFile], bytes]]):
        self._readers = readers

    def __call__(self, record: CodeFile) -> bytes:
        scheme = record.locator.partition(":")[0]
        reader = self._readers.get(scheme)
        if reader is None:
            raise BlobError("unknown_locator", f"no reader for locator {record.locator!r}")
        return reader(record)


def make_core(config: DecodeConfig, readers: Optional[Dict[str, Callable[[], Callable]]] = None):
    """Factory run in ``DoFn.setup``: builds the blob readers once per worker."""
    factories = readers or {"git": GitBlobReader}
    read = BlobReaders({scheme: factory() for scheme, factory in sorted(factories.items())})

    def core(record: CodeFile, count: Count) -> Outcome:
        return decode_record(record, read, config, count)

    return core
