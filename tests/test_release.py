"""Releases: manifest v1 and its schema, verify, changelog and diff, dataset card and plots, query.

The fast tests use small releases written by tests/releases.py; the slow ones build
v0.1.0 and v0.2.0 (one repository added, --previous, --tokenizer) with the pipeline
and read them with datasets and DuckDB.
"""

import copy
import glob
import hashlib
import json
import os
import re
import shutil

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from PIL import Image

from manifests.card import parse_front_matter, write_plots
from manifests.changelog import HEADER, diff_releases, format_entry, prepend_entry
from manifests.checksums import write_sums
from manifests.manifest import read_manifest, schema_problems, write_manifest
from manifests.verify import verify_release
from pipeline.cli import main
from pipeline.samples import mit_license
from releases import record, write_release

DATE = re.compile(r"\b(19|20)\d\d-\d\d-\d\d\b")

V1 = [
    record("octo/alpha", "a.py", "def add(a, b):\n    return a + b\n", tokens=9),
    record("octo/alpha", "b.js", "const x = 1;\n", language="JavaScript", licenses=("Apache-2.0",), tokens=5),
    record("octo/beta", "c.py", "print('hello')\n", tokens=4),
    record("octo/beta", "d.cpp", "int main() { return 0; }\n", language="C++", licenses=("BSD-3-Clause", "MIT"),
           tokens=8),
    record("octo/beta", "x.fst", "module X\n", language="F*", licenses=("Apache-2.0",), tokens=3),
]
TOKENIZER = {"file": "tokenizer.model", "kind": "sentencepiece", "sha256": "f" * 64, "vocab_size": 256000}


def v2_records():
    """v1 minus b.js, plus a new repository (two Python files, one Go file)."""
    kept = [r for r in V1 if r.path != "b.js"]
    return kept + [
        record("octo/gamma", "e.py", "import os\nprint(os.sep)\n", tokens=7),
        record("octo/gamma", "f.py", "x = [i * i for i in range(3)]\n", tokens=11),
        record("octo/gamma", "g.go", "package main\n", language="Go", licenses=("MIT",), tokens=3),
    ]


@pytest.fixture(scope="module")
def two_releases(tmp_path_factory):
    """v0.1.0 and v0.2.0 (written once; tests that damage a release copy it first)."""
    root = tmp_path_factory.mktemp("releases")
    old, new = str(root / "0.1.0"), str(root / "0.2.0")
    write_release(old, "0.1.0", V1, tokenizer=TOKENIZER)
    config = {"decode": {"max_bytes": 1_000_000}, "sink": {"zstd_level": 9}}
    write_release(new, "0.2.0", v2_records(), previous=old, tokenizer=TOKENIZER, config=config)
    return old, new


def copy_of(release, tmp_path):
    target = str(tmp_path / "copy")
    shutil.copytree(release, target)
    return target


# ---------------------------------------------------------------------------
# manifest v1 and verify
# ---------------------------------------------------------------------------


def test_manifest_v1_conforms_to_its_schema_and_holds_the_counts(two_releases):
    root = two_releases[0]
    manifest = read_manifest(root)
    assert schema_problems(manifest) == []
    assert manifest["inputs"] == {"source_kind": "git", "export_version": None, "snapshots_digest": "a" * 64,
                                  "registry_digest": None, "tokenizer": TOKENIZER}
    assert manifest["languages"]["Python"] == {
        "shards": 1, "files": 2, "parquet_bytes": manifest["languages"]["Python"]["parquet_bytes"],
        "content_bytes": len(V1[0].content) + len(V1[2].content), "tokens": 13, "repositories": 2}
    assert manifest["totals"]["tokens"] == 29 and manifest["totals"]["repositories"] == 2
    assert manifest["licenses"] == {"Apache-2.0": 2, "BSD-3-Clause": 1, "MIT": 3}
    assert [f["path"] for f in manifest["files"]] == [
        "CHANGELOG.md", "README.md", "plots/bytes_per_language.png", "plots/files_per_language.png",
        "plots/funnel.png", "plots/licenses.png", "plots/tokens_per_language.png"]
    assert verify_release(root) == []


def test_schema_names_what_is_wrong(two_releases):
    bad = copy.deepcopy(read_manifest(two_releases[0]))
    bad["version"] = "1.0"
    del bad["inputs"]
    bad["shards"][0]["sha256"] = "xyz"
    problems = schema_problems(bad)
    assert len(problems) == 3
    assert any(p.startswith("manifest.json: (top level): 'inputs' is a required property") for p in problems)
    assert any(p.startswith("manifest.json: version: '1.0' does not match") for p in problems)
    assert any(p.startswith("manifest.json: shards/0: 'xyz' is not valid") or "shards/0/sha256" in p for p in problems)


def rewrite(root, manifest, shard):
    """Make the manifest and SHA256SUMS agree with a replaced ``shard`` file (only verify's deeper checks remain)."""
    full = os.path.join(root, shard["path"])
    shard.update(sha256=hashlib.sha256(open(full, "rb").read()).hexdigest(), bytes=os.path.getsize(full),
                 rows=pq.ParquetFile(full).metadata.num_rows)
    for language, entry in manifest["languages"].items():
        shards = [s for s in manifest["shards"] if s["language"] == language]
        entry.update(files=sum(s["rows"] for s in shards), parquet_bytes=sum(s["bytes"] for s in shards))
    manifest["totals"].update(files=sum(s["rows"] for s in manifest["shards"]),
                              parquet_bytes=sum(s["bytes"] for s in manifest["shards"]))
    write_manifest(root, manifest)
    write_sums(root)


def test_verify_checks_schema_row_counts_parquet_schema_and_language(two_releases, tmp_path):
    root = copy_of(two_releases[0], tmp_path)
    manifest = read_manifest(root)
    shard = next(s for s in manifest["shards"] if s["language"] == "Python")
    full = os.path.join(root, shard["path"])

    # a shard whose Parquet schema is not the release schema (a column dropped), checksums updated
    pq.write_table(pq.read_table(full).drop_columns(["gha_language"]), full)
    rewrite(root, manifest, shard)
    assert verify_release(root) == [
        f"{shard['path']}: Parquet schema differs from the release schema in manifest.json: column 'gha_language' missing"]

    # rows from another language
    shutil.copy(os.path.join(root, manifest["shards"][0]["path"]), full)
    rewrite(root, manifest, shard)
    assert verify_release(root) == [f"{shard['path']}: holds language(s) ['C++'] but manifest.json says 'Python'"]

    # a manifest that breaks the schema
    manifest["manifest_version"] = 2
    rewrite(root, manifest, shard)
    assert verify_release(root) == ["manifest.json: manifest_version 2: this codestack reads version 1"]


def test_verify_checks_the_card_the_changelog_and_the_plots(two_releases, tmp_path):
    root = copy_of(two_releases[0], tmp_path)
    with open(os.path.join(root, "README.md"), "a") as handle:
        handle.write("edited\n")
    problems = verify_release(root)
    assert any(p.startswith("README.md: sha256") and "SHA256SUMS" in p for p in problems)
    assert any(p.startswith("README.md: ") and "bytes" in p and "manifest.json" in p for p in problems)
    assert main(["verify", root]) == 1


# ---------------------------------------------------------------------------
# changelog and diff
# ---------------------------------------------------------------------------


def test_changelog_names_the_difference_and_diff_prints_the_same(two_releases, capsys):
    old, new = two_releases
    changelog = open(os.path.join(new, "CHANGELOG.md")).read()
    assert changelog.startswith(HEADER)
    top = changelog[len(HEADER) + 1: changelog.index("\n## 0.1.0")]
    assert changelog.index("## 0.2.0") < changelog.index("## 0.1.0")  # newest first, old entry kept
    assert open(os.path.join(old, "CHANGELOG.md")).read()[len(HEADER):] in changelog
    assert main(["diff", old, new]) == 0
    assert capsys.readouterr().out == top
    assert "| Go (new) | 1 | +1 | 0 | 0 | +13 | 0 | +3 | 0 |" in top
    assert "| JavaScript (gone) | 0 | 0 | -1 | 0 | 0 | -13 | 0 | -5 |" in top
    assert "| Python | 4 | +2 | 0 | 0 | +54 | 0 | +18 | 0 |" in top
    assert "| **all** | 7 | +3 | -1 | 0 | +67 | -13 | +21 | -5 |" in top
    assert "| C++" not in top  # identical shards are not read
    assert "1 repository added, 0 removed: 3 in this release (2 before)." in top
    assert "- `decode.max_bytes`: `10000000` → `1000000`" in top
    assert not DATE.search(changelog)
    assert main(["diff", old, new, "--format", "json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["repositories"] == {"before": 2, "after": 3, "added": 1, "removed": 0}
    assert diff_releases(old, new) == data
    assert main(["diff", old, os.path.dirname(old)]) == 2
    assert capsys.readouterr().err == f"codestack: error: {os.path.dirname(old)}: not a release (no manifest.json)\n"


def test_changed_content_with_the_same_ids_is_counted_as_changed(two_releases, tmp_path):
    old, new = two_releases[0], str(tmp_path / "b")
    redacted = [r._replace(content=r.content.replace("hello", "<NAME>"), num_tokens=6) if r.path == "c.py" else r
                for r in V1]
    write_release(new, "0.1.1", redacted, previous=old, tokenizer=TOKENIZER)
    diff = diff_releases(old, new)
    assert [(row["language"], row["files_added"], row["files_removed"], row["files_changed"])
            for row in diff["languages"]] == [("Python", 0, 0, 1)]
    assert diff["config"]["changes"] == []
    assert "No change (config sha256" in format_entry(diff)


def test_prepend_entry_for_the_optout_patch_release():
    entry = "## 0.1.1\n\nChanges since 0.1.0.\n"
    first = prepend_entry("", "## 0.1.0\n\nFirst release.\n")
    assert first == HEADER + "\n## 0.1.0\n\nFirst release.\n"
    both = prepend_entry(first, entry)
    assert both == HEADER + "\n## 0.1.1\n\nChanges since 0.1.0.\n\n## 0.1.0\n\nFirst release.\n"
    custom = prepend_entry("# History\n\nhand-written notes\n\n## 0.1.0\n\nx\n", entry)
    assert custom == "# History\n\nhand-written notes\n\n## 0.1.1\n\nChanges since 0.1.0.\n\n## 0.1.0\n\nx\n"
    with pytest.raises(ValueError, match="already has an entry '0.1.1'"):
        prepend_entry(both, entry)


def test_optout_removals_are_named_by_count(two_releases):
    old, new = two_releases
    text = format_entry(diff_releases(old, new), optout_removed=["octo/x", "octo/y"])
    assert "2 repositories removed at their owners' request (opt-out patch release)." in text
    assert "octo/x" not in text


def test_previous_must_be_an_older_release(two_releases, tmp_path, capsys):
    old = two_releases[1]
    args = ["build", "--source", f"git:{tmp_path}", "--output", str(tmp_path / "out"), "--release-version"]
    assert main(args + ["0.2.0", "--previous", old]) == 2
    assert main(args + ["0.3.0", "--previous", str(tmp_path / "nothing")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert err == [f"codestack: error: --previous: {old} holds version 0.2.0, not older than 0.2.0",
                   f"codestack: error: --previous: {tmp_path / 'nothing'}: not a release (no manifest.json)"]


# ---------------------------------------------------------------------------
# dataset card and plots
# ---------------------------------------------------------------------------


def test_card_yaml_has_a_config_per_language_whose_glob_finds_its_shards(two_releases):
    root = two_releases[0]
    manifest = read_manifest(root)
    card = open(os.path.join(root, "README.md")).read()
    meta = parse_front_matter(card)
    names = [c["config_name"] for c in meta["configs"]]
    assert names == ["default", "C++", "F*", "JavaScript", "Python"]
    assert meta["configs"][0]["default"] is True
    for config in meta["configs"]:
        (files,) = config["data_files"]
        assert files["split"] == "train"
        found = sorted(os.path.relpath(p, root) for p in glob.glob(os.path.join(root, files["path"])))
        expected = sorted(s["path"] for s in manifest["shards"]
                          if config["config_name"] in ("default", s["language"]))
        assert found == expected, config
    assert meta["license"] == ["apache-2.0", "bsd-3-clause", "mit"]
    assert meta["size_categories"] == ["n<1K"] and meta["pretty_name"] == "codestack 0.1.0"
    for rel in ("plots/files_per_language.png", "plots/bytes_per_language.png", "plots/licenses.png",
                "plots/funnel.png"):
        assert f"]({rel})" in card
    for language in manifest["languages"]:
        assert f"| `{language}` | " in card
    assert not DATE.search(card)


def test_plots_open_and_their_bytes_are_a_function_of_the_manifest(two_releases, tmp_path):
    root = two_releases[0]
    manifest = read_manifest(root)
    again = str(tmp_path / "again")
    plots = write_plots(again, manifest)
    assert plots == sorted(f["path"] for f in manifest["files"] if f["path"].startswith("plots/"))
    for rel in plots:
        data = open(os.path.join(root, rel), "rb").read()
        assert data == open(os.path.join(again, rel), "rb").read()
        assert b"Software" not in data  # no matplotlib version stamp
        with Image.open(os.path.join(root, rel)) as image:
            image.verify()
        with Image.open(os.path.join(root, rel)) as image:
            assert image.format == "PNG" and image.size[0] == 800 and image.size[1] >= 220


# ---------------------------------------------------------------------------
# query
# ---------------------------------------------------------------------------


def test_query_filters_and_formats(two_releases, capsys):
    _old, new = two_releases
    assert main(["query", new, "--language", "Python", "--repo", "octo/gamma"]) == 0
    rows = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [(r["repo_name"], r["path"], r["num_tokens"]) for r in rows] == [("octo/gamma", "e.py", 7),
                                                                         ("octo/gamma", "f.py", 11)]
    assert rows[0]["committer_date"] == "2023-11-14T22:13:20+00:00" and rows[0]["content"].startswith("import os")
    assert main(["query", new, "--license", "mit", "--format", "table", "--limit", "3"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].split() == ["repo_name", "path", "language", "license_type", "detected_licenses", "length_bytes",
                              "num_tokens"]
    assert [line.split()[:2] for line in out[1:]] == [["octo/beta", "d.cpp"], ["octo/gamma", "g.go"],
                                                      ["octo/alpha", "a.py"]]
    assert main(["query", new, "--license", "BSD-3-Clause", "--columns", "path,detected_licenses"]) == 0
    assert [json.loads(line) for line in capsys.readouterr().out.splitlines()] == [
        {"path": "d.cpp", "detected_licenses": ["BSD-3-Clause", "MIT"]}]
    assert main(["query", new, "--language", "Cobol"]) == 2
    assert main(["query", new, "--columns", "nope"]) == 2
    err = capsys.readouterr().err
    assert "--language Cobol: not in" in err and "languages: C++, F*, Go, Python" in err


# ---------------------------------------------------------------------------
# end to end: the pipeline, datasets, DuckDB
# ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """samples -> v0.1.0; one repository added -> v0.2.0 --previous v0.1.0; both with a tokenizer."""
    from gitrepos import beam_home, make_repo
    from pipeline.samples import build_samples
    from test_tokens import train_sentencepiece

    root = tmp_path_factory.mktemp("e2e")
    with beam_home(root):
        repos = root / "repos"
        build_samples(str(repos))
        tokenizer = root / "tokenizer.model"
        tokenizer.write_bytes(train_sentencepiece())
        v1, v2 = str(root / "0.1.0"), str(root / "0.2.0")
        common = ["--source", f"git:{repos}", "--tokenizer", str(tokenizer)]
        assert main(["build", *common, "--output", v1, "--release-version", "0.1.0"]) == 0
        make_repo(repos, "added-later", {
            "LICENSE": mit_license("Late Owner"),
            "src/stats.py": "def mean(values):\n    values = list(values)\n    return sum(values) / len(values)\n\n\n"
                            "def spread(values):\n    values = sorted(values)\n    return values[-1] - values[0]\n",
            "src/units.py": "KILO = 1000\nMEGA = KILO * KILO\n\n\ndef to_mega(n):\n    return n / MEGA\n",
        }, origin="https://github.com/late-owner/added-later")
        assert main(["build", *common, "--output", v2, "--release-version", "0.2.0", "--previous", v1]) == 0
    return v1, v2




def python_or_first(manifest):
    return "Python" if "Python" in manifest["languages"] else next(iter(manifest["languages"]))


@pytest.mark.slow
def test_built_releases_verify_and_count_tokens(built):
    for root in built:
        assert verify_release(root) == []
        manifest = read_manifest(root)
        assert manifest["inputs"]["tokenizer"]["kind"] == "sentencepiece"
        assert manifest["stages"]["tokens"]["kept"] == manifest["totals"]["files"] > 0
        table = pa.concat_tables(pq.read_table(os.path.join(root, s["path"])) for s in manifest["shards"])
        tokens = table.column("num_tokens").to_pylist()
        assert None not in tokens and sum(tokens) == manifest["totals"]["tokens"] > 0
        assert manifest["stages"]["tokens"]["counters"]["tokens"] == manifest["totals"]["tokens"]
        content_bytes = sum(len(c.encode()) for c in table.column("content").to_pylist())
        assert content_bytes == manifest["totals"]["content_bytes"]
        assert manifest["totals"]["repositories"] == len(set(table.column("repo_name").to_pylist()))


@pytest.mark.slow
def test_datasets_and_duckdb_read_a_release_unchanged(built):
    import datasets
    import duckdb

    from manifests.manifest import STACK_V2_COLUMNS

    _v1, v2 = built
    manifest = read_manifest(v2)
    language = python_or_first(manifest)
    folder = manifest["shards"][[s["language"] for s in manifest["shards"]].index(language)]["path"].split("/")[1]
    loaded = datasets.load_dataset("parquet", data_dir=os.path.join(v2, "data", folder), split="train",
                                   cache_dir=os.path.join(os.environ["HOME"], "hf-datasets"))
    assert loaded.num_rows == manifest["languages"][language]["files"]
    assert list(STACK_V2_COLUMNS) == loaded.column_names[:len(STACK_V2_COLUMNS)]
    assert set(loaded["language"]) == {language}

    connection = duckdb.connect()
    rows = connection.execute(
        f"SELECT count(*), count(DISTINCT repo_name), sum(num_tokens) FROM read_parquet('{v2}/data/*/*.parquet')"
    ).fetchone()
    assert rows == (manifest["totals"]["files"], manifest["totals"]["repositories"], manifest["totals"]["tokens"])
    columns = [d[0] for d in connection.execute(f"SELECT * FROM read_parquet('{v2}/data/*/*.parquet') LIMIT 1")
               .description]
    assert columns[:len(STACK_V2_COLUMNS)] == list(STACK_V2_COLUMNS)
    per_language = dict(connection.execute(
        f"SELECT language, count(*) FROM read_parquet('{v2}/data/*/*.parquet') GROUP BY language").fetchall())
    assert per_language == {k: v["files"] for k, v in manifest["languages"].items()}


@pytest.mark.slow
def test_added_repository_is_in_the_changelog_and_in_diff(built, capsys):
    v1, v2 = built
    old, new = read_manifest(v1), read_manifest(v2)
    changelog = open(os.path.join(v2, "CHANGELOG.md")).read()
    top = changelog[len(HEADER) + 1: changelog.index("\n## 0.1.0")]
    assert main(["diff", v1, v2]) == 0
    assert capsys.readouterr().out == top
    assert "1 repository added, 0 removed: " in top
    assert new["totals"]["repositories"] == old["totals"]["repositories"] + 1
    added = new["totals"]["files"] - old["totals"]["files"]
    assert added > 0 and f"| **all** | {new['totals']['files']:,} | +{added:,} | 0 |" in top
    assert "## 0.1.0\n\nFirst release." in changelog
    assert "No change (config sha256" in top


@pytest.mark.slow
def test_built_card_lists_every_language_and_its_plots_open(built):
    for root in built:
        manifest = read_manifest(root)
        meta = parse_front_matter(open(os.path.join(root, "README.md")).read())
        folders = {s["path"].split("/")[1] for s in manifest["shards"]}
        assert {c["config_name"] for c in meta["configs"]} == folders | {"default"}
        assert len(manifest["languages"]) == len(folders)
        for entry in manifest["files"]:
            if entry["path"].endswith(".png"):
                with Image.open(os.path.join(root, entry["path"])) as image:
                    image.verify()
