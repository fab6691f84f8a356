"""Exact and near dedup: datasketch-identical signatures, planted near-duplicates against
brute-force Jaccard, short files, the preference, hot keys, both stages in Beam, runners."""

import glob
import itertools
import os
import random
import re

import apache_beam as beam
import numpy as np
import pytest
import xxhash
from apache_beam.options.pipeline_options import PipelineOptions
from apache_beam.runners.portability.fn_api_runner import FnApiRunner
from apache_beam.testing.util import assert_that, equal_to
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.build import collect_counters
from pipeline.config import Config, config_from_dict, load_config
from pipeline.errors import UsageError
from transforms.base import DictCounter
from transforms.dedup.components import canonical, components, groups, large_star, small_star
from transforms.dedup.exact import ExactDedup, ExactDedupConfig, exact_dedup, size_bucket
from transforms.dedup.minhash import (
    SIG_DTYPE,
    MinHasher,
    ascii_token_hashes,
    NearDedupConfig,
    band_keys,
    estimated_jaccard,
    exact_jaccard,
    lsh_params,
    permutations,
    shingle_hash,
    shingles,
    tokenize,
    xxh32_words,
)
from transforms.dedup.near import (
    NearDedup,
    group_buckets,
    group_width,
    near_components,
    near_dedup,
    packed_band_entries,
)
from transforms.dedup.preference import best, preference_key
from transforms.record import CodeFile

DEFAULTS = os.path.join(os.path.dirname(__file__), "..", "pipeline", "defaults.yaml")


def rec(i, content, **kw):
    base = dict(blob_id=f"{i:040x}", content_id=f"c{i}", directory_id="d", path=f"src/f{i:05d}.py",
                repo_name="o/r", snapshot_id="s", revision_id="r", branch_name="refs/heads/main",
                content=content, license_type="permissive")
    base.update(kw)
    return CodeFile(**base)


def synthetic_module(seed, functions=40):
    """A few KB of Python with no license header, different for every seed."""
    rng = random.Random(seed)
    words = ["value", "count", "index", "total", "name", "item", "result", "buffer", "offset", "limit"]
    lines = []
    for f in range(functions):
        a, b, c = (rng.choice(words) + str(rng.randint(0, 99)) for _ in range(3))
        lines += [f"def {a}_{f}({b}, {c}=None):", f"    if {c} is None:", f"        {c} = {rng.randint(0, 999)}",
                  f"    return {b} * {c} + {rng.randint(0, 99)}", ""]
    return "\n".join(lines)


def real_sources(n, low=8_000, high=12_000):
    """``n`` real ~10 KB Python files, the same ones on every run (sorted paths)."""
    root = os.path.dirname(beam.__file__)
    out = []
    for path in sorted(glob.glob(os.path.join(root, "**", "*.py"), recursive=True)):
        if low <= os.path.getsize(path) <= high:
            with open(path, encoding="utf-8") as handle:
                out.append(handle.read())
            if len(out) == n:
                break
    return out


# ------------------------------------------------------------------ tokens and hashes


@pytest.mark.parametrize("text", ["Foo_Bar baz2\tQUX-x", "ÀB c ÉTÉ", "", "  \n ", "a\x00b", "x=1;y=2",
                                  "İstanbul ǅ ﬁ"])
def test_tokens_are_lowercase_word_runs(text):
    assert tokenize(text) == [w.encode() for w in re.findall(r"\w+", text.lower())]


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_tokens_fast_path_equals_regex(text):
    assert tokenize(text) == [w.encode() for w in re.findall(r"\w+", text.lower())]


@pytest.mark.parametrize("k", range(1, 10))
def test_vectorised_xxh32_equals_xxhash(k):
    words = np.random.RandomState(k).randint(0, 2**32, size=(50, k), dtype=np.uint64).astype("<u4")
    got = xxh32_words([words[:, j] for j in range(k)], seed=k)
    assert [int(h) for h in got] == [xxhash.xxh32_intdigest(row.tobytes(), seed=k) for row in words]


def test_vectorised_token_hashes_equal_xxhash():
    rng = random.Random(3)
    texts = ["", "a", "zz " * 3, "q" * 70, "x" * 2000 + " b", "ab " * 2 + "x" * 1023, "mIxEd_Case-and.punct 42"]
    for length in range(1, 130):  # every path: words, tail bytes, 16-byte stripes, ranges at the buffer's end
        texts.append(" ".join(["ab"] * (length % 3) + ["x" * length, "y" * (length // 2 + 1)]))
    texts += ["".join(rng.choice("ab_c9 .\n") for _ in range(rng.randint(0, 400))) for _ in range(50)]
    got = ascii_token_hashes(texts)
    assert [list(g) for g in got] == [[xxhash.xxh32_intdigest(t) for t in tokenize(x)] for x in texts]
    mixed = texts[:5] + ["naïve café résumé x y z"] + texts[5:]
    assert [list(g) for g in MinHasher.token_hash_arrays(mixed)] == [
        [xxhash.xxh32_intdigest(t) for t in tokenize(x)] for x in mixed]


@pytest.mark.parametrize("num_perm,seed", [(256, 1), (128, 42)])
def test_permutations_are_datasketch_affine32(num_perm, seed):
    from datasketch import MinHash

    a, b = permutations(num_perm, seed)
    ref = MinHash(num_perm=num_perm, seed=seed)
    assert ref.scheme == "affine32"
    assert np.array_equal(a, ref.permutations[0]) and np.array_equal(b, ref.permutations[1])


@pytest.mark.parametrize("num_perm,seed,ngram", [(256, 1, 5), (128, 7, 3)])
def test_signature_equals_datasketch(num_perm, seed, ngram):
    from datasketch import MinHash

    texts = real_sources(12) + ["Ünïcode ça va naïve résumé straße déjà vu", "one two three four five"]
    hasher = MinHasher(num_perm, seed, ngram)
    for text, sig in zip(texts, hasher.signatures(texts)):
        ref = MinHash(num_perm=num_perm, seed=seed, hashfunc=shingle_hash)
        ref.update_batch(shingles(text, ngram))
        assert sig is not None and np.array_equal(sig, ref.hashvalues)


def test_signatures_do_not_depend_on_batch_or_block():
    texts = real_sources(6) + ["a b c", "tiny"] + real_sources(2) + ["one two three four five six"]
    reference = [MinHasher(block=1 << 20).signature(t) for t in texts]
    for block, size in ((37, len(texts)), (4096, 1), (4096, 4), (4096, len(texts))):
        hasher = MinHasher(block=block)
        got = [s for i in range(0, len(texts), size) for s in hasher.signatures(texts[i : i + size])]
        assert all((a is None and b is None) or np.array_equal(a, b) for a, b in zip(got, reference))
    small = ["a b c d e f g", "x", "h i j k l", "m n o p q r s t"]
    got, want = MinHasher(block=1).signatures(small), MinHasher().signatures(small)
    assert all((a is None and b is None) or np.array_equal(a, b) for a, b in zip(got, want))


def test_files_under_five_tokens_get_no_signature():
    hasher = MinHasher()
    texts = ["", "x", "x = 1", "a b c d", "def f(): pass", "a b c d e"]
    sigs = hasher.signatures(texts)
    assert [s is None for s in sigs] == [True, True, True, True, True, False]


def test_exact_and_estimated_jaccard():
    hasher = MinHasher()
    a = " ".join(f"t{i}" for i in range(400))
    b = " ".join(f"t{i}" for i in range(100, 500))
    (sa, sb), (xa, xb) = hasher.sign([a, b], shingle_sets=True)
    truth = len(set(shingles(a)) & set(shingles(b))) / len(set(shingles(a)) | set(shingles(b)))
    assert exact_jaccard(xa.tobytes(), xb.tobytes()) == pytest.approx(truth)
    assert abs(estimated_jaccard(sa, sb) - truth) < 0.1
    assert estimated_jaccard(sa.tobytes(), sa) == 1.0


def test_lsh_parameters_from_datasketch():
    from datasketch.lsh import _optimal_param

    assert lsh_params(NearDedupConfig()) == (32, 8) == _optimal_param(0.7, 256, 0.1, 0.9)
    from transforms.dedup.minhash import _KNOWN_OPTIMA

    assert all(_optimal_param(*key) == value for key, value in _KNOWN_OPTIMA.items())
    assert lsh_params(NearDedupConfig(false_positive_weight=0.5, false_negative_weight=0.5)) == (25, 10)
    assert lsh_params(NearDedupConfig(bands=16, rows=4)) == (16, 4)
    sig = MinHasher().signature(" ".join(f"t{i}" for i in range(50)))
    keys = band_keys(sig, 32, 8)
    assert len(keys) == len(set(keys)) == 32 and keys[3][:2] == b"\x00\x03"


@pytest.mark.parametrize("values", [{"threshold": 1.5}, {"bands": 3}, {"bands": 30, "rows": 10}, {"verify": "maybe"}])
def test_bad_near_dedup_config_is_a_usage_error(values):
    with pytest.raises(UsageError, match="near_dedup"):
        config_from_dict({"near_dedup": values})


def test_defaults_yaml_documents_the_defaults():
    config = load_config(DEFAULTS)
    assert config.near_dedup == NearDedupConfig() and config.exact_dedup == ExactDedupConfig()
    assert Config().near_dedup.seed == 1


# ------------------------------------------------------------------ the preference


def test_preference_order():
    base = rec(1, "x")
    ladder = [
        base._replace(license_type="permissive", star_events_count=0),
        base._replace(license_type="no_license", star_events_count=99),
        base._replace(license_type="non_permissive", star_events_count=999),
        base._replace(license_type="weird", star_events_count=9999),
    ]
    assert sorted(reversed(ladder), key=preference_key) == ladder
    starred = [base._replace(star_events_count=5, fork_events_count=0),
               base._replace(star_events_count=4, fork_events_count=9)]
    forks = [base._replace(fork_events_count=3), base._replace(fork_events_count=2)]
    dates = [base._replace(committer_date="2024-01-02T00:00:00+00:00"),
             base._replace(committer_date="2024-01-02T01:00:00+02:00"),  # earlier: 23:00 UTC the day before
             base._replace(committer_date=None)]
    names = [base._replace(repo_name="a/z", path="z.py"), base._replace(repo_name="b/a", path="a.py"),
             base._replace(repo_name="b/a", path="b.py")]
    for expected in (starred, forks, dates, names):
        for order in itertools.permutations(expected):
            assert best(order) == expected[0]
            assert sorted(order, key=preference_key) == expected


# ------------------------------------------------------------------ exact dedup (core)


def test_exact_dedup_keeps_preferred_copy_and_counts():
    copies = [rec(1, "same", repo_name=f"o/r{i}", star_events_count=i % 4, license_type=lt)
              for i, lt in enumerate(["non_permissive", "permissive", "no_license", "permissive", "permissive"])]
    other = rec(2, "other")
    for order in (copies + [other], list(reversed(copies + [other]))):
        count = DictCounter()
        kept = exact_dedup(order, count)
        assert kept == [copies[3], other]  # permissive with the most stars (3)
        assert dict(count) == {"kept": 2, "dropped:duplicate": 4, "duplicated_blobs": 1, "copies:5-8": 1}


def test_size_buckets():
    assert [size_bucket(n) for n in (2, 3, 4, 5, 8, 9, 4096, 4097)] == ["2", "3-4", "3-4", "5-8", "5-8", "9-16",
                                                                       "2049-4096", "4097-8192"]


# ------------------------------------------------------------------ connected components (core)


def star_rounds(edges, max_rounds=50):
    """The Beam algorithm's steps on plain sets; returns (labels, rounds that moved something)."""
    edges = {canonical(u, v) for u, v in edges if u != v}
    moved_rounds = 0
    for _ in range(max_rounds):
        moved = []
        neighbours = {}
        for u, v in edges:
            neighbours.setdefault(u, []).append(v)
            neighbours.setdefault(v, []).append(u)
        edges = {e for node in sorted(neighbours) for e in large_star(node, neighbours[node], moved.append)}
        smaller = {}
        for big, small in edges:
            smaller.setdefault(big, []).append(small)
        edges = {e for node in sorted(smaller) for e in small_star(node, smaller[node], moved.append)}
        if not moved:
            break
        moved_rounds += 1
    labels = {}
    for big, small in edges:
        labels[big] = min(labels.get(big, big), small)
        labels.setdefault(small, small)
    return labels, moved_rounds


@pytest.mark.parametrize("shape", ["random", "path", "star", "cliques"])
def test_large_small_star_equals_union_find(shape):
    rng = random.Random(shape)
    ids = [f"{rng.getrandbits(64):016x}" for _ in range(600)]
    if shape == "random":
        edges = [(rng.choice(ids), rng.choice(ids)) for _ in range(500)]
    elif shape == "path":
        edges = list(zip(ids, ids[1:]))
    elif shape == "star":
        edges = [(ids[0], other) for other in ids[1:]]
    else:
        edges = [(a, b) for k in range(0, 600, 20) for a, b in itertools.combinations(ids[k : k + 20], 2)]
    labels, rounds = star_rounds(edges)
    assert labels == components(edges)
    assert rounds <= 12  # the default max_rounds suffices (a 600-node path takes the most)


def test_components_reference():
    labels = components([("b", "a"), ("c", "b"), ("x", "y")])
    assert labels == {"a": "a", "b": "a", "c": "a", "x": "x", "y": "x"}
    assert groups(labels) == [["a", "b", "c"], ["x", "y"]]


# ------------------------------------------------------------------ planted near-duplicates


def planted_corpus(families, seed=7, low=150, high=500):
    """Bases of random tokens, each with one copy edited to a target Jaccard drawn from
    [0.3, 1.0] (replacing tokens at the rate that leaves that share of shingles), plus
    extra copies in a few families; ground truth is measured, not assumed."""
    rng = random.Random(seed)
    vocab = [f"w{i}" for i in range(20_000)]
    texts = []
    for _ in range(families):
        base = [rng.choice(vocab) for _ in range(rng.randint(low, high))]
        texts.append(" ".join(base))
        for _copy in range(1 if rng.random() < 0.8 else 3):
            target = rng.uniform(0.3, 1.0)
            keep = (2 * target / (1 + target)) ** (1 / 5)
            texts.append(" ".join(t if rng.random() < keep else rng.choice(vocab) for t in base))
    return texts


def brute_force_pairs(texts, threshold):
    """Every pair of files with exact Jaccard (of their 5-gram shingle sets) >= threshold."""
    from scipy import sparse

    ids = {}
    rows, cols = [], []
    for i, text in enumerate(texts):
        for shingle in set(shingles(text)):
            rows.append(i)
            cols.append(ids.setdefault(shingle, len(ids)))
    matrix = sparse.csr_matrix((np.ones(len(rows), dtype=np.int64), (rows, cols)), shape=(len(texts), len(ids)))
    sizes = np.asarray(matrix.sum(axis=1)).ravel()
    common = (matrix @ matrix.T).tocoo()
    pairs = set()
    for i, j, c in zip(common.row, common.col, common.data):
        if i < j and c / (sizes[i] + sizes[j] - c) >= threshold:
            pairs.add((int(i), int(j)))
    return pairs


def test_planted_near_duplicates_recall_and_precision():
    texts = planted_corpus(400)
    records = [rec(i, text) for i, text in enumerate(texts)]
    truth = brute_force_pairs(texts, 0.7)
    assert 150 < len(truth) < 400  # the corpus straddles the threshold
    _short, _signed, labels = near_components(records, NearDedupConfig(), DictCounter())
    index = {r.blob_id: i for i, r in enumerate(records)}
    predicted = set()
    for members in groups(labels):
        predicted.update(itertools.combinations(sorted(index[m] for m in members), 2))
    hits = len(predicted & truth)
    recall, precision = hits / len(truth), hits / len(predicted)
    assert recall >= 0.95 and precision >= 0.95, (recall, precision)


# ------------------------------------------------------------------ short files, preference, hot keys


def test_short_files_are_never_merged():
    records = [rec(i, text) for i, text in enumerate(["x = 1", "x = 1 ", "X=1", "", "", "pass", "a b c d"] * 20)]
    count = DictCounter()
    kept = near_dedup(records, NearDedupConfig(), count)
    assert sorted(kept) == sorted(records)
    assert dict(count) == {"short": 140, "kept": 140}


def test_kept_file_follows_the_preference():
    text = " ".join(f"tok{i}" for i in range(300))
    edited = text.replace("tok150 ", "changed ")
    family = [
        rec(1, text, license_type="non_permissive", star_events_count=500),
        rec(2, edited, license_type="permissive", star_events_count=3, repo_name="z/z"),
        rec(3, text + " extra", license_type="permissive", star_events_count=3, repo_name="a/a"),
        rec(4, edited + " more", license_type="no_license", star_events_count=900),
    ]
    for order in itertools.permutations(family):
        count = DictCounter()
        assert near_dedup(order, NearDedupConfig(), count) == [family[2]]
        assert count["components"] == 1 and count["component_size:3-4"] == 1 and count["dropped:near_duplicate"] == 3


def boilerplate(n):
    """``n`` different blobs of the same licence text (case and spacing differ): one hot bucket per band."""
    text = " ".join(f"clause{i} of the boilerplate licence" for i in range(60))
    return [rec(10**6 + i, text.upper() if i % 3 == 0 else text + "\n" * (i % 7), star_events_count=i % 11,
                repo_name=f"owner{i:05d}/repo") for i in range(n)]


def test_hot_bucket_is_one_star_component():
    records = boilerplate(3000)
    count = DictCounter()
    kept = near_dedup(records, NearDedupConfig(), count)
    assert kept == [best(records)]
    assert dict(count) == {
        "signatures": 3000, "lsh_buckets": 32, "candidate_pairs": 2999, "edges": 2999, "kept": 1,
        "dropped:near_duplicate": 2999, "components": 1, "component_files": 3000, "component_size:2049-4096": 1}


def test_band_groups_hold_the_buckets_of_full_band_keys_at_every_width():
    rng = random.Random(7)
    bands, rows = 4, 2
    # signatures sharing some bands: the same bucket members whatever the group width
    pool = [rng.getrandbits(32) for _ in range(6)]
    sigs = {f"{i:040x}": np.array([rng.choice(pool) for _ in range(bands * rows)], dtype=SIG_DTYPE).tobytes()
            for i in range(300)}
    expected = {}
    for node, sig in sigs.items():
        for key in band_keys(sig, bands, rows):
            expected.setdefault(key, []).append(node)
    for width in range(3, 11):
        groups_ = {}
        for node, sig in sigs.items():
            for group, entry in packed_band_entries(node, sig, bands, rows, width):
                groups_[group] = groups_.get(group, b"") + entry
        got = {}
        for group, data in groups_.items():
            for rest, members in group_buckets(data, width).items():
                got[group + rest] = members
        assert got == expected, width


def test_group_width_follows_the_number_of_signatures():
    assert group_width(0) == group_width(60_000) == group_width(524_288) == 3
    assert group_width(524_289) == 4
    assert group_width(600_000_000) == 5  # the archive: ~35 entries a group
    assert group_width(10**30) == 10  # never more than the band key


def test_exact_hot_key():
    records = [rec(7, "", path=f"empty{i}.py", repo_name=f"o{i % 50}/r", star_events_count=i % 13) for i in range(5000)]
    count = DictCounter()
    assert exact_dedup(records, count) == [best(records)]
    assert dict(count) == {"kept": 1, "dropped:duplicate": 4999, "duplicated_blobs": 1, "copies:4097-8192": 1}


# ------------------------------------------------------------------ Beam


def run(records, transform, expected_rows, mode="in_memory"):
    """Runs ``transform`` on the FnApiRunner (in process, or two worker processes), asserts
    the kept ``(repo_name, path, blob_id)`` rows, returns the counters."""
    options = PipelineOptions([], direct_num_workers=2 if mode == "multi_processing" else 1, direct_running_mode=mode)
    pipeline = beam.Pipeline(runner=FnApiRunner(), options=options)
    out = pipeline | beam.Create(records) | transform
    assert_that(out | "Rows" >> beam.Map(lambda r: (r.repo_name, r.path, r.blob_id)), equal_to(expected_rows))
    result = pipeline.run()
    result.wait_until_finish()
    return collect_counters(result)


def mixed_corpus():
    texts = planted_corpus(60, seed=11, low=60, high=200) + ["x = 1", "pass", ""] * 3
    records = [rec(i, t, star_events_count=i % 5) for i, t in enumerate(texts)]
    # exact copies in other repositories, one with a better license
    records += [r._replace(repo_name="copy/" + r.repo_name, license_type="no_license") for r in records[::4]]
    records += [r._replace(repo_name="better/repo", star_events_count=50) for r in records[::9]]
    return records


def expected(records, config):
    exact_count, near_count = DictCounter(), DictCounter()
    kept = near_dedup(exact_dedup(records, exact_count), config, near_count)
    return sorted((r.repo_name, r.path, r.blob_id) for r in kept), dict(exact_count), dict(near_count)


def beam_counts(counters, stage):
    return {k: v for k, v in counters.get(stage, {}).items() if not k.startswith("cc_")}


class Both(beam.PTransform):
    def __init__(self, config):
        super().__init__()
        self._config = config

    def expand(self, records):
        return records | ExactDedup() | NearDedup(self._config)


@pytest.mark.slow
def test_beam_stages_equal_the_core_in_process_and_two_workers():
    # planted near-duplicates, exact copies, short files, and a hot key for both stages:
    # 1200 blobs of the same boilerplate (one bucket per band), 300 of them in a second place
    hot = boilerplate(1200)
    records = mixed_corpus() + hot + [r._replace(path="again/" + r.path) for r in hot[:300]]
    config = NearDedupConfig(max_rounds=3)  # this corpus converges in one round (cc_unconverged proves it)
    kept, exact_counts, near_counts = expected(records, config)
    assert exact_counts["copies:2"] >= 300 and near_counts["component_size:1025-2048"] == 1
    assert near_counts["short"] > 0 and near_counts["components"] > 10
    for mode in ("in_memory", "multi_processing"):  # both equal the core, so each other
        counters = run(records, Both(config), kept, mode)
        assert counters["exact_dedup"] == exact_counts
        assert beam_counts(counters, "near_dedup") == near_counts
        assert counters["near_dedup"].get("cc_unconverged", 0) == 0


@pytest.mark.slow
@pytest.mark.parametrize("verify,max_rounds", [("estimated", NearDedupConfig.max_rounds), ("none", 2)])
def test_beam_near_dedup_other_verifications(verify, max_rounds):
    config = NearDedupConfig(verify=verify, max_rounds=max_rounds)
    records = exact_dedup(mixed_corpus(), DictCounter()) + boilerplate(200)
    kept, _exact, near_counts = expected(records, config)
    counters = run(records, NearDedup(config), kept)
    assert beam_counts(counters, "near_dedup") == near_counts
    assert near_counts["component_size:129-256"] == 1
    assert counters["near_dedup"].get("cc_unconverged", 0) == 0


def test_stages_are_wired_after_the_filters_and_before_the_sink(tmp_path):
    from pipeline.graph import STAGES, build_graph

    class Source(beam.PTransform):
        def expand(self, pbegin):
            files = pbegin | "Files" >> beam.Create([rec(1, "x")])
            return files, pbegin | "NoRejects" >> beam.Create([])

    pipeline = beam.Pipeline()
    build_graph(pipeline, Source(), Config(), str(tmp_path))
    top = [t for t in pipeline.transforms_stack[0].parts]
    labels = [t.full_label for t in top]
    exact, near = labels.index("exact_dedup"), labels.index("near_dedup")
    assert top[near].main_inputs["None"] is top[exact].outputs[None]
    consumers = [t.full_label for t in top if top[near].outputs[None] in t.main_inputs.values()]
    assert consumers and all(labels.index(c) > near for c in consumers)
    order = list(STAGES)
    assert order.index("decode") < order.index("exact_dedup") == order.index("near_dedup") - 1
    assert order.index("near_dedup") < order.index("sink")
