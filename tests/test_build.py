"""End to end: git repositories -> release; determinism, verify, CLI, bad input."""

import json
import os
import shutil

import apache_beam as beam
import pyarrow.parquet as pq
import pytest
from apache_beam.testing.test_pipeline import TestPipeline
from apache_beam.testing.util import assert_that, equal_to

from gitrepos import git, make_repo
from pipeline.build import STAGING, run_build
from pipeline.cli import main
from pipeline.samples import build_samples
from pipeline.versions import data_versions
from transforms import fetch, spill
from transforms.base import Stage
from transforms.record import CodeFile

pytestmark = pytest.mark.slow
QUIET = lambda msg: None  # noqa: E731


@pytest.fixture(scope="module")
def samples(tmp_path_factory):
    root = tmp_path_factory.mktemp("samples")
    build_samples(str(root))
    # bad input next to good input: only binaries, a non-UTF-8 file name, an unreadable folder
    make_repo(root, "binaries", {"a.bin": b"\x00\x01\x02", "b.png": b"\x89PNG\r\n\x1a\n\x00"})
    odd = make_repo(root, "odd-names", {"good.py": "x = 1\n"})
    with open(os.path.join(odd.encode(), b"caf\xe9.py"), "wb") as handle:
        handle.write(b"y = 2\n")
    git(odd, "add", "-A")
    git(odd, "-c", "user.name=T", "-c", "user.email=t@e", "commit", "-qm", "odd")
    locked = root / "locked"
    (locked / "inside").mkdir(parents=True)
    os.chmod(locked, 0o000)
    yield str(root)
    os.chmod(locked, 0o755)


def sums(folder):
    return open(os.path.join(folder, "SHA256SUMS")).read()


def rows(folder):
    out = []
    for dirpath, _dirs, files in os.walk(os.path.join(folder, "data")):
        for name in sorted(files):
            out.extend(pq.read_table(os.path.join(dirpath, name)).to_pylist())
    return out


def test_release_is_deterministic_across_runs_and_workers(samples, tmp_path, monkeypatch):
    one, two, multi = (str(tmp_path / n) for n in ("one", "two", "multi"))
    spilled = []
    real_put = spill._Store.put
    monkeypatch.setattr(spill._Store, "put", lambda store, data: spilled.append(store.folder) or real_put(store, data))
    manifest = run_build(f"git:{samples}", one, "0.1.0", log=QUIET)
    # records between stages waited in spill files under the staging folder, which went with it
    assert spilled and {os.path.dirname(f) for f in spilled} == {os.path.join(one, STAGING)}
    # a run that holds every record in memory gives the same release
    del spilled[:]
    run_build(f"git:{samples}", two, "0.1.0", log=QUIET, spill=False)
    assert not spilled
    run_build(f"git:{samples}", multi, "0.1.0", workers=2, log=QUIET)
    assert sums(one) == sums(two) == sums(multi)
    assert open(os.path.join(one, "manifest.json")).read() == open(os.path.join(multi, "manifest.json")).read()
    assert manifest["versions"] == data_versions()  # what the build depended on, the same in every run
    assert main(["verify", one]) == 0
    assert not os.path.exists(os.path.join(one, STAGING))
    # every stage counted; the bad inputs were counted or dead-lettered, and the run completed
    stages = manifest["stages"]
    assert stages["decode"]["dropped"]["binary"] == 3
    reasons = [json.loads(line)["reason"] for name in sorted(os.listdir(os.path.join(one, "rejects")))
               for line in open(os.path.join(one, "rejects", name))]
    assert sorted(reasons) == ["empty_repository", "path_not_utf8"]
    assert stages["sink"]["kept"] == manifest["totals"]["files"] == len(rows(one))


def test_ids_equal_git(samples, tmp_path):
    out = str(tmp_path / "rel")
    run_build(f"git:{samples}", out, "0.1.0", log=QUIET)
    by_repo = {}
    for row in rows(out):
        by_repo.setdefault(row["repo_name"], []).append(row)
    folder = os.path.join(samples, "github.com__codestack-demo__textkit")
    textkit = by_repo["codestack-demo/textkit"]
    assert {r["revision_id"] for r in textkit} == {git(folder, "rev-parse", "HEAD")}
    for row in textkit:
        assert row["content_id"] == git(folder, "rev-parse", f"HEAD:{row['path']}")
    listed = set(git(folder, "ls-tree", "-r", "--name-only", "HEAD").splitlines())
    # the release holds what survives the filters and dedup (textkit's MIT LICENSE is a
    # near-duplicate of fastmath's); what reached the pipeline is every listed file
    assert {r["path"] for r in textkit} <= listed - {"docs/logo.png"}
    assert "textkit/tokenize.py" in {r["path"] for r in textkit}


def test_verify_fails_after_one_byte_changes(samples, tmp_path):
    out = str(tmp_path / "rel")
    run_build(f"git:{samples}", out, "0.1.0", log=QUIET)
    shard = next(os.path.join(d, f) for d, _s, fs in os.walk(os.path.join(out, "data")) for f in fs)
    data = bytearray(open(shard, "rb").read())
    data[100] ^= 0xFF
    open(shard, "wb").write(bytes(data))
    assert main(["verify", out]) == 1


def test_killed_run_leftovers_are_cleared(samples, tmp_path):
    out = tmp_path / "rel"
    (out / STAGING / "data").mkdir(parents=True)
    (out / STAGING / "data" / "half.parquet.tmp").write_bytes(b"partial")
    (out / "data" / "Python").mkdir(parents=True)
    (out / "data" / "Python" / "train-00000-of-00001.parquet").write_bytes(b"old")
    reference = str(tmp_path / "ref")
    run_build(f"git:{samples}", reference, "0.1.0", log=QUIET)
    run_build(f"git:{samples}", str(out), "0.1.0", log=QUIET)
    assert sums(reference) == sums(str(out))


def test_cli_errors_are_one_line(samples, tmp_path, capsys):
    out = str(tmp_path / "rel")
    assert main(["build", "--source", f"git:{samples}", "--output", out, "--release-version", "1"]) == 2
    assert main(["build", "--source", "svn:x", "--output", out, "--release-version", "0.1.0"]) == 2
    assert main(["build", "--source", f"git:{tmp_path}/none", "--output", out, "--release-version", "0.1.0"]) == 2
    err = capsys.readouterr().err
    assert err.count("codestack: error:") == 3 and "Traceback" not in err
    assert main(["build", "--source", f"git:{samples}", "--output", out, "--release-version", "0.1.0"]) == 0
    assert main(["build", "--source", f"git:{samples}", "--output", out, "--release-version", "0.1.0"]) == 2
    assert "already holds a release" in capsys.readouterr().err


def test_demo_command(tmp_path, capsys):
    out = str(tmp_path / "demo")
    assert main(["demo", "--output", out]) == 0
    assert capsys.readouterr().out.strip() == out
    assert main(["verify", out]) == 0
    # the demo goes through the SWH export: the opted-out origin is skipped when visits are
    # resolved, so nothing of it (branch, tree, blob) is read and no file of it is released
    manifest = json.load(open(os.path.join(out, "manifest.json")))
    assert manifest["stages"]["source"]["counters"]["visits:opted_out"] >= 1
    assert manifest["stages"]["optout"]["dropped"] == {}
    assert "Opted-Out-Dev/notes" not in {r["repo_name"] for r in rows(out)}


def test_decode_stage_in_a_test_pipeline(tmp_path):
    repo = make_repo(tmp_path, "r", {"a.py": "print(1)\n", "b.bin": b"\x00\x01"})
    head = git(repo, "rev-parse", "HEAD")

    def record(path):
        return CodeFile(blob_id="", content_id=git(repo, "rev-parse", f"HEAD:{path}"), directory_id="d", path=path,
                        repo_name="o/r", snapshot_id="s", revision_id=head, branch_name="main",
                        locator=f"git:{repo}")

    with TestPipeline(runner="apache_beam.runners.portability.fn_api_runner.FnApiRunner") as p:
        kept, rejects = (p | beam.Create([record("a.py"), record("b.bin")])
                         | Stage(fetch.STAGE, lambda: fetch.make_core(fetch.DecodeConfig())))
        assert_that(kept | beam.Map(lambda r: (r.path, r.content, r.src_encoding)),
                    equal_to([("a.py", "print(1)\n", "UTF-8")]), label="kept")
        assert_that(rejects, equal_to([]), label="rejects")
