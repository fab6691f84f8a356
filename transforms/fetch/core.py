"""One blob: the size guard, fetch, binary check, decode, text statistics (plain values, no Beam)."""


from __future__ import annotations

import codecs
import dataclasses
import hashlib
import posixpath
import re
from typing import Callable, Dict, Mapping, Optional, Tuple, Union

from transforms.base import Count, Drop, Outcome
from transforms.cache.memo import dumps as memo_dumps, loads as memo_loads
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


#: how a blob's bytes became text: ``(bytes skipped (a byte-order mark), Python codec, errors)``
Recipe = Tuple[int, str, str]


def decode_with_recipe(raw: bytes, config: DecodeConfig = DecodeConfig()) -> Union[Tuple[str, str, Recipe], Drop]:
    """``(text, src_encoding, recipe)`` or a ``Drop`` (binary / undecodable); ``recipe``
    gives the same text back from the same bytes without the detection (:func:`apply_recipe`)."""
    for bom, codec, label in _BOMS:
        if raw.startswith(bom):
            try:
                return raw[len(bom):].decode(codec), label, (len(bom), codec, "strict")
            except UnicodeDecodeError as exc:
                return Drop("undecodable", f"{label} byte-order mark but invalid {label}: {exc.reason}", True)
    if b"\x00" in raw:
        return Drop("binary")
    try:
        return raw.decode("utf-8"), "UTF-8", (0, "utf-8", "strict")
    except UnicodeDecodeError:
        pass
    damaged = damaged_utf8(raw)
    if damaged is not None:
        return damaged, "UTF-8", (0, "utf-8", "replace")
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
        return raw.decode(best.encoding), _iana_name(best.encoding), (0, best.encoding, "strict")
    except (UnicodeDecodeError, LookupError) as exc:
        return Drop("undecodable", f"detected {best.encoding} but: {exc}", True)


def apply_recipe(raw: bytes, recipe: Recipe) -> str:
    skip, codec, errors = recipe
    return raw[skip:].decode(codec, errors)


def decode_bytes(raw: bytes, config: DecodeConfig = DecodeConfig()) -> Union[Tuple[str, str], Drop]:
    """Return ``(text, src_encoding)`` or a ``Drop`` (binary / undecodable)."""
    decoded = decode_with_recipe(raw, config)
    return decoded if isinstance(decoded, Drop) else decoded[:2]


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


class BlobError(Exception):
    """A blob could not be read; ``reason`` names the counter and the dead-letter reason."""

    def __init__(self, reason: str, message: str):
        super().__init__(message)
        self.reason = reason


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
    return decode_blob_memo(raw, blob_id, config)[0]


def decode_blob_memo(raw: bytes, blob_id: str, config: DecodeConfig) -> Tuple[Shared, bytes]:
    """:func:`decode_blob`, and the cache payload that gives it back from the same bytes
    without detection or statistics (:func:`blob_from_memo`)."""
    decoded = decode_with_recipe(raw, config)
    if isinstance(decoded, Drop):
        return decoded, memo_dumps({"drop": list(decoded)})
    text, encoding, recipe = decoded
    stats = text_stats(text)
    blob = Blob(blob_id=blob_id, length_bytes=len(raw), content=text, src_encoding=encoding, stats=stats)
    return blob, memo_dumps({"recipe": list(recipe), "encoding": encoding, "stats": stats})


def blob_from_memo(raw: bytes, blob_id: str, payload: bytes) -> Shared:
    """What :func:`decode_blob` gives for ``raw``, from the payload :func:`decode_blob_memo` made."""
    memo = memo_loads(payload)
    if "drop" in memo:
        reason, detail, dead_letter = memo["drop"]
        return Drop(reason, detail, dead_letter)
    skip, codec, errors = memo["recipe"]
    text = apply_recipe(raw, (int(skip), codec, errors))
    return Blob(blob_id=blob_id, length_bytes=len(raw), content=text, src_encoding=memo["encoding"],
                stats=memo["stats"])


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
