"""Each unique blob fetched and decoded once: a corpus of forks (tests/forks.py) through the
decode stage and through a whole build, against the stage as it was (every copy read)."""

import functools
import json
import os
import threading

import apache_beam as beam
import pytest

from forks import build_forks, tree_blobs
from pipeline.build import run_build
from pipeline.sources.git import ReadGitRepositories
from swh_export_builder import run_and_collect
from transforms import fetch
from transforms.base import DictCounter, Stage, apply_core
from transforms.fetch import DecodeConfig, FetchDecode, GitBlobReader

pytestmark = pytest.mark.slow
QUIET = lambda msg: None  # noqa: E731


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    root = tmp_path_factory.mktemp("forks")
    folders = build_forks(str(root))
    occurrences = [(origin, path, oid) for origin, folder in sorted(folders.items()) for path, oid in tree_blobs(folder)]
    return {"root": str(root), "occurrences": occurrences, "unique": sorted({oid for *_, oid in occurrences})}


@pytest.fixture
def reads(monkeypatch):
    """The content id of every blob the git reader reads in this process (in-process runner)."""
    seen = []
    lock = threading.Lock()
    real = GitBlobReader.__call__

    def counting(self, record):
        with lock:
            seen.append(record.content_id)
        return real(self, record)

    monkeypatch.setattr(GitBlobReader, "__call__", counting)
    return seen


class PerRecordDecode(beam.PTransform):
    """The decode stage as it was: a Reshuffle, then every record read and decoded by itself."""

    def __init__(self, config, readers=None, cache=None, cache_out=None, previous=None):
        assert cache is None and cache_out is None and previous is None  # builds without --cache or --previous
        super().__init__(label=fetch.STAGE)
        self._config, self._readers = config, dict(readers or {})

    def expand(self, records):
        return (records | "Spread" >> beam.Reshuffle()
                | Stage(fetch.STAGE, functools.partial(fetch.make_core, self._config, self._readers)))


def by_place(items):
    return sorted(items, key=lambda item: (item.repo_name, item.path))


def test_the_corpus_is_mostly_copies(corpus):
    assert (len(corpus["occurrences"]), len(corpus["unique"])) == (77, 13)


def test_decode_reads_each_blob_once_and_gives_every_occurrence_what_it_got_before(corpus, reads, tmp_path):
    config = DecodeConfig(detect_encoding=False)  # the Latin-1 file: a dead letter in every repository holding it

    def build(pipeline):
        files, _rejects = pipeline | ReadGitRepositories(corpus["root"])
        decoded, decode_rejects = files | FetchDecode(config)
        return {"files": files, "decoded": decoded, "decode_rejects": decode_rejects}

    got, counters = run_and_collect(str(tmp_path), build)
    assert sorted(reads) == corpus["unique"]  # one read per blob
    decode = counters["decode"]
    assert decode["blobs:fetched"] == len(corpus["unique"]) < decode["blobs:occurrences"] == len(corpus["occurrences"])

    # the reference: each occurrence read and decoded by itself (the stage before), same counters
    count, kept, rejects = DictCounter(), [], []
    core = fetch.make_core(config)
    for record in got["files"]:
        for out in apply_core(fetch.STAGE, core, record, count):
            (rejects.append(out.value) if isinstance(out, beam.pvalue.TaggedOutput) else kept.append(out))
    assert by_place(got["decoded"]) == by_place(kept)
    assert by_place(got["decode_rejects"]) == by_place(rejects)
    assert {name: n for name, n in decode.items() if not name.startswith("blobs:")} == count
    # each copy's reject names its own repository and path
    assert sorted((r.repo_name, r.path, r.reason) for r in got["decode_rejects"]) == [
        (f"{owner}/textkit", "legacy/readme-fr.txt", "undecodable")
        for owner in ("acme", "alice", "bob", "carol", "dave", "mirror-bot")]
    # the same blob under two names keeps each name's extension
    notes = {(r.repo_name, r.path): (r.extension, r.content_id) for r in got["decoded"] if "notes" in r.path.lower()}
    assert notes[("carol/textkit", "NOTES.txt")][0] == "txt" and notes[("carol/textkit", "docs/notes.md")][0] == "md"
    assert notes[("carol/textkit", "NOTES.txt")][1] == notes[("carol/textkit", "docs/notes.md")][1]


def release_files(folder):
    """``{path: sha256}`` of a release, manifest.json aside (its counters differ, see below)."""
    with open(os.path.join(folder, "SHA256SUMS"), encoding="utf-8") as handle:
        sums = dict(reversed(line.rstrip("\n").split("  ", 1)) for line in handle)
    sums.pop("manifest.json")
    return sums


def manifest_of(folder, blob_counters=True):
    with open(os.path.join(folder, "manifest.json"), encoding="utf-8") as handle:
        manifest = json.load(handle)
    if blob_counters:
        return manifest
    counters = manifest["stages"]["decode"].get("counters", {})
    for name in [n for n in counters if n.startswith("blobs:")]:
        del counters[name]
    return manifest


def test_a_build_of_forks_reads_each_blob_once_and_releases_the_same_bytes(corpus, reads, tmp_path, monkeypatch):
    grouped_out, per_record_out = str(tmp_path / "grouped"), str(tmp_path / "per-record")
    grouped = run_build(f"git:{corpus['root']}", grouped_out, "0.1.0", log=QUIET)
    grouped_reads = list(reads)
    del reads[:]
    monkeypatch.setattr(fetch, "FetchDecode", PerRecordDecode)
    per_record = run_build(f"git:{corpus['root']}", per_record_out, "0.1.0", log=QUIET)

    # the reader saw each blob once (before: each occurrence), and the manifest says so
    assert sorted(grouped_reads) == corpus["unique"]
    assert sorted(reads) == sorted(oid for *_, oid in corpus["occurrences"])
    decode = grouped["stages"]["decode"]
    assert decode["counters"]["blobs:fetched"] == len(grouped_reads) == 13
    assert decode["counters"]["blobs:occurrences"] == len(corpus["occurrences"]) == 77
    assert decode["kept"] + decode["dropped_total"] == 77
    # the same release, byte for byte: shards, rejects, card, changelog, plots; the manifest
    # differs only by the two new counters
    assert release_files(grouped_out) == release_files(per_record_out)
    assert manifest_of(grouped_out, blob_counters=False) == manifest_of(per_record_out)
    assert "blobs:fetched" not in per_record["stages"]["decode"].get("counters", {})
