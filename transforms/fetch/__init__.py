"""Stage ``decode``: size guard, fetch the bytes, binary check, decode, text statistics.

The package, by concern: :mod:`.core` (one blob: guard, fetch, decode, statistics; plain
values), :mod:`.group` (one read per blob, the in-flight downloads), :mod:`.readers` (git
and the content store), :mod:`.stage` (the Beam stage); every name is re-exported here.

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

from transforms.fetch.core import (
    STAGE, Blob, BlobError, DecodeConfig, LATIN_CODE_PAGES, Recipe, Shared, _NOT_ALNUM, _NOT_ALPHA, _iana_name,
    _letter_counts, apply_recipe, blob_from_memo, damaged_utf8, decode_blob, decode_blob_memo, decode_bytes,
    decode_record, decode_with_recipe, extension_of, fetch_blob, git_blob_id, language_consistent, occurrence,
    text_stats, too_large,
)
from transforms.fetch.group import (
    InFlight, MemoDecoder, ReaderFactories, blob_key, decode_batch, decode_group, default_readers, fetch_batch,
    make_core, make_readers,
)
from transforms.fetch.readers import BlobReaders, GitBlobReader, StoreBlobReader, inflate, open_filesystem
from transforms.fetch.stage import FetchDecode, keyed

__all__ = [
    "Blob", "BlobError", "BlobReaders", "DecodeConfig", "FetchDecode", "GitBlobReader", "InFlight",
    "LATIN_CODE_PAGES", "MemoDecoder", "ReaderFactories", "Recipe", "STAGE", "Shared", "StoreBlobReader",
    "_NOT_ALNUM", "_NOT_ALPHA", "_iana_name", "_letter_counts", "apply_recipe", "blob_from_memo", "blob_key",
    "damaged_utf8", "decode_batch", "decode_blob", "decode_blob_memo", "decode_bytes", "decode_group",
    "decode_record", "decode_with_recipe", "default_readers", "extension_of", "fetch_batch", "fetch_blob",
    "git_blob_id", "inflate", "keyed", "language_consistent", "make_core", "make_readers", "occurrence",
    "open_filesystem", "text_stats", "too_large",
]
