"""Stage ``near_dedup``: MinHash LSH candidates, verified edges, connected components,
one file kept per component (the preference of :mod:`transforms.dedup.preference`).

Data flow (every step keyed; none holds a hot key's values as a list)::

    records -> batched signatures -+-> short files (no signature) ---------------------> kept
                                   |-> (id, signature) -> band keys, packed by group of
                                   |     buckets and bundle -> GroupByKey(group)
                                   |     -> star pairs (member, bucket minimum) -> Distinct
                                   |     -> verify: Jaccard >= threshold -> edges
                                   |     -> ConnectedComponents (large-star/small-star) -> (id, label)
                                   +-> (id, record) joined with labels:
                                         no label -----------------------------------> kept
                                         (label, record) -> CombinePerKey(preferred) -> kept

A node is a ``blob_id`` (the stage runs after ``exact_dedup``). Band buckets are not
shuffled as one element per band and file (32 a file, each a key of its own: on a
local run, 2 million of them sat decoded in the runner's grouping table and made
the driver the largest process after the workers): a group of buckets is keyed by
the first :func:`group_width` bytes of the band key, sized from the number of
signatures so that a group holds about :data:`GROUP_ENTRIES` entries at any scale,
and a bundle's entries of a group travel as one bytes value (on local runs, parked in
the spill folder), read back in two streaming passes. A bucket links its
members to its smallest member only (a star, not all pairs): a bucket of 10,000
identical boilerplate files gives 9,999 candidate pairs, not 50 million, read as a
stream twice (minimum, then pairs). Verification (``verify``) needs what it compares
for both files of a pair: ``exact`` (default) the sorted shingle-hash sets, whose
Jaccard is exact up to 32-bit hash collisions; ``estimated`` the signatures. Two
streaming lookups (pair by member, then by centre) each read the one value of a
key, then its pairs. Because verification removes false positives, the LSH bands
are tuned to miss few pairs (see :class:`NearDedupConfig`). Records with no edge
pass straight through; only clustered records are shuffled to their component,
where a combiner keeps the preferred one and counts the component's size.

Counters (``codestack.near_dedup``): ``kept``, ``dropped:near_duplicate`` (the
files removed), ``signatures``, ``short`` (files with fewer than ``ngram`` tokens,
kept and never clustered), ``lsh_buckets`` (buckets with two or more members),
``candidate_pairs``, ``edges``, ``pairs_below_threshold``, ``components`` (with two
or more files), ``component_files`` (files in them), ``component_size:<n>``
(components of n files, powers-of-two buckets), and the convergence counters of
:mod:`transforms.dedup.components`.
"""

from __future__ import annotations

import functools

import struct
from typing import Callable, Dict, Iterable, Iterator, List, Optional, Tuple

import apache_beam as beam
from apache_beam.transforms.window import GlobalWindow
from apache_beam.utils.timestamp import MIN_TIMESTAMP
from apache_beam.utils.windowed_value import WindowedValue

from transforms import spill
from transforms.base import CACHE, BeamCounter, Count
from transforms.cache.beam_io import counter as cache_counter
from transforms.cache.memo import Memo, memo_without
from transforms.counts import COUNTS, CountedParDo, counted
from transforms.dedup.components import ConnectedComponents, components
from transforms.dedup.exact import BestCopy, count_lost_released, dedup_key, entry, size_bucket
from transforms.dedup.minhash import (
    MinHasher,
    NearDedupConfig,
    band_keys,
    estimated_jaccard,
    exact_jaccard,
    lsh_params,
    signature_bytes,
    signature_from_bytes,
)
from transforms.dedup.preference import best
from transforms.record import CodeFile, unpack

STAGE = "near_dedup"
_SIGNATURES = "signatures"
_SHORT = "short"
_CLUSTERED = "clustered"
_SETS = "shingle_sets"


def similarity_fn(config: NearDedupConfig) -> Callable:
    """How a candidate pair is measured before it becomes an edge (on bytes from the pipeline)."""
    return exact_jaccard if config.verify == "exact" else estimated_jaccard


def count_component(count: Count, size: int) -> None:
    """Counters of one component of ``size`` files (the kept one included)."""
    count("kept")
    if size > 1:
        count("dropped:near_duplicate", size - 1)
        count("components")
        count("component_files", size)
        count(f"component_size:{size_bucket(size)}")


def star_pairs(members: Iterable[str]) -> List[Tuple[str, str]]:
    """Pairs ``(member, smallest member)`` of one bucket (``members`` read twice)."""
    centre = min(members)
    return [(member, centre) for member in members if member != centre]


#: band-bucket entries one group of buckets holds, about (see :func:`group_width`)
GROUP_ENTRIES = 2048
#: a band key: 2 bytes of band index, then the 8-byte xxh64 of the band
BAND_KEY_BYTES = 10
_NODE_LENGTH = struct.Struct("<H")
#: a bundle's packed band entries are flushed to the shuffle when they reach this
PACK_BUFFER_BYTES = 16 << 20


def group_width(signatures: int, target: int = GROUP_ENTRIES) -> int:
    """Leading bytes of a band key that key one group of buckets: the band index and
    enough hash bytes that a band's ``signatures`` entries spread over groups of about
    ``target`` (3 bytes, 256 groups a band, up to 524,288 signatures; 5 bytes for the
    archive's hundreds of millions). The hash bytes are uniform, so groups are even."""
    width = 3
    while width < BAND_KEY_BYTES and signatures > target * 256 ** (width - 2):
        width += 1
    return width


def packed_band_entries(node: str, sig: bytes, bands: int, rows: int, width: int) -> Iterator[Tuple[bytes, bytes]]:
    """``(group key, entry)`` for each band of a signature; an entry is the rest of the
    band key, the node's length and the node (UTF-8)."""
    raw = node.encode("utf-8")
    tail = _NODE_LENGTH.pack(len(raw)) + raw
    for key in band_keys(sig, bands, rows):
        yield key[:width], key[width:] + tail


def band_entries(data, width: int) -> Iterator[Tuple[bytes, str]]:
    """Concatenated entries -> ``(rest of band key, node)`` for each."""
    rest = BAND_KEY_BYTES - width
    data = bytes(data)
    i, n = 0, len(data)
    while i < n:
        key = data[i : i + rest]
        (length,) = _NODE_LENGTH.unpack_from(data, i + rest)
        start = i + rest + _NODE_LENGTH.size
        yield key, data[start : start + length].decode("utf-8")
        i = start + length


def group_buckets(data, width: int) -> Dict[bytes, List[str]]:
    """A group's concatenated entries -> ``{rest of band key: [nodes]}`` (its buckets)."""
    buckets: Dict[bytes, List[str]] = {}
    for key, node in band_entries(data, width):
        buckets.setdefault(key, []).append(node)
    return buckets


def near_components(
    records: Iterable[CodeFile], config: NearDedupConfig, count: Count
) -> Tuple[List[CodeFile], List[Tuple[str, CodeFile]], Dict[str, str]]:
    """In memory: ``(short records, [(node, record)] of signed ones, {node: component label})``
    (only nodes on an edge have a label)."""
    records = list(records)
    bands, rows = lsh_params(config)
    hasher = MinHasher(config.num_perm, config.seed, config.ngram)
    sigs: Dict[str, bytes] = {}
    sets: Dict[str, bytes] = {}
    short: List[CodeFile] = []
    signed: List[Tuple[str, CodeFile]] = []
    for start in range(0, len(records), config.batch_size):
        batch = records[start : start + config.batch_size]
        batch_sigs, batch_sets = hasher.sign([r.content for r in batch], shingle_sets=config.verify == "exact")
        for i, record in enumerate(batch):
            if batch_sigs[i] is None:
                count("short")
                short.append(record)
                continue
            count("signatures")
            node = dedup_key(record)
            sigs[node] = signature_bytes(batch_sigs[i])
            if batch_sets is not None:
                sets[node] = signature_bytes(batch_sets[i])
            signed.append((node, record))
    buckets: Dict[bytes, set] = {}
    for node, sig in sorted(sigs.items()):
        for key in band_keys(sig, bands, rows):
            buckets.setdefault(key, set()).add(node)
    pairs = set()
    for key in sorted(buckets):
        if len(buckets[key]) > 1:
            count("lsh_buckets")
            pairs.update(star_pairs(sorted(buckets[key])))
    edges = []
    features = sets if config.verify == "exact" else sigs
    similarity = similarity_fn(config)
    for member, centre in sorted(pairs):
        count("candidate_pairs")
        if config.verify == "none" or similarity(features[member], features[centre]) >= config.threshold:
            count("edges")
            edges.append((member, centre))
        else:
            count("pairs_below_threshold")
    return short, signed, components(edges)


def near_dedup(records: Iterable[CodeFile], config: NearDedupConfig, count: Count) -> List[CodeFile]:
    """The whole stage in memory (the reference the Beam transform must match,
    counter for counter except the ``cc_*`` ones)."""
    short, signed, labels = near_components(records, config, count)
    kept: List[CodeFile] = []
    for record in short:
        count("kept")
        kept.append(record)
    clusters: Dict[str, List[CodeFile]] = {}
    for node, record in signed:
        label = labels.get(node)
        if label is None:
            count("kept")
            kept.append(record)
        else:
            clusters.setdefault(label, []).append(record)
    for label in sorted(clusters):
        kept.append(best(clusters[label]))
        count_component(count, len(clusters[label]))
    return kept


# ---------------------------------------------------------------------------- Beam


class _SignFn(beam.DoFn):
    """Batches of records -> ``(id, record)``, tagged ``(id, signature)``, tagged short records."""

    def __init__(self, config: NearDedupConfig, cached: bool = False):
        self._config = config
        self._cached = cached

    def setup(self):
        self._hasher = MinHasher(self._config.num_perm, self._config.seed, self._config.ngram)
        self._count = BeamCounter(STAGE)
        self._exact = self._config.verify == "exact"
        self._memo = Memo(STAGE, enabled=self._cached)

    def _sign(self, batch: List[CodeFile]):
        """``(signatures, sets)`` of the batch: with the cache, a blob's signature (or its being
        too short: an empty payload) comes from it, and only the others are signed."""
        if not self._cached:
            return self._hasher.sign([r.content for r in batch], shingle_sets=self._exact)
        payloads = [self._memo.get(record) for record in batch]
        fresh = [i for i, payload in enumerate(payloads) if payload is None]
        sigs: List = [None] * len(batch)
        sets: List = [None] * len(batch)
        if fresh:
            new_sigs, new_sets = self._hasher.sign([batch[i].content for i in fresh], shingle_sets=self._exact)
            for j, i in enumerate(fresh):
                sigs[i] = new_sigs[j]
                if self._exact:
                    sets[i] = new_sets[j]
                self._memo.put(batch[i], b"" if new_sigs[j] is None else signature_bytes(new_sigs[j]))
        known = [i for i, payload in enumerate(payloads) if payload]
        for i in known:
            sigs[i] = signature_from_bytes(payloads[i])
        if self._exact and known:
            for j, found in zip(known, self._hasher.shingle_sets([batch[i].content for i in known])):
                sets[j] = found
        return sigs, sets

    def finish_bundle(self):
        hits, misses = self._memo.take_counts()
        if hits:
            cache_counter(self._count, f"{STAGE}:hit", hits)
        if misses:
            cache_counter(self._count, f"{STAGE}:miss", misses)
        yield from self._count.emit()

    def process(self, batch: List[CodeFile]):
        sigs, sets = self._sign(batch)
        if self._cached:
            batch = [record._replace(memo=memo_without(record.memo, STAGE)) if record.memo else record
                     for record in batch]
            for entry_ in self._memo.drain():
                yield beam.pvalue.TaggedOutput(CACHE, tuple(entry_))
        for i, record in enumerate(batch):
            if sigs[i] is None:
                self._count("short")
                self._count("kept")
                yield beam.pvalue.TaggedOutput(_SHORT, record)
                continue
            self._count("signatures")
            node = dedup_key(record)
            yield node, entry(record)  # packed: every record crosses the Route join
            yield beam.pvalue.TaggedOutput(_SIGNATURES, (node, signature_bytes(sigs[i])))
            if self._exact:
                # parked: a set is about 0.8x the file, and waits for two joins (spilled on local runs)
                yield beam.pvalue.TaggedOutput(_SETS, (node, spill.park(signature_bytes(sets[i]))))


class _PackBandsFn(beam.DoFn):
    """``(node, signature)`` -> ``(group key, parked entries)``: a bundle's entries of a
    group concatenated (flushed when the bundle has buffered :data:`PACK_BUFFER_BYTES`),
    so that one element per group and bundle crosses the shuffle, not one per band and
    file; parked (:func:`spill.park`), it is a ticket in a local runner's memory."""

    def __init__(self, bands: int, rows: int):
        self._bands = bands
        self._rows = rows

    def start_bundle(self):
        self._groups: Dict[bytes, bytearray] = {}
        self._buffered = 0

    def process(self, element, width: int):
        node, sig = element
        for group, packed in packed_band_entries(node, sig, self._bands, self._rows, width):
            buffer = self._groups.get(group)
            if buffer is None:
                buffer = self._groups[group] = bytearray()
            buffer += packed
            self._buffered += len(packed)
        if self._buffered >= PACK_BUFFER_BYTES:
            yield from self._flush()

    def _flush(self):
        groups, self._groups, self._buffered = self._groups, {}, 0
        for group in sorted(groups):
            yield group, spill.park(bytes(groups[group]))

    def finish_bundle(self):
        for kv in self._flush():
            yield WindowedValue(kv, MIN_TIMESTAMP, (GlobalWindow(),))


class _StarPairsFn(beam.DoFn):
    """A group of buckets -> ``(member, centre)`` for each bucket of two or more nodes. Two
    streaming passes over the group's parked chunks (a hot bucket of millions of files is
    never a list): the first finds each bucket's centre, the second pairs its members."""

    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, element, width: int):
        _group, chunks = element
        centres: Dict[bytes, List] = {}  # rest of band key -> [smallest node, another node seen]
        for chunk in chunks:
            for rest, node in band_entries(spill.unpark(chunk), width):
                seen = centres.get(rest)
                if seen is None:
                    centres[rest] = [node, False]
                elif node != seen[0]:
                    if node < seen[0]:
                        seen[0] = node
                    seen[1] = True
        self._count("lsh_buckets", sum(1 for _centre, linked in centres.values() if linked))
        for chunk in chunks:
            for rest, node in band_entries(spill.unpark(chunk), width):
                centre = centres[rest][0]
                if node != centre:
                    yield node, centre


class _LookupFn(beam.DoFn):
    """Over ``(key, [(0, one), (1, many), ...])``: finds the (at most one) ``one``
    value, then calls ``fn(count, key, one, many)`` for each ``many`` value — two
    streaming passes over the grouped values, never a list of them. ``open_one``
    (e.g. reading a parked value back) is applied to ``one`` once per key."""

    def __init__(self, fn: Callable, open_one: Optional[Callable] = None):
        self._fn = fn
        self._open_one = open_one

    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, element):
        key, tagged = element
        one = None
        for tag, value in tagged:
            if tag == 0:
                one = value if self._open_one is None else self._open_one(value)
                break
        for tag, value in tagged:
            if tag == 1:
                yield from self._fn(self._count, key, one, value)


def _tag_one(kv):
    return kv[0], (0, kv[1])


def _tag_many(kv):
    return kv[0], (1, kv[1])


class _Lookup(beam.PTransform):
    """``(one, many) | _Lookup(fn)``: a join where ``one`` has at most one value per key."""

    def __init__(self, fn: Callable, label: str, outputs: Tuple[str, ...] = (), open_one: Optional[Callable] = None):
        super().__init__(label=label)
        self._fn = fn
        self._outputs = outputs
        self._open_one = open_one

    def expand(self, pcolls):
        one, many = pcolls
        grouped = (
            (one | "TagOne" >> beam.Map(_tag_one), many | "TagMany" >> beam.Map(_tag_many))
            | "Flatten" >> beam.Flatten()
            | "Group" >> beam.GroupByKey()
        )
        do = beam.ParDo(_LookupFn(self._fn, self._open_one)).with_outputs(*self._outputs, COUNTS, main="main")
        applied = counted(grouped | "Apply" >> do)
        return applied if self._outputs else applied.main


def _pair_with_member_sig(count, member, sig, centre):
    count("candidate_pairs")
    yield centre, (member, sig)


def _verified_edge(similarity: Callable, threshold: float, count, centre, centre_sig, member_and_sig):
    member, member_sig = member_and_sig
    if similarity(spill.unpark(member_sig), centre_sig) >= threshold:  # the centre's: read once per centre
        count("edges")
        yield member, centre
    else:
        count("pairs_below_threshold")


class _UnverifiedEdgeFn(beam.DoFn):
    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, pair):
        self._count("candidate_pairs")
        self._count("edges")
        yield pair


def _route_record(count, _node, label, record_entry):
    if label is None:
        count("kept")
        yield unpack(record_entry[1])
    else:
        yield beam.pvalue.TaggedOutput(_CLUSTERED, (label, record_entry))


class _EmitComponentFn(beam.DoFn):
    def setup(self):
        self._count = BeamCounter(STAGE)

    def finish_bundle(self):
        yield from self._count.emit()

    def process(self, element):
        _label, acc = element
        (_preference, packed), size, _released_copies = acc
        count_component(self._count, size)
        count_lost_released(self._count, STAGE, acc, "near_duplicate")
        yield unpack(packed)


def _park_value(kv):
    return kv[0], spill.park(kv[1])


class NearDedup(beam.PTransform):
    """``kept = records | NearDedup(config)``: one file per near-duplicate component."""

    def __init__(self, config: NearDedupConfig = NearDedupConfig(), cache_out: Optional[list] = None):
        super().__init__(label=STAGE)
        self._config = config
        self._bands, self._rows = lsh_params(config)  # on the driver: workers get plain ints
        self._cache_out = cache_out  # with the cache: signatures come from it; new ones go to this list's output

    def expand(self, records):
        config = self._config
        signed = (
            records
            | "Batch" >> beam.BatchElements(min_batch_size=1, max_batch_size=config.batch_size)
            | "Sign" >> beam.ParDo(_SignFn(config, self._cache_out is not None)).with_outputs(
                _SIGNATURES, _SETS, _SHORT, CACHE, COUNTS, main="records")
        )
        counted(signed)
        if self._cache_out is not None:
            self._cache_out.append(signed[CACHE])
        sigs = signed[_SIGNATURES]
        width = beam.pvalue.AsSingleton(
            sigs | "CountSignatures" >> beam.combiners.Count.Globally() | "GroupWidth" >> beam.Map(group_width)
        )
        pairs = (
            sigs
            | "BandKeys" >> beam.ParDo(_PackBandsFn(self._bands, self._rows), width)
            | "GroupBuckets" >> beam.GroupByKey()
            | "StarPairs" >> CountedParDo(_StarPairsFn(), width)
            | "DistinctPairs" >> beam.Distinct()
        )
        if config.verify != "none":
            # features cross the joins parked (exact: parked when signed)
            features = signed[_SETS] if config.verify == "exact" else sigs | "ParkSignatures" >> beam.Map(_park_value)
            verify = functools.partial(_verified_edge, similarity_fn(config), config.threshold)
            by_centre = (features, pairs) | _Lookup(_pair_with_member_sig, "MemberFeatures")
            edges = (features, by_centre) | _Lookup(verify, "Verify", open_one=spill.unpark)
        else:
            edges = pairs | "Edges" >> CountedParDo(_UnverifiedEdgeFn())
        labels = edges | ConnectedComponents(STAGE, config.max_rounds)
        routed = (labels, signed.records) | _Lookup(_route_record, "Route", outputs=(_CLUSTERED,))
        best_of_components = (
            routed[_CLUSTERED]
            | "BestPerComponent" >> beam.CombinePerKey(BestCopy())
            | "EmitComponent" >> CountedParDo(_EmitComponentFn())
        )
        return (signed[_SHORT], routed.main, best_of_components) | "Kept" >> beam.Flatten().with_output_types(
            CodeFile
        )
