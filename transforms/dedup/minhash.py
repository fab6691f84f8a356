"""MinHash signatures and LSH banding: the pure core of near dedup (no Beam).

Method (The Stack v2's near dedup, made exact and fast):

* **Tokens**: the text lowercased, split on non-word characters (``\\w+`` runs).
  Each token is hashed with xxh32. ASCII text (most source code) is lowercased
  and split by ``bytes.translate`` and its tokens hashed for a whole batch at once
  (:func:`ascii_token_hashes`, a numpy xxh32 over byte ranges); other text goes
  through the regular expression and one ``xxh32_intdigest`` call per token. Both
  give the same tokens and hashes (tested against ``re`` and ``xxhash``).
* **Shingles**: runs of ``ngram`` (5) consecutive tokens, as a set. A file with
  fewer than ``ngram`` tokens has no shingle, gets **no signature** and is never
  a near-duplicate of anything (an empty signature would match every other
  empty one: the bug that collapsed all short files into one cluster).
* **Shingle hash**: 32-bit xxhash (xxh32, seed 0) of the shingle, where the
  shingle's bytes are its tokens' own xxh32 values, little-endian, concatenated
  (``4 * ngram`` bytes). Hashing tokens once and shingles from fixed-width words
  lets a whole batch of files be hashed with a handful of numpy operations
  instead of one Python call per shingle; :func:`shingle_hash` is the scalar
  reference (``xxhash.xxh32_intdigest`` on those bytes).
* **Permutations**: datasketch 2.0's ``affine32`` scheme: the shingle hash is
  pre-mixed with the MurmurHash3 finalizer, then ``a * h + b mod 2**32`` with
  ``a`` odd, ``(a, b)`` drawn exactly as datasketch draws them from
  ``numpy.random.RandomState(seed)``. So a signature equals
  ``datasketch.MinHash(num_perm, seed, hashfunc=shingle_hash)`` updated with the
  same shingles (``tests/test_dedup.py`` proves it).
* **LSH**: ``bands`` x ``rows`` from datasketch's parameter optimisation for the
  threshold (weighted false positive / false negative areas); a band key is the
  band index plus the xxh64 of the band's values.

Batches are computed column-blocked: ``(num_perm, block)`` products over the
concatenated shingle hashes of many files, reduced per file with
``numpy.minimum.reduceat``; memory is bounded by the block, whatever the sizes.
"""

from __future__ import annotations

import dataclasses
import re
from typing import List, Optional, Sequence, Tuple

import numpy as np
import xxhash

#: signatures are little-endian uint32 arrays (the bytes that flow in the pipeline)
SIG_DTYPE = np.dtype("<u4")
_MAX32 = np.uint32(0xFFFFFFFF)

# xxh32 primes
_P1 = np.uint32(2654435761)
_P2 = np.uint32(2246822519)
_P3 = np.uint32(3266489917)
_P4 = np.uint32(668265263)
_P5 = np.uint32(374761393)

_WORD = re.compile(r"\w+")
# ASCII fast path: word bytes [0-9A-Za-z_] map to themselves lowercased, every other byte to a space.
_ASCII_TABLE = bytes(
    (c + 32 if 65 <= c <= 90 else c) if (48 <= c <= 57 or 65 <= c <= 90 or 97 <= c <= 122 or c == 95) else 32
    for c in range(256)
)


#: how a candidate pair is checked before it becomes an edge
VERIFY_MODES = ("exact", "estimated", "none")


@dataclasses.dataclass(frozen=True)
class NearDedupConfig:
    #: run near dedup at all
    enabled: bool = True
    #: files whose estimated Jaccard similarity of shingle sets reaches this are near-duplicates
    threshold: float = 0.7
    #: MinHash permutations (signature length)
    num_perm: int = 256
    #: tokens per shingle; files with fewer tokens get no signature and are never clustered
    ngram: int = 5
    #: seed of the permutations; every worker derives the same ones from it
    seed: int = 1
    #: LSH bands and rows per band; 0 and 0: datasketch's optimum for threshold and num_perm
    bands: int = 0
    rows: int = 0
    #: weights of the false positive / false negative areas in that optimisation; verification
    #: removes false positives, so the bands are tuned to miss few pairs (0.7 / 256: 32 x 8)
    false_positive_weight: float = 0.1
    false_negative_weight: float = 0.9
    #: a candidate pair becomes an edge only if its Jaccard reaches the threshold:
    #: "exact" (of the shingle-hash sets), "estimated" (from the signatures) or "none"
    verify: str = "exact"
    #: large-star/small-star rounds of connected components (counter cc_unconverged says if too few)
    max_rounds: int = 12
    #: files per vectorised signature batch
    batch_size: int = 256

    def __post_init__(self):
        if not 0.0 < self.threshold <= 1.0:
            raise ValueError(f"threshold: {self.threshold} is not in (0, 1]")
        if self.num_perm < 1 or self.ngram < 1 or self.max_rounds < 1 or self.batch_size < 1:
            raise ValueError("num_perm, ngram, max_rounds and batch_size must be at least 1")
        if self.verify not in VERIFY_MODES:
            raise ValueError(f"verify: {self.verify!r} is not one of {', '.join(VERIFY_MODES)}")
        if (self.bands > 0) != (self.rows > 0):
            raise ValueError("bands and rows: give both, or neither")
        if self.bands * self.rows > self.num_perm:
            raise ValueError(f"bands * rows = {self.bands * self.rows} exceeds num_perm = {self.num_perm}")


#: datasketch's optimum for the default settings, so that building a graph does not import
#: scipy and integrate ~1,000 times (a second of fixed cost); tests check it against datasketch
_KNOWN_OPTIMA = {(0.7, 256, 0.1, 0.9): (32, 8)}


def lsh_params(config: NearDedupConfig) -> Tuple[int, int]:
    """``(bands, rows)``: the configured ones, else datasketch's optimum for the threshold,
    ``num_perm`` and the two weights (0.7, 256, 0.1, 0.9 -> 32 x 8; 0.5 / 0.5 would give 25 x 10)."""
    if config.bands and config.rows:
        return config.bands, config.rows
    known = _KNOWN_OPTIMA.get((config.threshold, config.num_perm, config.false_positive_weight,
                               config.false_negative_weight))
    if known:
        return known
    from datasketch.lsh import _optimal_param

    bands, rows = _optimal_param(
        config.threshold, config.num_perm, config.false_positive_weight, config.false_negative_weight
    )
    return int(bands), int(rows)


def tokenize(text: str) -> List[bytes]:
    """Lowercased ``\\w+`` tokens of ``text``, UTF-8 encoded."""
    if text.isascii():
        return text.encode("ascii").translate(_ASCII_TABLE).split()
    words = _WORD.findall(text.lower())
    if not words:
        return []
    return "\x00".join(words).encode("utf-8").split(b"\x00")


def shingle_hash(tokens: Sequence) -> int:
    """Scalar reference of the shingle hash (``tokens``: str or bytes): the hash
    to give ``datasketch.MinHash(hashfunc=...)`` for identical signatures."""
    words = b"".join(
        xxhash.xxh32_intdigest(t.encode("utf-8") if isinstance(t, str) else t).to_bytes(4, "little") for t in tokens
    )
    return xxhash.xxh32_intdigest(words)


def shingles(text: str, ngram: int = 5) -> List[Tuple[bytes, ...]]:
    """The shingles of ``text`` (with repeats, in order): reference and test helper."""
    toks = tokenize(text)
    return [tuple(toks[i : i + ngram]) for i in range(len(toks) - ngram + 1)]


def _rotl(x: np.ndarray, r: int) -> np.ndarray:
    return (x << np.uint32(r)) | (x >> np.uint32(32 - r))


def xxh32_words(columns: Sequence[np.ndarray], seed: int = 0) -> np.ndarray:
    """xxh32 of many equal-length inputs at once: input ``i`` is the little-endian
    uint32 words ``columns[0][i], columns[1][i], ...`` (``4 * len(columns)`` bytes)."""
    k = len(columns)
    n = len(columns[0])
    s = np.uint32(seed)
    with np.errstate(over="ignore"):
        i = 0
        if k >= 4:
            acc = [
                np.full(n, s + _P1 + _P2, np.uint32),
                np.full(n, s + _P2, np.uint32),
                np.full(n, s, np.uint32),
                np.full(n, s - _P1, np.uint32),
            ]
            while i + 4 <= k:
                for j in range(4):
                    acc[j] = _rotl(acc[j] + columns[i + j] * _P2, 13) * _P1
                i += 4
            h = _rotl(acc[0], 1) + _rotl(acc[1], 7) + _rotl(acc[2], 12) + _rotl(acc[3], 18)
        else:
            h = np.full(n, s + _P5, np.uint32)
        h = h + np.uint32(4 * k)
        while i < k:
            h = _rotl(h + columns[i] * _P3, 17) * _P4
            i += 1
        h ^= h >> np.uint32(15)
        h *= _P2
        h ^= h >> np.uint32(13)
        h *= _P3
        h ^= h >> np.uint32(16)
    return h


def _xxh32_round(acc: np.ndarray, lane: np.ndarray) -> np.ndarray:
    return _rotl(acc + lane * _P2, 13) * _P1


#: tokens this long or longer are hashed one Python call each (rare: the stripe loop stays short)
_LONG_TOKEN = 1024


def xxh32_spans(data: bytes, starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """xxh32 (seed 0) of many byte ranges ``data[start : start + length]`` at once.

    ``data`` must extend at least 16 bytes past every range (the caller pads it): words
    are read as unaligned little-endian uint32 through a 1-byte-stride view. Each step
    works on the ranges it applies to (index subsets), so short tokens cost few operations.
    """
    raw = np.frombuffer(data, dtype=np.uint8)
    words = np.ndarray((len(raw) - 3,), dtype="<u4", buffer=data, offset=0, strides=(1,))
    starts = starts.astype(np.int64, copy=False)
    lengths = lengths.astype(np.int64, copy=False)
    with np.errstate(over="ignore"):
        h = lengths.astype(np.uint32) + _P5
        pos = starts
        long_ = np.flatnonzero((lengths >= 16) & (lengths < _LONG_TOKEN))
        if len(long_):
            pos = starts.copy()
            ls, ll = starts[long_], lengths[long_]
            stripes = ll // 16
            acc = [np.full(len(long_), v, np.uint32) for v in (_P1 + _P2, _P2, np.uint32(0), np.uint32(0) - _P1)]
            last = len(words) - 1
            for stripe in range(int(stripes.max())):
                active = stripes > stripe
                at = np.minimum(ls + 16 * stripe, last - 12)  # finished ranges read anything in bounds
                for lane in range(4):
                    acc[lane] = np.where(active, _xxh32_round(acc[lane], words[at + 4 * lane]), acc[lane])
            h[long_] = (_rotl(acc[0], 1) + _rotl(acc[1], 7) + _rotl(acc[2], 12) + _rotl(acc[3], 18)
                        + ll.astype(np.uint32))
            pos[long_] = ls + 16 * stripes
        rest = (starts + lengths - pos) & 15  # bytes after the stripes (tokens >= _LONG_TOKEN: redone below)
        for j in range(3):
            idx = np.flatnonzero(rest >= 4 * (j + 1))
            if not len(idx):
                break
            h[idx] = _rotl(h[idx] + words[pos[idx] + 4 * j] * _P3, 17) * _P4
        tail = pos + (rest & 12)
        for t in range(3):
            idx = np.flatnonzero((rest & 3) > t)
            if not len(idx):
                break
            h[idx] = _rotl(h[idx] + raw[tail[idx] + t].astype(np.uint32) * _P5, 11) * _P1
        h ^= h >> np.uint32(15)
        h *= _P2
        h ^= h >> np.uint32(13)
        h *= _P3
        h ^= h >> np.uint32(16)
    for i in np.flatnonzero(lengths >= _LONG_TOKEN):
        h[i] = xxhash.xxh32_intdigest(data[starts[i] : starts[i] + lengths[i]])
    return h


def ascii_token_hashes(texts: Sequence[str]) -> List[np.ndarray]:
    """xxh32 of every token of each ASCII text, vectorised over the whole batch
    (the same values as ``map(xxh32_intdigest, tokenize(text))``)."""
    if not texts:
        return []
    buffers = [text.encode("ascii").translate(_ASCII_TABLE) for text in texts]
    data = b" ".join(buffers) + b" " * 20  # a space between texts; padding for the word reads
    offsets = np.cumsum([0] + [len(b) + 1 for b in buffers[:-1]])
    flags = (np.frombuffer(data, dtype=np.uint8) != 32).view(np.int8)
    edges = np.diff(flags, prepend=np.int8(0))
    starts = np.flatnonzero(edges == 1)
    ends = np.flatnonzero(edges == -1)
    hashes = xxh32_spans(data, starts, ends - starts)
    cuts = np.searchsorted(starts, offsets[1:])
    return np.split(hashes, cuts)


def fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's 32-bit finalizer (datasketch's pre-mix of the affine32 scheme)."""
    with np.errstate(over="ignore"):
        h = h ^ (h >> np.uint32(16))
        h = h * np.uint32(0x85EBCA6B)
        h = h ^ (h >> np.uint32(13))
        h = h * np.uint32(0xC2B2AE35)
        return h ^ (h >> np.uint32(16))


def permutations(num_perm: int, seed: int) -> Tuple[np.ndarray, np.ndarray]:
    """``(a, b)`` exactly as ``datasketch.MinHash(num_perm, seed)`` draws them (affine32)."""
    gen = np.random.RandomState(seed)
    a = gen.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


class MinHasher:
    """Signatures of batches of texts; built once per worker (holds the permutations).

    ``block``: shingles per vectorised step (memory ~ ``4 * num_perm * block`` bytes).
    """

    def __init__(self, num_perm: int = 256, seed: int = 1, ngram: int = 5, block: int = 4096):
        self.num_perm = num_perm
        self.seed = seed
        self.ngram = ngram
        self.block = block
        a, b = permutations(num_perm, seed)
        self._a = a[:, None]
        self._b = b[:, None]
        self._buf = np.empty((num_perm, block), np.uint32)

    @staticmethod
    def token_hash_arrays(texts: Sequence[str]) -> List[np.ndarray]:
        """xxh32 of the tokens of each text (uint32 arrays): ASCII texts vectorised as one
        batch, the others through the regular expression and one call per token."""
        out: List[Optional[np.ndarray]] = [None] * len(texts)
        ascii_ = [i for i, text in enumerate(texts) if text.isascii()]
        for i, hashes in zip(ascii_, ascii_token_hashes([texts[i] for i in ascii_])):
            out[i] = hashes
        for i, text in enumerate(texts):
            if out[i] is None:
                toks = tokenize(text)
                out[i] = np.fromiter(map(xxhash.xxh32_intdigest, toks), dtype=np.uint32, count=len(toks))
        return out

    def signatures(self, texts: Sequence[str]) -> List[Optional[np.ndarray]]:
        """One signature (``num_perm`` uint32) per text, ``None`` for texts with
        fewer than ``ngram`` tokens."""
        return self.sign(texts)[0]

    def shingle_sets(self, texts: Sequence[str]) -> List[Optional[np.ndarray]]:
        """Each text's sorted unique shingle hashes (as :meth:`sign` gives them), ``None`` for
        texts too short to shingle; without the permutations (most of a signature's cost)."""
        shingles = self._shingles(texts)
        sets: List[Optional[np.ndarray]] = [None] * len(texts)
        if shingles is None:
            return sets
        signed, hashed, seg_starts, seg_ends = shingles
        for row, index in enumerate(signed):
            sets[index] = np.unique(hashed[seg_starts[row] : seg_ends[row]]).astype(SIG_DTYPE, copy=False)
        return sets

    def _shingles(self, texts: Sequence[str]):
        """``(signed text indices, shingle hashes of them concatenated, start, end of each)``, or None."""
        k = self.ngram
        per_text = self.token_hash_arrays(texts)
        token_starts, shingle_counts, signed, parts = [], [], [], []
        total_tokens = 0
        for index, hashes in enumerate(per_text):
            if len(hashes) < k:
                continue
            token_starts.append(total_tokens)
            shingle_counts.append(len(hashes) - k + 1)
            signed.append(index)
            parts.append(hashes)
            total_tokens += len(hashes)
        if not signed:
            return None
        tokens = np.concatenate(parts)
        counts = np.array(shingle_counts, dtype=np.int64)
        seg_ends = np.cumsum(counts)
        seg_starts = seg_ends - counts
        total = int(seg_ends[-1])
        # every window of k tokens of the concatenation, then only those inside one file
        windows = xxh32_words([tokens[j : len(tokens) - k + 1 + j] for j in range(k)])
        shift = np.array(token_starts, dtype=np.int64) - seg_starts
        first = np.arange(total, dtype=np.int64) + np.repeat(shift, counts)
        return signed, windows[first], seg_starts, seg_ends

    def sign(self, texts: Sequence[str], shingle_sets: bool = False):
        """``(signatures, sets)``: :meth:`signatures`, and with ``shingle_sets`` each
        signed text's sorted unique shingle hashes (for exact Jaccard), else ``None``."""
        result: List[Optional[np.ndarray]] = [None] * len(texts)
        sets: Optional[List[Optional[np.ndarray]]] = [None] * len(texts) if shingle_sets else None
        shingles = self._shingles(texts)
        if shingles is None:
            return result, sets
        signed, hashed, seg_starts, seg_ends = shingles
        total = int(seg_ends[-1])
        if shingle_sets:
            for row, index in enumerate(signed):
                sets[index] = np.unique(hashed[seg_starts[row] : seg_ends[row]]).astype(SIG_DTYPE, copy=False)
        mixed = fmix32(hashed)
        out = np.full((len(signed), self.num_perm), _MAX32, np.uint32)
        with np.errstate(over="ignore"):
            for w0 in range(0, total, self.block):
                w1 = min(total, w0 + self.block)
                d0 = int(np.searchsorted(seg_ends, w0, side="right"))
                d1 = int(np.searchsorted(seg_starts, w1, side="left"))
                block = self._buf[:, : w1 - w0]
                np.multiply(self._a, mixed[w0:w1], out=block)
                np.add(block, self._b, out=block)
                local = np.maximum(seg_starts[d0:d1], w0) - w0
                mins = np.minimum.reduceat(block, local, axis=1)
                np.minimum(out[d0:d1], mins.T, out=out[d0:d1])
        for row, index in enumerate(signed):
            result[index] = out[row].astype(SIG_DTYPE, copy=False)
        return result, sets

    def signature(self, text: str) -> Optional[np.ndarray]:
        return self.signatures([text])[0]


def signature_bytes(sig: np.ndarray) -> bytes:
    return np.asarray(sig, dtype=SIG_DTYPE).tobytes()


def signature_from_bytes(data: bytes) -> np.ndarray:
    return np.frombuffer(data, dtype=SIG_DTYPE)


def _as_array(value) -> np.ndarray:
    return signature_from_bytes(value) if isinstance(value, (bytes, memoryview)) else np.asarray(value)


def estimated_jaccard(sig_a, sig_b) -> float:
    """Fraction of equal MinHash values (signatures as arrays, bytes or memoryviews)."""
    a, b = _as_array(sig_a), _as_array(sig_b)
    if len(a) != len(b):
        raise ValueError(f"signatures of different lengths: {len(a)} and {len(b)}")
    return float(np.count_nonzero(a == b)) / len(a)


def exact_jaccard(set_a, set_b) -> float:
    """Jaccard similarity of two sorted unique shingle-hash arrays (as arrays, bytes or memoryviews)."""
    a, b = _as_array(set_a), _as_array(set_b)
    if not len(a) and not len(b):
        return 1.0
    common = len(np.intersect1d(a, b, assume_unique=True))
    return common / (len(a) + len(b) - common)


def band_keys(sig, bands: int, rows: int) -> List[bytes]:
    """One bucket key per band: 2-byte band index + xxh64 of the band's values."""
    data = sig if isinstance(sig, bytes) else signature_bytes(sig)
    width = rows * SIG_DTYPE.itemsize
    return [
        band.to_bytes(2, "big") + xxhash.xxh64_digest(data[band * width : (band + 1) * width])
        for band in range(bands)
    ]
