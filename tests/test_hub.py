"""``codestack release`` against tests/hubstandin.py, a STAND-IN for the Hugging Face Hub
(the real Hub cannot be reached here): it implements just the endpoints huggingface_hub
calls to create a dataset repo, upload a folder, tag it and list its files."""

import logging
import os
import shutil

import huggingface_hub.constants
import pytest

from hubstandin import HubStandIn, git_blob_id
from manifests.checksums import write_sums
from manifests.verify import verify_release
from pipeline.cli import main
from releases import record, write_release

TOKEN = "hf_standin_secret_0123456789"
V1 = [record("octo/alpha", "a.py", "print('a')\n"), record("octo/alpha", "b.go", "package b\n", language="Go")]
V2 = V1[:1] + [record("octo/beta", "c.py", "print('c')\n")]


@pytest.fixture(scope="module")
def releases(tmp_path_factory):
    root = tmp_path_factory.mktemp("hubreleases")
    write_release(str(root / "0.1.0"), "0.1.0", V1)
    write_release(str(root / "0.2.0"), "0.2.0", V2, previous=str(root / "0.1.0"))
    return str(root / "0.1.0"), str(root / "0.2.0")


@pytest.fixture
def hub(monkeypatch):
    monkeypatch.setattr(huggingface_hub.constants, "HF_HUB_OFFLINE", False)  # conftest sets HF_HUB_OFFLINE=1
    monkeypatch.setenv("HF_HUB_DISABLE_PROGRESS_BARS", "1")
    monkeypatch.setenv("HF_TOKEN", TOKEN)
    with HubStandIn(TOKEN) as stand_in:
        monkeypatch.setenv("HF_ENDPOINT", stand_in.endpoint)
        yield stand_in


def local_files(root):
    out = {}
    for folder, _dirs, files in os.walk(root):
        for name in files:
            full = os.path.join(folder, name)
            out[os.path.relpath(full, root)] = open(full, "rb").read()
    return out


def release(args, capsys, caplog):
    with caplog.at_level(logging.DEBUG):
        code = main(["release", *args])
    out, err = capsys.readouterr()
    assert TOKEN not in out + err + caplog.text  # the token is never printed or logged
    return code, out, err


def test_dry_run_prints_the_plan_and_contacts_nothing(releases, capsys, caplog, monkeypatch):
    monkeypatch.delenv("HF_TOKEN", raising=False)
    monkeypatch.setenv("HF_ENDPOINT", "http://127.0.0.1:9")  # nothing listens: a request would fail
    code, out, err = release([releases[0], "--repo-id", "org/code", "--dry-run", "--private"], capsys, caplog)
    assert code == 0 and "dry run: nothing was sent" in err
    lines = out.splitlines()
    assert lines[0] == "repo:     http://127.0.0.1:9/datasets/org/code (dataset; created private if missing)"
    assert lines[2].startswith("tag:      v0.1.0 on the upload's commit")
    listed = [line.split()[-1] for line in lines[5:]]
    assert listed == sorted(local_files(releases[0]))
    assert f"upload:   {len(listed)} files, {sum(map(len, local_files(releases[0]).values())):,} bytes" in lines[1]


def test_release_creates_uploads_tags_and_checks(releases, hub, capsys, caplog):
    code, out, err = release([releases[0], "--repo-id", "org/code", "--private"], capsys, caplog)
    assert code == 0, err
    repo = hub.repos["org/code"]
    assert repo.private
    assert out == f"org/code@v0.1.0 {repo.tags['v0.1.0']}\n"
    remote = repo.commits[repo.tags["v0.1.0"]]
    assert {p: d for p, d in remote.items() if p != ".gitattributes"} == local_files(releases[0])
    assert "files checked against manifest.json" in err
    assert verify_release(releases[0]) == []  # the upload left nothing behind in the release folder

    # publishing the same version again uploads nothing
    commits = len(repo.commit_log)
    assert release([releases[0], "--repo-id", "org/code"], capsys, caplog)[0] == 0
    assert len(repo.commit_log) == commits

    # the next version replaces main (files gone from the release are deleted); v0.1.0 stays tagged
    code, out, err = release([releases[1], "--repo-id", "org/code"], capsys, caplog)
    assert code == 0, err
    main_files = repo.commits[repo.branches["main"]]
    assert {p for p in main_files if p != ".gitattributes"} == set(local_files(releases[1]))
    assert "data/Go/train-00000-of-00001.parquet" in repo.commit_log[-1]["deleted"]
    assert repo.commits[repo.tags["v0.1.0"]] == remote
    assert repo.tags["v0.2.0"] == repo.branches["main"]


def test_an_interrupted_upload_resumes(releases, hub, capsys, caplog):
    hub.fail_next_commit = True
    code, _out, err = release([releases[0], "--repo-id", "org/code"], capsys, caplog)
    assert code == 2 and err.count("\n") <= 3 and "Traceback" not in err and "upload" in err
    assert "v0.1.0" not in hub.repos["org/code"].tags

    # an earlier run got half of the files in before it stopped: the rerun sends only the rest
    repo = hub.repos["org/code"]
    files = local_files(releases[0])
    half = dict(sorted(files.items())[: len(files) // 2])
    repo.commit("interrupted run", half, [], repo.branches["main"])
    assert release([releases[0], "--repo-id", "org/code"], capsys, caplog)[0] == 0
    assert repo.commit_log[-1]["added"] == sorted(set(files) - set(half))
    assert {p: d for p, d in repo.commits[repo.tags["v0.1.0"]].items() if p != ".gitattributes"} == files


def test_a_published_version_is_never_replaced(releases, hub, capsys, caplog, tmp_path):
    assert release([releases[0], "--repo-id", "org/code"], capsys, caplog)[0] == 0
    changed = str(tmp_path / "changed")
    shutil.copytree(releases[0], changed)
    with open(os.path.join(changed, "CHANGELOG.md"), "a") as handle:
        handle.write("\nedited\n")
    # a release that no longer verifies is refused before anything is sent
    requests = len(hub.requests)
    code, _out, err = release([changed, "--repo-id", "org/code"], capsys, caplog)
    assert code == 1 and "does not verify" in err and len(hub.requests) == requests
    # one that verifies (manifest and sums rewritten) but differs from the tagged v0.1.0 is refused too
    from manifests.manifest import read_manifest, write_manifest
    from manifests.publish import file_entry

    manifest = read_manifest(changed)
    manifest["files"] = [file_entry(changed, f["path"]) for f in manifest["files"]]
    write_manifest(changed, manifest)
    write_sums(changed)
    code, _out, err = release([changed, "--repo-id", "org/code"], capsys, caplog)
    assert code == 1 and "tag v0.1.0 exists with other files (CHANGELOG.md:" in err


def test_token_from_the_login_cache_and_refused_tokens(releases, hub, capsys, caplog, monkeypatch, tmp_path):
    cache = tmp_path / "token"
    monkeypatch.setattr(huggingface_hub.constants, "HF_TOKEN_PATH", str(cache))
    monkeypatch.delenv("HF_TOKEN")
    code, _out, err = release([releases[0], "--repo-id", "org/code"], capsys, caplog)
    assert (code, err) == (2, "codestack: error: no Hugging Face token: set HF_TOKEN or run: hf auth login\n")
    assert hub.requests == []

    cache.write_text("hf_wrong_token")
    code, _out, err = release([releases[0], "--repo-id", "org/code"], capsys, caplog)
    assert code == 2 and "the Hub refused the token (HTTP 401)" in err and "hf_wrong_token" not in err

    cache.write_text(TOKEN)
    assert release([releases[0], "--repo-id", "org/code"], capsys, caplog)[0] == 0
    repo = hub.repos["org/code"]
    readme = repo.commits[repo.tags["v0.1.0"]]["README.md"]
    assert git_blob_id(readme) == git_blob_id(open(os.path.join(releases[0], "README.md"), "rb").read())


def test_bad_repo_id_is_a_usage_error(releases, capsys, caplog):
    code, _out, err = release([releases[0], "--repo-id", "no slash here", "--dry-run"], capsys, caplog)
    assert code == 2 and err.startswith("codestack: error: --repo-id 'no slash here':")
