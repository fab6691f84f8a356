"""The per-blob result cache (``build --cache``): the cores' cached paths give what the
computed ones give, the store survives damage and concurrent builds, and a release is
byte-identical with or without the cache."""

import json
import os
import shutil
import threading

import pytest

from transforms.cache import memo as memo_mod
from transforms.cache import store
from transforms.cache.memo import Entry, Memo, memo_of
from transforms.record import CodeFile

QUIET = lambda msg: None  # noqa: E731


def record(**fields):
    base = dict(blob_id="a" * 40, content_id="b" * 40, directory_id="", path="src/x.py", repo_name="o/r",
                snapshot_id="s", revision_id="r", branch_name="main")
    base.update(fields)
    return CodeFile(**base)


# --------------------------------------------------------------------------- memo


def test_memo_of_takes_one_payload_per_stage_the_longest_then_the_smallest():
    pairs = [("license", b"[1]"), ("decode", b"b"), ("license", b"[1,2]"), ("decode", b"a")]
    assert memo_of(pairs) == (("decode", b"a"), ("license", b"[1,2]"))
    assert memo_of(reversed(pairs)) == memo_of(pairs)  # never the arrival order


def test_a_disabled_memo_neither_answers_nor_keeps():
    memo = Memo("redact", enabled=False)
    rec = record(memo=(("redact", b"[]"),))
    assert memo.get(rec) is None
    memo.put(rec, b"[]")
    assert memo.drain() == []
    on = Memo("redact", enabled=True)
    assert on.get(rec) == b"[]" and on.get(record()) is None and on.take_counts() == (1, 1)
    on.put(rec, b"x")
    assert on.drain() == [Entry("a" * 40, "b" * 40, "redact", b"x")] and on.drain() == []


def test_stage_versions_change_with_what_the_answers_depend_on(monkeypatch):
    from pipeline.config import Config
    from pipeline.versions import data_versions
    from transforms.cache import stage_versions
    import dataclasses

    config, data = Config(), dict(data_versions())
    base = stage_versions(config.decode, config.license, config.language, config.near_dedup, config.redact, data)
    assert sorted(base) == sorted(memo_mod.CACHED_STAGES)
    near = dataclasses.replace(config.near_dedup, num_perm=128)
    changed = stage_versions(config.decode, config.license, config.language, near, config.redact, data)
    assert changed["near_dedup"] != base["near_dedup"]
    assert {k: v for k, v in changed.items() if k != "near_dedup"} == {k: v for k, v in base.items() if k != "near_dedup"}
    # a setting no cached answer depends on (the threshold is applied after the signatures) changes nothing
    loose = dataclasses.replace(config.near_dedup, threshold=0.8)
    assert stage_versions(config.decode, config.license, config.language, loose, config.redact, data) == base
    from transforms.redact import RedactConfig

    high = stage_versions(config.decode, config.license, config.language, config.near_dedup,
                          RedactConfig(sensitivity="high"), data)
    assert high["redact"] != base["redact"] and high["license"] == base["license"]
    import transforms.cache as cache_mod

    real_digest = cache_mod._file_digest  # the given-name list is part of what the redaction's answers depend on
    monkeypatch.setattr(cache_mod, "_file_digest",
                        lambda relative: "other" if relative.endswith("given_names.txt") else real_digest(relative))
    other_names = stage_versions(config.decode, config.license, config.language, config.near_dedup, config.redact, data)
    monkeypatch.undo()
    assert other_names["redact"] != base["redact"] and other_names["license"] == base["license"]
    newer = dict(data, **{"scancode-toolkit": "99.0"})
    assert stage_versions(config.decode, config.license, config.language, config.near_dedup, config.redact,
                          newer)["license"] != base["license"]


# --------------------------------------------------------------------------- the cores' cached paths


@pytest.mark.parametrize("raw", [
    b"plain ascii\nline two\n",
    "caf\u00e9 \u00fcber\n".encode("utf-8"),
    b"\xef\xbb\xbfwith a BOM\n",
    "\u00fcber caf\u00e9 na\u00efve r\u00e9sum\u00e9 ".encode("utf-8") * 5 + b"\xff torn\n",  # damaged UTF-8
    "Gr\u00fc\u00dfe aus M\u00fcnchen, sch\u00f6ne Stra\u00dfe\n".encode("cp1252") * 3,
    b"\x00\x01binary",
    b"\xff\xfe" + "wide\n".encode("utf-16-le"),
])
def test_a_cached_decode_gives_what_decoding_gives(raw):
    import hashlib

    from transforms.fetch import DecodeConfig, blob_from_memo, decode_blob, decode_blob_memo

    blob_id = hashlib.sha1(raw).hexdigest()
    config = DecodeConfig()
    shared, payload = decode_blob_memo(raw, blob_id, config)
    assert shared == decode_blob(raw, blob_id, config)
    assert blob_from_memo(raw, blob_id, payload) == shared


def test_a_bad_decode_entry_costs_a_decode_not_the_record():
    from transforms.fetch import Blob, DecodeConfig, MemoDecoder

    memo = Memo("decode", enabled=True)
    decoder = MemoDecoder(DecodeConfig(), memo, b"{not json")
    shared = decoder(record(), (b"x = 1\n", "c" * 40))
    assert isinstance(shared, Blob) and shared.content == "x = 1\n"
    assert [e.stage for e in memo.drain()] == ["decode"]  # and a good entry is written


def test_cached_findings_redact_like_a_scan():
    from transforms.base import DictCounter
    from transforms.redact import Redactor, findings_payload, make_core

    text = "email = 'jane.doe@gmail.com'\nkey = 'AKIAIOSFODNN7EXAMPLE'\nhost = '52.14.7.80'\n"
    fresh = make_core(cached=True)
    out = fresh(record(content=text), DictCounter())
    (entry,) = fresh.memo.drain()
    assert entry.payload == findings_payload(*Redactor().find_all(text))
    cached = make_core(cached=True)
    cached.memo.enabled = True
    counts = DictCounter()
    again = cached(record(content=text, memo=(("redact", entry.payload),)), counts)
    assert again == out and again.memo == () and cached.memo.drain() == []
    assert cached.memo.take_counts() == (1, 0)
    # the scan is not run for a cached blob: a payload saying "nothing" leaves the secrets
    assert cached(record(content=text, memo=(("redact", findings_payload(())),)), DictCounter()).content == text


def test_the_content_model_is_asked_once_per_blob():
    from transforms.language import ModelAnswers

    class Model:
        name = "fake"
        calls = 0

        def guess(self, text):
            Model.calls += 1
            return ("Python", 0.9731)

        def language_scores(self, text):
            Model.calls += 1
            return {"Python": 0.5, "Ruby": 0.25}

    first = ModelAnswers(Model())
    assert first.guess("x") == ("Python", 0.9731) and first.language_scores("x")["Ruby"] == 0.25 and first.new
    payload = memo_mod.dumps(first.answers)
    second = ModelAnswers(Model(), memo_mod.loads(payload))
    assert second.guess("x") == ("Python", 0.9731) and second.language_scores("x") == {"Python": 0.5, "Ruby": 0.25}
    assert Model.calls == 2 and not second.new


def test_cached_scans_never_load_scancode():
    from transforms.license.engine import MemoScanner, ScanResult

    def no_scancode():
        raise AssertionError("the index was loaded")

    payload = memo_mod.dumps([["file", "a" * 40, True, ["MIT"], True, False, []]])
    scanner = MemoScanner(no_scancode, payload)
    assert scanner.scan(("file", "a" * 40), "text", approximate=True) == (ScanResult(("MIT",), True, False), True)
    assert scanner.from_cache == 1 and scanner.computed == 0 and not scanner.new


def test_cached_signatures_and_shingle_sets_match_signing():
    import numpy as np

    from transforms.dedup.minhash import MinHasher

    texts = ["def f(x):\n    return x * 2 + 1  # double it then add one\n" * 3, "too short", "a b c d e f g h"]
    hasher = MinHasher(256, 1, 5)
    sigs, sets = hasher.sign(texts, shingle_sets=True)
    for got, want in zip(hasher.shingle_sets(texts), sets):
        assert (got is None and want is None) or np.array_equal(got, want)


# --------------------------------------------------------------------------- the store


def entries(n, stage="redact", prefix=""):
    return [Entry(f"{prefix}{i:040x}"[-40:], f"{i:040x}", stage, b"[]") for i in range(n)]


def test_a_shard_reads_back_and_a_damaged_one_is_refused(tmp_path):
    info = store.write_shard(str(tmp_path), "redact", "v1", entries(5))
    table = store.read_shard(info["path"], info["sha256"], info["bytes"])
    assert [row[4] for row in store.entries_of(table)] == [b"[]"] * 5
    data = open(info["path"], "rb").read()
    for damage in (data[: len(data) // 2], data[:-1] + b"\x00"):
        with open(info["path"], "wb") as handle:
            handle.write(damage)
        with pytest.raises(store.ShardDamaged):
            store.read_shard(info["path"], info["sha256"], info["bytes"])
    os.remove(info["path"])
    with pytest.raises(store.ShardDamaged):
        store.read_shard(info["path"], info["sha256"], info["bytes"])


def publish_build(root, stage, version, n, used=None, release="0.1.0", created=None, prefix=""):
    build = store.new_build_id()
    folder = store.join(root, store.SHARDS, build)
    info = store.write_shard(folder, stage, version, entries(n, stage, prefix))
    index = {"build": build, "kind": "build", "release": release, "versions": {stage: version},
             "shards": [{**info, "path": store.relative(root, info["path"])}], "used": used or {}}
    if created:
        index["created"] = created
    store.publish_index(root, index)
    return index["shards"][0]["path"]


def test_builds_publishing_at_once_keep_every_shard(tmp_path):
    root = str(tmp_path / "cache")
    errors = []

    def one(i):
        try:
            publish_build(root, "redact", "v1", 3, prefix=str(i))
        except Exception as exc:  # pragma: no cover - shown by the assert
            errors.append(exc)

    threads = [threading.Thread(target=one, args=(i,)) for i in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    reads, stale = store.plan_reads(root, {"redact": "v1"})
    assert len(reads) == 8 and stale == {}
    assert not [name for name in os.listdir(os.path.join(root, "index")) if name.endswith(".tmp")]


def test_reads_take_the_current_version_and_count_the_stale(tmp_path):
    root = str(tmp_path)
    publish_build(root, "redact", "old", 4)
    publish_build(root, "redact", "new", 2)
    publish_build(root, "decode", "d1", 3)
    reads, stale = store.plan_reads(root, {"redact": "new", "decode": "d1"})
    assert sorted(r["stage"] + r["version"] for r in reads) == ["decoded1", "redactnew"] and stale == {"redact": 4}
    # an index that is not one is skipped with a warning, the others still count
    (tmp_path / "index" / "0-broken.json").write_text("{not json")
    assert len(store.plan_reads(root, {"redact": "new", "decode": "d1"})[0]) == 2


def test_prune_keeps_what_the_last_builds_wrote_or_used(tmp_path):
    root = str(tmp_path)
    old_unused = publish_build(root, "redact", "v1", 3, created="2026-01-01T00:00:00.000000Z", prefix="1")
    old_used = publish_build(root, "redact", "v1", 3, created="2026-02-01T00:00:00.000000Z", prefix="2")
    recent = publish_build(root, "redact", "v1", 3, created="2026-03-01T00:00:00.000000Z", prefix="3",
                           used={old_used: 2})
    orphan_folder = tmp_path / "shards" / "deadbuild"
    orphan = store.write_shard(str(orphan_folder), "redact", "v1", entries(2))
    os.utime(orphan["path"], (1, 1))  # written long ago by a build that died
    young = store.write_shard(str(tmp_path / "shards" / "running"), "redact", "v1", entries(2))
    before = store.stats(root)
    assert before["shards"] == 3 and before["orphan_files"] == 2
    report = store.prune(root, keep=1)
    assert report["dropped_shards"] == 1 and report["orphan_files"] == 1
    assert not os.path.exists(os.path.join(root, old_unused)) and not os.path.exists(orphan["path"])
    assert os.path.exists(young["path"])  # a build still running keeps its shards
    reads, _ = store.plan_reads(root, {"redact": "v1"})
    assert sorted(r["path"] for r in reads) == sorted([old_used, recent])
    kinds = sorted(i.get("kind") for i in store.read_indexes(root))
    assert kinds == ["build", "prune"]
    with pytest.raises(ValueError):
        store.prune(root, keep=0)


# --------------------------------------------------------------------------- builds


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from gitrepos import beam_home, make_repo
    from pipeline.samples import MIT_LICENSE, build_samples

    root = tmp_path_factory.mktemp("cache-corpus")
    with beam_home(root):
        v1 = root / "v1"
        build_samples(str(v1))
        v2 = root / "v2"
        shutil.copytree(v1, v2)
        make_repo(v2, "newcomer", {"LICENSE": MIT_LICENSE, "pkg/core.py": "def newcomer(x):\n    return x + 1\n",
                                   "README.md": "# newcomer\n\nMail jane.doe@gmail.com for help.\n",
                                   # no name, extension or shebang says what it is: the content model is asked
                                   "scripts/runme": "import sys\n\n\ndef main(argv):\n    for arg in argv:\n"
                                                    "        print(arg.upper())\n\n\nif __name__ == '__main__':\n"
                                                    "    main(sys.argv[1:])\n"})
    return {"v1": str(v1), "v2": str(v2), "root": root}


@pytest.mark.slow
def test_a_cached_build_releases_the_same_bytes(corpus, tmp_path):
    from pipeline.build import run_build
    from pipeline.cache import cache_counters

    cache = str(tmp_path / "cache")
    runs = {}

    def build(name, source, cache=None):
        seen = {}
        out = str(tmp_path / name)
        run_build(f"git:{source}", out, "0.1.0", log=QUIET, cache=cache,
                  on_result=lambda result: seen.update(cache_counters(result)))
        runs[name] = (open(os.path.join(out, "SHA256SUMS")).read(), seen)

    build("v1-fill", corpus["v1"], cache)
    build("v2-cold", corpus["v2"])
    build("v2-cached", corpus["v2"], cache)
    build("v2-again", corpus["v2"], cache)
    assert runs["v2-cached"][0] == runs["v2-cold"][0] == runs["v2-again"][0]
    cached = runs["v2-cached"][1]
    assert cached["decode:hit"] > 0 and cached["decode:miss"] > 0  # the new repository's blobs
    assert cached["redact:hit"] > 0 and cached.get("shards:damaged", 0) == 0
    again = runs["v2-again"][1]
    assert not [k for k in again if k.endswith(":miss")], again  # the second v2 build computes nothing
    stats = store.stats(cache)
    assert [b["release"] for b in stats["builds"]] == ["0.1.0"] * 3 and stats["orphan_files"] == 0
    assert {s["stage"] for s in stats["stages"]} == set(memo_mod.CACHED_STAGES)


@pytest.mark.slow
def test_damaged_and_stale_entries_are_never_used(corpus, tmp_path, caplog):
    from pipeline.build import run_build
    from pipeline.cache import cache_counters

    cache, cold = str(tmp_path / "cache"), str(tmp_path / "cold")
    run_build(f"git:{corpus['v2']}", cold, "0.1.0", log=QUIET)
    run_build(f"git:{corpus['v2']}", str(tmp_path / "fill"), "0.1.0", log=QUIET, cache=cache)
    (index_path,) = [os.path.join(cache, "index", n) for n in os.listdir(os.path.join(cache, "index"))]
    index = json.load(open(index_path))
    by_stage = {s["stage"]: s for s in index["shards"]}
    # the redaction shard cut short, the language shard's entries rewritten with wrong answers
    # under another version, the license shard's bytes rewritten (its checksum no longer holds)
    redact_path = os.path.join(cache, by_stage["redact"]["path"])
    data = open(redact_path, "rb").read()
    open(redact_path, "wb").write(data[: len(data) // 3])
    language = by_stage["language"]
    wrong = [Entry(e[0], e[1], "language", memo_mod.dumps({"guess": ["COBOL", 1.0], "scores": {"COBOL": 1.0}}))
             for e in store.entries_of(store.read_shard(os.path.join(cache, language["path"])))]
    info = store.write_shard(os.path.dirname(os.path.join(cache, language["path"])), "language", "not-current", wrong)
    license_path = os.path.join(cache, by_stage["license"]["path"])
    lic = store.read_shard(license_path)
    poisoned = [Entry(b, c, "license", memo_mod.dumps([])) for b, c, *_ in store.entries_of(lic)]
    open(license_path, "wb").write(store.encode_shard(poisoned, by_stage["license"]["version"]))
    store.publish_index(cache, {"build": "other", "kind": "build", "release": "0.0.9",
                                "shards": [{**info, "path": store.relative(cache, info["path"])}], "used": {}})
    seen = {}
    logs = []
    out = str(tmp_path / "again")
    with caplog.at_level("WARNING"):
        run_build(f"git:{corpus['v2']}", out, "0.1.0", log=logs.append, cache=cache,
                  on_result=lambda result: seen.update(cache_counters(result)))
    assert open(os.path.join(out, "SHA256SUMS")).read() == open(os.path.join(cold, "SHA256SUMS")).read()
    assert seen["shards:damaged"] == 2 and seen["redact:miss"] > 0 and seen.get("redact:hit", 0) == 0
    assert any("language entries of another version not used" in line for line in logs)
    assert "shard skipped" in caplog.text


@pytest.mark.slow
def test_cache_cli_stats_and_prune(corpus, tmp_path, capsys):
    from pipeline.cli import main

    cache = str(tmp_path / "cache")
    assert main(["build", "--source", f"git:{corpus['v1']}", "--output", str(tmp_path / "r1"),
                 "--release-version", "0.1.0", "--cache", cache]) == 0
    capsys.readouterr()
    assert main(["cache", "stats", cache, "--json"]) == 0
    stats = json.loads(capsys.readouterr().out)
    assert stats["rows"] > 0 and len(stats["builds"]) == 1
    assert all(s["current"] for s in stats["stages"])
    assert main(["cache", "stats", cache]) == 0
    text = capsys.readouterr().out
    assert "redact" in text
    assert main(["cache", "prune", cache, "--keep", "1"]) == 0
    assert "dropped 0 shard" in capsys.readouterr().out
    assert main(["cache", "stats", str(tmp_path / "nowhere")]) == 2
    assert main(["cache", "prune", cache, "--keep", "0"]) == 2
