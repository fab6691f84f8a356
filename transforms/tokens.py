"""Stage ``tokens``: fill ``num_tokens`` with a tokenizer's count of ``content``.

The last stage before the sink, so it counts what is released (the redacted
text). Two tokenizer formats are read, both the way Gemma ships them:

- a SentencePiece model (``tokenizer.model``: a serialized ``ModelProto``),
  counted with the ``sentencepiece`` library;
- a Hugging Face ``tokenizer.json``, counted with the ``tokenizers`` library.

Counts are of the text alone: no BOS/EOS or other special tokens are added
(a document costs ``num_tokens`` plus whatever a trainer's packing adds).

Pure core: :func:`count_record` over an ``encode(text) -> int`` function.
:func:`make_core` is the factory run once per worker (``DoFn.setup``): it reads
the tokenizer file (any Beam filesystem: local, ``gs://``, ``s3://``), checks
its sha256 against the one the driver recorded (so every worker counts with the
same tokenizer the manifest names) and loads it once.

Counters (``codestack.tokens``): ``kept`` and ``tokens`` (the total counted).
"""

from __future__ import annotations

import dataclasses
import hashlib
import os
from typing import Callable, Dict, Union

from transforms.base import Count, Outcome
from transforms.record import CodeFile

STAGE = "tokens"
SENTENCEPIECE = "sentencepiece"
HF_TOKENIZERS = "tokenizers"

Encode = Callable[[str], int]


class TokenizerError(ValueError):
    """The tokenizer file cannot be read or loaded."""


@dataclasses.dataclass(frozen=True)
class TokenizerSpec:
    """What the workers load: where the file is, what it is, and its sha256."""

    path: str
    kind: str  # SENTENCEPIECE or HF_TOKENIZERS
    sha256: str


def kind_of(data: bytes) -> str:
    """``tokenizers`` for a JSON document, else ``sentencepiece`` (a binary proto)."""
    return HF_TOKENIZERS if data.lstrip()[:1] == b"{" else SENTENCEPIECE


def load_encoder(data: bytes, kind: str) -> Encode:
    """``encode(text) -> number of tokens`` for the tokenizer serialized in ``data``."""
    if kind == SENTENCEPIECE:
        try:
            import sentencepiece
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise TokenizerError("counting with a SentencePiece model needs: pip install sentencepiece") from exc
        processor = sentencepiece.SentencePieceProcessor()
        try:
            processor.LoadFromSerializedProto(data)
        except Exception as exc:  # sentencepiece raises RuntimeError/OSError on a bad proto
            raise TokenizerError(f"not a SentencePiece model: {exc}") from exc
        return lambda text: len(processor.EncodeAsIds(text))
    if kind == HF_TOKENIZERS:
        try:
            from tokenizers import Tokenizer
        except ImportError as exc:  # pragma: no cover - a declared dependency
            raise TokenizerError("counting with a tokenizer.json needs: pip install tokenizers") from exc
        try:
            tokenizer = Tokenizer.from_str(data.decode("utf-8"))
        except Exception as exc:  # tokenizers raises Exception subclasses from Rust
            raise TokenizerError(f"not a Hugging Face tokenizer.json: {str(exc).splitlines()[0]}") from exc
        return lambda text: len(tokenizer.encode(text, add_special_tokens=False).ids)
    raise TokenizerError(f"unknown tokenizer kind {kind!r}")


def vocab_size(data: bytes, kind: str) -> int:
    if kind == SENTENCEPIECE:
        import sentencepiece

        processor = sentencepiece.SentencePieceProcessor()
        processor.LoadFromSerializedProto(data)
        return int(processor.GetPieceSize())
    from tokenizers import Tokenizer

    return int(Tokenizer.from_str(data.decode("utf-8")).get_vocab_size(with_added_tokens=True))


def read_file(path: str) -> bytes:
    from apache_beam.io.filesystems import FileSystems

    try:
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            return handle.read()
    except Exception as exc:  # FileSystems raises BeamIOError, IOError, ...
        raise TokenizerError(f"cannot read: {exc}") from exc


def describe_tokenizer(path: str) -> Dict[str, Union[str, int]]:
    """Load the tokenizer once on the driver: its identity for the manifest.

    ``{"file", "kind", "sha256", "vocab_size"}``; raises :class:`TokenizerError`.
    """
    data = read_file(path)
    kind = kind_of(data)
    load_encoder(data, kind)("codestack")  # fails here, not on every worker
    return {
        "file": os.path.basename(path.rstrip("/")),
        "kind": kind,
        "sha256": hashlib.sha256(data).hexdigest(),
        "vocab_size": vocab_size(data, kind),
    }


def count_record(record: CodeFile, encode: Encode, count: Count) -> Outcome:
    """The record with ``num_tokens`` set."""
    n = encode(record.content) if record.content else 0
    count("tokens", n)
    return record._replace(num_tokens=n)


def make_core(spec: TokenizerSpec):
    """Factory run once per worker: read, check and load the tokenizer."""
    data = read_file(spec.path)
    digest = hashlib.sha256(data).hexdigest()
    if digest != spec.sha256:
        raise TokenizerError(f"{spec.path}: sha256 {digest} != {spec.sha256} recorded when the build started")
    encode = load_encoder(data, spec.kind)

    def core(record: CodeFile, count: Count) -> Outcome:
        return count_record(record, encode, count)

    return core


def spec_for(path: str, description: Dict[str, Union[str, int]]) -> TokenizerSpec:
    return TokenizerSpec(path=path, kind=str(description["kind"]), sha256=str(description["sha256"]))
